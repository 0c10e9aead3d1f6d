"""Deadline arithmetic against the calendar of England and Wales, 2026-2027.

Dates checked by hand against the published bank holidays: Christmas Day 2026 is a Friday,
so Boxing Day (Saturday) is substituted on Monday 28 December; Easter 2027 is Good Friday 26
March and Easter Monday 29 March; the clocks go forward on 29 March 2026 and back on 25
October 2026.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.core import deadlines
from lantern.core.deadlines import (
    Clock,
    add_working_days,
    add_working_hours,
    bank_holidays,
    clock,
    due_at,
    due_date,
    is_working_day,
    working_days_between,
    working_time_between,
)

LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LONDON)


H = timedelta(hours=1)


# --- Calendar ---------------------------------------------------------------------------------


def test_christmas_2026_has_a_substitute_boxing_day() -> None:
    holidays_2026 = bank_holidays(2026)
    assert {date(2026, 12, 25), date(2026, 12, 28)} <= holidays_2026
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 12, 28))  # Boxing Day falls on a Saturday
    assert is_working_day(date(2026, 12, 29))
    assert not is_working_day(date(2027, 1, 1))


def test_easter_and_may_bank_holidays() -> None:
    for day in [
        date(2027, 3, 26),  # Good Friday
        date(2027, 3, 29),  # Easter Monday
        date(2026, 5, 4),  # Early May
        date(2026, 5, 25),  # Spring
        date(2027, 5, 3),
        date(2027, 5, 31),
    ]:
        assert not is_working_day(day), day
    assert is_working_day(date(2027, 3, 25))
    assert is_working_day(date(2027, 3, 30))


def test_friday_to_monday() -> None:
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)


def test_over_christmas_and_new_year() -> None:
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4


def test_over_easter_2027_and_the_may_weekends() -> None:
    assert add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
    assert add_working_days(date(2026, 5, 1), 1) == date(2026, 5, 5)
    assert add_working_days(date(2026, 5, 22), 1) == date(2026, 5, 26)
    assert add_working_days(date(2027, 5, 28), 1) == date(2027, 6, 1)


def test_zero_days_is_the_same_day_and_negative_is_refused() -> None:
    assert add_working_days(date(2026, 11, 28), 0) == date(2026, 11, 28)
    with pytest.raises(ValueError, match="negative"):
        add_working_days(date(2026, 11, 28), -1)


def test_working_days_between_is_symmetric() -> None:
    start, end = date(2026, 12, 18), date(2027, 1, 12)
    assert working_days_between(start, start) == 0
    assert working_days_between(start, end) == 14
    assert working_days_between(end, start) == -14


@pytest.mark.django_db
def test_assessment_45_working_days_across_christmas() -> None:
    # Referral on Monday 23 November 2026: Christmas Day, the substitute Boxing Day and New
    # Year's Day push the assessment three working days later than weekends alone would.
    assert due_date(date(2026, 11, 23), "assessment") == date(2027, 1, 28)


@pytest.mark.django_db
def test_initial_conference_15_working_days() -> None:
    assert due_date(date(2026, 12, 17), "icpc") == date(2027, 1, 12)


# --- Working hours ------------------------------------------------------------------------------


def test_friday_afternoon_referral_is_due_monday_afternoon() -> None:
    assert add_working_hours(at(2026, 11, 27, 15), 8 * H) == at(2026, 11, 30, 15)


def test_a_result_at_an_opening_is_the_previous_closing() -> None:
    assert add_working_hours(at(2026, 11, 27, 13), 4 * H) == at(2026, 11, 27, 17)
    assert add_working_hours(at(2026, 11, 30, 9), 8 * H) == at(2026, 11, 30, 17)


def test_received_on_a_saturday_or_late_at_night_starts_at_the_next_opening() -> None:
    assert add_working_hours(at(2026, 11, 28, 14), 2 * H) == at(2026, 11, 30, 11)
    assert add_working_hours(at(2026, 12, 1, 22), 2 * H) == at(2026, 12, 2, 11)
    assert add_working_hours(at(2026, 12, 2, 7, 30), 2 * H) == at(2026, 12, 2, 11)


def test_red_rating_over_christmas_eve() -> None:
    assert add_working_hours(at(2026, 12, 24, 15), 4 * H) == at(2026, 12, 29, 11)


def test_working_hours_across_the_spring_clock_change() -> None:
    start = at(2026, 3, 27, 15)  # Friday, GMT
    due = add_working_hours(start, 4 * H)
    assert due == at(2026, 3, 30, 11)  # Monday, BST
    assert due.utcoffset() == H
    assert due.astimezone(UTC).hour == 10
    assert working_time_between(start, due) == 4 * H


def test_working_hours_across_the_autumn_clock_change() -> None:
    start = at(2026, 10, 23, 16)  # Friday, BST
    due = add_working_hours(start, 2 * H)
    assert due == at(2026, 10, 26, 10)  # Monday, GMT
    assert due.utcoffset() == timedelta(0)
    assert working_time_between(start, due) == 2 * H
    # A whole working day on the Sunday of the change would still be 8 hours, not 7 or 9.
    assert working_time_between(at(2026, 10, 26, 0), at(2026, 10, 27, 0)) == 8 * H


def test_working_time_between() -> None:
    assert working_time_between(at(2026, 11, 27, 16), at(2026, 11, 30, 10)) == 2 * H
    assert working_time_between(at(2026, 11, 30, 10), at(2026, 11, 27, 16)) == timedelta(0)
    assert working_time_between(at(2026, 12, 24, 17), at(2026, 12, 29, 9)) == timedelta(0)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        add_working_hours(datetime(2026, 11, 27, 15), H)  # noqa: DTZ001


def test_working_hours_come_from_the_setting(settings: object) -> None:
    settings.LANTERN_WORKING_HOURS = "08:30-16:30"  # type: ignore[attr-defined]
    assert add_working_hours(at(2026, 11, 27, 16), H) == at(2026, 11, 30, 9)


# --- Configured timescales --------------------------------------------------------------------


@pytest.mark.django_db
def test_due_at_for_each_unit() -> None:
    friday = at(2026, 11, 27, 15)
    assert due_at(friday, "referral_decision") == at(2026, 11, 30, 15)
    assert due_at(friday, "rag_red") == at(2026, 11, 30, 11)
    assert due_at(friday, "rag_green") == at(2026, 12, 2, 15)
    assert due_at(at(2026, 11, 28, 14), "referral_decision") == at(2026, 11, 30, 17)
    with pytest.raises(ValueError, match="working_hours"):
        due_date(date(2026, 11, 27), "rag_red")
    with pytest.raises(LookupError):
        due_at(friday, "no_such_timescale")


@pytest.mark.django_db
def test_real_hours_and_calendar_days_across_the_clock_change() -> None:
    from lantern.core.models import Timescale

    Timescale.objects.create(key="real", label="Real", amount=24, unit="hours")
    Timescale.objects.create(key="days", label="Days", amount=2, unit="calendar_days")
    deadlines.clear_timescale_cache()
    saturday = at(2026, 3, 28, 12)
    assert due_at(saturday, "real") == at(2026, 3, 29, 13)  # 24 real hours; the clocks went on
    assert due_at(saturday, "days") == at(2026, 3, 30, 12)
    assert due_date(date(2026, 3, 28), "days") == date(2026, 3, 30)


@pytest.mark.django_db
def test_a_list_of_deadlines_reads_the_table_once(django_assert_num_queries: object) -> None:
    deadlines.clear_timescale_cache()
    with django_assert_num_queries(1):  # type: ignore[operator]
        for hour in range(9, 17):
            due_at(at(2026, 11, 27, hour), "rag_red")
            due_at(at(2026, 11, 27, hour), "assessment")


# --- Clock --------------------------------------------------------------------------------------


def test_clock_states_and_labels() -> None:
    due = at(2026, 11, 30, 15)
    on_time = clock(due, now=at(2026, 11, 27, 15))
    assert on_time == Clock("on_time", due, 8 * H, "Due Mon 30 Nov, 15:00")
    assert clock(due, now=at(2026, 11, 30, 13)).label == "Due in 2 working hours"
    soon = clock(due, now=at(2026, 11, 30, 14, 15))
    assert (soon.state, soon.label) == ("due_soon", "Due in 45 working minutes")
    late = clock(due, now=at(2026, 12, 1, 10))
    assert late.state == "overdue"
    assert late.remaining == -3 * H
    assert late.label == "Overdue by 3 working hours"
    assert clock(due, now=at(2026, 12, 3, 11, 30)).label == (
        "Overdue by 2 working days and 4 hours"
    )
    # Past the deadline but out of hours: no working time has been lost yet.
    evening = clock(at(2026, 11, 27, 17), now=at(2026, 11, 27, 18))
    assert (evening.state, evening.label) == ("overdue", "Overdue since Fri 27 Nov, 17:00")
    assert clock(at(2027, 1, 4, 9, 30), now=at(2026, 11, 27, 9)).label == (
        "Due Mon 4 Jan 2027, 09:30"
    )


# --- Properties ---------------------------------------------------------------------------------

days = st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 12, 31))
moments = st.datetimes(
    min_value=datetime(2025, 1, 1),  # noqa: DTZ001 - hypothesis takes naive bounds
    max_value=datetime(2029, 12, 31),  # noqa: DTZ001
    timezones=st.just(LONDON),
    allow_imaginary=False,
)
durations = st.integers(min_value=1, max_value=60 * 8 * 50).map(lambda m: timedelta(minutes=m))


@settings(max_examples=200, deadline=None)
@given(day=days, n=st.integers(min_value=0, max_value=80))
def test_counting_back_the_days_added(day: date, n: int) -> None:
    if not is_working_day(day):
        day = add_working_days(day, 1)
    later = add_working_days(day, n)
    assert working_days_between(day, later) == n
    assert working_days_between(later, day) == -n
    assert n == 0 or is_working_day(later)


@settings(max_examples=200, deadline=None)
@given(moment=moments, duration=durations)
def test_added_working_time_lands_in_hours_and_counts_back(
    moment: datetime, duration: timedelta
) -> None:
    due = add_working_hours(moment, duration)
    assert is_working_day(due.date())
    assert time(9) < due.time() <= time(17)
    assert due > moment
    assert working_time_between(moment, due) == duration


@settings(max_examples=200, deadline=None)
@given(moment=moments, first=durations, second=durations)
def test_more_working_time_is_never_earlier(
    moment: datetime, first: timedelta, second: timedelta
) -> None:
    shorter, longer = sorted([first, second])
    assert add_working_hours(moment, shorter) <= add_working_hours(moment, longer)
