"""Every route. Each view declares its access-policy action; undeclared routes are refused."""

from django.urls import include, path

from lantern.accounts.urls import webauthn_patterns

urlpatterns = [
    path("", include("lantern.core.urls")),
    path("", include("lantern.accounts.urls")),
    path("administration/", include("lantern.accounts.admin_urls")),
    path("people/", include("lantern.people.urls")),
    path("referrals/", include("lantern.referrals.urls")),
    path("missing/", include("lantern.missing.urls")),
    path("", include("lantern.assessments.urls")),
    path("access/", include("lantern.access.urls")),
    path("webauthn/", include(webauthn_patterns)),
]

handler400 = "lantern.core.views.bad_request"
handler403 = "lantern.core.views.forbidden"
handler404 = "lantern.core.views.not_found"
handler500 = "lantern.core.views.server_error"
