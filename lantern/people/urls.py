from django.urls import path

from lantern.chronology import views as chronology
from lantern.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("<str:pk>/", views.person_detail, name="person"),
    path("<str:pk>/access-log/", views.person_access_log, name="access-log"),
    path("<str:pk>/emergency-access/", views.person_emergency_access, name="emergency-access"),
    path("<str:pk>/restrict/", views.person_restrict, name="restrict"),
    path("<str:pk>/restriction/", views.restriction_review_view, name="restriction-review"),
    path("<str:pk>/identifiers/new/", views.identifier_new, name="identifier-new"),
    path("<str:pk>/flags/new/", views.flag_new, name="flag-new"),
    path("<str:pk>/flags/<str:flag>/end/", views.flag_end_view, name="flag-end"),
    path("<str:pk>/voice/new/", views.voice_new, name="voice-new"),
    path("<str:pk>/notes/new/", chronology.note_new, name="note-new"),
    path("<str:pk>/chronology.pdf", chronology.chronology_export, name="chronology-export"),
    path("<str:pk>/chronology/<str:entry>/addendum/", chronology.addendum_new, name="addendum-new"),
]
