"""Reads for the missing episodes pages: a child's history before the next episode, each
provider's interview queue, and episodes open too long.

Who sees an episode (`visible_episodes`, `access_episode`): the roles the `missing.episode`
record rule names see them all; anyone else sees the episodes they (or their team, or for
caseworkers their agency) are involved with (the reporter, the interview provider's teams),
and every episode of a child whose record they may see. A restricted child's episodes are seen
only by those named on the child's restriction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest

from lantern.access.audit import record_denied, record_read
from lantern.access.handling import handlings_open_to
from lantern.access.models import Restriction
from lantern.access.policy import may
from lantern.access.scopes import Basis, basis_for, is_uuid, visible_filter
from lantern.accounts.models import Agency
from lantern.accounts.roles import RoleCode
from lantern.core.deadlines import Clock, describe_elapsed, due_at, elapsed_clock
from lantern.missing.models import Episode, EpisodeStatus, InterviewLead, ReturnInterview
from lantern.people.models import Flag, Person
from lantern.people.selectors import people_visible

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


def interview_queue(user: Any, now: datetime, *, provider: Agency | None = None) -> list[QueueRow]:
    """Returned episodes whose interview is not yet recorded, with the 72-hour clock in
    elapsed time; the earliest due (so the overdue) first. A return interview worker sees their
    own agency's; a coordinator sees every provider's (or one, with `provider`), and those no
    provider was configured for. Within the user's scope. One query."""
    interviews = ReturnInterview.objects.filter(
        completed_at__isnull=True, episode__in=visible_episodes(user).values("pk")
    )
    if not user.has_role(RoleCode.MISSING_COORDINATOR):
        interviews = interviews.filter(provider_id=user.agency_id)
    elif provider is not None:
        interviews = interviews.filter(provider=provider)
    interviews = interviews.select_related(
        "episode", "episode__child", "episode__police_risk_grade", "provider"
    ).order_by("episode__interview_due_at", "episode__returned_at")
    return [
        QueueRow(
            episode=i.episode, interview=i, clock=elapsed_clock(i.episode.interview_due_at, now)
        )
        for i in interviews
        if i.episode.interview_due_at is not None
    ]


GRADE_ORDER = {"high": 0, "medium": 1, "low": 2, "very_low": 3, "no_apparent_risk_absent": 4}


@dataclass(frozen=True)
class BoardRow:
    episode: Episode
    clock: Clock | None  # the interview's clock, once returned
    missing_for: str  # while open: how long since last seen
    escalated: bool  # open beyond the escalation limit
    new: bool  # reported since the viewer opened the page


@dataclass(frozen=True)
class Board:
    missing: list[BoardRow]
    awaiting_interview: list[BoardRow]
    awaiting_oversight: list[BoardRow]
    closed_recently: list[BoardRow]
    as_of: datetime

    @property
    def counts(self) -> dict[str, int]:
        return {
            "missing": len(self.missing),
            "awaiting_interview": len(self.awaiting_interview),
            "overdue": sum(
                1 for r in self.awaiting_interview if r.clock and r.clock.state == "overdue"
            ),
            "awaiting_oversight": len(self.awaiting_oversight),
        }


RECENT = timedelta(days=7)


def coordinator_board(user: Any, now: datetime, *, since: datetime | None = None) -> Board:
    """The coordinator's live picture: children missing now (ungraded and high risk first,
    then the longest missing), returned children awaiting their interview (by its clock),
    interviews done awaiting a manager's oversight, and what closed in the last week. Within
    the user's scope; a fixed number of queries whatever the rows."""
    rows = list(
        visible_episodes(user)
        .filter(
            ~Q(status=EpisodeStatus.CLOSED) | Q(closed_at__gte=now - RECENT),
        )
        .select_related("child", "police_risk_grade", "ssda903_type", "interview__provider")
        .order_by("last_seen_at")
    )

    def row(episode: Episode) -> BoardRow:
        open_for = now.astimezone(UTC) - episode.last_seen_at.astimezone(UTC)
        interview_due = episode.interview_due_at
        return BoardRow(
            episode=episode,
            clock=elapsed_clock(interview_due, now)
            if interview_due and not episode.is_open
            else None,
            missing_for=describe_elapsed(open_for),
            escalated=episode.is_open
            and due_at(episode.last_seen_at, "missing_open_escalation") <= now,
            new=since is not None and episode.created_at > since,
        )

    def grade_rank(episode: Episode) -> int:
        grade = episode.police_risk_grade
        return -1 if grade is None else GRADE_ORDER.get(grade.code, 5)

    missing = sorted((e for e in rows if e.is_open), key=lambda e: (grade_rank(e), e.last_seen_at))
    awaiting = sorted(
        (e for e in rows if e.status == EpisodeStatus.RETURNED),
        key=lambda e: (e.interview_due_at or now, e.returned_at or now),
    )
    oversight = [e for e in rows if e.status == EpisodeStatus.INTERVIEW_DONE]
    closed = sorted(
        (e for e in rows if e.status == EpisodeStatus.CLOSED),
        key=lambda e: e.closed_at or now,
        reverse=True,
    )
    return Board(
        missing=[row(e) for e in missing],
        awaiting_interview=[row(e) for e in awaiting],
        awaiting_oversight=[row(e) for e in oversight],
        closed_recently=[row(e) for e in closed],
        as_of=now,
    )


def child_episodes(user: Any, child: Person) -> list[Episode]:
    """A child's episodes the user may see, newest first, with their interviews."""
    return list(
        visible_episodes(user)
        .filter(child=child)
        .select_related("police_risk_grade", "ssda903_type", "interview__outcome")
        .order_by("-last_seen_at")
    )


def episodes_reported_by(user: Any) -> list[Episode]:
    """What this user reported, newest first (a carer or school follows their reports)."""
    return list(
        visible_episodes(user)
        .filter(reported_by=user)
        .select_related("child", "police_risk_grade")
        .order_by("-reported_at")[:100]
    )


def leads_for_review(user: Any, *, status: str = "new") -> list[InterviewLead]:
    """People and places named in return interviews, for the analyst: only those whose
    handling the user's agency may see, of episodes in their scope."""
    return list(
        InterviewLead.objects.filter(
            status=status,
            handling__in=handlings_open_to(user),
            interview__episode__in=visible_episodes(user).values("pk"),
        )
        .select_related("interview__episode__child", "created_by", "reviewed_by")
        .order_by("created_at" if status == "new" else "-reviewed_at")[:200]
    )


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


def episode_actions(user: Any, episode: Episode) -> dict[str, bool]:
    """Which of the episode page's buttons `user` gets: each where the episode's stage allows
    the step and the user's role may take it (the service checks both again)."""
    interview = getattr(episode, "interview", None)
    return {
        "grade": episode.is_open and may(user, "missing.grade"),
        "return": episode.is_open and may(user, "missing.return"),
        "interview": interview is not None
        and interview.completed_at is None
        and may(user, "missing.interview"),
        "close": episode.status == EpisodeStatus.INTERVIEW_DONE and may(user, "missing.close"),
        "refer": bool(episode.injuries_or_disclosures) and may(user, "referrals.start"),
    }


def sees_child_record(user: Any, episode: Episode) -> bool:
    """Whether the young person's own record is open to `user`: their role may view people
    and the child is in their scope. An interview worker sees the episode they were given,
    not always the child's whole record, so the page offers the link only when it leads
    somewhere."""
    return may(user, "people.view") and people_visible(user).filter(pk=episode.child_id).exists()
