"""The partnership's instruments: versions, drafting a new one as JSON, publishing it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lantern.access.policy import declare_action
from lantern.accounts.models import user_of
from lantern.assessments.forms import DefinitionForm, definition_text
from lantern.assessments.models import Instrument, InstrumentVersion, VersionStatus
from lantern.assessments.selectors import instruments_with_versions
from lantern.assessments.services import instrument_version_draft, instrument_version_publish
from lantern.core.forms import add_service_errors, render_form


@declare_action("assessments.manage")
@require_GET
def instrument_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "assessments/instruments.html", {"instruments": instruments_with_versions()}
    )


@declare_action("assessments.manage")
@require_GET
def instrument_detail(request: HttpRequest, key: str) -> HttpResponse:
    instrument = get_object_or_404(instruments_with_versions(), key=key)
    versions = list(instrument.versions.all())
    return render(
        request,
        "assessments/instrument.html",
        {
            "instrument": instrument,
            "versions": versions,
            "draft": next((v for v in versions if v.status == VersionStatus.DRAFT), None),
            "texts": {v.pk: definition_text(v.definition) for v in versions},
        },
    )


@declare_action("assessments.manage")
@require_http_methods(["GET", "POST"])
def version_draft(request: HttpRequest, key: str) -> HttpResponse:
    """Write the instrument's next version (or change its draft) as JSON, starting from the
    draft if there is one, else the newest version. Nothing is used until it is published."""
    instrument = get_object_or_404(Instrument, key=key)
    start = instrument.versions.order_by("-number").first()
    initial = {
        "definition": definition_text(start.definition) if start else "",
        "notes": start.notes if start and start.status == VersionStatus.DRAFT else "",
    }
    form = DefinitionForm(request.POST or None, initial=initial, kind=instrument.kind)
    if request.method == "POST" and form.is_valid():
        try:
            draft = instrument_version_draft(
                request=request,
                actor=user_of(request),
                instrument=instrument,
                definition=form.cleaned_data["definition"],
                notes=form.cleaned_data["notes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {draft.number} saved as a draft. Check it, then publish it.",
            )
            return redirect("assessments:instrument", key=instrument.key)
    return render_form(
        request,
        "assessments/version_form.html",
        {"form": form, "instrument": instrument, "start": start},
    )


@declare_action("assessments.manage")
@require_POST
def version_publish(request: HttpRequest, key: str, number: int) -> HttpResponse:
    version = (
        InstrumentVersion.objects.select_related("instrument")
        .filter(instrument__key=key, number=number, status=VersionStatus.DRAFT)
        .first()
    )
    if version is None:
        raise Http404
    try:
        instrument_version_publish(request=request, actor=user_of(request), version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Version {version.number} is published. New assessments use it from today; "
            "earlier assessments keep the version they were made with.",
        )
    return redirect("assessments:instrument", key=key)
