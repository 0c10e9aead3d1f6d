"""The cost of auditing reads: a person page served with and without its audit write.

Run with `./bin/lantern bench audit_cost`. Requests go through the whole Django stack in this
process (the test client: middleware, access policy, scopes, template), in interleaved rounds
so both variants meet the same machine load. The "without" variant replaces the read's audit
write with nothing; everything else is identical. Target: under 10% slower with auditing.
"""

from __future__ import annotations

import time
from typing import Any

from bench.common import bench_database, describe

ROUNDS = 10
PER_ROUND = 100


def main() -> None:
    with bench_database("lantern_bench_audit"):
        from django.test import Client
        from django.utils import timezone
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from lantern.access import scopes
        from lantern.access.models import AuditEvent
        from lantern.access.services import involvement_add
        from lantern.accounts.models import Agency, Role, User
        from lantern.core.models import Code
        from lantern.people.models import Person

        agency = Agency.objects.create(
            name="Bench agency",
            agency_type=Code.objects.in_list("agency_type").get(code="childrens_social_care"),
        )
        user = User.objects.create_user("bench.worker", password="unused-in-bench", agency=agency)
        user.roles.set(Role.objects.filter(code="social_worker"))
        device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
        child = Person.objects.create(given_names="Rowan", family_name="Ellery")
        involvement_add(actor=None, record=child, kind="allocated_worker", user=user)

        client = Client()
        client.force_login(user)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session["lantern_signed_in_at"] = timezone.now().timestamp() + 10**7
        session.save()
        url = f"/people/{child.pk}/"

        real_read = scopes.record_read

        def no_audit(**kwargs: Any) -> None:
            return None

        def run(n: int) -> list[float]:
            out = []
            for _ in range(n):
                started = time.perf_counter()
                response = client.get(url)
                out.append(time.perf_counter() - started)
                assert response.status_code == 200, response.status_code
            return out

        run(50)  # warm up caches, connections and templates
        with_audit: list[float] = []
        without_audit: list[float] = []
        events_before = AuditEvent.objects.filter(action="person.viewed").count()
        for _ in range(ROUNDS):
            scopes.record_read = real_read
            with_audit += run(PER_ROUND)
            scopes.record_read = no_audit  # type: ignore[assignment]
            without_audit += run(PER_ROUND)
        scopes.record_read = real_read
        written = AuditEvent.objects.filter(action="person.viewed").count() - events_before

        print("Person page, whole stack, one user, 2-core machine")
        print(describe("without the audit write", without_audit))
        print(describe("with the audit write", with_audit))
        slower = (sum(with_audit) / sum(without_audit) - 1) * 100
        print(
            f"audit events written in the audited rounds: {written} (expected {ROUNDS * PER_ROUND})"
        )
        print(f"auditing costs {slower:+.1f}% in mean latency (target: under +10%)")


if __name__ == "__main__":
    main()
