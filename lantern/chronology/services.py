"""Writing to a person's chronology. Every module calls `chronology_append`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.handling import Handling
from lantern.chronology.models import ChronologyEntry, EntryKind, Significance

# Clocks differ a little between devices; anything later than this is a mistake.
FUTURE_TOLERANCE = timedelta(minutes=5)


def on_day(day: date) -> datetime:
    """Where an event known only by its date goes on the timeline (which orders by time):
    noon that day, or now if that day is today and noon has not come yet."""
    return min(datetime.combine(day, time(12, 0), timezone.get_current_timezone()), timezone.now())


def chronology_append(
    *,
    person: Any,
    kind: str,
    summary: str,
    occurred_at: datetime,
    author: Any = None,
    significance: str = Significance.ROUTINE,
    detail: str = "",
    handling: str = Handling.OPEN,
    link: models.Model | None = None,
    request: HttpRequest | None = None,
    amends: ChronologyEntry | None = None,
    verbatim: str = "",
    place: str = "",
    present: str = "",
) -> ChronologyEntry:
    """Append one entry to the person's timeline, in the caller's transaction.

    Refuses an entry dated in the future or before the person was born; records the author's
    agency as the source at this moment."""
    errors: dict[str, str] = {}
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        errors["occurred_at"] = "The time it happened cannot be in the future."
    # The earliest they can have been born: an estimated date of birth refuses only what is
    # impossible on any reading of it.
    dob = getattr(person, "born_earliest", None)
    if dob and timezone.localtime(occurred_at).date() < dob:
        errors["occurred_at"] = "The time it happened cannot be before the person was born."
    if errors:
        raise ValidationError(errors)
    entry = ChronologyEntry(
        person=person,
        kind=kind,
        summary=summary.strip(),
        detail=detail.strip(),
        occurred_at=occurred_at,
        author=author,
        source_agency=getattr(author, "agency", None),
        significance=significance,
        handling=handling,
        link_type=link._meta.label_lower if link is not None else "",
        link_id=link.pk if link is not None else None,
        amends=amends,
        verbatim=verbatim,
        place=place.strip(),
        present=present.strip(),
    )
    entry.full_clean()
    entry.save(force_insert=True)
    audit_record(
        action="chronology.appended",
        request=request,
        actor=author,
        obj=person,
        detail={"entry": str(entry.pk), "kind": kind, "significance": significance},
    )
    return entry


def case_note_add(
    *,
    request: HttpRequest | None,
    author: Any,
    person: Any,
    summary: str,
    detail: str,
    occurred_at: datetime,
    significance: str = Significance.ROUTINE,
    handling: str = Handling.OPEN,
    evidential: bool = False,
    verbatim: str = "",
    place: str = "",
    present: str = "",
) -> ChronologyEntry:
    """A case note; an evidential note also keeps the exact words, the place and who was
    present, for best evidence. Neither can be edited once saved."""
    if evidential and not verbatim.strip():
        raise ValidationError({"verbatim": "Write down the exact words that were said."})
    with transaction.atomic():
        return chronology_append(
            person=person,
            kind=EntryKind.EVIDENTIAL_NOTE if evidential else EntryKind.NOTE,
            summary=summary,
            detail=detail,
            occurred_at=occurred_at,
            author=author,
            significance=significance,
            handling=handling,
            request=request,
            verbatim=verbatim.strip() if evidential else "",
            place=place if evidential else "",
            present=present if evidential else "",
        )


def addendum_add(
    *, request: HttpRequest | None, author: Any, original: ChronologyEntry, text: str
) -> ChronologyEntry:
    """A correction or addition to an entry, shown with it; the original is unchanged."""
    if not text.strip():
        raise ValidationError({"text": "Write the addendum."})
    if original.kind == EntryKind.ADDENDUM:
        original = original.amends or original
    dated = f"{timezone.localtime(original.occurred_at):%d %b %Y %H:%M}"
    with transaction.atomic():
        return chronology_append(
            person=original.person,
            kind=EntryKind.ADDENDUM,
            summary=f"Addendum to the entry of {dated}",
            detail=text,
            occurred_at=timezone.now(),
            author=author,
            significance=original.significance,
            handling=original.handling,
            request=request,
            amends=original,
        )
