"""The MASH's pages: the work queue, the referral as the MASH sees it, rating, partner
checks, the decision and its authorisation; and the partner agencies' check inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.accounts.models import User, user_of
from lantern.accounts.roles import RoleCode
from lantern.assessments.selectors import assessments_for_context, published_versions
from lantern.core.deadlines import clock
from lantern.core.forms import add_service_errors, render_form
from lantern.referrals.forms import (
    AssignForm,
    CheckReturnForm,
    ChecksForm,
    DecisionForm,
    RateForm,
    ReviewForm,
)
from lantern.referrals.models import DecisionState, Referral, Status
from lantern.referrals.selectors import (
    SORTS,
    QueueFilter,
    can_triage,
    check_for,
    checks_for_agency,
    children_of,
    decisions_of,
    default_period,
    live_decision,
    referral_for,
    sees_mash_working,
    timeliness,
    triage_queue,
)
from lantern.referrals.services import (
    decision_authorise,
    decision_propose,
    decision_return,
    partner_check_return,
    partner_checks_request,
    referral_assign,
    referral_rate,
)
from lantern.referrals.views import referrer_view


@declare_action("referrals.view")
@require_http_methods(["GET"])
def referral_detail(request: HttpRequest, pk: str) -> HttpResponse:
    referral, _ = referral_for(request, pk, purpose="Referral")
    if referral.status == Status.DRAFT:
        return redirect("referrals:check", pk=referral.pk)
    if not sees_mash_working(request.user, referral):
        return referrer_view(request, referral)
    user = user_of(request)
    decision = live_decision(referral)
    strategies = list(
        referral.strategies.select_related("chair", "lead").prefetch_related("participants")
    )
    children = children_of(user, [referral])[referral.pk]
    visible = {c.person.pk for c in children if c.person is not None}
    return render(
        request,
        "referrals/referral.html",
        {
            "referral": referral,
            "children": children,
            # Screening done for this referral, of the children the user may see; and the
            # partnership's instruments to screen with.
            "screenings": [
                a
                for a in assessments_for_context("referrals.referral", referral.pk)
                if a.person_id in visible
            ],
            "instruments": list(published_versions()),
            "context": f"referrals.referral:{referral.pk}",
            "indicators": list(referral.exploitation_indicators.all()),
            "clock": clock(referral.due_at) if referral.due_at else None,
            "checks": list(referral.checks.select_related("agency", "returned_by")),
            "decisions": decisions_of(referral),
            "decision": decision,
            "strategies": strategies,
            "enquiries": list(referral.enquiries.select_related("social_work_lead", "police_lead")),
            "can_triage": can_triage(user),
            "can_authorise": decision is not None
            and decision.state == DecisionState.PROPOSED
            and user.has_role(RoleCode.MASH_MANAGER),
            "own_decision": decision is not None and decision.proposed_by_id == user.pk,
            "open": referral.status in {Status.SUBMITTED, Status.AWAITING_AUTHORISATION},
            "rate_form": RateForm(initial={"rag": referral.rag}),
            "assign_form": AssignForm(initial={"worker": referral.assigned_to_id}),
            "checks_form": ChecksForm(),
            "decision_form": DecisionForm(),
            "review_form": ReviewForm(),
            "may_hold_strategy": user.has_role(
                RoleCode.MASH_MANAGER,
                RoleCode.MASH_TRIAGE_WORKER,
                RoleCode.SOCIAL_WORKER,
                RoleCode.POLICE_OFFICER,
            ),
        },
    )


@declare_action("referrals.triage")
@require_http_methods(["GET"])
def queue(request: HttpRequest) -> HttpResponse:
    """The MASH work queue (MOJ filter a list and sortable table)."""
    filters = QueueFilter.from_query(request.GET)
    page = triage_queue(request.user, filters)
    now = timezone.now()
    rows = [
        {
            "referral": r,
            "children": page.children[r.pk],
            "clock": clock(r.due, now) if r.due and r.status != Status.DECIDED else None,
        }
        for r in page.rows
    ]
    audit_record(
        action="referral.queue_viewed",
        request=request,
        detail={
            "filters": request.GET.urlencode()[:500],
            "shown": [str(r.pk) for r in page.rows],
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    sort_links = []
    for key, (_, label) in SORTS.items():
        q = query.copy()
        q["sort"] = key
        descending = filters.sort == key and not filters.descending
        q["order"] = "desc" if descending else "asc"
        sort_links.append(
            {
                "label": label,
                "query": q.urlencode(),
                "active": filters.sort == key,
                "aria": ("descending" if filters.descending else "ascending")
                if filters.sort == key
                else "none",
            }
        )
    return render(
        request,
        "referrals/queue.html",
        {
            "queue": page,
            "rows": rows,
            "sort_links": {link["label"]: link for link in sort_links},
            "base_query": query.urlencode(),
            "filters": filters,
        },
    )


def act_on_referral(
    request: HttpRequest,
    pk: str,
    *,
    form_class: type[forms.Form],
    purpose: str,
    title: str,
    act: Callable[[Referral, User, dict[str, Any]], str],
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """One MASH action on a referral: a form posted from the referral page (or shown on its
    own page when something is wrong), handed to a service; refusals keep the answers."""
    referral, _ = referral_for(request, pk, purpose=purpose)
    form = form_class(request.POST or None, **(form_kwargs or {}))
    if request.method == "POST" and form.is_valid():
        try:
            message = act(referral, user_of(request), form.cleaned_data)
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(request, message)
            return redirect("referrals:referral", pk=referral.pk)
    return render_form(
        request,
        "referrals/action.html",
        {"form": form, "referral": referral, "title": title},
    )


@declare_action("referrals.triage")
@require_http_methods(["GET", "POST"])
def referral_rate_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(referral: Referral, actor: User, data: dict[str, Any]) -> str:
        referral_rate(
            request=request,
            actor=actor,
            referral=referral,
            rag=data["rag"],
            rationale=data["rag_rationale"],
        )
        return f"Rated {referral.get_rag_display().lower()}."

    return act_on_referral(
        request, pk, form_class=RateForm, purpose="Triage", title="Rate the referral", act=act
    )


@declare_action("referrals.triage")
@require_http_methods(["GET", "POST"])
def referral_assign_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(referral: Referral, actor: User, data: dict[str, Any]) -> str:
        referral_assign(request=request, actor=actor, referral=referral, worker=data["worker"])
        return f"Assigned to {data['worker']}." if data["worker"] else "Unassigned."

    return act_on_referral(
        request, pk, form_class=AssignForm, purpose="Triage", title="Assign", act=act
    )


@declare_action("referrals.triage")
@require_http_methods(["GET", "POST"])
def partner_checks_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(referral: Referral, actor: User, data: dict[str, Any]) -> str:
        checks = partner_checks_request(
            request=request,
            actor=actor,
            referral=referral,
            agencies=data["agencies"],
            question=data["question"],
        )
        return f"Asked {len(checks)} agenc{'y' if len(checks) == 1 else 'ies'} for checks."

    return act_on_referral(
        request, pk, form_class=ChecksForm, purpose="Triage", title="Ask partner agencies", act=act
    )


@declare_action("referrals.triage")
@require_http_methods(["GET", "POST"])
def decision_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(referral: Referral, actor: User, data: dict[str, Any]) -> str:
        decision_propose(
            request=request,
            actor=actor,
            referral=referral,
            outcome=data["outcome"],
            rationale=data["rationale"],
        )
        return "Decision proposed. A MASH manager must authorise it before it takes effect."

    return act_on_referral(
        request, pk, form_class=DecisionForm, purpose="Triage", title="Propose a decision", act=act
    )


@declare_action("referrals.authorise")
@require_http_methods(["GET", "POST"])
def decision_review_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(referral: Referral, actor: User, data: dict[str, Any]) -> str:
        decision = live_decision(referral)
        if decision is None or decision.state != DecisionState.PROPOSED:
            raise ValidationError("There is no decision awaiting authorisation.")
        if data["verdict"] == "authorise":
            decision_authorise(
                request=request, actor=actor, decision=decision, comment=data["comment"]
            )
            return "Decision authorised. The referrer has been told."
        decision_return(request=request, actor=actor, decision=decision, comment=data["comment"])
        return "Decision returned to the worker."

    return act_on_referral(
        request,
        pk,
        form_class=ReviewForm,
        purpose="Authorising a decision",
        title="Review the decision",
        act=act,
    )


@declare_action("referrals.partner_check")
@require_http_methods(["GET"])
def check_inbox(request: HttpRequest) -> HttpResponse:
    """Partner checks asked of the user's agency."""
    open_checks = checks_for_agency(request.user)
    answered = checks_for_agency(request.user, answered=True)
    referrals = [c.referral for c in open_checks + answered]
    audit_record(
        action="referral.checks_listed",
        request=request,
        detail={"shown": [str(c.referral_id) for c in open_checks + answered]},
    )
    now = timezone.now()
    return render(
        request,
        "referrals/check_inbox.html",
        {
            "open": [(c, clock(c.due_at, now)) for c in open_checks],
            "answered": answered,
            "children": children_of(request.user, referrals),
        },
    )


@declare_action("referrals.partner_check")
@require_http_methods(["GET", "POST"])
def check_answer(request: HttpRequest, pk: str) -> HttpResponse:
    check = check_for(request, pk)
    form = CheckReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            partner_check_return(
                request=request,
                actor=user_of(request),
                check=check,
                status=form.cleaned_data["status"],
                information=form.cleaned_data["information"],
            )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(request, f"Your check for {check.referral} was sent to the MASH.")
            return redirect("referrals:checks")
    referral = check.referral
    return render_form(
        request,
        "referrals/check_answer.html",
        {
            "form": form,
            "check": check,
            "referral": referral,
            "children": children_of(request.user, [referral])[referral.pk],
        },
    )


@declare_action("referrals.timeliness")
@require_http_methods(["GET"])
def timeliness_view(request: HttpRequest) -> HttpResponse:
    """The DfE timeliness measures over the last year: shown to managers; they never stop a
    decision being made."""
    since, until = default_period()
    return render(
        request,
        "referrals/timeliness.html",
        {
            "measures": timeliness(request.user, since=since, until=until),
            "since": since,
            "until": until,
        },
    )
