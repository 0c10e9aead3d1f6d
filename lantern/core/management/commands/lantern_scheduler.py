from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from lantern.core.tasks import PERIODIC, nightly, periodic


def next_run(now: datetime, at: str) -> datetime:
    """The next local time `at` ("HH:MM") strictly after `now`."""
    hour, minute = (int(part) for part in at.split(":"))
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


def next_periodic(now: datetime, minutes: int) -> datetime:
    """The next whole multiple of `minutes` past the hour strictly after `now` (for 15:
    :00, :15, :30, :45), so every process agrees when a run is due."""
    start = now.replace(second=0, microsecond=0)
    step = start.minute - start.minute % minutes + minutes
    return start.replace(minute=0) + timedelta(minutes=step)


class Command(BaseCommand):
    help = (
        "Queue the nightly task at LANTERN_NIGHTLY_AT each day, and the periodic commands "
        "(lantern.core.tasks.PERIODIC) at their intervals; the worker runs them."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Queue them all now, then stop.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            nightly.enqueue()
            for command in PERIODIC:
                periodic.enqueue(command)
            self.stdout.write("Queued the nightly task and the periodic commands.")
            return
        now = timezone.localtime()
        due = next_run(now, settings.LANTERN_NIGHTLY_AT)
        self.stdout.write(f"Next nightly run at {due:%Y-%m-%d %H:%M %Z}.")
        upcoming = {command: next_periodic(now, every) for command, every in PERIODIC.items()}
        while True:
            soonest = min([due, *upcoming.values()])
            while (now := timezone.localtime()) < soonest:
                time.sleep(min(60.0, (soonest - now).total_seconds() + 0.1))
            if now >= due:
                nightly.enqueue()
                due = next_run(now, settings.LANTERN_NIGHTLY_AT)
                self.stdout.write(f"Next nightly run at {due:%Y-%m-%d %H:%M %Z}.")
            for command, at in list(upcoming.items()):
                if now >= at:
                    periodic.enqueue(command)
                    upcoming[command] = next_periodic(now, PERIODIC[command])
