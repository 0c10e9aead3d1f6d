"""The demo's year of missing episodes: true to life, and true to the services' rules.

The demo is generated once for the module (about a minute) inside a transaction that is
rolled back at the end, and each test reads it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from itertools import pairwise
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from lantern.chronology.models import ChronologyEntry
from lantern.demo.generator import Context, generate
from lantern.demo.missing import plan_episodes
from lantern.missing.models import Episode, InterviewProvider, ReturnInterview
from lantern.missing.services import looked_after_on

PASSWORD = "amber-heron-quartz-31"


class RollbackError(Exception):
    pass


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Context]:
    with django_db_blocker.unblock():
        try:
            with transaction.atomic():
                yield generate(password=PASSWORD)
                raise RollbackError
        except RollbackError:
            pass


pytestmark = pytest.mark.django_db


def test_a_year_of_episodes_in_every_state(demo: Context) -> None:
    episodes = Episode.objects.all()
    assert episodes.count() == demo.episodes
    assert 250 <= demo.episodes <= 450
    now = timezone.now()
    assert episodes.filter(last_seen_at__lt=now - timedelta(days=300)).exists()
    states = Counter(episodes.values_list("status", flat=True))
    assert states["reported"] >= 3  # still missing now
    assert states["returned"] >= 2  # waiting for their return interview
    assert states["interview_done"] >= 2  # waiting for a manager's oversight
    assert states["closed"] > 0.8 * demo.episodes
    # Someone missing for over a day, and an interview past its 72-hour clock.
    assert episodes.filter(status="reported", last_seen_at__lt=now - timedelta(hours=24)).exists()
    assert episodes.filter(status="returned", interview_due_at__lt=now).exists()
    # References carry on from the demo's numbers, one for each episode.
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in episodes.values_list("reference", flat=True))
    assert numbers == list(range(1, demo.episodes + 1))


def test_most_children_once_and_a_few_very_often(demo: Context) -> None:
    per_child = Counter(Episode.objects.values_list("child", flat=True))
    counts = list(per_child.values())
    once = sum(1 for c in counts if c == 1)
    assert once > 0.45 * len(counts)
    assert sum(1 for c in counts if c >= 10) >= 2
    # Some children meet "three episodes in ninety days".
    repeat = 0
    by_child: dict[Any, list[Any]] = {}
    for child, seen in Episode.objects.order_by("last_seen_at").values_list(
        "child", "last_seen_at"
    ):
        by_child.setdefault(child, []).append(seen)
    for times in by_child.values():
        if any(times[i + 2] - times[i] <= timedelta(days=90) for i in range(len(times) - 2)):
            repeat += 1
    assert repeat >= 5


def test_grades_times_and_places_look_real(demo: Context) -> None:
    episodes = Episode.objects.all()
    grades = Counter(episodes.values_list("police_risk_grade__code", flat=True))
    assert grades["low"] + grades["medium"] > 0.6 * demo.episodes
    assert 0 < grades["high"] < 0.25 * demo.episodes
    hours = Counter(
        timezone.localtime(e).hour for e in episodes.values_list("last_seen_at", flat=True)
    )
    evening = sum(n for h, n in hours.items() if h >= 16 or h < 2)
    assert evening > 0.5 * demo.episodes
    delays = [e.reporting_delay for e in episodes]
    assert sum(1 for d in delays if d and d < timedelta(hours=1)) > 0.5 * demo.episodes
    assert any(d and d > timedelta(hours=6) for d in delays)
    returned = episodes.exclude(returned_at=None)
    places = Counter(returned.values_list("found_where", flat=True))
    assert sum(n for _, n in places.most_common(5)) > 0.4 * returned.count()
    assert returned.filter(returned_with="An unknown adult male").exists()
    assert returned.filter(found_lat__isnull=False).count() > 0.7 * returned.count()
    # Children in care: SSDA903 missing or away, a few placed by another council.
    in_care = episodes.exclude(ssda903_type=None)
    types = Counter(in_care.values_list("ssda903_type__code", flat=True))
    assert types["M"] > types["A"] > 0
    assert episodes.exclude(placing_authority="").exists()


def test_return_interviews_mostly_on_time(demo: Context) -> None:
    assert set(InterviewProvider.objects.values_list("category", "agency")) == {
        ("missing_from_home", demo.agencies["charity_home"].pk),
        ("in_care", demo.agencies["charity_care"].pk),
    }
    done = ReturnInterview.objects.exclude(completed_at=None)
    outcomes = Counter(done.values_list("outcome__code", flat=True))
    assert outcomes["offered_accepted"] > 0.55 * done.count()
    assert outcomes["offered_declined"] > 0
    assert outcomes["not_offered_missing_again"] + outcomes["not_offered_no_contact"] > 0
    accepted = done.filter(outcome__code="offered_accepted")
    on_time = accepted.filter(completed_at__lte=F("episode__interview_due_at")).count()
    assert on_time > 0.7 * accepted.count()
    assert accepted.filter(completed_at__gt=F("episode__interview_due_at")).exists()
    assert not done.filter(outcome__code="offered_declined", carer_information="").exists()
    assert not accepted.filter(push_factors="").exists()
    # The interviewer works for the provider the child's category is routed to.
    assert not done.exclude(interviewer__agency=F("provider")).exists()


def test_every_episode_keeps_the_services_rules(demo: Context) -> None:
    episodes = Episode.objects.select_related("child")
    assert not episodes.filter(returned_at__lt=F("reported_at")).exists()
    assert not episodes.filter(noticed_at__gt=F("reported_at")).exists()
    by_child: dict[Any, list[Episode]] = {}
    for episode in episodes.order_by("last_seen_at"):
        by_child.setdefault(episode.child_id, []).append(episode)
    for child_episodes in by_child.values():
        for before, after in pairwise(child_episodes):
            assert before.returned_at is not None
            assert before.returned_at <= after.last_seen_at
    for episode in episodes.exclude(ssda903_type=None)[:40]:
        assert looked_after_on(episode.child, timezone.localtime(episode.last_seen_at).date())
    assert (
        not episodes.filter(status="closed")
        .filter(Q(interview__completed_at=None) | Q(closed_at__lt=F("interview__completed_at")))
        .exists()
    )
    assert not episodes.filter(returned_at__isnull=False, interview=None).exists()
    # Every episode is on the child's timeline; the newest went through the services.
    linked = ChronologyEntry.objects.filter(link_type="missing.episode")
    assert linked.values("link_id").distinct().count() == episodes.count()
    assert linked.values("link_id").annotate(n=Count("pk")).filter(n__gte=4).exists()


def test_the_same_seed_plans_the_same_episodes(demo: Context) -> None:
    now = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=now):
        first = plan_episodes(demo, target=330, bulk=False)
        second = plan_episodes(demo, target=330, bulk=False)
    assert len(first) == len(second) > 250
    assert [(p.child.id, p.last_seen, p.outcome, p.place) for p in first] == [
        (p.child.id, p.last_seen, p.outcome, p.place) for p in second
    ]
