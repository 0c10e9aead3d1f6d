"""Routing the return interview, the provider's queue and its clock, the interview itself,
a child's earlier episodes, and episodes open too long."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.missing.models import ChildCategory, InterviewProvider, ReturnInterview
from lantern.missing.selectors import episodes_open_beyond, interview_queue, previous_episodes
from lantern.missing.services import interview_attempt_log, interview_complete
from lantern.people.models import Flag
from tests.access.factories import person
from tests.factories import AgencyFactory, TeamFactory
from tests.missing.factories import at, frozen, in_care, missing_type, outcome, report, returned

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("police_officer")


@pytest.fixture
def providers() -> dict[str, Any]:
    care = AgencyFactory(name="Harbour Children's Charity")
    home = AgencyFactory(name="Runaway Helpline Fenbridge")
    TeamFactory(agency=care, name="Return interviews")
    TeamFactory(agency=home, name="Return home interviews")
    InterviewProvider.objects.create(category=ChildCategory.IN_CARE, agency=care)
    InterviewProvider.objects.create(category=ChildCategory.MISSING_FROM_HOME, agency=home)
    return {"care": care, "home": home}


def test_the_interview_goes_to_the_provider_for_the_childs_category(
    officer: Any, providers: dict[str, Any]
) -> None:
    cared_for = person(given_names="Alex", date_of_birth=date(2010, 3, 1))
    in_care(cared_for, officer)
    at_home = person(given_names="Sam", date_of_birth=date(2010, 3, 1))
    placement = report(
        officer,
        cared_for,
        last_seen=at(2026, 11, 1, 20, 0),
        missing_from="placement",
        ssda903_type=missing_type("M"),
    )
    home = report(officer, at_home, last_seen=at(2026, 11, 1, 20, 0))
    returned(officer, placement, at=at(2026, 11, 2, 9, 0))
    returned(officer, home, at=at(2026, 11, 2, 9, 0))
    assert placement.interview_category == ChildCategory.IN_CARE
    assert ReturnInterview.objects.get(episode=placement).provider == providers["care"]
    assert home.interview_category == ChildCategory.MISSING_FROM_HOME
    assert ReturnInterview.objects.get(episode=home).provider == providers["home"]


def test_with_no_provider_configured_the_interview_waits_unrouted(officer: Any) -> None:
    episode = report(officer, person(), last_seen=at(2026, 11, 1, 20, 0))
    returned(officer, episode, at=at(2026, 11, 2, 9, 0))
    assert ReturnInterview.objects.get(episode=episode).provider is None


def test_the_queue_shows_the_overdue_first_and_leaves_out_completed_interviews(
    officer: Any, providers: dict[str, Any], make_user: Any
) -> None:
    children = [person(given_names=name) for name in ("Ada", "Bo", "Cy", "Di")]
    returns = [
        at(2026, 11, 20, 18, 0),  # due Mon 23rd 18:00
        at(2026, 11, 19, 9, 0),  # due Sun 22nd 09:00: overdue on Monday
        at(2026, 11, 21, 8, 0),  # due Tue 24th 08:00
        at(2026, 11, 18, 9, 0),  # interviewed: not in the queue
    ]
    episodes = []
    for child, back in zip(children, returns, strict=True):
        episode = report(officer, child, last_seen=back - timedelta(hours=10))
        episodes.append(returned(officer, episode, at=back))
    with frozen(at(2026, 11, 19, 15, 0)):
        interview_complete(
            request=None,
            actor=make_user("return_interview_worker"),
            episode=episodes[3],
            outcome=outcome("offered_accepted"),
        )
    # Someone else's provider: not in this queue.
    elsewhere = report(
        officer,
        in_care_child(officer),
        last_seen=at(2026, 11, 20, 1, 0),
        missing_from="placement",
        ssda903_type=missing_type("M"),
    )
    returned(officer, elsewhere, at=at(2026, 11, 20, 9, 0))
    monday = at(2026, 11, 23, 12, 0)
    worker = make_user("return_interview_worker", agency=providers["home"])
    worker.teams.add(providers["home"].teams.get())
    with frozen(monday):
        rows = interview_queue(worker, monday)
    assert [row.episode.child.given_names for row in rows] == ["Bo", "Ada", "Cy"]
    assert [row.clock.state for row in rows] == ["overdue", "due_soon", "on_time"]
    # Elapsed time, every hour counted (the weekend too): due Sun 09:00, now Mon 12:00.
    assert rows[0].clock.label == "Overdue by 1 day and 3 hours"
    assert rows[1].clock.label == "6 hours left"
    assert rows[1].clock.due == at(2026, 11, 23, 18, 0)
    # Another provider's worker sees none of them; the coordinator sees every provider's.
    other = make_user("return_interview_worker", agency=providers["care"])
    other.teams.add(providers["care"].teams.get())
    with frozen(monday):
        assert [r.episode.child.given_names for r in interview_queue(other, monday)] == ["Eve"]
        coordinator = make_user("missing_coordinator")
        assert len(interview_queue(coordinator, monday)) == 4


def in_care_child(actor: Any) -> Any:
    child = person(given_names="Eve")
    in_care(child, actor)
    return child


def test_attempts_are_kept_and_the_first_is_when_it_was_offered(
    officer: Any, make_user: Any
) -> None:
    worker = make_user("return_interview_worker")
    episode = returned(
        officer,
        report(officer, person(), last_seen=at(2026, 11, 1, 20, 0)),
        at=at(2026, 11, 2, 9, 0),
    )
    for moment, method in (
        (at(2026, 11, 2, 14, 0), "phone"),
        (at(2026, 11, 3, 10, 0), "in_person"),
    ):
        with frozen(moment):
            interview_attempt_log(
                request=None,
                actor=worker,
                episode=episode,
                attempted_at=moment,
                method=method,
                note="No answer" if method == "phone" else "Declined to talk",
            )
    interview = ReturnInterview.objects.get(episode=episode)
    assert interview.offered_at == at(2026, 11, 2, 14, 0)
    assert [a.note for a in interview.attempts.all()] == ["No answer", "Declined to talk"]
    with frozen(at(2026, 11, 3, 12, 0)), pytest.raises(ValidationError) as refused:
        interview_complete(
            request=None, actor=worker, episode=episode, outcome=outcome("offered_declined")
        )
    assert refused.value.message_dict["carer_information"] == [
        "The young person declined: record what their carers said, or why they could not be asked."
    ]
    with frozen(at(2026, 11, 3, 12, 0)):
        interview_complete(
            request=None,
            actor=worker,
            episode=episode,
            outcome=outcome("offered_declined"),
            carer_information="Foster carer: she came back by taxi, paid for by someone else.",
        )
    interview.refresh_from_db()
    assert interview.child_declined is True
    assert interview.outcome.label == "Offered and declined"


def test_previous_episodes_counts_places_companions_interview_and_flags(
    officer: Any, make_user: Any
) -> None:
    child = person(given_names="Jo", date_of_birth=date(2011, 1, 1))
    now = at(2026, 11, 27, 12, 0)
    for days, place, company in (
        (400, "Bus station, Fenbridge", "Alone"),
        (200, "Mill Road flats", "Two older boys"),
        (60, "Bus station, Fenbridge", "Two older boys"),
        (10, "Retail park car park", "A man in a grey car"),
    ):
        start = now - timedelta(days=days)
        episode = report(officer, child, last_seen=start)
        returned(
            officer,
            episode,
            at=start + timedelta(hours=20),
            returned_with=company,
            found_where=place,
        )
        last = episode
    with frozen(now - timedelta(days=8)):
        interview_complete(
            request=None,
            actor=make_user("return_interview_worker"),
            episode=last,
            outcome=outcome("offered_accepted"),
            pull_factors="Promised money and a phone",
        )
    Flag.objects.create(
        person=child,
        kind="criminal_exploitation",
        reason="Found with a phone not hers",
        owner=officer,
        review_due=date(2027, 1, 1),
    )
    Flag.objects.create(
        person=child,
        kind="missing_risk",
        reason="Old",
        owner=officer,
        review_due=date(2026, 1, 1),
        ended_at=now - timedelta(days=90),
        ended_reason="Reviewed",
    )
    history = previous_episodes(child, now=now)
    assert history.counts == {30: 1, 90: 2, 365: 3}
    assert history.found_where == [
        "Retail park car park",
        "Bus station, Fenbridge",
        "Mill Road flats",
    ]
    assert history.returned_with == ["A man in a grey car", "Two older boys", "Alone"]
    assert history.last_interview is not None
    assert history.last_interview.outcome == "Offered and accepted"
    assert history.last_interview.summary == {"pull_factors": "Promised money and a phone"}
    assert [f.kind for f in history.open_flags] == ["criminal_exploitation"]


def test_episodes_open_beyond_the_escalation_timescale(officer: Any) -> None:
    long_gone = report(officer, person(given_names="Lee"), last_seen=at(2026, 11, 25, 8, 0))
    report(officer, person(given_names="Mo"), last_seen=at(2026, 11, 26, 14, 0))
    back = report(officer, person(given_names="Nia"), last_seen=at(2026, 11, 24, 8, 0))
    returned(officer, back, at=at(2026, 11, 24, 20, 0))
    assert episodes_open_beyond("missing_open_escalation", at(2026, 11, 26, 12, 0)) == [long_gone]


def test_the_next_assessment_shows_what_the_return_interview_found(
    client: Any, signed_in: Any, officer: Any, make_user: Any
) -> None:
    """What an interview reveals reaches the child's next risk assessment, through their
    chronology: the factors, harm, signs and what would help; not who they were with (a lead
    for the analyst, handled as the interviewer set), nor what the assessor may not see."""
    from lantern.chronology.services import case_note_add
    from tests.access.factories import involve
    from tests.assessments.factories import complete

    social_worker = signed_in("social_worker")
    child = person(given_names="Tia", family_name="Marsh", date_of_birth=date(2012, 3, 4))
    involve(child, user=social_worker)
    complete(child, social_worker, assessed_on=date(2026, 10, 1))
    case_note_add(
        request=None,
        author=social_worker,
        person=child,
        summary="Before the last assessment: school worried about lateness",
        detail="",
        occurred_at=at(2026, 9, 20, 10, 0),
    )
    case_note_add(
        request=None,
        author=officer,
        person=child,
        summary="Seen with an older male in a car (police only)",
        detail="",
        occurred_at=at(2026, 11, 4, 10, 0),
        handling="police_only",
    )
    episode = returned(
        officer, report(officer, child, last_seen=at(2026, 11, 1, 20, 0)), at=at(2026, 11, 2, 9)
    )
    with frozen(at(2026, 11, 3, 15, 0)):
        interview_complete(
            request=None,
            actor=make_user("return_interview_worker"),
            episode=episode,
            outcome=outcome("offered_accepted"),
            push_factors="Arguments at home about her phone.",
            with_whom="A man she called Dee.",
            harm="A cut to her hand.",
            exploitation_indicators="Given a new phone and cannabis.",
            what_would_help="Someone to talk to at school.",
        )

    page = client.get(f"/people/{child.pk}/assessments/new/seraf/").content.decode()

    assert "Since the last assessment" in page
    assert "Last assessed with this tool on 1 October 2026: Not at risk." in page
    assert f"Return interview for {episode.reference}: offered and accepted" in page
    assert "What made them leave: Arguments at home about her phone." in page
    assert "Signs of exploitation: Given a new phone and cannabis." in page
    assert "What would help: Someone to talk to at school." in page
    assert "Reported missing" in page
    assert "Dee" not in page
    assert "police only" not in page
    assert "Before the last assessment" not in page


def test_with_no_earlier_assessment_the_last_year_is_shown(
    client: Any, signed_in: Any, officer: Any
) -> None:
    from lantern.chronology.services import case_note_add
    from tests.access.factories import involve

    social_worker = signed_in("social_worker")
    child = person(given_names="Tia", family_name="Marsh", date_of_birth=date(2012, 3, 4))
    involve(child, user=social_worker)
    for summary, days_ago in (("Within the year", 30), ("Over a year ago", 400)):
        case_note_add(
            request=None,
            author=social_worker,
            person=child,
            summary=summary,
            detail="",
            occurred_at=timezone.now() - timedelta(days=days_ago),
            significance="significant",
        )

    page = client.get(f"/people/{child.pk}/assessments/new/seraf/").content.decode()

    assert "In the last 12 months" in page
    assert "Not assessed with this tool before." in page
    assert "Within the year" in page
    assert "Over a year ago" not in page
