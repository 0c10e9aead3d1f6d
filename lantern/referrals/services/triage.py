"""The MASH's part: rating, partner checks, and a decision a manager authorises."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import Agency, User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import Significance
from lantern.core.deadlines import due_at, due_date
from lantern.core.notifications import notify
from lantern.core.services import apply_changes
from lantern.referrals.models import (
    ASSESSED,
    CheckStatus,
    Decision,
    DecisionState,
    Outcome,
    PartnerCheck,
    Rag,
    Referral,
    Status,
    received,
)
from lantern.referrals.services.timeline import on_each_child

# What the referrer is told each decision means for the child.
NEXT_STEPS = {
    Outcome.NO_FURTHER_ACTION: "Children's social care will take no further action. Your "
    "own agency's support for the child continues.",
    Outcome.ADVICE: "The MASH has given advice and information. Your own agency's support "
    "for the child continues.",
    Outcome.EARLY_HELP: "The family will be offered early help.",
    Outcome.SECTION_17: "A social worker will assess the child's needs (section 17).",
    Outcome.STRATEGY_DISCUSSION: "Children's social care and the police will hold a strategy "
    "discussion to decide how to keep the child safe.",
    Outcome.IMMEDIATE_PROTECTION: "Action is being taken now to keep the child safe.",
}


def _open(referral: Referral) -> None:
    if referral.status in {Status.DRAFT, Status.DECIDED}:
        raise ValidationError("This referral has already been decided.")


def referral_rate(
    *, request: HttpRequest | None, actor: User, referral: Referral, rag: str, rationale: str
) -> Referral:
    """The triage worker's RAG rating. The response clock becomes the rating's configured
    target, counted from when the referral was received."""
    _open(referral)
    if rag not in Rag.values:
        raise ValidationError({"rag": "Select red, amber or green."})
    if not rationale.strip():
        raise ValidationError({"rag_rationale": "Say why you gave this rating."})
    with transaction.atomic():
        changed = apply_changes(
            referral,
            changes={
                "rag": rag,
                "rag_rationale": rationale.strip(),
                "rag_set_at": timezone.now(),
                "rag_set_by": actor,
                "response_due_at": due_at(received(referral), f"rag_{rag}"),
            },
            actor=actor,
        )
        audit_record(
            action="referral.rated",
            request=request,
            actor=actor,
            obj=referral,
            detail={"rag": rag, "changed": sorted(changed)},
        )
    return referral


def referral_assign(
    *, request: HttpRequest | None, actor: User, referral: Referral, worker: User | None
) -> Referral:
    _open(referral)
    if worker is not None and not worker.has_role(
        RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER
    ):
        raise ValidationError({"worker": "Choose a MASH worker."})
    with transaction.atomic():
        apply_changes(referral, changes={"assigned_to": worker}, actor=actor)
        audit_record(
            action="referral.assigned",
            request=request,
            actor=actor,
            obj=referral,
            detail={"worker": worker.username if worker else ""},
        )
    return referral


def partner_checks_request(
    *,
    request: HttpRequest | None,
    actor: User,
    referral: Referral,
    agencies: Iterable[Agency],
    question: str = "",
) -> list[PartnerCheck]:
    """Ask each agency what it knows. A check is due by the referral's own clock, since the
    decision waits for it."""
    _open(referral)
    agencies = list(agencies)
    if not agencies:
        raise ValidationError({"agencies": "Select at least one agency to ask."})
    already = set(referral.checks.values_list("agency_id", flat=True))
    repeated = [a.name for a in agencies if a.pk in already]
    if repeated:
        raise ValidationError(
            {"agencies": f"A check has already been asked of {', '.join(repeated)}."}
        )
    now = timezone.now()
    due = referral.due_at or now
    with transaction.atomic():
        checks = [
            PartnerCheck(
                referral=referral,
                agency=agency,
                question=question.strip(),
                requested_by=actor,
                requested_at=now,
                due_at=due,
                created_by=actor,
                modified_by=actor,
            )
            for agency in agencies
        ]
        for check in checks:
            check.full_clean()
        PartnerCheck.objects.bulk_create(checks)
        audit_record(
            action="referral.checks_requested",
            request=request,
            actor=actor,
            obj=referral,
            detail={"agencies": [a.name for a in agencies]},
        )
    return checks


def partner_check_return(
    *,
    request: HttpRequest | None,
    actor: User,
    check: PartnerCheck,
    status: str,
    information: str,
) -> PartnerCheck:
    """A partner agency answers: what it holds, or that it holds nothing. Only someone in the
    agency asked may answer, and only once."""
    if actor.agency_id != check.agency_id:
        raise ValidationError("Only the agency that was asked can answer this check.")
    if check.status != CheckStatus.REQUESTED:
        raise ValidationError("This check has already been answered.")
    if status not in {CheckStatus.RETURNED, CheckStatus.NOTHING_KNOWN}:
        raise ValidationError({"status": "Say whether your agency holds information."})
    if status == CheckStatus.RETURNED and not information.strip():
        raise ValidationError({"information": "Write what your agency knows."})
    with transaction.atomic():
        apply_changes(
            check,
            changes={
                "status": status,
                "information": information.strip(),
                "returned_by": actor,
                "returned_at": timezone.now(),
            },
            actor=actor,
        )
        audit_record(
            action="referral.check_returned",
            request=request,
            actor=actor,
            obj=check.referral,
            detail={"agency": str(check.agency), "status": status},
        )
        on_each_child(
            check.referral,
            summary=f"Partner check for {check.referral.reference} from {check.agency}: "
            f"{check.get_status_display().lower()}",
            detail=check.information,
            occurred_at=check.returned_at or timezone.now(),
            author=actor,
            significance=Significance.ROUTINE,
            request=request,
        )
    return check


def decision_propose(
    *,
    request: HttpRequest | None,
    actor: User,
    referral: Referral,
    outcome: str,
    rationale: str,
) -> Decision:
    """Propose the decision, with its rationale. It does not take effect until a manager
    other than the proposer authorises it."""
    _open(referral)
    if referral.status == Status.AWAITING_AUTHORISATION:
        raise ValidationError("A decision on this referral is already awaiting authorisation.")
    errors = {}
    if outcome not in Outcome.values:
        errors["outcome"] = "Select the decision."
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the decision."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = Decision(
            referral=referral,
            outcome=outcome,
            rationale=rationale.strip(),
            proposed_by=actor,
            proposed_at=timezone.now(),
            created_by=actor,
            modified_by=actor,
        )
        decision.full_clean()
        decision.save()
        apply_changes(referral, changes={"status": Status.AWAITING_AUTHORISATION}, actor=actor)
        audit_record(
            action="referral.decision_proposed",
            request=request,
            actor=actor,
            obj=referral,
            detail={"outcome": outcome},
        )
    return decision


def _reviewable(decision: Decision, actor: User) -> None:
    if decision.state != DecisionState.PROPOSED:
        raise ValidationError("This decision has already been reviewed.")
    if not actor.has_role(RoleCode.MASH_MANAGER):
        raise ValidationError("Only a MASH manager can authorise a decision.")
    if decision.proposed_by_id == actor.pk:
        raise ValidationError("You proposed this decision, so another manager must authorise it.")


def decision_authorise(
    *, request: HttpRequest | None, actor: User, decision: Decision, comment: str = ""
) -> Decision:
    """A manager other than the proposer authorises the decision: it takes effect, goes on
    each child's chronology, and the referrer is told."""
    _reviewable(decision, actor)
    referral = decision.referral
    now = timezone.now()
    with transaction.atomic():
        apply_changes(
            decision,
            changes={
                "state": DecisionState.AUTHORISED,
                "reviewed_by": actor,
                "reviewed_at": now,
                "manager_comment": comment.strip(),
            },
            actor=actor,
        )
        apply_changes(
            referral,
            changes={
                "status": Status.DECIDED,
                "decided_at": now,
                "outcome": decision.outcome,
                "assessment_due": due_date(
                    timezone.localtime(received(referral)).date(), "assessment"
                )
                if decision.outcome in ASSESSED
                else None,
            },
            actor=actor,
        )
        audit_record(
            action="referral.decision_authorised",
            request=request,
            actor=actor,
            obj=referral,
            detail={"outcome": decision.outcome, "proposed_by": decision.proposed_by.username},
        )
        on_each_child(
            referral,
            summary=f"MASH decision on {referral.reference}: {decision}",
            detail=decision.rationale,
            occurred_at=now,
            author=actor,
            request=request,
        )
        notify(
            user=referral.referrer,
            subject=f"Decision on referral {referral.reference}",
            body=f"The MASH decided: {decision}. {NEXT_STEPS[Outcome(decision.outcome)]}",
            link=f"/referrals/{referral.pk}/",
        )
    return decision


def decision_return(
    *, request: HttpRequest | None, actor: User, decision: Decision, comment: str
) -> Decision:
    """The manager sends the decision back with what more is needed; the referral returns
    to triage and the proposer is told."""
    _reviewable(decision, actor)
    if not comment.strip():
        raise ValidationError({"comment": "Say what more is needed before you can authorise."})
    with transaction.atomic():
        apply_changes(
            decision,
            changes={
                "state": DecisionState.RETURNED,
                "reviewed_by": actor,
                "reviewed_at": timezone.now(),
                "manager_comment": comment.strip(),
            },
            actor=actor,
        )
        apply_changes(decision.referral, changes={"status": Status.SUBMITTED}, actor=actor)
        audit_record(
            action="referral.decision_returned",
            request=request,
            actor=actor,
            obj=decision.referral,
            purpose=comment.strip(),
        )
        notify(
            user=decision.proposed_by,
            subject=f"Decision on {decision.referral.reference} returned",
            body=f"{actor.get_full_name() or actor.username} returned your decision: "
            f"{comment.strip()}",
            link=f"/referrals/{decision.referral.pk}/",
        )
    return decision
