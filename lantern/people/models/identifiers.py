"""Numbers other systems know a person by."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.people.models.person import Person


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
