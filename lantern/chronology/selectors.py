"""Reading a person's timeline: only for someone who may see the person (the caller has
already fetched them through `access_record`), and only items whose handling allows."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from lantern.access.handling import Handling, handlings_open_to
from lantern.chronology.models import ChronologyEntry, EntryKind


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _uuid_or_blank(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return ""


@dataclass(frozen=True)
class TimelineFilter:
    agency: str = ""
    kind: str = ""
    significant_only: bool = False
    start: date | None = None
    end: date | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> TimelineFilter:
        """The filters as the person page's form sends them (`agency`, `kind`, `significant`,
        `from`, `to`); anything malformed is ignored rather than refused, as on the page."""
        kind = params.get("kind", "")
        return cls(
            agency=_uuid_or_blank(params.get("agency", "")),
            kind=kind if kind in EntryKind.values else "",
            significant_only=params.get("significant") == "1",
            start=_date(params.get("from", "")),
            end=_date(params.get("to", "")),
        )

    @property
    def query_string(self) -> str:
        """The same filters as a query string, for links that carry them (the PDF export)."""
        params = {
            "agency": self.agency,
            "kind": self.kind,
            "significant": "1" if self.significant_only else "",
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }
        return urlencode({key: value for key, value in params.items() if value})

    def as_dict(self) -> dict[str, Any]:
        """For the audit trail: plain JSON values."""
        return {
            "agency": self.agency,
            "kind": self.kind,
            "significant_only": self.significant_only,
            "from": self.start.isoformat() if self.start else "",
            "to": self.end.isoformat() if self.end else "",
        }

    @property
    def active(self) -> bool:
        return bool(self.agency or self.kind or self.significant_only or self.start or self.end)


def _handling_q(user: Any) -> Q:
    return Q(handling__in=handlings_open_to(user)) | Q(handling=Handling.SEALED, author=user)


def merged_into(person: Any) -> list[Any]:
    """Records merged into this one, and into those (a merge of a merge), in one query per
    level; merges are rare, so this is one short query for almost every person."""
    found: list[Any] = []
    level = [person.pk]
    while level:
        level = list(
            type(person).objects.filter(merged_into__in=level).values_list("pk", flat=True)
        )
        level = [pk for pk in level if pk not in found and pk != person.pk]
        found += level
    return found


def timeline(
    user: Any, person: Any, filters: TimelineFilter, *, record_ids: list[Any] | None = None
) -> QuerySet[ChronologyEntry]:
    """The person's entries, newest first, with their addenda; addenda themselves are shown
    under the entry they amend rather than on their own. Entries of records merged into this
    one are part of the same timeline: a merge keeps both histories (`record_ids`, when the
    caller has already read them, saves reading them again)."""
    visible = _handling_q(user)
    entries = (
        ChronologyEntry.objects.filter(
            person_id__in=record_ids or [person.pk, *merged_into(person)]
        )
        .filter(visible)
        .exclude(kind=EntryKind.ADDENDUM)
        .select_related("author", "source_agency")
        .prefetch_related(
            Prefetch(
                "addenda",
                queryset=ChronologyEntry.objects.filter(visible)
                .select_related("author", "source_agency")
                .order_by("recorded_at"),
            )
        )
    )
    if filters.agency:
        entries = entries.filter(source_agency_id=uuid.UUID(filters.agency))
    if filters.kind:
        entries = entries.filter(kind=filters.kind)
    if filters.significant_only:
        entries = entries.filter(significance="significant")
    zone = timezone.get_current_timezone()
    if filters.start:
        entries = entries.filter(occurred_at__gte=datetime.combine(filters.start, time.min, zone))
    if filters.end:
        entries = entries.filter(occurred_at__lte=datetime.combine(filters.end, time.max, zone))
    return entries


def entry_for(user: Any, person: Any, pk: str) -> ChronologyEntry | None:
    """One entry of the person's timeline (merged records included) that the user may see,
    by the same handling rule as the timeline: a sealed entry only for its author."""
    return (
        ChronologyEntry.objects.filter(person_id__in=[person.pk, *merged_into(person)], pk=pk)
        .filter(_handling_q(user))
        .first()
    )
