"""Bulk imports of police missing reports and school absence lists, under /missing/imports/."""

from django.urls import path

from lantern.missing import views_imports

urlpatterns = [
    path("imports/", views_imports.import_list, name="imports"),
    path("imports/review/", views_imports.review_list, name="import-review"),
    path("imports/review/<uuid:pk>/", views_imports.review_decide, name="import-review-row"),
    path("imports/<uuid:pk>/", views_imports.import_detail, name="import"),
]
