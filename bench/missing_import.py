"""Bulk import of 100,000 police missing reports, and the missing dashboard over them.

Run with `./bin/lantern bench missing_import` (the `large` demo population: one million
people) or `--size medium` (100,000 people) for a quicker run; `--rows N` sets the file's
length (default 100,000).

The demo's agencies, users and population are loaded into a database of their own
(`lantern.demo`; the referrals stage is skipped, as nothing here reads referrals), with the
demo's return interview providers, so each return in the file is routed and the provider's
teams involved as in the demo. A police CSV is then written from the population's children
with a fixed seed: a year of episodes
(most children missing once, a few very often, no two episodes of one child overlapping,
nine in ten returned), in the documented template. It is imported as a missing coordinator
through `import_start`, the function the upload page calls, and the task it queues (the
immediate backend runs it in this process, as the worker would): rows per second from the
upload to the batch's end, target >= 2,000/s. The same file is imported again: every row
must be unchanged, and its rows per second are printed too. Then the dashboard is rendered
through the whole Django stack as the coordinator in each state a reader finds it in
(`bench.missing_dashboard.time_dashboard`, decision 0022): p50/p95, target <= 500 ms.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bench.common import bench_database

LONDON = ZoneInfo("Europe/London")
# In UTC, so that adding hours adds real hours across the clock changes.
YEAR_START = datetime(2025, 11, 20, tzinfo=UTC)
YEAR_END = datetime(2026, 11, 20, tzinfo=UTC)
PLACES = [
    "Fenbridge bus station",
    "Riverside retail park",
    "A friend's flat, Mill Lane",
    "Fenbridge Central station",
    "The Lock Street underpass",
    "McKinley Park",
    "An address in Eastgate",
]


def _client(user: Any) -> Any:
    from django.test import Client
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user).first()
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id  # type: ignore[union-attr]
    session["lantern_signed_in_at"] = timezone.now().timestamp() + 10**7
    session.save()
    return client


def _fmt(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%d/%m/%Y %H:%M")


def police_file(rows: int, seed: int) -> tuple[bytes, int, int]:
    """The CSV, how many children it names, and how many of them more than once. Children
    are drawn from the population (exact dates of birth, so the import can match them):
    seven in ten episodes belong to a child missing once; the rest to children missing 2 to
    40 times. Each child's episodes fall in separate slices of the year, so none overlap."""
    from lantern.missing.imports.columns import column_names
    from lantern.people.models import Person

    rng = random.Random(seed)
    once = int(rows * 0.7)
    repeat_counts: list[int] = []
    left = rows - once
    while left > 0:
        count = min(left, max(2, int(rng.paretovariate(1.3)) + 1), 40)
        repeat_counts.append(count)
        left -= count
    children = list(
        Person.objects.filter(
            kind="child",
            birth_precision="exact",
            archived_at__isnull=True,
            date_of_birth__lt=YEAR_START.date() - timedelta(days=365 * 8),
        )
        .order_by("id")
        .values_list("given_names", "family_name", "date_of_birth")[: once + len(repeat_counts)]
    )
    if len(children) < once + len(repeat_counts):
        raise SystemExit(f"Only {len(children)} children: use a larger --size or fewer --rows.")
    rng.shuffle(children)
    plan = [(child, 1) for child in children[:once]] + list(
        zip(children[once:], repeat_counts, strict=True)
    )
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=column_names("police_missing"))
    writer.writeheader()
    number = 0
    span = (YEAR_END - YEAR_START).total_seconds()
    for (given, family, born), count in plan:
        slice_seconds = span / count
        for index in range(count):
            start = YEAR_START + timedelta(seconds=slice_seconds * index)
            seen = start + timedelta(seconds=rng.uniform(0, slice_seconds * 0.5))
            reported = seen + timedelta(minutes=rng.randint(20, 600))
            returned = (
                seen
                + timedelta(minutes=rng.randint(60, int(min(slice_seconds * 0.45, 259200) / 60)))
                if rng.random() < 0.9 or index < count - 1
                else None
            )
            if returned is not None and returned < reported:
                returned = reported + timedelta(minutes=30)
            number += 1
            grade = rng.choices(["very_low", "low", "medium", "high"], [2, 5, 10, 2])[0]
            writer.writerow(
                {
                    "police_reference": f"FB-MP-{seen:%y}-{number:06d}",
                    "given_names": given,
                    "family_name": family,
                    "date_of_birth": born.strftime("%d/%m/%Y"),
                    "last_seen_at": _fmt(seen),
                    "reported_at": _fmt(reported),
                    "missing_from": rng.choices(
                        ["home", "placement", "school", "other"], [6, 3, 1, 1]
                    )[0],
                    "risk_grade": grade,
                    "grading_sources": "Carer (phone call); police national computer",
                    "circumstances": "Did not come home after school.",
                    "returned_at": _fmt(returned) if returned else "",
                    "found_where": rng.choice(PLACES) if returned else "",
                    "found_by": "Police" if returned else "",
                }
            )
    return out.getvalue().encode(), len(plan), len(repeat_counts)


def _import(actor: Any, raw: bytes, label: str) -> Any:
    from lantern.missing.imports.services import import_start

    started = time.perf_counter()
    batch = import_start(
        request=None, actor=actor, kind="police_missing", name="police-year.csv", raw=raw
    )
    seconds = time.perf_counter() - started
    print(
        f"{label:<28} {batch.total:,} rows in {seconds:.1f} s: {batch.total / seconds:,.0f} rows/s "
        f"(created {batch.created:,}, updated {batch.updated:,}, unchanged {batch.unchanged:,}, "
        f"errors {batch.errors:,}, to review {batch.needs_review:,})"
    )
    return batch


def _load(size: str, seed: int) -> Any:
    """The demo's agencies, users, population (no referrals) and interview providers, as the
    generator makes them."""
    from django.db import transaction
    from faker import Faker

    from lantern.demo import generator
    from lantern.demo.missing import configure_providers
    from lantern.demo.population import bulk_population

    started = time.perf_counter()
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    ctx = generator.Context(
        seed=seed,
        size=generator.SIZES[size],
        password="unused-in-bench",
        rng=random.Random(seed),
        fake=fake,
    )
    with transaction.atomic():
        generator.stage_agencies(ctx)
        generator.stage_users(ctx)
        bulk_population(ctx)
        configure_providers(ctx)  # each return routed, its provider's teams involved
    loaded = time.perf_counter() - started
    print(f"demo {size}: {ctx.people:,} people loaded in {loaded:.0f} s")
    return ctx


def _row_errors(batch: Any) -> None:
    from lantern.missing.imports.models import ImportRow

    reasons: dict[str, int] = {}
    for row in ImportRow.objects.filter(batch=batch, status="error").only("problems")[:20000]:
        for problem in row.problems:
            key = problem["message"][:70]
            reasons[key] = reasons.get(key, 0) + 1
    for message, count in sorted(reasons.items(), key=lambda kv: -kv[1])[:5]:
        print(f"  row errors: {count:,} x {message}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="./bin/lantern bench missing_import")
    parser.add_argument("--size", choices=["medium", "large"], default="large")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=20261127)
    parser.add_argument("--profile", action="store_true", help="profile the first import")
    args = parser.parse_args()

    with bench_database("lantern_bench_missing_import"):
        import logging

        from django.db import connection
        from django.urls import reverse

        from lantern.accounts.roles import RoleCode
        from lantern.missing.models import Episode

        logging.getLogger("django.tasks").setLevel(logging.WARNING)
        ctx = _load(args.size, args.seed)
        # A partnership's records are not a minute old when a file arrives: vacuumed and
        # analysed, not waiting for autovacuum to reach a million fresh rows mid-import.
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(f"vacuumed and analysed in {time.perf_counter() - started:.0f} s")
        coordinator = next(u for u in ctx.users if u.has_role(RoleCode.MISSING_COORDINATOR))

        raw, children, repeaters = police_file(args.rows, args.seed)
        print(
            f"police file: {args.rows:,} rows, {len(raw) / 1e6:.1f} MB, {children:,} children "
            f"({repeaters:,} missing more than once)"
        )
        if args.profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            first = profiler.runcall(_import, coordinator, raw, "import (profiled)")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats("lantern", 30)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        else:
            first = _import(coordinator, raw, "import")
        second = _import(coordinator, raw, "the same file again")
        assert second.created == 0, "a second import created episodes"
        print(
            f"  after the second import: {Episode.objects.count():,} episodes "
            f"(first import created {first.created:,}); nothing changed: "
            f"{second.unchanged + second.errors == second.total and second.updated == 0}"
        )
        _row_errors(first)

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        _dashboard(coordinator, reverse("missing:dashboard"), args.runs)


def _dashboard(coordinator: Any, url: str, runs: int) -> None:
    from bench.missing_dashboard import time_dashboard

    client = _client(coordinator)
    client.get(url)  # warm: the session, the code lists
    time_dashboard(client, url, runs)


if __name__ == "__main__":
    main()
