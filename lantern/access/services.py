"""Writes of the trust model: involvement, restrictions, break-the-glass. Each one audited."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import alert_auditors, audit_record
from lantern.access.models import (
    AccessGrant,
    AlertKind,
    BreakGlassReason,
    GrantKind,
    Involvement,
    Restriction,
)
from lantern.access.policy import record_rule
from lantern.access.scopes import basis_for
from lantern.accounts.models import User


def _link(record: models.Model) -> dict[str, Any]:
    return {"content_type": ContentType.objects.get_for_model(record), "object_id": record.pk}


def involvement_add(
    *,
    actor: User | None,
    record: models.Model,
    kind: str,
    user: User | None = None,
    team: Any = None,
    request: HttpRequest | None = None,
) -> Involvement:
    with transaction.atomic():
        involvement = Involvement(
            **_link(record), kind=kind, user=user, team=team, recorded_by=actor
        )
        involvement.full_clean()
        involvement.save()
        audit_record(
            action="record.involvement_added",
            request=request,
            actor=actor,
            obj=record,
            detail={"kind": kind, "user": str(user or ""), "team": str(team or "")},
        )
    return involvement


def record_owner(record: models.Model) -> User | None:
    """The person answerable for a record's access: its restriction's owner, else its
    allocated worker."""
    link = _link(record)
    restriction = Restriction.objects.filter(**link, lifted_at__isnull=True).first()
    if restriction is not None:
        return restriction.owner
    allocated = (
        Involvement.objects.filter(**link, kind="allocated_worker", ended_at__isnull=True)
        .select_related("user")
        .first()
    )
    return allocated.user if allocated is not None else None


def break_glass(
    *,
    request: HttpRequest,
    user: User,
    record: models.Model,
    reason: str,
    explanation: str,
) -> AccessGrant:
    """Emergency access to a record the user has no relationship with, for
    LANTERN_BREAK_GLASS_HOURS. Refused (as not found, by the caller) for restricted records and
    for roles without a legitimate need; the owner and the auditors are alerted at once."""
    errors: dict[str, str] = {}
    if reason not in BreakGlassReason.values:
        errors["reason"] = "Choose why you need this record now."
    if len(explanation.strip()) < 10:
        errors["explanation"] = "Explain in a sentence or more why you need this record now."
    if errors:
        raise ValidationError(errors)
    link = _link(record)
    if Restriction.objects.filter(**link, lifted_at__isnull=True).exists() or not user.has_role(
        *record_rule(record._meta.label_lower).break_glass_roles
    ):
        raise PermissionError("Emergency access is not available for this record.")
    now = timezone.now()
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            **link,
            user=user,
            kind=GrantKind.BREAK_GLASS,
            reason=reason,
            explanation=explanation.strip(),
            granted_by=user,
            starts_at=now,
            expires_at=now + timedelta(hours=settings.LANTERN_BREAK_GLASS_HOURS),
        )
        audit_record(
            action="record.break_glass",
            request=request,
            actor=user,
            obj=record,
            purpose=explanation.strip(),
            detail={"reason": reason, "expires_at": grant.expires_at.isoformat()},
        )
        alert_auditors(
            kind=AlertKind.BREAK_GLASS,
            about_user=user,
            message=(
                f"{user} ({user.agency}) used emergency access to a record: "
                f"{BreakGlassReason(reason).label}. \u201c{explanation.strip()[:200]}\u201d"
            ),
            link=request.path.rsplit("emergency-access/", 1)[0],
            also=[record_owner(record)],
        )
    return grant


def restriction_add(
    *,
    request: HttpRequest,
    owner: User,
    record: models.Model,
    reason: str,
    explanation: str,
    members: list[User],
    review_due: date,
) -> Restriction:
    """Restrict a record to named users. The owner is always named; the review date may be no
    more than LANTERN_RESTRICTION_MAX_REVIEW_DAYS ahead."""
    rule = record_rule(record._meta.label_lower)
    if not owner.has_role(*rule.restrict_roles) or basis_for(owner, record) is None:
        raise PermissionError("You cannot restrict this record.")
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if review_due <= today:
        errors["review_due"] = "The review date must be in the future."
    elif review_due > today + timedelta(days=settings.LANTERN_RESTRICTION_MAX_REVIEW_DAYS):
        errors["review_due"] = (
            f"The review date must be within {settings.LANTERN_RESTRICTION_MAX_REVIEW_DAYS} days."
        )
    if not explanation.strip():
        errors["explanation"] = "Explain why this record must be restricted."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        restriction = Restriction(
            **_link(record),
            reason=reason,
            explanation=explanation.strip(),
            owner=owner,
            review_due=review_due,
        )
        restriction.full_clean()
        restriction.save()
        restriction.members.set({owner, *members})
        audit_record(
            action="record.restricted",
            request=request,
            actor=owner,
            obj=record,
            purpose=explanation.strip(),
            detail={
                "reason": reason,
                "members": sorted(u.username for u in {owner, *members}),
                "review_due": review_due.isoformat(),
            },
        )
    return restriction


def restriction_lift(
    *, request: HttpRequest, actor: User, restriction: Restriction, reason: str
) -> None:
    if actor.pk != restriction.owner_id:
        raise PermissionError("Only the restriction's owner can lift it.")
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the restriction is no longer needed."})
    with transaction.atomic():
        restriction.lifted_at = timezone.now()
        restriction.lifted_reason = reason.strip()
        restriction.save(update_fields=["lifted_at", "lifted_reason"])
        audit_record(
            action="record.restriction_lifted",
            request=request,
            actor=actor,
            object_type=restriction.content_type.model_class()._meta.label_lower,  # type: ignore[union-attr]
            object_id=str(restriction.object_id),
            purpose=reason.strip(),
        )


def restriction_review(
    *, request: HttpRequest, actor: User, restriction: Restriction, review_due: date, note: str
) -> None:
    """The owner keeps the restriction and sets the next review, again at most
    LANTERN_RESTRICTION_MAX_REVIEW_DAYS ahead."""
    if actor.pk != restriction.owner_id:
        raise PermissionError("Only the restriction's owner can review it.")
    today = timezone.localdate()
    limit = today + timedelta(days=settings.LANTERN_RESTRICTION_MAX_REVIEW_DAYS)
    if not today < review_due <= limit:
        raise ValidationError(
            {
                "review_due": "The next review must be after today and within "
                f"{settings.LANTERN_RESTRICTION_MAX_REVIEW_DAYS} days."
            }
        )
    with transaction.atomic():
        previous = restriction.review_due
        restriction.review_due = review_due
        restriction.save(update_fields=["review_due"])
        audit_record(
            action="record.restriction_reviewed",
            request=request,
            actor=actor,
            object_type=restriction.content_type.model_class()._meta.label_lower,  # type: ignore[union-attr]
            object_id=str(restriction.object_id),
            purpose=note.strip(),
            detail={"from": previous.isoformat(), "to": review_due.isoformat()},
        )


def alert_mark_read(*, request: HttpRequest, user: User, alert: Any) -> None:
    if alert.recipient_id != user.pk:
        raise PermissionError("Only the alert's recipient can mark it read.")
    with transaction.atomic():
        alert.read_at = timezone.now()
        alert.save(update_fields=["read_at"])
        audit_record(action="alert.read", request=request, actor=user, obj=alert)


def restrictions_due_for_review(user: User) -> list[Restriction]:
    """Restrictions the user owns whose review date has passed: shown in their work."""
    return list(
        Restriction.objects.filter(
            owner=user, lifted_at__isnull=True, review_due__lte=timezone.localdate()
        ).order_by("review_due")
    )
