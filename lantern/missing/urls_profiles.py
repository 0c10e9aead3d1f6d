"""A child's Philomena profile, its photo and the grab pack."""

from django.urls import path

from lantern.missing import views_profiles as views

urlpatterns = [
    path("children/<str:pk>/profile/", views.profile, name="profile"),
    path("children/<str:pk>/profile/edit/", views.profile_edit, name="profile-edit"),
    path("children/<str:pk>/profile/photo/", views.profile_photo, name="profile-photo"),
    path(
        "children/<str:pk>/profile/photo/new/",
        views.profile_photo_upload,
        name="profile-photo-upload",
    ),
    path(
        "children/<str:pk>/profile/photo/remove/",
        views.profile_photo_remove,
        name="profile-photo-remove",
    ),
    path("children/<str:pk>/grab-pack.pdf", views.grab_pack, name="grab-pack"),
]
