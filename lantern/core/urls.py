from django.urls import path

from lantern.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<uuid:pk>/open/", views.notification_open_view, name="notification-open"),
    path("drafts/save/", views.draft_autosave, name="draft-save"),
    path("drafts/discard/", views.draft_discard_view, name="draft-discard"),
]
