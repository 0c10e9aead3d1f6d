from django.urls import path

from lantern.referrals import views, views_strategy, views_triage

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="mine"),
    path("new/", views.referral_new, name="new"),
    path("queue/", views_triage.queue, name="queue"),
    path("timeliness/", views_triage.timeliness_view, name="timeliness"),
    path("checks/", views_triage.check_inbox, name="checks"),
    path("checks/<str:pk>/", views_triage.check_answer, name="check-answer"),
    path("<str:pk>/", views_triage.referral_detail, name="referral"),
    path("<str:pk>/children/", views.referral_children, name="children"),
    path("<str:pk>/details/", views.referral_details, name="details"),
    path("<str:pk>/check/", views.referral_check, name="check"),
    path("<str:pk>/rate/", views_triage.referral_rate_view, name="rate"),
    path("<str:pk>/assign/", views_triage.referral_assign_view, name="assign"),
    path("<str:pk>/partner-checks/", views_triage.partner_checks_view, name="partner-checks"),
    path("<str:pk>/decision/", views_triage.decision_view, name="decision"),
    path("<str:pk>/decision/review/", views_triage.decision_review_view, name="decision-review"),
    path("<str:pk>/strategy/new/", views_strategy.strategy_new, name="strategy-new"),
    path("<str:pk>/enquiries/<str:enquiry>/", views_strategy.enquiry_edit, name="enquiry-edit"),
    path(
        "<str:pk>/assessment-completed/",
        views_strategy.assessment_done,
        name="assessment-completed",
    ),
]
