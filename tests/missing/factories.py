"""Missing episodes straight to the state a test needs, through the services (so references,
clocks, audit and chronology are as they would be)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

from lantern.accounts.models import User
from lantern.core.models import Code
from lantern.missing.models import Episode
from lantern.missing.services import episode_record_return, episode_report
from lantern.people.models import Person
from lantern.people.services import legal_status_start

LONDON = ZoneInfo("Europe/London")


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LONDON)  # type: ignore[misc]


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def grade(value: str) -> Code:
    return Code.objects.in_list("missing_risk_grade").get(code=value)


def outcome(value: str) -> Code:
    return Code.objects.in_list("return_interview_outcome").get(code=value)


def missing_type(value: str) -> Code:
    return Code.objects.in_list("ssda903_missing_type").get(code=value)


def in_care(child: Person, actor: User, since: date = date(2025, 1, 6)) -> None:
    legal_status_start(
        request=None,
        actor=actor,
        person=child,
        kind="looked_after",
        valid_from=since,
        code=Code.objects.in_list("lac_legal_status").get(code="C2"),
        placing_authority="Fenbridge City Council",
    )


def report(
    actor: User,
    child: Person,
    *,
    last_seen: datetime,
    reported: datetime | None = None,
    risk: str = "medium",
    **details: Any,
) -> Episode:
    reported = reported or last_seen + timedelta(hours=1)
    fields: dict[str, Any] = {
        "missing_from": "home",
        "reporter_name": "Dana Ashby",
        "reporter_relationship": "Mother",
        "grading_sources": "Mother (phone call): not answering her phone since 21:00.",
    } | details
    with frozen(reported + timedelta(minutes=1)):
        return episode_report(
            request=None,
            actor=actor,
            child=child,
            reported_at=reported,
            last_seen_at=last_seen,
            risk_grade=grade(risk),
            **fields,
        )


def returned(actor: User, episode: Episode, *, at: datetime, **details: Any) -> Episode:
    fields: dict[str, Any] = {"found_where": "Bus station, Fenbridge"} | details
    with frozen(at + timedelta(minutes=1)):
        return episode_record_return(
            request=None, actor=actor, episode=episode, returned_at=at, **fields
        )
