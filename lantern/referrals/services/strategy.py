"""Strategy discussions, section 47 enquiries and the dates the timeliness measures use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import InvolvementKind
from lantern.access.services import involvement_add
from lantern.accounts.models import User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import on_day
from lantern.core.deadlines import due_date
from lantern.core.services import apply_changes
from lantern.referrals.models import (
    Discipline,
    Participant,
    Referral,
    Section47Enquiry,
    Status,
    StrategyDiscussion,
    StrategyOutcome,
    received,
)
from lantern.referrals.services.timeline import on_each_child

ENQUIRY = frozenset({StrategyOutcome.JOINT_S47, StrategyOutcome.SINGLE_S47})


@dataclass(frozen=True)
class Attendee:
    discipline: str
    name: str
    role: str = ""
    agency: str = ""


def _involve(referral: Referral, user: User, actor: User, request: HttpRequest | None) -> None:
    """A lead worker sees the referral and its children from now on."""
    records = [referral] + [
        c.person for c in referral.children.select_related("person") if c.person
    ]
    for record in records:
        involvement_add(
            actor=actor,
            record=record,
            kind=InvolvementKind.PROFESSIONAL,
            user=user,
            request=request,
        )


def _strategy_problems(
    *,
    referral: Referral,
    held_at: datetime,
    attendees: list[Attendee],
    known: str,
    outcome: str,
    plan: str,
    contact_approach: str,
    lead: User | None,
    police_lead: User | None,
) -> dict[str, str]:
    """What stops a strategy discussion being recorded, by field."""
    errors: dict[str, str] = {}
    if referral.status == Status.DRAFT:
        errors["__all__"] = "This referral has not been submitted."
    disciplines = {a.discipline for a in attendees}
    if not {Discipline.SOCIAL_CARE, Discipline.POLICE} <= disciplines:
        errors["attendees"] = (
            "A strategy discussion needs at least children's social care and the police: "
            "add who took part for each."
        )
    if held_at > timezone.now():
        errors["held_at"] = "The discussion cannot be in the future."
    if not known.strip():
        errors["known"] = "Record what was known."
    if outcome not in StrategyOutcome.values:
        errors["outcome"] = "Select the decision."
    if not plan.strip():
        errors["plan"] = "Record the plan."
    if outcome in ENQUIRY:
        errors |= _enquiry_problems(outcome, contact_approach, lead, police_lead)
    return errors


def _enquiry_problems(
    outcome: str, contact_approach: str, lead: User | None, police_lead: User | None
) -> dict[str, str]:
    """A section 47 enquiry needs a social work lead, a plan to approach the child, and for a
    joint one a police lead."""
    errors: dict[str, str] = {}
    if lead is None:
        errors["lead"] = "Choose the social worker who will lead the enquiry."
    elif not lead.has_role(RoleCode.SOCIAL_WORKER, RoleCode.MASH_MANAGER):
        errors["lead"] = "The lead for a section 47 enquiry must be a social worker."
    if not contact_approach.strip():
        errors["contact_approach"] = (
            "Record how and when the child will be approached (the victim contact strategy)."
        )
    if outcome == StrategyOutcome.JOINT_S47:
        if police_lead is None:
            errors["police_lead"] = "A joint enquiry needs its police lead."
        elif not police_lead.has_role(RoleCode.POLICE_OFFICER):
            errors["police_lead"] = "The police lead must be a police officer."
    return errors


def strategy_record(
    *,
    request: HttpRequest | None,
    actor: User,
    referral: Referral,
    held_at: datetime,
    attendees: list[Attendee],
    known: str,
    outcome: str,
    outcome_detail: str,
    plan: str,
    contact_approach: str,
    contact_contingency: str,
    contact_social_media: str,
    contact_wellbeing: str,
    lead: User | None,
    police_lead: User | None = None,
) -> StrategyDiscussion:
    """Record a strategy discussion. Children's social care and the police must both take
    part (Working Together); a section 47 enquiry needs its lead, and a joint one its police
    lead too. The initial child protection conference falls due the configured number of
    working days after this (the last) discussion."""
    errors = _strategy_problems(
        referral=referral,
        held_at=held_at,
        attendees=attendees,
        known=known,
        outcome=outcome,
        plan=plan,
        contact_approach=contact_approach,
        lead=lead,
        police_lead=police_lead,
    )
    if errors:
        raise ValidationError(errors)
    held_on = timezone.localtime(held_at).date()
    with transaction.atomic():
        discussion = StrategyDiscussion(
            referral=referral,
            held_at=held_at,
            chair=actor,
            known=known.strip(),
            outcome=outcome,
            outcome_detail=outcome_detail.strip(),
            plan=plan.strip(),
            contact_approach=contact_approach.strip(),
            contact_contingency=contact_contingency.strip(),
            contact_social_media=contact_social_media.strip(),
            contact_wellbeing=contact_wellbeing.strip(),
            lead=lead,
            icpc_due=due_date(held_on, "icpc") if outcome in ENQUIRY else None,
            created_by=actor,
            modified_by=actor,
        )
        discussion.full_clean()
        discussion.save()
        Participant.objects.bulk_create(
            Participant(
                discussion=discussion,
                discipline=a.discipline,
                name=a.name.strip(),
                role=a.role.strip(),
                agency=a.agency.strip(),
            )
            for a in attendees
        )
        enquiry = None
        if outcome in ENQUIRY:
            # A further discussion moves the conference clock: the enquiry follows the last.
            enquiry = referral.enquiries.filter(completed_on__isnull=True).first()
            if enquiry is None:
                enquiry = Section47Enquiry(
                    discussion=discussion,
                    referral=referral,
                    joint=outcome == StrategyOutcome.JOINT_S47,
                    social_work_lead=lead,
                    police_lead=police_lead,
                    started_on=held_on,
                    created_by=actor,
                    modified_by=actor,
                )
                enquiry.full_clean()
                enquiry.save()
            for worker in (lead, police_lead):
                if worker is not None:
                    _involve(referral, worker, actor, request)
        audit_record(
            action="referral.strategy_recorded",
            request=request,
            actor=actor,
            obj=referral,
            detail={"outcome": outcome, "enquiry": str(enquiry.pk) if enquiry else ""},
        )
        on_each_child(
            referral,
            kind=EntryKind.MEETING,
            summary=f"Strategy discussion ({referral.reference}): "
            f"{discussion.get_outcome_display()}",
            detail=discussion.plan,
            occurred_at=held_at,
            author=actor,
            request=request,
        )
    return discussion


def enquiry_update(
    *,
    request: HttpRequest | None,
    actor: User,
    enquiry: Section47Enquiry,
    outcome: str,
    completed_on: date | None,
    icpc_held_on: date | None,
) -> Section47Enquiry:
    """Record how an enquiry ended and when the conference was held."""
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for field, value in (("completed_on", completed_on), ("icpc_held_on", icpc_held_on)):
        if value and value > today:
            errors[field] = "The date cannot be in the future."
        if value and value < enquiry.started_on:
            errors[field] = "The date cannot be before the enquiry started."
    if completed_on and not outcome:
        errors["outcome"] = "Select the outcome of the enquiry."
    if icpc_held_on and outcome and outcome != "icpc":
        errors["icpc_held_on"] = "A conference date fits only an outcome that leads to one."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        changed = apply_changes(
            enquiry,
            changes={
                "outcome": outcome,
                "completed_on": completed_on,
                "icpc_held_on": icpc_held_on,
            },
            actor=actor,
        )
        audit_record(
            action="referral.enquiry_updated",
            request=request,
            actor=actor,
            obj=enquiry.referral,
            detail={"changed": sorted(changed)},
        )
        if "completed_on" in changed and completed_on:
            on_each_child(
                enquiry.referral,
                kind=EntryKind.ASSESSMENT,
                summary=f"{enquiry} completed ({enquiry.referral.reference}): "
                f"{enquiry.get_outcome_display()}",
                occurred_at=on_day(completed_on),
                author=actor,
                request=request,
            )
        if "icpc_held_on" in changed and icpc_held_on:
            on_each_child(
                enquiry.referral,
                kind=EntryKind.MEETING,
                summary=f"Initial child protection conference held ({enquiry.referral.reference})",
                occurred_at=on_day(icpc_held_on),
                author=actor,
                request=request,
            )
    return enquiry


def assessment_completed(
    *, request: HttpRequest | None, actor: User, referral: Referral, completed_on: date
) -> Referral:
    """Record the day the assessment that followed the referral was completed."""
    if referral.status != Status.DECIDED or referral.assessment_due is None:
        raise ValidationError("This referral did not lead to an assessment.")
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date cannot be in the future."})
    if completed_on < timezone.localtime(received(referral)).date():
        raise ValidationError({"completed_on": "The date cannot be before the referral."})
    with transaction.atomic():
        apply_changes(referral, changes={"assessment_completed_on": completed_on}, actor=actor)
        audit_record(
            action="referral.assessment_completed",
            request=request,
            actor=actor,
            obj=referral,
            detail={"completed_on": completed_on.isoformat()},
        )
        on_each_child(
            referral,
            kind=EntryKind.ASSESSMENT,
            summary=f"Assessment following {referral.reference} completed",
            occurred_at=on_day(completed_on),
            author=actor,
            significance=Significance.ROUTINE,
            request=request,
        )
    return referral
