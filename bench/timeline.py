"""A long chronology: the person page and the PDF export for a child with 5,000 entries.

Run with `./bin/lantern bench timeline` (optionally `timeline RUNS PDF_RUNS`, both 50 by
default; the 50 exports take about ten minutes here). One child gets 5,000 entries over six
years from four agencies (a mix of kinds, a fifth significant, 250 addenda, some sealed or
police-only), bulk-inserted. A social worker involved with the child then asks, through the
whole Django stack in this process (the test client: middleware, access policy, scopes,
audit, template), for:

  (0) the baseline: the page of another child they are involved with, who has no entries;
      and, to show whether the cost grows with the chronology, a child with only 50 entries;
  (a) the person page, whose chronology shows the newest 50 entries;
  (b) the same page filtered to significant events;
  (c) the PDF export of every entry the worker may see.

The pages are timed in interleaved rounds, so that each meets the same load on this shared
machine. It prints p50/p95, the SQL queries each request makes and the ratio to the baseline.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import timedelta
from typing import Any

from bench.common import bench_database, describe

ENTRIES = 5_000
SEED = 20261127
VOCABULARY = (
    "visit school carer phone missing returned police welfare check said friends older car "
    "late night money gifts meeting plan safety worried bedroom cannabis station"
)
WORDS = VOCABULARY.split()


def build(rng: random.Random) -> tuple[Any, dict[str, Any]]:
    """A test client signed in as the worker, and the children: "long" with the long
    chronology, "short" with 50 entries, "none" with none."""
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from lantern.access.services import involvement_add
    from lantern.accounts.models import Agency, Role, User
    from lantern.chronology.models import ChronologyEntry, EntryKind
    from lantern.core.models import Code
    from lantern.people.models import Person

    authors = []
    for kind, role in [
        ("childrens_social_care", "social_worker"),
        ("police", "police_officer"),
        ("health", "health_practitioner"),
        ("education", "school_safeguarding_lead"),
    ]:
        agency = Agency.objects.create(
            name=f"Bench {kind.replace('_', ' ')}",
            agency_type=Code.objects.in_list("agency_type").get(code=kind),
        )
        author = User.objects.create_user(
            f"bench.{kind}", password="unused-in-bench", agency=agency, first_name="Bench"
        )
        author.roles.set(Role.objects.filter(code=role))
        authors.append(author)
    worker = User.objects.create_user(
        "bench.worker", password="unused-in-bench", agency=authors[0].agency, first_name="Worker"
    )
    worker.roles.set(Role.objects.filter(code="social_worker"))
    device = TOTPDevice.objects.create(user=worker, name="bench", confirmed=True)
    now = timezone.now()
    child = Person.objects.create(
        given_names="Rowan", family_name="Ellery", date_of_birth=(now - timedelta(days=5110)).date()
    )
    short = Person.objects.create(given_names="Sky", family_name="Marlow")
    baseline = Person.objects.create(given_names="Ari", family_name="Penrose")
    for record in (child, short, baseline):
        involvement_add(actor=None, record=record, kind="allocated_worker", user=worker)

    def prose(low: int, high: int) -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize()

    started = time.perf_counter()
    kinds = [k for k in EntryKind.values if k != EntryKind.ADDENDUM]
    entries = []
    for n in range(ENTRIES + 50):
        kind, roll = rng.choice(kinds), rng.random()
        # 2% sealed (the worker wrote half of them), 4% police only, the rest open.
        handling = "sealed" if roll < 0.02 else "police_only" if roll < 0.06 else "open"
        handling = handling if n < ENTRIES else "open"  # the short chronology shows all 50
        author = worker if (handling == "sealed" and n % 2) else rng.choice(authors)
        occurred = now - timedelta(minutes=rng.randint(60, 60 * 24 * 365 * 6))
        evidential = kind == EntryKind.EVIDENTIAL_NOTE
        entries.append(
            ChronologyEntry(
                person=child if n < ENTRIES else short,
                occurred_at=occurred,
                recorded_at=occurred + timedelta(minutes=rng.choice([0, 0, 0, 30, 1440])),
                kind=kind,
                summary=prose(3, 12),
                detail=prose(0, 90),
                significance="significant" if rng.random() < 0.2 else "routine",
                author=author,
                source_agency=author.agency,
                handling=handling,
                verbatim=prose(5, 30) if evidential else "",
                place="Bench place" if evidential else "",
                present="Bench officer" if evidential else "",
            )
        )
    ChronologyEntry.objects.bulk_create(entries, batch_size=1000)
    originals = rng.sample(entries[:ENTRIES], ENTRIES // 20)
    ChronologyEntry.objects.bulk_create(
        ChronologyEntry(
            person=child,
            occurred_at=original.recorded_at + timedelta(days=1),
            recorded_at=original.recorded_at + timedelta(days=1),
            kind=EntryKind.ADDENDUM,
            summary="Addendum",
            detail=prose(5, 40),
            significance=original.significance,
            author=original.author,
            source_agency=original.source_agency,
            handling=original.handling,
            amends=original,
        )
        for original in originals
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a load like this
    print(
        f"set-up: {ENTRIES:,} entries and {len(originals)} addenda for one child "
        f"in {time.perf_counter() - started:.1f}s"
    )

    client = Client()
    client.force_login(worker)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["lantern_signed_in_at"] = timezone.now().timestamp() + 10**7
    session.save()
    return client, {"long": child, "short": short, "none": baseline}


def measure(client: Any, children: dict[str, Any], runs: int, pdf_runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_of(url: str, check: Any) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        check(response)
        return len(queries)

    def timed(url: str, n: int) -> list[float]:
        out = []
        for _ in range(n):
            begun = time.perf_counter()
            response = client.get(url)
            out.append(time.perf_counter() - begun)
            assert response.status_code == 200, response.status_code
        return out

    def shows(count: int) -> Any:
        def check(response: Any) -> None:
            assert response.status_code == 200, response.status_code
            assert response.text.count("moj-timeline__item") == count

        return check

    def is_pdf(response: Any) -> None:
        assert response.status_code == 200, response.status_code
        assert response.content.startswith(b"%PDF")
        print(f"PDF of every entry the worker may see: {len(response.content) / 1e6:.1f} MB")

    page = f"/people/{children['long'].pk}/"
    pages = {
        "baseline: page, no entries": (f"/people/{children['none'].pk}/", shows(0)),
        "person page, 50 entries": (f"/people/{children['short'].pk}/", shows(50)),
        "person page, 5,000 entries": (page, shows(50)),
        "5,000, significant only": (f"{page}?significant=1", shows(50)),
    }
    export = f"{page}chronology.pdf"
    for url, _ in pages.values():
        timed(url, 5)  # warm up caches, connections and templates
    queries = {label: queries_of(url, check) for label, (url, check) in pages.items()}
    queries["PDF export, 5,000 entries"] = queries_of(export, is_pdf)
    samples: dict[str, list[float]] = {label: [] for label in queries}
    for _ in range(max(1, runs // 10)):
        for label, (url, _) in pages.items():
            samples[label] += timed(url, 10)
    samples["PDF export, 5,000 entries"] = timed(export, pdf_runs)

    print(f"Chronology of {ENTRIES:,} entries, whole stack, one user, 2-core machine")
    base = statistics.fmean(samples["baseline: page, no entries"])
    for label, seconds in samples.items():
        ratio = statistics.fmean(seconds) / base
        print(f"{describe(label, seconds)}  {queries[label]:>2} queries  {ratio:6.1f}x baseline")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    pdf_runs = int(sys.argv[2]) if len(sys.argv) > 2 else 50
    with bench_database("lantern_bench_timeline"):
        client, children = build(random.Random(SEED))
        measure(client, children, runs, pdf_runs)


if __name__ == "__main__":
    main()
