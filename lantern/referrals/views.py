"""The referrer's pages: start a referral, add the children, say what happened, check the
answers and submit; then follow it to the decision."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.accounts.models import user_of
from lantern.core.drafts import draft_discard, form_for
from lantern.core.forms import add_service_errors, render_form
from lantern.people.selectors import people_search_for, person_for
from lantern.referrals.forms import ChildForm, DetailsForm
from lantern.referrals.models import Referral, Status
from lantern.referrals.selectors import (
    children_of,
    live_decision,
    referral_for,
    referrals_made_by,
)
from lantern.referrals.services import (
    NEXT_STEPS,
    referral_child_add,
    referral_child_remove,
    referral_details_save,
    referral_start,
    referral_submit,
    submission_problems,
)

SEARCH_ROWS = 10


@declare_action("referrals.make")
@require_http_methods(["GET"])
def referral_list(request: HttpRequest) -> HttpResponse:
    """The referrer's own referrals: drafts to finish, and what was decided on the rest."""
    referrals = referrals_made_by(request.user)
    audit_record(
        action="referral.listed",
        request=request,
        detail={"shown": [str(r.pk) for r in referrals]},
    )
    return render(
        request,
        "referrals/list.html",
        {"referrals": referrals, "children": children_of(request.user, referrals)},
    )


@declare_action("referrals.start")
@require_POST
def referral_new(request: HttpRequest) -> HttpResponse:
    referral = referral_start(request=request, actor=user_of(request))
    return redirect("referrals:children", pk=referral.pk)


def _draft(request: HttpRequest, pk: str, purpose: str) -> Referral:
    """The user's own draft; once submitted, its pages lead to the referral itself."""
    referral, _ = referral_for(request, pk, purpose=purpose)
    if referral.referrer_id != request.user.pk:
        raise Http404
    return referral


@declare_action("referrals.make")
@require_http_methods(["GET", "POST"])
def referral_children(request: HttpRequest, pk: str) -> HttpResponse:
    """Who the referral is about. Search first (within what the referrer may see); add a
    child found, or the details of a child not found. Brothers and sisters go together."""
    referral = _draft(request, pk, "Making a referral")
    if referral.status != Status.DRAFT:
        return redirect("referrals:referral", pk=referral.pk)
    actor = user_of(request)
    form = ChildForm(request.POST if request.POST.get("action") == "new" else None)
    error = ""
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add":
                person, _ = person_for(request, request.POST.get("person", ""), purpose="Referral")
                referral_child_add(request=request, actor=actor, referral=referral, person=person)
                messages.success(request, f"{person.known_as} added to the referral.")
                return redirect("referrals:children", pk=referral.pk)
            if request.POST.get("action") == "remove":
                child = referral.children.filter(pk=request.POST.get("child", "0")).first()
                if child is None:
                    raise Http404
                referral_child_remove(request=request, actor=actor, referral=referral, child=child)
                return redirect("referrals:children", pk=referral.pk)
            if form.is_valid():
                referral_child_add(
                    request=request, actor=actor, referral=referral, **form.cleaned_data
                )
                messages.success(request, "Child added to the referral.")
                return redirect("referrals:children", pk=referral.pk)
        except ValidationError as refusal:
            if request.POST.get("action") == "new":
                add_service_errors(form, refusal)
            else:
                error = " ".join(refusal.messages)
    query = request.GET.get("q", "").strip()
    rows: list[Any] = []
    if query:
        rows = people_search_for(
            request, query, purpose="search before adding a child to a referral", most=SEARCH_ROWS
        )
    context = {
        "referral": referral,
        "children": children_of(request.user, [referral])[referral.pk],
        "form": form,
        "query": query,
        "rows": rows,
        "error": error,
    }
    status = 400 if form.errors or error else 200
    return render(request, "referrals/children.html", context, status=status)


@declare_action("referrals.make")
@require_http_methods(["GET", "POST"])
def referral_details(request: HttpRequest, pk: str) -> HttpResponse:
    referral = _draft(request, pk, "Making a referral")
    if referral.status != Status.DRAFT:
        return redirect("referrals:referral", pk=referral.pk)
    initial = {
        field: getattr(referral, field)
        for field in DetailsForm.base_fields
        if field not in {"source", "category", "lawful_basis", "exploitation_indicators"}
    }
    initial |= {
        "source": referral.source_id,
        "category": referral.category_id,
        "lawful_basis": referral.lawful_basis_id,
        "exploitation_indicators": list(
            referral.exploitation_indicators.values_list("pk", flat=True)
        ),
        "family_knows": "" if referral.family_knows is None else str(referral.family_knows),
    }
    # Answers typed but not yet saved are kept as a draft (autosave, or a timed-out session)
    # and offered back here.
    form, draft = form_for(request, DetailsForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        details, indicators = form.details()
        try:
            referral_details_save(
                request=request,
                actor=user_of(request),
                referral=referral,
                details=details,
                indicators=indicators,
            )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            draft_discard(user=request.user, path=request.path, request=request)
            return redirect("referrals:check", pk=referral.pk)
    return render_form(
        request,
        "referrals/details.html",
        {"form": form, "referral": referral, "draft": draft},
    )


@declare_action("referrals.make")
@require_http_methods(["GET", "POST"])
def referral_check(request: HttpRequest, pk: str) -> HttpResponse:
    """Check your answers, then submit. What is missing is listed with a link to fix it;
    nothing typed is lost."""
    referral = _draft(request, pk, "Making a referral")
    if referral.status != Status.DRAFT:
        return redirect("referrals:referral", pk=referral.pk)
    problems: dict[str, Any] = submission_problems(referral)
    if request.method == "POST" and not problems:
        try:
            referral = referral_submit(request=request, actor=user_of(request), referral=referral)
        except ValidationError as refusal:
            problems = (
                refusal.message_dict
                if hasattr(refusal, "error_dict")
                else {"__all__": " ".join(refusal.messages)}
            )
        else:
            return redirect("referrals:referral", pk=referral.pk)
    shown = request.method == "POST" or request.GET.get("show") == "problems"
    return render(
        request,
        "referrals/check.html",
        {
            "referral": referral,
            "children": children_of(request.user, [referral])[referral.pk],
            "indicators": list(referral.exploitation_indicators.all()),
            "problems": problems if shown else {},
            "problem_count": len(problems),
        },
        status=400 if problems and request.method == "POST" else 200,
    )


def referrer_view(request: HttpRequest, referral: Referral) -> HttpResponse:
    """What the referrer sees: the acknowledgement, where it is, and the decision once it is
    made. The MASH's working (checks, rationale) stays with the MASH."""
    decision = live_decision(referral) if referral.status == Status.DECIDED else None
    return render(
        request,
        "referrals/referrer_view.html",
        {
            "referral": referral,
            "children": children_of(request.user, [referral])[referral.pk],
            "decision": decision,
            "next_steps": NEXT_STEPS.get(decision.outcome) if decision else "",  # type: ignore[call-overload]
        },
    )
