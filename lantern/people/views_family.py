"""The family and household view, and recording relationships."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.access.scopes import is_uuid
from lantern.accounts.models import User, user_of
from lantern.core.forms import add_service_errors, render_form
from lantern.people.family import family_picture
from lantern.people.forms import EndForm, ProfessionalForm, RelationshipForm
from lantern.people.models import Person, Relationship, RelationshipKind
from lantern.people.selectors import people_search_for, person_for
from lantern.people.services import relationship_add, relationship_end
from lantern.people.views_details import person_form_page

CHOICES = 10


@declare_action("people.view")
@require_GET
def family_view(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="see the family and household")
    picture = family_picture(user_of(request), person)
    shown = [m.person for m in picture.household + picture.family + picture.connections]
    audit_record(
        action="person.family_viewed",
        request=request,
        obj=person,
        detail={"shown": [str(p.pk) for p in shown if p is not None]},
    )
    return render(request, "people/family.html", {"person": person, "picture": picture})


def _choose_other(
    request: HttpRequest, person: Person, *, title: str, purpose: str
) -> HttpResponse:
    """Step one of linking two records: find the other person, within the worker's scope."""
    query = request.GET.get("q", "").strip()
    rows: list[Any] = []
    if query:
        rows = people_search_for(request, query, purpose=purpose, most=CHOICES, exclude=person.pk)
    return render(
        request,
        "people/choose_other.html",
        {"person": person, "query": query, "rows": rows, "title": title},
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def relationship_new(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="record a relationship")
    other_pk = request.POST.get("other") or request.GET.get("other", "")
    if not is_uuid(other_pk):
        return _choose_other(
            request, person, title="Who are they connected to?", purpose="record a relationship"
        )
    other, _ = person_for(request, other_pk, purpose=f"record a relationship with {person.pk}")
    form = RelationshipForm(
        request.POST or None, initial={"other": other.pk, "valid_from": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            relationship_add(
                request=request,
                actor=user_of(request),
                person=person,
                other=other,
                kind=data["kind"],
                lives_with=data["lives_with"],
                source=data["source"],
                valid_from=data["valid_from"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            label = RelationshipKind(data["kind"]).label.lower()
            messages.success(request, f"{other} is recorded: {label} of {person}.")
            return redirect("people:family", pk=person.pk)
    return render_form(
        request, "people/relationship_new.html", {"form": form, "person": person, "other": other}
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def professional_new(request: HttpRequest, pk: str) -> HttpResponse:
    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        link = relationship_add(
            request=request,
            actor=actor,
            person=person,
            kind=RelationshipKind.PROFESSIONAL,
            **form.cleaned_data,
        )
        return f"{link.professional} is recorded as a professional involved."

    return person_form_page(
        request,
        pk,
        form_class=ProfessionalForm,
        purpose="record a professional involved",
        title="Add a professional involved",
        button="Save",
        initial={"valid_from": timezone.localdate()},
        save=save,
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def relationship_end_view(request: HttpRequest, pk: str, relationship: str) -> HttpResponse:
    def find(person: Person) -> Relationship:
        link = (
            Relationship.objects.filter(pk=relationship, valid_to__isnull=True)
            .filter(Q(person=person) | Q(other=person))
            .first()
            if is_uuid(relationship)
            else None
        )
        if link is None:
            raise Http404
        return link

    def save(person: Person, actor: User, form: Any, record: Any) -> str:
        relationship_end(request=request, actor=actor, relationship=record, **form.cleaned_data)
        return "The relationship has been ended. It stays in the history."

    return person_form_page(
        request,
        pk,
        form_class=EndForm,
        purpose="end a relationship",
        title="End a relationship",
        button="End the relationship",
        initial={"valid_to": timezone.localdate()},
        find=find,
        save=save,
    )
