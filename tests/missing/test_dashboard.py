"""The missing dashboard: its figures from a known set of episodes (percentages with their
counts, the median reporting delay in elapsed time across the clock change, the breakdowns),
its fixed number of queries, the charts, and the children behind each figure for those who
may see them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.missing.dashboard import (
    Period,
    children_for,
    dashboard_figures,
    figures_from,
    kept_figures,
    recount,
    stamp,
)
from lantern.missing.models import DashboardCount
from lantern.missing.services import interview_attempt_log, interview_complete
from lantern.people.models import Address
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.missing.factories import at, frozen, in_care, missing_type, outcome, report, returned

pytestmark = pytest.mark.django_db

PERIOD = Period(date(2025, 10, 1), date(2026, 3, 31))
QUERY = "since=2025-10-01&until=2026-03-31"
HTML_QUERY = QUERY.replace("&", "&amp;")


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("police_officer")


@pytest.fixture
def world(officer: Any, make_user: Any) -> dict[str, Any]:
    worker = make_user("return_interview_worker")
    # Ash: in care, placed here by another authority, missing three times within 90 days.
    ash = person(given_names="Ash", family_name="Ashby", date_of_birth=date(2011, 5, 4))
    ash.gender = "female"
    ash.save()
    in_care(ash, officer)
    ash_episodes = []
    for day, delay in ((1, 30), (20, 120), (40, 240)):
        seen = at(2025, 11, 1, 20, 0) + timedelta(days=day - 1)
        episode = report(
            officer,
            ash,
            last_seen=seen,
            reported=seen + timedelta(minutes=delay),
            noticed_at=seen,
            missing_from="placement",
            placing_authority="Northshire County Council",
            ssda903_type=missing_type("M"),
        )
        ash_episodes.append(returned(officer, episode, at=seen + timedelta(hours=12)))
    first, second, _third = ash_episodes
    # The first: interviewed the next day (offered within 72 hours, completed).
    with frozen(first.returned_at + timedelta(days=1)):
        interview_complete(
            request=None, actor=worker, episode=first, outcome=outcome("offered_accepted")
        )
    # The second: first offered after 80 hours, then declined.
    late = second.returned_at + timedelta(hours=80)
    with frozen(late):
        interview_attempt_log(
            request=None,
            actor=worker,
            episode=second,
            attempted_at=late,
            method="phone",
            note="Spoke to her; she did not want to meet.",
        )
        interview_complete(
            request=None,
            actor=worker,
            episode=second,
            outcome=outcome("offered_declined"),
            carer_information="Foster carer: she stayed with a friend.",
        )
    # Bo: at home; noticed missing at 01:30 BST on the night the clocks went back and
    # reported at 01:30 GMT: no time on the wall clock, an hour in fact.
    bo = person(given_names="Bo", family_name="Brook", date_of_birth=date(2014, 1, 1))
    bo.gender = "male"
    bo.save()
    Address.objects.create(
        person=bo, line1="1 Mill Road", postcode="FB4 2QX", valid_from=date(2020, 1, 1)
    )
    noticed = datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    reported = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)
    assert noticed.astimezone(at(2025, 1, 1).tzinfo).hour == 1
    assert reported.astimezone(at(2025, 1, 1).tzinfo).hour == 1
    bo_episode = report(
        officer,
        bo,
        last_seen=datetime(2025, 10, 25, 22, 0, tzinfo=UTC),
        reported=reported,
        noticed_at=noticed,
    )
    bo_episode = returned(officer, bo_episode, at=at(2025, 10, 26, 10, 0))
    with frozen(at(2025, 10, 26, 15, 0)):
        interview_attempt_log(
            request=None,
            actor=worker,
            episode=bo_episode,
            attempted_at=at(2025, 10, 26, 15, 0),
            method="in_person",
            note="Visited at home.",
        )
    with frozen(at(2025, 10, 27, 15, 0)):
        interview_complete(
            request=None, actor=worker, episode=bo_episode, outcome=outcome("offered_accepted")
        )
    # Cy: at home, date of birth not known, missing every week for five weeks.
    cy = person(given_names="Cy", family_name="Carter")
    for week in range(5):
        seen = at(2026, 1, 5, 21, 0) + timedelta(weeks=week)
        returned(officer, report(officer, cy, last_seen=seen), at=seen + timedelta(hours=6))
    # Outside the period: not counted anywhere.
    dee = person(given_names="Dee", family_name="Dunn")
    returned(
        officer, report(officer, dee, last_seen=at(2026, 4, 2, 20, 0)), at=at(2026, 4, 3, 8, 0)
    )
    return {"ash": ash, "bo": bo, "cy": cy, "dee": dee}


def test_the_figures_from_known_episodes(world: dict[str, Any]) -> None:
    figures = dashboard_figures(PERIOD)
    assert (figures.episodes, figures.children) == (9, 3)
    assert [(bar.label, bar.value, bar.children) for bar in figures.months.bars] == [
        ("Oct 2025", 1, 1),
        ("Nov 2025", 2, 1),
        ("Dec 2025", 1, 1),
        ("Jan 2026", 4, 1),
        ("Feb 2026", 1, 1),
        ("Mar 2026", 0, 0),
    ]
    assert figures.repeat_window == 2  # Ash and Cy
    assert figures.repeat_period == 1  # Cy
    assert figures.returned == 9
    assert (figures.offered_in_time.count, figures.offered_in_time.percent) == (2, 22)
    assert (figures.completed.count, figures.completed.percent) == (2, 22)
    assert (figures.declined.count, figures.declined.total, figures.declined.percent) == (1, 9, 11)


def test_the_median_reporting_delay_is_elapsed_time_across_the_clock_change(
    world: dict[str, Any],
) -> None:
    figures = dashboard_figures(PERIOD)
    # Delays of 30 minutes, 1 hour (Bo's, across the clock change), 2 hours and 4 hours: the
    # median is halfway between 1 and 2 hours. By the wall clock Bo's would be nothing and
    # the median 75 minutes.
    assert figures.delay_episodes == 4
    assert figures.median_delay_seconds == 90 * 60
    assert figures.median_delay == "1 hour 30 minutes"


def test_the_breakdowns(world: dict[str, Any]) -> None:
    charts = {chart.key: chart for chart in dashboard_figures(PERIOD).breakdowns}

    def bars(key: str) -> list[tuple[str, int]]:
        return [(bar.label, bar.value) for bar in charts[key].bars]

    assert bars("age") == [("10 to 12", 1), ("13 to 15", 3), ("Age not known", 5)]
    assert bars("gender") == [("Not known", 5), ("Female", 3), ("Male", 1)]
    assert bars("ethnicity") == [("Not recorded", 9)]
    assert bars("locality") == [("Not recorded", 8), ("FB4", 1)]
    assert bars("care") == [("At home", 6), ("In care", 3)]
    assert bars("out_of_area") == [("Not placed out of area", 6), ("Placed out of area", 3)]


def test_an_age_band_begins_on_the_uk_birthday(officer: Any, make_user: Any) -> None:
    """Whole years on the UK day the child was last seen: half an hour before midnight is the
    day before the birthday, also in summer time, when UK midnight is 23:00 UTC; a birthday on
    29 February comes on 1 March in other years. The bars and the lists behind them agree."""
    leap = person(given_names="Lee", family_name="Leap", date_of_birth=date(2012, 2, 29))
    summer = person(given_names="Sam", family_name="Summer", date_of_birth=date(2012, 6, 15))
    moments = {
        leap: [at(2022, 2, 28, 23, 30), at(2022, 3, 1, 0, 30)],
        summer: [at(2022, 6, 14, 23, 30), at(2022, 6, 15, 0, 15)],
    }
    assert moments[summer][1].astimezone(UTC).day == 14
    for child, seen_at in moments.items():
        for seen in seen_at:
            episode = report(officer, child, last_seen=seen, reported=seen + timedelta(minutes=10))
            returned(officer, episode, at=seen + timedelta(minutes=20))
    year = Period(date(2022, 1, 1), date(2022, 12, 31))
    (ages,) = [chart for chart in dashboard_figures(year).breakdowns if chart.key == "age"]
    assert [(bar.label, bar.value, bar.children) for bar in ages.bars] == [
        ("Under 10", 2, 2),
        ("10 to 12", 2, 2),
    ]
    reader = make_user("missing_coordinator")
    for bar in ages.bars:
        listed = children_for(reader, measure="group", period=year, dimension="age", value=bar.key)
        assert listed is not None
        assert sorted(child.given_names for child, n in listed[0]) == ["Lee", "Sam"]


def test_the_figures_cost_a_fixed_number_of_queries(
    world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # Four aggregates, and the breakdowns' memory setting in a transaction of their own (a
    # savepoint and its release inside the test's transaction).
    with django_assert_num_queries(7):
        dashboard_figures(PERIOD)
    with django_assert_num_queries(7):
        dashboard_figures(Period(date(2020, 1, 1), date(2026, 11, 1)))


def test_every_bar_lists_the_children_it_counts(world: dict[str, Any], make_user: Any) -> None:
    """The bars are counted in one SQL statement and the lists behind them by the ORM: each
    bar's children are exactly the ones its list shows (a reader who may see them all)."""
    reader = make_user("missing_coordinator")  # sees every episode in the partnership
    figures = dashboard_figures(PERIOD)
    for chart in [figures.months, *figures.breakdowns]:
        for bar in chart.bars:
            listed = children_for(
                reader,
                measure=chart.measure,
                period=PERIOD,
                dimension=chart.key,
                value=bar.key,
            )
            assert listed is not None, (chart.key, bar.key)
            children, hidden, _title = listed
            assert hidden == 0
            assert (len(children), sum(n for _, n in children)) == (bar.children, bar.value), (
                chart.key,
                bar.key,
            )


def test_kept_figures_read_back_as_they_were_counted(world: dict[str, Any]) -> None:
    counted = recount(PERIOD)
    kept = DashboardCount.objects.get(since=PERIOD.since, until=PERIOD.until)
    assert figures_from(kept, current=True) == counted
    assert kept.stamp == stamp()
    assert kept.seconds > 0


def test_the_first_reader_of_a_period_waits_for_its_count(world: dict[str, Any]) -> None:
    assert not DashboardCount.objects.exists()
    figures = kept_figures(PERIOD)
    assert figures.current
    assert figures.episodes == 9
    assert DashboardCount.objects.get().figures["episodes"] == 9


def test_every_reader_shares_the_kept_figures_until_something_changes(
    world: dict[str, Any], officer: Any, make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    first = kept_figures(PERIOD)
    with django_capture_on_commit_callbacks() as queued:
        again = kept_figures(PERIOD)
    assert (again.as_at, again.current) == (first.as_at, True)
    assert queued == []  # nothing to count
    # A new episode in the period: the dashboard is counted again in the background (the
    # immediate task backend counts when the report's transaction commits), so the next
    # reader finds it current.
    eve = person(given_names="Eve", family_name="Ellis")
    with django_capture_on_commit_callbacks(execute=True), frozen(at(2026, 3, 1, 12, 0)):
        report(officer, eve, last_seen=at(2026, 3, 1, 9, 0))
    counted = kept_figures(PERIOD)
    assert (counted.episodes, counted.current) == (first.episodes + 1, True)
    # A return interview recorded on an episode already counted: counted again too.
    third = world["ash"].missing_episodes.order_by("last_seen_at").last()
    with django_capture_on_commit_callbacks(execute=True):
        interview_attempt_log(
            request=None,
            actor=make_user("return_interview_worker"),
            episode=third,
            attempted_at=at(2025, 12, 11, 12, 0),
            method="phone",
            note="Rang first.",
        )
    assert kept_figures(PERIOD).as_at > counted.as_at


def test_out_of_date_figures_are_shown_marked_while_one_count_is_queued(
    world: dict[str, Any],
    officer: Any,
    make_user: Any,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    kept_figures(PERIOD)
    # The episode reported while the worker is busy: its count is queued, not yet run.
    with django_capture_on_commit_callbacks() as queued:
        report(officer, person(given_names="Eve"), last_seen=at(2026, 3, 1, 9, 0))
    assert len(queued) == 1
    sign_in(client, make_user("missing_coordinator"))
    # A minute after the report (the factory reports at the time it is given).
    with django_capture_on_commit_callbacks() as asked_again, frozen(at(2026, 3, 1, 10, 2)):
        page = client.get(f"/missing/dashboard/?{QUERY}").content.decode()
    assert asked_again == []  # one count is waiting already: readers do not queue more
    assert "being brought up to date" in page
    assert f'hx-get="/missing/dashboard/?{HTML_QUERY}" hx-trigger="every 2s"' in page
    assert "<title>Jan 2026: 4 episodes</title>" in page  # the figures as last counted
    # The page's poll gets the figures only, and stops polling once they are current.
    queued[0]()
    with frozen(at(2026, 3, 1, 10, 4)):
        poll = client.get(f"/missing/dashboard/?{QUERY}", headers={"HX-Request": "true"})
    assert poll.status_code == 200
    fragment = poll.content.decode()
    assert fragment.strip().startswith('<div id="dashboard-figures">')
    assert "<title>Mar 2026: 1 episode</title>" in fragment
    assert "hx-trigger" not in fragment


def test_figures_are_counted_again_after_five_minutes_even_with_no_change(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with frozen(at(2026, 4, 1, 9, 0)):
        first = kept_figures(PERIOD)
    with frozen(at(2026, 4, 1, 9, 4)):
        assert kept_figures(PERIOD).current
    with frozen(at(2026, 4, 1, 9, 6)), django_capture_on_commit_callbacks(execute=True) as ran:
        late = kept_figures(PERIOD)
    assert (late.current, late.as_at, len(ran)) == (False, first.as_at, 1)
    with frozen(at(2026, 4, 1, 9, 6, 5)):
        assert kept_figures(PERIOD).as_at == at(2026, 4, 1, 9, 6)


def test_an_older_count_does_not_replace_a_newer_one(world: dict[str, Any]) -> None:
    with frozen(at(2026, 4, 1, 9, 0)):
        recount(PERIOD)
    with frozen(at(2026, 4, 1, 8, 59)):  # began before the kept one (two counts at once)
        recount(PERIOD)
    assert DashboardCount.objects.get().counted_at == at(2026, 4, 1, 9, 0)


def test_the_page_draws_charts_with_tables_and_links(
    world: dict[str, Any], make_user: Any, client: Client
) -> None:
    sign_in(client, make_user("missing_coordinator"))
    response = client.get(f"/missing/dashboard/?{QUERY}")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('<svg class="lantern-chart__svg" role="img"') == 7
    assert "style=" not in page.split("<main", 1)[1]
    assert '<rect class="lantern-chart__bar" x="200" y="4" width="90" height="20">' in page
    assert "<title>Jan 2026: 4 episodes</title>" in page
    assert "1 hour 30 minutes" in page
    children = f'href="/missing/dashboard/children/?{HTML_QUERY}&amp;measure='
    assert f'{children}repeat_window">2</a>' in page
    assert f'{children}offered_in_time">2 of 9</a>' in page
    assert "&amp;measure=group&amp;dimension=care&amp;value=in_care" in page


def test_a_bad_period_falls_back_to_the_last_12_months_with_a_message(
    make_user: Any, client: Client
) -> None:
    sign_in(client, make_user("partnership_coordinator"))
    page = client.get("/missing/dashboard/?since=2026-05-01&until=2026-01-01").content.decode()
    assert "The start of the period must be on or before its end." in page


def test_who_may_see_the_dashboard(make_user: Any, client: Client) -> None:
    sign_in(client, make_user("panel_chair"))
    assert client.get("/missing/dashboard/").status_code == 200
    other = Client()
    sign_in(other, make_user("social_worker"))
    assert other.get("/missing/dashboard/").status_code == 403
    assert other.get(f"/missing/dashboard/children/?{QUERY}&measure=episodes").status_code == 403


def test_the_children_behind_a_figure_are_listed_and_audited(
    world: dict[str, Any], make_user: Any, client: Client
) -> None:
    coordinator = make_user("missing_coordinator")
    sign_in(client, coordinator)
    response = client.get(f"/missing/dashboard/children/?{QUERY}&measure=repeat_window")
    page = response.content.decode()
    assert "Children missing 3 or more times within 90 days" in page
    assert f'href="/people/{world["ash"].pk}/">Ash Ashby</a>' in page
    assert f'href="/people/{world["cy"].pk}/">Cy Carter</a>' in page
    assert "Bo Brook" not in page
    event = AuditEvent.objects.get(action="missing.dashboard_children_listed")
    assert event.actor == coordinator
    assert event.detail["measure"] == "repeat_window"
    assert sorted(event.detail["children"]) == sorted([str(world["ash"].pk), str(world["cy"].pk)])
    group = client.get(
        f"/missing/dashboard/children/?{QUERY}&measure=group&dimension=care&value=in_care"
    ).content.decode()
    assert "In care or at home: In care" in group
    assert "Ash Ashby" in group
    assert "Cy Carter" not in group
    assert client.get(f"/missing/dashboard/children/?{QUERY}&measure=nonsense").status_code == 404


def test_the_lists_show_only_the_children_the_reader_may_see(
    world: dict[str, Any], make_user: Any, client: Client
) -> None:
    reader = make_user("partnership_coordinator")
    sign_in(client, reader)
    page = client.get(
        f"/missing/dashboard/children/?{QUERY}&measure=repeat_window"
    ).content.decode()
    assert "Ash Ashby" not in page
    assert "Cy Carter" not in page
    assert "2 more young people are counted in this figure whose records you may not see" in page
    involve(world["ash"], user=reader)
    page = client.get(
        f"/missing/dashboard/children/?{QUERY}&measure=repeat_window"
    ).content.decode()
    assert "Ash Ashby" in page
    assert "Cy Carter" not in page
    assert "1 more young person is counted" in page


def test_the_scheduler_counts_the_last_12_months_before_anyone_asks(
    world: dict[str, Any],
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from lantern.core.tasks import PERIODIC

    assert PERIODIC["missing_dashboard_count"] == 5
    out = StringIO()
    with frozen(at(2026, 3, 31, 9, 0)):
        call_command("missing_dashboard_count", stdout=out)
        call_command("missing_dashboard_count", stdout=out)
    assert out.getvalue().splitlines() == [
        "Counted the figures from 2025-04-01 to 2026-03-31.",
        "The figures were current.",
    ]
    kept = DashboardCount.objects.get()
    assert (kept.since, kept.until, kept.figures["episodes"]) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        9,
    )
