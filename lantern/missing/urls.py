"""The missing episodes routes, under /missing/. Each area of the capability keeps its own
route list (episodes and interviews, rules and tasks, profiles, statutory data and the
dashboard, imports) so the modules stay small."""

from django.urls import include, path

app_name = "missing"

urlpatterns = [
    path("", include("lantern.missing.urls_episodes")),
    path("", include("lantern.missing.urls_rules")),
    path("", include("lantern.missing.urls_profiles")),
    path("", include("lantern.missing.urls_data")),
    path("", include("lantern.missing.urls_imports")),
]
