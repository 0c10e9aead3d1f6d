"""The return interview: attempts to offer it, and what came of it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append
from lantern.core.models import Code
from lantern.core.services import apply_changes
from lantern.missing.dashboard import figures_changed
from lantern.missing.models import (
    AttemptMethod,
    Episode,
    EpisodeStatus,
    InterviewAttempt,
    InterviewLead,
    LeadHandling,
    LeadKind,
    LeadStatus,
    ReturnInterview,
)
from lantern.missing.services.episodes import _not_future
from lantern.people.services import voice_record

OUTCOMES = "return_interview_outcome"
DECLINED = "offered_declined"


@dataclass(frozen=True)
class NamedInInterview:
    """A person, place, vehicle or number the young person named, as the interviewer records
    it, with the handling they set."""

    kind: str
    description: str
    handling: str = LeadHandling.OPEN


def _interview(episode: Episode) -> ReturnInterview:
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if interview is None:
        raise ValidationError("Record the young person's return first.")
    if interview.completed_at is not None:
        raise ValidationError("The return interview has already been recorded.")
    return interview


def interview_attempt_log(
    *,
    request: HttpRequest | None,
    actor: User,
    episode: Episode,
    attempted_at: datetime,
    method: str,
    note: str,
) -> InterviewAttempt:
    """One attempt to offer or hold the return interview. The first attempt is when it was
    offered; every attempt is kept, so a refusal or no contact shows what was tried."""
    interview = _interview(episode)
    errors: dict[str, str] = {}
    if method not in AttemptMethod.values:
        errors["method"] = "Say how you tried to reach the young person."
    if not note.strip():
        errors["note"] = "Say what happened."
    if episode.returned_at and attempted_at < episode.returned_at:
        errors["attempted_at"] = "The attempt cannot be before the young person returned."
    if errors:
        raise ValidationError(errors)
    _not_future("attempted_at", attempted_at, "The time of the attempt")
    with transaction.atomic():
        attempt = InterviewAttempt(
            interview=interview,
            attempted_at=attempted_at,
            method=method,
            note=note.strip(),
            made_by=actor,
            created_by=actor,
            modified_by=actor,
        )
        attempt.full_clean()
        attempt.save()
        if interview.offered_at is None or attempted_at < interview.offered_at:
            apply_changes(interview, changes={"offered_at": attempted_at}, actor=actor)
        figures_changed()  # counted again for the dashboard (decision 0022)
        audit_record(
            action="missing.interview_attempt",
            request=request,
            actor=actor,
            obj=episode,
            detail={"method": method},
        )
        chronology_append(
            person=episode.child,
            kind=EntryKind.MISSING,
            summary=f"Return interview for {episode.reference}: attempt "
            f"({attempt.get_method_display().lower()})",
            detail=attempt.note,
            occurred_at=attempted_at,
            author=actor,
            link=episode,
            request=request,
        )
    return attempt


def interview_complete(
    *,
    request: HttpRequest | None,
    actor: User,
    episode: Episode,
    outcome: Code,
    completed_at: datetime | None = None,
    push_factors: str = "",
    pull_factors: str = "",
    where_went: str = "",
    with_whom: str = "",
    travel: str = "",
    harm: str = "",
    exploitation_indicators: str = "",
    what_would_help: str = "",
    child_declined: bool = False,
    declined_reason: str = "",
    carer_information: str = "",
    child_words: str = "",
    wishes_and_feelings: str = "",
    named: Sequence[NamedInInterview] = (),
) -> ReturnInterview:
    """Record the interview and its outcome (required, from the current outcome list). When
    the young person declined, what their carers said or why that was not possible is required
    instead. The young person's own words, when given, go to their record as their voice; the
    people and places they named become candidate intelligence for the analyst, handled as the
    interviewer set."""
    interview = _interview(episode)
    completed_at = completed_at or timezone.now()
    if (
        outcome.code_list.key != OUTCOMES
        or not Code.objects.in_list(OUTCOMES)
        .current(timezone.localtime(completed_at).date())
        .filter(pk=outcome.pk)
        .exists()
    ):
        raise ValidationError({"outcome": "Choose the outcome of the return interview."})
    declined = child_declined or outcome.code == DECLINED
    if declined and not carer_information.strip() and not declined_reason.strip():
        raise ValidationError(
            {
                "carer_information": "The young person declined: record what their carers "
                "said, or why they could not be asked."
            }
        )
    for item in named:
        if item.kind not in LeadKind.values or item.handling not in LeadHandling.values:
            raise ValidationError({"named": "Say what each thing named is and who may see it."})
        if not item.description.strip():
            raise ValidationError({"named": "Describe each person or place named."})
    _not_future("completed_at", completed_at, "The time of the interview")
    if episode.returned_at and completed_at < episode.returned_at:
        raise ValidationError(
            {"completed_at": "The interview cannot be before the young person returned."}
        )
    with transaction.atomic():
        changed = apply_changes(
            interview,
            changes={
                "outcome": outcome,
                "completed_at": completed_at,
                "interviewer": actor,
                "push_factors": push_factors.strip(),
                "pull_factors": pull_factors.strip(),
                "where_went": where_went.strip(),
                "with_whom": with_whom.strip(),
                "travel": travel.strip(),
                "harm": harm.strip(),
                "exploitation_indicators": exploitation_indicators.strip(),
                "what_would_help": what_would_help.strip(),
                "child_declined": declined,
                "declined_reason": declined_reason.strip(),
                "carer_information": carer_information.strip(),
            },
            actor=actor,
        )
        if episode.status == EpisodeStatus.RETURNED:
            apply_changes(episode, changes={"status": EpisodeStatus.INTERVIEW_DONE}, actor=actor)
        for item in named:
            lead = InterviewLead(
                interview=interview,
                kind=item.kind,
                description=item.description.strip(),
                handling=item.handling,
                created_by=actor,
                modified_by=actor,
            )
            lead.full_clean()
            lead.save()
        if child_words.strip():
            voice_record(
                request=request,
                actor=actor,
                person=episode.child,
                said=child_words,
                wishes_and_feelings=wishes_and_feelings,
                occurred_at=completed_at,
                place="Return interview",
            )
        figures_changed()  # counted again for the dashboard (decision 0022)
        audit_record(
            action="missing.interview_completed",
            request=request,
            actor=actor,
            obj=episode,
            detail={"outcome": outcome.code, "changed": sorted(changed), "named": len(named)},
        )
        chronology_append(
            person=episode.child,
            kind=EntryKind.MISSING,
            summary=f"Return interview for {episode.reference}: {outcome.label.lower()}",
            detail=_learned(interview),
            occurred_at=completed_at,
            author=actor,
            significance=Significance.SIGNIFICANT
            if interview.harm or interview.exploitation_indicators
            else Significance.ROUTINE,
            link=episode,
            request=request,
        )
    return interview


# What an interview found that the next risk assessment needs, as the chronology carries it.
# Who they were with and where they went are left out: people and places named go to the
# analyst as leads, with the handling the interviewer set.
LEARNED = (
    ("push_factors", "What made them leave"),
    ("pull_factors", "What drew them away"),
    ("harm", "Harm they suffered"),
    ("exploitation_indicators", "Signs of exploitation"),
    ("what_would_help", "What would help"),
    ("carer_information", "What the carers said"),
)


def _learned(interview: ReturnInterview) -> str:
    return "\n\n".join(
        f"{label}: {getattr(interview, name)}"
        for name, label in LEARNED
        if getattr(interview, name)
    )


def lead_review(
    *,
    request: HttpRequest | None,
    actor: User,
    lead: InterviewLead,
    status: str,
    note: str,
) -> InterviewLead:
    """The analyst takes a person or place named in a return interview into intelligence, or
    records why not. Either way the note says what was done."""
    if status not in {LeadStatus.TAKEN, LeadStatus.NOT_TAKEN}:
        raise ValidationError({"status": "Say whether you took it into intelligence."})
    if not note.strip():
        raise ValidationError({"note": "Say what you did with it, or why not."})
    if lead.status != LeadStatus.NEW:
        raise ValidationError("This has already been reviewed.")
    with transaction.atomic():
        apply_changes(
            lead,
            changes={
                "status": status,
                "reviewed_at": timezone.now(),
                "reviewed_by": actor,
                "review_note": note.strip(),
            },
            actor=actor,
        )
        audit_record(
            action="missing.lead_reviewed",
            request=request,
            actor=actor,
            obj=lead,
            detail={"status": status, "episode": str(lead.interview.episode_id)},
        )
    return lead
