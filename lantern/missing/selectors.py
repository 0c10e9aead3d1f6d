"""Reads for the missing episodes pages: a child's history before the next episode, each
provider's interview queue, and episodes open too long.

Who sees an episode (`visible_episodes`, `access_episode`): the roles the `missing.episode`
record rule names see them all; anyone else sees the episodes they (or their team, or for
caseworkers their agency) are involved with (the reporter, the interview provider's teams),
and every episode of a child whose record they may see. A restricted child's episodes are seen
only by those named on the child's restriction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from lantern.access.audit import record_denied, record_read
from lantern.access.models import Restriction
from lantern.access.scopes import Basis, basis_for, is_uuid, visible_filter
from lantern.accounts.models import Agency
from lantern.core.deadlines import Clock, clock, due_at
from lantern.missing.models import Episode, ReturnInterview
from lantern.people.models import Flag, Person

WINDOWS = (30, 90, 365)


def _hidden_children(user: Any) -> QuerySet[Restriction, Any]:
    """The object ids of restricted people records the user is not named on."""
    return (
        Restriction.objects.filter(
            content_type=ContentType.objects.get_for_model(Person), lifted_at__isnull=True
        )
        .exclude(members=user)
        .values("object_id")
    )


def visible_episodes(user: Any, queryset: QuerySet[Episode] | None = None) -> QuerySet[Episode]:
    """The episodes `user` may see: by the episode's own record rule and involvements, or
    through the child's record; never a restricted child's unless the user is named on the
    restriction. Every list, count and export of episodes starts here."""
    queryset = Episode.objects.all() if queryset is None else queryset
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    children = Person.objects.filter(visible_filter(user, Person)).values("pk")
    return queryset.filter(Q(visible_filter(user, Episode)) | Q(child__in=children)).exclude(
        child__in=_hidden_children(user)
    )


def episode_basis(user: Any, episode: Episode) -> Basis | None:
    """Why the user may see this episode, or None: the episode's own basis, else the child's;
    nobody outside a restricted child's restriction."""
    if _hidden_children(user).filter(object_id=episode.child_id).exists():
        return None
    return basis_for(user, episode) or basis_for(user, episode.child)


def access_episode(
    *, request: HttpRequest, pk: Any, action: str = "missing.episode_viewed", purpose: str = ""
) -> tuple[Episode, Basis]:
    """The one way to fetch an episode for a user: missing and out-of-scope episodes raise
    the same not-found and the attempt is audited as denied; a read is audited with its
    basis."""
    user = request.user
    episode = (
        Episode.objects.select_related(
            "child", "police_risk_grade", "ssda903_type", "reported_by", "closed_by"
        )
        .filter(pk=pk)
        .first()
        if is_uuid(pk)
        else None
    )
    basis = episode_basis(user, episode) if episode is not None else None
    if episode is None or basis is None:
        record_denied(request=request, model=Episode, object_id=str(pk), action=action)
        raise Http404
    record_read(request=request, record=episode, action=action, basis=basis, purpose=purpose)
    return episode, basis


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
