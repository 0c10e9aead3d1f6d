from __future__ import annotations

from typing import Any

from lantern.access.models import Involvement
from lantern.people.models import Person, PersonName


def person(**kwargs: Any) -> Person:
    """A person straight into the database (no audit or chronology), named as a service would
    name them, so that search finds them."""
    defaults = {"given_names": "Jordan", "family_name": "Ashby"}
    fields = {**defaults, **kwargs}
    if fields.get("date_of_birth"):
        dob = fields["date_of_birth"]
        fields |= {"birth_precision": "exact", "born_earliest": dob, "born_latest": dob}
    record = Person.objects.create(**fields)
    PersonName.objects.create(
        person=record, kind="legal", given_names=record.given_names, family_name=record.family_name
    )
    return record


def involve(record: Any, *, user: Any = None, team: Any = None, kind: str = "professional") -> None:
    from django.contrib.contenttypes.models import ContentType

    Involvement.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        kind=kind,
        user=user,
        team=team,
    )
