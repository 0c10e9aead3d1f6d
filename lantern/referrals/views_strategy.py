"""Strategy discussions, section 47 enquiries and the assessment that followed a referral."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from lantern.access.policy import declare_action
from lantern.access.scopes import is_uuid
from lantern.accounts.models import User, user_of
from lantern.core.forms import add_service_errors, render_form
from lantern.referrals.forms import (
    PARTICIPANT_ROWS,
    AssessmentDoneForm,
    EnquiryForm,
    StrategyForm,
)
from lantern.referrals.models import Referral, Status
from lantern.referrals.selectors import children_of, referral_for
from lantern.referrals.services import (
    Attendee,
    assessment_completed,
    enquiry_update,
    strategy_record,
)
from lantern.referrals.views_triage import act_on_referral


@declare_action("referrals.strategy")
@require_http_methods(["GET", "POST"])
def strategy_new(request: HttpRequest, pk: str) -> HttpResponse:
    referral, _ = referral_for(request, pk, purpose="Strategy discussion")
    if referral.status == Status.DRAFT:
        raise Http404
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attendees = [
            Attendee(
                discipline=data[f"p{i}_discipline"],
                name=data[f"p{i}_name"],
                role=data[f"p{i}_role"],
            )
            for i in range(PARTICIPANT_ROWS)
            if data.get(f"p{i}_discipline")
        ]
        try:
            strategy_record(
                request=request,
                actor=user_of(request),
                referral=referral,
                held_at=data["held_at"],
                attendees=attendees,
                known=data["known"],
                outcome=data["outcome"],
                outcome_detail=data["outcome_detail"],
                plan=data["plan"],
                contact_approach=data["contact_approach"],
                contact_contingency=data["contact_contingency"],
                contact_social_media=data["contact_social_media"],
                contact_wellbeing=data["contact_wellbeing"],
                lead=data["lead"],
                police_lead=data["police_lead"],
            )
        except ValidationError as refusal:
            if hasattr(refusal, "error_dict") and "attendees" in refusal.error_dict:
                form.add_error("p0_discipline", refusal.error_dict.pop("attendees"))
            add_service_errors(form, refusal)
        else:
            messages.success(request, "Strategy discussion recorded.")
            return redirect("referrals:referral", pk=referral.pk)
    return render_form(
        request,
        "referrals/strategy_new.html",
        {
            "form": form,
            "referral": referral,
            "children": children_of(request.user, [referral])[referral.pk],
        },
    )


@declare_action("referrals.strategy")
@require_http_methods(["GET", "POST"])
def enquiry_edit(request: HttpRequest, pk: str, enquiry: str) -> HttpResponse:
    referral, _ = referral_for(request, pk, purpose="Section 47 enquiry")
    found = referral.enquiries.filter(pk=enquiry).first() if is_uuid(enquiry) else None
    if found is None:
        raise Http404
    form = EnquiryForm(
        request.POST or None,
        initial={
            "outcome": found.outcome,
            "completed_on": found.completed_on,
            "icpc_held_on": found.icpc_held_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            enquiry_update(
                request=request, actor=user_of(request), enquiry=found, **form.cleaned_data
            )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(request, "Enquiry updated.")
            return redirect("referrals:referral", pk=referral.pk)
    return render_form(
        request,
        "referrals/action.html",
        {"form": form, "referral": referral, "title": "Update the section 47 enquiry"},
    )


@declare_action("referrals.strategy")
@require_http_methods(["GET", "POST"])
def assessment_done(request: HttpRequest, pk: str) -> HttpResponse:
    def act(referral: Referral, actor: User, data: dict[str, Any]) -> str:
        assessment_completed(
            request=request, actor=actor, referral=referral, completed_on=data["completed_on"]
        )
        return "Assessment completion recorded."

    return act_on_referral(
        request,
        pk,
        form_class=AssessmentDoneForm,
        purpose="Assessment",
        title="Record that the assessment is complete",
        act=act,
    )
