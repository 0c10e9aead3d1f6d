"""The missing dashboard's figures, and the children behind each one.

The figures count every episode in the partnership: they name no one, and the board needs
the whole picture, not the part one reader's caseload shows. The lists of children behind a
figure are personal data, so they start from `visible_episodes` and show only the children
the reader may see (and say how many they cannot).

Every figure is an aggregate in SQL (no per-episode Python), so the page costs the same four
queries over a hundred episodes or a hundred thousand. Where the child lived and whether they
were in care are read from the episode, as the report recorded them for the day the child
was last seen (decision 0020), not looked up again for every episode."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import partial
from time import perf_counter
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Max,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.aggregates import Aggregate
from django.db.models.functions import Coalesce, Lag, TruncDate
from django.tasks import task
from django.utils import timezone

from lantern.core.models import Code
from lantern.missing.models import DashboardCount, Episode, ReturnInterview
from lantern.missing.selectors import visible_episodes
from lantern.people.models import Person
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


# name -> title
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
        queryset = queryset.annotate(group=F("locality"))
    elif name == "care":
        queryset = queryset.annotate(
            group=Case(
                When(ssda903_type__isnull=True, then=Value("at_home")), default=Value("in_care")
            )
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
    as_at: datetime = field(default_factory=timezone.now)
    # False while shown as last counted and being counted again (`kept_figures`).
    current: bool = True

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


# The breakdowns in one statement, which the ORM cannot write (GROUPING SETS, bit masks). It
# counts the period's episodes by every dimension, and the children behind each value, without
# holding a set of children for every value of every dimension:
# - `children`: each child with an episode in the period, with gender, ethnicity and the
#   moments (UK midnight) they turned 10, 13, 16 and 18, worked out once per child. A birthday
#   on 29 February falls on 1 March in other years, as PostgreSQL's age() counts, so the age
#   bands are those `_with_dimension` gives the lists of children behind each bar;
# - `facts`: each episode with its age band, locality, in care, placed out of area and month,
#   as small numbers where they can be (the age band is its index in AGE_BANDS);
# - `per_child`: each child once, with a bit set for every age band, care status, placement
#   and month their episodes fell in. Children per value are then counted from how many
#   children share each mask (a handful of masks), and `_breakdowns` spreads each mask's
#   children over its bits;
# - episodes per value are counted from `facts` directly, and children per locality (too many
#   values for a mask) from the distinct (child, locality) pairs.
# A test holds every bar to its list of children.
_BREAKDOWNS = """
WITH children AS MATERIALIZED (
    SELECT p.id,
           p.gender,
           COALESCE(code.label, '') AS ethnicity,
           p.date_of_birth IS NULL AS age_unknown,
           ((p.date_of_birth - 1 + interval '10 years')::date + 1)::timestamp
               AT TIME ZONE %(tz)s AS at_10,
           ((p.date_of_birth - 1 + interval '13 years')::date + 1)::timestamp
               AT TIME ZONE %(tz)s AS at_13,
           ((p.date_of_birth - 1 + interval '16 years')::date + 1)::timestamp
               AT TIME ZONE %(tz)s AS at_16,
           ((p.date_of_birth - 1 + interval '18 years')::date + 1)::timestamp
               AT TIME ZONE %(tz)s AS at_18
    FROM {person} p
    LEFT JOIN {code} code ON code.id = p.ethnicity_id
    WHERE p.id IN (
        SELECT child_id FROM {episode} WHERE last_seen_at >= %(start)s AND last_seen_at < %(end)s
    )
),
facts AS MATERIALIZED (
    SELECT e.child_id,
           c.gender,
           c.ethnicity,
           e.locality,
           CASE
               WHEN c.age_unknown THEN 5
               WHEN e.last_seen_at < c.at_10 THEN 0
               WHEN e.last_seen_at < c.at_13 THEN 1
               WHEN e.last_seen_at < c.at_16 THEN 2
               WHEN e.last_seen_at < c.at_18 THEN 3
               ELSE 4
           END AS age,
           (e.ssda903_type_id IS NOT NULL)::int AS care,
           (e.placing_authority <> '')::int AS placed,
           width_bucket(e.last_seen_at, %(months)s::timestamptz[]) AS month
    FROM {episode} e
    JOIN children c ON c.id = e.child_id
    WHERE e.last_seen_at >= %(start)s AND e.last_seen_at < %(end)s
),
per_child AS MATERIALIZED (
    SELECT COUNT(*) AS episodes,
           MIN(gender) AS gender,
           MIN(ethnicity) AS ethnicity,
           bit_or(1 << age) AS ages,
           bit_or(1 << care) AS cares,
           bit_or(1 << placed) AS placed,
           bit_or(1 << month) AS months
    FROM facts
    GROUP BY child_id
)
SELECT 'episodes',
       CASE
           WHEN GROUPING(age) = 0 THEN 'age'
           WHEN GROUPING(locality) = 0 THEN 'locality'
           WHEN GROUPING(care) = 0 THEN 'care'
           WHEN GROUPING(placed) = 0 THEN 'out_of_area'
           ELSE 'month'
       END,
       COALESCE(age::text, locality, care::text, placed::text, month::text),
       COUNT(*), 0, 0
FROM facts
GROUP BY GROUPING SETS ((age), (locality), (care), (placed), (month))
UNION ALL
SELECT 'children', 'locality', locality, COUNT(*), 0, 0
FROM (SELECT DISTINCT child_id, locality FROM facts) pairs
GROUP BY locality
UNION ALL
SELECT 'masks',
       CASE
           WHEN GROUPING(ages) = 0 THEN 'age'
           WHEN GROUPING(cares) = 0 THEN 'care'
           WHEN GROUPING(placed) = 0 THEN 'out_of_area'
           WHEN GROUPING(months) = 0 THEN 'month'
           WHEN GROUPING(gender) = 0 THEN 'gender'
           WHEN GROUPING(ethnicity) = 0 THEN 'ethnicity'
           ELSE ''
       END,
       COALESCE(ages::text, cares::text, placed::text, months::text, gender, ethnicity, ''),
       COUNT(*), SUM(episodes), COUNT(*) FILTER (WHERE episodes >= %(often)s)
FROM per_child
GROUP BY GROUPING SETS ((ages), (cares), (placed), (months), (gender), (ethnicity), ())
"""

# Children missing three times within 90 days, from one pass over the period's episodes in
# order: the episode two before each one, if it began no more than 90 days earlier.
_REPEATS = """
SELECT COUNT(DISTINCT child_id)
FROM (
    SELECT child_id,
           last_seen_at,
           LAG(last_seen_at, %(back)s) OVER (PARTITION BY child_id ORDER BY last_seen_at)
               AS two_before
    FROM {episode}
    WHERE last_seen_at >= %(start)s AND last_seen_at < %(end)s
) ordered
WHERE two_before >= last_seen_at - make_interval(days => %(window)s)
"""


# For the figures' transaction only.
_SETTINGS = "SELECT set_config('work_mem', '64MB', true), set_config('jit', 'off', true)"


@dataclass(frozen=True)
class _Counted:
    # dimension -> value -> (episodes, children)
    groups: dict[str, dict[str, tuple[int, int]]]
    episodes: int
    children: int
    often: int  # children missing REPEAT_IN_PERIOD or more times


# The values behind the small numbers `_BREAKDOWNS` counts by (a bit each in the masks).
_CODED: dict[str, list[str]] = {
    "age": [key for key, _ in AGE_BANDS],
    "care": ["at_home", "in_care"],
    "out_of_area": ["no", "yes"],
}


def _breakdowns(period: Period) -> _Counted:
    """The period's episodes and children, counted by month and by every dimension, and the
    children missing 5 or more times. Run inside `dashboard_figures`' settings (memory enough
    to hold the groups, no JIT compiling, which costs more than it saves here)."""
    months = period.months()
    zone = timezone.get_current_timezone()
    sql = _BREAKDOWNS.format(
        episode=Episode._meta.db_table, person=Person._meta.db_table, code=Code._meta.db_table
    )
    values = {**_CODED, "month": [f"{month:%Y-%m}" for month in months]}

    def value(dimension: str, found: str) -> str:
        return values[dimension][int(found)] if dimension in values else found

    episodes_by: dict[str, dict[str, int]] = defaultdict(dict)
    children_by: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    episodes = children = often = 0
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "tz": timezone.get_current_timezone_name(),
                "start": period.start,
                "end": period.end,
                # width_bucket: 0 before the second month began, 1 before the third, ...
                "months": [datetime.combine(month, time.min, tzinfo=zone) for month in months[1:]],
                "often": REPEAT_IN_PERIOD,
            },
        )
        for kind, dimension, found, count, total, repeated in cursor.fetchall():
            if kind == "episodes":
                episodes_by[dimension][value(dimension, found)] = count
            elif kind == "children":
                children_by[dimension][found] = count
            elif dimension == "":
                episodes, children, often = int(total or 0), count, repeated
            elif dimension in {"gender", "ethnicity"}:
                episodes_by[dimension][found] = int(total)
                children_by[dimension][found] = count
            else:  # a mask: its children count once for every value it holds
                mask = int(found)
                for bit in range(mask.bit_length()):
                    if mask >> bit & 1:
                        children_by[dimension][values[dimension][bit]] += count
    groups = {
        name: {key: (n, children_by[name][key]) for key, n in episodes_by[name].items()}
        for name in ["month", *DIMENSIONS]
    }
    return _Counted(groups, episodes, children, often)


def _repeat_window(period: Period) -> int:
    """Children missing 3 or more times within 90 days."""
    with connection.cursor() as cursor:
        cursor.execute(
            _REPEATS.format(episode=Episode._meta.db_table),
            {
                "back": REPEAT_IN_WINDOW - 1,
                "window": REPEAT_WINDOW_DAYS,
                "start": period.start,
                "end": period.end,
            },
        )
        (children,) = cursor.fetchone()
    return int(children)


def dashboard_figures(period: Period) -> Figures:
    """Every figure on the dashboard for the period, over the whole partnership, in four
    aggregate queries (the counts by every dimension, the median delay, the repeats within 90
    days, the return interviews), in one transaction with the settings they need."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SETTINGS)
        counted = _breakdowns(period)
        delays = started_in(period).aggregate(
            delay_episodes=Count("pk", filter=Q(noticed_at__isnull=False)),
            median_delay=Median(
                ElapsedSeconds(F("reported_at"), F("noticed_at")),
                filter=Q(noticed_at__isnull=False),
            ),
        )
        repeat_window = _repeat_window(period)
        interviews = returned_in(period).aggregate(
            returned=Count("pk"),
            offered_in_time=Count("pk", filter=OFFERED_IN_TIME),
            completed=Count("pk", filter=COMPLETED),
            declined=Count("pk", filter=DECLINED),
        )
    found = counted.groups
    by_month = found["month"]
    months = Chart(
        key="months",
        title="Episodes each month",
        measure="month",
        bars=[
            Bar(
                key=f"{month:%Y-%m}",
                label=f"{month:%b %Y}",
                value=by_month.get(f"{month:%Y-%m}", (0, 0))[0],
                children=by_month.get(f"{month:%Y-%m}", (0, 0))[1],
            )
            for month in period.months()
        ],
    )
    breakdowns = []
    for name, title in DIMENSIONS.items():
        groups = found[name]
        if name == "age":
            keys = [key for key, _ in AGE_BANDS if key in groups]
        else:
            keys = sorted(groups, key=lambda k: (-groups[k][0], _group_label(name, k)))
        breakdowns.append(
            Chart(
                key=name,
                title=title,
                bars=[
                    Bar(
                        key=key,
                        label=_group_label(name, key),
                        value=groups[key][0],
                        children=groups[key][1],
                    )
                    for key in keys
                ],
            )
        )
    returned = interviews["returned"]
    return Figures(
        period=period,
        episodes=counted.episodes,
        children=counted.children,
        months=months,
        repeat_window=repeat_window,
        repeat_period=counted.often,
        returned=returned,
        offered_in_time=Share(interviews["offered_in_time"], returned),
        completed=Share(interviews["completed"], returned),
        declined=Share(interviews["declined"], returned),
        delay_episodes=delays["delay_episodes"],
        median_delay_seconds=delays["median_delay"],
        breakdowns=breakdowns,
    )


#: How long figures may be shown before they are counted again, even when no episode or
#: interview has changed: this bounds what else can date them (a child's date of birth,
#: gender or ethnicity corrected on their record).
KEEP_FIGURES = timedelta(minutes=5)
#: Figures no one has read for this long are dropped; the next reader's period is counted
#: while they wait.
FORGET_FIGURES = timedelta(days=7)
#: After a change, figures counted this recently (so being read) are counted again at once; older
#: ones wait for their next reader.
RECOUNT_IN_USE = timedelta(hours=1)
#: A count asked for but not begun after this long (the worker was stopped) is asked for again.
COUNT_LOST_AFTER = timedelta(minutes=2)


def stamp() -> str:
    """What the episodes and return interviews look like, in two small queries: how many rows
    each table has (a new episode recorded with an earlier clock still counts, and so does one
    deleted) and when the latest change was made."""
    return "-".join(
        f"{found['rows']}:{found['latest'].timestamp() if found['latest'] else 0:.6f}"
        for found in (
            model.objects.aggregate(rows=Count("pk"), latest=Max("modified_at"))
            for model in (Episode, ReturnInterview)
        )
    )


def _chart_data(chart: Chart) -> dict[str, Any]:
    return {
        "key": chart.key,
        "title": chart.title,
        "measure": chart.measure,
        "bars": [[bar.key, bar.label, bar.value, bar.children] for bar in chart.bars],
    }


def _chart(data: dict[str, Any]) -> Chart:
    return Chart(
        key=data["key"],
        title=data["title"],
        measure=data["measure"],
        bars=[
            Bar(key=key, label=label, value=value, children=children)
            for key, label, value, children in data["bars"]
        ],
    )


def figures_data(figures: Figures) -> dict[str, Any]:
    """The figures as JSON for `DashboardCount.figures` (not a pickle: nothing read back from
    the database is ever run)."""
    return {
        "episodes": figures.episodes,
        "children": figures.children,
        "months": _chart_data(figures.months),
        "repeat_window": figures.repeat_window,
        "repeat_period": figures.repeat_period,
        "returned": figures.returned,
        "offered_in_time": figures.offered_in_time.count,
        "completed": figures.completed.count,
        "declined": figures.declined.count,
        "delay_episodes": figures.delay_episodes,
        "median_delay_seconds": figures.median_delay_seconds,
        "breakdowns": [_chart_data(chart) for chart in figures.breakdowns],
    }


def figures_from(kept: DashboardCount, *, current: bool) -> Figures:
    data = kept.figures
    returned = data["returned"]
    return Figures(
        period=Period(kept.since, kept.until),
        episodes=data["episodes"],
        children=data["children"],
        months=_chart(data["months"]),
        repeat_window=data["repeat_window"],
        repeat_period=data["repeat_period"],
        returned=returned,
        offered_in_time=Share(data["offered_in_time"], returned),
        completed=Share(data["completed"], returned),
        declined=Share(data["declined"], returned),
        delay_episodes=data["delay_episodes"],
        median_delay_seconds=data["median_delay_seconds"],
        breakdowns=[_chart(chart) for chart in data["breakdowns"]],
        as_at=kept.counted_at,
        current=current,
    )


# Keep a count unless one that began later is kept already (two counts of a period at once).
_KEEP = """
INSERT INTO {table} (since, until, stamp, figures, counted_at, seconds)
VALUES (%(since)s, %(until)s, %(stamp)s, %(figures)s::jsonb, %(counted_at)s, %(seconds)s)
ON CONFLICT (since, until) DO UPDATE
SET stamp = EXCLUDED.stamp,
    figures = EXCLUDED.figures,
    counted_at = EXCLUDED.counted_at,
    seconds = EXCLUDED.seconds
WHERE {table}.counted_at < EXCLUDED.counted_at
"""


def _kept(period: Period) -> DashboardCount | None:
    return DashboardCount.objects.filter(since=period.since, until=period.until).first()


def recount(period: Period) -> Figures:
    """Count the period's figures and keep them for every reader. A count that began earlier
    than the one kept (two run at once) does not overwrite it."""
    # From here a change asks for another count: this one may not see it.
    DashboardCount.objects.filter(since=period.since, until=period.until).update(wanted_at=None)
    began = timezone.now()
    started = perf_counter()
    now_stamp = stamp()
    figures = replace(dashboard_figures(period), as_at=began)
    with connection.cursor() as cursor:
        cursor.execute(
            _KEEP.format(table=DashboardCount._meta.db_table),
            {
                "since": period.since,
                "until": period.until,
                "stamp": now_stamp,
                "figures": json.dumps(figures_data(figures)),
                "counted_at": began,
                "seconds": perf_counter() - started,
            },
        )
    DashboardCount.objects.filter(counted_at__lt=began - FORGET_FIGURES).delete()
    return figures


@task()
def recount_dashboard(since: str, until: str) -> None:
    """The worker's count of one period's figures (`recount`)."""
    recount(Period(date.fromisoformat(since), date.fromisoformat(until)))


_ASK = """
UPDATE {table}
SET wanted_at = %(now)s
WHERE (wanted_at IS NULL OR wanted_at < %(lost)s)
  {period}
RETURNING since, until
"""


def _ask_for_counts(*, since: date | None = None, until: date | None = None) -> None:
    """Queue a count of the figures being read (or of one period) unless one is already
    waiting: a single UPDATE marks the periods asked for, so two readers or two changes at
    once queue one count between them, and the mark is cleared when the count begins (a change
    after that asks again). Queued when the transaction commits, so the worker counts what was
    committed."""
    now = timezone.now()
    if since is None:
        period = "AND counted_at >= %(in_use)s"
    else:
        period = "AND since = %(since)s AND until = %(until)s"
    with connection.cursor() as cursor:
        cursor.execute(
            _ASK.format(table=DashboardCount._meta.db_table, period=period),
            {
                "now": now,
                "in_use": now - RECOUNT_IN_USE,
                "lost": now - COUNT_LOST_AFTER,
                "since": since,
                "until": until,
            },
        )
        asked = cursor.fetchall()
    for first, last in asked:
        transaction.on_commit(
            partial(recount_dashboard.enqueue, first.isoformat(), last.isoformat())
        )


def figures_changed() -> None:
    """An episode or a return interview changed: count the figures in use again in the
    background, so the next reader finds them current."""
    _ask_for_counts()


def _current(kept: DashboardCount) -> bool:
    return kept.stamp == stamp() and kept.counted_at > timezone.now() - KEEP_FIGURES


def count_if_due(period: Period) -> bool:
    """Count the period now unless its kept figures are current; whether it counted. The
    scheduler's call for the last 12 months, so the day's first reader does not wait."""
    kept = _kept(period)
    if kept is not None and _current(kept):
        return False
    recount(period)
    return True


def kept_figures(period: Period) -> Figures:
    """The period's figures as last counted (decision 0022), the same for every reader and
    every process: a small read, however many episodes there are.

    When they are out of date (an episode or interview changed since, or they are older than
    `KEEP_FIGURES`), they are still shown, marked not `current`, and a count in the background
    is asked for; the page polls until it lands. A period no one has asked for yet is counted
    while its first reader waits."""
    kept = _kept(period)
    if kept is None:
        return recount(period)
    current = _current(kept)
    if not current:
        _ask_for_counts(since=period.since, until=period.until)
    return figures_from(kept, current=current)
