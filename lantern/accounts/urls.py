from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
)

from lantern.access.policy import declare_action
from lantern.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/verify/", views.verify, name="verify"),
    path("sign-in/set-up/", views.set_up, name="set-up"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("signed-out/", views.signed_out, name="signed-out"),
    path("session/keep-alive/", views.keep_alive, name="keep-alive"),
    path("account/", views.account, name="account"),
]

# django-otp-webauthn's ceremony endpoints, each declared to the access policy. The passkey
# is a second factor here: verifying needs a password first; adding one needs full sign-in.
webauthn_patterns = (
    [
        path(
            "authentication/begin/",
            declare_action("auth.second_factor")(BeginCredentialAuthenticationView.as_view()),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            views.PasskeySignInView.as_view(),
            name="credential-authentication-complete",
        ),
        path(
            "registration/begin/",
            declare_action("account.passkeys")(BeginCredentialRegistrationView.as_view()),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            views.PasskeyRegisterView.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "jsi18n/",
            declare_action("public")(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
            name="js-i18n-catalog",
        ),
    ],
    "otp_webauthn",
)
