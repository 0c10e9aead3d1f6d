"""Row history for every domain model, through django-pghistory's database triggers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pghistory
import pgtrigger
from django.db import connection, models
from psycopg.pq import TransactionStatus


def track_history(**options: Any) -> Any:
    """Decorate a model so each insert, update and delete leaves a snapshot row (with the
    user and request from the history middleware). Used on every domain model; `exclude`
    keeps secrets such as password hashes out of the history."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **options
    )


@contextmanager
def insert_history_skipped(*tracked: type[models.Model] | str) -> Iterator[None]:
    """Skip the row-history insert triggers of `tracked` (model classes or "app.Model") in
    this transaction only, for a bulk load whose rows carry their own record: an import's
    lines (each an `ImportRow`) or the demo's synthetic people. Measured, the triggers
    multiplied a bulk insert's time (482 s against 15 s for 100,000 people). They are skipped
    the way django-pgtrigger skips them (`pgtrigger.ignore`, local to the transaction), which
    any database role may do; the append-only and constraint triggers still apply, and later
    changes to these rows are tracked as any other."""
    labels = [m if isinstance(m, str) else m._meta.label for m in tracked]
    pgids = [
        trigger.get_pgid(model)
        for model, trigger in pgtrigger.registered(*(f"{label}:insert_insert" for label in labels))
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + ",".join(pgids) + "}"]
        )
        try:
            yield
        finally:
            # After a refused statement the transaction can run nothing more until it (or
            # the savepoint the setting was made in) is rolled back, which undoes the setting.
            if connection.connection.info.transaction_status != TransactionStatus.INERROR:
                cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
