"""In-app notifications, each with a short email that carries no personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.core.links import local_path
from lantern.core.models import Notification


def notification_email(user: User) -> tuple[str, str]:
    """Subject and text of the email: that there is something to read, and where. Email is
    not a secure channel, so no names, no details, not even the subject of the notification."""
    service = settings.LANTERN_SERVICE_NAME
    address = settings.LANTERN_BASE_URL.rstrip("/") + reverse("core:notifications")
    subject = f"{service}: you have a new notification"
    body = (
        f"You have a new notification in {service}.\n\n"
        f"Sign in to read it: {address}\n\n"
        f"For your security, the details are only shown in {service}. "
        f"Do not reply to this email.\n"
    )
    return subject, body


def notify(*, user: User, subject: str, body: str, link: str = "") -> Notification:
    """Tell `user` something in Lantern, and email them (after the commit, so nobody is
    emailed about a change that was rolled back) that they have a notification.

    `subject` and `body` are shown only in Lantern and may name people; `link` must be a path
    within Lantern.
    """
    if link and not local_path(link):
        raise ValueError("A notification links to a page within Lantern only.")
    notification = Notification.objects.create(user=user, subject=subject, body=body, link=link)
    if user.email:
        email_subject, email_body = notification_email(user)
        transaction.on_commit(
            lambda: send_mail(email_subject, email_body, None, [user.email]), robust=True
        )
    return notification


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: User) -> list[Notification]:
    """The user's own notifications, newest first (nobody sees anyone else's)."""
    return list(Notification.objects.filter(user=user).order_by("-created_at")[:200])


def notification_open(*, request: HttpRequest, user: User, notification: Notification) -> str:
    """Mark the user's notification read; return where to go next (its link, if safe)."""
    if notification.user_id != user.pk:
        raise PermissionError("Only the notification's recipient can open it.")
    if notification.read_at is None:
        with transaction.atomic():
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
            audit_record(action="notification.read", request=request, actor=user, obj=notification)
    return local_path(notification.link) or reverse("core:notifications")
