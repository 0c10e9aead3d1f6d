"""Pages for a child's Philomena profile: see it, keep it up to date, add a photo, print the
grab pack. Whoever may see the child may do each (carers, schools and workers keep it current);
the child is fetched through `person_for`, so a child out of the user's scope is not found and
the attempt is audited."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import fields_for_model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.policy import declare_action
from lantern.accounts.models import user_of
from lantern.core.forms import add_service_errors, render_form
from lantern.core.services import ConflictError
from lantern.missing.models import MissingProfile
from lantern.missing.selectors import previous_episodes
from lantern.missing.selectors_profiles import (
    field_label,
    open_episode,
    profile_of,
    profile_review,
)
from lantern.missing.services.profiles import (
    TEXT_FIELDS,
    grab_pack_render,
    missing_profile_photo_remove,
    missing_profile_photo_set,
    missing_profile_save,
)
from lantern.people.selectors import person_for

SECTIONS = [
    ("Description", ["height", "build", "hair", "eyes", "distinguishing_marks", "clothing_style"]),
    ("People and places", ["associates", "places"]),
    ("Phones, social media and travel", ["phones", "social_media", "transport"]),
    ("Health, communication and what helps", ["medical_needs", "communication", "what_helps"]),
]


class ProfileForm(forms.Form):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in fields_for_model(MissingProfile, fields=TEXT_FIELDS).items():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update({"rows": 3})
            self.fields[name] = field


class PhotoForm(forms.Form):
    photo = forms.FileField(
        error_messages={"required": "Choose a photo of the young person."},
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    taken_on = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter when the photo was taken as a real date."},
    )


@declare_action("missing.profile")
@require_GET
def profile(request: HttpRequest, pk: str) -> HttpResponse:
    child, _ = person_for(request, pk, purpose="missing profile")
    record = profile_of(child)
    now = timezone.now()
    sections = (
        [
            (
                title,
                [(field_label(name), getattr(record, name)) for name in names],
            )
            for title, names in SECTIONS
        ]
        if record
        else []
    )
    return render(
        request,
        "missing/profiles/profile.html",
        {
            "person": child,
            "profile": record,
            "sections": sections,
            "review": profile_review(record, now=now) if record else None,
            "history": previous_episodes(child, now=now),
            "episode": open_episode(child),
        },
    )


@declare_action("missing.profile_edit")
@require_http_methods(["GET", "POST"])
def profile_edit(request: HttpRequest, pk: str) -> HttpResponse:
    child, _ = person_for(request, pk, purpose="update the missing profile")
    record = profile_of(child)
    initial: dict[str, Any] = (
        {name: getattr(record, name) for name in TEXT_FIELDS} | {"version": record.version}
        if record
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            missing_profile_save(
                request=request,
                actor=user_of(request),
                child=child,
                expected_version=data["version"] if record else None,
                **{name: data[name] for name in TEXT_FIELDS},
            )
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The profile has been saved and marked as reviewed today.")
            return redirect("missing:profile", pk=child.pk)
    return render_form(
        request,
        "missing/profiles/edit.html",
        {
            "form": form,
            "person": child,
            "profile": record,
            "groups": [(title, [form[name] for name in names]) for title, names in SECTIONS],
        },
    )


@declare_action("missing.profile_edit")
@require_http_methods(["GET", "POST"])
def profile_photo_upload(request: HttpRequest, pk: str) -> HttpResponse:
    child, _ = person_for(request, pk, purpose="add a photo to the missing profile")
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            missing_profile_photo_set(
                request=request,
                actor=user_of(request),
                child=child,
                upload=form.cleaned_data["photo"],
                taken_on=form.cleaned_data["taken_on"],
            )
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The photo has been added to the profile.")
            return redirect("missing:profile", pk=child.pk)
    return render_form(
        request,
        "missing/profiles/photo.html",
        {"form": form, "person": child, "profile": profile_of(child)},
    )


class PhotoRemoveForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Say why the photo is being removed."},
    )


@declare_action("missing.profile_edit")
@require_http_methods(["GET", "POST"])
def profile_photo_remove(request: HttpRequest, pk: str) -> HttpResponse:
    """Remove the photo from the profile, with the reason (asked for on a page of its own, so
    a photo is never deleted by a stray click)."""
    child, _ = person_for(request, pk, purpose="remove the photo from the missing profile")
    profile = profile_of(child)
    if profile is None or not profile.photo:
        messages.info(request, "There is no photo on the profile.")
        return redirect("missing:profile", pk=child.pk)
    form = PhotoRemoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            missing_profile_photo_remove(
                request=request,
                actor=user_of(request),
                child=child,
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The photo has been removed and deleted.")
            return redirect("missing:profile", pk=child.pk)
    return render_form(
        request,
        "missing/profiles/photo_remove.html",
        {"form": form, "person": child, "profile": profile},
    )


@declare_action("missing.profile")
@require_GET
def profile_photo(request: HttpRequest, pk: str) -> HttpResponse:
    """The photo, only to someone who may see the child (audited like any read of the child);
    no browser or proxy may keep a copy."""
    child, _ = person_for(request, pk, purpose="missing profile photo")
    record = MissingProfile.objects.filter(child=child).only("photo").first()
    if record is None or not record.photo:
        raise Http404
    try:
        with record.photo.open("rb") as file:
            content = file.read()
    except OSError as error:
        raise Http404 from error
    response = HttpResponse(content, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="photo.jpg"'
    return response


@declare_action("missing.grab_pack")
@require_GET
def grab_pack(request: HttpRequest, pk: str) -> HttpResponse:
    """The one-page grab pack as a PDF, opened in the browser to print; every print audited."""
    child, _ = person_for(request, pk, purpose="print the grab pack")
    content = grab_pack_render(request=request, actor=user_of(request), child=child)
    response = HttpResponse(content, content_type="application/pdf")
    # The file name holds no personal data: downloads folders show it.
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = (
        f'inline; filename="grab-pack-{str(child.pk)[:8]}-{stamp}.pdf"'
    )
    return response
