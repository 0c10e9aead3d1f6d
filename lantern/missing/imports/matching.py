"""Which person a line of an import is about.

Confident matches are found for a whole chunk of lines in one statement each: a unique pupil
number recorded on exactly one person, or a name recorded for exactly one person (any of their
names, letter case aside) with the same exact date of birth. Lines with no confident match go
through the person search (`lantern.people.search`, with the thresholds of `likely_matches`)
over every live record, not only those the importer may see, so a child known to another
agency is not recorded twice: likely matches go to the review queue, where a coordinator
decides (seeing only the candidates in their own scope); with none, a police report creates
the person and an absence goes to review (decision 0018)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import connection

from lantern.people.models import Identifier, IdentifierScheme, Person
from lantern.people.search import parse_query, search_people
from lantern.people.selectors import LIKELY_NAME, STRONG_BIRTH

NameKey = tuple[str, str, date]

_EXACT_SQL = """
    SELECT w.i, n.person_id
    FROM unnest(%s::int[], %s::text[], %s::text[], %s::date[]) AS w(i, given, family, born)
    JOIN people_person p
      ON p.born_earliest = w.born AND p.born_latest = w.born AND p.archived_at IS NULL
    JOIN people_personname n
      ON n.person_id = p.id
     AND lower(n.given_names) = w.given
     AND lower(COALESCE(NULLIF(n.family_name, ''), p.family_name)) = w.family
"""


def name_key(given: str, family: str, born: date) -> NameKey:
    return (" ".join(given.lower().split()), " ".join(family.lower().split()), born)


def exact_matches(keys: list[NameKey]) -> dict[NameKey, set[Any]]:
    """For each (given names, family name, date of birth), the live people recorded with that
    name and that exact date of birth. One statement, through the index on the bounds of the
    date of birth, however many keys."""
    found: dict[NameKey, set[Any]] = defaultdict(set)
    unique = list(dict.fromkeys(keys))
    if not unique:
        return found
    with connection.cursor() as cursor:
        cursor.execute(
            _EXACT_SQL,
            [
                list(range(len(unique))),
                [k[0] for k in unique],
                [k[1] for k in unique],
                [k[2] for k in unique],
            ],
        )
        for index, person_id in cursor.fetchall():
            found[unique[index]].add(person_id)
    return found


def upn_matches(upns: list[str]) -> dict[str, set[Any]]:
    """For each unique pupil number, the live people it is recorded on."""
    found: dict[str, set[Any]] = defaultdict(set)
    for value, person_id in Identifier.objects.filter(
        scheme=IdentifierScheme.UPN,
        value__in=set(upns),
        archived_at__isnull=True,
        person__archived_at__isnull=True,
    ).values_list("value", "person_id"):
        found[value].add(person_id)
    return found


@dataclass
class Decision:
    """Who a line is about: `person_id` when confident; else `candidates` for review, or
    neither (no likely match)."""

    person_id: Any = None
    candidates: list[str] = field(default_factory=list)
    how: str = ""


def search(given: str, family: str, born: date | None, *, most: int = 5) -> Decision:
    """The person search for one line without a confident match: the likely matches among
    every live record (as `likely_matches` judges them)."""
    query = f"{given} {family}" + (f" {born:%d/%m/%Y}" if born else "")
    found = search_people(parse_query(query), Person.objects.filter(archived_at__isnull=True))
    people = [
        p
        for p in found[:most]
        if p.name_score >= LIKELY_NAME or p.birth_score >= STRONG_BIRTH  # type: ignore[attr-defined]
    ]
    return Decision(candidates=[str(p.pk) for p in people], how="search")
