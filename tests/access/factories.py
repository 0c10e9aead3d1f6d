from __future__ import annotations

from typing import Any

from lantern.access.models import Involvement
from lantern.people.models import Person


def person(**kwargs: Any) -> Person:
    defaults = {"given_names": "Jordan", "family_name": "Ashby"}
    return Person.objects.create(**{**defaults, **kwargs})


def involve(record: Any, *, user: Any = None, team: Any = None, kind: str = "professional") -> None:
    from django.contrib.contenttypes.models import ContentType

    Involvement.objects.create(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        kind=kind,
        user=user,
        team=team,
    )
