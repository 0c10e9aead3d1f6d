from django.urls import path

from lantern.chronology import views as chronology
from lantern.people import views, views_details, views_family, views_merge

app_name = "people"

urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_new, name="new"),
    path("merges/", views_merge.merge_list, name="merges"),
    path("merges/<str:pk>/decide/", views_merge.merge_decide_view, name="merge-decide"),
    path("merges/<str:pk>/undo/", views_merge.merge_undo_view, name="merge-undo"),
    path("<str:pk>/", views.person_detail, name="person"),
    path("<str:pk>/edit/", views_details.person_edit, name="edit"),
    path("<str:pk>/archive/", views_details.person_archive_view, name="archive"),
    path("<str:pk>/names/new/", views_details.name_new, name="name-new"),
    path("<str:pk>/statuses/new/", views_details.status_new, name="status-new"),
    path("<str:pk>/statuses/<str:status>/end/", views_details.status_end, name="status-end"),
    path("<str:pk>/addresses/new/", views_details.address_new, name="address-new"),
    path("<str:pk>/schools/new/", views_details.enrolment_new, name="enrolment-new"),
    path(
        "<str:pk>/schools/<str:enrolment>/end/",
        views_details.enrolment_end_view,
        name="enrolment-end",
    ),
    path("<str:pk>/family/", views_family.family_view, name="family"),
    path("<str:pk>/relationships/new/", views_family.relationship_new, name="relationship-new"),
    path(
        "<str:pk>/relationships/<str:relationship>/end/",
        views_family.relationship_end_view,
        name="relationship-end",
    ),
    path("<str:pk>/professionals/new/", views_family.professional_new, name="professional-new"),
    path("<str:pk>/merge/", views_merge.merge_new, name="merge-new"),
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
