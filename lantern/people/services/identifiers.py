"""Recording the numbers other systems know a person by."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind
from lantern.chronology.services import chronology_append
from lantern.people.identifiers import normalise_identifier
from lantern.people.models import Identifier, Person


def identifier_add(
    *, request: HttpRequest | None, actor: User, person: Person, scheme: str, value: str
) -> Identifier:
    """Record an identifier. If another person already has the same one, both are flagged as
    a possible duplicate for review; nothing is merged."""
    stored = normalise_identifier(scheme, value)
    with transaction.atomic():
        if Identifier.objects.filter(
            person=person, scheme=scheme, value=stored, archived_at__isnull=True
        ).exists():
            raise ValidationError({"value": "This person already has this identifier."})
        others = Identifier.objects.filter(
            scheme=scheme, value=stored, archived_at__isnull=True
        ).exclude(person=person)
        duplicate = others.exists()
        identifier = Identifier(
            person=person,
            scheme=scheme,
            value=stored,
            possible_duplicate=duplicate,
            created_by=actor,
            modified_by=actor,
        )
        identifier.full_clean()
        identifier.save()
        if duplicate:
            others.update(possible_duplicate=True)
        audit_record(
            action="person.identifier_added",
            request=request,
            actor=actor,
            obj=person,
            detail={"scheme": scheme, "possible_duplicate": duplicate},
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary=f"{identifier.get_scheme_display()} recorded",
            occurred_at=timezone.now(),
            author=actor,
            request=request,
        )
    return identifier
