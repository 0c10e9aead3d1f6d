"""Exporting a person's chronology as a PDF: same entries as the page, same filters, audited."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from lantern.access.models import AuditEvent
from lantern.chronology.export import MARKING
from lantern.chronology.services import addendum_add, case_note_add, chronology_append
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def ago(**delta: int) -> datetime:
    return timezone.now() - timedelta(**delta)


def pages_of(response: Any) -> list[str]:
    """The text of each page, with runs of white space made single (lines wrap anywhere)."""
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def export(client: Client, child: Any, query: str = "") -> Any:
    return client.get(f"/people/{child.pk}/chronology.pdf{query}")


@pytest.fixture
def worker_and_child(signed_in: Any) -> tuple[Any, Any]:
    worker = signed_in("social_worker", first_name="Sam", last_name="Okafor")
    child = person(given_names="Kay & <Lee>", family_name="O'Hara", date_of_birth=date(2011, 5, 4))
    involve(child, user=worker)
    return worker, child


def test_the_pdf_holds_every_entry_with_its_details(
    client: Client, worker_and_child: tuple[Any, Any]
) -> None:
    worker, child = worker_and_child
    note = case_note_add(
        request=None,
        author=worker,
        person=child,
        summary="Home visit <unannounced> & brief",
        detail="Spoke with carer.\nBedroom had new phone.",
        occurred_at=ago(days=3),
        significance="significant",
    )
    addendum_add(request=None, author=worker, original=note, text="Carer is the aunt, not mother.")
    case_note_add(
        request=None,
        author=worker,
        person=child,
        summary="Disclosure during search",
        detail="",
        occurred_at=ago(days=1),
        evidential=True,
        verbatim="He said I owe him for the phone",
        place="Bedroom, Flat 3",
        present="PC Dunn, the aunt",
    )

    response = export(client, child)

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith('attachment; filename="chronology-')
    assert "Kay" not in response["Content-Disposition"]  # no personal data in the file name
    text = " ".join(pages_of(response))
    assert "Chronology of Kay & <Lee> O'Hara" in text
    assert "Date of birth: 4 May 2011" in text
    assert f"Exported by: Sam Okafor, {worker.agency.name}" in text
    assert "No filters: every entry the exporter may see." in text
    assert "Entries: 2, with 1 addenda" in text
    assert "Home visit <unannounced> & brief" in text
    assert "Spoke with carer. Bedroom had new phone." in text
    assert "Case note SIGNIFICANT" in text
    assert "Carer is the aunt, not mother." in text
    assert "He said I owe him for the phone" in text
    assert "Where: Bedroom, Flat 3" in text
    assert "Present: PC Dunn, the aunt" in text
    assert "Evidential note" in text
    assert worker.agency.name in text
    # Newest first, as on the page; the addendum sits under the entry it amends.
    assert text.index("Disclosure during search") < text.index("Home visit")
    assert text.index("Home visit") < text.index("Carer is the aunt")


def test_every_page_is_marked_and_numbered(
    client: Client, worker_and_child: tuple[Any, Any]
) -> None:
    worker, child = worker_and_child
    for n in range(40):
        chronology_append(
            person=child,
            kind="note",
            summary=f"Contact number {n}",
            detail="Discussed school attendance and who collects her. " * 6,
            occurred_at=ago(hours=n + 1),
            author=worker,
        )
    pages = pages_of(export(client, child))
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert page.count(MARKING) == 2, number  # header and footer
        assert f"Page {number} of {len(pages)}" in page
        assert "Chronology of Kay & <Lee> O'Hara." in page  # the footer says what it is
    assert all(f"Contact number {n} " in " ".join(pages) for n in range(40))


def test_an_entry_longer_than_a_page_flows_on(
    client: Client, worker_and_child: tuple[Any, Any]
) -> None:
    worker, child = worker_and_child
    words = " ".join(f"word{n}" for n in range(2500))
    chronology_append(
        person=child,
        kind="note",
        summary="Long record",
        detail=words,
        occurred_at=ago(hours=1),
        author=worker,
    )
    pages = pages_of(export(client, child))
    assert len(pages) >= 2
    assert "word0 " in pages[0]
    assert "word2499" in pages[-1]


def test_text_outside_western_european_scripts_does_not_break_the_export(
    client: Client, worker_and_child: tuple[Any, Any]
) -> None:
    worker, child = worker_and_child
    chronology_append(
        person=child,
        kind="note",
        summary="Łucja Dąbrowska called \U0001f4de",
        occurred_at=ago(hours=1),
        author=worker,
    )
    response = export(client, child)
    assert response.status_code == 200
    assert "called" in " ".join(pages_of(response))


def test_filters_are_those_of_the_page_and_are_audited(
    client: Client, worker_and_child: tuple[Any, Any], make_user: Any
) -> None:
    worker, child = worker_and_child
    police = AgencyFactory(kind="police", name="Fenbridge Police")
    officer = make_user("police_officer", agency=police)
    chronology_append(
        person=child, kind="note", summary="Routine call", occurred_at=ago(days=2), author=worker
    )
    chronology_append(
        person=child,
        kind="missing",
        summary="Missing overnight",
        occurred_at=ago(days=10),
        significance="significant",
        author=worker,
    )
    chronology_append(
        person=child,
        kind="note",
        summary="Seen with older males",
        occurred_at=ago(days=5),
        significance="significant",
        author=officer,
    )

    significant = " ".join(pages_of(export(client, child, "?significant=1")))
    assert "Missing overnight" in significant
    assert "Seen with older males" in significant
    assert "Routine call" not in significant
    assert "Filters applied: Significant events only." in significant

    start = timezone.localdate() - timedelta(days=7)
    query = f"?significant=1&from={start.isoformat()}&agency={police.pk}&kind=note"
    narrow = " ".join(pages_of(export(client, child, query)))
    assert "Seen with older males" in narrow
    assert "Missing overnight" not in narrow
    assert "Routine call" not in narrow
    assert "Source agency: Fenbridge Police" in narrow
    assert "Type: Case note" in narrow

    event = AuditEvent.objects.filter(action="chronology.exported").order_by("-seq").first()
    assert event is not None
    assert event.actor == worker
    assert event.object_id == str(child.pk)
    assert event.detail == {
        "filters": {
            "agency": str(police.pk),
            "kind": "note",
            "significant_only": True,
            "from": start.isoformat(),
            "to": "",
        },
        "entries": 1,
        "addenda": 0,
    }
    viewed = AuditEvent.objects.filter(action="person.viewed").order_by("-seq").first()
    assert viewed is not None
    assert viewed.purpose == "export the chronology"

    nothing = " ".join(pages_of(export(client, child, "?kind=meeting")))
    assert "No entries match these filters." in nothing


def test_handling_rules_apply_as_on_the_page(
    client: Client, worker_and_child: tuple[Any, Any], make_user: Any
) -> None:
    worker, child = worker_and_child
    colleague = make_user("social_worker", agency=worker.agency)
    officer = make_user("police_officer", agency=AgencyFactory(kind="police"))
    chronology_append(
        person=child,
        kind="note",
        summary="Colleague's sealed note",
        occurred_at=ago(hours=3),
        author=colleague,
        handling="sealed",
    )
    sealed = chronology_append(
        person=child,
        kind="note",
        summary="My own sealed note",
        occurred_at=ago(hours=2),
        author=worker,
        handling="sealed",
    )
    chronology_append(
        person=child,
        kind="note",
        summary="Police intelligence",
        occurred_at=ago(hours=1),
        author=officer,
        handling="police_only",
    )
    chronology_append(
        person=child,
        kind="addendum",
        summary="Addendum",
        detail="Colleague's sealed addendum",
        occurred_at=ago(minutes=30),
        author=colleague,
        amends=sealed,
        handling="sealed",
    )
    chronology_append(
        person=child, kind="note", summary="Open note", occurred_at=ago(hours=4), author=worker
    )

    text = " ".join(pages_of(export(client, child)))
    assert "Open note" in text
    assert "My own sealed note" in text
    assert "Case note Sealed" in text
    assert "Colleague's sealed note" not in text
    assert "Colleague's sealed addendum" not in text
    assert "Police intelligence" not in text
    assert "Entries: 2" in text
    page = client.get(f"/people/{child.pk}/").text
    assert "Colleague's sealed note" not in page

    police_client = Client()
    involve(child, user=officer)
    sign_in(police_client, officer)
    police_text = " ".join(pages_of(export(police_client, child)))
    assert "Police intelligence" in police_text
    assert "My own sealed note" not in police_text


def test_someone_without_access_gets_the_same_not_found_and_no_pdf(
    client: Client, signed_in: Any
) -> None:
    signed_in("social_worker")
    hidden = person(given_names="Hidden")
    chronology_append(person=hidden, kind="note", summary="Private", occurred_at=ago(hours=1))

    refused = export(client, hidden)
    missing = client.get("/people/00000000-0000-0000-0000-000000000001/chronology.pdf")

    assert refused.status_code == missing.status_code == 404
    assert refused["Content-Type"].startswith("text/html")
    assert not refused.content.startswith(b"%PDF")
    assert "Page not found" in refused.text
    assert refused.templates[0].name == missing.templates[0].name == "errors/404.html"
    assert "Private" not in refused.text
    assert not AuditEvent.objects.filter(action="chronology.exported").exists()
    denied = AuditEvent.objects.filter(action="record.denied").order_by("seq")
    assert [e.object_id for e in denied] == [
        str(hidden.pk),
        "00000000-0000-0000-0000-000000000001",
    ]


def test_the_person_page_links_to_the_export_with_its_filters(
    client: Client, worker_and_child: tuple[Any, Any]
) -> None:
    _, child = worker_and_child
    plain = client.get(f"/people/{child.pk}/")
    assert f'href="/people/{child.pk}/chronology.pdf">Download as PDF' in plain.text
    filtered = client.get(f"/people/{child.pk}/?kind=note&significant=1&from=2026-01-02&page=2")
    link = f"/people/{child.pk}/chronology.pdf?kind=note&amp;significant=1&amp;from=2026-01-02"
    assert f'href="{link}">Download as PDF' in filtered.text
    assert "(with the filters applied)" in filtered.text
