"""Reporting, grading, the return and its 72-hour clock, and closing: the refusals that keep
the record consistent (DfE rules 567, 574 and 586) and the trail each step leaves."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from lantern.access.models import AuditEvent
from lantern.chronology.models import ChronologyEntry
from lantern.core.models import Code
from lantern.missing.models import Episode, EpisodeStatus, RiskGrading
from lantern.missing.services import (
    episode_close,
    episode_grade,
    episode_record_return,
    episode_report,
    interview_complete,
)
from lantern.people.models import VoiceEntry
from tests.access.factories import person
from tests.missing.factories import (
    LONDON,
    at,
    frozen,
    grade,
    in_care,
    missing_type,
    outcome,
    report,
    returned,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("police_officer")


@pytest.fixture
def child() -> Any:
    return person(given_names="Rowan", family_name="Ashby", date_of_birth=date(2011, 5, 4))


def test_the_return_interview_is_due_72_real_hours_after_a_friday_evening_return(
    officer: Any, child: Any
) -> None:
    episode = report(officer, child, last_seen=at(2026, 11, 20, 9, 0))
    episode = returned(officer, episode, at=at(2026, 11, 20, 18, 0))
    # Elapsed hours, not working hours: the weekend counts.
    assert episode.interview_due_at == at(2026, 11, 23, 18, 0)
    assert episode.status == EpisodeStatus.RETURNED
    assert episode.reference.startswith("MIS-2026-")


def test_the_72_hours_are_elapsed_hours_across_the_october_clock_change(
    officer: Any, child: Any
) -> None:
    episode = report(officer, child, last_seen=at(2026, 10, 24, 8, 0))
    back = at(2026, 10, 24, 12, 0)  # Saturday, BST (UTC+1)
    episode = returned(officer, episode, at=back)
    due = episode.interview_due_at.astimezone(LONDON)
    # The clocks go back at 02:00 on Sunday 25 October: 72 elapsed hours end at 11:00 GMT on
    # Tuesday, an hour earlier on the wall clock than the return.
    assert (due.year, due.month, due.day, due.hour, due.minute) == (2026, 10, 27, 11, 0)
    assert due.utcoffset() == timedelta(0)
    # Elapsed time is measured in UTC: Python subtracts two London times by the wall clock.
    assert episode.interview_due_at.astimezone(UTC) - back.astimezone(UTC) == timedelta(hours=72)
    assert episode.interview_due_at - back == timedelta(hours=71)  # the wall clock's view


def test_a_return_before_the_report_or_last_seen_is_refused(officer: Any, child: Any) -> None:
    episode = report(
        officer, child, last_seen=at(2026, 11, 2, 20, 0), reported=at(2026, 11, 2, 23, 0)
    )
    with frozen(at(2026, 11, 5, 12, 0)), pytest.raises(ValidationError) as refused:
        episode_record_return(
            request=None,
            actor=officer,
            episode=episode,
            returned_at=at(2026, 11, 2, 22, 0),
            found_where="Home",
        )
    assert refused.value.message_dict["returned_at"] == [
        "The return cannot be before the young person was last seen or reported missing."
    ]
    episode.refresh_from_db()
    assert episode.returned_at is None
    assert episode.status == EpisodeStatus.REPORTED


def test_a_new_episode_while_one_is_open_is_refused(officer: Any, child: Any) -> None:
    first = report(officer, child, last_seen=at(2026, 11, 1, 20, 0))
    with pytest.raises(ValidationError) as refused:
        report(officer, child, last_seen=at(2026, 11, 3, 20, 0))
    message = refused.value.message_dict["last_seen_at"][0]
    assert "Rowan" in message
    assert "still recorded as missing since 1 November 2026 20:00" in message
    assert first.reference in message
    assert Episode.objects.filter(child=child).count() == 1


def test_the_database_holds_one_open_episode_per_child(officer: Any, child: Any) -> None:
    first = report(officer, child, last_seen=at(2026, 11, 1, 20, 0))
    second = Episode(
        child=child,
        reported_at=at(2026, 11, 4, 20, 0),
        reported_by=officer,
        last_seen_at=at(2026, 11, 4, 19, 0),
        missing_from="home",
        police_risk_grade=first.police_risk_grade,
    )
    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "This child already has an open missing episode." in str(refused.value)


def test_an_episode_overlapping_an_earlier_one_is_refused_and_one_after_it_is_not(
    officer: Any, child: Any
) -> None:
    first = report(officer, child, last_seen=at(2026, 11, 1, 20, 0))
    returned(officer, first, at=at(2026, 11, 3, 10, 0))
    with pytest.raises(ValidationError) as refused:
        report(officer, child, last_seen=at(2026, 11, 2, 8, 0), reported=at(2026, 11, 4, 9, 0))
    assert refused.value.message_dict["last_seen_at"] == [
        f"This overlaps episode {first.reference} (missing from 1 November 2026 20:00 until "
        "3 November 2026 10:00): a new episode must start after the previous return."
    ]
    later = report(officer, child, last_seen=at(2026, 11, 3, 10, 0))
    assert later.reference != first.reference


def test_an_episode_before_the_child_was_born_is_refused(officer: Any) -> None:
    baby = person(given_names="Ellis", date_of_birth=date(2026, 6, 1))
    with pytest.raises(ValidationError) as refused:
        report(officer, baby, last_seen=at(2026, 5, 20, 20, 0))
    assert refused.value.message_dict["last_seen_at"] == [
        "The time last seen is before the young person was born: check the date."
    ]


def test_a_time_in_the_future_is_refused(officer: Any, child: Any) -> None:
    with frozen(at(2026, 11, 2, 12, 0)), pytest.raises(ValidationError) as refused:
        episode_report(
            request=None,
            actor=officer,
            child=child,
            reported_at=at(2026, 11, 2, 18, 0),
            last_seen_at=at(2026, 11, 2, 11, 0),
            missing_from="home",
            risk_grade=grade("low"),
            grading_sources="Carer",
        )
    assert refused.value.message_dict["reported_at"] == [
        "The time it was reported cannot be in the future."
    ]


def test_the_legacy_absent_grade_is_not_offered_for_new_grading(officer: Any, child: Any) -> None:
    current = Code.objects.in_list("missing_risk_grade").current()
    assert list(current.values_list("code", flat=True)) == ["very_low", "low", "medium", "high"]
    with pytest.raises(ValidationError) as refused:
        report(officer, child, last_seen=at(2026, 11, 1, 20, 0), risk="no_apparent_risk_absent")
    assert "Choose a current risk grade" in str(refused.value)


def test_the_missing_or_away_type_is_for_children_in_care(officer: Any, child: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        report(officer, child, last_seen=at(2026, 11, 1, 20, 0), ssda903_type=missing_type("M"))
    assert refused.value.message_dict["ssda903_type"] == [
        "Missing or away is recorded only for a child in care."
    ]
    in_care(child, officer)
    with pytest.raises(ValidationError) as refused:
        report(officer, child, last_seen=at(2026, 11, 1, 20, 0), missing_from="placement")
    assert "is in care" in refused.value.message_dict["ssda903_type"][0]
    episode = report(
        officer,
        child,
        last_seen=at(2026, 11, 1, 20, 0),
        missing_from="placement",
        ssda903_type=missing_type("A"),
    )
    assert episode.ssda903_type.code == "A"


def test_the_grade_history_keeps_every_grade_with_its_sources(officer: Any, child: Any) -> None:
    episode = report(officer, child, last_seen=at(2026, 11, 1, 20, 0), risk="low")
    with frozen(at(2026, 11, 2, 9, 0)):
        episode_grade(
            request=None,
            actor=officer,
            episode=episode,
            grade=grade("high"),
            sources="School DSL (call 08:30): seen getting into a car with two adults; "
            "PNC check by the duty sergeant.",
        )
    history = list(RiskGrading.objects.filter(episode=episode).select_related("grade"))
    assert [(g.grade.code, g.graded_at) for g in history] == [
        ("low", at(2026, 11, 1, 21, 0)),
        ("high", at(2026, 11, 2, 9, 0)),
    ]
    assert history[0].sources == "Mother (phone call): not answering her phone since 21:00."
    assert "School DSL (call 08:30)" in history[1].sources
    episode.refresh_from_db()
    assert episode.police_risk_grade.code == "high"
    entry = ChronologyEntry.objects.get(person=child, summary__contains="Risk grade")
    assert entry.summary == f"Risk grade for {episode.reference} changed from low risk to high risk"
    assert entry.significance == "significant"
    with frozen(at(2026, 11, 2, 10, 0)), pytest.raises(ValidationError):
        episode_grade(request=None, actor=officer, episode=episode, grade=grade("low"), sources="")


def _interviewed(episode: Episode, worker: Any, when: Any) -> None:
    with frozen(when):
        interview_complete(
            request=None,
            actor=worker,
            episode=episode,
            outcome=outcome("offered_accepted"),
            where_went="A flat above the takeaway on Mill Road",
            with_whom="Two older boys she calls 'the olders'",
            child_words="I just needed to get away from the shouting.",
        )


def test_closing_needs_a_manager_the_return_and_an_oversight_comment(
    officer: Any, child: Any, make_user: Any
) -> None:
    coordinator = make_user("missing_coordinator")
    episode = report(officer, child, last_seen=at(2026, 11, 1, 20, 0))
    with pytest.raises(ValidationError, match="has not returned"):
        episode_close(request=None, actor=coordinator, episode=episode, oversight_comment="Ok")
    returned(officer, episode, at=at(2026, 11, 2, 10, 0))
    with pytest.raises(ValidationError, match="return interview's outcome"):
        episode_close(request=None, actor=coordinator, episode=episode, oversight_comment="Ok")
    _interviewed(episode, make_user("return_interview_worker"), at(2026, 11, 3, 15, 0))
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.INTERVIEW_DONE
    with pytest.raises(ValidationError) as refused:
        episode_close(request=None, actor=coordinator, episode=episode, oversight_comment="  ")
    assert refused.value.message_dict["oversight_comment"] == [
        "Write your oversight comment before closing the episode."
    ]
    with pytest.raises(ValidationError, match="Only a missing coordinator or a MASH manager"):
        episode_close(
            request=None, actor=officer, episode=episode, oversight_comment="Interview done."
        )
    with frozen(at(2026, 11, 4, 9, 0)):
        episode_close(
            request=None,
            actor=coordinator,
            episode=episode,
            oversight_comment="Interview done; strategy discussion requested for the flat.",
        )
    episode.refresh_from_db()
    assert episode.status == EpisodeStatus.CLOSED
    assert episode.closed_by == coordinator
    assert episode.closed_at == at(2026, 11, 4, 9, 0)


def test_each_step_writes_the_chronology_and_the_audit_trail(
    officer: Any, child: Any, make_user: Any
) -> None:
    episode = report(officer, child, last_seen=at(2026, 11, 1, 20, 0), circumstances="Left")
    returned(
        officer,
        episode,
        at=at(2026, 11, 2, 10, 0),
        injuries_or_disclosures="Bruise on left arm; said a man grabbed her.",
    )
    _interviewed(episode, make_user("return_interview_worker"), at(2026, 11, 3, 15, 0))
    with frozen(at(2026, 11, 4, 9, 0)):
        episode_close(
            request=None,
            actor=make_user("mash_manager"),
            episode=episode,
            oversight_comment="Reviewed.",
        )
    entries = list(
        ChronologyEntry.objects.filter(person=child, kind="missing").order_by("occurred_at")
    )
    ref = episode.reference
    assert [(e.summary, e.significance) for e in entries] == [
        (f"Reported missing from home ({ref}), medium risk", "significant"),
        (f"Returned ({ref}): found at Bus station, Fenbridge", "significant"),
        (f"Return interview for {ref}: offered and accepted", "routine"),
        (f"Missing episode {ref} closed after management oversight", "routine"),
    ]
    assert entries[0].occurred_at == at(2026, 11, 1, 20, 0)
    voice = VoiceEntry.objects.get(person=child)
    assert voice.said == "I just needed to get away from the shouting."
    actions = list(
        AuditEvent.objects.filter(object_id=str(episode.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "record.involvement_added",  # the reporter follows the episode
        "missing.reported",
        "missing.returned",
        "missing.interview_completed",
        "missing.closed",
    ]


def test_the_reporting_delay_is_derived(officer: Any, child: Any) -> None:
    episode = report(
        officer,
        child,
        last_seen=at(2026, 11, 1, 16, 0),
        reported=at(2026, 11, 1, 23, 30),
        noticed_at=at(2026, 11, 1, 21, 0),
    )
    assert episode.reporting_delay == timedelta(hours=2, minutes=30)
    with pytest.raises(ValidationError):
        report(
            officer,
            person(given_names="Kai"),
            last_seen=at(2026, 11, 1, 16, 0),
            reported=at(2026, 11, 1, 23, 30),
            noticed_at=at(2026, 11, 1, 15, 0),
        )
