"""The import's background task, run by the worker (`manage.py db_worker`); in tests the
immediate backend runs it at once."""

from __future__ import annotations

from django.tasks import task

from lantern.missing.imports.pipeline import run_batch


@task()
def import_batch_run(batch_id: str) -> None:
    """Import the batch's rows (see `lantern.missing.imports.pipeline.run_batch`)."""
    run_batch(batch_id)
