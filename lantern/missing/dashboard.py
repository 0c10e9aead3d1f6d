"""The missing dashboard's figures, and the children behind each one.

The figures count every episode in the partnership: they name no one, and the board needs
the whole picture, not the part one reader's caseload shows. The lists of children behind a
figure are personal data, so they start from `visible_episodes` and show only the children
the reader may see (and say how many they cannot).

Every figure is an aggregate in SQL (no per-episode Python), so the page costs the same
dozen queries over a hundred episodes or a hundred thousand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, Lag, TruncDate, TruncMonth
from django.utils import timezone

from lantern.missing.models import Episode
from lantern.missing.selectors import visible_episodes
from lantern.people.models import Address, LegalStatus, Person
from lantern.people.models.circumstances import LegalStatusKind
from lantern.people.models.person import Gender

REPEAT_WINDOW_DAYS = 90
REPEAT_IN_WINDOW = 3
REPEAT_IN_PERIOD = 5


# --- The period -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From the first day to the last, inclusive, in local (UK) dates."""

    since: date
    until: date

    @classmethod
    def last_12_months(cls, today: date) -> Period:
        return cls(today.replace(year=today.year - 1) + timedelta(days=1), today)

    @property
    def start(self) -> datetime:
        return datetime.combine(self.since, time.min, tzinfo=timezone.get_current_timezone())

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(
            self.until + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )

    def months(self) -> list[date]:
        first = self.since.replace(day=1)
        months = []
        while first <= self.until:
            months.append(first)
            first = (first + timedelta(days=32)).replace(day=1)
        return months


# --- SQL pieces -----------------------------------------------------------------------------


class Median(Aggregate):
    """percentile_cont(0.5): the median of a number, interpolated as statisticians do."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class ElapsedSeconds(Func):
    """Seconds between two moments, measured on the absolute time line (PostgreSQL subtracts
    timestamps with time zone in UTC), so an hour across the clock change is an hour."""

    template = "EXTRACT(EPOCH FROM (%(expressions)s))"
    arg_joiner = " - "
    output_field = FloatField()


class AgeInYears(Func):
    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))"
    output_field = IntegerField()


def _start_date() -> TruncDate:
    return TruncDate("last_seen_at")


def in_care_at_start() -> Exists:
    """A looked-after legal status in force on the day the child was last seen."""
    return Exists(
        LegalStatus.objects.filter(
            person=OuterRef("child"),
            kind=LegalStatusKind.LOOKED_AFTER,
            valid_from__lte=OuterRef("start"),
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("start")))
    )


def _locality() -> Func:
    """The postcode district of where the child lived (or was placed) when last seen."""
    postcode = Subquery(
        Address.objects.filter(person=OuterRef("child"), valid_from__lte=OuterRef("start"))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=OuterRef("start")))
        .order_by("-valid_from")
        .values("postcode")[:1]
    )
    return Func(
        Coalesce(postcode, Value("")),
        Value(" "),
        Value(1),
        function="SPLIT_PART",
        output_field=CharField(),
    )


AGE_BANDS = [
    ("0-9", "Under 10"),
    ("10-12", "10 to 12"),
    ("13-15", "13 to 15"),
    ("16-17", "16 and 17"),
    ("18+", "18 and over"),
    ("unknown", "Age not known"),
]


def _age_band() -> Case:
    """The band of the `age` annotation (whole years on the day last seen)."""
    return Case(
        When(child__date_of_birth__isnull=True, then=Value("unknown")),
        When(Q(age__lt=10), then=Value("0-9")),
        When(Q(age__lt=13), then=Value("10-12")),
        When(Q(age__lt=16), then=Value("13-15")),
        When(Q(age__lt=18), then=Value("16-17")),
        default=Value("18+"),
    )


# name -> (title, expression, needs the age annotation)
DIMENSIONS: dict[str, str] = {
    "age": "Age when last seen",
    "gender": "Gender",
    "ethnicity": "Ethnicity",
    "locality": "Locality (postcode district)",
    "care": "In care or at home",
    "out_of_area": "Placed here by another authority",
}


def _with_dimension(episodes: QuerySet[Episode], name: str) -> Any:
    """The episodes annotated with `group`: the value of the dimension `name` (typed Any:
    the annotation is not a field the type checker knows)."""
    queryset: Any = episodes.annotate(start=_start_date())
    if name == "age":
        queryset = queryset.annotate(
            age=AgeInYears(_start_date(), F("child__date_of_birth"))
        ).annotate(group=_age_band())
    elif name == "gender":
        queryset = queryset.annotate(group=F("child__gender"))
    elif name == "ethnicity":
        queryset = queryset.annotate(group=Coalesce(F("child__ethnicity__label"), Value("")))
    elif name == "locality":
        queryset = queryset.annotate(group=_locality())
    elif name == "care":
        queryset = queryset.annotate(
            group=Case(When(in_care_at_start(), then=Value("in_care")), default=Value("at_home"))
        )
    elif name == "out_of_area":
        queryset = queryset.annotate(
            group=Case(When(placing_authority="", then=Value("no")), default=Value("yes"))
        )
    else:
        raise ValueError(name)
    return queryset


def _group_label(name: str, value: str) -> str:
    if name == "age":
        return dict(AGE_BANDS).get(value, value)
    if name == "gender":
        return dict(Gender.choices).get(value, value)
    if name == "care":
        return {"in_care": "In care", "at_home": "At home"}.get(value, value)
    if name == "out_of_area":
        return {"yes": "Placed out of area", "no": "Not placed out of area"}.get(value, value)
    return value or "Not recorded"


# --- Which episodes each figure counts ------------------------------------------------------


def started_in(period: Period, queryset: QuerySet[Episode] | None = None) -> QuerySet[Episode]:
    queryset = Episode.objects.all() if queryset is None else queryset
    return queryset.filter(last_seen_at__gte=period.start, last_seen_at__lt=period.end)


def returned_in(period: Period, queryset: QuerySet[Episode] | None = None) -> QuerySet[Episode]:
    queryset = Episode.objects.all() if queryset is None else queryset
    return queryset.filter(returned_at__gte=period.start, returned_at__lt=period.end)


# Offered when the first attempt was made; an interview recorded without an attempt logged
# (held or declined at the first contact) was offered when it was recorded.
OFFERED_IN_TIME = Q(interview__offered_at__lte=F("interview_due_at")) | Q(
    interview__offered_at__isnull=True,
    interview__completed_at__lte=F("interview_due_at"),
    interview__outcome__code__in=["offered_accepted", "offered_declined"],
)
COMPLETED = Q(interview__completed_at__isnull=False, interview__outcome__code="offered_accepted")
DECLINED = Q(interview__outcome__code="offered_declined")


def _repeat_children(period: Period, queryset: QuerySet[Episode]) -> QuerySet[Episode]:
    """Episodes that are at least the third of the child's within 90 days (counting only
    episodes that started in the period): the episode two before it began no more than 90
    days earlier."""
    lagged = started_in(period, queryset).annotate(
        two_before=Window(
            Lag("last_seen_at", REPEAT_IN_WINDOW - 1),
            partition_by=[F("child_id")],
            order_by=F("last_seen_at").asc(),
        )
    )
    return lagged.filter(
        two_before__isnull=False,
        two_before__gte=F("last_seen_at") - timedelta(days=REPEAT_WINDOW_DAYS),
    )


MEASURES = {
    "episodes": "Episodes that started in the period",
    "month": "Episodes that started in the month",
    "repeat_window": f"Children missing {REPEAT_IN_WINDOW} or more times within "
    f"{REPEAT_WINDOW_DAYS} days",
    "repeat_period": f"Children missing {REPEAT_IN_PERIOD} or more times in the period",
    "returned": "Returns in the period",
    "offered_in_time": "Return interviews offered within 72 hours",
    "completed": "Return interviews completed",
    "declined": "Return interviews declined",
    "delay": "Episodes with a reporting delay recorded",
    "group": "Episodes",
}


def children_for(
    user: Any, *, measure: str, period: Period, dimension: str = "", value: str = ""
) -> tuple[list[tuple[Person, int]], int, str] | None:
    """The children behind one figure that `user` may see, with their episodes counted, the
    number of children behind it they may not see, and the figure's title; None for an
    unknown measure."""
    everything = Episode.objects.all()
    title = MEASURES.get(measure)
    if title is None:
        return None
    episodes: QuerySet[Episode]
    if measure == "episodes":
        episodes = started_in(period, everything)
    elif measure == "month":
        try:
            month = date.fromisoformat(value + "-01")
        except ValueError:
            return None
        first = Period(month, (month + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        episodes = started_in(first, everything)
        title = f"{title} ({month:%B %Y})"
    elif measure in {"repeat_window", "repeat_period"}:
        if measure == "repeat_window":
            children = _repeat_children(period, everything).values("child_id")
        else:
            children = (
                started_in(period, everything)
                .order_by()
                .values("child_id")
                .annotate(n=Count("pk"))
                .filter(n__gte=REPEAT_IN_PERIOD)
                .values("child_id")
            )
        episodes = started_in(period, everything).filter(
            child_id__in=list(children.values_list("child_id", flat=True))
        )
    elif measure in {"returned", "offered_in_time", "completed", "declined"}:
        episodes = returned_in(period, everything)
        condition = {
            "returned": Q(),
            "offered_in_time": OFFERED_IN_TIME,
            "completed": COMPLETED,
            "declined": DECLINED,
        }[measure]
        episodes = episodes.filter(condition)
    elif measure == "delay":
        episodes = started_in(period, everything).filter(noticed_at__isnull=False)
    else:
        if dimension not in DIMENSIONS:
            return None
        episodes = _with_dimension(started_in(period, everything), dimension).filter(
            **{"group": value}
        )
        title = f"{DIMENSIONS[dimension]}: {_group_label(dimension, value)}"
    all_children = set(episodes.values_list("child_id", flat=True))
    seen = dict(
        visible_episodes(user, episodes)
        .order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .values_list("child_id", "n")
    )
    people = Person.objects.filter(pk__in=seen).order_by("family_name", "given_names", "pk")
    return [(p, seen[p.pk]) for p in people], len(all_children - set(seen)), title


# --- The figures ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Share:
    """A count out of a total, with its percentage (None when there is nothing to count)."""

    count: int
    total: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.count / self.total) if self.total else None


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    value: int
    children: int
    # Drawing: the bar's width out of the chart's plotting width, and its row.
    width: int = 0
    y: int = 0


@dataclass
class Chart:
    """A horizontal bar chart drawn in SVG on the server, with the same figures as a table."""

    key: str
    title: str
    bars: list[Bar]
    measure: str = "group"
    label_width: int = 200
    plot_width: int = 360
    row: int = 28
    drawn: list[Bar] = field(default_factory=list)

    def __post_init__(self) -> None:
        largest = max((bar.value for bar in self.bars), default=0)
        self.drawn = [
            Bar(
                key=bar.key,
                label=bar.label,
                value=bar.value,
                children=bar.children,
                width=round(self.plot_width * bar.value / largest) if largest else 0,
                y=index * self.row,
            )
            for index, bar in enumerate(self.bars)
        ]

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * self.row

    @property
    def width(self) -> int:
        return self.label_width + self.plot_width + 60

    @property
    def total(self) -> int:
        return sum(bar.value for bar in self.bars)


@dataclass(frozen=True)
class Figures:
    period: Period
    episodes: int
    children: int
    months: Chart
    repeat_window: int
    repeat_period: int
    returned: int
    offered_in_time: Share
    completed: Share
    declined: Share
    delay_episodes: int
    median_delay_seconds: float | None
    breakdowns: list[Chart]

    @property
    def median_delay(self) -> str:
        """The median as a person would say it: "1 hour 30 minutes", "45 minutes"."""
        if self.median_delay_seconds is None:
            return "Not recorded"
        minutes = round(self.median_delay_seconds / 60)
        hours, minutes = divmod(minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes or not hours:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)


def dashboard_figures(period: Period) -> Figures:
    """Every figure on the dashboard for the period, over the whole partnership. Eleven
    queries, each an aggregate."""
    started = started_in(period)
    totals = started.aggregate(
        episodes=Count("pk"),
        children=Count("child_id", distinct=True),
        delay_episodes=Count("pk", filter=Q(noticed_at__isnull=False)),
        median_delay=Median(
            ElapsedSeconds(F("reported_at"), F("noticed_at")), filter=Q(noticed_at__isnull=False)
        ),
    )
    by_month: dict[date, tuple[int, int]] = {
        month.date(): (n, children)
        for month, n, children in started.order_by()
        .annotate(month=TruncMonth("last_seen_at"))
        .values("month")
        .annotate(n=Count("pk"), children=Count("child_id", distinct=True))
        .values_list("month", "n", "children")
    }
    months = Chart(
        key="months",
        title="Episodes each month",
        measure="month",
        bars=[
            Bar(
                key=f"{month:%Y-%m}",
                label=f"{month:%b %Y}",
                value=by_month.get(month, (0, 0))[0],
                children=by_month.get(month, (0, 0))[1],
            )
            for month in period.months()
        ],
    )
    # Distinct children counted outside the windowed query (PostgreSQL filters on a window
    # only in an outer query, which Django writes for the filter but not for DISTINCT).
    repeat_window = Episode.objects.filter(
        pk__in=_repeat_children(period, Episode.objects.all()).values("pk")
    ).aggregate(n=Count("child_id", distinct=True))["n"]
    repeat_period = (
        started.order_by()
        .values("child_id")
        .annotate(n=Count("pk"))
        .filter(n__gte=REPEAT_IN_PERIOD)
        .count()
    )
    interviews = returned_in(period).aggregate(
        returned=Count("pk"),
        offered_in_time=Count("pk", filter=OFFERED_IN_TIME),
        completed=Count("pk", filter=COMPLETED),
        declined=Count("pk", filter=DECLINED),
    )
    breakdowns = []
    for name, title in DIMENSIONS.items():
        rows = (
            _with_dimension(started, name)
            .order_by()
            .values("group")
            .annotate(n=Count("pk"), children=Count("child_id", distinct=True))
        )
        found = {row["group"]: row for row in rows}
        if name == "age":
            keys = [key for key, _ in AGE_BANDS if key in found]
        else:
            keys = sorted(found, key=lambda k: (-found[k]["n"], _group_label(name, k)))
        breakdowns.append(
            Chart(
                key=name,
                title=title,
                bars=[
                    Bar(
                        key=key,
                        label=_group_label(name, key),
                        value=found[key]["n"],
                        children=found[key]["children"],
                    )
                    for key in keys
                ],
            )
        )
    returned = interviews["returned"]
    return Figures(
        period=period,
        episodes=totals["episodes"],
        children=totals["children"],
        months=months,
        repeat_window=repeat_window,
        repeat_period=repeat_period,
        returned=returned,
        offered_in_time=Share(interviews["offered_in_time"], returned),
        completed=Share(interviews["completed"], returned),
        declined=Share(interviews["declined"], returned),
        delay_episodes=totals["delay_episodes"],
        median_delay_seconds=totals["median_delay"],
        breakdowns=breakdowns,
    )
