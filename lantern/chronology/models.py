"""One timeline per person, written to by every module through `chronology_append`.

Entries are never edited or deleted (a database trigger refuses it): a correction is an
addendum that points at the entry it corrects, and both are shown.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from lantern.access.handling import Handling
from lantern.core.history import track_history


class EntryKind(models.TextChoices):
    NOTE = "note", "Case note"
    EVIDENTIAL_NOTE = "evidential_note", "Evidential note"
    ADDENDUM = "addendum", "Addendum"
    REFERRAL = "referral", "Referral"
    ASSESSMENT = "assessment", "Assessment"
    MISSING = "missing", "Missing episode"
    MEETING = "meeting", "Meeting"
    FLAG = "flag", "Flag"
    VOICE = "voice", "The child's voice"
    RELATIONSHIP = "relationship", "Relationship"
    RECORD = "record", "Record"


class Significance(models.TextChoices):
    ROUTINE = "routine", "Routine"
    SIGNIFICANT = "significant", "Significant"


@track_history()
class ChronologyEntry(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Found through the two indexes in Meta, which lead with it; a third only slowed inserts.
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="chronology", db_index=False
    )
    occurred_at = models.DateTimeField(help_text="When it happened.")
    recorded_at = models.DateTimeField(default=timezone.now, help_text="When it was recorded.")
    kind = models.CharField(max_length=32, choices=EntryKind.choices)
    summary = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    significance = models.CharField(
        max_length=16, choices=Significance.choices, default=Significance.ROUTINE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handling = models.CharField(max_length=16, default=Handling.OPEN)
    # The record behind the entry, in whichever module holds it.
    link_type = models.CharField(max_length=100, blank=True)
    link_id = models.UUIDField(null=True, blank=True)
    # Evidential notes (best evidence): the words exactly as said, where, and who was there.
    verbatim = models.TextField(blank=True)
    place = models.CharField(max_length=300, blank=True)
    present = models.CharField(max_length=500, blank=True)
    amends = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="addenda"
    )

    class Meta:
        ordering: ClassVar = ["-occurred_at", "-recorded_at"]
        verbose_name_plural = "chronology entries"
        indexes: ClassVar = [
            models.Index(fields=["person", "-occurred_at", "-recorded_at"]),
            models.Index(fields=["person", "significance", "-occurred_at"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~Q(kind="evidential_note") | ~Q(verbatim=""),
                name="evidential_note_has_the_words",
            ),
            models.CheckConstraint(
                condition=Q(kind="addendum", amends__isnull=False)
                | (~Q(kind="addendum") & Q(amends__isnull=True)),
                name="addendum_amends_an_entry",
            ),
            models.CheckConstraint(
                condition=Q(handling__in=[h.value for h in Handling]),
                name="chronology_handling_is_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%d %b %Y}: {self.summary}"
