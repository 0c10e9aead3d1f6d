from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.access.audit import audit_verify_chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain and name the first broken link, if any."

    def handle(self, *args: Any, **options: Any) -> None:
        report = audit_verify_chain()
        if not report.intact:
            raise CommandError(
                f"The audit trail is broken at event {report.first_broken_seq} "
                f"(checked {report.checked} events)."
            )
        self.stdout.write(f"The audit trail is intact ({report.checked} events checked).")
