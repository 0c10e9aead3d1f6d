"""A city's worth of person records, fast: the `medium` and `large` demo sizes for benchmarks.

`bulk_population` writes `ctx.size.people` people with PostgreSQL COPY (about 15 seconds per
hundred thousand people on a 2-core machine; see `docs/decisions/0009-person-search.md`):
children, parents and carers and other adults of every age, named from the city's
communities (`lantern.demo.names`), each with their legal name as a `PersonName` and about one
in seven with a preferred name, a nickname or an alias beside it; some adults and a few
children also have a previous family name. Dates of birth are mostly exact; some are a year
only or an estimated age range, as records of unaccompanied children and of adults often are.

Nobody is involved with these people: the MASH roles (triage worker and manager) see every
person in the partnership (`lantern.access.policy`), and the benchmarks search as them.
The small demo's people, with their professionals and chronologies, come from the generator's
own people stage.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from django.db import connection
from django.utils import timezone

from lantern.core.history import insert_history_skipped
from lantern.core.models import Code
from lantern.demo import names
from lantern.people.models import BirthPrecision, NameKind, Person, PersonKind, PersonName
from lantern.people.services import Birth

if TYPE_CHECKING:
    from lantern.demo.generator import Context

#: The day the demo's ages are counted from, as in the generator's people stage.
DEMO_TODAY = date(2026, 11, 27)
BATCH = 20_000
NOT_OBTAINED_RATE = 0.03  # ethnicity not yet obtained, as on real records

PERSON_COLUMNS = [
    "id",
    "created_at",
    "modified_at",
    "version",
    "kind",
    "given_names",
    "family_name",
    "preferred_name",
    "date_of_birth",
    "birth_precision",
    "born_earliest",
    "born_latest",
    "gender",
    "sex",
    "ethnicity_id",
    "first_language",
    "interpreter_needed",
    "disability",
    "special_needs",
    "immigration_status",
    "archive_reason",
]
NAME_COLUMNS = [
    "id",
    "created_at",
    "modified_at",
    "version",
    "person_id",
    "kind",
    "given_names",
    "family_name",
    "source",
    "valid_from",
    "valid_to",
]
# Where the other names came from, as a record would say.
SOURCES = {
    NameKind.PREFERRED: ["Told us themselves", "Parent or carer", "School"],
    NameKind.NICKNAME: ["Known as this by friends", "School", "Youth worker", "Police"],
    NameKind.ALIAS: ["Police", "Health records", "Housing", "Previous local authority"],
    NameKind.PREVIOUS: ["Birth certificate", "Name changed by deed poll", "Before marriage"],
}


class Born(NamedTuple):
    """A generated person's date of birth and its bounds, as the record stores them."""

    precision: str
    date_of_birth: date | None
    earliest: date | None
    latest: date | None


def _age(rng: random.Random, kind: str) -> int:
    """Ages as a safeguarding partnership's records hold them: children mostly of secondary
    school age, their parents and carers, and adults of every age around them."""
    if kind == PersonKind.CHILD:
        return rng.choices(range(18), weights=[3] * 5 + [4] * 5 + [7] * 4 + [9] * 4)[0]
    if kind == PersonKind.PARENT_CARER:
        return max(18, min(75, round(rng.triangular(19, 70, 38))))
    return rng.randint(18, 90)


def _birth(rng: random.Random, kind: str) -> Born:
    """A date of birth for someone of this kind: exact for most, a year or an estimated age
    range for some (unaccompanied children, adults known only from others' accounts), and
    not known for a few adults. Bounded by the same rule as a worker's entry (`Birth`)."""
    age = _age(rng, kind)
    born = DEMO_TODAY - timedelta(days=age * 365 + rng.randint(0, 364))
    roll = rng.random()
    child = kind == PersonKind.CHILD
    if roll < (0.94 if child else 0.88):
        birth = Birth(precision=BirthPrecision.EXACT, date_of_birth=born)
    elif roll < (0.97 if child else 0.94):
        birth = Birth(precision=BirthPrecision.YEAR, year=born.year)
    elif roll < (0.995 if child else 0.975):
        birth = Birth(
            precision=BirthPrecision.ESTIMATED,
            age_low=max(0, age - rng.randint(0, 1)),
            age_high=age + rng.randint(1, 2),
            estimated_on=DEMO_TODAY - timedelta(days=rng.randint(0, 700)),
        )
    else:
        birth = Birth()
    return Born(birth.precision, *birth.bounds(today=DEMO_TODAY))


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _other_names(
    rng: random.Random, *, given: str, family: str, sex: str, ethnicity: str, kind: str, age: int
) -> Iterator[tuple[str, str, str, date | None, date | None]]:
    """(kind, given, family, valid from, valid to) for each name besides the legal one."""
    roll = rng.random()
    nick = names.nickname(rng, given)
    since = DEMO_TODAY - timedelta(days=rng.randint(30, 3000))
    if roll < 0.06 and nick:
        # Recorded as the person-editing service records one: the given name alone.
        yield NameKind.PREFERRED, nick, "", since, None
    elif roll < 0.11 and nick:
        yield NameKind.NICKNAME, nick, family, since, None
    elif roll < 0.15:
        # Another agency's spelling of the given name, or another family's name.
        if nick and nick[0] == given[0] and rng.random() < 0.5:
            yield NameKind.ALIAS, nick, family, since, None
        else:
            other = names.pick_family(rng, ethnicity=ethnicity, sex=sex)
            if other != family:
                yield NameKind.ALIAS, given, other, since, None
    married = kind != PersonKind.CHILD and sex == names.FEMALE and rng.random() < 0.25
    if married or (kind == PersonKind.CHILD and rng.random() < 0.03):
        before = names.pick_family(rng, ethnicity=ethnicity, sex=sex)
        if before != family:
            changed = DEMO_TODAY - timedelta(days=rng.randint(30, max(31, (age - 1) * 365)))
            yield NameKind.PREVIOUS, given, before, None, changed


def _rows(
    rng: random.Random, count: int, ethnicity_ids: dict[str, int], now: datetime
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    people: list[tuple[Any, ...]] = []
    person_names: list[tuple[Any, ...]] = []
    for _ in range(count):
        kind = rng.choices(
            [PersonKind.CHILD, PersonKind.PARENT_CARER, PersonKind.ADULT], weights=[55, 35, 10]
        )[0]
        birth = _birth(rng, kind)
        year = (birth.earliest or DEMO_TODAY - timedelta(days=40 * 365)).year
        given, family, sex, ethnicity = names.pick_person(rng, born=year)
        gender = "other" if kind == PersonKind.CHILD and rng.random() < 0.01 else sex
        code = "NOBT" if rng.random() < NOT_OBTAINED_RATE else ethnicity
        age = DEMO_TODAY.year - year
        pk = _uuid(rng)
        extra = list(
            _other_names(
                rng,
                given=given,
                family=family,
                sex=sex,
                ethnicity=ethnicity,
                kind=kind,
                age=age,
            )
        )
        preferred = next((n[1] for n in extra if n[0] == NameKind.PREFERRED), "")
        uasc = birth.precision == BirthPrecision.ESTIMATED and kind == PersonKind.CHILD
        people.append(
            (
                pk,
                now,
                now,
                1,
                kind,
                given,
                family,
                preferred,
                birth.date_of_birth,
                birth.precision,
                birth.earliest,
                birth.latest,
                gender,
                sex,
                ethnicity_ids[code],
                "",
                False,
                "",
                "none",
                "uasc" if uasc else "",
                "",
            )
        )
        person_names.append(
            (_uuid(rng), now, now, 1, pk, NameKind.LEGAL, given, family, "", None, None)
        )
        for name_kind, name_given, name_family, valid_from, valid_to in extra:
            source = rng.choice(SOURCES[NameKind(name_kind)])
            person_names.append(
                (
                    _uuid(rng),
                    now,
                    now,
                    1,
                    pk,
                    name_kind,
                    name_given,
                    name_family,
                    source,
                    valid_from,
                    valid_to,
                )
            )
    return people, person_names


def _copy(cursor: Any, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def bulk_population(ctx: Context) -> None:
    """`ctx.size.people` people and their names, by COPY, in the generator's transaction.

    Row history is not written for this load: an insert event per synthetic row tells nobody
    anything, and measured on `medium` (100,000 people) the load took 482 s with the history
    triggers firing and 15 s without. They are skipped the way django-pgtrigger skips them
    (`pgtrigger.ignore`: the `pgtrigger.ignore` setting, local to this transaction), which
    any database role may do. `session_replication_role = replica` was a little faster
    (13 s) but needs a superuser, which the app's role is not in production, and it would
    skip the foreign-key checks and the trigger that keeps the name vocabulary too."""
    rng = random.Random(f"population:{ctx.seed}")  # noqa: S311 - reproducible synthetic data
    ethnicity_ids = dict(Code.objects.in_list("ethnicity").values_list("code", "id"))
    now = timezone.now()
    with connection.cursor() as cursor:
        with insert_history_skipped("people.Person", "people.PersonName"):
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            for start in range(0, ctx.size.people, BATCH):
                people, person_names = _rows(
                    rng, min(BATCH, ctx.size.people - start), ethnicity_ids, now
                )
                _copy(raw, Person._meta.db_table, PERSON_COLUMNS, people)
                _copy(raw, PersonName._meta.db_table, NAME_COLUMNS, person_names)
                ctx.people += len(people)
        # Fresh statistics, so the first searches are planned for a million rows, not none.
        cursor.execute(f"ANALYZE {Person._meta.db_table}, {PersonName._meta.db_table}")
