"""Pages that change a person's details and circumstances. Each reads the person through the
access policy (audited, with its purpose) and writes through a service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from lantern.access.policy import declare_action
from lantern.access.scopes import is_uuid
from lantern.accounts.models import User, user_of
from lantern.core.forms import add_service_errors, render_form
from lantern.core.services import ConflictError
from lantern.people.forms import (
    AddressForm,
    EditPersonForm,
    EndForm,
    EnrolmentForm,
    LegalStatusForm,
    NameForm,
    ReasonForm,
)
from lantern.people.models import Person
from lantern.people.selectors import person_for
from lantern.people.services import (
    address_add,
    enrolment_add,
    enrolment_end,
    legal_status_end,
    legal_status_start,
    name_add,
    person_archive,
    person_update,
)

Save = Callable[[Person, User, Any, Any], str]


def person_form_page(
    request: HttpRequest,
    pk: str,
    *,
    form_class: type[forms.Form],
    purpose: str,
    title: str,
    button: str,
    save: Save,
    initial: dict[str, Any] | None = None,
    intro: str = "",
    find: Callable[[Person], Any] | None = None,
) -> HttpResponse:
    """The shape of every "change something about this person" page: fetch the person for
    `purpose`, show the form, hand valid answers to `save` (a service call returning the
    message to show), keep the answers and show the service's refusal if it says no. `find`
    fetches the record on the person that the page acts on (not found: 404)."""
    person, _ = person_for(request, pk, purpose=purpose)
    record = find(person) if find else None
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            message = save(person, user_of(request), form, record)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, message)
            return redirect("people:person", pk=person.pk)
    return render_form(
        request,
        "people/form.html",
        {
            "form": form,
            "person": person,
            "title": title,
            "button": button,
            "intro": intro,
            "record": record,
        },
    )


def _initial(person: Person) -> dict[str, Any]:
    today = timezone.localdate()
    span = person.age_range_on(today)
    return {
        "version": person.version,
        "kind": person.kind,
        "given_names": person.given_names,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "birth_precision": person.birth_precision,
        "date_of_birth": person.date_of_birth,
        "birth_year": person.born_earliest.year
        if person.birth_precision == "year" and person.born_earliest
        else None,
        "age_low": span[0] if span and person.birth_precision == "estimated" else None,
        "age_high": span[1] if span and person.birth_precision == "estimated" else None,
        "gender": person.gender,
        "sex": person.sex,
        "ethnicity": person.ethnicity_id,
        "first_language": person.first_language,
        "interpreter_needed": person.interpreter_needed,
        "disability": person.disability,
        "special_needs": person.special_needs,
        "immigration_status": person.immigration_status,
    }


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: str) -> HttpResponse:
    """Correct a person's details. If someone else saved first, nothing is overwritten: the
    worker sees what changed, keeps what they typed, and can save again knowingly."""
    person, _ = person_for(request, pk, purpose="change their details")
    form = EditPersonForm(request.POST or None, initial=_initial(person))
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            changed = person_update(
                request=request,
                actor=user_of(request),
                person=person,
                expected_version=form.cleaned_data["version"],
                birth=form.birth(),
                name_change_source=form.cleaned_data["name_change_source"],
                **form.details(),
            )
        except ConflictError as error:
            # Their answers stay; the version moves on to the one now saved (read with the
            # person above), so saving again is a knowing choice.
            data = request.POST.copy()
            data["version"] = str(person.version)
            form = EditPersonForm(data)
            form.is_valid()
            add_service_errors(form, error)
            conflict = True
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, "The details have been saved." if changed else "Nothing was changed."
            )
            return redirect("people:person", pk=person.pk)
    return render_form(
        request,
        "people/edit.html",
        {"form": form, "person": person, "conflict": conflict},
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def name_new(request: HttpRequest, pk: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        name = name_add(request=request, actor=actor, person=person, **form.cleaned_data)
        return f"{name.get_kind_display()} “{name}” recorded. Searches will find it."

    return person_form_page(
        request,
        pk,
        form_class=NameForm,
        purpose="record another name",
        title="Add another name",
        button="Save the name",
        intro="Aliases, nicknames and street names matter: a young person may be known to "
        "others by a name that is not on any official record.",
        save=save,
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def status_new(request: HttpRequest, pk: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        data = form.cleaned_data
        status = legal_status_start(
            request=request,
            actor=actor,
            person=person,
            kind=data["kind"],
            code=form.code(),
            valid_from=data["valid_from"],
            placing_authority=data["placing_authority"],
            placed_out_of_area=data["placed_out_of_area"],
        )
        return f"{status} recorded."

    return person_form_page(
        request,
        pk,
        form_class=LegalStatusForm,
        purpose="record a legal status",
        title="Record a status or plan",
        button="Save",
        save=save,
    )


def _live(records: Any, pk: str) -> Any:
    found = records.filter(pk=pk, valid_to__isnull=True).first() if is_uuid(pk) else None
    if found is None:
        raise Http404
    return found


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def status_end(request: HttpRequest, pk: str, status: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        legal_status_end(request=request, actor=actor, status=record, **form.cleaned_data)
        return f"{record} ended."

    return person_form_page(
        request,
        pk,
        form_class=EndForm,
        purpose="end a legal status",
        title="End a status or plan",
        find=lambda person: _live(person.legal_statuses.select_related("code"), status),
        button="End it",
        initial={"valid_to": timezone.localdate()},
        save=save,
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def address_new(request: HttpRequest, pk: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        address = address_add(request=request, actor=actor, person=person, **form.cleaned_data)
        return f"Address recorded: {address}."

    return person_form_page(
        request,
        pk,
        form_class=AddressForm,
        purpose="record an address",
        title="Record a new address or placement",
        button="Save the address",
        intro="The address they live at now ends the day before this one starts.",
        save=save,
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def enrolment_new(request: HttpRequest, pk: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        enrolment = enrolment_add(request=request, actor=actor, person=person, **form.cleaned_data)
        return f"Place at {enrolment.school} recorded."

    return person_form_page(
        request,
        pk,
        form_class=EnrolmentForm,
        purpose="record a school place",
        title="Record a school or college place",
        button="Save",
        save=save,
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def enrolment_end_view(request: HttpRequest, pk: str, enrolment: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        enrolment_end(request=request, actor=actor, enrolment=record, **form.cleaned_data)
        return f"Place at {record.school} ended."

    return person_form_page(
        request,
        pk,
        form_class=EndForm,
        purpose="end a school place",
        title="End a school or college place",
        find=lambda person: _live(person.enrolments.select_related("school"), enrolment),
        button="End the place",
        initial={"valid_to": timezone.localdate()},
        save=save,
    )


@declare_action("people.archive")
@require_http_methods(["GET", "POST"])
def person_archive_view(request: HttpRequest, pk: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        person_archive(
            request=request, actor=actor, person=person, reason=form.cleaned_data["reason"]
        )
        return f"The record of {person} has been archived. Nothing has been deleted."

    response = person_form_page(
        request,
        pk,
        form_class=ReasonForm,
        purpose="archive the record",
        title="Archive this record",
        button="Archive the record",
        intro="An archived record leaves lists and searches. Nothing is deleted: the audit "
        "trail keeps who archived it and why. Use a merge instead if this is a duplicate.",
        save=save,
    )
    if response.status_code == 302:
        return redirect("people:list")
    return response
