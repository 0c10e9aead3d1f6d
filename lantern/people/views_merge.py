"""Merging duplicate records: asked for from a person's page, approved by a MASH manager who
is someone else, undoable."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.access.scopes import is_uuid
from lantern.accounts.models import user_of
from lantern.core.forms import add_service_errors, render_form
from lantern.people.forms import MergeDecisionForm, MergeForm, ReasonForm
from lantern.people.models import MergeRequest, MergeStatus, Person
from lantern.people.selectors import people_visible, person_for, search_rows
from lantern.people.services import merge_decide, merge_request, merge_undo
from lantern.people.views_family import _choose_other


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def merge_new(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="ask for a merge")
    other_pk = request.POST.get("other") or request.GET.get("other", "")
    if not is_uuid(other_pk):
        return _choose_other(
            request, person, title="Which record is the same person?", purpose="ask for a merge"
        )
    other, _ = person_for(request, other_pk, purpose=f"ask for a merge with {person.pk}")
    form = MergeForm(request.POST or None, initial={"other": other.pk})
    if request.method == "POST" and form.is_valid():
        keep_this = form.cleaned_data["keep"] == "this"
        try:
            merge_request(
                request=request,
                actor=user_of(request),
                kept=person if keep_this else other,
                merged=other if keep_this else person,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "The merge is waiting for a MASH manager's approval. Nothing changes until then.",
            )
            return redirect("people:person", pk=person.pk)
    rows = search_rows([person, other])
    return render_form(
        request,
        "people/merge_new.html",
        {"form": form, "person": person, "other": other, "rows": rows},
    )


@declare_action("people.merge_review")
@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    """Merges waiting for a decision, and recent ones (which can be undone)."""
    # Only merges of records the manager may see: a restricted record's name must not show
    # here to someone outside the restriction.
    visible = people_visible(user_of(request))
    merges = list(
        MergeRequest.objects.filter(status__in=[MergeStatus.PENDING, MergeStatus.APPROVED])
        .filter(kept__in=visible)
        .exclude(status=MergeStatus.PENDING, merged__in=Person.objects.exclude(pk__in=visible))
        .select_related("kept", "merged", "requested_by", "decided_by")[:200]
    )
    audit_record(
        action="person.merges_listed",
        request=request,
        detail={"shown": [str(m.pk) for m in merges]},
    )
    return render(request, "people/merge_list.html", {"merges": merges})


def _merge_for(request: HttpRequest, pk: str, status: str) -> MergeRequest:
    """A merge the manager may act on: both records must be ones they may see."""
    merge = (
        MergeRequest.objects.filter(pk=pk, status=status).select_related("kept", "merged").first()
        if is_uuid(pk)
        else None
    )
    if merge is None:
        raise Http404
    # A pending merge needs both records visible; an approved one the kept record (the
    # merged one is archived, so no longer in anyone's scope).
    needed = [merge.kept_id, merge.merged_id] if status == MergeStatus.PENDING else [merge.kept_id]
    if people_visible(user_of(request)).filter(pk__in=needed).count() != len(needed):
        raise Http404
    return merge


@declare_action("people.merge_review")
@require_http_methods(["GET", "POST"])
def merge_decide_view(request: HttpRequest, pk: str) -> HttpResponse:
    merge = _merge_for(request, pk, MergeStatus.PENDING)
    form = MergeDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            merge_decide(
                request=request,
                actor=user_of(request),
                merge=merge,
                approve=approve,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"The records are merged: {merge.kept} is the record to use."
                if approve
                else "The records have not been merged.",
            )
            return redirect("people:merges")
    audit_record(action="person.merge_viewed", request=request, obj=merge.kept)
    return render_form(
        request,
        "people/merge_decide.html",
        {"form": form, "merge": merge, "rows": search_rows([merge.kept, merge.merged])},
    )


@declare_action("people.merge_review")
@require_http_methods(["GET", "POST"])
def merge_undo_view(request: HttpRequest, pk: str) -> HttpResponse:
    merge = _merge_for(request, pk, MergeStatus.APPROVED)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            merge_undo(
                request=request,
                actor=user_of(request),
                merge=merge,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"The merge is undone: {merge.merged} has their own record again."
            )
            return redirect("people:person", pk=merge.merged.pk)
    audit_record(action="person.merge_viewed", request=request, obj=merge.kept)
    return render_form(
        request,
        "people/form.html",
        {
            "form": form,
            "title": f"Undo the merge of {merge.merged} into {merge.kept}",
            "intro": "The merged record comes back with everything recorded on it. Anything "
            "recorded on the kept record since the merge stays there.",
            "button": "Undo the merge",
        },
    )
