"""The home page ("my work"), drafts, health and error pages."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_otp_webauthn.models import WebAuthnCredential

from lantern.access.models import Alert
from lantern.access.policy import declare_action
from lantern.access.services import restrictions_due_for_review
from lantern.accounts.models import user_of
from lantern.core.drafts import draft_discard, draft_save
from lantern.core.models import Notification
from lantern.core.notifications import notification_open, notifications_for
from lantern.core.work import open_task_count
from lantern.people.services import flags_due_for_review
from lantern.referrals.selectors import referral_work


@declare_action("home.view")
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    # Passkeys are the preferred second factor: invite anyone who has not added one yet.
    user = user_of(request)
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "core/home.html",
        {
            "suggest_passkey": not has_passkey,
            "alerts": Alert.objects.filter(recipient=user, read_at__isnull=True)[:20],
            "reviews_due": restrictions_due_for_review(user),
            "flags_due": flags_due_for_review(user),
            "referral_work": referral_work(user),
            "open_tasks": open_task_count(user),
        },
    )


@declare_action("notifications.view")
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/notifications.html",
        {"notifications": notifications_for(user_of(request))},
    )


@declare_action("notifications.view")
@require_GET
def notification_open_view(request: HttpRequest, pk: str) -> HttpResponse:
    """Following a notification marks it read. Another user's notification is not found."""
    user = user_of(request)
    notification = get_object_or_404(Notification, pk=pk, user=user)
    return redirect(notification_open(request=request, user=user, notification=notification))


@declare_action("public")
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers: the process answers and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _own_path(request: HttpRequest) -> str | None:
    path = request.POST.get("draft_path", "")
    if path.startswith("/") and url_has_allowed_host_and_scheme(
        path, allowed_hosts={request.get_host()}
    ):
        return path.split("?", 1)[0]
    return None


@declare_action("drafts.save")
@require_POST
def draft_autosave(request: HttpRequest) -> JsonResponse:
    """Pages with a draftable form post their answers here every so often and before a
    time-out, so nothing typed is lost."""
    path = _own_path(request)
    if path is None:
        return JsonResponse({"title": "Unknown form", "status": 400}, status=400)
    data = request.POST.copy()
    data.pop("draft_path", None)
    draft = draft_save(user=request.user, path=path, data=data, reason="autosave", request=request)
    return JsonResponse({"saved": draft is not None})


@declare_action("drafts.save")
@require_POST
def draft_discard_view(request: HttpRequest) -> HttpResponse:
    path = _own_path(request)
    if path is not None:
        draft_discard(user=request.user, path=path, request=request)
        return redirect(path)
    return redirect("core:home")


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # A person's address that cannot be opened offers emergency access, whether or not the
    # record exists, so the offer itself reveals nothing.
    emergency_url = ""
    try:
        match = resolve(request.path)
    except Resolver404:
        match = None
    if match is not None and match.view_name == "people:person":
        emergency_url = reverse("people:emergency-access", kwargs=match.kwargs)
    return render(request, "errors/404.html", {"emergency_url": emergency_url}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)
