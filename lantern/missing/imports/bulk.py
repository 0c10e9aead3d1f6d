"""Writing an import's rows fast: PostgreSQL COPY of plain values (with the row-history
insert triggers skipped for the transaction by `core.history.insert_history_skipped`).

Measured on this machine, Django's `bulk_create` spent more time compiling its statement
than PostgreSQL spent inserting, and pghistory's insert triggers multiplied the insert time
(the demo loader found 482 s against 15 s for 100,000 people). The line's `ImportRow` keeps
what an insert event would have (who, when, the batch and file, the cells as sent); later
changes to these records are tracked as any other (decision 0018). The triggers are skipped
the way django-pgtrigger skips them (`pgtrigger.ignore`, local to the transaction), which any
database role may do; the append-only and constraint checks still apply."""

from __future__ import annotations

import io
import json
import operator
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from django.db import connection, models
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg import Copy
from psycopg.copy import FileWriter


class Table:
    """One model's columns, with the default each takes when a row leaves it out."""

    STAMPS = ("created_at", "modified_at")  # auto_now_add and auto_now: the time of the COPY

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        # A key the database numbers itself (an auto-increment) is left to it.
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, AutoFieldMixin)]
        self.columns = [str(f.column) for f in fields]
        self.values_of = operator.itemgetter(*[f.attname for f in fields])
        self.json = [f.attname for f in fields if isinstance(f, models.JSONField)]
        self.stamps = [f.attname for f in fields if f.attname in self.STAMPS]
        # A new value for every row (a new key, the time now...), or one for them all.
        self.each_row = {
            f.attname: f
            for f in fields
            if f.has_default() and callable(f.default) and f.attname not in self.STAMPS
        }
        # Random keys are made for the whole list at once (see `new_ids`).
        self.new_id = [n for n, f in self.each_row.items() if f.default is uuid.uuid4]
        for name in self.new_id:
            del self.each_row[name]
        self.defaults: dict[str, Any] = {
            f.attname: None if f.null and not f.has_default() else f.get_default()
            for f in fields
            if f.attname not in self.each_row
        }

    def rows(self, rows: list[dict[str, Any]], now: Any) -> Iterator[tuple[Any, ...]]:
        """Each row's values in the order of `columns`, the defaults filled in. JSON goes as
        its text, which COPY reads as the column's type."""
        common = self.defaults | dict.fromkeys(self.stamps, now)
        ids = {name: iter(new_ids(len(rows))) for name in self.new_id}
        for values in rows:
            full = common | values
            for name, field in self.each_row.items():
                if name not in values:
                    full[name] = field.get_default()
            for name, made in ids.items():
                if name not in values:
                    full[name] = next(made)
            for name in self.json:
                # An empty list (no problems, no candidates...) is most rows' value.
                full[name] = "[]" if full[name] == [] else json.dumps(full[name])
            yield self.values_of(full)


def new_ids(count: int) -> list[uuid.UUID]:
    """`count` random (version 4) UUIDs, as `uuid.uuid4` makes them, from one read of the
    system's random source: one read per key cost more than the rest of the row (and on a
    second thread, a wait for the other thread each time)."""
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


_TABLES: dict[type[models.Model], Table] = {}


def copy_insert(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert `rows` (attribute name -> value; the key and timestamps filled in when left
    out) into `model`'s table with COPY, in the caller's transaction. psycopg turns each
    value into COPY's format in its C extension (`write_row`), several times faster than
    doing it here."""
    if rows:
        table = _TABLES.setdefault(model, Table(model))
        with _copy(model) as copy:
            for row in table.rows(rows, timezone.now()):
                copy.write_row(row)


def copy_text(
    model: type[models.Model], rows: list[dict[str, Any]], now: datetime | None = None
) -> list[bytes]:
    """`rows` as `copy_insert` would send them, a line each in COPY's text format: defaults
    and keys filled in, stamped `now` (by default the time of the call), formatted by
    psycopg with this thread's connection's adapters, though no statement is run. An
    import formats its next chunk so while the chunk before is written, and the writer
    sends the lines (`copy_lines`) with no Python between them (decision 0018)."""
    if not rows:
        return []
    table = _TABLES.setdefault(model, Table(model))
    buffer = io.BytesIO()
    with connection.cursor() as cursor, Copy(cursor.cursor, writer=FileWriter(buffer)) as copy:
        for row in table.rows(rows, now or timezone.now()):
            copy.write_row(row)
    # A value's own line breaks are written as \n, so each row is one line.
    return buffer.getvalue().split(b"\n")[:-1]


def copy_lines(model: type[models.Model], lines: list[bytes]) -> None:
    """COPY lines made by `copy_text` into `model`'s table, in one write."""
    if lines:
        with _copy(model) as copy:
            copy.write(b"\n".join(lines) + b"\n")


@contextmanager
def _copy(model: type[models.Model]) -> Iterator[Copy]:
    """A COPY into `model`'s table, in the caller's transaction. A refusal is raised as
    Django's own database errors are (an `IntegrityError` for a constraint), with psycopg's
    error as its cause."""
    table = _TABLES.setdefault(model, Table(model))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        statement = f"COPY {model._meta.db_table} ({', '.join(table.columns)}) FROM STDIN"
        with raw.copy(statement) as copy:
            yield copy
