"""Adding case notes and addenda to a person's chronology, and exporting it as a PDF."""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.audit import audit_record
from lantern.access.handling import Handling, handlings_open_to
from lantern.access.policy import declare_action
from lantern.access.scopes import is_uuid
from lantern.accounts.models import user_of
from lantern.chronology.export import chronology_pdf
from lantern.chronology.models import Significance
from lantern.chronology.selectors import TimelineFilter, entry_for
from lantern.chronology.services import addendum_add, case_note_add
from lantern.core.drafts import draft_discard, form_for
from lantern.core.forms import add_service_errors, render_form
from lantern.people.selectors import person_for

HANDLING_CHOICES = [
    (Handling.OPEN.value, "Everyone who may see this person"),
    (Handling.POLICE_ONLY.value, "Police only"),
    (Handling.HEALTH_ONLY.value, "Health only"),
    (Handling.SEALED.value, "Only me (sealed)"),
]


class NoteForm(forms.Form):
    occurred_at = forms.DateTimeField(
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
        error_messages={
            "required": "Enter when it happened.",
            "invalid": "Enter when it happened as a real date and time.",
        },
    )
    summary = forms.CharField(
        max_length=500, error_messages={"required": "Write a one-line summary."}
    )
    detail = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))
    significance = forms.ChoiceField(
        choices=Significance.choices, initial=Significance.ROUTINE, widget=forms.RadioSelect
    )
    handling = forms.ChoiceField(
        choices=HANDLING_CHOICES, initial=Handling.OPEN.value, widget=forms.RadioSelect
    )
    evidential = forms.BooleanField(required=False)
    verbatim = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))
    place = forms.CharField(required=False, max_length=300)
    present = forms.CharField(required=False, max_length=500)

    def __init__(self, *args: object, user: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # A worker can only mark a note with a handling they could read back themselves.
        allowed = handlings_open_to(user) | {Handling.SEALED.value}
        self.fields["handling"].choices = [c for c in HANDLING_CHOICES if c[0] in allowed]  # type: ignore[attr-defined]


class AddendumForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write the addendum."},
    )


@declare_action("chronology.write")
@require_http_methods(["GET", "POST"])
def note_new(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="chronology")
    user = user_of(request)
    if request.method == "POST":
        form, draft = NoteForm(request.POST, user=user), None
    else:
        bound, draft = form_for(request, NoteForm, initial={"occurred_at": timezone.localtime()})
        form = NoteForm(initial=bound.initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        occurred: datetime = data["occurred_at"]
        try:
            case_note_add(
                request=request,
                author=user,
                person=person,
                summary=data["summary"],
                detail=data["detail"],
                occurred_at=occurred,
                significance=data["significance"],
                handling=data["handling"],
                evidential=data["evidential"],
                verbatim=data["verbatim"],
                place=data["place"],
                present=data["present"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            draft_discard(user=user, path=request.path, request=request)
            messages.success(request, "The note has been added to the chronology.")
            return redirect("people:person", pk=person.pk)
    return render_form(
        request, "chronology/note_new.html", {"form": form, "person": person, "draft": draft}
    )


@declare_action("chronology.write")
@require_http_methods(["GET", "POST"])
def addendum_new(request: HttpRequest, pk: str, entry: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="chronology")
    user = user_of(request)
    original = entry_for(user, person, entry) if is_uuid(entry) else None
    if original is None:
        raise Http404
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            addendum_add(
                request=request, author=user, original=original, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The addendum has been added. The original is unchanged.")
            return redirect("people:person", pk=person.pk)
    return render_form(
        request,
        "chronology/addendum_new.html",
        {"form": form, "person": person, "original": original},
    )


@declare_action("chronology.export")
@require_GET
def chronology_export(request: HttpRequest, pk: str) -> HttpResponse:
    """The chronology as a PDF, with the person page's filters; every export is audited with
    the filters used and the number of entries it held."""
    person, _ = person_for(request, pk, purpose="export the chronology")
    filters = TimelineFilter.from_query(request.GET)
    pdf = chronology_pdf(user=user_of(request), person=person, filters=filters)
    audit_record(
        action="chronology.exported",
        request=request,
        obj=person,
        detail={"filters": filters.as_dict(), "entries": pdf.entries, "addenda": pdf.addenda},
    )
    response = HttpResponse(pdf.content, content_type="application/pdf")
    # The file name holds no personal data: downloads folders and mail attachments show it.
    response["Content-Disposition"] = f'attachment; filename="{pdf.filename}"'
    return response
