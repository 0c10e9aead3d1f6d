"""Session time-outs that lose no work.

An idle session ends after SESSION_COOKIE_AGE (Django renews it on each request), and any
session ends after LANTERN_SESSION_MAX_SECONDS. When a form is submitted after the session
has ended, its answers are kept as a draft for the same user, who is asked to sign in again
and then finds the form filled in as they left it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.core.signing import BadSignature
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from lantern.access.policy import Stage, action_of, rule_for
from lantern.accounts.models import User
from lantern.accounts.services import SIGNED_IN_AT
from lantern.core.drafts import draft_save

Handler = Callable[[HttpRequest], HttpResponse]
LAST_USER_COOKIE = "lantern_user"
LAST_USER_SALT = "lantern.accounts.last-user"


def _timed_out_response(request: HttpRequest, reason: str) -> HttpResponse:
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"title": "Your session has ended", "status": 401, "reason": reason}, status=401
        )
    else:
        query = urlencode({"next": request.get_full_path(), "timeout": reason})
        response = HttpResponseRedirect(f"{reverse('accounts:sign-in')}?{query}")
    response.delete_cookie(LAST_USER_COOKIE)
    return response


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.set_signed_cookie(
                LAST_USER_COOKIE,
                str(user.pk),
                salt=LAST_USER_SALT,
                max_age=settings.LANTERN_DRAFT_RETENTION_DAYS * 86400,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        rule = rule_for(action_of(view_func))
        if rule is None or rule.stage is Stage.ANONYMOUS:
            return None
        user = request.user
        if user.is_authenticated:
            return self._end_if_over(request, user)
        try:
            last_user_id = request.get_signed_cookie(
                LAST_USER_COOKIE,
                salt=LAST_USER_SALT,
                max_age=settings.LANTERN_DRAFT_RETENTION_DAYS * 86400,
            )
        except (KeyError, BadSignature):
            return None
        last_user = User.objects.filter(pk=str(last_user_id), is_active=True).first()
        if last_user is None:
            return None
        self._keep_answers(request, last_user)
        return _timed_out_response(request, "idle")

    def _end_if_over(self, request: HttpRequest, user: Any) -> HttpResponse | None:
        """End a signed-in session whose user or agency was disabled, or that is too old."""
        agency = getattr(user, "agency", None)
        if not user.is_active or (agency is not None and not agency.is_active):
            logout(request)
            return _timed_out_response(request, "disabled")
        signed_in_at = request.session.get(SIGNED_IN_AT, 0)
        if time.time() - signed_in_at > settings.LANTERN_SESSION_MAX_SECONDS:
            self._keep_answers(request, user)
            logout(request)
            return _timed_out_response(request, "max")
        return None

    @staticmethod
    def _keep_answers(request: HttpRequest, user: Any) -> None:
        if request.method == "POST" and request.content_type in {
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        }:
            draft_save(
                user=user, path=request.path, data=request.POST, reason="timeout", request=request
            )
