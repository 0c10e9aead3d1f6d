from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from lantern.missing.services.rules import rules_escalate


class Command(BaseCommand):
    help = (
        "Escalate children still missing beyond the limits of the 'missing longer than' rules "
        "(each rule fires once per episode). The scheduler queues this every 15 minutes."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        firings = rules_escalate()
        self.stdout.write(f"{len(firings)} escalation(s) made.")
