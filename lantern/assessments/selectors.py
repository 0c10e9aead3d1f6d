"""Reads of assessments and instruments.

These take people the caller has already been allowed to see (through `access_record` or a
scoped list such as `people_visible`): an assessment is part of the person's record and is
shown to whoever may see the record.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lantern.access.scopes import is_uuid
from lantern.assessments.models import (
    Assessment,
    Instrument,
    InstrumentVersion,
    VersionStatus,
)
from lantern.chronology.models import ChronologyEntry, EntryKind, Significance
from lantern.chronology.selectors import TimelineFilter, timeline


def _with_instrument(queryset: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return queryset.select_related("instrument_version__instrument", "assessor__agency")


def latest_assessments(person_ids: Iterable[Any]) -> dict[Any, list[Assessment]]:
    """The latest assessment of each person with each instrument (by date assessed, then
    when recorded), keyed by person id, ordered by instrument name. One query, however many
    people and assessments."""
    ids = list(person_ids)
    if not ids:
        return {}
    latest = _with_instrument(
        Assessment.objects.filter(person_id__in=ids)
        .order_by("person_id", "instrument_version__instrument_id", "-assessed_on", "-created_at")
        .distinct("person_id", "instrument_version__instrument_id")
    )
    found: dict[Any, list[Assessment]] = defaultdict(list)
    for assessment in latest:
        found[assessment.person_id].append(assessment)
    return {
        person: sorted(rows, key=lambda a: a.instrument_version.instrument.name)
        for person, rows in found.items()
    }


def assessments_for_context(context_type: str, context_id: Any) -> list[Assessment]:
    """The assessments made for another module's record (a MASH referral, say), newest
    first, in one query."""
    if not context_type or not is_uuid(context_id):
        return []
    return list(
        _with_instrument(
            Assessment.objects.filter(
                context_type=context_type, context_id=uuid.UUID(str(context_id))
            ).select_related("person")
        )
    )


def assessments_of(person: Any) -> QuerySet[Assessment]:
    """Every assessment of the person, newest first."""
    return _with_instrument(Assessment.objects.filter(person=person))


def assessment_of(person: Any, pk: str) -> Assessment:
    """One assessment of this person; any other id is not found."""
    found = assessments_of(person).filter(pk=pk).first() if is_uuid(pk) else None
    if found is None:
        raise Http404
    return found


def published_versions() -> QuerySet[InstrumentVersion]:
    """The version of each instrument that new assessments use, by instrument name."""
    return (
        InstrumentVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .select_related("instrument")
        .order_by("instrument__name")
    )


def published_version(key: str) -> InstrumentVersion:
    found = published_versions().filter(instrument__key=key).first()
    if found is None:
        raise Http404
    return found


def instruments_with_versions() -> QuerySet[Instrument]:
    return Instrument.objects.prefetch_related("versions__published_by")


# What an assessor reads before assessing again: what the chronology holds since the last
# assessment with the instrument (or over the last year), significant entries of any kind
# and every missing episode, return interview, flag and the child's own words.
SINCE_WITHOUT_ASSESSMENT = timedelta(days=365)
BEFORE_ASSESSING = (EntryKind.MISSING, EntryKind.FLAG, EntryKind.VOICE)
BEFORE_ASSESSING_MOST = 15


@dataclass
class SinceLast:
    since: date
    previous: Assessment | None
    entries: list[ChronologyEntry]
    more: int  # entries beyond those listed


def since_last_assessment(user: Any, person: Any, instrument: Instrument) -> SinceLast:
    """The entries of the person's chronology the user may see since their last assessment
    with `instrument`, newest first: what a return interview revealed reaches the next
    assessment this way (issue 6)."""
    previous = (
        _with_instrument(
            Assessment.objects.filter(person=person, instrument_version__instrument=instrument)
        )
        .order_by("-assessed_on", "-created_at")
        .first()
    )
    since = (
        previous.assessed_on
        if previous is not None
        else timezone.localdate() - SINCE_WITHOUT_ASSESSMENT
    )
    entries = (
        timeline(user, person, TimelineFilter(start=since))
        .filter(Q(significance=Significance.SIGNIFICANT) | Q(kind__in=BEFORE_ASSESSING))
        .exclude(kind=EntryKind.ASSESSMENT)
        .order_by("-occurred_at", "-recorded_at")
    )
    listed = list(entries[: BEFORE_ASSESSING_MOST + 1])
    more = entries.count() - BEFORE_ASSESSING_MOST if len(listed) > BEFORE_ASSESSING_MOST else 0
    return SinceLast(
        since=since, previous=previous, entries=listed[:BEFORE_ASSESSING_MOST], more=more
    )
