"""Who a person is connected to: family, household, peers, associates and professionals."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from lantern.core.history import track_history
from lantern.people.models.circumstances import Dated
from lantern.people.models.person import Person


class RelationshipKind(models.TextChoices):
    """Read as "<other> is the person's <kind>"."""

    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Brother or sister"
    HOUSEHOLD = "household", "Household member"
    PARTNER = "partner", "Partner, boyfriend or girlfriend"
    FRIEND = "friend", "Friend or peer"
    ASSOCIATE = "associate", "Associate"
    PROFESSIONAL = "professional", "Professional involved"


#: How a relationship reads from the other person's record.
INVERSE = {
    RelationshipKind.PARENT: "Child",
    RelationshipKind.CARER: "Cared for",
    RelationshipKind.SIBLING: "Brother or sister",
    RelationshipKind.HOUSEHOLD: "Household member",
    RelationshipKind.PARTNER: "Partner, boyfriend or girlfriend",
    RelationshipKind.FRIEND: "Friend or peer",
    RelationshipKind.ASSOCIATE: "Associate",
}

#: The family, for the "think family" view.
FAMILY = (RelationshipKind.PARENT, RelationshipKind.CARER, RelationshipKind.SIBLING)


@track_history()
class Relationship(Dated):
    """A typed, dated, sourced link from a person to another person or to a professional."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    kind = models.CharField(max_length=16, choices=RelationshipKind.choices)
    other = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="relationships_in"
    )
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    professional_role = models.CharField(max_length=200, blank=True)
    lives_with = models.BooleanField(default=False, help_text="They share the person's home.")
    source = models.CharField(max_length=300)
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["kind", "-valid_from"]
        indexes: ClassVar = [models.Index(fields=["other"], name="relationship_other")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_from__lte=F("valid_to")),
                name="relationship_dates_in_order",
            ),
            models.CheckConstraint(
                condition=Q(kind="professional", other__isnull=True, professional__isnull=False)
                | (~Q(kind="professional") & Q(other__isnull=False, professional__isnull=True)),
                name="relationship_to_a_person_or_a_professional",
            ),
            models.CheckConstraint(
                condition=~Q(other=F("person")), name="relationship_not_with_oneself"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
