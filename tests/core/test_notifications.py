"""Notifications: in Lantern with their details, by email with none."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.accounts.models import User
from lantern.core.links import local_path
from lantern.core.models import Notification
from lantern.core.notifications import notify

pytestmark = pytest.mark.django_db

DETAILS = "Amelia Hartley-Quinn went missing again last night"


def test_the_email_is_sent_on_commit_and_carries_no_personal_data(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("social_worker")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user=user, subject=DETAILS, body=f"{DETAILS}. Ring her school.", link="/people/")
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [user.email]
    assert email.subject == "Lantern: you have a new notification"
    assert "https://lantern.test/notifications/" in email.body
    text = email.subject + email.body
    for word in ["Amelia", "Hartley", "missing", "school", "/people/", user.last_name]:
        assert word not in text
    assert Notification.objects.get(user=user).body == f"{DETAILS}. Ring her school."


def test_no_email_without_an_address_and_none_for_a_rolled_back_change(
    make_user: Callable[..., User], django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("social_worker", email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify(user=user, subject="Something", body="")
    assert callbacks == []
    assert mail.outbox == []


def test_a_link_outside_lantern_is_refused() -> None:
    assert local_path("/people/123/") == "/people/123/"
    for link in ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]:
        assert local_path(link) == "", link
    with pytest.raises(ValueError, match="within Lantern"):
        notify(user=User(), subject="x", body="", link="https://evil.example/")


def test_the_page_lists_only_your_own_newest_first_with_unread_marked(
    client: Client, signed_in: Callable[..., User], make_user: Callable[..., User]
) -> None:
    user = signed_in("social_worker")
    older = notify(user=user, subject="Older news", body="First")
    newer = notify(user=user, subject="Newer news", body="Second")
    Notification.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2025))
    notify(user=make_user("police_officer"), subject="Someone else's news", body="Theirs")
    page = client.get("/notifications/").text
    assert page.index("Newer news") < page.index("Older news")
    assert "Someone else" not in page
    assert page.count(">Unread</strong>") == 2


def test_the_header_counts_unread_notifications(
    client: Client, signed_in: Callable[..., User]
) -> None:
    user = signed_in("social_worker")
    assert "data-unread-count" not in client.get("/").text
    for n in range(3):
        notify(user=user, subject=f"News {n}", body="")
    page = client.get("/").text
    assert 'data-unread-count>3<span class="govuk-visually-hidden"> unread</span>' in page


def test_opening_marks_read_and_follows_the_link(
    client: Client, signed_in: Callable[..., User]
) -> None:
    user = signed_in("social_worker")
    notification = notify(user=user, subject="Look", body="", link="/people/?q=x")
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302
    assert response["Location"] == "/people/?q=x"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert AuditEvent.objects.filter(
        action="notification.read", object_id=str(notification.pk), actor=user
    ).exists()
    assert "data-unread-count" not in client.get("/").text


def test_an_unsafe_stored_link_goes_to_the_notifications_page(
    client: Client, signed_in: Callable[..., User]
) -> None:
    user = signed_in("social_worker")
    notification = Notification.objects.create(
        user=user, subject="Old", body="", link="https://evil.example/"
    )
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == "/notifications/"


def test_another_users_notification_is_not_found(
    client: Client, signed_in: Callable[..., User], make_user: Callable[..., User]
) -> None:
    signed_in("social_worker")
    theirs = notify(user=make_user("social_worker"), subject="Theirs", body="", link="/people/")
    response = client.get(f"/notifications/{theirs.pk}/open/")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_signed_out_users_are_sent_to_sign_in(client: Client, make_user: Any) -> None:
    notification = notify(user=make_user("social_worker"), subject="x", body="")
    for path in ["/notifications/", f"/notifications/{notification.pk}/open/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/sign-in/?")
