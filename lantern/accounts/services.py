"""Writes for sign-in and for the administration of agencies, teams and users.

Each service validates, writes, and appends its audit event in one transaction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from lantern.access.audit import audit_record
from lantern.accounts.models import Agency, Role, Team, User
from lantern.core.models import Code
from lantern.core.services import apply_changes

SIGNED_IN_AT = "lantern_signed_in_at"


class SignInError(Exception):
    """Sign-in cannot go on; the message is safe to show the person signing in."""


WRONG_DETAILS = "Enter a correct username and password."
ACCOUNT_DISABLED = (
    "Your account has been disabled. Contact your agency's Lantern administrator if you "
    "still need access."
)
AGENCY_DISABLED = (
    "Your agency's access to Lantern has been suspended. Contact your agency's Lantern "
    "administrator."
)
WRONG_CODE = (
    "The security code is not correct. Enter the 6-digit code your authenticator app shows now."
)


def sign_in_with_password(*, request: HttpRequest, username: str, password: str) -> User:
    """First factor. On success the user is signed in but not yet verified (no second factor),
    so the access policy lets them reach only the second-factor pages.

    Failures are counted by django-axes (per username and address, and per username) and
    audited; a disabled user or agency is told so only once the password is right, so the
    message reveals nothing to someone guessing.
    """
    user = authenticate(request=request, username=username, password=password)
    if user is None:
        audit_record(
            action="auth.sign_in_failed",
            request=request,
            outcome="refused",
            username=username[:150],
            detail={
                "reason": "locked_out"
                if getattr(request, "axes_locked_out", False)
                else "wrong_details"
            },
        )
        raise SignInError(WRONG_DETAILS)
    if not isinstance(user, User):
        raise TypeError("The authentication backends must return a Lantern user.")
    if not user.is_active:
        audit_record(
            action="auth.sign_in_failed",
            request=request,
            actor=user,
            outcome="refused",
            detail={"reason": "user_disabled"},
        )
        raise SignInError(ACCOUNT_DISABLED)
    if user.agency is not None and not user.agency.is_active:
        audit_record(
            action="auth.sign_in_failed",
            request=request,
            actor=user,
            outcome="refused",
            detail={"reason": "agency_disabled"},
        )
        raise SignInError(AGENCY_DISABLED)
    with transaction.atomic():
        login(request, user, backend="django.contrib.auth.backends.AllowAllUsersModelBackend")
        request.session[SIGNED_IN_AT] = time.time()
        audit_record(action="auth.password_accepted", request=request, actor=user)
    return user


def totp_device_for(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_start_enrolment(*, user: User) -> TOTPDevice:
    """An unconfirmed authenticator for a user who has none; confirmed by their first code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def second_factor_verify_totp(*, request: HttpRequest, user: User, code: str) -> None:
    """Second factor by authenticator code; also confirms a device being set up."""
    device = totp_device_for(user) or TOTPDevice.objects.filter(user=user).first()
    if device is None:
        raise SignInError("Set up an authenticator app first.")
    allowed, why = device.verify_is_allowed()
    if not allowed:
        wait = (why or {}).get("locked_until")
        audit_record(
            action="auth.second_factor_failed",
            request=request,
            actor=user,
            outcome="refused",
            detail={"method": "totp", "reason": "throttled"},
        )
        suffix = f" Try again after {wait:%H:%M:%S}." if wait else " Wait a moment and try again."
        raise SignInError("Too many incorrect codes." + suffix)
    code = code.replace(" ", "").strip()
    if not (code.isdigit() and len(code) == 6) or not device.verify_token(code):
        audit_record(
            action="auth.second_factor_failed",
            request=request,
            actor=user,
            outcome="refused",
            detail={"method": "totp"},
        )
        raise SignInError(WRONG_CODE)
    with transaction.atomic():
        enrolled = not device.confirmed
        if enrolled:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_record(
            action="auth.signed_in",
            request=request,
            actor=user,
            detail={"method": "totp", "enrolled_now": enrolled},
        )


def record_passkey_sign_in(*, request: HttpRequest, user: User) -> None:
    audit_record(action="auth.signed_in", request=request, actor=user, detail={"method": "passkey"})


def sign_out(*, request: HttpRequest, reason: str = "user") -> None:
    if request.user.is_authenticated:
        audit_record(action="auth.signed_out", request=request, detail={"reason": reason})
    logout(request)


# --- Administration -------------------------------------------------------------------------


@dataclass(frozen=True)
class UserDetails:
    username: str
    first_name: str
    last_name: str
    email: str
    job_title: str
    agency: Agency
    teams: list[Team]
    roles: list[Role]


def agency_create(
    *, actor: User, request: HttpRequest | None, name: str, short_name: str, agency_type: Code
) -> Agency:
    with transaction.atomic():
        agency = Agency(
            name=name,
            short_name=short_name,
            agency_type=agency_type,
            created_by=actor,
            modified_by=actor,
        )
        agency.full_clean()
        agency.save()
        audit_record(action="agency.created", request=request, actor=actor, obj=agency)
    return agency


def agency_update(
    *,
    actor: User,
    request: HttpRequest | None,
    agency: Agency,
    expected_version: int,
    **changes: Any,
) -> Agency:
    with transaction.atomic():
        changed = apply_changes(
            agency, changes=changes, actor=actor, expected_version=expected_version
        )
        if changed:
            audit_record(
                action="agency.changed",
                request=request,
                actor=actor,
                obj=agency,
                detail={"changes": changed},
            )
    return agency


def agency_set_active(
    *, actor: User, request: HttpRequest | None, agency: Agency, active: bool, reason: str
) -> Agency:
    """Disabling an agency stops all its users signing in; their records stay."""
    if not active and not reason.strip():
        raise ValidationError({"reason": "Enter why you are disabling this agency."})
    with transaction.atomic():
        changed = apply_changes(
            agency,
            changes={"is_active": active, "disabled_reason": "" if active else reason},
            actor=actor,
        )
        if changed:
            audit_record(
                action="agency.enabled" if active else "agency.disabled",
                request=request,
                actor=actor,
                obj=agency,
                purpose=reason,
                detail={"changes": changed},
            )
    return agency


def team_create(
    *, actor: User, request: HttpRequest | None, agency: Agency, name: str, description: str = ""
) -> Team:
    with transaction.atomic():
        team = Team(
            agency=agency, name=name, description=description, created_by=actor, modified_by=actor
        )
        team.full_clean()
        team.save()
        audit_record(action="team.created", request=request, actor=actor, obj=team)
    return team


def team_update(
    *, actor: User, request: HttpRequest | None, team: Team, expected_version: int, **changes: Any
) -> Team:
    with transaction.atomic():
        changed = apply_changes(
            team, changes=changes, actor=actor, expected_version=expected_version
        )
        if changed:
            audit_record(
                action="team.changed",
                request=request,
                actor=actor,
                obj=team,
                detail={"changes": changed},
            )
    return team


def _membership_summary(user: User) -> dict[str, list[str]]:
    return {
        "teams": sorted(str(team.name) for team in user.teams.all()),
        "roles": sorted(role.code for role in user.roles.all()),
    }


def user_create(
    *, actor: User, request: HttpRequest | None, details: UserDetails, password: str
) -> User:
    """A new user in an agency. They set up their second factor the first time they sign in."""
    with transaction.atomic():
        user = User(
            username=details.username,
            first_name=details.first_name,
            last_name=details.last_name,
            email=details.email,
            job_title=details.job_title,
            agency=details.agency,
        )
        try:
            validate_password(password, user)
        except ValidationError as weak:
            raise ValidationError({"password": weak.messages}) from weak
        user.set_password(password)
        user.full_clean()
        user.save()
        user.teams.set(details.teams)
        user.roles.set(details.roles)
        audit_record(
            action="user.created",
            request=request,
            actor=actor,
            obj=user,
            detail=_membership_summary(user),
        )
    return user


def user_update(
    *,
    actor: User,
    request: HttpRequest | None,
    user: User,
    expected_version: int,
    details: UserDetails,
) -> User:
    with transaction.atomic():
        before = _membership_summary(user)
        changed = apply_changes(
            user,
            changes={
                "username": details.username,
                "first_name": details.first_name,
                "last_name": details.last_name,
                "email": details.email,
                "job_title": details.job_title,
                "agency": details.agency,
            },
            actor=actor,
            expected_version=expected_version,
        )
        user.teams.set(details.teams)
        user.roles.set(details.roles)
        after = _membership_summary(user)
        for key in ("teams", "roles"):
            if before[key] != after[key]:
                changed[key] = [before[key], after[key]]
        if changed:
            if "roles" in changed or "teams" in changed:
                user.version += 1
                user.save(update_fields=["version"])
            audit_record(
                action="user.changed",
                request=request,
                actor=actor,
                obj=user,
                detail={"changes": changed},
            )
    return user


def user_set_active(
    *, actor: User, request: HttpRequest | None, user: User, active: bool, reason: str
) -> User:

    if not active and not reason.strip():
        raise ValidationError({"reason": "Enter why you are disabling this user."})
    if user.pk == actor.pk and not active:
        raise ValidationError({"reason": "You cannot disable your own account."})
    with transaction.atomic():
        changed = apply_changes(
            user,
            changes={"is_active": active, "disabled_reason": "" if active else reason},
            actor=actor,
        )
        if changed:
            audit_record(
                action="user.enabled" if active else "user.disabled",
                request=request,
                actor=actor,
                obj=user,
                purpose=reason,
                detail={"changes": changed},
            )
    return user


def user_reset_second_factor(
    *, actor: User, request: HttpRequest | None, user: User, reason: str
) -> None:
    """Removes a user's authenticators (a lost phone); they set one up at next sign-in."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the user's sign-in methods are being reset."})
    with transaction.atomic():
        totp, _ = TOTPDevice.objects.filter(user=user).delete()
        passkeys, _ = WebAuthnCredential.objects.filter(user=user).delete()
        audit_record(
            action="user.second_factor_reset",
            request=request,
            actor=actor,
            obj=user,
            purpose=reason,
            detail={"totp": totp, "passkeys": passkeys},
        )
