"""Enforces the access policy on every view before it runs. Fails closed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from lantern.access.audit import audit_record
from lantern.access.policy import Rule, Stage, action_of, rule_for

Handler = Callable[[HttpRequest], HttpResponse]


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def problem(status: int, title: str) -> JsonResponse:
    """An RFC 9457 problem document, for API clients."""
    return JsonResponse(
        {"type": "about:blank", "title": title, "status": status},
        status=status,
        content_type="application/problem+json",
    )


def refuse(request: HttpRequest, reason: str) -> HttpResponse:
    if wants_json(request):
        return problem(403, "You do not have access to this resource.")
    return render(request, "errors/403.html", {"reason": reason}, status=403)


class AccessPolicyMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        action = action_of(view_func)
        rule = rule_for(action)
        request.lantern_action = action  # type: ignore[attr-defined]
        if rule is not None and rule.allows(request.user):
            return None
        if rule is not None:
            unfinished = _finish_signing_in(request, rule)
            if unfinished is not None:
                return unfinished
        # No declared action, an action without a rule, or a role the rule does not allow.
        audit_record(
            action="access.refused",
            request=request,
            outcome="refused",
            detail={"path": request.path, "declared_action": action or ""},
        )
        return refuse(request, "role" if rule is not None else "undeclared")


def _finish_signing_in(request: HttpRequest, rule: Rule) -> HttpResponse | None:
    """Where the user has not yet signed in far enough for the rule, send them on."""
    user = request.user
    if not user.is_authenticated:
        if wants_json(request):
            return problem(401, "Sign in to use this resource.")
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{query}")
    if rule.stage is Stage.VERIFIED and not user.is_verified():
        if wants_json(request):
            return problem(401, "Confirm it is you with your second factor first.")
        return HttpResponseRedirect(reverse("accounts:verify"))
    return None
