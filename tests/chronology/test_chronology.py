"""One timeline per person: notes, evidential notes, addenda, handling, filters."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import DatabaseError, transaction
from django.test import Client
from django.utils import timezone

from lantern.access.models import AuditEvent
from lantern.chronology.models import ChronologyEntry
from lantern.chronology.services import chronology_append
from tests.access.factories import involve, person
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def when(**delta: int) -> str:
    return (timezone.localtime() - timedelta(**delta)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def child_of(signed_in: Any) -> Any:
    def make(*roles: str, **user_kwargs: Any) -> tuple[Any, Any]:
        user = signed_in(*roles, **user_kwargs)
        child = person(date_of_birth=date(2011, 5, 4))
        involve(child, user=user)
        return user, child

    return make


def test_add_a_case_note_and_see_it_on_the_timeline(client: Client, child_of: Any) -> None:
    user, child = child_of("social_worker")
    response = client.post(
        f"/people/{child.pk}/notes/new/",
        {
            "occurred_at": when(hours=2),
            "summary": "Home visit",
            "detail": "Spoke with carer.",
            "significance": "routine",
            "handling": "open",
        },
    )
    assert response["Location"] == f"/people/{child.pk}/"
    page = client.get(f"/people/{child.pk}/")
    assert "Home visit" in page.text
    assert "Spoke with carer." in page.text
    assert user.agency.name in page.text
    assert AuditEvent.objects.filter(action="chronology.appended", actor=user).exists()


def test_evidential_note_keeps_the_exact_words(client: Client, child_of: Any) -> None:
    _, child = child_of("police_officer")
    url = f"/people/{child.pk}/notes/new/"
    base = {
        "occurred_at": when(minutes=30),
        "summary": "Comment during search",
        "significance": "significant",
        "handling": "open",
        "evidential": "on",
        "place": "Bedroom, Flat 3",
        "present": "PC Dunn, the child's aunt",
    }
    missing = client.post(url, base)
    assert missing.status_code == 400
    assert "Write down the exact words that were said." in missing.text
    client.post(url, {**base, "verbatim": "He said I owe him for the phone"})
    note = ChronologyEntry.objects.get(kind="evidential_note")
    assert note.verbatim == "He said I owe him for the phone"
    assert note.place == "Bedroom, Flat 3"
    page = client.get(f"/people/{child.pk}/")
    assert "He said I owe him for the phone" in page.text


def test_notes_cannot_be_changed_but_addenda_are_shown_with_them(
    client: Client, child_of: Any
) -> None:
    _, child = child_of("social_worker")
    note = chronology_append(
        person=child, kind="note", summary="Strategy discussion", occurred_at=timezone.now()
    )
    with pytest.raises(DatabaseError, match="addendum"), transaction.atomic():
        ChronologyEntry.objects.filter(pk=note.pk).update(summary="Rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        ChronologyEntry.objects.filter(pk=note.pk).delete()
    response = client.post(
        f"/people/{child.pk}/chronology/{note.pk}/addendum/",
        {"text": "The meeting was at 14:00, not 12:00."},
    )
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.summary == "Strategy discussion"
    page = client.get(f"/people/{child.pk}/")
    assert "The meeting was at 14:00, not 12:00." in page.text
    assert page.text.count("Strategy discussion") >= 1


@pytest.mark.parametrize(
    ("occurred", "message"),
    [
        ({"days": -2}, "cannot be in the future"),
        ({"days": 365 * 20}, "before the person was born"),
    ],
)
def test_impossible_dates_are_refused(
    client: Client, child_of: Any, occurred: dict[str, int], message: str
) -> None:
    _, child = child_of("social_worker")
    response = client.post(
        f"/people/{child.pk}/notes/new/",
        {
            "occurred_at": when(**occurred),
            "summary": "x",
            "significance": "routine",
            "handling": "open",
        },
    )
    assert response.status_code == 400
    assert message in response.text
    assert not ChronologyEntry.objects.filter(summary="x").exists()


def test_police_only_entries_are_hidden_from_other_agencies(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    police = AgencyFactory(kind="police")
    officer = make_user("police_officer", agency=police)
    child = person()
    chronology_append(
        person=child,
        kind="note",
        summary="Police intelligence note",
        occurred_at=timezone.now(),
        author=officer,
        handling="police_only",
    )
    chronology_append(
        person=child, kind="note", summary="Open note", occurred_at=timezone.now(), author=officer
    )
    worker = signed_in("social_worker")
    involve(child, user=worker)
    page = client.get(f"/people/{child.pk}/")
    assert "Open note" in page.text
    assert "Police intelligence note" not in page.text
    police_client = Client()
    from tests.conftest import sign_in

    involve(child, user=officer)
    sign_in(police_client, officer)
    assert "Police intelligence note" in police_client.get(f"/people/{child.pk}/").text


def test_sealed_entries_only_for_their_author(
    client: Client, child_of: Any, make_user: Any
) -> None:
    author, child = child_of("social_worker")
    sealed = chronology_append(
        person=child,
        kind="note",
        summary="Sealed note",
        occurred_at=timezone.now(),
        author=author,
        handling="sealed",
    )
    assert "Sealed note" in client.get(f"/people/{child.pk}/").text
    # Its author can correct it with an addendum, like any other entry they can see.
    addendum = f"/people/{child.pk}/chronology/{sealed.pk}/addendum/"
    assert client.get(addendum).status_code == 200
    colleague = make_user("social_worker", agency=author.agency)
    involve(child, user=colleague)
    other = Client()
    from tests.conftest import sign_in

    sign_in(other, colleague)
    assert "Sealed note" not in other.get(f"/people/{child.pk}/").text
    assert other.get(addendum).status_code == 404


def test_a_worker_cannot_mark_a_note_police_only_unless_police(
    client: Client, child_of: Any
) -> None:
    _, child = child_of("social_worker")
    response = client.post(
        f"/people/{child.pk}/notes/new/",
        {
            "occurred_at": when(hours=1),
            "summary": "x",
            "significance": "routine",
            "handling": "police_only",
        },
    )
    assert response.status_code == 400
    assert not ChronologyEntry.objects.filter(summary="x").exists()


def test_filter_significant_events(client: Client, child_of: Any) -> None:
    _, child = child_of("social_worker")
    chronology_append(person=child, kind="note", summary="Routine call", occurred_at=timezone.now())
    chronology_append(
        person=child,
        kind="missing",
        summary="Missing overnight",
        occurred_at=timezone.now(),
        significance="significant",
    )
    page = client.get(f"/people/{child.pk}/?significant=1")
    assert "Missing overnight" in page.text
    assert "Routine call" not in page.text
    by_kind = client.get(f"/people/{child.pk}/?kind=note")
    assert "Routine call" in by_kind.text
    assert "Missing overnight" not in by_kind.text


def test_notes_on_someone_out_of_scope_are_refused(client: Client, signed_in: Any) -> None:
    signed_in("social_worker")
    child = person()
    response = client.post(
        f"/people/{child.pk}/notes/new/",
        {
            "occurred_at": when(hours=1),
            "summary": "x",
            "significance": "routine",
            "handling": "open",
        },
    )
    assert response.status_code == 404
    assert not ChronologyEntry.objects.exists()


def test_timeline_reads_in_a_fixed_number_of_queries(
    client: Client, child_of: Any, django_assert_max_num_queries: Any
) -> None:
    author, child = child_of("social_worker")
    for n in range(60):
        note = chronology_append(
            person=child,
            kind="note",
            summary=f"Entry {n}",
            occurred_at=timezone.now() - timedelta(hours=n),
            author=author,
        )
        if n % 10 == 0:
            chronology_append(
                person=child,
                kind="addendum",
                summary="a",
                detail="fix",
                occurred_at=timezone.now(),
                amends=note,
                author=author,
            )
    client.get(f"/people/{child.pk}/")  # warm the session
    # 30 for the page and one for the header's count of unread notifications.
    with django_assert_max_num_queries(31):
        page = client.get(f"/people/{child.pk}/")
    assert page.text.count("moj-timeline__item") == 50  # first page of 50


def test_an_event_dated_today_goes_on_the_timeline_before_noon_too() -> None:
    from datetime import date, datetime
    from unittest import mock
    from zoneinfo import ZoneInfo

    from lantern.chronology.services import on_day

    london = ZoneInfo("Europe/London")
    morning = datetime(2026, 11, 27, 9, 30, tzinfo=london)
    with mock.patch("django.utils.timezone.now", return_value=morning):
        assert on_day(date(2026, 11, 27)) == morning  # not noon: that is still to come
        assert on_day(date(2026, 11, 26)) == datetime(2026, 11, 26, 12, 0, tzinfo=london)
