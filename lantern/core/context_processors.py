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
    }
