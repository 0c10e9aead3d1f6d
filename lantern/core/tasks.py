"""Background tasks run by the worker (`manage.py db_worker`)."""

from __future__ import annotations

from django.core.management import call_command
from django.tasks import task


@task()
def nightly() -> None:
    """Draft expiry and the audit-chain check; a broken chain fails the task, visibly."""
    call_command("lantern_nightly")
