"""Flags on a person and the child's own voice."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.people.models.person import Person


class FlagKind(models.TextChoices):
    SEXUAL_EXPLOITATION = "sexual_exploitation", "Risk of sexual exploitation"
    CRIMINAL_EXPLOITATION = "criminal_exploitation", "Risk of criminal exploitation"
    HONOUR_BASED_ABUSE = "honour_based_abuse", "Risk of honour-based abuse or forced marriage"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    RISK_TO_STAFF = "risk_to_staff", "Risk to staff"
    MISSING_RISK = "missing_risk", "Risk of going missing"
    TRAFFICKING = "trafficking", "Trafficking concern"


@track_history()
class Flag(LanternModel):
    """A structured, dated marker on a person, with a reason, an owner and a review date."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(max_length=32, choices=FlagKind.choices)
    reason = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_flags"
    )
    review_due = models.DateField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["kind"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | ~Q(ended_reason=""),
                name="flag_ending_needs_a_reason",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()


@track_history()
class VoiceEntry(LanternModel):
    """What the child said, in their own words, and their wishes and feelings."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="voice")
    said = models.TextField(help_text="In the child's own words.")
    wishes_and_feelings = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    present = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["-occurred_at"]
        verbose_name_plural = "voice entries"

    def __str__(self) -> str:
        return self.said[:60]
