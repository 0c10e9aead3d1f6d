"""Flags with owners and review dates; the child's own words beside them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.chronology.models import ChronologyEntry
from lantern.people.models import Flag, VoiceEntry
from tests.access.factories import involve, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker_and_child(signed_in: Any) -> tuple[Any, Any]:
    worker = signed_in("social_worker")
    child = person()
    involve(child, user=worker)
    return worker, child


def test_raise_a_flag_which_the_raiser_owns(client: Client, worker_and_child: Any) -> None:
    worker, child = worker_and_child
    review = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/people/{child.pk}/flags/new/",
        {
            "kind": "sexual_exploitation",
            "reason": "Seen getting into cars with older men",
            "review_due": review,
        },
    )
    assert response.status_code == 302
    flag = Flag.objects.get()
    assert flag.owner == worker
    page = client.get(f"/people/{child.pk}/")
    assert "Risk of sexual exploitation" in page.text
    assert ChronologyEntry.objects.filter(
        person=child, kind="flag", significance="significant"
    ).exists()


def test_a_flag_needs_a_future_review_date(client: Client, worker_and_child: Any) -> None:
    _, child = worker_and_child
    response = client.post(
        f"/people/{child.pk}/flags/new/",
        {"kind": "missing_risk", "reason": "x", "review_due": timezone.localdate().isoformat()},
    )
    assert response.status_code == 400
    assert "The review date must be in the future." in response.text
    assert not Flag.objects.exists()


def test_overdue_flag_reviews_appear_in_the_owners_work(
    client: Client, worker_and_child: Any
) -> None:
    worker, child = worker_and_child
    Flag.objects.create(
        person=child,
        kind="missing_risk",
        reason="x",
        owner=worker,
        review_due=timezone.localdate() - timedelta(days=2),
    )
    home = client.get("/")
    assert "Risk of going missing for Jordan Ashby" in home.text


def test_ending_a_flag_needs_a_reason_and_is_recorded(
    client: Client, worker_and_child: Any
) -> None:
    worker, child = worker_and_child
    flag = Flag.objects.create(
        person=child,
        kind="missing_risk",
        reason="x",
        owner=worker,
        review_due=timezone.localdate() + timedelta(days=5),
    )
    url = f"/people/{child.pk}/flags/{flag.pk}/end/"
    assert client.post(url, {"reason": ""}).status_code == 400
    client.post(url, {"reason": "No episodes for six months"})
    flag.refresh_from_db()
    assert flag.ended_reason == "No episodes for six months"
    assert "Flag ended: Risk of going missing." in client.get(f"/people/{child.pk}/").text
    flags_section = client.get(f"/people/{child.pk}/").text.split("Chronology")[0]
    assert "Risk of going missing" not in flags_section


def test_the_childs_own_words_show_beside_the_flags(client: Client, worker_and_child: Any) -> None:
    _, child = worker_and_child
    when = (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        f"/people/{child.pk}/voice/new/",
        {
            "said": "I just want to go back to my nan's",
            "wishes_and_feelings": "To live with nan",
            "occurred_at": when,
            "place": "School",
        },
    )
    assert response.status_code == 302
    assert VoiceEntry.objects.get().said == "I just want to go back to my nan's"
    page = client.get(f"/people/{child.pk}/").text
    top = page.split('id="chronology"')[0]
    assert "I just want to go back to my nan&#x27;s" in top
    assert ChronologyEntry.objects.filter(person=child, kind="voice").exists()


def test_voice_needs_the_words(client: Client, worker_and_child: Any) -> None:
    _, child = worker_and_child
    response = client.post(f"/people/{child.pk}/voice/new/", {"said": ""})
    assert response.status_code == 400
    assert "Write what the young person said" in response.text


def test_flags_refused_for_someone_out_of_scope(client: Client, signed_in: Any) -> None:
    signed_in("social_worker")
    child = person()
    response = client.post(
        f"/people/{child.pk}/flags/new/",
        {
            "kind": "missing_risk",
            "reason": "x",
            "review_due": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 404
    assert not Flag.objects.exists()
