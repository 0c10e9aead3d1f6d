from django.urls import path

from lantern.accounts import admin_views as views
from lantern.core import admin_views as core_views

app_name = "administration"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_edit, name="agency-new"),
    path("agencies/<uuid:pk>/", views.agency_detail, name="agency"),
    path("agencies/<uuid:pk>/edit/", views.agency_edit, name="agency-edit"),
    path("agencies/<uuid:pk>/status/", views.agency_status, name="agency-status"),
    path("agencies/<uuid:agency_pk>/teams/new/", views.team_edit, name="team-new"),
    path("agencies/<uuid:agency_pk>/teams/<uuid:pk>/edit/", views.team_edit, name="team-edit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_edit, name="user-new"),
    path("users/<uuid:pk>/", views.user_detail, name="user"),
    path("users/<uuid:pk>/edit/", views.user_edit, name="user-edit"),
    path("users/<uuid:pk>/status/", views.user_status, name="user-status"),
    path(
        "users/<uuid:pk>/reset-sign-in/",
        views.user_reset_second_factor,
        name="user-reset-second-factor",
    ),
    path("roles/", views.role_list, name="roles"),
    path("timescales/", core_views.timescales, name="timescales"),
    path("timescales/<slug:key>/", core_views.timescale_edit, name="timescale-edit"),
]
