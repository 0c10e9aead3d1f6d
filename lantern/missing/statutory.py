"""The statutory returns about missing children in care: the SSDA903 `Missing` table with the
DfE's validation rules, and Ofsted's Annex A List 8.

Both start from `visible_episodes` (and, for Annex A's children with no episode, the people
the user may see): a coordinator exports the children they may see, and the export is
audited with the children in it.

Who is "in care" for an episode: the child had a looked-after legal status in force on the
day they were last seen (MIS_START). The collection year runs from 1 April to 31 March; an
episode is in a year's table when it overlaps the year (it started in it, ended in it, or is
still open across it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone

from lantern.missing.selectors import visible_episodes
from lantern.people.models import Identifier, IdentifierScheme, LegalStatus, Person
from lantern.people.models.circumstances import LegalStatusKind
from lantern.people.selectors import people_visible

SSDA903_HEADER = ["CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"]
MISSING_TYPES = frozenset({"M", "A"})
OFFERED = frozenset({"offered_accepted", "offered_declined"})
ACCEPTED = "offered_accepted"


def ddmmyyyy(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


# --- The collection year --------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionYear:
    """1 April `start_year` to 31 March the year after (the SSDA903 year "2025-26")."""

    start_year: int

    @property
    def first_day(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.start_year}-{str(self.start_year + 1)[-2:]}"

    @classmethod
    def containing(cls, day: date) -> CollectionYear:
        return cls(day.year if day.month >= 4 else day.year - 1)


def collection_years(today: date, count: int = 5) -> list[CollectionYear]:
    """The current collection year and the ones before it, newest first."""
    current = CollectionYear.containing(today).start_year
    return [CollectionYear(current - n) for n in range(count)]


# --- Rows -----------------------------------------------------------------------------------


def _looked_after_on(day: Any, person: Any = None) -> QuerySet[LegalStatus]:
    """Looked-after periods of the outer episode's child in force on `day` (an expression)."""
    return LegalStatus.objects.filter(
        person=person if person is not None else OuterRef("child"),
        kind=LegalStatusKind.LOOKED_AFTER,
        valid_from__lte=day,
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def _la_child_id(person: str = "child") -> Subquery:
    """The child's local authority child ID (the SSDA903 CHILD): the earliest recorded one
    not archived."""
    return Subquery(
        Identifier.objects.filter(
            person=OuterRef(person),
            scheme=IdentifierScheme.LA_CHILD_ID,
            archived_at__isnull=True,
        )
        .order_by("created_at")
        .values("value")[:1]
    )


@dataclass(frozen=True)
class MissingRow:
    """One SSDA903 `Missing` row, with what validation and the error list need."""

    episode_id: UUID
    reference: str
    child_pk: UUID
    name: str
    child: str
    dob: date | None
    missing: str
    start: date
    end: date | None
    care_ended: date | None

    def cells(self) -> list[str]:
        return [
            self.child,
            ddmmyyyy(self.dob),
            self.missing,
            ddmmyyyy(self.start),
            ddmmyyyy(self.end),
        ]


def ssda903_rows(user: Any, year: CollectionYear) -> list[MissingRow]:
    """Every episode the user may see of a child in care, overlapping the collection year,
    ordered by child and start. One query."""
    episodes = (
        visible_episodes(user)
        .annotate(start=TruncDate("last_seen_at"), end=TruncDate("returned_at"))
        .filter(start__lte=year.last_day)
        .filter(Q(returned_at__isnull=True) | Q(end__gte=year.first_day))
        .filter(Exists(_looked_after_on(OuterRef("start"))))
        .annotate(
            care_ended=Subquery(
                _looked_after_on(OuterRef("start")).order_by("-valid_from").values("valid_to")[:1]
            ),
            la_child_id=_la_child_id(),
            type_code=F("ssda903_type__code"),
        )
        .select_related("child")
        .order_by("child__family_name", "child__given_names", "child_id", "last_seen_at")
    )
    return [
        MissingRow(
            episode_id=e.pk,
            reference=e.reference,
            child_pk=e.child_id,
            name=e.child.known_as,
            child=e.la_child_id or "",
            dob=e.child.date_of_birth,
            missing=e.type_code or "",
            start=e.start,
            end=e.end,
            care_ended=e.care_ended,
        )
        for e in episodes
    ]


# --- Validation (DfE rules for the Missing table) -------------------------------------------


RULES = {
    "567": "The date the missing or away episode ended is before the date it started.",
    "574": "A new missing or away episode cannot start while the previous one is still open, "
    "and episodes must not overlap.",
    "575": "The young person's looked-after period has ended, so this episode must also "
    "have an end date.",
    "586": "The episode starts before the young person's date of birth.",
    "1006": "The missing type must be M (missing) or A (away from placement without "
    "authorisation).",
    "CHILD": "The young person has no local authority child ID, which the return needs.",
}


@dataclass(frozen=True)
class Problem:
    rule: str
    row: MissingRow

    @property
    def message(self) -> str:
        return RULES[self.rule]

    @property
    def is_dfe_rule(self) -> bool:
        return self.rule.isdigit()


@dataclass(frozen=True)
class ChildProblems:
    child_pk: UUID
    name: str
    child: str
    problems: list[Problem]


def validate(rows: Iterable[MissingRow]) -> list[ChildProblems]:
    """The DfE rules 567, 574, 575, 586 and 1006 applied to each row (and a check that the
    child has the ID the return needs), grouped by child in the rows' order."""
    by_child: dict[UUID, list[MissingRow]] = defaultdict(list)
    for row in rows:
        by_child[row.child_pk].append(row)
    result: list[ChildProblems] = []
    for episodes in by_child.values():
        problems: list[Problem] = []
        if not episodes[0].child:
            problems.append(Problem("CHILD", episodes[0]))
        ordered = sorted(episodes, key=lambda r: (r.start, r.end or date.max))
        previous: MissingRow | None = None
        for row in ordered:
            if row.end is not None and row.end < row.start:
                problems.append(Problem("567", row))
            if previous is not None and (previous.end is None or row.start < previous.end):
                problems.append(Problem("574", row))
            if row.end is None and row.care_ended is not None:
                problems.append(Problem("575", row))
            if row.dob is not None and row.start < row.dob:
                problems.append(Problem("586", row))
            if row.missing not in MISSING_TYPES:
                problems.append(Problem("1006", row))
            previous = row
        if problems:
            first = episodes[0]
            result.append(ChildProblems(first.child_pk, first.name, first.child, problems))
    return result


def episode_link(pk: UUID) -> str:
    """Where to fix an episode: its page (the episodes area's route `missing:episode`, whose
    path is exactly this)."""
    return f"/missing/episodes/{pk}/"


# --- Ofsted Annex A, List 8 -----------------------------------------------------------------

ANNEX_A_HEADER = [
    "Child Unique ID",
    "Gender",
    "Ethnicity",
    "Date of Birth",
    "Number of missing episodes in the last 12 months",
    "Number of absences (away from placement without authorisation) in the last 12 months",
    "Was the child offered a return interview after the last missing episode (Y/N)",
    "Did the child accept the return interview (Y/N)",
]


@dataclass(frozen=True)
class AnnexARow:
    child_pk: UUID
    name: str
    child: str
    gender: str
    ethnicity: str
    dob: date | None
    missing: int
    absent: int
    offered: str
    accepted: str

    def cells(self) -> list[object]:
        return [
            self.child,
            self.gender,
            self.ethnicity,
            ddmmyyyy(self.dob),
            self.missing,
            self.absent,
            self.offered,
            self.accepted,
        ]


def annex_a_period(until: date) -> tuple[datetime, datetime]:
    """The 12 months up to and including `until`, as moments in local time."""
    zone = timezone.get_current_timezone()
    start = until.replace(year=until.year - 1) + timedelta(days=1)
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone),
    )


def annex_a_rows(user: Any, until: date) -> list[AnnexARow]:
    """Every child in care at some time in the 12 months to `until` whom the user may see
    (through their record or an episode), with their episodes begun while looked after in
    those months: missing (type M, or no type: a child whose whereabouts are unknown is
    missing) and absent (type A), and whether a return interview was offered and accepted
    after the last one (blank when they had none). Three queries."""
    since, before = annex_a_period(until)
    in_window = (
        visible_episodes(user)
        .annotate(start=TruncDate("last_seen_at"))
        .filter(last_seen_at__gte=since, last_seen_at__lt=before)
        .filter(Exists(_looked_after_on(OuterRef("start"))))
    )
    visible_children = Q(pk__in=people_visible(user).values("pk")) | Q(
        pk__in=in_window.values("child_id")
    )
    children = (
        Person.objects.filter(
            Exists(
                LegalStatus.objects.filter(
                    person=OuterRef("pk"),
                    kind=LegalStatusKind.LOOKED_AFTER,
                    valid_from__lt=before.date(),
                ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=since.date()))
            )
        )
        .filter(visible_children)
        .annotate(la_child_id=_la_child_id("pk"), ethnicity_label=F("ethnicity__label"))
        .order_by("family_name", "given_names", "pk")
    )
    counts = {
        row["child_id"]: row
        for row in in_window.order_by()
        .values("child_id")
        .annotate(
            absent=Count("pk", filter=Q(ssda903_type__code="A")),
            missing=Count("pk", filter=~Q(ssda903_type__code="A") | Q(ssda903_type__isnull=True)),
        )
    }
    last_outcome = dict(
        in_window.order_by("child_id", "-last_seen_at")
        .distinct("child_id")
        .values_list("child_id", "interview__outcome__code")
    )
    rows = []
    for person in children:
        count = counts.get(person.pk)
        outcome = last_outcome.get(person.pk) or ""
        rows.append(
            AnnexARow(
                child_pk=person.pk,
                name=person.known_as,
                child=person.la_child_id or "",
                gender=person.get_gender_display(),
                ethnicity=person.ethnicity_label or "",
                dob=person.date_of_birth,
                missing=count["missing"] if count else 0,
                absent=count["absent"] if count else 0,
                offered=("Y" if outcome in OFFERED else "N") if count else "",
                accepted=("Y" if outcome == ACCEPTED else "N") if count else "",
            )
        )
    return rows
