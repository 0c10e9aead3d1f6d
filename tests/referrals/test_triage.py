"""The MASH: the queue, rating, partner checks, and a decision that takes effect only when
another manager authorises it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from lantern.access.models import Restriction
from lantern.chronology.models import ChronologyEntry
from lantern.core.models import Notification
from lantern.referrals.models import Decision, PartnerCheck, Status
from lantern.referrals.services import decision_propose, partner_checks_request, referral_rate
from tests.referrals.factories import submitted

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def referral(make_user: Any) -> Any:
    return submitted(make_user("school_safeguarding_lead"))


def test_the_queue_shows_referrals_with_their_clocks(
    client: Client, signed_in: Any, referral: Any
) -> None:
    signed_in("mash_triage_worker")
    page = client.get("/referrals/queue/")
    assert page.status_code == 200
    assert referral.reference in page.text
    assert "Child0 Ashby" in page.text
    assert "Not rated" in page.text


def test_the_queue_is_refused_to_a_referrer(client: Client, signed_in: Any, referral: Any) -> None:
    signed_in("school_safeguarding_lead")
    assert client.get("/referrals/queue/").status_code == 403


def test_an_overdue_referral_stands_out_and_filters(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    late = submitted(make_user("referrer"))
    late.decision_due_at = timezone.now() - timezone.timedelta(hours=2)
    late.save()
    on_time = submitted(make_user("referrer"))
    signed_in("mash_triage_worker")
    page = client.get("/referrals/queue/?overdue=1")
    assert late.reference in page.text
    assert on_time.reference not in page.text
    assert "Overdue" in page.text
    assert "lantern-row--overdue" in page.text


def test_a_restricted_child_is_not_named_in_the_queue(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    child = referral.children.get().person
    owner = make_user("social_worker")
    Restriction.objects.create(
        owner=owner,
        content_type=ContentType.objects.get_for_model(child),
        object_id=child.pk,
        reason="high_profile",
        explanation="Test",
        review_due=timezone.localdate() + timezone.timedelta(days=30),
    )
    signed_in("mash_triage_worker")
    page = client.get("/referrals/queue/")
    assert referral.reference in page.text
    assert "Child0" not in page.text
    assert "A child with a restricted record" in page.text


def test_a_red_rating_sets_the_four_working_hour_clock(signed_in: Any, make_user: Any) -> None:
    # Received Friday 27 November 2026 at 15:00: four working hours run to Monday 11:00.
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=LONDON)
    with mock.patch("django.utils.timezone.now", return_value=friday):
        referral = submitted(make_user("referrer"))
    worker = make_user("mash_triage_worker")
    referral_rate(request=None, actor=worker, referral=referral, rag="red", rationale="Cars")
    assert referral.response_due_at == datetime(2026, 11, 30, 11, 0, tzinfo=LONDON)
    assert referral.due_at == referral.response_due_at


def test_partner_checks_are_answered_by_the_agency_asked(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    worker = make_user("mash_triage_worker")
    officer = signed_in("police_officer")
    (check,) = partner_checks_request(
        request=None, actor=worker, referral=referral, agencies=[officer.agency]
    )
    inbox = client.get("/referrals/checks/")
    assert referral.reference in inbox.text
    response = client.post(
        f"/referrals/checks/{check.pk}/",
        {"status": "returned", "information": "Two missing reports this year."},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.status == "returned"
    assert check.returned_by == officer
    child = referral.children.get().person
    entry = ChronologyEntry.objects.get(person=child, summary__startswith="Partner check")
    assert entry.detail == "Two missing reports this year."


def test_another_agency_cannot_see_or_answer_a_check(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    worker = make_user("mash_triage_worker")
    asked = make_user("police_officer")
    (check,) = partner_checks_request(
        request=None, actor=worker, referral=referral, agencies=[asked.agency]
    )
    signed_in("health_practitioner")  # a different agency
    assert referral.reference not in client.get("/referrals/checks/").text
    assert client.get(f"/referrals/checks/{check.pk}/").status_code == 404
    response = client.post(
        f"/referrals/checks/{check.pk}/", {"status": "nothing_known", "information": ""}
    )
    assert response.status_code == 404
    check.refresh_from_db()
    assert check.status == "requested"


def test_a_decision_takes_effect_when_another_manager_authorises_it(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    worker = make_user("mash_triage_worker")
    decision_propose(
        request=None,
        actor=worker,
        referral=referral,
        outcome="s47_strategy",
        rationale="Exploitation concerns, a car and older adults.",
    )
    referral.refresh_from_db()
    assert referral.status == Status.AWAITING_AUTHORISATION
    signed_in("mash_manager")
    response = client.post(
        f"/referrals/{referral.pk}/decision/review/", {"verdict": "authorise", "comment": ""}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.DECIDED
    assert referral.outcome == "s47_strategy"
    assert referral.assessment_due is not None
    child = referral.children.get().person
    assert ChronologyEntry.objects.filter(person=child, summary__contains="MASH decision").exists()
    note = Notification.objects.filter(user=referral.referrer).latest("created_at")
    assert "Decision on referral" in note.subject
    assert "strategy discussion" in note.body


def test_a_manager_cannot_authorise_their_own_decision(
    client: Client, signed_in: Any, referral: Any
) -> None:
    manager = signed_in("mash_manager")
    client.post(
        f"/referrals/{referral.pk}/decision/",
        {"outcome": "early_help", "rationale": "Family asks for help."},
    )
    response = client.post(
        f"/referrals/{referral.pk}/decision/review/", {"verdict": "authorise", "comment": ""}
    )
    assert response.status_code == 400
    assert "You proposed this decision, so another manager must authorise it." in response.text
    decision = Decision.objects.get()
    assert decision.state == "proposed"
    assert decision.proposed_by == manager
    referral.refresh_from_db()
    assert referral.status == Status.AWAITING_AUTHORISATION
    # The database refuses it too, whatever the code path.
    with pytest.raises(IntegrityError), transaction.atomic():
        Decision.objects.filter(pk=decision.pk).update(
            state="authorised", reviewed_by=manager, reviewed_at=timezone.now()
        )


def test_a_triage_worker_cannot_authorise(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    decision_propose(
        request=None,
        actor=make_user("mash_triage_worker"),
        referral=referral,
        outcome="nfa",
        rationale="No concerns found.",
    )
    signed_in("mash_triage_worker")
    response = client.post(
        f"/referrals/{referral.pk}/decision/review/", {"verdict": "authorise", "comment": ""}
    )
    assert response.status_code == 403
    assert Decision.objects.get().state == "proposed"


def test_a_decision_without_a_rationale_is_refused(
    client: Client, signed_in: Any, referral: Any
) -> None:
    signed_in("mash_triage_worker")
    response = client.post(
        f"/referrals/{referral.pk}/decision/", {"outcome": "nfa", "rationale": ""}
    )
    assert response.status_code == 400
    assert "Give the rationale for the decision." in response.text
    assert not Decision.objects.exists()


def test_a_returned_decision_goes_back_to_triage_and_tells_the_worker(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    worker = make_user("mash_triage_worker")
    decision_propose(
        request=None, actor=worker, referral=referral, outcome="nfa", rationale="Nothing."
    )
    signed_in("mash_manager")
    response = client.post(
        f"/referrals/{referral.pk}/decision/review/", {"verdict": "return", "comment": ""}
    )
    assert response.status_code == 400
    assert "Say what more is needed" in response.text
    client.post(
        f"/referrals/{referral.pk}/decision/review/",
        {"verdict": "return", "comment": "Ask the police first."},
    )
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert Notification.objects.filter(user=worker, body__contains="Ask the police").exists()


def test_the_referrer_sees_the_decision_but_not_the_working(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = submitted(teacher)
    worker = make_user("mash_triage_worker")
    decision = decision_propose(
        request=None, actor=worker, referral=referral, outcome="early_help", rationale="Secret."
    )
    from lantern.referrals.services import decision_authorise

    decision_authorise(request=None, actor=make_user("mash_manager"), decision=decision)
    page = client.get(f"/referrals/{referral.pk}/")
    assert "Early help" in page.text
    assert "The family will be offered early help." in page.text
    assert "Secret." not in page.text
    assert PartnerCheck.objects.count() == 0


def test_screening_for_the_referral_shows_on_the_triage_page(
    client: Client, signed_in: Any, referral: Any
) -> None:
    from datetime import date

    from lantern.assessments.models import Assessment, InstrumentVersion

    worker = signed_in("mash_triage_worker")
    child = referral.children.get().person
    page = client.get(f"/referrals/{referral.pk}/")
    start = f"/people/{child.pk}/assessments/new/seraf/?context=referrals.referral%3A{referral.pk}"
    assert start in page.text
    Assessment.objects.create(
        person=child,
        instrument_version=InstrumentVersion.objects.get(
            instrument__key="seraf", status="published"
        ),
        judgement="Moderate",
        computed_score=12,
        computed_band="Moderate",
        evidence="Seen in cars",
        assessed_on=date(2026, 11, 27),
        review_due=date(2027, 2, 27),
        assessor=worker,
        context_type="referrals.referral",
        context_id=referral.pk,
    )
    page = client.get(f"/referrals/{referral.pk}/")
    assert "Moderate (12)" in page.text


def test_my_work_counts_what_each_role_has_to_do(
    client: Client, signed_in: Any, make_user: Any, referral: Any
) -> None:
    worker = make_user("mash_triage_worker")
    officer = make_user("police_officer")
    partner_checks_request(request=None, actor=worker, referral=referral, agencies=[officer.agency])
    decision_propose(request=None, actor=worker, referral=referral, outcome="nfa", rationale="x")
    signed_in("mash_manager")
    home = client.get("/")
    assert "1 decision awaiting a manager's authorisation" in home.text
    # Someone in the agency asked sees the check; a triage worker is not asked to authorise.
    from tests.conftest import sign_in

    as_officer, as_worker = Client(), Client()
    sign_in(as_officer, officer)
    home = as_officer.get("/")
    assert "1 partner check for your agency to answer" in home.text
    assert "awaiting a manager" not in home.text
    sign_in(as_worker, worker)
    assert "awaiting a manager" not in as_worker.get("/").text
