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

# A line's people, by name and exact date of birth, through indexes that hold both (or a name
# rare enough to check each person's date of birth): the record's own name (its current legal
# name, which `people.services` keeps equal to the record's) with `person_exact_name_birth`;
# any other name recorded (previous, alias, nickname, preferred) with `name_other_full`, or
# `name_other_given_alone` for a name without a family name of its own (it takes the record's).
# Each lookup is a LATERAL subquery kept apart by OFFSET 0, so it runs once per line through
# its index, and a name's person is then fetched by its key (comparing the date of birth with
# IS NOT DISTINCT FROM, which the date-of-birth index cannot serve, so the planner does not
# pick that index instead). JIT compiling is off for the statement: it cost more than the
# statement itself. Measured over a million people: the
# date-of-birth index gave a hundred people a day to check against each line (2.0 s for a
# chunk of 5,000 lines), and left to itself the planner drove the last branch from the family
# name (20 s).
_EXACT_SQL = """
    WITH w AS (
        SELECT * FROM unnest(%s::int[], %s::text[], %s::text[], %s::date[])
            AS w(i, given, family, born)
    )
    SELECT w.i, own.id
    FROM w
    CROSS JOIN LATERAL (
        SELECT p.id
        FROM people_person p
        WHERE lower(p.family_name) = w.family
          AND lower(p.given_names) = w.given
          AND p.born_earliest = w.born
          AND p.born_latest = w.born
          AND p.archived_at IS NULL
        OFFSET 0
    ) own
    UNION
    SELECT w.i, p.id
    FROM w
    CROSS JOIN LATERAL (
        SELECT n.person_id
        FROM people_personname n
        WHERE n.kind <> 'legal'
          AND n.family_name <> ''
          AND lower(n.family_name) = w.family
          AND lower(n.given_names) = w.given
        OFFSET 0
    ) other
    CROSS JOIN LATERAL (
        SELECT p.id
        FROM people_person p
        WHERE p.id = other.person_id
          AND p.born_earliest IS NOT DISTINCT FROM w.born
          AND p.born_latest IS NOT DISTINCT FROM w.born
          AND p.archived_at IS NULL
        OFFSET 0
    ) p
    UNION
    SELECT w.i, p.id
    FROM w
    CROSS JOIN LATERAL (
        SELECT n.person_id
        FROM people_personname n
        WHERE n.kind <> 'legal'
          AND n.family_name = ''
          AND lower(n.given_names) = w.given
        OFFSET 0
    ) alone
    CROSS JOIN LATERAL (
        SELECT p.id
        FROM people_person p
        WHERE p.id = alone.person_id
          AND lower(p.family_name) = w.family
          AND p.born_earliest IS NOT DISTINCT FROM w.born
          AND p.born_latest IS NOT DISTINCT FROM w.born
          AND p.archived_at IS NULL
        OFFSET 0
    ) p
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
        cursor.execute("SELECT set_config('jit', 'off', true)")  # this transaction only
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
        value__any=set(upns),
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
