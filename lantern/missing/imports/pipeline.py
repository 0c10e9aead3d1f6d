"""The rows of a batch, a chunk at a time: check, match, validate as `episode_report` does,
and write the valid ones in bulk.

A police report makes an episode exactly as `episode_report` and `episode_record_return`
would (the same rules and messages, the same reference sequence, grading, return interview
routed to the configured provider, chronology entries), but for a chunk of lines in a few
statements: the rules are checked here in Python against the child's episodes read once per
chunk (and those this file has just added), and the rows are inserted by COPY (`bulk.py`).
Each chunk is its own transaction, so the progress bar moves and a failure keeps the chunks
before it. The audit trail gets one event per batch with its counts (decision 0018).

A chunk of police reports is planned (`plan_police`: sorted, decided, checked, made into
rows) on a second thread and connection while the chunk before is written, from the
database and what that chunk plans; the writer confirms what the plan rested on under the
children's lock and decides again only the lines of a child whose record moved on
(`_write_plan`)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, connection, connections, models, transaction
from django.db.models import F, Q
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import Involvement, InvolvementKind
from lantern.accounts.models import User
from lantern.chronology.models import ChronologyEntry, EntryKind, Significance
from lantern.chronology.services import FUTURE_TOLERANCE
from lantern.core.deadlines import due_at
from lantern.core.history import insert_history_skipped
from lantern.core.models import Code
from lantern.missing.dashboard import figures_changed
from lantern.missing.imports.bulk import copy_insert, copy_lines, copy_text, new_ids
from lantern.missing.imports.matching import (
    Decision,
    NameKey,
    exact_matches,
    name_key,
    search,
    upn_matches,
)
from lantern.missing.imports.models import (
    BatchStatus,
    ImportBatch,
    ImportKind,
    ImportRow,
    RowStatus,
    SchoolAbsence,
)
from lantern.missing.imports.reading import CHECKS, Checked, data_hash, key_hash, read_rows
from lantern.missing.models import (
    ChildCategory,
    Episode,
    EpisodeStatus,
    InterviewProvider,
    MissingFrom,
    ReturnInterview,
    RiskGrading,
)
from lantern.people.models import Address, LegalStatus, LegalStatusKind, Person, School
from lantern.people.services import Birth, person_create

logger = logging.getLogger(__name__)

CHUNK = 5000
SETTLED = (RowStatus.CREATED, RowStatus.UPDATED, RowStatus.UNCHANGED)
ABSENCE_REASONS = "school_absence_reason"


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _local_day(moment: datetime) -> date:
    """The UK day of `moment` (the default time zone: an import runs as a background task,
    with no reader's zone; looked up directly, as this is called for every line)."""
    return moment.astimezone(timezone.get_default_timezone()).date()


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M}"


@dataclass
class Outcome:
    """What became of one line."""

    checked: Checked
    status: str = RowStatus.CREATED
    person_id: Any = None
    episode: Episode | None = None
    episode_id: Any = None
    absence_id: Any = None
    candidates: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def fail(self, column: str, message: str) -> None:
        self.status = RowStatus.ERROR
        self.problems.append((column, message))


@dataclass
class Context:
    """What a run keeps between chunks: codes, providers, people it created."""

    batch: ImportBatch
    actor: User
    request: Any = None
    grades: dict[str, Code] = field(default_factory=dict)
    types: dict[str, Code] = field(default_factory=dict)
    reasons: dict[str, Code] = field(default_factory=dict)
    providers: dict[str, Any] = field(default_factory=dict)
    created_people: dict[tuple[str, str, Any], Any] = field(default_factory=dict)
    # The last chunk written: each key's last settled or waiting line, as `_previous` finds it.
    written: dict[str, Outcome] = field(default_factory=dict)

    @classmethod
    def for_batch(cls, batch: ImportBatch, actor: User, request: Any = None) -> Context:
        today = timezone.localdate()
        context = cls(batch=batch, actor=actor, request=request)
        context.grades = {
            c.code: c for c in Code.objects.in_list("missing_risk_grade").current(today)
        }
        context.types = {c.code: c for c in Code.objects.in_list("ssda903_missing_type")}
        context.reasons = {c.code: c for c in Code.objects.in_list(ABSENCE_REASONS).current(today)}
        context.providers = {
            p.category: p.agency for p in InterviewProvider.objects.select_related("agency")
        }
        return context


# --- Deciding who each line is about ------------------------------------------------------


def _decide(
    context: Context,
    outcomes: list[Outcome],
    *,
    create: bool,
    ahead: Ahead | None = None,
    deferral: Deferral | None = None,
) -> None:
    """Set `person_id` (confident) or `candidates` (review) on each valid outcome; with no
    likely match, create the person when `create`, else send the line to review. Names whose
    exact matches were looked up `ahead` are not looked up again.

    Deciding ahead of the writer (with a `deferral`), a person is not created here: the line
    is left to the writer, as is any later line with that name (and any with the name of a
    person the chunk before will create)."""
    keys: dict[int, Any] = {}
    upns: dict[int, str] = {}
    for index, outcome in enumerate(outcomes):
        v = outcome.checked.values
        if v.get("upn"):
            upns[index] = v["upn"]
        if v.get("date_of_birth"):
            keys[index] = name_key(v["given_names"], v["family_name"], v["date_of_birth"])
    by_upn = upn_matches(list(upns.values()))
    by_name = dict(ahead.matches) if ahead else {}
    by_name.update(exact_matches([k for k in keys.values() if not ahead or k not in ahead.asked]))
    for index, outcome in enumerate(outcomes):
        v = outcome.checked.values
        upn_people = by_upn.get(upns.get(index, ""), set())
        name_people = by_name.get(keys[index], set()) if index in keys else set()
        memo = (v["given_names"].lower(), v["family_name"].lower(), v.get("date_of_birth"))
        if len(upn_people) == 1:
            outcome.person_id = next(iter(upn_people))
        elif len(name_people) == 1 and not upn_people:
            outcome.person_id = next(iter(name_people))
        elif memo in context.created_people:
            outcome.person_id = context.created_people[memo]
        elif upn_people or name_people:
            outcome.status = RowStatus.NEEDS_REVIEW
            outcome.candidates = [str(p) for p in sorted(upn_people | name_people, key=str)]
        else:
            _unmatched(context, outcome, memo, create=create, deferral=deferral)


@dataclass
class Deferral:
    """Lines `_decide` leaves to the writer, and the names of the people they will create."""

    lines: list[Outcome] = field(default_factory=list)
    names: set[tuple[str, str, Any]] = field(default_factory=set)


def _unmatched(
    context: Context,
    outcome: Outcome,
    memo: tuple[str, str, Any],
    *,
    create: bool,
    deferral: Deferral | None,
) -> None:
    """A line nobody matches exactly: to review if the search finds anyone like them, else
    a new person (when `create`; left to the writer with a `deferral`), else to review."""
    v = outcome.checked.values
    if deferral is not None and memo in deferral.names:
        deferral.lines.append(outcome)
        return
    found: Decision = search(v["given_names"], v["family_name"], v.get("date_of_birth"))
    if found.candidates or not create:
        outcome.status = RowStatus.NEEDS_REVIEW
        outcome.candidates = found.candidates
    elif deferral is not None:
        deferral.names.add(memo)
        deferral.lines.append(outcome)
    else:
        person = _create_person(context, v)
        context.created_people[memo] = person.pk
        outcome.person_id = person.pk


def _create_person(context: Context, v: dict[str, Any]) -> Person:
    """A child the police report names and nobody has recorded: a new record, through the
    people service (audited, on their chronology), noting the import as the reason."""
    born = v.get("date_of_birth")
    return person_create(
        request=context.request,
        actor=context.actor,
        given_names=v["given_names"],
        family_name=v["family_name"],
        birth=Birth(precision="exact", date_of_birth=born) if born else None,
        gender=v.get("gender") or "not_known",
    )


# --- Police missing reports ----------------------------------------------------------------


def _references(count: int) -> list[str]:
    """`count` references from the episodes' sequence in one statement (as `next_reference`
    makes them one at a time)."""
    if not count:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval('missing_reference_seq') FROM generate_series(1, %s)", [count]
        )
        numbers = [number for (number,) in cursor.fetchall()]
    year = timezone.localdate().year
    return [f"MIS-{year}-{number:06d}" for number in numbers]


@dataclass
class Period:
    reference: str  # the episode's, or "" for a line earlier in this file
    start: datetime
    end: datetime | None
    line: int = 0

    @property
    def named(self) -> str:
        return self.reference or f"line {self.line} of this file"

    @property
    def called(self) -> str:
        return f"episode {self.reference}" if self.reference else self.named

    def overlaps(self, start: datetime, end: datetime | None) -> bool:
        return (end is None or self.start < end) and (self.end is None or start < self.end)


def _periods(children: set[Any]) -> dict[Any, list[Period]]:
    periods: dict[Any, list[Period]] = defaultdict(list)
    for child, reference, start, end in Episode.objects.filter(child__any=children).values_list(
        "child_id", "reference", "last_seen_at", "returned_at"
    ):
        periods[child].append(Period(reference, start, end))
    return periods


def _in_care(children: set[Any]) -> dict[Any, list[tuple[date, date | None]]]:
    spans: dict[Any, list[tuple[date, date | None]]] = defaultdict(list)
    for person, start, end in LegalStatus.objects.filter(
        person__any=children, kind=LegalStatusKind.LOOKED_AFTER
    ).values_list("person_id", "valid_from", "valid_to"):
        spans[person].append((start, end))
    return spans


def _addresses(children: set[Any]) -> dict[Any, list[tuple[date, date | None, str]]]:
    """Each child's addresses, latest first, as (from, to, postcode district)."""
    spans: dict[Any, list[tuple[date, date | None, str]]] = defaultdict(list)
    for person, start, end, postcode in (
        Address.objects.filter(person__any=children)
        .order_by("person_id", "-valid_from")
        .values_list("person_id", "valid_from", "valid_to", "postcode")
    ):
        spans[person].append((start, end, postcode.split(" ")[0]))
    return spans


def _locality(spans: list[tuple[date, date | None, str]], day: date) -> str:
    """As `services.locality_on`: the district of the latest address in force on `day`."""
    return next(
        (
            district
            for start, end, district in spans
            if start <= day and (end is None or end >= day)
        ),
        "",
    )


def _looked_after(spans: list[tuple[date, date | None]], day: date) -> bool:
    return any(start <= day and (end is None or end >= day) for start, end in spans)


def _check_episode(
    context: Context,
    outcome: Outcome,
    child: Person,
    periods: list[Period],
    care: list[tuple[date, date | None]],
) -> None:
    """`episode_report`'s rules, with its messages, against the child's episodes so far."""
    v = outcome.checked.values
    seen, reported, back = v["last_seen_at"], v["reported_at"], v["returned_at"]
    now = timezone.now() + FUTURE_TOLERANCE
    for column, moment, label in (
        ("reported_at", reported, "The time it was reported"),
        ("last_seen_at", seen, "The time the child was last seen"),
        ("noticed_at", v["noticed_at"], "The time they were noticed missing"),
        ("returned_at", back, "The time of return"),
    ):
        if moment is not None and moment > now:
            outcome.fail(column, f"{label} cannot be in the future.")
    if child.born_earliest and _local_day(seen) < child.born_earliest:
        outcome.fail(
            "last_seen_at",
            "The time last seen is before the young person was born: check the date.",
        )
    if v["risk_grade"] not in context.grades:
        outcome.fail("risk_grade", "Choose a current risk grade: very low, low, medium or high.")
    in_care = _looked_after(care, _local_day(seen))
    if v["ssda903_type"] and not in_care:
        outcome.fail("ssda903_type", "Missing or away is recorded only for a child in care.")
    clash = next((p for p in periods if p.overlaps(seen, back)), None)
    if clash is not None:
        if clash.end is None:
            message = (
                f"{child.known_as} is still recorded as missing since {_when(clash.start)} "
                f"({clash.named}): record their return before reporting a new episode."
            )
        else:
            message = (
                f"This overlaps {clash.called} (missing from {_when(clash.start)} "
                f"until {_when(clash.end)}): a new episode must start after the previous return."
            )
        outcome.fail("last_seen_at", message)


def _category(care: list[tuple[date, date | None]], back: datetime) -> str:
    return (
        ChildCategory.IN_CARE
        if _looked_after(care, _local_day(back))
        else ChildCategory.MISSING_FROM_HOME
    )


def _children(children: set[Any], *, lock: bool) -> dict[Any, Person]:
    """The children of a chunk's lines, with what their checks need. Locked (`lock`) as
    `episode_report` locks its child, so a report made on a page while the import runs
    cannot slip between the overlap check and the insert."""
    people = Person.objects.filter(pk__any=children).only(
        "id", "given_names", "family_name", "preferred_name", "born_earliest"
    )
    if lock:
        people = people.select_for_update().order_by("pk")
    return {p.pk: p for p in people}


def _plan_episodes(
    context: Context,
    todo: list[Outcome],
    *,
    people: dict[Any, Person],
    periods: dict[Any, list[Period]],
    care: dict[Any, list[tuple[date, date | None]]],
    addresses: dict[Any, list[tuple[date, date | None, str]]],
) -> list[tuple[Outcome, dict[str, Any]]]:
    """Check each decided line against its child's episodes (`periods`, to which each valid
    line's own is added for the lines after it) and make the episode of each valid one,
    with its key and reference."""
    actor_id = context.actor.pk
    ids = iter(new_ids(len(todo)))
    valid: list[tuple[Outcome, dict[str, Any]]] = []
    for outcome in todo:
        child_id = outcome.person_id
        child = people[child_id]
        _check_episode(context, outcome, child, periods[child_id], care[child_id])
        if outcome.status == RowStatus.ERROR:
            continue
        v = outcome.checked.values
        # A police report of a child in care is "missing" (M) unless it says "away" (A).
        in_care = _looked_after(care[child_id], _local_day(v["last_seen_at"]))
        kind = context.types[v["ssda903_type"] or "M"] if in_care else None
        back = v["returned_at"]
        episode = {
            "id": next(ids),
            "child_id": child_id,
            "status": EpisodeStatus.RETURNED if back else EpisodeStatus.REPORTED,
            "reported_at": v["reported_at"],
            "reported_by_id": actor_id,
            "reporter_name": "Police",
            "reporter_relationship": "Police missing report (bulk import)",
            "last_seen_at": v["last_seen_at"],
            "noticed_at": v["noticed_at"],
            "missing_from": v["missing_from"],
            "placing_authority": v["placing_authority"],
            "locality": _locality(addresses[child_id], _local_day(v["last_seen_at"])),
            "circumstances": v["circumstances"],
            "description": v["description"],
            "clothing": v["clothing"],
            "police_reference": v["police_reference"],
            "police_risk_grade_id": context.grades[v["risk_grade"]].pk,
            "ssda903_type_id": kind.pk if kind else None,
            "returned_at": back,
            "found_where": v["found_where"],
            "found_by": v["found_by"],
            "returned_with": v["returned_with"],
            "interview_category": _category(care[child_id], back) if back else "",
            "interview_due_at": due_at(back, "return_interview") if back else None,
            "created_by_id": actor_id,
            "modified_by_id": actor_id,
        }
        periods[child_id].append(Period("", v["last_seen_at"], back, outcome.checked.number))
        valid.append((outcome, episode))
    for (_, episode), reference in zip(valid, _references(len(valid)), strict=True):
        episode["reference"] = reference
    return valid


def write_police(context: Context, outcomes: list[Outcome]) -> None:
    """Validate the decided lines against their children's episodes and insert the valid
    ones: the episode, its first grading, the return interview (when returned), the
    chronology entries. One COPY per table for the whole chunk (see `bulk.py`)."""
    todo = [o for o in outcomes if o.status == RowStatus.CREATED and o.person_id is not None]
    children = {o.person_id for o in todo}
    people = _children(children, lock=True)
    valid = _plan_episodes(
        context,
        todo,
        people=people,
        periods=_periods(children),
        care=_in_care(children),
        addresses=_addresses(children),
    )
    tables = _episode_rows(context, valid)
    with insert_history_skipped(*EPISODE_TABLES):
        for model in EPISODE_TABLES:
            copy_insert(model, [row for _, row in tables[model]])


EPISODE_TABLES: tuple[type[models.Model], ...] = (
    Episode,
    RiskGrading,
    ReturnInterview,
    Involvement,
    ChronologyEntry,
)


def _episode_rows(
    context: Context, valid: list[tuple[Outcome, dict[str, Any]]]
) -> dict[type[models.Model], list[tuple[int, dict[str, Any]]]]:
    """The rows the checked episodes add, table by table, each with its line's number: the
    episode, its first grading, the return interview (when returned, with the provider's
    teams involved) and a chronology entry."""
    actor_id = context.actor.pk
    agency_id = getattr(context.actor, "agency_id", None)
    tables: dict[type[models.Model], list[tuple[int, dict[str, Any]]]] = {
        model: [] for model in EPISODE_TABLES
    }
    episode_type = ContentType.objects.get_for_model(Episode)
    by_id = {code.pk: code for code in context.grades.values()}
    teams = {
        category: list(agency.teams.filter(is_active=True).values_list("pk", flat=True))
        for category, agency in context.providers.items()
    }
    for outcome, episode in valid:
        number = outcome.checked.number
        outcome.episode_id = episode["id"]
        tables[Episode].append((number, episode))
        grade = by_id[episode["police_risk_grade_id"]]
        link = {"link_type": "missing.episode", "link_id": episode["id"]}
        mine = {"created_by_id": actor_id, "modified_by_id": actor_id}
        tables[RiskGrading].append(
            (
                number,
                {
                    "episode_id": episode["id"],
                    "grade_id": grade.pk,
                    "graded_at": episode["reported_at"],
                    "graded_by_id": actor_id,
                    "sources": outcome.checked.values["grading_sources"],
                    **mine,
                },
            )
        )
        # One entry per episode: the report, and the return when the file already has it.
        summary = (
            f"Reported missing from {MissingFrom(episode['missing_from']).label.lower()} "
            f"({episode['reference']}), {grade.label.lower()}"
        )
        if episode["returned_at"] is not None:
            summary += (
                f"; returned {_when(episode['returned_at'])}, found at {episode['found_where']}"
            )
        tables[ChronologyEntry].append(
            (
                number,
                {
                    "person_id": episode["child_id"],
                    "kind": EntryKind.MISSING,
                    "summary": summary[:500],
                    "detail": episode["circumstances"],
                    "occurred_at": episode["last_seen_at"],
                    "author_id": actor_id,
                    "source_agency_id": agency_id,
                    "significance": Significance.SIGNIFICANT
                    if grade.code in {"medium", "high"}
                    else Significance.ROUTINE,
                    **link,
                },
            )
        )
        if episode["returned_at"] is not None:
            provider = context.providers.get(episode["interview_category"])
            tables[ReturnInterview].append(
                (
                    number,
                    {"episode_id": episode["id"], "provider_id": provider.pk if provider else None}
                    | mine,
                )
            )
            tables[Involvement].extend(
                (
                    number,
                    {
                        "content_type_id": episode_type.pk,
                        "object_id": episode["id"],
                        "kind": InvolvementKind.ALLOCATED_TEAM,
                        "team_id": team,
                        "recorded_by_id": actor_id,
                        "started_at": timezone.now(),
                    },
                )
                for team in teams.get(episode["interview_category"], [])
            )
    return tables


def _police_update(context: Context, outcome: Outcome, episode: Episode) -> None:
    """A report imported before (or recorded by hand) seen again: the return, if it is new,
    is recorded through `episode_record_return`; a new grade while missing through
    `episode_grade`; anything else that differs is reported, not overwritten."""
    from lantern.missing.services import episode_grade, episode_record_return  # noqa: PLC0415

    v = outcome.checked.values
    outcome.episode_id, outcome.person_id = episode.pk, episode.child_id
    changed = False
    try:
        if (
            episode.is_open
            and v["risk_grade"]
            and v["risk_grade"]
            != (episode.police_risk_grade.code if episode.police_risk_grade else "")
        ):
            episode_grade(
                request=context.request,
                actor=context.actor,
                episode=episode,
                grade=context.grades[v["risk_grade"]],
                sources=v["grading_sources"],
                graded_at=min(timezone.now(), v["returned_at"] or timezone.now()),
            )
            changed = True
        if episode.is_open and v["returned_at"]:
            episode_record_return(
                request=context.request,
                actor=context.actor,
                episode=episode,
                returned_at=v["returned_at"],
                found_where=v["found_where"],
                found_by=v["found_by"],
                returned_with=v["returned_with"],
            )
            changed = True
    except ValidationError as error:
        for column, messages in getattr(error, "message_dict", {"": error.messages}).items():
            for message in messages:
                outcome.fail(column if column != "__all__" else "", message)
        return
    differs = [
        column
        for column, current in (
            ("returned_at", episode.returned_at),
            ("found_where", episode.found_where),
            ("reported_at", episode.reported_at),
        )
        if v[column] and v[column] != current
    ]
    if differs:
        outcome.fail(
            differs[0],
            f"This report was imported before as {episode.reference} and "
            f"{', '.join(differs)} now differ: correct the episode on its page.",
        )
    else:
        outcome.status = RowStatus.UPDATED if changed else RowStatus.UNCHANGED


def _previous(kind: str, keys: set[str]) -> dict[str, ImportRow]:
    """The last settled or waiting row of an earlier import (or earlier in this one) for
    each natural key."""
    found: dict[str, ImportRow] = {}
    for row in (
        ImportRow.objects.filter(
            kind=kind, key_hash__any=keys, status__in=[*SETTLED, RowStatus.NEEDS_REVIEW]
        )
        .only("key_hash", "status", "number", "data_hash", "episode_id", "person_id")
        .order_by("created_at", "number")
    ):
        found[row.key_hash] = row
    return found


@dataclass
class Remembered:
    """What the chunk before planned for a natural key, as `_previous` finds it once that
    chunk is written."""

    status: str
    number: int
    data_hash: str
    episode_id: Any
    person_id: Any


@dataclass
class Memory:
    """What the plan of the chunk being written will add, which the database shows nobody
    else until it commits: the next chunk is planned on it (`plan_police`)."""

    keys: dict[str, Remembered] = field(default_factory=dict)
    unsure: dict[str, Any] = field(default_factory=dict)  # key -> child, when known
    periods: dict[Any, list[Period]] = field(default_factory=lambda: defaultdict(list))
    names: set[tuple[str, str, Any]] = field(default_factory=set)  # people it will create


@dataclass
class Sorted:
    """A chunk's lines sorted by what they need: settled already (an error, unchanged,
    waiting for review), an update of an episode recorded before, or new (`fresh`)."""

    fresh: list[Outcome] = field(default_factory=list)
    updates: list[tuple[Outcome, Episode]] = field(default_factory=list)
    relied: dict[int, tuple[str, Remembered]] = field(default_factory=dict)
    deferred: dict[int, Any] = field(default_factory=dict)  # line -> child, when known


def _waiting(outcome: Outcome, number: int) -> None:
    outcome.status = RowStatus.UNCHANGED
    outcome.problems = [("", f"Waiting in the review queue (line {number}).")]


def _remembered(outcome: Outcome, remembered: Remembered, lines: Sorted) -> None:
    """A line whose key the chunk being written plans: settled as `_previous` would settle
    it once that chunk is written (the writer confirms it was written so), or, were it an
    update, left to the writer."""
    number = outcome.checked.number
    if remembered.status == RowStatus.NEEDS_REVIEW:
        _waiting(outcome, remembered.number)
    elif remembered.episode_id and remembered.data_hash == outcome.checked.values["__data"]:
        outcome.status = RowStatus.UNCHANGED
        outcome.episode_id, outcome.person_id = remembered.episode_id, remembered.person_id
    else:
        lines.deferred[number] = remembered.person_id
        return
    lines.relied[number] = (outcome.checked.values["__key"], remembered)


def _sort_police(outcomes: list[Outcome], memory: Memory) -> Sorted:
    """Each line against the lines imported before: those the database holds (`_previous`)
    and those the chunk being written plans (`memory`). A line the chunk before may not
    write as planned, or would update, is left to the writer (`deferred`)."""
    lines = Sorted()
    hashes = {o.checked.values["__key"] for o in outcomes if o.checked.ok}
    previous = _previous(ImportKind.POLICE_MISSING, hashes - memory.keys.keys())
    by_reference: dict[tuple[str, float], Episode] = {}
    episode_ids = [r.episode_id for r in previous.values() if r.episode_id]
    references = {
        o.checked.values["police_reference"]
        for o in outcomes
        if o.checked.ok and o.checked.values["__key"] not in previous
    }
    for known in Episode.objects.select_related("police_risk_grade", "child").filter(
        Q(pk__any=episode_ids) | Q(police_reference__any=references)
    ):
        by_reference[(known.police_reference.upper(), known.last_seen_at.timestamp())] = known
    seen_here: set[str] = set()
    for outcome in outcomes:
        v, number = outcome.checked.values, outcome.checked.number
        if not outcome.checked.ok:
            outcome.status = RowStatus.ERROR
            outcome.problems = list(outcome.checked.problems)
            continue
        key = v["__key"]
        if key in memory.unsure:
            lines.deferred[number] = memory.unsure[key]
            continue
        if key in memory.keys:
            _remembered(outcome, memory.keys[key], lines)
            continue
        earlier = previous.get(key)
        if earlier is not None and earlier.status == RowStatus.NEEDS_REVIEW:
            _waiting(outcome, earlier.number)
            continue
        episode = by_reference.get((v["police_reference"].upper(), v["last_seen_at"].timestamp()))
        if episode is not None:
            if earlier is not None and earlier.data_hash == v["__data"]:
                outcome.status = RowStatus.UNCHANGED
                outcome.episode_id, outcome.person_id = episode.pk, episode.child_id
            else:
                lines.updates.append((outcome, episode))
            continue
        if key in seen_here:
            outcome.fail("police_reference", "This report is in the file twice: once is enough.")
            continue
        seen_here.add(key)
        lines.fresh.append(outcome)
    return lines


def _police_chunk(context: Context, outcomes: list[Outcome], ahead: Ahead | None) -> None:
    """Decide and write lines against the database as it is now, on the writer's
    connection: those a plan left to the writer or whose child's record moved on."""
    lines = _sort_police(outcomes, Memory())
    for outcome, episode in lines.updates:
        _police_update(context, outcome, episode)
    _decide(context, lines.fresh, create=True, ahead=ahead)
    write_police(context, lines.fresh)


def _spans(periods: list[Period]) -> frozenset[tuple[datetime, datetime | None]]:
    return frozenset((p.start, p.end) for p in periods)


@dataclass
class Plan:
    """A chunk of police reports decided, checked and made into rows before the chunk ahead
    of it is written (`plan_police`), with what that rested on, which the writer confirms
    under the children's lock (`_write_plan`)."""

    planned: set[int] = field(default_factory=set)  # lines whose rows are made
    rows: dict[type[models.Model], tuple[list[int], list[bytes]]] = field(
        default_factory=dict
    )  # table -> each row's line in the file, and the row in COPY's format
    checked: dict[Any, list[int]] = field(default_factory=lambda: defaultdict(list))
    basis: dict[Any, tuple[date | None, frozenset[tuple[datetime, datetime | None]]]] = field(
        default_factory=dict
    )  # child -> their birth and episodes, as checked
    relied: dict[int, tuple[str, Remembered]] = field(default_factory=dict)
    deferred: dict[int, Any] = field(default_factory=dict)  # line -> child, when known
    # Each line's import row, made with its outcome; stamped as the plan was made, so that
    # the chunks' rows keep the order of the file whenever each was written.
    stamp: datetime = field(default_factory=timezone.now)
    import_rows: dict[int, tuple[Outcome, bytes]] = field(default_factory=dict)


def plan_police(context: Context, ahead: Ahead, memory: Memory) -> tuple[Plan, Memory]:
    """Decide, check and make the rows of a chunk of police reports, reading the database
    as it stands (on the read-ahead connection while the chunk before is written) together
    with what that chunk plans (`memory`). Lines that need the writer (a person to create,
    an episode to update, a line of a child who has one of those) are left to it. Returns
    the plan and what it will add, for the chunk after."""
    plan = Plan()
    lines = _sort_police(ahead.outcomes, memory)
    plan.relied, plan.deferred = lines.relied, lines.deferred
    for outcome, episode in lines.updates:
        plan.deferred[outcome.checked.number] = episode.child_id
    deferral = Deferral(names=set(memory.names))
    _decide(context, lines.fresh, create=True, ahead=ahead, deferral=deferral)
    waiting = deferral.lines
    plan.deferred.update((o.checked.number, None) for o in waiting)
    # A child with a line the writer decides has all their lines decided there, in order.
    theirs = {child for child in plan.deferred.values() if child is not None}
    todo = []
    for outcome in lines.fresh:
        number = outcome.checked.number
        if outcome.status != RowStatus.CREATED or number in plan.deferred:
            continue
        if outcome.person_id in theirs:
            plan.deferred[number] = outcome.person_id
        else:
            todo.append(outcome)
    children = {o.person_id for o in todo}
    people = _children(children, lock=False)
    periods = _periods(children)
    for child in children:
        periods[child].extend(memory.periods.get(child, ()))
    plan.basis = {c: (p.born_earliest, _spans(periods[c])) for c, p in people.items()}
    for outcome in todo:
        if outcome.person_id in people:
            plan.checked[outcome.person_id].append(outcome.checked.number)
        else:
            plan.deferred[outcome.checked.number] = outcome.person_id  # gone since decided
    todo = [o for o in todo if o.person_id in people]
    valid = _plan_episodes(
        context,
        todo,
        people=people,
        periods=periods,
        care=_in_care(children),
        addresses=_addresses(children),
    )
    for model, rows in _episode_rows(context, valid).items():
        made = copy_text(model, [row for _, row in rows])
        plan.rows[model] = ([n for n, _ in rows], made)
    plan.planned = {o.checked.number for o, _ in valid}
    settled = [o for o in ahead.outcomes if o.checked.number not in plan.deferred]
    made = copy_text(ImportRow, [_row(context.batch, o) for o in settled], now=plan.stamp)
    plan.import_rows = {o.checked.number: (o, row) for o, row in zip(settled, made, strict=True)}
    return plan, _remember(ahead.outcomes, plan, valid, waiting)


def _remember(
    outcomes: list[Outcome],
    plan: Plan,
    valid: list[tuple[Outcome, dict[str, Any]]],
    waiting: list[Outcome],
) -> Memory:
    """What the chunk after this one must know of it before it is written: its keys as
    `_previous` will find them (unsure for a line left to the writer, or refused by a check
    the writer may make again), its new episodes and the people it will create."""
    memory = Memory()
    checked = {number for numbers in plan.checked.values() for number in numbers}
    for outcome in outcomes:
        v, number = outcome.checked.values, outcome.checked.number
        if not outcome.checked.ok:
            continue
        key = v["__key"]
        if number in plan.deferred or (number in checked and outcome.status == RowStatus.ERROR):
            memory.unsure[key] = plan.deferred.get(number, outcome.person_id)
            memory.keys.pop(key, None)
        elif outcome.status in (*SETTLED, RowStatus.NEEDS_REVIEW):
            memory.keys[key] = Remembered(
                outcome.status, number, v["__data"], outcome.episode_id, outcome.person_id
            )
            memory.unsure.pop(key, None)
    for _, episode in valid:
        memory.periods[episode["child_id"]].append(
            Period(episode["reference"], episode["last_seen_at"], episode["returned_at"])
        )
    memory.names = {
        (
            o.checked.values["given_names"].lower(),
            o.checked.values["family_name"].lower(),
            o.checked.values.get("date_of_birth"),
        )
        for o in waiting
    }
    return memory


def _write_plan(context: Context, ahead: Ahead, plan: Plan) -> list[Outcome]:
    """Write a chunk as planned, once its children are locked and what the plan rested on
    is confirmed: their births and episodes as checked, and the lines of the chunk before
    it relied on written as planned. The lines of a child whose record moved on meanwhile,
    and those left to the writer, are decided and checked again here, in their order in
    the file (`_police_chunk`)."""
    redo = dict(plan.deferred)
    for number, (key, remembered) in plan.relied.items():
        final = context.written.get(key)
        if final is None or (final.status, final.episode_id) != (
            remembered.status,
            remembered.episode_id,
        ):
            redo[number] = remembered.person_id
    suspect = {child for child in redo.values() if child is not None}
    # Locked as `_children` locks them; only their births are compared.
    born = dict(
        Person.objects.select_for_update()
        .filter(pk__any=list(plan.basis))
        .order_by("pk")
        .values_list("pk", "born_earliest")
    )
    periods = _periods(set(plan.basis))
    for child, (birth, spans) in plan.basis.items():
        if child not in born or born[child] != birth or _spans(periods[child]) != spans:
            suspect.add(child)
    for child in suspect:
        redo.update(dict.fromkeys(plan.checked.get(child, ()), child))
    keep = plan.planned - redo.keys()
    with insert_history_skipped(*EPISODE_TABLES):
        for model in EPISODE_TABLES:
            numbers, rows = plan.rows[model]
            if redo:
                rows = [row for number, row in zip(numbers, rows, strict=True) if number in keep]
            copy_lines(model, rows)
    if redo:
        again = {
            o.checked.number: Outcome(checked=o.checked)
            for o in ahead.outcomes
            if o.checked.number in redo
        }
        _police_chunk(context, list(again.values()), ahead)
        ahead.outcomes[:] = [again.get(o.checked.number, o) for o in ahead.outcomes]
    return ahead.outcomes


# --- School absences -----------------------------------------------------------------------


def write_absences(context: Context, outcomes: list[Outcome]) -> None:
    """Check the decided absence lines (the school is known, the code current, the day not
    in the future nor before the child was born) and insert the new ones; an absence already
    recorded is unchanged."""
    todo = [o for o in outcomes if o.status == RowStatus.CREATED and o.person_id is not None]
    urns = {o.checked.values["school_urn"] for o in todo}
    schools = {s.urn: s for s in School.objects.filter(urn__any=urns)}
    people = {p.pk: p for p in Person.objects.filter(pk__any={o.person_id for o in todo})}
    existing = {
        (a.child_id, a.school_id, a.day, a.session): a.pk
        for a in SchoolAbsence.objects.filter(
            child__any=people,
            school__any=[school.pk for school in schools.values()],
            day__any={o.checked.values["absence_date"] for o in todo},
        ).only("child_id", "school_id", "day", "session")
    }
    today = timezone.localdate()
    new: list[tuple[Outcome, SchoolAbsence]] = []
    for outcome in todo:
        v = outcome.checked.values
        school = schools.get(v["school_urn"])
        child = people[outcome.person_id]
        if school is None:
            outcome.fail(
                "school_urn",
                f"No school with URN {v['school_urn']} is recorded: ask an administrator to "
                "add it, then import the row again.",
            )
        if v["reason_code"] not in context.reasons:
            outcome.fail(
                "reason_code", f"\u2018{v['reason_code']}\u2019 is not a DfE attendance code."
            )
        if v["absence_date"] > today:
            outcome.fail("absence_date", "The day absent cannot be in the future.")
        if child.born_earliest and v["absence_date"] < child.born_earliest:
            outcome.fail(
                "absence_date", "The day absent is before the young person was born: check it."
            )
        if outcome.status == RowStatus.ERROR or school is None:
            continue
        key = (child.pk, school.pk, v["absence_date"], v["session"])
        if key in existing:
            outcome.status, outcome.absence_id = RowStatus.UNCHANGED, existing[key]
            continue
        absence = SchoolAbsence(
            child=child,
            school=school,
            day=v["absence_date"],
            session=v["session"],
            reason=context.reasons[v["reason_code"]],
            created_by=context.actor,
            modified_by=context.actor,
        )
        existing[key] = absence.pk
        new.append((outcome, absence))
    SchoolAbsence.objects.bulk_create([a for _, a in new])
    for outcome, absence in new:
        outcome.absence_id = absence.pk


def _absence_chunk(context: Context, outcomes: list[Outcome], ahead: Ahead | None) -> None:
    fresh = []
    for outcome in outcomes:
        if not outcome.checked.ok:
            outcome.status = RowStatus.ERROR
            outcome.problems = list(outcome.checked.problems)
        else:
            fresh.append(outcome)
    hashes = {o.checked.values["__key"] for o in fresh}
    previous = _previous(ImportKind.SCHOOL_ABSENCE, hashes)
    waiting = []
    for outcome in fresh:
        earlier = previous.get(outcome.checked.values["__key"])
        if earlier is not None and earlier.status == RowStatus.NEEDS_REVIEW:
            outcome.status = RowStatus.UNCHANGED
            outcome.problems = [("", f"Waiting in the review queue (line {earlier.number}).")]
        elif earlier is not None and earlier.person_id is not None:
            outcome.person_id = earlier.person_id  # decided before; the absence may be new
            waiting.append(outcome)
        else:
            waiting.append(outcome)
    _decide(context, [o for o in waiting if o.person_id is None], create=False, ahead=ahead)
    write_absences(context, waiting)


# --- Running a batch -----------------------------------------------------------------------


def _row(batch: ImportBatch, outcome: Outcome) -> dict[str, Any]:
    v = outcome.checked.values
    return {
        "batch_id": batch.pk,
        "number": outcome.checked.number,
        "kind": batch.kind,
        "status": outcome.status,
        "key_hash": v.get("__key", ""),
        "data_hash": v.get("__data", ""),
        "data": outcome.checked.raw,
        "problems": [{"column": c, "message": m} for c, m in outcome.problems],
        "person_id": outcome.person_id,
        "episode_id": outcome.episode_id,
        "absence_id": outcome.absence_id,
        "candidates": outcome.candidates,
        "created_by_id": batch.created_by_id,
        "modified_by_id": batch.created_by_id,
    }


def check_line(kind: str, number: int, raw: dict[str, str]) -> Checked:
    checked = CHECKS[kind](number, raw)
    checked.values["__key"] = key_hash(kind, checked.values)
    checked.values["__data"] = data_hash(raw)
    return checked


@dataclass
class Ahead:
    """A chunk's lines, checked, with the people matching their names exactly, looked up
    while the chunk before was being written (`asked`: the names looked up; none when the
    import runs inside its caller's transaction, whose rows another connection cannot see)."""

    outcomes: list[Outcome]
    asked: set[NameKey] = field(default_factory=set)
    matches: dict[NameKey, set[Any]] = field(default_factory=dict)
    plan: Plan | None = None  # police reports planned ahead (`plan_police`)


def prepare(kind: str, lines: list[tuple[int, dict[str, str]]], *, look_up: bool) -> Ahead:
    """Check each line; when `look_up`, find the exact matches of the names of the lines not
    imported before (those that will need deciding), on this thread's own connection."""
    ahead = Ahead(outcomes=[Outcome(checked=check_line(kind, n, raw)) for n, raw in lines])
    if not look_up:
        return ahead
    valid = [o.checked.values for o in ahead.outcomes if o.checked.ok]
    with transaction.atomic():  # `exact_matches` turns JIT off for its transaction
        known = _previous(kind, {v["__key"] for v in valid})
        ahead.asked = {
            name_key(v["given_names"], v["family_name"], v["date_of_birth"])
            for v in valid
            if v["date_of_birth"] and v["__key"] not in known
        }
        ahead.matches = exact_matches(list(ahead.asked))
    return ahead


def _prepared_ahead(
    batch: ImportBatch,
    chunk: int,
    handle: Callable[[Ahead], None],
    *,
    look_up: bool,
    context: Context | None = None,
) -> None:
    """Call `handle` on each chunk of the batch in order, while the next chunk is read,
    checked and (when `look_up`) matched on a second thread, and with a `context` police
    reports planned too (`plan_police`). That is Python and reads on a second connection,
    so it runs while this thread waits for the database to write the chunk before: on two
    cores an import takes about the time of its writing alone (decision 0018)."""
    source = _chunks(read_rows(batch.kind, batch.content), chunk)
    memory = Memory()

    def next_chunk() -> Ahead | None:
        nonlocal memory
        lines = next(source, None)
        if lines is None:
            return None
        ahead = prepare(batch.kind, lines, look_up=look_up)
        if look_up and context is not None and batch.kind == ImportKind.POLICE_MISSING:
            with transaction.atomic():
                ahead.plan, memory = plan_police(context, ahead, memory)
        return ahead

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-ahead") as helper:
        try:
            coming = helper.submit(next_chunk)
            while (ahead := coming.result()) is not None:
                coming = helper.submit(next_chunk)
                handle(ahead)
        finally:
            # One thread runs every step in turn, so this closes its connection after the
            # last one (a step already under way when `handle` failed finishes first).
            helper.submit(connections.close_all)


def process(context: Context, ahead: Ahead) -> list[Outcome]:
    """One chunk, checked: decide, write; returns what became of each line. Police reports
    not planned ahead are planned here, on the writer's connection, which sees every line
    written before."""
    if context.batch.kind == ImportKind.POLICE_MISSING:
        plan = ahead.plan or plan_police(context, ahead, Memory())[0]
        return _write_plan(context, ahead, plan)
    _absence_chunk(context, ahead.outcomes, ahead)
    return ahead.outcomes


def _refused(error: IntegrityError | DataError) -> str:
    diag = getattr(error.__cause__, "diag", None)
    what = getattr(diag, "constraint_name", None) or error.__class__.__name__
    return (
        f"The database refused this line ({what}), so it is not saved; the other lines are. "
        "Tell your administrator. Once they have put it right, import the file again: only "
        "this line will be added."
    )


def _written(context: Context, ahead: Ahead) -> list[Outcome]:
    """Write the chunk's lines in a savepoint, its deferred constraints checked before it
    ends. Should the database refuse a line every check passed (a constraint the checks do
    not know, a value PostgreSQL will not store), the savepoint is undone and the lines are
    written again in halves, down to the line refused, which becomes a row error: one line
    costs itself, not its chunk nor the rest of the file. A half takes the same decisions
    as the whole, since the people matched ahead, and those this run created before it, are
    known; a person created in an undone half is created again. Any other database error (a
    deadlock, a lost connection) is not a line's fault and stops the batch as before."""
    made = dict(context.created_people)
    try:
        with transaction.atomic():
            outcomes = process(context, ahead)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        return outcomes
    except (IntegrityError, DataError) as error:
        context.created_people = made
        lines = [Outcome(checked=o.checked) for o in ahead.outcomes]
        if len(lines) == 1:
            logger.warning(
                "Import %s line %s refused: %s", context.batch.pk, lines[0].checked.number, error
            )
            lines[0].fail("", _refused(error))
            return lines
        half = len(lines) // 2
        return [
            outcome
            for part in (lines[:half], lines[half:])
            for outcome in _written(
                context, Ahead(outcomes=part, asked=ahead.asked, matches=ahead.matches)
            )
        ]


def _import_rows(context: Context, ahead: Ahead, outcomes: list[Outcome]) -> list[bytes]:
    """The chunk's import rows: those its plan made, for the lines written as planned, and
    the others made now."""
    made = ahead.plan.import_rows if ahead.plan else {}
    rows, rest = [], []
    for outcome in outcomes:
        planned = made.get(outcome.checked.number)
        if planned is not None and planned[0] is outcome:
            rows.append(planned[1])
        else:
            rest.append(_row(context.batch, outcome))
    stamp = ahead.plan.stamp if ahead.plan else None
    return rows + copy_text(ImportRow, rest, now=stamp)


def write_chunk(context: Context, ahead: Ahead) -> list[Outcome]:
    """Write a chunk (`_written`), keeping what it settled for the chunk after, planned
    before it was written, to confirm what it relied on (`_write_plan`)."""
    outcomes = _written(context, ahead)
    context.written = _settled(outcomes)
    return outcomes


def _settled(outcomes: list[Outcome]) -> dict[str, Outcome]:
    """Each key's last settled or waiting line, as `_previous` will find it."""
    return {
        o.checked.values["__key"]: o
        for o in outcomes
        if o.checked.ok and o.status in (*SETTLED, RowStatus.NEEDS_REVIEW)
    }


COUNTERS: dict[str, str] = {
    RowStatus.CREATED: "created",
    RowStatus.UPDATED: "updated",
    RowStatus.UNCHANGED: "unchanged",
    RowStatus.ERROR: "errors",
    RowStatus.NEEDS_REVIEW: "needs_review",
}


def run_batch(batch_id: Any, *, chunk: int = CHUNK) -> ImportBatch:
    """Import every line of the batch, a chunk per transaction, moving `processed` on after
    each so the page's progress bar follows; then one audit event with the counts."""
    batch = ImportBatch.objects.select_related("created_by").get(pk=batch_id)
    if batch.status != BatchStatus.QUEUED:
        return batch  # already run (a task delivered twice)
    actor = batch.created_by
    assert actor is not None  # noqa: S101 - every batch has its uploader
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, started_at=timezone.now()
    )
    context = Context.for_batch(batch, actor)

    def write(ahead: Ahead) -> None:
        with transaction.atomic():
            # A chunk lost in a crash before its commit reached disk is lost whole, with its
            # progress count: the batch shows it stopped and the file can be imported again,
            # which is idempotent. Not waiting for the flush halves the time a chunk takes.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
            outcomes = write_chunk(context, ahead)
            copy_lines(ImportRow, _import_rows(context, ahead, outcomes))
            counts: dict[str, Any] = defaultdict(int)
            for outcome in outcomes:
                counts[COUNTERS[outcome.status]] += 1
            ImportBatch.objects.filter(pk=batch.pk).update(
                processed=F("processed") + len(outcomes),
                **{name: F(name) + count for name, count in counts.items()},
            )

    try:
        # Inside a caller's transaction (a test), the rows it holds are visible only to this
        # connection, so the names are matched here, chunk by chunk.
        _prepared_ahead(
            batch, chunk, write, look_up=not connection.in_atomic_block, context=context
        )
    except Exception as error:
        if batch.kind == ImportKind.POLICE_MISSING:
            figures_changed()  # the chunks before the failure are kept
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            failure=f"The import stopped: {error.__class__.__name__}. The rows before it are "
            "kept; upload the file again to finish it.",
        )
        batch.refresh_from_db()
        audit_record(
            action="missing.import_failed",
            actor=actor,
            obj=batch,
            outcome="failure",
            detail={"processed": batch.processed, "error": error.__class__.__name__},
        )
        raise
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    if batch.kind == ImportKind.POLICE_MISSING:
        figures_changed()  # counted again for the dashboard (decision 0022)
    batch.refresh_from_db()
    audit_record(
        action="missing.import_completed",
        actor=actor,
        obj=batch,
        detail={
            "kind": batch.kind,
            "sha256": batch.sha256,
            "rows": batch.total,
            "created": batch.created,
            "updated": batch.updated,
            "unchanged": batch.unchanged,
            "errors": batch.errors,
            "needs_review": batch.needs_review,
        },
    )
    return batch
