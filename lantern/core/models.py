"""Base models and versioned code lists shared by every domain app."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.core.history import track_history


class LanternModel(models.Model):
    """UUID key, who and when created and changed, and a version for optimistic locking.

    Services bump `version` on every change and refuse a write made from a stale copy, so two
    people editing the same record cannot silently overwrite each other.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    modified_at = models.DateTimeField(auto_now=True)
    modified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


@track_history()
class CodeList(models.Model):
    """A named list of codes (agency types, referral sources, CIN factors...).

    Lists and their codes are data loaded by migrations, so a partnership changes a list without
    a release and old records keep the code version they were made with.
    """

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="The standard it encodes.")

    class Meta:
        ordering: ClassVar = ["key"]

    def __str__(self) -> str:
        return self.name


class CodeQuerySet(models.QuerySet["Code"]):
    def current(self, on: date | None = None) -> CodeQuerySet:
        on = on or date.today()  # noqa: DTZ011 - validity dates are calendar dates in England
        return self.filter(Q(valid_from__lte=on), Q(valid_to__isnull=True) | Q(valid_to__gte=on))

    def in_list(self, key: str) -> CodeQuerySet:
        return self.filter(code_list__key=key)


@track_history()
class Code(models.Model):
    code_list = models.ForeignKey(CodeList, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=64)
    label = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    version = models.PositiveSmallIntegerField(default=1)
    valid_from = models.DateField(default=date(2000, 1, 1))
    valid_to = models.DateField(null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = CodeQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["code_list", "sort_order", "code"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["code_list", "code", "version"], name="code_unique_per_list_version"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="code_valid_to_after_valid_from",
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Draft(models.Model):
    """Answers in a form that were not yet saved: kept when a session times out or a page
    autosaves, and offered back the next time the same user opens the same form."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    path = models.CharField(max_length=500)
    data = models.JSONField(default=dict)
    saved_at = models.DateTimeField(auto_now=True)
    reason = models.CharField(
        max_length=20, choices=[("autosave", "Saved automatically"), ("timeout", "Signed out")]
    )

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "path"], name="draft_one_per_user_and_form")
        ]

    def __str__(self) -> str:
        return f"Draft of {self.path}"


class TimescaleUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", "Working hours"
    WORKING_DAYS = "working_days", "Working days"
    HOURS = "hours", "Hours"
    CALENDAR_DAYS = "calendar_days", "Calendar days"


@track_history()
class Timescale(LanternModel):
    """A deadline the partnership works to ("assessment within 45 working days of referral").

    Loaded with the statutory and local defaults by a migration; an administrator changes the
    amount or unit without a release. `lantern.core.deadlines.due_at` reads this table.
    """

    key = models.SlugField(max_length=64, unique=True)
    label = models.CharField(max_length=200)
    amount = models.PositiveIntegerField()
    unit = models.CharField(max_length=20, choices=TimescaleUnit.choices)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the timescale comes from."
    )

    class Meta:
        ordering: ClassVar = ["label"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(amount__gte=1),
                name="timescale_amount_positive",
                violation_error_message="Enter a number of 1 or more.",
            ),
            models.CheckConstraint(
                condition=Q(unit__in=TimescaleUnit.values), name="timescale_unit_known"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def summary(self) -> str:
        """'45 working days', '1 working day', '4 working hours'."""
        unit = self.get_unit_display().lower()
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


class Notification(models.Model):
    """A message to one user in Lantern (with a short email telling them to sign in)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=500, blank=True, help_text="A path within Lantern.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread")
        ]

    def __str__(self) -> str:
        return self.subject


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


@track_history()
class Task(LanternModel):
    """A piece of work with an owner and a deadline, about a record of any app ("hold a
    missing strategy meeting within 5 working days"). The owner is a user, a team, or whoever
    holds a role (the missing coordinators); a task is listed to each of them until one marks
    it done with a note. The record it is about is named as data (`content_type`, `object_id`),
    so core depends on no domain app's models; the person it concerns is kept as well, so a
    list can hide the name from someone who may not see that person."""

    title = models.CharField(max_length=300)
    detail = models.TextField(blank=True)
    source = models.CharField(
        max_length=64, blank=True, help_text="What made the task, such as missing.rule."
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_tasks",
        null=True,
        blank=True,
    )
    owner_team = models.ForeignKey(
        "accounts.Team", on_delete=models.PROTECT, related_name="tasks", null=True, blank=True
    )
    owner_role = models.SlugField(
        max_length=64, blank=True, help_text="Anyone holding this role (a role code)."
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    completion_note = models.TextField(blank=True)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    object_id = models.UUIDField(null=True, blank=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="tasks", null=True, blank=True
    )

    class Meta:
        ordering: ClassVar = ["due_at"]
        indexes: ClassVar = [
            models.Index(fields=["status", "due_at"], name="task_status_due"),
            models.Index(fields=["content_type", "object_id"], name="task_record"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False)
                | Q(owner_team__isnull=False)
                | ~Q(owner_role=""),
                name="task_has_an_owner",
                violation_error_message="A task needs an owner: a person, a team or a role.",
            ),
            models.CheckConstraint(
                condition=Q(status__in=TaskStatus.values), name="task_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="done")
                | (
                    Q(completed_at__isnull=False, completed_by__isnull=False)
                    & ~Q(completion_note="")
                ),
                name="task_done_with_a_note",
                violation_error_message="Say what was done before marking the task done.",
            ),
            models.CheckConstraint(
                condition=Q(status="open", completed_at__isnull=True)
                | (~Q(status="open") & Q(completed_at__isnull=False)),
                name="task_completed_matches_status",
            ),
            models.CheckConstraint(
                condition=Q(content_type__isnull=True, object_id__isnull=True)
                | Q(content_type__isnull=False, object_id__isnull=False),
                name="task_record_link_whole",
            ),
        ]

    def __str__(self) -> str:
        return self.title
