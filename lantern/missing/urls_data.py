"""Statutory data and the dashboard: the SSDA903 Missing table, Ofsted's Annex A List 8, the
dashboard and the children behind its figures."""

from django.urls import path

from lantern.missing import views_data

urlpatterns = [
    path("statutory/ssda903/", views_data.ssda903, name="ssda903"),
    path("statutory/annex-a/", views_data.annex_a, name="annex-a"),
    path("dashboard/", views_data.dashboard, name="dashboard"),
    path("dashboard/children/", views_data.dashboard_children, name="dashboard-children"),
]
