"""Recording who a person is connected to. A relationship between two people appears on both
of their timelines; one with a professional on the person's."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind
from lantern.chronology.services import chronology_append, on_day
from lantern.core.services import apply_changes
from lantern.people.models import INVERSE, Person, Relationship, RelationshipKind, overlaps
from lantern.people.services.circumstances import _not_before_birth


def relationship_add(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    kind: str,
    source: str,
    valid_from: date,
    other: Person | None = None,
    professional: User | None = None,
    professional_role: str = "",
    lives_with: bool = False,
) -> Relationship:
    """Link the person to another person (or, for `professional`, to a member of staff), with
    where the information came from. The same link cannot be recorded twice at once."""
    if not source.strip():
        raise ValidationError({"source": "Say where this information came from."})
    if kind == RelationshipKind.PROFESSIONAL:
        if professional is None:
            raise ValidationError({"professional": "Choose the professional."})
        other = None
    else:
        if other is None:
            raise ValidationError({"other": "Choose the person they are connected to."})
        if other.pk == person.pk:
            raise ValidationError({"other": "A person cannot be linked to themselves."})
        professional, professional_role = None, ""
    _not_before_birth(person, valid_from)
    with transaction.atomic():
        existing = person.relationships.select_for_update().filter(
            kind=kind, other=other, professional=professional
        )
        for link in existing:
            if overlaps(valid_from, None, link.valid_from, link.valid_to):
                raise ValidationError({"kind": "This relationship is already recorded."})
        relationship = Relationship(
            person=person,
            kind=kind,
            other=other,
            professional=professional,
            professional_role=professional_role.strip(),
            lives_with=lives_with,
            source=source.strip(),
            valid_from=valid_from,
            created_by=actor,
            modified_by=actor,
        )
        relationship.full_clean()
        relationship.save()
        audit_record(
            action="person.relationship_added",
            request=request,
            actor=actor,
            obj=person,
            detail={"kind": kind, "other": str(other.pk) if other else ""},
        )
        who = other if other is not None else professional
        chronology_append(
            person=person,
            kind=EntryKind.RELATIONSHIP,
            summary=f"{relationship.get_kind_display()} recorded: {who}"
            + (" (lives with them)" if lives_with else ""),
            detail=f"Source: {relationship.source}",
            occurred_at=on_day(valid_from),
            author=actor,
            request=request,
            link=relationship,
        )
        if other is not None:
            chronology_append(
                person=other,
                kind=EntryKind.RELATIONSHIP,
                summary=f"{INVERSE[RelationshipKind(kind)]} recorded: {person}",
                detail=f"Source: {relationship.source}",
                occurred_at=on_day(valid_from),
                author=actor,
                request=request,
                link=relationship,
            )
    return relationship


def relationship_end(
    *,
    request: HttpRequest | None,
    actor: User,
    relationship: Relationship,
    valid_to: date,
    reason: str,
) -> Relationship:
    if relationship.valid_to is not None:
        raise ValidationError({"valid_to": "This relationship has already ended."})
    if valid_to < relationship.valid_from:
        raise ValidationError({"valid_to": "The end date must be on or after the start date."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the relationship has ended."})
    with transaction.atomic():
        apply_changes(
            relationship,
            changes={"valid_to": valid_to, "end_reason": reason.strip(), "lives_with": False},
            actor=actor,
        )
        audit_record(
            action="person.relationship_ended",
            request=request,
            actor=actor,
            obj=relationship.person,
            detail={"relationship": str(relationship.pk)},
        )
        who = relationship.other or relationship.professional
        for person in filter(None, (relationship.person, relationship.other)):
            chronology_append(
                person=person,
                kind=EntryKind.RELATIONSHIP,
                summary=f"Relationship ended: {relationship.get_kind_display().lower()}, "
                f"{who if person == relationship.person else relationship.person}",
                detail=reason.strip(),
                occurred_at=on_day(valid_to),
                author=actor,
                request=request,
                link=relationship,
            )
    return relationship
