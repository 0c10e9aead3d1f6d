"""Assessment pages on a person's record. The person is read through the access policy
(audited); writes go through `assessment_complete`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action, may
from lantern.accounts.models import user_of
from lantern.assessments.forms import AssessmentForm
from lantern.assessments.instruments import judgement_options, option_for
from lantern.assessments.models import EXPLOITATION_MODELS, Assessment
from lantern.assessments.scoring import item_points, points_by_group, windows_seen
from lantern.assessments.selectors import (
    assessment_of,
    assessments_of,
    latest_assessments,
    published_version,
    published_versions,
    since_last_assessment,
)
from lantern.assessments.services import assessment_complete
from lantern.core.forms import add_service_errors, render_form
from lantern.core.links import local_path
from lantern.core.models import Code
from lantern.people.selectors import person_for


def _colour(assessment: Assessment, label: str) -> str:
    option = option_for(assessment.instrument_version.definition, label) or {}
    return str(option.get("colour", "grey"))


def _decorate(assessment: Assessment, today: Any) -> Assessment:
    """What the templates show: tag colours and whether the review is overdue."""
    assessment.judgement_colour = _colour(assessment, assessment.judgement)  # type: ignore[attr-defined]
    assessment.computed_colour = _colour(assessment, assessment.computed_band)  # type: ignore[attr-defined]
    assessment.overdue = assessment.review_due < today  # type: ignore[attr-defined]
    return assessment


@declare_action("assessments.view")
@require_GET
def person_assessments(request: HttpRequest, pk: str) -> HttpResponse:
    """The person's Assessments tab: the latest result with each instrument, every
    assessment, and the instruments an assessor may start."""
    person, _ = person_for(request, pk, purpose="see their assessments")
    today = timezone.localdate()
    latest = [_decorate(a, today) for a in latest_assessments([person.pk]).get(person.pk, [])]
    by_instrument = {a.instrument_version.instrument_id: a for a in latest}
    tasks = [
        {"version": version, "latest": by_instrument.get(version.instrument_id)}
        for version in published_versions()
    ]
    return render(
        request,
        "assessments/person.html",
        {
            "person": person,
            "latest": latest,
            "tasks": tasks,
            "history": [_decorate(a, today) for a in assessments_of(person)],
            "can_complete": may(user_of(request), "assessments.complete"),
        },
    )


@declare_action("assessments.complete")
@require_http_methods(["GET", "POST"])
def assessment_new(request: HttpRequest, pk: str, key: str) -> HttpResponse:
    """Complete an assessment with the instrument's published version. `?context=` links it
    to another module's record and `?next=` (a local path) is where to go afterwards."""
    person, _ = person_for(request, pk, purpose="complete an assessment")
    version = published_version(key)
    definition = dict(version.definition)
    initial = {
        "context": request.GET.get("context", ""),
        "next": local_path(request.GET.get("next", "")),
    }
    form = AssessmentForm(definition, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        context_type, context_id = data["context"]
        try:
            assessment = assessment_complete(
                request=request,
                actor=user_of(request),
                person=person,
                version=version,
                answers=form.answers(),
                judgement=data["judgement"],
                override_reason=data.get("override_reason", ""),
                evidence=data["evidence"],
                concern=data["concern"],
                strengths=data["strengths"],
                narrative=data["narrative"],
                exploitation_models=list(data["exploitation_models"]),
                assessed_on=data["assessed_on"],
                context_type=context_type,
                context_id=context_id,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"{version.instrument.name} saved: judgement {assessment.judgement}."
            )
            onward = local_path(data.get("next", ""))
            if onward:
                return redirect(onward)
            return redirect("assessments:assessment", pk=person.pk, assessment=assessment.pk)
    return render_form(
        request,
        "assessments/new.html",
        {
            "form": form,
            "person": person,
            "version": version,
            "definition": definition,
            "options": judgement_options(definition),
            "since_last": since_last_assessment(user_of(request), person, version.instrument),
        },
    )


def _answer_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """Each group with its answers and points, for the result page."""
    definition = assessment.instrument_version.definition
    answers = assessment.answers
    on = assessment.assessed_on
    totals = points_by_group(definition, answers, on)
    windows = {w["key"]: w["label"] for w in definition.get("windows", [])}
    levels = {lv["key"]: lv for lv in definition.get("levels", [])}
    rows = []
    for group in definition["groups"]:
        items = []
        for item in definition["items"]:
            if item["group"] != group["key"]:
                continue
            answer = answers.get(item["key"])
            row: dict[str, Any] = {
                "item": item,
                "points": item_points(definition, item, answer, on),
            }
            if group["kind"] == "flag":
                row["answer"] = "Yes" if answer is True else "No"
            elif group["kind"] == "windowed":
                seen = windows_seen(definition, answer, on)
                row["answer"] = "; ".join(windows[w] for w in seen) or "Not seen"
                row["last_seen"] = (answer or {}).get("last_seen")
            else:
                level = levels.get((answer or {}).get("level"), {})
                row["answer"] = level.get("label", "")
                row["colour"] = level.get("colour", "grey")
                row["note"] = (answer or {}).get("note", "")
            items.append(row)
        rows.append({"group": group, "items": items, "points": totals[group["key"]]})
    return rows


@declare_action("assessments.view")
@require_GET
def assessment_detail(request: HttpRequest, pk: str, assessment: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="see an assessment")
    found = _decorate(assessment_of(person, assessment), timezone.localdate())
    audit_record(
        action="assessment.viewed",
        request=request,
        obj=person,
        detail={"assessment": str(found.pk)},
    )
    labels = dict(Code.objects.in_list(EXPLOITATION_MODELS).values_list("code", "label").distinct())
    return render(
        request,
        "assessments/detail.html",
        {
            "person": person,
            "assessment": found,
            "version": found.instrument_version,
            "groups": _answer_rows(found),
            "scored": found.computed_score is not None,
            "models": [labels.get(code, code) for code in found.exploitation_models],
        },
    )
