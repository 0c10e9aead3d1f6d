from django.urls import path

from lantern.missing import views_episodes as views

urlpatterns = [
    path("", views.board, name="board"),
    path("report/", views.report_start, name="report-start"),
    path("report/<str:person>/", views.report, name="report"),
    path("children/<str:person>/", views.child_history, name="child"),
    path("episodes/<str:pk>/", views.episode_detail, name="episode"),
    path("episodes/<str:pk>/return/", views.episode_return, name="return"),
    path("episodes/<str:pk>/grade/", views.episode_grade_view, name="grade"),
    path("episodes/<str:pk>/interview/", views.interview, name="interview"),
    path("episodes/<str:pk>/close/", views.episode_close_view, name="close"),
    path("episodes/<str:pk>/refer/", views.episode_refer_view, name="refer"),
    path("interviews/", views.interviews, name="interviews"),
    path("leads/", views.leads, name="leads"),
    path("leads/<str:pk>/", views.lead_review_view, name="lead"),
]
