"""The audit trail: one row per read of personal data and per write, append-only and chained.

PostgreSQL enforces both properties (see the migration `0002_audit_append_only_and_chain`):
a trigger refuses UPDATE, DELETE and TRUNCATE, and a trigger computes each row's hash from the
previous row's, so the application cannot rewrite history even if it tried.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils import timezone

from lantern.core.history import track_history


class AuditEvent(models.Model):
    seq = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField(db_default=Now())
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
    )
    # Who the actor was at that moment: names, agency and roles change later.
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=200, blank=True)
    actor_roles = models.CharField(max_length=500, blank=True)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_label = models.CharField(max_length=300, blank=True)
    purpose = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, default="success")
    request_id = models.CharField(max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["-seq"]
        indexes: ClassVar = [
            models.Index(fields=["object_type", "object_id", "-occurred_at"]),
            models.Index(fields=["actor", "-occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_username} {self.action}"


class InvolvementKind(models.TextChoices):
    ALLOCATED_WORKER = "allocated_worker", "Allocated worker"
    ALLOCATED_TEAM = "allocated_team", "Allocated team"
    PROFESSIONAL = "professional", "Professional involved"
    MEETING_ATTENDEE = "meeting_attendee", "Meeting attendee"
    REFERRER = "referrer", "Referrer"


class RecordLink(models.Model):
    """Points at one protected record (a person, a case...) of any domain app. Records have
    UUID keys, so one column holds any of them and querysets can be filtered by it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.UUIDField(db_index=True)

    class Meta:
        abstract = True


@track_history()
class Involvement(RecordLink):
    """Someone (or a team) involved with a record: the basis of need-to-know."""

    kind = models.CharField(max_length=32, choices=InvolvementKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        indexes: ClassVar = [models.Index(fields=["content_type", "object_id"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(team__isnull=True))
                | (Q(user__isnull=True) & Q(team__isnull=False)),
                name="involvement_of_a_user_or_a_team",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="involvement_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.user or self.team}"


class RestrictionReason(models.TextChoices):
    STAFF_RELATIVE = "staff_relative", "A relative of a member of staff"
    STAFF_SUBJECT = "staff_subject", "A member of staff is the subject"
    HIGH_PROFILE = "high_profile", "A high-profile investigation"
    OTHER = "other", "Another reason"


@track_history()
class Restriction(RecordLink):
    """Only the named users may open the record; to everyone else it does not exist."""

    reason = models.CharField(max_length=32, choices=RestrictionReason.choices)
    explanation = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_restrictions"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="restriction_memberships", blank=True
    )
    review_due = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_reason = models.TextField(blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["content_type", "object_id"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(lifted_at__isnull=True),
                name="one_live_restriction_per_record",
            )
        ]

    def __str__(self) -> str:
        return f"Restricted ({self.get_reason_display()})"


class GrantKind(models.TextChoices):
    BREAK_GLASS = "break_glass", "Emergency access"
    GRANTED = "granted", "Granted by the record's owner"


class BreakGlassReason(models.TextChoices):
    IMMEDIATE_RISK = "immediate_risk", "A child may be at immediate risk of harm"
    MISSING_NOW = "missing_now", "A child is missing now"
    OUT_OF_HOURS = "out_of_hours", "Out-of-hours response with no allocated worker available"
    COURT_OR_POLICE = "court_or_police", "An urgent police or court request"
    OTHER = "other", "Another urgent reason"


@track_history()
class AccessGrant(RecordLink):
    """Time-limited access to one record for one user."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    kind = models.CharField(max_length=16, choices=GrantKind.choices)
    reason = models.CharField(max_length=32, choices=BreakGlassReason.choices, blank=True)
    explanation = models.TextField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "content_type", "expires_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")), name="grant_expires_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} until {self.expires_at:%d %b %Y %H:%M}"


class AlertKind(models.TextChoices):
    BREAK_GLASS = "break_glass", "Emergency access used"
    DENIED_ATTEMPTS = "denied_attempts", "Repeated attempts to open records without access"


class Alert(models.Model):
    """Something a person must look at now: shown in their work until they mark it read."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=32, choices=AlertKind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alerts"
    )
    about_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    message = models.TextField()
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return self.message[:80]
