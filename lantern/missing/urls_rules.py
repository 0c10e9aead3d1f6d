"""Rules, their firings, and the tasks they make."""

from django.urls import path

from lantern.missing import views_rules

urlpatterns = [
    path("rules/", views_rules.rule_list, name="rules"),
    path("rules/new/", views_rules.rule_new_view, name="rule-new"),
    path("rules/firings/", views_rules.firing_list, name="rule-firings"),
    path("rules/<slug:key>/edit/", views_rules.rule_edit_view, name="rule-edit"),
    path("tasks/", views_rules.task_list, name="tasks"),
    path("tasks/<uuid:pk>/done/", views_rules.task_done, name="task-done"),
]
