"""Background tasks run by the worker (`manage.py db_worker`), and the commands the scheduler
queues through them."""

from __future__ import annotations

from django.core.management import call_command
from django.tasks import task

# Management commands the scheduler (`manage.py lantern_scheduler`) queues every so many
# minutes, counted from midnight local time. Named as strings so core imports no domain app.
PERIODIC: dict[str, int] = {
    # Children still missing beyond a rule's limit (lantern.missing, decision 0015).
    "missing_escalate": 15,
    # The missing dashboard's last 12 months, counted before anyone asks (decision 0022).
    "missing_dashboard_count": 5,
}


@task()
def nightly() -> None:
    """Draft expiry and the audit-chain check; a broken chain fails the task, visibly."""
    call_command("lantern_nightly")


@task()
def periodic(command: str) -> None:
    """One of the `PERIODIC` commands; any other name is refused."""
    if command not in PERIODIC:
        raise ValueError(f"{command!r} is not a periodic command")
    call_command(command)
