"""Strategy discussions, joint section 47 enquiries and the timeliness measures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from lantern.people.selectors import people_visible
from lantern.referrals.models import Section47Enquiry, StrategyDiscussion
from lantern.referrals.services import decision_authorise, decision_propose
from tests.referrals.factories import submitted

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _post(**changes: Any) -> dict[str, Any]:
    data = {
        "held_at": "2026-11-24T10:00",
        "p0_discipline": "social_care",
        "p0_name": "Ruth Example",
        "p0_role": "Team manager",
        "p1_discipline": "police",
        "p1_name": "DS Example",
        "p1_role": "Child exploitation team",
        "p2_discipline": "health",
        "p2_name": "Nurse Example",
        "known": "Two missing episodes; seen with adults in cars.",
        "outcome": "joint_s47",
        "plan": "Joint visit; disruption of the adults.",
        "contact_approach": "Her youth worker, at school, on Wednesday.",
        "contact_contingency": "If she leaves, the youth worker follows up by text.",
        "contact_social_media": "Do not message her phone; the adults may read it.",
        "contact_wellbeing": "School nurse on hand.",
    }
    return {**data, **changes}


@pytest.fixture
def decided(make_user: Any) -> Any:
    referral = submitted(make_user("referrer"))
    decision = decision_propose(
        request=None,
        actor=make_user("mash_triage_worker"),
        referral=referral,
        outcome="s47_strategy",
        rationale="Significant harm suspected.",
    )
    decision_authorise(request=None, actor=make_user("mash_manager"), decision=decision)
    return referral


def test_a_joint_enquiry_links_the_police_and_social_care_leads(
    client: Client, signed_in: Any, make_user: Any, decided: Any
) -> None:
    signed_in("mash_manager")
    social_worker = make_user("social_worker")
    officer = make_user("police_officer")
    response = client.post(
        f"/referrals/{decided.pk}/strategy/new/",
        _post(lead=social_worker.pk, police_lead=officer.pk),
    )
    assert response.status_code == 302, response.text
    enquiry = Section47Enquiry.objects.get()
    assert enquiry.joint
    assert enquiry.social_work_lead == social_worker
    assert enquiry.police_lead == officer
    discussion = enquiry.discussion
    # Tuesday 24 November 2026 + 15 working days = Tuesday 15 December 2026.
    assert discussion.icpc_due == date(2026, 12, 15)
    assert discussion.participants.count() == 3
    # Both leads now see the child.
    child = decided.children.get().person
    assert people_visible(social_worker).filter(pk=child.pk).exists()
    assert people_visible(officer).filter(pk=child.pk).exists()


def test_a_joint_enquiry_needs_a_police_lead_and_the_police_present(
    client: Client, signed_in: Any, make_user: Any, decided: Any
) -> None:
    signed_in("mash_manager")
    social_worker = make_user("social_worker")
    response = client.post(
        f"/referrals/{decided.pk}/strategy/new/",
        _post(lead=social_worker.pk, p1_discipline="", p1_name="", p1_role=""),
    )
    assert response.status_code == 400
    assert "A joint enquiry needs its police lead." in response.text
    assert "at least children&#x27;s social care and the police" in response.text
    assert "Two missing episodes" in response.text  # kept
    assert not Section47Enquiry.objects.exists()


def test_a_strategy_discussion_is_refused_to_a_referrer(
    client: Client, signed_in: Any, decided: Any
) -> None:
    signed_in("referrer")
    assert client.get(f"/referrals/{decided.pk}/strategy/new/").status_code == 403


def test_timeliness_counts_decisions_against_their_clock(
    client: Client, signed_in: Any, make_user: Any, decided: Any
) -> None:
    late = submitted(make_user("referrer"))
    decision = decision_propose(
        request=None,
        actor=make_user("mash_triage_worker"),
        referral=late,
        outcome="nfa",
        rationale="x",
    )
    decision_authorise(request=None, actor=make_user("mash_manager"), decision=decision)
    late.refresh_from_db()
    late.decision_due_at = late.decided_at - timedelta(hours=1)
    late.save()
    signed_in("mash_manager")
    page = client.get("/referrals/timeliness/")
    assert page.status_code == 200
    assert "1 of 2 on time" in page.text
    assert late.reference in page.text


def test_timeliness_is_refused_to_a_triage_worker(client: Client, signed_in: Any) -> None:
    signed_in("mash_triage_worker")
    assert client.get("/referrals/timeliness/").status_code == 403


def test_a_coordinator_sees_the_figures_but_not_the_referrals_behind_them(
    client: Client, signed_in: Any, decided: Any
) -> None:
    decided.refresh_from_db()
    decided.decision_due_at = decided.decided_at - timedelta(hours=1)
    decided.save()
    signed_in("partnership_coordinator")
    page = client.get("/referrals/timeliness/")
    assert "0 of 1 on time; 1 late" in page.text
    assert decided.reference not in page.text


def test_recording_the_assessment_complete_feeds_the_measure(
    client: Client, signed_in: Any, make_user: Any, decided: Any
) -> None:
    from django.utils import timezone

    from tests.conftest import sign_in

    today = timezone.localdate().isoformat()
    # A social worker not involved with the referral may not record it: not found.
    stranger = Client()
    sign_in(stranger, make_user("social_worker"))
    response = stranger.post(
        f"/referrals/{decided.pk}/assessment-completed/", {"completed_on": today}
    )
    assert response.status_code == 404
    signed_in("mash_manager")
    response = client.post(
        f"/referrals/{decided.pk}/assessment-completed/",
        {"completed_on": (timezone.localdate() + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.text
    response = client.post(
        f"/referrals/{decided.pk}/assessment-completed/", {"completed_on": today}
    )
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.assessment_completed_on == timezone.localdate()
    # The decision and now the assessment, each on time.
    assert client.get("/referrals/timeliness/").text.count("1 of 1 on time") == 2


def test_an_enquirys_end_and_the_conference_go_on_the_childs_timeline(
    make_user: Any, decided: Any
) -> None:
    from django.utils import timezone

    from lantern.chronology.models import ChronologyEntry
    from lantern.referrals.services import enquiry_update

    discussion = StrategyDiscussion.objects.create(
        referral=decided,
        held_at=timezone.now() - timedelta(days=20),
        chair=make_user("mash_manager"),
        known="x",
        outcome="single_s47",
        plan="x",
    )
    enquiry = Section47Enquiry.objects.create(
        discussion=discussion,
        referral=decided,
        joint=False,
        social_work_lead=make_user("social_worker"),
        started_on=timezone.localdate() - timedelta(days=20),
    )
    enquiry_update(
        request=None,
        actor=make_user("social_worker"),
        enquiry=enquiry,
        outcome="icpc",
        completed_on=timezone.localdate() - timedelta(days=10),
        icpc_held_on=timezone.localdate(),
    )
    child = decided.children.get().person
    summaries = list(ChronologyEntry.objects.filter(person=child).values_list("summary", flat=True))
    assert any(s.startswith("Section 47 enquiry completed") for s in summaries)
    assert any(s.startswith("Initial child protection conference held") for s in summaries)
