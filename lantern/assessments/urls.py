from django.urls import path

from lantern.assessments import views, views_instruments

app_name = "assessments"

urlpatterns = [
    path("people/<str:pk>/assessments/", views.person_assessments, name="person"),
    path("people/<str:pk>/assessments/new/<slug:key>/", views.assessment_new, name="new"),
    path(
        "people/<str:pk>/assessments/<str:assessment>/",
        views.assessment_detail,
        name="assessment",
    ),
    path("instruments/", views_instruments.instrument_list, name="instruments"),
    path("instruments/<slug:key>/", views_instruments.instrument_detail, name="instrument"),
    path("instruments/<slug:key>/draft/", views_instruments.version_draft, name="version-draft"),
    path(
        "instruments/<slug:key>/versions/<int:number>/publish/",
        views_instruments.version_publish,
        name="version-publish",
    ),
]
