"""Writes to person records."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.http import HttpRequest

from lantern.access.audit import audit_record
from lantern.access.models import InvolvementKind
from lantern.access.services import involvement_add
from lantern.accounts.models import User
from lantern.people.models import Person


def person_create(
    *,
    request: HttpRequest | None,
    actor: User,
    given_names: str,
    family_name: str,
    date_of_birth: date | None = None,
    gender: str = "not_known",
) -> Person:
    """A new person record. Its creator is recorded as a professional involved, so they can
    go on seeing what they recorded."""
    with transaction.atomic():
        person = Person(
            given_names=given_names.strip(),
            family_name=family_name.strip(),
            date_of_birth=date_of_birth,
            gender=gender,
            created_by=actor,
            modified_by=actor,
        )
        person.full_clean()
        person.save()
        audit_record(action="person.created", request=request, actor=actor, obj=person)
        involvement_add(
            actor=actor,
            record=person,
            kind=InvolvementKind.PROFESSIONAL,
            user=actor,
            request=request,
        )
    return person
