"""Reporting a child missing, grading the risk, recording their return, and closing the
episode under a manager's oversight."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import InvolvementKind
from lantern.access.services import involvement_add
from lantern.accounts.models import User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import FUTURE_TOLERANCE, chronology_append
from lantern.core.deadlines import due_at
from lantern.core.models import Code
from lantern.core.references import next_reference
from lantern.core.services import apply_changes
from lantern.missing.dashboard import figures_changed
from lantern.missing.models import (
    ChildCategory,
    Episode,
    EpisodeStatus,
    InterviewProvider,
    MissingFrom,
    ReturnInterview,
    RiskGrading,
)
from lantern.missing.services.rules import rules_evaluate
from lantern.people.models import Address, LegalStatus, LegalStatusKind, Person, in_force

RISK_GRADES = "missing_risk_grade"
SSDA903_TYPES = "ssda903_missing_type"
CLOSERS = (RoleCode.MISSING_COORDINATOR, RoleCode.MASH_MANAGER)


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()


def looked_after_on(child: Person, day: date) -> bool:
    """Whether the child is in care on `day`: a looked-after legal status in force then."""
    return (
        LegalStatus.objects.filter(person=child, kind=LegalStatusKind.LOOKED_AFTER)
        .filter(in_force(day))
        .exists()
    )


def locality_on(child: Person, day: date) -> str:
    """The postcode district of the address the child lived at (or was placed at) on `day`:
    the latest in force then; blank when none was recorded."""
    address = (
        Address.objects.filter(person=child).filter(in_force(day)).order_by("-valid_from").first()
    )
    return address.district if address is not None else ""


def _current_grade(grade: Code, on: date) -> None:
    if (
        grade.code_list.key != RISK_GRADES
        or not Code.objects.in_list(RISK_GRADES).current(on).filter(pk=grade.pk).exists()
    ):
        raise ValidationError(
            {"police_risk_grade": "Choose a current risk grade: very low, low, medium or high."}
        )


def _not_future(field: str, moment: datetime | None, label: str) -> None:
    if moment is not None and moment > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({field: f"{label} cannot be in the future."})


def _grading(
    *, episode: Episode, grade: Code, sources: str, graded_at: datetime, actor: User
) -> RiskGrading:
    grading = RiskGrading(
        episode=episode,
        grade=grade,
        graded_at=graded_at,
        graded_by=actor,
        sources=sources.strip(),
        created_by=actor,
        modified_by=actor,
    )
    grading.full_clean()
    grading.save()
    return grading


def episode_report(
    *,
    request: HttpRequest | None,
    actor: User,
    child: Person,
    reported_at: datetime,
    last_seen_at: datetime,
    missing_from: str,
    risk_grade: Code | None = None,
    grading_sources: str = "",
    noticed_at: datetime | None = None,
    reporter_name: str = "",
    reporter_relationship: str = "",
    placing_authority: str = "",
    circumstances: str = "",
    description: str = "",
    clothing: str = "",
    police_reference: str = "",
    ssda903_type: Code | None = None,
) -> Episode:
    """Report a child missing. Refuses a time in the future or out of order, a child not yet
    born when last seen, and a period that overlaps another episode of the same child or starts
    while one is still open (DfE rules 574 and 586); the police risk grade, when known, from
    the current list with the sources it was based on (a carer or school reporting may not
    know it yet: the police grade it later); the SSDA903 type only for a child in care.
    Stamps a reference and records the first grading."""
    errors: dict[str, str] = {}
    for field, moment, label in (
        ("reported_at", reported_at, "The time it was reported"),
        ("last_seen_at", last_seen_at, "The time the child was last seen"),
        ("noticed_at", noticed_at, "The time they were noticed missing"),
    ):
        try:
            _not_future(field, moment, label)
        except ValidationError as error:
            errors.update(error.message_dict)  # type: ignore[arg-type]
    if child.born_earliest and _local_day(last_seen_at) < child.born_earliest:
        errors["last_seen_at"] = (
            "The time last seen is before the young person was born: check the date."
        )
    if missing_from not in MissingFrom.values:
        errors["missing_from"] = "Say where the young person went missing from."
    if risk_grade is not None and not grading_sources.strip():
        errors["grading_sources"] = (
            "Record every source of information used for the risk grade, and who supplied it."
        )
    in_care = looked_after_on(child, _local_day(last_seen_at))
    if ssda903_type is not None and (not in_care or ssda903_type.code_list.key != SSDA903_TYPES):
        errors["ssda903_type"] = (
            "Missing or away is recorded only for a child in care."
            if not in_care
            else "Choose missing or away from placement."
        )
    if in_care and ssda903_type is None:
        errors["ssda903_type"] = (
            "The young person is in care: say whether they are missing (whereabouts unknown) "
            "or away from placement without authorisation (whereabouts known)."
        )
    if errors:
        raise ValidationError(errors)
    if risk_grade is not None:
        _current_grade(risk_grade, _local_day(reported_at))
    with transaction.atomic():
        # Serialise reports for one child so two at once cannot both pass the overlap check.
        Person.objects.select_for_update().filter(pk=child.pk).first()
        clash = (
            Episode.objects.filter(child=child)
            .filter(Q(returned_at__isnull=True) | Q(returned_at__gt=last_seen_at))
            .order_by("last_seen_at")
            .first()
        )
        if clash is not None:
            when = f"{timezone.localtime(clash.last_seen_at):%-d %B %Y %H:%M}"
            raise ValidationError(
                {
                    "last_seen_at": (
                        f"{child.known_as} is still recorded as missing since {when} "
                        f"({clash.reference}): record their return before reporting a new "
                        "episode."
                    )
                    if clash.is_open
                    else (
                        f"This overlaps episode {clash.reference} (missing from {when} until "
                        f"{timezone.localtime(clash.returned_at):%-d %B %Y %H:%M}): a new "
                        "episode must start after the previous return."
                    )
                }
            )
        episode = Episode(
            reference=next_reference(sequence="missing_reference_seq", prefix="MIS"),
            child=child,
            reported_at=reported_at,
            reported_by=actor,
            reporter_name=reporter_name.strip(),
            reporter_relationship=reporter_relationship.strip(),
            last_seen_at=last_seen_at,
            noticed_at=noticed_at,
            missing_from=missing_from,
            placing_authority=placing_authority.strip(),
            locality=locality_on(child, _local_day(last_seen_at)),
            circumstances=circumstances.strip(),
            description=description.strip(),
            clothing=clothing.strip(),
            police_reference=police_reference.strip(),
            police_risk_grade=risk_grade,
            ssda903_type=ssda903_type,
            created_by=actor,
            modified_by=actor,
        )
        episode.full_clean()
        try:
            with transaction.atomic():
                episode.save()
        except IntegrityError as error:  # a concurrent report slipped past the lock
            raise ValidationError(
                {"last_seen_at": "This child already has an open missing episode."}
            ) from error
        if risk_grade is not None:
            _grading(
                episode=episode,
                grade=risk_grade,
                sources=grading_sources,
                graded_at=reported_at,
                actor=actor,
            )
        # The reporter follows the episode they reported (a carer or school sees the return).
        involvement_add(
            actor=actor,
            record=episode,
            kind=InvolvementKind.REFERRER,
            user=actor,
            request=request,
        )
        figures_changed()  # counted again for the dashboard (decision 0022)
        audit_record(
            action="missing.reported",
            request=request,
            actor=actor,
            obj=episode,
            detail={"child": str(child.pk), "grade": risk_grade.code if risk_grade else ""},
        )
        chronology_append(
            person=child,
            kind=EntryKind.MISSING,
            summary=f"Reported missing from {episode.get_missing_from_display().lower()} "
            f"({episode.reference}), "
            + (risk_grade.label.lower() if risk_grade else "not yet graded by the police"),
            detail=episode.circumstances,
            occurred_at=last_seen_at,
            author=actor,
            significance=Significance.SIGNIFICANT
            if risk_grade is None or risk_grade.code in {"medium", "high"}
            else Significance.ROUTINE,
            link=episode,
            request=request,
        )
        rules_evaluate(episode=episode, moment="reported", actor=actor, request=request)
    return episode


def episode_grade(
    *,
    request: HttpRequest | None,
    actor: User,
    episode: Episode,
    grade: Code,
    sources: str,
    graded_at: datetime | None = None,
) -> RiskGrading:
    """A new police risk grade while the child is missing, with every source used and who
    supplied it; the episode shows it and the earlier grades stay as history."""
    graded_at = graded_at or timezone.now()
    if not episode.is_open:
        raise ValidationError("The young person has returned: the risk grade can no longer change.")
    if not sources.strip():
        raise ValidationError(
            {"sources": "Record every source of information used, and who supplied it."}
        )
    _not_future("graded_at", graded_at, "The time of grading")
    if graded_at < episode.last_seen_at:
        raise ValidationError({"graded_at": "The grade cannot be before the child went missing."})
    _current_grade(grade, _local_day(graded_at))
    with transaction.atomic():
        before = episode.police_risk_grade
        grading = _grading(
            episode=episode, grade=grade, sources=sources, graded_at=graded_at, actor=actor
        )
        apply_changes(episode, changes={"police_risk_grade": grade}, actor=actor)
        figures_changed()  # counted again for the dashboard (decision 0022)
        audit_record(
            action="missing.graded",
            request=request,
            actor=actor,
            obj=episode,
            detail={"from": before.code if before else "", "to": grade.code},
        )
        chronology_append(
            person=episode.child,
            kind=EntryKind.MISSING,
            summary=f"Risk grade for {episode.reference} changed from {before.label.lower()} "
            f"to {grade.label.lower()}"
            if before
            else f"Risk grade for {episode.reference}: {grade.label.lower()}",
            detail=grading.sources,
            occurred_at=graded_at,
            author=actor,
            significance=Significance.SIGNIFICANT if grade.code == "high" else Significance.ROUTINE,
            link=episode,
            request=request,
        )
    return grading


def interview_provider_for(category: str) -> InterviewProvider | None:
    return InterviewProvider.objects.select_related("agency").filter(category=category).first()


def episode_record_return(
    *,
    request: HttpRequest | None,
    actor: User,
    episode: Episode,
    returned_at: datetime,
    found_where: str,
    found_lat: Decimal | None = None,
    found_lon: Decimal | None = None,
    found_by: str = "",
    returned_with: str = "",
    return_method: str = "",
    safe_and_well_done: bool = False,
    safe_and_well_by: str = "",
    injuries_or_disclosures: str = "",
) -> Episode:
    """The child is back. Refuses a return before they were last seen or reported missing, or
    in the future. Starts the return interview's clock (the `return_interview` timescale, 72
    elapsed hours) and routes the interview to the provider configured for children in care
    or for children missing from home, by the child's legal status on the day they returned."""
    if not episode.is_open:
        raise ValidationError("The return has already been recorded.")
    _not_future("returned_at", returned_at, "The time of return")
    if returned_at < episode.last_seen_at or returned_at < episode.reported_at:
        raise ValidationError(
            {
                "returned_at": "The return cannot be before the young person was last seen or "
                "reported missing."
            }
        )
    if not found_where.strip():
        raise ValidationError({"found_where": "Say where the young person was found."})
    if safe_and_well_done and not safe_and_well_by.strip():
        raise ValidationError({"safe_and_well_by": "Say who did the safe and well check."})
    category = (
        ChildCategory.IN_CARE
        if looked_after_on(episode.child, _local_day(returned_at))
        else ChildCategory.MISSING_FROM_HOME
    )
    provider = interview_provider_for(category)
    with transaction.atomic():
        changed = apply_changes(
            episode,
            changes={
                "status": EpisodeStatus.RETURNED,
                "returned_at": returned_at,
                "found_where": found_where.strip(),
                "found_lat": found_lat,
                "found_lon": found_lon,
                "found_by": found_by.strip(),
                "returned_with": returned_with.strip(),
                "return_method": return_method.strip(),
                "safe_and_well_done": safe_and_well_done,
                "safe_and_well_by": safe_and_well_by.strip(),
                "injuries_or_disclosures": injuries_or_disclosures.strip(),
                "interview_category": category,
                "interview_due_at": due_at(returned_at, "return_interview"),
            },
            actor=actor,
        )
        interview = ReturnInterview(
            episode=episode,
            provider=provider.agency if provider else None,
            created_by=actor,
            modified_by=actor,
        )
        interview.full_clean()
        interview.save()
        # The provider's teams are involved, so their workers see the episode they offer the
        # interview for (and nothing else of the child's unless their scope allows it).
        if provider is not None:
            for team in provider.agency.teams.filter(is_active=True):
                involvement_add(
                    actor=actor,
                    record=episode,
                    kind=InvolvementKind.ALLOCATED_TEAM,
                    team=team,
                    request=request,
                )
        figures_changed()  # counted again for the dashboard (decision 0022)
        audit_record(
            action="missing.returned",
            request=request,
            actor=actor,
            obj=episode,
            detail={
                "changed": sorted(changed),
                "category": category,
                "provider": str(provider.agency) if provider else "",
            },
        )
        chronology_append(
            person=episode.child,
            kind=EntryKind.MISSING,
            summary=f"Returned ({episode.reference}): found at {episode.found_where}",
            detail=episode.injuries_or_disclosures,
            occurred_at=returned_at,
            author=actor,
            significance=Significance.SIGNIFICANT
            if episode.injuries_or_disclosures
            else Significance.ROUTINE,
            link=episode,
            request=request,
        )
    return episode


def episode_close(
    *,
    request: HttpRequest | None,
    actor: User,
    episode: Episode,
    oversight_comment: str,
) -> Episode:
    """A missing coordinator or MASH manager closes the episode with their oversight comment,
    once the child has returned and the return interview's outcome (which may be that it was
    not offered, and why) is recorded."""
    if not actor.has_role(*CLOSERS):
        raise ValidationError("Only a missing coordinator or a MASH manager can close an episode.")
    if episode.status == EpisodeStatus.CLOSED:
        raise ValidationError("This episode is already closed.")
    if episode.is_open:
        raise ValidationError("The young person has not returned: the episode cannot close yet.")
    if not oversight_comment.strip():
        raise ValidationError(
            {"oversight_comment": "Write your oversight comment before closing the episode."}
        )
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if interview is None or interview.completed_at is None:
        raise ValidationError(
            "Record the return interview's outcome (including when it was not offered, and "
            "why) before closing the episode."
        )
    now = timezone.now()
    with transaction.atomic():
        apply_changes(
            episode,
            changes={
                "status": EpisodeStatus.CLOSED,
                "closed_at": now,
                "closed_by": actor,
                "oversight_comment": oversight_comment.strip(),
            },
            actor=actor,
        )
        figures_changed()  # counted again for the dashboard (decision 0022)
        audit_record(action="missing.closed", request=request, actor=actor, obj=episode)
        chronology_append(
            person=episode.child,
            kind=EntryKind.MISSING,
            summary=f"Missing episode {episode.reference} closed after management oversight",
            detail=episode.oversight_comment,
            occurred_at=now,
            author=actor,
            link=episode,
            request=request,
        )
        rules_evaluate(episode=episode, moment="closed", actor=actor, request=request)
    return episode


def episode_refer(*, request: HttpRequest | None, actor: User, episode: Episode) -> Any:
    """Start a referral to the MASH from what the young person's return revealed, in one step:
    a draft referral owned by `actor` with the child on it and the injuries or disclosures as
    what happened, for them to finish and send (the front door's own checks apply)."""
    from lantern.referrals.services import (  # noqa: PLC0415 - the front door's public services
        referral_child_add,
        referral_details_save,
        referral_start,
    )

    if not episode.injuries_or_disclosures.strip():
        raise ValidationError("There are no injuries or disclosures recorded to refer.")
    returned = timezone.localtime(episode.returned_at) if episode.returned_at else None
    with transaction.atomic():
        referral = referral_start(request=request, actor=actor)
        referral_child_add(request=request, actor=actor, referral=referral, person=episode.child)
        referral_details_save(
            request=request,
            actor=actor,
            referral=referral,
            details={
                "what_happened": (
                    f"On return from missing episode {episode.reference}"
                    + (f" ({returned:%-d %B %Y %H:%M})" if returned else "")
                    + f": {episode.injuries_or_disclosures}"
                ),
            },
            indicators=[],
        )
        audit_record(
            action="missing.referral_started",
            request=request,
            actor=actor,
            obj=episode,
            detail={"referral": str(referral.pk)},
        )
    return referral
