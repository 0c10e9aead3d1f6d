"""Sign-in with a mandatory second factor, sign-out, and the user's own sign-in methods."""

from __future__ import annotations

import base64
from typing import Any
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.accounts import services
from lantern.accounts.forms import CodeForm, SignInForm
from lantern.accounts.middleware import LAST_USER_COOKIE
from lantern.accounts.models import user_of

TIMEOUT_MESSAGES = {
    "idle": "You were signed out because you had not done anything for {minutes} minutes. "
    "Any answers you had not saved have been kept: sign in to carry on.",
    "max": "You were signed out because you had been signed in for {hours} hours. "
    "Any answers you had not saved have been kept: sign in to carry on.",
    "disabled": "You have been signed out because your access to Lantern has been withdrawn.",
}


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@declare_action("auth.sign_in")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("core:home" if request.user.is_verified() else "accounts:verify")
    form = SignInForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_with_password(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except services.SignInError as refused:
            refusal = str(refused)
        else:
            request.session["lantern_next"] = _safe_next(request)
            return redirect("accounts:verify")
    timeout = request.GET.get("timeout", "")
    timeout_message = TIMEOUT_MESSAGES.get(timeout, "").format(
        minutes=settings.SESSION_COOKIE_AGE // 60,
        hours=settings.LANTERN_SESSION_MAX_SECONDS // 3600,
    )
    status = 200 if not (form.errors or refusal) else 400
    return render(
        request,
        "accounts/sign_in.html",
        {
            "form": form,
            "refusal": refusal,
            "timeout_message": timeout_message,
            "next": _safe_next(request),
        },
        status=status,
    )


def locked_out(
    request: HttpRequest, credentials: Any = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """django-axes calls this once a username or address has too many failures."""
    return render(
        request,
        "accounts/locked_out.html",
        {"hours": settings.AXES_COOLOFF_TIME, "failures": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    target = request.session.pop("lantern_next", "") or ""
    return redirect(target or "core:home")


@declare_action("auth.second_factor")
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Second factor: a passkey where the user has one (preferred), else an authenticator code."""
    user = user_of(request)
    if user.is_verified():
        return redirect("core:home")
    if (
        services.totp_device_for(user) is None
        and not WebAuthnCredential.objects.filter(user=user).exists()
    ):
        return redirect("accounts:set-up")
    form = CodeForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify_totp(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except services.SignInError as refused:
            refusal = str(refused)
        else:
            return _after_sign_in(request)
    has_passkey = WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    return render(
        request,
        "accounts/verify.html",
        {
            "form": form,
            "refusal": refusal,
            "has_passkey": has_passkey,
            "has_totp": services.totp_device_for(user) is not None,
        },
        status=400 if (form.errors or refusal) else 200,
    )


@declare_action("auth.second_factor")
@require_http_methods(["GET", "POST"])
def set_up(request: HttpRequest) -> HttpResponse:
    """First sign-in: connect an authenticator app, proven by entering its first code."""
    user = user_of(request)
    if user.is_verified() or services.totp_device_for(user) is not None:
        return redirect("accounts:verify")
    device = services.totp_start_enrolment(user=user)
    form = CodeForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.second_factor_verify_totp(
                request=request, user=user, code=form.cleaned_data["code"]
            )
        except services.SignInError as refused:
            refusal = str(refused)
        else:
            messages.success(
                request,
                "Your authenticator app is set up. You can also add a passkey, which is quicker "
                "and safer.",
            )
            return _after_sign_in(request)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/set_up.html",
        {
            "form": form,
            "refusal": refusal,
            "qr_svg": qr.svg_inline(
                scale=4, omitsize=True, title="QR code for your authenticator app"
            ),
            "secret": _grouped(device.bin_key),
        },
        status=400 if (form.errors or refusal) else 200,
    )


def _grouped(key: bytes) -> str:
    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@declare_action("auth.sign_out")
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        timed_out = request.POST.get("reason") == "timeout"
        next_path = _safe_next(request)
        services.sign_out(request=request, reason="timeout" if timed_out else "user")
        if timed_out:
            query = urlencode({"timeout": "idle", "next": next_path})
            response = redirect(f"{reverse('accounts:sign-in')}?{query}")
        else:
            response = redirect("accounts:signed-out")
        response.delete_cookie(LAST_USER_COOKIE)
        return response
    return render(request, "accounts/sign_out.html")


@declare_action("public")
@require_GET
def signed_out(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signed_out.html")


@declare_action("session.keep_alive")
@require_POST
def keep_alive(request: HttpRequest) -> JsonResponse:
    """The time-out warning's 'Stay signed in': the request itself renews the session."""
    return JsonResponse({"idle_seconds": settings.SESSION_COOKIE_AGE})


@declare_action("account.view")
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at")
    return render(
        request,
        "accounts/account.html",
        {"passkeys": passkeys, "has_totp": services.totp_device_for(user) is not None},
    )


class PasskeySignInView(CompleteCredentialAuthenticationView):
    """django-otp-webauthn's passkey check, as a second factor only, and audited."""

    action = "auth.second_factor"

    def complete_auth(self, device: Any) -> Any:
        user = self.request.user
        if not user.is_authenticated or device.user_id != user.pk:
            audit_record(
                action="auth.second_factor_failed",
                request=self.request,
                outcome="refused",
                detail={"method": "passkey"},
            )
            raise PermissionDenied
        result = super().complete_auth(device)
        services.record_passkey_sign_in(request=self.request, user=user_of(self.request))
        return result

    def get_success_url(self) -> str:
        target = self.request.session.pop("lantern_next", "")
        return str(target or super().get_success_url())


class PasskeyRegisterView(CompleteCredentialRegistrationView):
    action = "account.passkeys"

    def post(self, *args: Any, **kwargs: Any) -> Any:
        response = super().post(*args, **kwargs)
        if response.status_code == 200:
            audit_record(action="auth.passkey_added", request=self.request)
        return response
