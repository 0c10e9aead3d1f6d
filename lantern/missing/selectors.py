"""Reads for the missing episodes pages: a child's history before the next episode, each
provider's interview queue, and episodes open too long.

These are the foundation's reads: they take the records already chosen and do not yet apply
the need-to-know scope, which the pages built on them must (through `lantern.access.scopes`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from lantern.accounts.models import Agency
from lantern.core.deadlines import Clock, clock, due_at
from lantern.missing.models import Episode, ReturnInterview
from lantern.people.models import Flag, Person

WINDOWS = (30, 90, 365)


@dataclass(frozen=True)
class LastInterview:
    episode_reference: str
    outcome: str
    completed_at: datetime
    summary: dict[str, str]


@dataclass(frozen=True)
class History:
    """What a worker needs to know about a child's earlier episodes."""

    counts: dict[int, int]  # days -> episodes that started within that many days
    found_where: list[str] = field(default_factory=list)
    returned_with: list[str] = field(default_factory=list)
    last_interview: LastInterview | None = None
    open_flags: list[Flag] = field(default_factory=list)


def _distinct(values: list[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value.casefold() not in {v.casefold() for v in seen}:
            seen[value] = None
    return list(seen)


def previous_episodes(child: Person, *, now: datetime) -> History:
    """Episodes that started in the last 30, 90 and 365 days (counted from `now`), the places
    they were found and who they were with (most recent first), the last completed return
    interview's summary and outcome, and the child's flags still open. Three queries."""
    episodes = list(
        Episode.objects.filter(child=child, last_seen_at__lte=now)
        .order_by("-last_seen_at")
        .only("reference", "last_seen_at", "found_where", "returned_with")
    )
    counts = {
        days: sum(1 for e in episodes if e.last_seen_at > now - timedelta(days=days))
        for days in WINDOWS
    }
    interview = (
        ReturnInterview.objects.filter(episode__child=child, completed_at__isnull=False)
        .select_related("episode", "outcome")
        .order_by("-completed_at")
        .first()
    )
    last = (
        LastInterview(
            episode_reference=interview.episode.reference,
            outcome=interview.outcome.label if interview.outcome else "",
            completed_at=interview.completed_at,
            summary={
                name: getattr(interview, name)
                for name in (
                    "push_factors",
                    "pull_factors",
                    "where_went",
                    "with_whom",
                    "harm",
                    "exploitation_indicators",
                    "what_would_help",
                )
                if getattr(interview, name)
            },
        )
        if interview is not None and interview.completed_at is not None
        else None
    )
    return History(
        counts=counts,
        found_where=_distinct([e.found_where for e in episodes]),
        returned_with=_distinct([e.returned_with for e in episodes]),
        last_interview=last,
        open_flags=list(Flag.objects.filter(person=child, ended_at__isnull=True)),
    )


@dataclass(frozen=True)
class QueueRow:
    episode: Episode
    interview: ReturnInterview
    clock: Clock


def interview_queue(provider_agency: Agency, now: datetime) -> list[QueueRow]:
    """Returned episodes routed to this provider whose interview is not yet recorded, with the
    72-hour clock; the earliest due (so the overdue) first. One query."""
    interviews = (
        ReturnInterview.objects.filter(provider=provider_agency, completed_at__isnull=True)
        .select_related("episode", "episode__child", "episode__police_risk_grade")
        .order_by("episode__interview_due_at", "episode__returned_at")
    )
    return [
        QueueRow(episode=i.episode, interview=i, clock=clock(i.episode.interview_due_at, now))
        for i in interviews
        if i.episode.interview_due_at is not None
    ]


def episodes_open_beyond(limit_key: str, now: datetime) -> list[Episode]:
    """Episodes still open (the child not back) for longer than the timescale `limit_key`
    allows, counted from when the child was last seen; the longest missing first. Open
    episodes are few (one per child at most), so the timescale is applied to each in Python,
    whatever its unit."""
    open_episodes = (
        Episode.objects.filter(returned_at__isnull=True)
        .select_related("child", "police_risk_grade")
        .order_by("last_seen_at")
    )
    return [e for e in open_episodes if due_at(e.last_seen_at, limit_key) <= now]
