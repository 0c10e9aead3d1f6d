"""Writes: completing an assessment, and drafting and publishing an instrument's versions."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.assessments.instruments import option_for, validate_definition
from lantern.assessments.models import (
    EXPLOITATION_MODELS,
    Assessment,
    Instrument,
    InstrumentVersion,
    VersionStatus,
)
from lantern.assessments.scoring import answer_errors, compute, months_before
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append
from lantern.core.models import Code

OVERRIDE_NEEDS_REASON = "Explain why your judgement differs from the computed result ({computed})."


def months_after(day: date, months: int) -> date:
    return months_before(day, -months)


def _summary(version: InstrumentVersion, assessment: Assessment) -> str:
    name = version.instrument.name
    if assessment.computed_score is not None:
        result = f"{assessment.computed_band} (score {assessment.computed_score})"
    elif assessment.computed_band:
        counts = ", ".join(f"{n} {label}" for label, n in assessment.level_counts.items())
        result = f"highest level {assessment.computed_band} ({counts})"
    else:
        return f"{name}: judgement {assessment.judgement}"
    return f"{name}: {result}; judgement {assessment.judgement}"


def assessment_complete(
    *,
    request: HttpRequest | None,
    actor: Any,
    person: Any,
    version: InstrumentVersion,
    answers: dict[str, Any],
    judgement: str,
    override_reason: str,
    evidence: str,
    concern: str,
    strengths: str,
    narrative: str,
    exploitation_models: list[str],
    assessed_on: date,
    context_type: str = "",
    context_id: uuid.UUID | None = None,
) -> Assessment:
    """Record a completed assessment with a published version of an instrument.

    The answers must fit the version's definition; the computed result comes from
    `scoring.compute`; the judgement is required and must be one the instrument offers, and
    it needs a reason whenever it differs from the computed result. Saves, audits and adds a
    chronology entry (significant when the judgement or computed result is marked
    significant: a scored tool's top two bands, a High level) in one transaction."""
    definition = dict(version.definition)
    errors: dict[str, Any] = {}
    if version.status != VersionStatus.PUBLISHED:
        errors["instrument_version"] = "Only a published version of an instrument can be used."
    today = timezone.localdate()
    if assessed_on > today:
        errors["assessed_on"] = "The date of the assessment cannot be in the future."
    problems = answer_errors(definition, answers, assessed_on=assessed_on)
    if problems:
        errors["answers"] = list(problems.values())
    if option_for(definition, judgement) is None:
        errors["judgement"] = "Choose your professional judgement."
    known = set(Code.objects.in_list(EXPLOITATION_MODELS).current().values_list("code", flat=True))
    unknown = [m for m in exploitation_models if m not in known]
    if unknown:
        errors["exploitation_models"] = f"Not a model of exploitation: {', '.join(unknown)}."
    if bool(context_type) != bool(context_id):
        errors["context_type"] = "A linked record needs both its type and its id."
    if errors:
        raise ValidationError(errors)
    result = compute(definition, answers, assessed_on=assessed_on)
    override_reason = override_reason.strip()
    if result.suggestion and judgement != result.suggestion and not override_reason:
        raise ValidationError(
            {"override_reason": OVERRIDE_NEEDS_REASON.format(computed=result.suggestion)}
        )
    assessment = Assessment(
        person=person,
        instrument_version=version,
        answers=answers,
        computed_score=result.score,
        computed_band=result.suggestion,
        level_counts=result.level_counts,
        judgement=judgement,
        override_reason=override_reason if judgement != result.suggestion else "",
        evidence=evidence.strip(),
        concern=concern.strip(),
        strengths=strengths.strip(),
        narrative=narrative.strip(),
        exploitation_models=list(exploitation_models),
        assessed_on=assessed_on,
        review_due=months_after(assessed_on, version.review_months),
        assessor=actor,
        context_type=context_type,
        context_id=context_id,
        created_by=actor,
        modified_by=actor,
    )
    significant = any(
        (option_for(definition, label) or {}).get("significant")
        for label in (judgement, result.suggestion)
        if label
    )
    with transaction.atomic():
        assessment.full_clean()
        assessment.save(force_insert=True)
        audit_record(
            action="assessment.completed",
            request=request,
            actor=actor,
            obj=person,
            detail={
                "assessment": str(assessment.pk),
                "instrument": version.instrument.key,
                "version": version.number,
                "score": result.score,
                "computed": result.suggestion,
                "judgement": judgement,
                "overridden": assessment.overridden,
            },
        )
        chronology_append(
            person=person,
            kind=EntryKind.ASSESSMENT,
            summary=_summary(version, assessment),
            detail=f"Judgement differs from the computed result: {assessment.override_reason}"
            if assessment.override_reason
            else "",
            occurred_at=timezone.now(),
            author=actor,
            significance=Significance.SIGNIFICANT if significant else Significance.ROUTINE,
            link=assessment,
            request=request,
        )
    return assessment


def instrument_version_draft(
    *,
    request: HttpRequest | None,
    actor: Any,
    instrument: Instrument,
    definition: dict[str, Any],
    notes: str,
) -> InstrumentVersion:
    """Save a new definition as the instrument's draft: the existing draft is replaced in
    place, else a new draft takes the next version number. Nobody uses a draft until it is
    published."""
    validate_definition(definition, kind=instrument.kind)
    with transaction.atomic():
        Instrument.objects.select_for_update().get(pk=instrument.pk)
        draft = instrument.versions.filter(status=VersionStatus.DRAFT).first()
        if draft is None:
            latest = instrument.versions.aggregate(n=Max("number"))["n"] or 0
            draft = InstrumentVersion(
                instrument=instrument, number=latest + 1, created_by=actor, modified_by=actor
            )
        else:
            draft.version += 1
            draft.modified_by = actor
        draft.definition = definition
        draft.notes = notes.strip()
        draft.full_clean()
        draft.save()
        audit_record(
            action="instrument.drafted",
            request=request,
            actor=actor,
            obj=draft,
            detail={"instrument": instrument.key, "version": draft.number},
        )
    return draft


def instrument_version_publish(
    *, request: HttpRequest | None, actor: Any, version: InstrumentVersion
) -> InstrumentVersion:
    """Publish a draft: new assessments use it from today; the version published until now
    is retired. Assessments already made keep the version they were made with."""
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("Only a draft can be published.")
    validate_definition(version.definition, kind=version.instrument.kind)
    now = timezone.now()
    with transaction.atomic():
        retired = list(
            version.instrument.versions.select_for_update().filter(status=VersionStatus.PUBLISHED)
        )
        for old in retired:
            old.status = VersionStatus.RETIRED
            old.version += 1
            old.modified_by = actor
            old.save(update_fields=["status", "version", "modified_by", "modified_at"])
        version.status = VersionStatus.PUBLISHED
        version.published_at = now
        version.published_by = actor
        version.valid_from = timezone.localdate()
        version.version += 1
        version.modified_by = actor
        version.full_clean()
        version.save()
        audit_record(
            action="instrument.published",
            request=request,
            actor=actor,
            obj=version,
            detail={
                "instrument": version.instrument.key,
                "version": version.number,
                "retired": [old.number for old in retired],
            },
        )
    return version
