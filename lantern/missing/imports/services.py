"""Starting an import and deciding a row the review queue holds."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import User
from lantern.missing.imports import reading
from lantern.missing.imports.models import ImportBatch, ImportKind, ImportRow, RowStatus
from lantern.missing.imports.pipeline import (
    COUNTERS,
    Context,
    Outcome,
    check_line,
    write_absences,
    write_police,
)
from lantern.people.models import Person


def import_start(
    *, request: HttpRequest | None, actor: User, kind: str, name: str, raw: bytes
) -> ImportBatch:
    """Check the file (CSV, its size, UTF-8, the header, a row count within the limit), keep
    it as a batch and queue its import. Refusals name what is wrong and how to fix it; a
    file refused here leaves nothing behind."""
    from lantern.missing.imports.tasks import import_batch_run  # noqa: PLC0415 - task registry

    if kind not in ImportKind.values:
        raise ValidationError({"kind": "Choose what the file holds."})
    reading.check_upload(name=name, raw=raw)
    text = reading.decode(raw)
    total = reading.count_rows(kind, text)
    digest = reading.sha256(raw)
    with transaction.atomic():
        batch = ImportBatch(
            kind=kind,
            file_name=name[-255:],
            sha256=digest,
            size=len(raw),
            content=text,
            total=total,
            same_file_as=ImportBatch.objects.filter(sha256=digest, kind=kind)
            .order_by("-created_at")
            .first(),
            created_by=actor,
            modified_by=actor,
        )
        batch.full_clean()
        batch.save()
        audit_record(
            action="missing.import_uploaded",
            request=request,
            actor=actor,
            obj=batch,
            detail={"kind": kind, "rows": total, "sha256": digest, "bytes": len(raw)},
        )
    import_batch_run.enqueue(str(batch.pk))
    batch.refresh_from_db()
    return batch


def import_row_resolve(
    *,
    request: HttpRequest | None,
    actor: User,
    row: ImportRow,
    person: Person | None,
    create: bool = False,
) -> ImportRow:
    """A coordinator decides who a line waiting in the review queue is about (a person they
    may see, or a new record), and the line is imported as any other: the same checks, and
    its error if one applies now."""
    if row.status != RowStatus.NEEDS_REVIEW:
        raise ValidationError("This row has already been decided.")
    if person is None and not create:
        raise ValidationError({"person": "Choose the person this row is about, or a new record."})
    batch = row.batch
    context = Context.for_batch(batch, actor, request)
    checked = check_line(row.kind, row.number, row.data)
    if not checked.ok:  # pragma: no cover - it was valid when it went to review
        raise ValidationError("This row no longer passes its checks.")
    with transaction.atomic():
        if person is None:
            from lantern.missing.imports.pipeline import _create_person  # noqa: PLC0415

            person = _create_person(context, checked.values)
        outcome = Outcome(checked=checked, person_id=person.pk)
        if row.kind == ImportKind.POLICE_MISSING:
            write_police(context, [outcome])
        else:
            write_absences(context, [outcome])
        row.status = outcome.status
        row.person = person
        row.episode_id = outcome.episode_id
        row.absence_id = outcome.absence_id
        row.problems = [{"column": c, "message": m} for c, m in outcome.problems]
        row.resolved_at, row.resolved_by, row.modified_by = timezone.now(), actor, actor
        row.version += 1
        row.save()
        ImportBatch.objects.filter(pk=batch.pk).update(
            needs_review=F("needs_review") - 1,
            **{COUNTERS[outcome.status]: F(COUNTERS[outcome.status]) + 1},
        )
        audit_record(
            action="missing.import_row_decided",
            request=request,
            actor=actor,
            obj=row,
            detail={
                "batch": str(batch.pk),
                "line": row.number,
                "person": str(person.pk),
                "new_record": create,
                "result": outcome.status,
            },
        )
    return row


def reference_counts(batch: ImportBatch) -> dict[str, Any]:
    return {
        "created": batch.created,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "errors": batch.errors,
        "needs_review": batch.needs_review,
    }
