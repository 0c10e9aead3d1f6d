from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from lantern.core.tasks import nightly


def next_run(now: datetime, at: str) -> datetime:
    """The next local time `at` ("HH:MM") strictly after `now`."""
    hour, minute = (int(part) for part in at.split(":"))
    candidate = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return candidate if candidate > now else candidate + timedelta(days=1)


class Command(BaseCommand):
    help = "Queue the nightly task at LANTERN_NIGHTLY_AT each day; the worker runs it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Queue it now, then stop.")

    def handle(self, *args: Any, once: bool, **options: Any) -> None:
        if once:
            nightly.enqueue()
            self.stdout.write("Queued the nightly task.")
            return
        while True:
            due = next_run(timezone.localtime(), settings.LANTERN_NIGHTLY_AT)
            self.stdout.write(f"Next nightly run at {due:%Y-%m-%d %H:%M %Z}.")
            while timezone.localtime() < due:
                time.sleep(min(60.0, (due - timezone.localtime()).total_seconds() + 0.1))
            nightly.enqueue()
