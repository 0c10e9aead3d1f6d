from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from lantern.access.audit import audit_record, audit_verify_chain
from lantern.core.drafts import drafts_expire


class Command(BaseCommand):
    help = "The nightly jobs: expire old drafts, then verify the audit trail's hash chain."

    def handle(self, *args: Any, **options: Any) -> None:
        expired = drafts_expire()
        self.stdout.write(f"Expired {expired} draft(s).")
        report = audit_verify_chain()
        audit_record(
            action="audit.chain_verified",
            outcome="success" if report.intact else "failure",
            detail={"checked": report.checked, "first_broken_seq": report.first_broken_seq},
        )
        if not report.intact:
            raise CommandError(f"The audit trail is broken at event {report.first_broken_seq}.")
        self.stdout.write(f"The audit trail is intact ({report.checked} events checked).")
