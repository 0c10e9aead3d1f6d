"""The "think family" picture: who lives with the person, who else in the family is known to
services, their connections, and the flags on each, cut down to what the viewer may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from lantern.people.models import (
    FAMILY,
    INVERSE,
    Flag,
    Person,
    Relationship,
    RelationshipKind,
    in_force,
)
from lantern.people.selectors import people_visible, search_rows


@dataclass
class Member:
    how: str  # how they are related to the person whose page this is
    lives_with: bool = False
    via_id: Any = None  # for a relative of a relative: through whom
    person: Person | None = None
    via: str = ""
    flags: list[Flag] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


@dataclass
class FamilyPicture:
    household: list[Member]
    family: list[Member]
    connections: list[Member]
    professionals: list[Relationship]


def _links(person_ids: set[Any]) -> list[Relationship]:
    return list(
        Relationship.objects.filter(in_force(timezone.localdate()))
        .filter(Q(person__in=person_ids) | Q(other__in=person_ids))
        .exclude(kind=RelationshipKind.PROFESSIONAL)
    )


def _label(link: Relationship, seen_from: Any) -> str:
    """How the far end of `link` is related to `seen_from`."""
    kind = RelationshipKind(link.kind)
    return kind.label if link.person_id == seen_from else INVERSE[kind]


def _far(link: Relationship, near: Any) -> Any:
    return link.other_id if link.person_id == near else link.person_id


def family_picture(user: Any, person: Person) -> FamilyPicture:
    """Two steps out through family links (so half-brothers and sisters and a parent's new
    partner's children appear), one step through other links. Every query is bounded by the
    family's size, not the number of records, and the viewer's scope decides who is shown:
    a relative whose record the viewer may not see is left out without a trace, so the page
    never reveals that a restricted record exists."""
    members: dict[Any, Member] = {}
    family_ids = set()
    for link in _links({person.pk}):
        far = _far(link, person.pk)
        members[far] = Member(how=_label(link, person.pk), lives_with=link.lives_with)
        if link.kind in FAMILY:
            family_ids.add(far)
    for link in _links(family_ids) if family_ids else []:
        near = link.person_id if link.person_id in family_ids else link.other_id
        far = _far(link, near)
        if link.kind in FAMILY and far != person.pk and far not in members:
            members[far] = Member(how=_label(link, near), via_id=near)
    visible = {p.pk: p for p in people_visible(user).filter(pk__in=members)}
    shown = {pk: m for pk, m in members.items() if pk in visible}
    for pk, member in shown.items():
        member.person = visible[pk]
        if member.via_id is not None:
            member.via = str(visible.get(member.via_id, "a relative"))
    for flag in Flag.objects.filter(person__in=shown, ended_at__isnull=True).order_by("kind"):
        shown[flag.person_id].flags.append(flag)
    for row in search_rows(list(visible.values())):
        shown[row.person.pk].agencies = row.agencies
        shown[row.person.pk].statuses = row.statuses
    order = sorted(shown.values(), key=lambda m: (m.how, str(m.person)))
    family_kinds = {RelationshipKind(k).label for k in FAMILY} | {INVERSE[k] for k in FAMILY}
    return FamilyPicture(
        household=[m for m in order if m.lives_with],
        family=[m for m in order if not m.lives_with and m.how in family_kinds],
        connections=[m for m in order if not m.lives_with and m.how not in family_kinds],
        professionals=list(
            person.relationships.filter(
                in_force(timezone.localdate()), kind=RelationshipKind.PROFESSIONAL
            ).select_related("professional__agency")
        ),
    )
