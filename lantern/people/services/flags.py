"""Flags on a person, and the child's own voice."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind
from lantern.chronology.services import chronology_append
from lantern.core.services import apply_changes
from lantern.people.models import Flag, Person, VoiceEntry


def flag_raise(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    kind: str,
    reason: str,
    review_due: date,
) -> Flag:
    """Raise a flag; the person raising it owns it and must review it by `review_due`."""
    if review_due <= timezone.localdate():
        raise ValidationError({"review_due": "The review date must be in the future."})
    with transaction.atomic():
        flag = Flag(
            person=person,
            kind=kind,
            reason=reason.strip(),
            owner=actor,
            review_due=review_due,
            created_by=actor,
            modified_by=actor,
        )
        flag.full_clean()
        flag.save()
        audit_record(
            action="person.flag_raised",
            request=request,
            actor=actor,
            obj=person,
            detail={"flag": kind, "review_due": review_due.isoformat()},
        )
        chronology_append(
            person=person,
            kind=EntryKind.FLAG,
            summary=f"Flag raised: {flag}",
            detail=flag.reason,
            occurred_at=timezone.now(),
            author=actor,
            significance="significant",
            request=request,
        )
    return flag


def flag_end(*, request: HttpRequest | None, actor: User, flag: Flag, reason: str) -> Flag:
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the flag is no longer needed."})
    with transaction.atomic():
        apply_changes(
            flag,
            changes={"ended_at": timezone.now(), "ended_reason": reason.strip()},
            actor=actor,
        )
        audit_record(
            action="person.flag_ended",
            request=request,
            actor=actor,
            obj=flag.person,
            purpose=reason.strip(),
            detail={"flag": flag.kind},
        )
        chronology_append(
            person=flag.person,
            kind=EntryKind.FLAG,
            summary=f"Flag ended: {flag}",
            detail=reason.strip(),
            occurred_at=timezone.now(),
            author=actor,
            request=request,
        )
    return flag


def flags_due_for_review(user: User) -> list[Flag]:
    """Live flags the user owns whose review date has come: shown in their work."""
    return list(
        Flag.objects.filter(owner=user, ended_at__isnull=True, review_due__lte=timezone.localdate())
        .select_related("person")
        .order_by("review_due")
    )


def voice_record(
    *,
    request: HttpRequest | None,
    actor: User,
    person: Person,
    said: str,
    wishes_and_feelings: str,
    occurred_at: datetime,
    place: str = "",
    present: str = "",
) -> VoiceEntry:
    """The child's own words, kept as they said them; also a line in the chronology."""
    if not said.strip():
        raise ValidationError({"said": "Write what the young person said, in their words."})
    with transaction.atomic():
        entry = VoiceEntry(
            person=person,
            said=said.strip(),
            wishes_and_feelings=wishes_and_feelings.strip(),
            occurred_at=occurred_at,
            place=place.strip(),
            present=present.strip(),
            recorded_by=actor,
            created_by=actor,
            modified_by=actor,
        )
        entry.full_clean()
        entry.save()
        chronology_append(
            person=person,
            kind=EntryKind.VOICE,
            summary="The young person's views were recorded",
            detail=entry.said,
            occurred_at=occurred_at,
            author=actor,
            request=request,
            link=entry,
        )
    return entry
