"""The import pages: upload a file (and download its template), follow a batch's progress
and its row errors, and decide the rows the review queue holds. Every page is for the
missing coordinators and MASH managers (`missing.import`) and audits what it shows."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.accounts.models import user_of
from lantern.core.csv_safe import csv_response
from lantern.core.forms import add_service_errors, render_form
from lantern.missing.imports.columns import COLUMNS
from lantern.missing.imports.forms import DecisionForm, UploadForm
from lantern.missing.imports.models import ImportKind
from lantern.missing.imports.reading import check_size
from lantern.missing.imports.selectors import (
    batch_problem_rows,
    candidates_for,
    import_batch,
    import_batches,
    review_queue,
    review_row,
)
from lantern.missing.imports.services import import_row_resolve, import_start
from lantern.people.selectors import search_rows

PAGE = 50
HIDDEN = (
    "{hidden} possible match(es) are on records you cannot see: ask a MASH manager to decide "
    "this row, so that the young person is not recorded twice."
)


def _csv(name: str, rows: list[list[str]]) -> HttpResponse:
    """A CSV download (the first row its header) with every cell escaped against spreadsheet
    formulas, in UTF-8 with a byte-order mark so Excel reads the names correctly."""
    return csv_response(name, rows[0], rows[1:], bom=True)


def _template(kind: str) -> HttpResponse:
    columns = COLUMNS[ImportKind(kind)]
    return _csv(
        f"lantern-{kind.replace('_', '-')}-template.csv",
        [[c.name for c in columns], [c.example for c in columns]],
    )


@declare_action("missing.import")
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a file; the batches imported so far; `?template=KIND` gives a template."""
    if request.method == "GET" and request.GET.get("template") in ImportKind.values:
        return _template(request.GET["template"])
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            check_size(upload.size)  # before reading it into memory
            batch = import_start(
                request=request,
                actor=user_of(request),
                kind=form.cleaned_data["kind"],
                name=upload.name,
                raw=upload.read(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("missing:import", pk=batch.pk)
    page = Paginator(import_batches(), PAGE).get_page(request.GET.get("page"))
    audit_record(
        action="missing.imports_listed",
        request=request,
        detail={"shown": [str(b.pk) for b in page]},
    )
    return render_form(
        request,
        "missing/imports/list.html",
        {"form": form, "page": page, "kinds": ImportKind},
    )


@declare_action("missing.import")
@require_http_methods(["GET"])
def import_detail(request: HttpRequest, pk: str) -> HttpResponse:
    """A batch: its progress (polled every 2 seconds with HTMX while it runs), its counts,
    and the rows not imported, with the error report to download (`?report=csv`)."""
    batch = import_batch(pk)
    if request.GET.get("report") == "csv":
        audit_record(action="missing.import_errors_exported", request=request, obj=batch)
        columns = [c.name for c in COLUMNS[ImportKind(batch.kind)]]
        rows = [["line", "status", "column", "message", *columns]]
        for row in batch_problem_rows(batch):
            problems = row.problems or [{"column": "", "message": "Waiting for a person match."}]
            rows.extend(
                [
                    str(row.number),
                    row.get_status_display(),
                    p["column"],
                    p["message"],
                    *(row.data.get(c, "") for c in columns),
                ]
                for p in problems
            )
        return _csv(f"lantern-import-{batch.created_at:%Y%m%d-%H%M}-errors.csv", rows)
    if request.headers.get("HX-Request"):
        # The progress bar's poll: figures only. When the run ends, the whole page reloads
        # to show the rows not imported.
        response = render(request, "missing/imports/batch.html#progress", {"batch": batch})
        if not batch.is_running:
            response["HX-Refresh"] = "true"
        return response
    page = Paginator(batch_problem_rows(batch), PAGE).get_page(request.GET.get("page"))
    audit_record(
        action="missing.import_viewed",
        request=request,
        obj=batch,
        detail={"rows_shown": [r.number for r in page]},
    )
    return render(
        request,
        "missing/imports/batch.html",
        {"batch": batch, "page": page, "columns": [c.name for c in COLUMNS[batch.kind]]},
    )


@declare_action("missing.import")
@require_http_methods(["GET"])
def review_list(request: HttpRequest) -> HttpResponse:
    """Rows waiting for a coordinator to say who they are about."""
    page = Paginator(review_queue(), PAGE).get_page(request.GET.get("page"))
    audit_record(
        action="missing.import_review_listed",
        request=request,
        detail={"shown": [str(r.pk) for r in page]},
    )
    return render(request, "missing/imports/review_list.html", {"page": page})


@declare_action("missing.import")
@require_http_methods(["GET", "POST"])
def review_decide(request: HttpRequest, pk: str) -> HttpResponse:
    """One waiting row: its cells and the people it may be about (those the user may see);
    the coordinator chooses one, or a new record, and the row is imported."""
    row = review_row(pk)
    user = user_of(request)
    people, hidden = candidates_for(user, row)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["person"]
        listed = {str(p.pk): p for p in people}
        person = listed.get(choice)
        if choice == "new" and hidden:
            form.add_error("person", HIDDEN.format(hidden=hidden))
        elif choice != "new" and person is None:
            form.add_error("person", "Choose one of the people listed, or a new record.")
        else:
            try:
                row = import_row_resolve(
                    request=request, actor=user, row=row, person=person, create=choice == "new"
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("missing:import", pk=row.batch_id)
    audit_record(
        action="missing.import_review_viewed",
        request=request,
        obj=row,
        detail={"candidates_shown": [str(p.pk) for p in people]},
    )
    return render_form(
        request,
        "missing/imports/review_row.html",
        {
            "row": row,
            "form": form,
            "rows": search_rows(people),
            "hidden": hidden,
            "hidden_message": HIDDEN.format(hidden=hidden) if hidden else "",
            "cells": [(c.name, row.data.get(c.name, "")) for c in COLUMNS[row.kind]],
        },
    )
