"""Person pages. Every read goes through the access scopes and is audited."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.audit import audit_record, record_denied
from lantern.access.models import (
    AuditEvent,
    BreakGlassReason,
    Restriction,
    RestrictionReason,
)
from lantern.access.policy import declare_action, record_rule
from lantern.access.scopes import RELATIONSHIP, basis_for, is_uuid
from lantern.access.services import (
    break_glass,
    record_owner,
    restriction_add,
    restriction_lift,
    restriction_review,
)
from lantern.accounts.models import Agency, User, user_of
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import EntryKind
from lantern.chronology.selectors import TimelineFilter, merged_into, timeline
from lantern.core.drafts import draft_discard, form_for
from lantern.core.forms import add_service_errors, render_form
from lantern.people.forms import NewPersonForm
from lantern.people.models import (
    Flag,
    FlagKind,
    Identifier,
    IdentifierScheme,
    NameKind,
    Person,
    PersonName,
    School,
    VoiceEntry,
)
from lantern.people.selectors import (
    likely_matches,
    people_search,
    people_visible,
    person_for,
    search_rows,
)
from lantern.people.services import (
    flag_end,
    flag_raise,
    identifier_add,
    person_create,
    voice_record,
)

PAGE_SIZE = 25
TIMELINE_PAGE = 50


class IdentifierForm(forms.Form):
    scheme = forms.ChoiceField(
        choices=IdentifierScheme.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of identifier."},
    )
    value = forms.CharField(max_length=64, error_messages={"required": "Enter the identifier."})


class FlagForm(forms.Form):
    kind = forms.ChoiceField(
        choices=FlagKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of flag."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain why the flag is needed."},
    )
    review_due = forms.DateField(
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": "Enter a review date.",
            "invalid": "Enter the review date as a real date.",
        },
    )


class EndFlagForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain why the flag is no longer needed."},
    )


class VoiceForm(forms.Form):
    said = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Write what the young person said, in their words."},
    )
    wishes_and_feelings = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    occurred_at = forms.DateTimeField(
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
        error_messages={
            "required": "Enter when they said it.",
            "invalid": "Enter when they said it as a real date and time.",
        },
    )
    place = forms.CharField(required=False, max_length=300)
    present = forms.CharField(required=False, max_length=500)


class EmergencyAccessForm(forms.Form):
    reason = forms.ChoiceField(
        choices=BreakGlassReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you need this record now."},
    )
    explanation = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Explain why you need this record now."},
    )


class RestrictForm(forms.Form):
    reason = forms.ChoiceField(
        choices=RestrictionReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why this record must be restricted."},
    )
    explanation = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain why this record must be restricted."},
    )
    members = forms.ModelMultipleChoiceField(
        queryset=User.objects.filter(is_active=True).select_related("agency"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    review_due = forms.DateField(
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": "Enter the date by which the restriction must be reviewed.",
            "invalid": "Enter the review date as a real date.",
        },
    )


@declare_action("people.list")
@require_http_methods(["GET"])
def person_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    school = request.GET.get("school", "")
    terms = None
    if query or school:
        people, terms = people_search(request.user, query, school=school)
    else:
        people = people_visible(request.user)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = search_rows(list(page.object_list))
    audit_record(
        action="person.searched" if terms else "person.listed",
        request=request,
        detail={
            "q": query,
            "school": school,
            "understood": terms.describe() if terms else {},
            "page": page.number,
            "shown": [str(p.pk) for p in page.object_list],
        },
    )
    return render(
        request,
        "people/list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "terms": terms,
            "school": school,
            "schools": School.objects.only("id", "name"),
        },
    )


def _likely_matches(request: HttpRequest, form: NewPersonForm) -> tuple[list[Any], bool]:
    """Search before create, audited with its purpose: the rows to show and whether any is
    a strong match (`likely_matches` holds the rule)."""
    data = form.cleaned_data
    matches = likely_matches(
        request.user,
        given_names=data["given_names"],
        family_name=data["family_name"],
        born=data.get("date_of_birth") if data["birth_precision"] == "exact" else None,
        year=data.get("birth_year") if data["birth_precision"] == "year" else None,
    )
    audit_record(
        action="person.searched",
        request=request,
        detail={
            "q": matches.query,
            "understood": matches.terms.describe(),
            "purpose": "search before adding a person",
            "shown": [str(p.pk) for p in matches.people],
        },
    )
    return search_rows(matches.people), matches.strong


@declare_action("people.create")
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    """Adding a person searches first. Likely matches are shown before anything is saved; a
    strong match needs a reason to create a new record anyway, which the audit trail keeps."""
    form, draft = form_for(request, NewPersonForm)
    matches: list[Any] = []
    if request.method == "POST" and form.is_valid():
        actor = user_of(request)
        matches, strong = _likely_matches(request, form)
        seen = form.cleaned_data["matches_seen"]
        reason = form.cleaned_data["new_record_reason"].strip()
        if matches and not seen:
            data = request.POST.copy()
            data["matches_seen"] = "True"
            form = NewPersonForm(data)
            form.is_valid()
        elif strong and not reason:
            form.add_error(
                "new_record_reason",
                "One of these looks like the same person. Open their record, or say why this "
                "is someone else.",
            )
        else:
            try:
                person = person_create(
                    request=request,
                    actor=actor,
                    birth=form.birth(),
                    new_record_reason=reason,
                    **form.details(),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                draft_discard(user=actor, path=request.path, request=request)
                messages.success(request, f"{person} has been added.")
                return redirect("people:person", pk=person.pk)
    return render_form(
        request, "people/new.html", {"form": form, "draft": draft, "matches": matches}
    )


@declare_action("people.view")
@require_GET
def person_detail(request: HttpRequest, pk: str) -> HttpResponse:
    person, basis = person_for(request, pk)
    user = user_of(request)
    rule = record_rule(Person._meta.label_lower)
    restriction = Restriction.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        lifted_at__isnull=True,
    ).first()
    filters = TimelineFilter.from_query(request.GET)
    # A merge keeps both histories: what was recorded on records merged into this one shows
    # here too (flags above all: a risk must not vanish because two records became one).
    record_ids = [person.pk, *merged_into(person)]
    entries = Paginator(
        timeline(user, person, filters, record_ids=record_ids), TIMELINE_PAGE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "people/detail.html",
        {
            "entries": entries,
            "names": PersonName.objects.filter(person_id__in=record_ids).exclude(
                person=person, kind=NameKind.LEGAL, valid_to__isnull=True
            ),
            "statuses": person.legal_statuses.select_related("code"),
            "addresses": person.addresses.all(),
            "enrolments": person.enrolments.select_related("school"),
            "merged": person.merged_records.all(),
            "can_archive": user.has_role(RoleCode.MASH_MANAGER),
            "identifiers": Identifier.objects.filter(
                person_id__in=record_ids, archived_at__isnull=True
            ),
            "flags": Flag.objects.filter(person_id__in=record_ids, ended_at__isnull=True)
            .select_related("owner")
            .order_by("kind"),
            "today": timezone.localdate(),
            "voice": VoiceEntry.objects.filter(person_id__in=record_ids)
            .select_related("recorded_by")
            .order_by("-occurred_at")[:3],
            "filters": filters,
            "kinds": EntryKind.choices,
            "agencies": Agency.objects.filter(
                pk__in=person.chronology.values("source_agency")
            ).only("id", "name"),
            "person": person,
            "basis": basis,
            "without_relationship": basis not in RELATIONSHIP,
            "restriction": restriction,
            "can_see_access_log": _may_see_access_log(user, person),
            "can_restrict": restriction is None and user.has_role(*rule.restrict_roles),
        },
    )


def _may_see_access_log(user: User, person: Person) -> bool:
    rule = record_rule(Person._meta.label_lower)
    return user.has_role(*rule.access_log_roles) or record_owner(person) == user


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def identifier_new(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="add an identifier")
    form = IdentifierForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            identifier = identifier_add(
                request=request,
                actor=user_of(request),
                person=person,
                scheme=form.cleaned_data["scheme"],
                value=form.cleaned_data["value"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if identifier.possible_duplicate:
                messages.warning(
                    request,
                    f"Another person already has this {identifier.get_scheme_display()}. "
                    "Both records are marked for review; nothing has been merged.",
                )
            else:
                messages.success(request, f"{identifier} has been recorded.")
            return redirect("people:person", pk=person.pk)
    return render_form(request, "people/identifier_new.html", {"form": form, "person": person})


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def flag_new(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="raise a flag")
    form = FlagForm(
        request.POST or None, initial={"review_due": timezone.localdate() + timedelta(days=90)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            flag = flag_raise(
                request=request, actor=user_of(request), person=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Flag raised: {flag}. You own its review.")
            return redirect("people:person", pk=person.pk)
    return render_form(request, "people/flag_new.html", {"form": form, "person": person})


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def flag_end_view(request: HttpRequest, pk: str, flag: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="end a flag")
    live = (
        Flag.objects.filter(
            person_id__in=[person.pk, *merged_into(person)], pk=flag, ended_at__isnull=True
        ).first()
        if is_uuid(flag)
        else None
    )
    if live is None:
        raise Http404
    form = EndFlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        flag_end(
            request=request, actor=user_of(request), flag=live, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"Flag ended: {live}.")
        return redirect("people:person", pk=person.pk)
    return render_form(
        request, "people/flag_end.html", {"form": form, "person": person, "flag": live}
    )


@declare_action("people.edit")
@require_http_methods(["GET", "POST"])
def voice_new(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="record the young person's views")
    form, draft = form_for(request, VoiceForm, initial={"occurred_at": timezone.localtime()})
    if request.method == "POST" and form.is_valid():
        try:
            voice_record(
                request=request, actor=user_of(request), person=person, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            draft_discard(user=user_of(request), path=request.path, request=request)
            messages.success(request, "What the young person said has been recorded.")
            return redirect("people:person", pk=person.pk)
    return render_form(
        request, "people/voice_new.html", {"form": form, "person": person, "draft": draft}
    )


@declare_action("records.access_log")
@require_GET
def person_access_log(request: HttpRequest, pk: str) -> HttpResponse:
    """Who has seen this record: for its owner, managers and auditors."""
    user = user_of(request)
    person = Person.objects.filter(pk=pk).first() if is_uuid(pk) else None
    if person is None or not _may_see_access_log(user, person):
        record_denied(request=request, model=Person, object_id=pk, action="record.access_log")
        raise Http404
    events = AuditEvent.objects.filter(
        object_type=Person._meta.label_lower, object_id=str(person.pk)
    ).order_by("-seq")[:500]
    audit_record(action="record.access_log_viewed", request=request, obj=person)
    return render(
        request,
        "people/access_log.html",
        {"person": person, "events": events, "relationship": RELATIONSHIP},
    )


@declare_action("records.break_glass")
@require_http_methods(["GET", "POST"])
def person_emergency_access(request: HttpRequest, pk: str) -> HttpResponse:
    """Break-the-glass. Offered from the not-found page for any record address, so offering it
    reveals nothing; a record that cannot be opened this way gets the same not-found."""
    user = user_of(request)
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = (
            Person.objects.filter(pk=pk, archived_at__isnull=True).first() if is_uuid(pk) else None
        )
        if person is not None and basis_for(user, person) is not None:
            return redirect("people:person", pk=person.pk)
        try:
            if person is None:
                raise PermissionError
            break_glass(
                request=request,
                user=user,
                record=person,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
            )
        except PermissionError:
            record_denied(request=request, model=Person, object_id=pk, action="record.break_glass")
            raise Http404 from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "You have emergency access to this record for 24 hours. The record's owner "
                "and the auditors have been told.",
            )
            return redirect("people:person", pk=pk)
    return render_form(request, "people/emergency_access.html", {"form": form})


@declare_action("records.restrict")
@require_http_methods(["GET", "POST"])
def person_restrict(request: HttpRequest, pk: str) -> HttpResponse:
    person, _ = person_for(request, pk, purpose="restrict")
    user = user_of(request)
    initial = {"review_due": timezone.localdate() + timedelta(days=90)}
    form = RestrictForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            restriction_add(
                request=request,
                owner=user,
                record=person,
                reason=form.cleaned_data["reason"],
                explanation=form.cleaned_data["explanation"],
                members=list(form.cleaned_data["members"]),
                review_due=form.cleaned_data["review_due"],
            )
        except PermissionError:
            record_denied(request=request, model=Person, object_id=pk, action="record.restrict")
            raise Http404 from None
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The record is restricted to the people you named.")
            return redirect("people:person", pk=person.pk)
    return render_form(request, "people/restrict.html", {"form": form, "person": person})


class RestrictionReviewForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("keep", "Keep the restriction"), ("lift", "Lift the restriction")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to keep or lift the restriction."},
    )
    review_due = forms.DateField(
        required=False,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": "Enter the next review date as a real date."},
    )
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Explain your decision."},
    )


@declare_action("records.restrict")
@require_http_methods(["GET", "POST"])
def restriction_review_view(request: HttpRequest, pk: str) -> HttpResponse:
    """The restriction's owner reviews it: keeps it with a new review date, or lifts it."""
    person, _ = person_for(request, pk, purpose="review the restriction")
    user = user_of(request)
    restriction = Restriction.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person.pk,
        lifted_at__isnull=True,
        owner=user,
    ).first()
    if restriction is None:
        raise Http404
    form = RestrictionReviewForm(
        request.POST or None,
        initial={"review_due": timezone.localdate() + timedelta(days=90)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "lift":
                restriction_lift(
                    request=request, actor=user, restriction=restriction, reason=data["note"]
                )
            else:
                if data["review_due"] is None:
                    raise ValidationError({"review_due": "Enter the next review date."})
                restriction_review(
                    request=request,
                    actor=user,
                    restriction=restriction,
                    review_due=data["review_due"],
                    note=data["note"],
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "The restriction has been lifted."
                if data["decision"] == "lift"
                else "The restriction stays; its next review is set.",
            )
            return redirect("people:person", pk=person.pk)
    return render_form(
        request,
        "people/restriction_review.html",
        {"form": form, "person": person, "restriction": restriction},
    )
