"""The partnership's rules for missing episodes ("3 or more episodes in 90 days: hold a
strategy meeting within 5 working days"), kept as versioned data, and each time one fired.

A rule is a row per version: editing it closes the current version (`valid_to`) and adds the
next, so a firing keeps pointing at the version that made it."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.db.models import F, Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.missing.models.episode import Episode


class RuleKind(models.TextChoices):
    EPISODES_IN_WINDOW = "episodes_in_window", "A number of episodes within a number of days"
    OPEN_EXPLOITATION_FLAG = "open_exploitation_flag", "Any episode while a flag is open"
    RISK_GRADE = "risk_grade", "A police risk grade"
    FOUND_WITH_ADULT_OF_CONCERN = (
        "found_with_adult_of_concern",
        "Found with an adult linked to the young person as an associate or partner",
    )
    MISSING_LONGER_THAN = "missing_longer_than", "Missing for longer than a limit"


class RuleMoment(models.TextChoices):
    REPORTED = "reported", "When an episode is reported"
    CLOSED = "closed", "When an episode is closed"
    BOTH = "both", "When an episode is reported and when it is closed"


class FiringMoment(models.TextChoices):
    REPORTED = "reported", "Reported"
    CLOSED = "closed", "Closed"
    STILL_OPEN = "still_open", "Still missing (checked every 15 minutes)"


@track_history()
class MissingRule(LanternModel):
    """One version of a rule. `parameters` are checked per kind by
    `lantern.missing.services.rules.parameter_errors`; the task it makes is owned by a team or
    by a role's holders and falls due after a timescale or a number of working days."""

    key = models.SlugField(max_length=64)
    number = models.PositiveIntegerField("Version", default=1)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=40, choices=RuleKind.choices)
    parameters = models.JSONField(default=dict)
    evaluated_on = models.CharField(max_length=16, choices=RuleMoment.choices)
    enabled = models.BooleanField(default=True)
    task_title = models.CharField(max_length=200)
    task_detail = models.TextField(blank=True)
    owner_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    owner_role = models.SlugField(max_length=64, blank=True)
    due_timescale = models.SlugField(max_length=64, blank=True)
    due_working_days = models.PositiveSmallIntegerField(null=True, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["key", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["key", "number"], name="missing_rule_version_unique"),
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(valid_to__isnull=True),
                name="missing_rule_one_current_version",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="missing_rule_valid_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=RuleKind.values), name="missing_rule_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(evaluated_on__in=RuleMoment.values),
                name="missing_rule_moment_known",
            ),
            models.CheckConstraint(
                condition=(Q(owner_team__isnull=False) & Q(owner_role=""))
                | (Q(owner_team__isnull=True) & ~Q(owner_role="")),
                name="missing_rule_one_owner",
                violation_error_message="Choose who owns the task: a team or a role.",
            ),
            models.CheckConstraint(
                condition=(~Q(due_timescale="") & Q(due_working_days__isnull=True))
                | (Q(due_timescale="") & Q(due_working_days__gte=1)),
                name="missing_rule_one_deadline",
                violation_error_message="Give the task's deadline as a timescale or as a "
                "number of working days.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (version {self.number})"

    @property
    def is_current(self) -> bool:
        return self.valid_to is None


@track_history()
class RuleFiring(models.Model):
    """A rule version fired for an episode: why, and the task it made. A rule (any of its
    versions) fires at most once per episode, which the database enforces on `rule_key`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    rule = models.ForeignKey(MissingRule, on_delete=models.PROTECT, related_name="firings")
    rule_key = models.SlugField(max_length=64)
    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="rule_firings")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    moment = models.CharField(max_length=16, choices=FiringMoment.choices)
    fired_at = models.DateTimeField()
    why = models.TextField()
    task = models.OneToOneField(
        "core.Task", on_delete=models.PROTECT, related_name="missing_firing"
    )

    class Meta:
        ordering: ClassVar = ["-fired_at"]
        indexes: ClassVar = [models.Index(fields=["fired_at"], name="missing_firing_fired_at")]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["rule_key", "episode"], name="missing_rule_fires_once_per_episode"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_key} for {self.episode_id}"
