"""The referrer's journey: a draft, the children, the concern, check answers, send; and the
refusals that keep everything the referrer typed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.chronology.models import ChronologyEntry
from lantern.core.models import Notification
from lantern.people.models import Person
from lantern.referrals.models import Referral, Status
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.referrals.factories import code, details, draft

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _details_post(**changes: Any) -> dict[str, Any]:
    data = details()
    post = {k: v for k, v in data.items() if k not in {"source", "category", "lawful_basis"}}
    post |= {
        "source": data["source"].pk,
        "category": data["category"].pk,
        "lawful_basis": data["lawful_basis"].pk,
        "family_knows": "True",
        "exploitation_indicators": [code("exploitation_indicator", "cars").pk],
    }
    post |= changes
    return {k: v for k, v in post.items() if v is not None}


def test_a_school_refers_a_new_child_and_is_acknowledged_at_once(
    client: Client, signed_in: Any, django_capture_on_commit_callbacks: Any
) -> None:
    teacher = signed_in("school_safeguarding_lead")
    response = client.post("/referrals/new/")
    referral = Referral.objects.get()
    assert response.url == f"/referrals/{referral.pk}/children/"
    response = client.post(
        f"/referrals/{referral.pk}/children/",
        {
            "action": "new",
            "given_names": "Amara",
            "family_name": "Quill",
            "date_of_birth": "2012-02-03",
            "gender": "female",
        },
    )
    assert response.status_code == 302
    response = client.post(f"/referrals/{referral.pk}/details/", _details_post())
    assert response.status_code == 302, response.text
    page = client.get(f"/referrals/{referral.pk}/check/")
    assert "Amara Quill" in page.text
    assert "Getting into cars with unknown adults" in page.text
    # Friday 27 November 2026, 15:00: the decision is due by 15:00 on Monday.
    friday = datetime(2026, 11, 27, 15, 0, tzinfo=LONDON)
    with (
        mock.patch("django.utils.timezone.now", return_value=friday),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(f"/referrals/{referral.pk}/check/")
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED
    assert referral.reference.startswith("MASH-2026-")
    assert referral.decision_due_at == datetime(2026, 11, 30, 15, 0, tzinfo=LONDON)
    child = Person.objects.get(family_name="Quill")
    entry = ChronologyEntry.objects.get(person=child, kind="referral")
    assert entry.significance == "significant"  # exploitation concerns
    note = Notification.objects.get(user=teacher)
    assert referral.reference in note.subject
    # The email says there is something to read, never who it is about.
    assert len(mail.outbox) == 1
    assert "Amara" not in mail.outbox[0].body
    assert "Quill" not in mail.outbox[0].subject
    sign_in(client, teacher)  # the session's clock moved with the frozen time
    page = client.get(f"/referrals/{referral.pk}/")
    assert "Referral received" in page.text
    assert referral.reference in page.text
    # The referrer sees the progress, not the MASH's working.
    assert '<h2 class="govuk-heading-m">Partner checks</h2>' not in page.text


def test_siblings_go_on_one_referral(client: Client, signed_in: Any) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher, children=2)
    page = client.get(f"/referrals/{referral.pk}/check/")
    assert "Child0 Ashby" in page.text
    assert "Child1 Ashby" in page.text


def test_the_referrer_finds_only_children_they_may_see(client: Client, signed_in: Any) -> None:
    teacher = signed_in("school_safeguarding_lead")
    mine = person(given_names="Kai", family_name="Ashby")
    involve(mine, user=teacher)
    person(given_names="Kira", family_name="Ashby")  # not theirs
    referral = draft(teacher, children=0)
    page = client.get(f"/referrals/{referral.pk}/children/?q=Ashby")
    assert "Kai Ashby" in page.text
    assert "Kira" not in page.text
    assert AuditEvent.objects.filter(action="person.searched").exists()


def test_a_referral_with_no_child_is_refused_and_kept(client: Client, signed_in: Any) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher, children=0)
    response = client.post(f"/referrals/{referral.pk}/check/")
    assert response.status_code == 400
    assert "Add the child or children this referral is about." in response.text
    assert "Nothing you entered has been lost." in response.text
    referral.refresh_from_db()
    assert referral.status == Status.DRAFT
    assert referral.what_happened == details()["what_happened"]


def test_a_young_adult_is_offered_the_route_to_adult_services(
    client: Client, signed_in: Any
) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher, children=0)
    response = client.post(
        f"/referrals/{referral.pk}/children/",
        {"action": "new", "given_names": "Sam", "family_name": "Hollis", "age_estimate": "19"},
    )
    assert response.status_code == 400
    assert "Sam Hollis is 18 or over" in response.text
    assert "adult social care" in response.text
    assert response.context["form"]["given_names"].value() == "Sam"
    # Someone on record who has turned 18 is refused too.
    adult = person(given_names="Lee", family_name="Hollis", date_of_birth=date(2000, 1, 1))
    involve(adult, user=teacher)
    response = client.post(
        f"/referrals/{referral.pk}/children/", {"action": "add", "person": adult.pk}
    )
    assert response.status_code == 400
    assert "Lee Hollis is 18 or over" in response.text
    assert not referral.children.exists()


def test_a_contradictory_checklist_is_refused_with_what_to_change(
    client: Client, signed_in: Any
) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher)
    response = client.post(
        f"/referrals/{referral.pk}/details/",
        _details_post(exploitation_concern="no", worries="New worry typed"),
    )
    assert response.status_code == 400
    assert "You said there are no concerns of exploitation, but you ticked 1 sign" in (
        response.text
    )
    # What they typed is still on the page.
    assert "New worry typed" in response.text
    referral.refresh_from_db()
    assert referral.exploitation_concern == "yes"


def test_consent_not_sought_needs_its_reason(client: Client, signed_in: Any) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher)
    response = client.post(
        f"/referrals/{referral.pk}/details/", _details_post(consent="not_sought")
    )
    assert response.status_code == 400
    assert "Say why consent was not sought" in response.text
    response = client.post(
        f"/referrals/{referral.pk}/details/",
        _details_post(consent="not_sought", consent_reason="Asking would alert the adults."),
    )
    assert response.status_code == 302


def test_someone_elses_draft_is_not_found_even_by_the_mash(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    teacher = make_user("school_safeguarding_lead")
    referral = draft(teacher)
    signed_in("mash_manager")
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/check/").status_code == 404


def test_a_submitted_referral_cannot_be_changed_by_its_referrer(
    client: Client, signed_in: Any
) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher)
    client.post(f"/referrals/{referral.pk}/check/")
    response = client.post(f"/referrals/{referral.pk}/details/", _details_post(worries="x"))
    assert response.status_code == 302
    assert response.url == f"/referrals/{referral.pk}/"
    referral.refresh_from_db()
    assert referral.worries != "x"


def test_missing_answers_are_named_and_what_was_typed_is_kept(
    client: Client, signed_in: Any
) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher, children=1)
    response = client.post(
        f"/referrals/{referral.pk}/details/",
        {"what_happened": "Told me at lunch", "exploitation_concern": "not_sure"},
    )
    assert response.status_code == 400
    for message in (
        "Say why you are worried about the child.",
        "Select where the referral comes from.",
        "Say whether the family knows about this referral.",
        "Select the lawful basis for sharing this information.",
    ):
        assert message in response.text
    assert "Told me at lunch" in response.text


def test_a_new_child_needs_both_names(client: Client, signed_in: Any) -> None:
    teacher = signed_in("school_safeguarding_lead")
    referral = draft(teacher, children=0)
    response = client.post(
        f"/referrals/{referral.pk}/children/", {"action": "new", "given_names": "Jay"}
    )
    assert response.status_code == 400
    assert "If you do not know it, write &#x27;Not known&#x27;." in response.text
    assert not referral.children.exists()


def test_the_checklist_contradictions_say_what_was_said() -> None:
    from lantern.referrals.services import contradictions

    sign = code("exploitation_indicator", "cars")
    assert "you ticked 1 sign of it" in contradictions("no", [sign])["exploitation_concern"]
    assert (
        "you described signs of it"
        in (contradictions("no", [], "Older men wait outside school")["exploitation_concern"])
    )
    assert "tick the signs you have seen" in contradictions("yes", [])["exploitation_indicators"]
    assert contradictions("not_sure", []) == {}
    assert contradictions("yes", [sign]) == {}
