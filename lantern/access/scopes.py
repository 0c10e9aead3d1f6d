"""Need-to-know, applied to querysets. The one place that decides which records a user sees.

Every list, search, count, export and detail page of a protected record goes through
`scope()` or `access_record()`, so a list can never show a row the detail page would refuse.
"""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone

from lantern.access.audit import record_denied, record_read
from lantern.access.models import AccessGrant, Involvement, Restriction
from lantern.access.policy import record_rule


class Basis(StrEnum):
    """Why a user may see a record: recorded on every read so reports can highlight reads
    without a relationship."""

    NAMED = "named"  # named on the record's restriction
    INVOLVED = "involved"  # they or their team are involved
    AGENCY = "agency"  # their role sees records their agency is involved with
    PARTNERSHIP = "partnership"  # their role sees every record of the kind
    GRANT = "grant"  # a time-limited grant (break-the-glass or from the owner)


RELATIONSHIP = frozenset({Basis.NAMED, Basis.INVOLVED})


def _label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def _involvements(content_type: ContentType) -> QuerySet[Involvement]:
    return Involvement.objects.filter(content_type=content_type, ended_at__isnull=True)


def _live_grants(user: Any, content_type: ContentType) -> QuerySet[AccessGrant]:
    """The user's grants to records of this type that are in force now."""
    now = timezone.now()
    return AccessGrant.objects.filter(
        user=user,
        content_type=content_type,
        revoked_at__isnull=True,
        starts_at__lte=now,
        expires_at__gt=now,
    )


def visible_filter(user: Any, model: type[models.Model]) -> Q:
    """A Q on `model`'s primary key: exactly the records `user` may see now."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    rule = record_rule(_label(model))
    content_type = ContentType.objects.get_for_model(model)
    live_restrictions = Restriction.objects.filter(
        content_type=content_type, lifted_at__isnull=True
    )
    named = Q(pk__in=live_restrictions.filter(members=user).values("object_id"))
    if user.has_role(*rule.partnership_roles):
        base = Q()
    else:
        involvement = _involvements(content_type)
        mine = Q(user=user) | Q(team__in=user.teams.all())
        if user.agency_id and user.has_role(*rule.agency_roles):
            mine |= Q(user__agency_id=user.agency_id) | Q(team__agency_id=user.agency_id)
        base = Q(pk__in=involvement.filter(mine).values("object_id")) | Q(
            pk__in=_live_grants(user, content_type).values("object_id")
        )
    return (base & ~Q(pk__in=live_restrictions.values("object_id"))) | named


def scope[M: models.Model](user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """The queryset cut down to what the user may see."""
    return queryset.filter(visible_filter(user, queryset.model))


def basis_for(user: Any, record: models.Model) -> Basis | None:
    """The strongest reason the user may see this record, or None if they may not."""
    model = type(record)
    content_type = ContentType.objects.get_for_model(model)
    restriction = Restriction.objects.filter(
        content_type=content_type, object_id=record.pk, lifted_at__isnull=True
    ).first()
    if restriction is not None:
        return Basis.NAMED if restriction.members.filter(pk=user.pk).exists() else None
    involvement = _involvements(content_type).filter(object_id=record.pk)
    if involvement.filter(Q(user=user) | Q(team__in=user.teams.all())).exists():
        return Basis.INVOLVED
    rule = record_rule(_label(model))
    if user.has_role(*rule.partnership_roles):
        return Basis.PARTNERSHIP
    if (
        user.agency_id
        and user.has_role(*rule.agency_roles)
        and involvement.filter(
            Q(user__agency_id=user.agency_id) | Q(team__agency_id=user.agency_id)
        ).exists()
    ):
        return Basis.AGENCY
    if _live_grants(user, content_type).filter(object_id=record.pk).exists():
        return Basis.GRANT
    return None


def access_record[M: models.Model](
    *,
    request: HttpRequest,
    queryset: QuerySet[M],
    pk: Any,
    action: str,
    purpose: str = "",
) -> tuple[M, Basis]:
    """The one way to fetch a protected record for a user. Missing, archived, restricted and
    out-of-scope records all raise the same Http404, and the attempt is audited as denied;
    a record that is returned has its read audited with the basis of access."""
    user = request.user
    record = scope(user, queryset).filter(pk=pk).first() if is_uuid(pk) else None
    basis = basis_for(user, record) if record is not None else None
    if record is None or basis is None:
        record_denied(request=request, model=queryset.model, object_id=str(pk), action=action)
        raise Http404
    record_read(request=request, record=record, action=action, basis=basis, purpose=purpose)
    return record, basis


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True
