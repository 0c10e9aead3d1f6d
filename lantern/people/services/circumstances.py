"""Legal status, addresses and schools: dated periods, ended rather than overwritten."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append, on_day
from lantern.core.models import Code
from lantern.core.services import apply_changes
from lantern.people.models import (
    STATUS_CODE_LIST,
    Address,
    Enrolment,
    LegalStatus,
    LegalStatusKind,
    Person,
    School,
    overlaps,
)
from lantern.people.postcodes import normalise_postcode


def _not_before_birth(person: Person, day: date, field: str = "valid_from") -> None:
    if person.born_earliest and day < person.born_earliest:
        raise ValidationError({field: f"This is before {person} was born."})
    if day > timezone.localdate():
        raise ValidationError({field: "The start date cannot be in the future."})


def legal_status_start(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    kind: str,
    valid_from: date,
    code: Code | None = None,
    placing_authority: str = "",
    placed_out_of_area: bool = False,
) -> LegalStatus:
    """Start a period under a plan or status. A child protection plan needs its category and
    a looked-after period its legal status, from the code lists in force; the same kind of
    status cannot run twice at once."""
    wanted = STATUS_CODE_LIST.get(LegalStatusKind(kind))
    if wanted and (code is None or code.code_list.key != wanted):
        label = "category of abuse" if kind == LegalStatusKind.CHILD_PROTECTION else "legal status"
        raise ValidationError({"code": f"Choose the {label}."})
    if not wanted:
        code = None
    if kind != LegalStatusKind.LOOKED_AFTER:
        placing_authority, placed_out_of_area = "", False
    elif not placing_authority.strip():
        raise ValidationError({"placing_authority": "Enter the placing authority."})
    _not_before_birth(person, valid_from)
    with transaction.atomic():
        for other in person.legal_statuses.select_for_update().filter(kind=kind):
            if overlaps(valid_from, None, other.valid_from, other.valid_to):
                raise ValidationError(
                    {
                        "valid_from": f"{person} already has this status from "
                        f"{other.valid_from:%-d %B %Y}: end that first."
                    }
                )
        status = LegalStatus(
            person=person,
            kind=kind,
            code=code,
            valid_from=valid_from,
            placing_authority=placing_authority.strip(),
            placed_out_of_area=placed_out_of_area,
            responsible_agency=actor.agency,
            created_by=actor,
            modified_by=actor,
        )
        status.full_clean()
        status.save()
        audit_record(
            action="person.status_started",
            request=request,
            actor=actor,
            obj=person,
            detail={"kind": kind, "code": code.code if code else ""},
        )
        summary = f"{status} from {valid_from:%-d %B %Y}"
        if placed_out_of_area:
            summary += f", placed out of area by {status.placing_authority}"
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary=summary,
            occurred_at=on_day(valid_from),
            author=actor,
            significance=Significance.SIGNIFICANT,
            request=request,
            link=status,
        )
    return status


def _end(
    *,
    request: HttpRequest | None,
    actor: User,
    record: Any,
    valid_to: date,
    reason: str,
    reason_field: str,
    what: str,
) -> Any:
    if valid_to < record.valid_from:
        raise ValidationError({"valid_to": "The end date must be on or after the start date."})
    if valid_to > timezone.localdate():
        raise ValidationError({"valid_to": "The end date cannot be in the future."})
    if record.valid_to is not None:
        raise ValidationError({"valid_to": "This has already ended."})
    with transaction.atomic():
        changes: dict[str, Any] = {"valid_to": valid_to}
        if reason_field:
            changes[reason_field] = reason.strip()
        apply_changes(record, changes=changes, actor=actor)
        audit_record(
            action="person.circumstance_ended",
            request=request,
            actor=actor,
            obj=record.person,
            detail={"what": what, "record": str(record.pk)},
        )
        chronology_append(
            person=record.person,
            kind=EntryKind.RECORD,
            summary=f"{what} ended on {valid_to:%-d %B %Y}",
            detail=reason.strip(),
            occurred_at=on_day(valid_to),
            author=actor,
            request=request,
            link=record,
        )
    return record


def legal_status_end(
    *, request: HttpRequest | None, actor: User, status: LegalStatus, valid_to: date, reason: str
) -> LegalStatus:
    ended: LegalStatus = _end(
        request=request,
        actor=actor,
        record=status,
        valid_to=valid_to,
        reason=reason,
        reason_field="end_reason",
        what=str(status),
    )
    return ended


def address_add(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    kind: str,
    line1: str,
    postcode: str,
    valid_from: date,
    line2: str = "",
    town: str = "",
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    placement_provider: str = "",
    source: str = "",
) -> Address:
    """A new address. The address they lived at before ends the day before, so there is
    always one current address and the history stays whole."""
    _not_before_birth(person, valid_from)
    if (latitude is None) != (longitude is None):
        raise ValidationError({"latitude": "Enter both latitude and longitude, or neither."})
    with transaction.atomic():
        address = Address(
            person=person,
            kind=kind,
            line1=line1.strip(),
            line2=line2.strip(),
            town=town.strip(),
            postcode=normalise_postcode(postcode),
            latitude=latitude,
            longitude=longitude,
            placement_provider=placement_provider.strip(),
            source=source.strip(),
            valid_from=valid_from,
            created_by=actor,
            modified_by=actor,
        )
        address.full_clean()
        for previous in person.addresses.select_for_update().filter(valid_to__isnull=True):
            if previous.valid_from >= valid_from:
                raise ValidationError(
                    {
                        "valid_from": "The current address started on or after this date: "
                        "record addresses in the order they happened."
                    }
                )
            apply_changes(
                previous,
                changes={"valid_to": valid_from - timedelta(days=1)},
                actor=actor,
            )
        address.save()
        audit_record(
            action="person.address_added",
            request=request,
            actor=actor,
            obj=person,
            detail={"kind": kind, "district": address.district},
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary=f"{address.get_kind_display()} address from {valid_from:%-d %B %Y}: "
            f"{address.district}",
            occurred_at=on_day(valid_from),
            author=actor,
            request=request,
            link=address,
        )
    return address


def enrolment_add(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    school: School,
    valid_from: date,
    year_group: str = "",
) -> Enrolment:
    """A school or college place. A place at the same school cannot overlap another."""
    _not_before_birth(person, valid_from)
    with transaction.atomic():
        for other in person.enrolments.select_for_update().filter(school=school):
            if overlaps(valid_from, None, other.valid_from, other.valid_to):
                raise ValidationError(
                    {"school": f"{person} is already on the roll of {school}: end that first."}
                )
        enrolment = Enrolment(
            person=person,
            school=school,
            valid_from=valid_from,
            year_group=year_group.strip(),
            created_by=actor,
            modified_by=actor,
        )
        enrolment.full_clean()
        enrolment.save()
        audit_record(
            action="person.enrolment_added",
            request=request,
            actor=actor,
            obj=person,
            detail={"school": school.urn},
        )
        chronology_append(
            person=person,
            kind=EntryKind.RECORD,
            summary=f"On the roll of {school} from {valid_from:%-d %B %Y}",
            occurred_at=on_day(valid_from),
            author=actor,
            request=request,
            link=enrolment,
        )
    return enrolment


def enrolment_end(
    *, request: HttpRequest | None, actor: User, enrolment: Enrolment, valid_to: date, reason: str
) -> Enrolment:
    ended: Enrolment = _end(
        request=request,
        actor=actor,
        record=enrolment,
        valid_to=valid_to,
        reason=reason,
        reason_field="leaving_reason",
        what=f"Place at {enrolment.school}",
    )
    return ended
