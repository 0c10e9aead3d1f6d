"""The missing dashboard over 100,000 episodes: its p95 render time (target 500 ms).

Run with `./bin/lantern bench missing_dashboard` (options: `--episodes 100000`, `--runs 30`).
Loads synthetic children (a fifth in care, some placed from elsewhere, each with a postcode
district), a year of returned episodes and their return interviews straight into a database
of its own (bulk inserts: this measures the dashboard, not the import), then asks for the
dashboard page through the whole Django stack as a missing coordinator, and prints p50/p95
and the number of queries (which must not grow with the episodes).
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import timedelta
from typing import Any

from bench.common import bench_database, describe, percentile


def _load(episodes: int, seed: int) -> Any:
    from django.utils import timezone

    from lantern.accounts.models import Agency, Role, User
    from lantern.core.models import Code
    from lantern.missing.models import Episode, ReturnInterview
    from lantern.people.models import Address, LegalStatus, Person

    rng = random.Random(seed)
    agency = Agency.objects.create(
        name="Bench Council",
        agency_type=Code.objects.in_list("agency_type").get(code="childrens_social_care"),
    )
    user = User.objects.create(username="bench-coordinator", agency=agency)
    user.roles.set(Role.objects.filter(code="missing_coordinator"))
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    today = timezone.localdate()
    children = Person.objects.bulk_create(
        [
            Person(
                given_names=f"Child{n}",
                family_name="Bench",
                date_of_birth=(dob := today - timedelta(days=rng.randint(8 * 365, 18 * 365))),
                birth_precision="exact",
                born_earliest=dob,
                born_latest=dob,
                gender=rng.choice(["female", "male", "not_known"]),
            )
            for n in range(episodes // 5)
        ],
        batch_size=5000,
    )
    lac = Code.objects.in_list("lac_legal_status").get(code="C2")
    LegalStatus.objects.bulk_create(
        [
            LegalStatus(
                person=c,
                kind="looked_after",
                code=lac,
                valid_from=today - timedelta(days=800),
                placing_authority="Bench Council",
            )
            for c in children[::5]
        ],
        batch_size=5000,
    )
    Address.objects.bulk_create(
        [
            Address(
                person=c,
                line1="1 Bench Road",
                postcode=f"FB{rng.randint(1, 12)} 1AA",
                valid_from=today - timedelta(days=3000),
            )
            for c in children
        ],
        batch_size=5000,
    )
    grade = Code.objects.in_list("missing_risk_grade").get(code="medium")
    outcomes = list(Code.objects.in_list("return_interview_outcome"))
    now = timezone.now()
    # Each child's episodes 60 days apart so none overlap.
    rows = []
    for n in range(episodes):
        child = children[n % len(children)]
        seen = now - timedelta(
            days=360 - 60 * (n // len(children)) - (n % len(children)) % 60, hours=n % 24
        )
        reported = seen + timedelta(minutes=rng.randint(10, 300))
        back = reported + timedelta(hours=rng.randint(1, 60))
        rows.append(
            Episode(
                reference=f"MIS-B-{n:07d}",
                child=child,
                status="returned",
                reported_at=reported,
                reported_by=user,
                last_seen_at=seen,
                noticed_at=seen + timedelta(minutes=rng.randint(0, 9)),
                missing_from="home",
                placing_authority="Elsewhere" if rng.random() < 0.05 else "",
                police_risk_grade=grade,
                returned_at=back,
                interview_due_at=back + timedelta(hours=72),
            )
        )
    created = Episode.objects.bulk_create(rows, batch_size=5000)
    ReturnInterview.objects.bulk_create(
        [
            ReturnInterview(
                episode=e,
                offered_at=e.returned_at + timedelta(hours=rng.randint(1, 100)),
                outcome=(o := rng.choice(outcomes)),
                completed_at=e.returned_at + timedelta(hours=100),
                interviewer=user,
                child_declined=o.code == "offered_declined",
                carer_information="Carer" if o.code == "offered_declined" else "",
            )
            for e in created
            if rng.random() < 0.9
        ],
        batch_size=5000,
    )
    return user


def main() -> None:
    parser = argparse.ArgumentParser(prog="./bin/lantern bench missing_dashboard")
    parser.add_argument("--episodes", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    with bench_database("lantern_bench_missing_dashboard"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from bench.triage_queue import _client

        started = time.perf_counter()
        user = _load(args.episodes, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"loaded {args.episodes} episodes in {time.perf_counter() - started:.1f} s")
        client = _client(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/missing/dashboard/").status_code == 200
        seconds = []
        for _ in range(args.runs):
            began = time.perf_counter()
            response = client.get("/missing/dashboard/")
            seconds.append(time.perf_counter() - began)
            assert response.status_code == 200
        print(describe("dashboard, last 12 months", seconds))
        print(f"queries per page: {len(captured.captured_queries)}")
        p95 = percentile([s * 1000 for s in seconds], 95)
        print(f"p95 {p95:.0f} ms against the 500 ms target: {'met' if p95 <= 500 else 'MISSED'}")


if __name__ == "__main__":
    main()
