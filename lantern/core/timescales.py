"""Changing the partnership's timescales (the deadlines `lantern.core.deadlines` computes)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.core.deadlines import clear_timescale_cache
from lantern.core.models import Timescale, TimescaleUnit
from lantern.core.services import apply_changes


def timescale_list() -> list[Timescale]:
    return list(Timescale.objects.select_related("modified_by").order_by("label"))


def timescale_update(
    *,
    request: HttpRequest | None,
    actor: User,
    timescale: Timescale,
    amount: int,
    unit: str,
    expected_version: int | None = None,
) -> Timescale:
    """Change how long a timescale allows. Deadlines already shown are computed again from the
    new value: the timescale is a rule, not a record of past deadlines."""
    if unit not in TimescaleUnit.values:
        raise ValidationError({"unit": "Choose hours, working hours, working days or days."})
    if amount < 1:
        raise ValidationError({"amount": "Enter a number of 1 or more."})
    with transaction.atomic():
        changed = apply_changes(
            timescale,
            changes={"amount": amount, "unit": unit},
            actor=actor,
            expected_version=expected_version,
        )
        if changed:
            audit_record(
                action="timescale.changed",
                request=request,
                actor=actor,
                obj=timescale,
                detail={"changes": changed},
            )
        # This process at once; after the commit too, in case a deadline was computed from
        # the uncommitted value in between. Other processes within deadlines.CACHE_SECONDS.
        clear_timescale_cache()
        transaction.on_commit(clear_timescale_cache)
    return timescale
