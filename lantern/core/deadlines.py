"""Deadline arithmetic: the one place Lantern counts working days and working hours.

A working day is a weekday that is not a bank holiday of England and Wales (the two nations
share their bank holidays, substitute days and one-off holidays such as a state funeral; the
`holidays` package ships them, so this works offline). Working hours are
`settings.LANTERN_WORKING_HOURS` ("09:00-17:00" unless configured) in local time
(`settings.TIME_ZONE`, Europe/London): a working day is always its local opening to closing
hours, so the clock changes in March and October never add or lose working time.

Statutory and local timescales ("assessment within 45 working days") are data in the
`Timescale` table, read through `due_at` and `due_date` with a small cache, so a list page that
computes a deadline per row does not query per row. Local closure days are not modelled yet
(docs/decisions/0011-working-day-deadlines.md).
"""

from __future__ import annotations

import threading
import time as monotonic_time
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings
from django.utils import timezone

# --- Calendar -------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def bank_holidays(year: int) -> frozenset[date]:
    """The bank holidays of England and Wales in `year`, substitute days included."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in bank_holidays(day.year)


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(day: date, n: int) -> date:
    """The n-th working day after `day` (`day` itself is day 0 and need not be a working day)."""
    if n < 0:
        raise ValueError("n must not be negative")
    for _ in range(n):
        day = _next_working_day(day)
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    return sum(
        1
        for offset in range(1, (end - start).days + 1)
        if is_working_day(start + timedelta(offset))
    )


# --- Working hours ----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _parse_hours(value: str) -> tuple[time, time]:
    try:
        opening, closing = (time.fromisoformat(part.strip()) for part in value.split("-"))
    except ValueError as error:
        raise ValueError(
            f"LANTERN_WORKING_HOURS must look like 09:00-17:00, not {value!r}"
        ) from error
    if closing <= opening:
        raise ValueError("LANTERN_WORKING_HOURS must close after it opens")
    return opening, closing


def working_hours() -> tuple[time, time]:
    """Opening and closing time of a working day, local time."""
    return _parse_hours(settings.LANTERN_WORKING_HOURS)


def working_day_length() -> timedelta:
    opening, closing = working_hours()
    return datetime.combine(date.min, closing) - datetime.combine(date.min, opening)


def _zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("Deadlines need aware datetimes")
    return moment.astimezone(_zone())


def _at(day: date, when: time) -> datetime:
    # Opening and closing are never inside a clock change (01:00-02:00), so the local time
    # exists and is unambiguous; arithmetic within one working day is then wall-clock time.
    return datetime.combine(day, when, tzinfo=_zone())


def add_working_hours(moment: datetime, duration: timedelta) -> datetime:
    """`moment` plus `duration` of working time, in local time.

    Counting starts at the next opening when `moment` is outside working hours. A result that
    would fall exactly on an opening is the previous working day's closing instead (a deadline
    of "by close of play", never "first thing"). A zero duration returns `moment` unchanged.
    """
    if duration < timedelta(0):
        raise ValueError("duration must not be negative")
    moment = _local(moment)
    if not duration:
        return moment
    opening, closing = working_hours()
    day = moment.date()
    if not is_working_day(day) or moment.time() >= closing:
        day = _next_working_day(day)
        current = _at(day, opening)
    else:
        current = max(moment, _at(day, opening))
    remaining = duration
    while True:
        available = _at(day, closing) - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        day = _next_working_day(day)
        current = _at(day, opening)


def working_time_between(start: datetime, end: datetime) -> timedelta:
    """Working time from `start` to `end` (zero when `end` is not after `start`)."""
    start, end = _local(start), _local(end)
    if end <= start:
        return timedelta(0)
    opening, closing = working_hours()
    total = timedelta(0)
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            begin = max(start, _at(day, opening))
            finish = min(end, _at(day, closing))
            if finish > begin:
                total += finish - begin
        day += timedelta(days=1)
    return total


# --- Timescales (data in the Timescale table) --------------------------------------------------

Unit = Literal["working_hours", "working_days", "hours", "calendar_days"]

# Other processes see a change within this many seconds; the process that saved it at once.
CACHE_SECONDS = 60
_cache_lock = threading.Lock()
_cache: tuple[float, dict[str, tuple[int, str]]] | None = None


def clear_timescale_cache() -> None:
    global _cache  # noqa: PLW0603 - the module-level cache the docstring describes
    with _cache_lock:
        _cache = None


def timescale(key: str) -> tuple[int, str]:
    """(amount, unit) of a configured timescale: one query per process per minute at most."""
    global _cache  # noqa: PLW0603
    with _cache_lock:
        now = monotonic_time.monotonic()
        if _cache is None or now - _cache[0] > CACHE_SECONDS:
            from lantern.core.models import Timescale  # noqa: PLC0415 - models need the app registry

            _cache = (
                now,
                {
                    t.key: (t.amount, t.unit)
                    for t in Timescale.objects.only("key", "amount", "unit")
                },
            )
        table = _cache[1]
    try:
        return table[key]
    except KeyError:
        raise LookupError(f"No timescale {key!r} is configured") from None


def due_at(start: datetime, key: str) -> datetime:
    """When a timescale that started at `start` runs out (local time)."""
    amount, unit = timescale(key)
    if unit == "working_hours":
        return add_working_hours(start, timedelta(hours=amount))
    if unit == "working_days":
        return add_working_hours(start, amount * working_day_length())
    if unit == "hours":
        return (start.astimezone(UTC) + timedelta(hours=amount)).astimezone(_zone())
    if unit == "calendar_days":
        local = _local(start)
        return datetime.combine(local.date() + timedelta(days=amount), local.time(), _zone())
    raise ValueError(f"Unknown unit {unit!r}")


def due_date(start: date, key: str) -> date:
    """The date a day-based timescale that started on `start` runs out."""
    amount, unit = timescale(key)
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "calendar_days":
        return start + timedelta(days=amount)
    raise ValueError(f"Timescale {key!r} is in {unit}: use due_at with a time")


# --- How a deadline reads on a page -------------------------------------------------------------

DUE_SOON = timedelta(hours=1)  # of working time


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def describe_working_time(duration: timedelta) -> str:
    """'2 working days and 3 hours', '3 working hours', '3 working hours and 20 minutes',
    '20 working minutes'."""
    minutes_total = int(duration.total_seconds() // 60)
    day_minutes = int(working_day_length().total_seconds() // 60)
    days, rest = divmod(minutes_total, day_minutes)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [(count, word) for count, word in parts if count][:2] or [(0, "minute")]
    first = f"{shown[0][0]} working {shown[0][1]}{'' if shown[0][0] == 1 else 's'}"
    return first + "".join(f" and {_plural(c, w)}" for c, w in shown[1:])


def describe_elapsed(duration: timedelta) -> str:
    """'2 days and 3 hours', '5 hours and 20 minutes', '20 minutes': real time, every hour of
    the day counted."""
    minutes_total = int(abs(duration).total_seconds() // 60)
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    shown = [(count, word) for count, word in parts if count][:2] or [(0, "minute")]
    return " and ".join(_plural(c, w) for c, w in shown)


def format_moment(moment: datetime, *, today: date | None = None) -> str:
    """'Mon 30 Nov, 15:00' (with the year when it is not this year's)."""
    local = _local(moment)
    year = "" if today is not None and local.year == today.year else f" {local.year}"
    return f"{local:%a} {local.day} {local:%b}{year}, {local:%H:%M}"


@dataclass(frozen=True)
class Clock:
    """Where a deadline stands: "overdue", "due_soon" (within one working hour) or "on_time".

    `remaining` is working time, negative when overdue.
    """

    state: Literal["overdue", "due_soon", "on_time"]
    due: datetime
    remaining: timedelta
    label: str


def clock(due: datetime, now: datetime | None = None) -> Clock:
    now = _local(now or timezone.now())
    if now > due:
        late = working_time_between(due, now)
        label = (
            f"Overdue by {describe_working_time(late)}"
            if late >= timedelta(minutes=1)
            else f"Overdue since {format_moment(due, today=now.date())}"
        )
        return Clock("overdue", due, -late, label)
    left = working_time_between(now, due)
    if left < timedelta(minutes=1):
        return Clock("due_soon", due, left, "Due now")
    if left <= DUE_SOON:
        return Clock("due_soon", due, left, f"Due in {describe_working_time(left)}")
    if left < working_day_length():
        return Clock("on_time", due, left, f"Due in {describe_working_time(left)}")
    return Clock("on_time", due, left, f"Due {format_moment(due, today=now.date())}")


def elapsed_clock(due: datetime, now: datetime | None = None) -> Clock:
    """A deadline in real hours (the 72-hour return interview): how long is left or how late
    it is, in elapsed time, measured in UTC so a clock change neither adds nor loses an hour.
    "Due soon" within the last 12 hours."""
    now = now or timezone.now()
    left = due.astimezone(UTC) - now.astimezone(UTC)
    if left < timedelta(0):
        if -left < timedelta(minutes=1):
            return Clock("overdue", due, left, f"Overdue since {format_moment(due)}")
        return Clock("overdue", due, left, f"Overdue by {describe_elapsed(left)}")
    if left < timedelta(minutes=1):
        return Clock("due_soon", due, left, "Due now")
    state: Literal["due_soon", "on_time"] = "due_soon" if left <= ELAPSED_DUE_SOON else "on_time"
    return Clock(state, due, left, f"{describe_elapsed(left)} left")


ELAPSED_DUE_SOON = timedelta(hours=12)
