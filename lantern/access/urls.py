from django.urls import path

from lantern.access import views

app_name = "access"

urlpatterns = [
    path("alerts/<uuid:pk>/read/", views.alert_read, name="alert-read"),
    path("report/", views.audit_report, name="report"),
]
