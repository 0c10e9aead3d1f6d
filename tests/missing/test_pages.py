"""The missing pages as users meet them: a carer's report, the coordinator's live board, the
return, the interview with what the young person named, and oversight."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.missing.models import Episode, InterviewLead, InterviewProvider
from lantern.referrals.models import Referral
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.factories import AgencyFactory, TeamFactory
from tests.missing.factories import grade, outcome

pytestmark = pytest.mark.django_db


def _moment(delta: timedelta) -> str:
    return timezone.localtime(timezone.now() - delta).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def child(make_user: Any) -> Any:
    return person(given_names="Rowan", family_name="Ashby")


def test_a_carer_reports_a_child_missing_before_the_police_grade_it(
    client: Client, make_user: Any, child: Any
) -> None:
    carer = make_user("referrer")
    involve(child, user=carer)
    sign_in(client, carer)
    page = client.get("/missing/report/?q=Ashby")
    assert "Rowan" in page.content.decode()
    response = client.post(
        f"/missing/report/{child.pk}/",
        {
            "last_seen_at": _moment(timedelta(hours=3)),
            "noticed_at": _moment(timedelta(hours=2)),
            "reported_at": _moment(timedelta(minutes=5)),
            "missing_from": "home",
            "circumstances": "Did not come home after school.",
        },
    )
    episode = Episode.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == f"/missing/episodes/{episode.pk}/"
    assert episode.police_risk_grade is None
    assert episode.reporter_name.startswith(carer.get_full_name())
    shown = client.get(response["Location"]).content.decode()
    assert "Not yet graded" in shown
    assert "Did not come home after school." in shown


def test_a_report_that_overlaps_keeps_the_answers_and_says_why(
    client: Client, make_user: Any, child: Any
) -> None:
    coordinator = make_user("missing_coordinator")
    involve(child, user=coordinator)
    sign_in(client, coordinator)
    body = {
        "last_seen_at": _moment(timedelta(hours=3)),
        "reported_at": _moment(timedelta(hours=1)),
        "missing_from": "home",
        "circumstances": "First report.",
    }
    assert client.post(f"/missing/report/{child.pk}/", body).status_code == 302
    again = client.post(f"/missing/report/{child.pk}/", body | {"circumstances": "Again."})
    assert again.status_code == 400
    text = again.content.decode()
    assert "is still recorded as missing since" in text
    assert "Again." in text
    assert Episode.objects.filter(child=child).count() == 1


def test_a_grade_needs_its_sources(client: Client, make_user: Any, child: Any) -> None:
    coordinator = make_user("missing_coordinator")
    involve(child, user=coordinator)
    sign_in(client, coordinator)
    response = client.post(
        f"/missing/report/{child.pk}/",
        {
            "last_seen_at": _moment(timedelta(hours=3)),
            "reported_at": _moment(timedelta(hours=1)),
            "missing_from": "home",
            "police_risk_grade": grade("high").pk,
        },
    )
    assert response.status_code == 400
    assert "Record every source of information used" in response.content.decode()


def test_the_board_shows_a_new_episode_in_its_partial_without_a_refresh(
    client: Client, make_user: Any, child: Any
) -> None:
    coordinator = make_user("missing_coordinator")
    involve(child, user=coordinator)
    sign_in(client, coordinator)
    opened = timezone.now() - timedelta(seconds=1)
    full = client.get("/missing/")
    assert 'hx-trigger="every 15s"' in full.content.decode()
    reporter = Client()
    sign_in(reporter, coordinator)
    reporter.post(
        f"/missing/report/{child.pk}/",
        {
            "last_seen_at": _moment(timedelta(hours=30)),
            "reported_at": _moment(timedelta(hours=29)),
            "missing_from": "home",
        },
    )
    partial = client.get(
        "/missing/", {"since": opened.isoformat()}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in partial
    assert "Rowan" in partial
    assert "New" in partial
    assert "Escalate" in partial  # missing for more than the 24-hour timescale


def test_the_board_is_refused_to_a_school_and_shows_only_visible_children(
    client: Client, make_user: Any, child: Any
) -> None:
    sign_in(client, make_user("school_safeguarding_lead"))
    assert client.get("/missing/").status_code == 403


def test_return_interview_and_oversight_through_the_pages(
    client: Client, make_user: Any, child: Any
) -> None:
    charity = AgencyFactory(name="Harbour Lights")
    team = TeamFactory(agency=charity, name="Return home interviews")
    InterviewProvider.objects.create(category="missing_from_home", agency=charity)
    coordinator = make_user("missing_coordinator")
    involve(child, user=coordinator)
    sign_in(client, coordinator)
    client.post(
        f"/missing/report/{child.pk}/",
        {
            "last_seen_at": _moment(timedelta(hours=10)),
            "reported_at": _moment(timedelta(hours=9)),
            "missing_from": "home",
        },
    )
    episode = Episode.objects.get(child=child)
    back = client.post(
        f"/missing/episodes/{episode.pk}/return/",
        {
            "returned_at": _moment(timedelta(hours=1)),
            "found_where": "Bus station",
            "found_lat": "52.63",
            "returned_with": "An older man",
            "injuries_or_disclosures": "Said a man gave her a phone.",
        },
    )
    assert back.status_code == 400
    assert "Enter both the latitude and the longitude" in back.content.decode()
    client.post(
        f"/missing/episodes/{episode.pk}/return/",
        {
            "returned_at": _moment(timedelta(hours=1)),
            "found_where": "Bus station",
            "returned_with": "An older man",
            "injuries_or_disclosures": "Said a man gave her a phone.",
        },
    )
    worker = make_user("return_interview_worker", agency=charity)
    worker.teams.add(team)
    other = make_user("return_interview_worker")
    worker_client, other_client = Client(), Client()
    sign_in(worker_client, worker)
    sign_in(other_client, other)
    queue = worker_client.get("/missing/interviews/").content.decode()
    assert "Rowan" in queue
    assert "left" in queue  # the 72-hour clock, in elapsed time
    assert "Rowan" not in other_client.get("/missing/interviews/").content.decode()
    # The episode page links to the young person's record only for those it would open to.
    record = f'href="/people/{child.pk}/"'
    assert record in client.get(f"/missing/episodes/{episode.pk}/").content.decode()
    worker_page = worker_client.get(f"/missing/episodes/{episode.pk}/")
    assert worker_page.status_code == 200
    assert worker_client.get(f"/people/{child.pk}/").status_code == 404
    assert record not in worker_page.content.decode()
    assert other_client.get(f"/missing/episodes/{episode.pk}/interview/").status_code == 404
    done = worker_client.post(
        f"/missing/episodes/{episode.pk}/interview/",
        {
            "form": "interview",
            "completed_at": _moment(timedelta(minutes=10)),
            "outcome": outcome("offered_accepted").pk,
            "where_went": "A flat above the shops on the high street.",
            "child_words": "He said I owed him.",
            "named_0_kind": "place",
            "named_0_description": "Flat above the shops, high street",
            "named_0_handling": "police_only",
        },
    )
    assert done.status_code == 302
    lead = InterviewLead.objects.get()
    assert lead.handling == "police_only"
    analyst_agency = AgencyFactory(kind="police")
    analyst = make_user("intelligence_analyst", agency=analyst_agency)
    involve(child, user=analyst)  # leads reach analysts for episodes in their scope
    analyst_client = Client()
    sign_in(analyst_client, analyst)
    assert "Flat above the shops" in analyst_client.get("/missing/leads/").content.decode()
    # Police only: a council coordinator does not see what the interviewer handled so.
    assert "Flat above the shops" not in client.get("/missing/leads/").content.decode()
    closed = client.post(
        f"/missing/episodes/{episode.pk}/close/",
        {"oversight_comment": "Interview read; strategy meeting booked."},
    )
    assert closed.status_code == 302
    episode.refresh_from_db()
    assert episode.status == "closed"
    referral = client.post(f"/missing/episodes/{episode.pk}/refer/")
    made = Referral.objects.get(referrer=coordinator)
    assert referral["Location"] == f"/referrals/{made.pk}/details/"
    assert "Said a man gave her a phone." in made.what_happened
