"""The assessment pages: the person's tab, the form, the result, and who may use them."""

from __future__ import annotations

import json
import uuid
from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantern.assessments.models import Assessment, InstrumentVersion
from tests.access.factories import involve, person
from tests.assessments.factories import complete, published

pytestmark = pytest.mark.django_db


def seraf_keys(group: str) -> list[str]:
    return [i["key"] for i in published("seraf").definition["items"] if i["group"] == group]


def moderate_post(**extra: Any) -> dict[str, Any]:
    """Score 12 (Moderate): five vulnerabilities, two moderate, one significant now."""
    significant = seraf_keys("significant")[0]
    return {
        "assessed_on": "2026-11-02",
        "group-vulnerability": seraf_keys("vulnerability")[:5],
        "group-moderate": seraf_keys("moderate")[:2],
        f"{significant}-windows": ["current"],
        "judgement": "Moderate",
        "evidence": "Seen getting into a car outside school on 20 October.",
        "concern": "An older man is grooming her.",
        "exploitation_models": ["inappropriate_relationship"],
        **extra,
    }


@pytest.fixture
def child_of(signed_in: Any) -> Any:
    def make(*roles: str) -> tuple[Any, Any]:
        user = signed_in(*roles)
        child = person(given_names="Tia", family_name="Marsh", date_of_birth=date(2012, 3, 4))
        involve(child, user=user)
        return user, child

    return make


def test_complete_a_seraf_screening(client: Client, child_of: Any) -> None:
    _, child = child_of("social_worker")
    form = client.get(f"/people/{child.pk}/assessments/new/seraf/")
    assert form.status_code == 200
    assert "Significant risk indicators" in form.content.decode()
    response = client.post(f"/people/{child.pk}/assessments/new/seraf/", moderate_post())
    assessment = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/people/{child.pk}/assessments/{assessment.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Score 12" in page
    assert "Vulnerabilities: 5 points" in page
    assert "Moderate risk indicators: 2 points" in page
    assert "Significant risk indicators: 5 points" in page
    assert "Seen getting into a car outside school" in page
    assert "An older man is grooming her." in page
    assert "SERAF-style screening, version 1" in page
    assert "Inappropriate relationship or lone offender" in page


def test_override_without_reason_keeps_every_answer(client: Client, child_of: Any) -> None:
    _, child = child_of("social_worker")
    significant = seraf_keys("significant")[0]
    response = client.post(
        f"/people/{child.pk}/assessments/new/seraf/", moderate_post(judgement="Significant")
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page
    assert "Explain why your judgement differs from the computed result (Moderate)." in page
    assert not Assessment.objects.exists()
    assert page.count("checked") == 5 + 2 + 1 + 1 + 1  # ticks, window, judgement, model
    assert f'name="{significant}-windows" type="checkbox" value="current" checked' in page
    assert "Seen getting into a car outside school on 20 October." in page
    response = client.post(
        f"/people/{child.pk}/assessments/new/seraf/",
        moderate_post(judgement="Significant", override_reason="She disclosed abuse today."),
    )
    assert response.status_code == 302
    assert Assessment.objects.get().override_reason == "She disclosed abuse today."


def test_a_date_last_seen_in_the_future_is_refused(client: Client, child_of: Any) -> None:
    _, child = child_of("police_officer")
    significant = seraf_keys("significant")[1]
    response = client.post(
        f"/people/{child.pk}/assessments/new/seraf/",
        moderate_post(**{f"{significant}-last_seen": "2026-11-20"}),
    )
    assert response.status_code == 400
    assert "the date last seen cannot be after the date of the assessment." in (
        response.content.decode()
    )


def test_context_and_next_are_carried_through(client: Client, child_of: Any) -> None:
    _, child = child_of("mash_triage_worker")
    referral = uuid.uuid4()
    query = f"?context=referrals.referral:{referral}&next=/people/{child.pk}/"
    page = client.get(f"/people/{child.pk}/assessments/new/seraf/{query}").content.decode()
    assert f'value="referrals.referral:{referral}"' in page
    response = client.post(
        f"/people/{child.pk}/assessments/new/seraf/",
        moderate_post(context=f"referrals.referral:{referral}", next=f"/people/{child.pk}/"),
    )
    assert response["Location"] == f"/people/{child.pk}/"
    saved = Assessment.objects.get()
    assert (saved.context_type, saved.context_id) == ("referrals.referral", referral)


def test_an_unsafe_next_is_ignored(client: Client, child_of: Any) -> None:
    _, child = child_of("social_worker")
    page = client.get(
        f"/people/{child.pk}/assessments/new/seraf/?next=https://evil.example/"
    ).content.decode()
    assert "evil.example" not in page
    response = client.post(
        f"/people/{child.pk}/assessments/new/seraf/", moderate_post(next="//evil.example/")
    )
    assert response["Location"].startswith(f"/people/{child.pk}/assessments/")


def test_sections_tool_form(client: Client, child_of: Any) -> None:
    _, child = child_of("missing_coordinator")
    keys = [i["key"] for i in published("risk-management-12").definition["items"]]
    data = {f"{key}-level": "low" for key in keys[:11]}
    data |= {"assessed_on": "2026-11-02", "judgement": "Low", "evidence": "Facts."}
    response = client.post(f"/people/{child.pk}/assessments/new/risk-management-12/", data)
    assert response.status_code == 400
    assert "Rate “12. Other”." in response.content.decode()
    data[f"{keys[11]}-level"] = "medium"
    data[f"{keys[11]}-note"] = "Worried about a new friend"
    response = client.post(f"/people/{child.pk}/assessments/new/risk-management-12/", data)
    assert response.status_code == 400
    assert "differs from the computed result (Medium)" in response.content.decode()
    data["judgement"] = "Medium"
    assert (
        client.post(f"/people/{child.pk}/assessments/new/risk-management-12/", data).status_code
        == 302
    )
    assert Assessment.objects.get().level_counts == {"High": 0, "Medium": 1, "Low": 11}


def test_the_checklist_has_no_override_field(client: Client, child_of: Any) -> None:
    _, child = child_of("school_safeguarding_lead")
    page = client.get(f"/people/{child.pk}/assessments/new/exploitation-checklist/")
    assert "override_reason" not in page.content.decode()
    response = client.post(
        f"/people/{child.pk}/assessments/new/exploitation-checklist/",
        {"assessed_on": "2026-11-02", "evidence": "Facts.", "group-indicators": ["substances"]},
    )
    assert response.status_code == 400
    assert "Choose your professional judgement." in response.content.decode()


def test_the_tab_shows_the_latest_result_and_overdue_reviews(client: Client, child_of: Any) -> None:
    user, child = child_of("social_worker")
    complete(child, user, assessed_on=date(2026, 1, 10))  # review due 10 April 2026: overdue
    complete(child, user, key="exploitation-checklist", judgement="Being exploited")
    page = client.get(f"/people/{child.pk}/assessments/").content.decode()
    assert '<strong class="govuk-tag govuk-tag--green">Not at risk</strong>' in page
    assert '<strong class="govuk-tag govuk-tag--red">Being exploited</strong>' in page
    assert "Overdue</strong> since 10 April 2026" in page
    assert "Start: Exploitation risk management (12 sections)" in page
    assert 'aria-current="page" href="/people/' in page


def test_a_referrer_cannot_complete_but_sees_results(client: Client, child_of: Any) -> None:
    _, child = child_of("referrer")
    assert client.get(f"/people/{child.pk}/assessments/new/seraf/").status_code == 403
    assert (
        client.post(f"/people/{child.pk}/assessments/new/seraf/", moderate_post()).status_code
        == 403
    )
    assert not Assessment.objects.exists()
    page = client.get(f"/people/{child.pk}/assessments/").content.decode()
    assert "Your role does not complete assessments." in page


def test_someone_who_cannot_see_the_person_gets_not_found(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    signed_in("social_worker")
    stranger_child = person(family_name="Elsewhere")
    other = make_user("social_worker")
    involve(stranger_child, user=other)
    assessment = complete(stranger_child, other)
    base = f"/people/{stranger_child.pk}/assessments/"
    assert client.get(base).status_code == 404
    assert client.get(f"{base}new/seraf/").status_code == 404
    assert client.post(f"{base}new/seraf/", moderate_post()).status_code == 404
    assert client.get(f"{base}{assessment.pk}/").status_code == 404
    assert Assessment.objects.count() == 1


def test_an_assessment_of_someone_else_is_not_found(client: Client, child_of: Any) -> None:
    user, child = child_of("social_worker")
    sibling = person(family_name="Sibling")
    involve(sibling, user=user)
    theirs = complete(sibling, user)
    assert client.get(f"/people/{child.pk}/assessments/{theirs.pk}/").status_code == 404


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_tab_costs_the_same_for_one_assessment_or_many(client: Client, child_of: Any) -> None:
    user, few = child_of("social_worker")
    many = person(family_name="Many")
    involve(many, user=user)
    complete(few, user)
    for day in range(1, 8):
        complete(many, user, assessed_on=date(2026, 10, day))
        complete(many, user, key="exploitation-checklist", judgement="No current concerns")
    definition = published("risk-management-12").definition
    answers = {i["key"]: {"level": "low", "note": ""} for i in definition["items"]}
    complete(many, user, key="risk-management-12", answers=answers, judgement="Low")
    one = _queries(client, f"/people/{few.pk}/assessments/")
    assert one == _queries(client, f"/people/{many.pk}/assessments/")
    # 16 for the tab, and one for the header's count of unread notifications.
    assert one == 17, "the Assessments tab's query count changed"


def test_instruments_administration(client: Client, signed_in: Any) -> None:
    signed_in("partnership_coordinator")
    assert "SERAF-style screening" in client.get("/instruments/").content.decode()
    bad = '{"review_months": 3, "computed": true}'
    response = client.post("/instruments/seraf/draft/", {"definition": bad, "notes": "x"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "The definition needs at least one group." in page
    assert "&quot;review_months&quot;: 3, &quot;computed&quot;: true" in page  # kept
    definition = published("seraf").definition
    definition["review_months"] = 2
    response = client.post(
        "/instruments/seraf/draft/",
        {"definition": json.dumps(definition), "notes": "Review every two months."},
    )
    assert response.status_code == 302
    draft = InstrumentVersion.objects.get(instrument__key="seraf", status="draft")
    assert (draft.number, draft.definition["review_months"]) == (2, 2)
    assert client.post("/instruments/seraf/versions/2/publish/").status_code == 302
    assert published("seraf").number == 2
    assert InstrumentVersion.objects.get(instrument__key="seraf", number=1).status == "retired"


def test_only_coordinators_manage_instruments(client: Client, signed_in: Any) -> None:
    signed_in("social_worker")
    assert client.get("/instruments/").status_code == 403
    assert client.post("/instruments/seraf/draft/", {"definition": "{}"}).status_code == 403
