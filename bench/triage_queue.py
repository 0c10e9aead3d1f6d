"""The MASH triage queue over a year of referrals: the page a manager works from.

Run with `./bin/lantern bench triage_queue` (options: `--size medium`, `--runs 200`). The demo
generator loads size `medium` (100,000 people and 10,000 referrals with their partner
checks, decisions, strategy discussions and enquiries) into a database of its own. A MASH
manager then asks, through the whole Django stack in this process (the test client:
middleware, access policy, scopes, audit, template), for:

  (a) the queue as it opens: open referrals by their clock, first page of 50;
  (b) every referral (decided ones too), newest first: the widest page;
  (c) filtered to red and amber referrals with concerns of exploitation;
  (d) the second page of (b);

interleaved, so that each meets the same load on this shared machine. It prints p50/p95 of
each and the number of SQL queries each page makes; the queries must not grow with the rows
on the page, so it also prints them for a filter that shows only a few rows.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from bench.common import bench_database, describe, percentile

PAGES = {
    "open, by clock": "/referrals/queue/",
    "all, newest first": "/referrals/queue/?status=all&sort=received&order=desc",
    "red/amber exploitation": "/referrals/queue/?status=all&rag=red&rag=amber&exploitation=1",
    "all, page 2": "/referrals/queue/?status=all&sort=received&order=desc&page=2",
}


def _client(manager: Any) -> Any:
    from django.test import Client
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=manager).first()
    client = Client()
    client.force_login(manager)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # type: ignore[union-attr]
    session["lantern_signed_in_at"] = timezone.now().timestamp() + 10**7
    session.save()
    return client


def _queries(client: Any, url: str) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    rows = response.content.count(b'class="govuk-table__row')
    return len(captured.captured_queries), rows


def main() -> None:
    parser = argparse.ArgumentParser(prog="./bin/lantern bench triage_queue")
    parser.add_argument("--size", choices=["medium", "large"], default="medium")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=20261127)
    args = parser.parse_args()

    with bench_database("lantern_bench_triage"):
        from django.db import connection

        from lantern.accounts.roles import RoleCode
        from lantern.demo.generator import generate
        from lantern.referrals.models import PartnerCheck, Referral

        started = time.perf_counter()
        ctx = generate(size=args.size, seed=args.seed, password="unused-in-bench")
        loaded = time.perf_counter() - started
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        manager = next(u for u in ctx.users if u.has_role(RoleCode.MASH_MANAGER))
        open_count = Referral.objects.exclude(status="decided").count()
        print(
            f"Triage queue, demo size {args.size}: {Referral.objects.count():,} referrals "
            f"({open_count} open), {PartnerCheck.objects.count():,} partner checks, "
            f"{ctx.people:,} people; loaded in {loaded:.0f} s (seed {args.seed}), 2-core machine"
        )
        client = _client(manager)
        for url in PAGES.values():  # warm up: connections, caches, plans
            for _ in range(5):
                client.get(url)
        times: dict[str, list[float]] = {label: [] for label in PAGES}
        for _ in range(args.runs):
            for label, url in PAGES.items():
                begun = time.perf_counter()
                response = client.get(url)
                times[label].append(time.perf_counter() - begun)
                assert response.status_code == 200, response.status_code
        print(f"Page render through the whole stack, {args.runs} runs each, as a MASH manager:")
        for label, samples in times.items():
            print("  " + describe(label, samples))
        print("SQL queries per page (must not grow with the rows shown):")
        for label, url in [
            *PAGES.items(),
            ("awaiting authorisation", "/referrals/queue/?status=awaiting"),
        ]:
            queries, rows = _queries(client, url)
            print(f"  {label:<28} {queries} queries, {rows - 1} rows")
        worst = max(percentile([t * 1000 for t in s], 95) for s in times.values())
        print(f"Worst p95: {worst:.1f} ms (target 200 ms): {'met' if worst <= 200 else 'NOT met'}")


if __name__ == "__main__":
    main()
