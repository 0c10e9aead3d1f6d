"""Administration > Timescales: the deadlines the partnership works to, shown as defaults
(Working Together to Safeguard Children and local policy) and changeable without a release."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.policy import declare_action
from lantern.accounts.models import user_of
from lantern.core.forms import TimescaleForm, add_service_errors, render_form
from lantern.core.models import Timescale
from lantern.core.services import ConflictError
from lantern.core.timescales import timescale_list, timescale_update


@declare_action("admin.timescales")
@require_GET
def timescales(request: HttpRequest) -> HttpResponse:
    return render(request, "administration/timescale_list.html", {"timescales": timescale_list()})


@declare_action("admin.timescales")
@require_http_methods(["GET", "POST"])
def timescale_edit(request: HttpRequest, key: str) -> HttpResponse:
    timescale = get_object_or_404(Timescale, key=key)
    form = TimescaleForm(
        request.POST if request.method == "POST" else None,
        initial={"amount": timescale.amount, "unit": timescale.unit, "version": timescale.version},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            timescale_update(
                request=request,
                actor=user_of(request),
                timescale=timescale,
                amount=data["amount"],
                unit=data["unit"],
                expected_version=data["version"] or timescale.version,
            )
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{timescale.label} is now {timescale.summary}.")
            return redirect("administration:timescales")
    return render_form(
        request, "administration/timescale_form.html", {"form": form, "timescale": timescale}
    )
