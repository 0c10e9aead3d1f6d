"""Writing and verifying the audit trail. Every service calls `audit_record` for its write."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.models import Alert, AlertKind, AuditEvent
from lantern.accounts.models import User


def _client_address(request: HttpRequest) -> str | None:
    # Behind a proxy the deployment sets REMOTE_ADDR correctly (the proxy's own header is not
    # trusted here, so the address cannot be forged by the client).
    return request.META.get("REMOTE_ADDR") or None


def audit_record(
    *,
    action: str,
    request: HttpRequest | None = None,
    actor: Any = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    purpose: str = "",
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
    username: str = "",
) -> AuditEvent:
    """Append one audit event, in the caller's transaction when there is one.

    The actor is taken from the request unless given; their agency and roles are copied as they
    are now, because the trail must show who someone was when they acted.
    """
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)[:300]
    event = AuditEvent(
        action=action,
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        actor_username=getattr(actor, "username", "") or username,
        actor_agency=str(actor.agency) if getattr(actor, "agency_id", None) else "",
        actor_roles=", ".join(sorted(actor.role_codes)) if actor is not None else "",
        object_type=object_type,
        object_id=object_id,
        object_label=object_label,
        purpose=purpose,
        outcome=outcome,
        detail=detail or {},
    )
    if request is not None:
        event.request_id = getattr(request, "request_id", "")
        event.ip_address = _client_address(request)
        event.user_agent = request.headers.get("User-Agent", "")[:500]
    event.save(force_insert=True)
    return event


def record_read(
    *, request: HttpRequest, record: models.Model, action: str, basis: str, purpose: str = ""
) -> AuditEvent:
    """A read of a protected record, with why the reader was allowed to see it."""
    return audit_record(
        action=action, request=request, obj=record, purpose=purpose, detail={"basis": basis}
    )


def record_denied(
    *, request: HttpRequest, model: type[models.Model], object_id: str, action: str
) -> AuditEvent:
    """An attempt to open a record that is missing, restricted or out of scope. The user saw
    only "not found"; the auditors are alerted once a user's denied attempts in an hour reach
    LANTERN_DENIED_ALERT_THRESHOLD."""
    event = audit_record(
        action="record.denied",
        request=request,
        object_type=model._meta.label_lower,
        object_id=object_id[:64],
        outcome="denied",
        detail={"attempted": action, "path": request.path},
    )
    user = request.user
    if user.is_authenticated:
        since = timezone.now() - timedelta(hours=1)
        count = AuditEvent.objects.filter(
            actor=user, action="record.denied", occurred_at__gte=since
        ).count()
        if count == settings.LANTERN_DENIED_ALERT_THRESHOLD:
            alert_auditors(
                kind=AlertKind.DENIED_ATTEMPTS,
                about_user=user,
                message=(
                    f"{user} ({getattr(user, 'agency', '')}) tried to open {count} records "
                    "they have no access to within an hour."
                ),
            )
    return event


def alert_auditors(
    *, kind: str, message: str, about_user: Any = None, link: str = "", also: Any = ()
) -> int:
    """An alert to every active auditor (and to `also`, such as a record's owner)."""
    recipients = {
        *User.objects.filter(is_active=True, roles__code="auditor").distinct(),
        *(u for u in also if u is not None),
    }
    Alert.objects.bulk_create(
        Alert(kind=kind, recipient=r, about_user=about_user, message=message, link=link)
        for r in recipients
    )
    return len(recipients)


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_broken_seq: int | None

    @property
    def intact(self) -> bool:
        return self.first_broken_seq is None


def audit_verify_chain() -> ChainReport:
    """Recompute every hash in order with the same SQL function the insert trigger uses."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT seq, prev_hash, hash,
                   lantern_audit_hash(prev_hash, seq, occurred_at, actor_id, action,
                                      object_type, object_id, outcome, detail) AS expected,
                   lag(hash) OVER (ORDER BY seq) AS previous
              FROM access_auditevent
             ORDER BY seq
            """
        )
        checked = 0
        for seq, prev_hash, stored, expected, previous in cursor:
            checked += 1
            if stored != expected or prev_hash != (previous or ""):
                return ChainReport(checked=checked, first_broken_seq=seq)
    return ChainReport(checked=checked, first_broken_seq=None)
