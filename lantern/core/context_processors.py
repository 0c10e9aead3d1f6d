from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def service(request: HttpRequest) -> dict[str, Any]:
    """Service-wide values every page template needs: name, phase and the idle timeout."""
    return {
        "service_name": settings.LANTERN_SERVICE_NAME,
        "service_phase": settings.LANTERN_PHASE,
        "session_idle_seconds": settings.SESSION_COOKIE_AGE,
        "session_warning_seconds": settings.LANTERN_SESSION_WARNING_SECONDS,
        "demo_mode": settings.LANTERN_DEMO_MODE,
        # Called by the template (which calls callables) only where the header shows it.
        "unread_notifications": _UnreadCount(request),
    }


class _UnreadCount:
    """The user's unread notifications: one count query, at most once per page."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.value: int | None = None

    def __call__(self) -> int:
        if self.value is None:
            from lantern.core.notifications import unread_count  # noqa: PLC0415

            user = getattr(self.request, "user", None)
            self.value = unread_count(user) if user and user.is_authenticated else 0
        return self.value
