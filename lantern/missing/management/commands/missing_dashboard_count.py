from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from lantern.missing.dashboard import Period, count_if_due


class Command(BaseCommand):
    help = (
        "Count the missing dashboard's figures for the last 12 months unless they are current, "
        "so that its first reader does not wait for them (decision 0022). The scheduler queues "
        "this every 5 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        period = Period.last_12_months(timezone.localdate())
        if count_if_due(period):
            self.stdout.write(f"Counted the figures from {period.since} to {period.until}.")
        else:
            self.stdout.write("The figures were current.")
