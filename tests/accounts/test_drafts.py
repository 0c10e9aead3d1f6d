"""No work lost: a form's answers survive a time-out and autosave, for the same user only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.core.models import Draft
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

FORM = "/administration/agencies/new/"


def test_answers_posted_after_time_out_are_kept_and_offered_back(
    client: Client, signed_in: Any
) -> None:
    admin = signed_in("system_administrator")
    client.cookies.pop("sessionid")  # the idle session has ended on the server
    response = client.post(
        FORM, {"name": "Marsh End Family Hub", "short_name": "MEFH", "password": "secret"}
    )
    assert response.status_code == 302
    assert "timeout=idle" in response["Location"]
    draft = Draft.objects.get(user=admin, path=FORM)
    assert draft.reason == "timeout"
    assert draft.data == {"name": ["Marsh End Family Hub"], "short_name": ["MEFH"]}

    sign_in(client, admin)
    page = client.get(FORM)
    assert "You were signed out before you saved this form" in page.text
    assert 'value="Marsh End Family Hub"' in page.text


def test_another_user_does_not_see_the_draft(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    admin = signed_in("system_administrator")
    client.post("/drafts/save/", {"draft_path": FORM, "name": "Kept for the author only"})
    assert Draft.objects.filter(user=admin).count() == 1

    other = Client()
    sign_in(other, make_user("system_administrator"))
    page = other.get(FORM)
    assert "Kept for the author only" not in page.text


def test_autosave_keeps_answers_but_never_secrets(client: Client, signed_in: Any) -> None:
    user = signed_in("system_administrator")
    response = client.post(
        "/drafts/save/",
        {"draft_path": FORM, "name": "Riverside Youth Project", "password": "hunter22hunter"},
    )
    assert response.json() == {"saved": True}
    assert Draft.objects.get(user=user).data == {"name": ["Riverside Youth Project"]}


def test_autosave_refuses_a_path_off_the_site(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    response = client.post("/drafts/save/", {"draft_path": "https://evil.example/", "x": "1"})
    assert response.status_code == 400
    assert not Draft.objects.exists()


def test_autosave_needs_a_signed_in_user(client: Client, db: Any) -> None:
    response = client.post("/drafts/save/", {"draft_path": FORM, "name": "x"})
    assert response.status_code == 302
    assert not Draft.objects.exists()


def test_saving_the_form_discards_the_draft(client: Client, signed_in: Any) -> None:
    from lantern.core.models import Code

    user = signed_in("system_administrator")
    client.post("/drafts/save/", {"draft_path": FORM, "name": "Fenside Mentoring"})
    agency_type = Code.objects.in_list("agency_type").get(code="voluntary_sector")
    response = client.post(FORM, {"name": "Fenside Mentoring", "agency_type": agency_type.pk})
    assert response.status_code == 302
    assert not Draft.objects.filter(user=user).exists()
