"""People: one record per person across agencies. (The people issue extends this record with
names and aliases, identifiers, relationships, flags and the child's voice.)"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.core.history import track_history
from lantern.core.models import LanternModel


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_KNOWN = "not_known", "Not known"


@track_history()
class Person(LanternModel):
    given_names = models.CharField(max_length=200)
    family_name = models.CharField(max_length=200)
    preferred_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=16, choices=Gender.choices, default=Gender.NOT_KNOWN)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    archive_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["family_name", "given_names"]
        verbose_name_plural = "people"
        indexes: ClassVar = [
            # Trigram indexes for misspelt-name search (migration 0004 adds pg_trgm).
            GinIndex(fields=["family_name"], opclasses=["gin_trgm_ops"], name="person_family_trgm"),
            GinIndex(fields=["given_names"], opclasses=["gin_trgm_ops"], name="person_given_trgm"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(archived_at__isnull=True) | ~Q(archive_reason=""),
                name="person_archive_needs_a_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.family_name}"

    def age_on(self, day: date) -> int | None:
        """Age in whole years on `day`, or None when the date of birth is not known."""
        if self.date_of_birth is None:
            return None
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class IdentifierScheme(models.TextChoices):
    NHS_NUMBER = "nhs_number", "NHS number"
    UPN = "upn", "Unique pupil number"
    LA_CHILD_ID = "la_child_id", "Local authority child ID"
    POLICE_REFERENCE = "police_reference", "Police reference"


@track_history()
class Identifier(LanternModel):
    """A number another system knows the person by, validated for its scheme. The same number
    on two people is flagged for review, never merged silently."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identifiers")
    scheme = models.CharField(max_length=32, choices=IdentifierScheme.choices)
    value = models.CharField(max_length=64, help_text="Stored without spaces.")
    possible_duplicate = models.BooleanField(default=False)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["scheme", "value"]
        indexes: ClassVar = [models.Index(fields=["scheme", "value"])]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["person", "scheme", "value"],
                condition=Q(archived_at__isnull=True),
                name="identifier_once_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_scheme_display()} {self.display_value}"

    @property
    def display_value(self) -> str:
        if self.scheme == IdentifierScheme.NHS_NUMBER and len(self.value) == 10:
            return f"{self.value[:3]} {self.value[3:6]} {self.value[6:]}"
        return self.value


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
