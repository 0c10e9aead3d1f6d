"""Reads for the import pages. Batches and the review queue belong to the missing
coordinators and MASH managers as a group (the `missing.import` action): there is no
per-batch scope, since each of them may import and decide any batch's rows."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from lantern.access.scopes import is_uuid
from lantern.missing.imports.models import ImportBatch, ImportRow, RowStatus
from lantern.people.models import Person
from lantern.people.selectors import people_visible


def import_batches() -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by").defer("content")


def import_batch(pk: Any) -> ImportBatch:
    batch = import_batches().filter(pk=pk).first() if is_uuid(pk) else None
    if batch is None:
        raise Http404
    return batch


def batch_problem_rows(batch: ImportBatch) -> QuerySet[ImportRow]:
    """Rows not imported (errors) and waiting for a decision, in file order."""
    return batch.rows.filter(status__in=[RowStatus.ERROR, RowStatus.NEEDS_REVIEW]).order_by(
        "number"
    )


def review_queue() -> QuerySet[ImportRow]:
    """Rows waiting for a coordinator to say who they are about, oldest first."""
    return (
        ImportRow.objects.filter(status=RowStatus.NEEDS_REVIEW)
        .select_related("batch")
        .order_by("created_at", "number")
    )


def review_row(pk: Any) -> ImportRow:
    row = review_queue().filter(pk=pk).first() if is_uuid(pk) else None
    if row is None:
        raise Http404
    return row


def candidates_for(user: Any, row: ImportRow) -> tuple[list[Person], int]:
    """The people the line may be about that this user may see (those the import found, and
    those the person search finds now), and how many more are on records they may not see:
    a count, so a reviewer knows to pass the row to someone who can decide it, and nothing
    more about them."""
    from lantern.missing.imports.matching import search  # noqa: PLC0415
    from lantern.missing.imports.reading import parse_date  # noqa: PLC0415

    data = row.data
    try:
        born = parse_date(data.get("date_of_birth", "")) if data.get("date_of_birth") else None
    except ValueError:
        born = None
    found = search(data.get("given_names", ""), data.get("family_name", ""), born)
    ids = list(dict.fromkeys([*row.candidates, *found.candidates]))
    people = {str(p.pk): p for p in people_visible(user).filter(pk__in=ids)}
    return [people[pk] for pk in ids if pk in people], len([pk for pk in ids if pk not in people])
