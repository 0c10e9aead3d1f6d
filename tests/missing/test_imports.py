"""Bulk import of police missing reports and school absence lists: through the pages, as a
missing coordinator would, with the task run at once (the immediate backend in tests)."""

from __future__ import annotations

import csv
import io
import time
from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.chronology.models import ChronologyEntry
from lantern.core.csv_safe import escape_cell, looks_like_formula
from lantern.missing.imports.columns import column_names
from lantern.missing.imports.models import ImportBatch, ImportRow, SchoolAbsence
from lantern.missing.models import Episode, ReturnInterview
from lantern.people.models import Identifier, Person, School
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.missing.factories import at, report

pytestmark = pytest.mark.django_db

POLICE = column_names("police_missing")
ABSENCE = column_names("school_absence")


def police_row(**cells: str) -> dict[str, str]:
    return {
        "police_reference": "FB-MP-26-000101",
        "given_names": "Rowan",
        "family_name": "Ashby",
        "date_of_birth": "04/05/2011",
        "last_seen_at": "02/10/2026 21:00",
        "reported_at": "02/10/2026 23:00",
        "missing_from": "home",
        "risk_grade": "medium",
        "grading_sources": "Mother (phone call); school (attendance)",
    } | cells


def as_csv(rows: list[dict[str, str]], columns: list[str] = POLICE) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(
    client: Client, content: bytes, kind: str = "police_missing", name: str = "x.csv"
) -> Any:
    return client.post(
        "/missing/imports/", {"kind": kind, "file": SimpleUploadedFile(name, content)}
    )


def last_batch() -> ImportBatch:
    return ImportBatch.objects.order_by("-created_at").first()  # type: ignore[return-value]


@pytest.fixture
def coordinator(client: Client, signed_in: Any) -> Any:
    return signed_in("missing_coordinator")


@pytest.fixture
def rowan() -> Person:
    return person(given_names="Rowan", family_name="Ashby", date_of_birth=date(2011, 5, 4))


@pytest.fixture
def kai() -> Person:
    return person(given_names="Kai", family_name="Osei", date_of_birth=date(2010, 1, 20))


def good_file() -> bytes:
    return as_csv(
        [
            police_row(
                returned_at="03/10/2026 10:15",
                found_where="Fenbridge bus station",
                found_by="PC 1234",
            ),
            police_row(
                police_reference="FB-MP-26-000102",
                given_names="Kai",
                family_name="Osei",
                date_of_birth="20/01/2010",
                risk_grade="high",
                missing_from="placement",
            ),
        ]
    )


def test_a_good_file_imports_every_row_as_an_episode_of_the_matched_child(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    response = upload(client, good_file(), name="police-october.csv")

    batch = last_batch()
    assert response.status_code == 302
    assert response["Location"] == f"/missing/imports/{batch.pk}/"
    assert (batch.status, batch.total, batch.processed) == ("done", 2, 2)
    assert (batch.created, batch.errors, batch.needs_review) == (2, 0, 0)
    returned = Episode.objects.get(child=rowan)
    assert returned.police_reference == "FB-MP-26-000101"
    assert returned.reference.startswith("MIS-")
    assert returned.status == "returned"
    assert returned.found_where == "Fenbridge bus station"
    assert returned.interview_due_at == at(2026, 10, 6, 10, 15)
    assert ReturnInterview.objects.filter(episode=returned).exists()
    assert returned.gradings.get().sources == "Mother (phone call); school (attendance)"
    missing = Episode.objects.get(child=kai)
    assert (missing.status, missing.police_risk_grade.code) == ("reported", "high")
    summaries = sorted(
        ChronologyEntry.objects.filter(person=rowan).values_list("summary", flat=True)
    )
    assert summaries == [
        f"Reported missing from home ({returned.reference}), medium risk; returned "
        "3 October 2026 10:15, found at Fenbridge bus station"
    ]
    done = AuditEvent.objects.get(action="missing.import_completed")
    assert done.detail["created"] == 2
    assert done.detail["rows"] == 2
    assert AuditEvent.objects.filter(action="missing.import_uploaded").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "2 of 2 rows read (100%)" in page
    assert "police-october.csv" in page
    assert AuditEvent.objects.filter(action="missing.import_viewed", object_id=str(batch.pk))


def test_an_imported_return_routes_the_interview_and_involves_the_providers_team(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    from lantern.access.models import Involvement
    from lantern.missing.models import InterviewProvider
    from tests.factories import AgencyFactory, TeamFactory

    charity = AgencyFactory(name="Runaway Helpline Fenbridge")
    team = TeamFactory(agency=charity, name="Return home interviews")
    InterviewProvider.objects.create(category="missing_from_home", agency=charity)

    upload(client, good_file())

    batch = last_batch()
    assert (batch.status, batch.created, batch.errors) == ("done", 2, 0)
    returned = Episode.objects.get(child=rowan)
    assert ReturnInterview.objects.get(episode=returned).provider == charity
    involved = Involvement.objects.get(object_id=returned.pk)
    assert (involved.team, involved.kind) == (team, "allocated_team")


def test_importing_the_same_file_again_changes_nothing(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    upload(client, good_file())
    first = last_batch()
    counts = (Episode.objects.count(), ChronologyEntry.objects.count(), Person.objects.count())

    upload(client, good_file())

    again = last_batch()
    assert again.pk != first.pk
    assert again.same_file_as == first
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 2, 0)
    assert (
        Episode.objects.count(),
        ChronologyEntry.objects.count(),
        Person.objects.count(),
    ) == counts
    page = client.get(f"/missing/imports/{again.pk}/").content.decode()
    assert "the same file as" in page


def test_a_return_in_a_later_file_updates_the_episode(
    client: Client, coordinator: Any, kai: Person
) -> None:
    row = police_row(given_names="Kai", family_name="Osei", date_of_birth="20/01/2010")
    upload(client, as_csv([row]))
    upload(client, as_csv([row | {"returned_at": "03/10/2026 08:00", "found_where": "A park"}]))

    batch = last_batch()
    assert (batch.updated, batch.created) == (1, 0)
    episode = Episode.objects.get(child=kai)
    assert (episode.status, episode.found_where) == ("returned", "A park")


def test_text_with_line_breaks_tabs_and_backslashes_is_kept_as_written(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    words = 'Left after school.\nSaid "back later"\tC:\\not-a-path \\N'
    upload(client, as_csv([police_row(circumstances=words)]))

    episode = Episode.objects.get(child=rowan)
    assert episode.circumstances == words
    assert ImportRow.objects.get().data["circumstances"] == words


def test_times_across_the_clock_change_are_compared_in_real_time(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    content = as_csv(
        [
            # 01:30 on 29 March 2026 does not exist in the UK (the clocks went forward).
            police_row(last_seen_at="29/03/2026 01:30", reported_at="29/03/2026 03:00"),
            # Reported at 02:55 BST (01:55 UTC), back at 02:25 BST: before the report.
            police_row(
                police_reference="FB-MP-26-000102",
                given_names="Kai",
                family_name="Osei",
                date_of_birth="20/01/2010",
                last_seen_at="28/03/2026 16:00",
                reported_at="29/03/2026 02:55",
                returned_at="29/03/2026 02:25",
                found_where="Home",
            ),
        ]
    )

    upload(client, content)

    batch = last_batch()
    assert (batch.status, batch.created, batch.errors) == ("done", 0, 2)
    problems = {r.number: r.problems for r in ImportRow.objects.filter(batch=batch)}
    assert problems[2][0]["column"] == "last_seen_at"
    assert problems[3] == [
        {
            "column": "returned_at",
            "message": "The return cannot be before the young person was last seen or "
            "reported missing.",
        }
    ]


def test_a_wrong_column_is_named_and_nothing_is_imported(client: Client, coordinator: Any) -> None:
    columns = ["police_ref", *POLICE[1:]]
    content = as_csv([police_row() | {"police_ref": "X"}], columns)

    response = upload(client, content)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Unknown column \u2018police_ref\u2019" in page
    assert "did you mean \u2018police_reference\u2019?" in page
    assert "Missing column \u2018police_reference\u2019." in page
    assert not ImportBatch.objects.exists()


def test_a_file_not_in_utf8_is_refused_with_how_to_save_it(
    client: Client, coordinator: Any
) -> None:
    content = as_csv([police_row(given_names="Zo\u00eb")]).decode().encode("cp1252")

    response = upload(client, content)

    assert response.status_code == 400
    assert "The file is not UTF-8: in Excel use Save as" in response.content.decode()
    assert "Line 2 has a character" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_nul_character_deep_in_the_file_is_refused_with_its_line(
    client: Client, coordinator: Any
) -> None:
    """A NUL byte past the first few kilobytes (a damaged file) cannot be stored as text: it is
    refused with its line, not turned into a server error that loses the upload."""
    rows = [police_row(police_reference=f"FB-MP-{n:05d}") for n in range(80)]
    content = as_csv(rows)
    lines = content.split(b"\n")
    lines[60] = lines[60].replace(b"FB-MP", b"FB\x00MP", 1)
    content = b"\n".join(lines)
    assert content.index(b"\x00") > 4096

    response = upload(client, content)

    assert response.status_code == 400
    assert "Line 61 has a NUL character" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_utf8_with_a_byte_order_mark_is_read(client: Client, coordinator: Any) -> None:
    zoe = person(given_names="Zo\u00eb", family_name="Ashby", date_of_birth=date(2011, 5, 4))
    content = "\ufeff".encode() + as_csv([police_row(given_names="Zo\u00eb")])

    upload(client, content)

    assert last_batch().created == 1
    assert Episode.objects.filter(child=zoe).exists()


def test_a_file_that_is_not_csv_is_refused(client: Client, coordinator: Any) -> None:
    response = upload(client, good_file(), name="reports.xlsx")
    assert response.status_code == 400
    assert "The file must be a CSV file" in response.content.decode()


def test_a_formula_cell_is_refused_the_other_rows_kept_and_the_report_escapes_it(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    content = as_csv(
        [
            police_row(circumstances='=HYPERLINK("http://example.invalid","Click")'),
            police_row(
                police_reference="FB-MP-26-000102",
                given_names="Kai",
                family_name="Osei",
                date_of_birth="20/01/2010",
            ),
        ]
    )

    upload(client, content)

    batch = last_batch()
    assert (batch.created, batch.errors) == (1, 1)
    assert not Episode.objects.filter(child=rowan).exists()
    problem = ImportRow.objects.get(batch=batch, status="error")
    assert problem.number == 2
    assert problem.problems == [
        {
            "column": "circumstances",
            "message": "The cell starts with \u2018=\u2019, which a spreadsheet would run as a "
            "formula: remove the formula and import the row again.",
        }
    ]
    report_csv = client.get(f"/missing/imports/{batch.pk}/?report=csv")
    assert report_csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = list(csv.reader(io.StringIO(report_csv.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["line", "status", "column", "message"]
    assert lines[1][:3] == ["2", "Not imported: error", "circumstances"]
    assert "'=HYPERLINK" in lines[1][4 + POLICE.index("circumstances")]
    assert AuditEvent.objects.filter(action="missing.import_errors_exported").count() == 1


def test_numbers_and_dates_are_not_formulas() -> None:
    assert not looks_like_formula("-3")
    assert not looks_like_formula("+44 1632 960000")
    assert looks_like_formula("@SUM(A1)")
    assert looks_like_formula("-2+3+cmd|' /C calc'!A0")
    assert escape_cell("=1+1") == "'=1+1"
    assert escape_cell("Fenbridge") == "Fenbridge"


def test_row_errors_are_reported_by_line_and_column_while_valid_rows_are_kept(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    content = as_csv(
        [
            police_row(last_seen_at="31/09/2026 21:00"),
            police_row(
                police_reference="FB-MP-26-000102",
                given_names="Kai",
                family_name="Osei",
                date_of_birth="20/01/2010",
            ),
            police_row(police_reference="FB-MP-26-000103", risk_grade="absent"),
            police_row(
                police_reference="FB-MP-26-000104",
                date_of_birth="04/05/2011",
                last_seen_at="02/10/2010 21:00",
                reported_at="02/10/2010 22:00",
            ),
        ]
    )

    upload(client, content)

    batch = last_batch()
    assert (batch.created, batch.errors) == (1, 3)
    problems = {
        row.number: row.problems for row in ImportRow.objects.filter(batch=batch, status="error")
    }
    assert problems[2] == [
        {
            "column": "last_seen_at",
            "message": "\u201831/09/2026 21:00\u2019 is not a date and time: write it as "
            "dd/mm/yyyy hh:mm.",
        }
    ]
    assert problems[4] == [
        {
            "column": "risk_grade",
            "message": "\u2018absent\u2019 is not one of: very_low, low, medium, high.",
        }
    ]
    assert problems[5] == [
        {
            "column": "last_seen_at",
            "message": "The time last seen is before the young person was born: check the date.",
        }
    ]
    page = client.get(f"/missing/imports/{batch.pk}/").content.decode()
    assert "Rows not imported" in page
    assert "is not one of: very_low, low, medium, high." in page
    # The failed rows are kept: corrected and imported again, they go in.
    upload(client, as_csv([police_row(last_seen_at="30/09/2026 21:00")]))
    assert last_batch().created == 1


def test_an_overlapping_episode_in_the_file_or_on_record_is_a_row_error(
    client: Client, coordinator: Any, rowan: Person, kai: Person, make_user: Any
) -> None:
    earlier = report(make_user("police_officer"), kai, last_seen=at(2026, 9, 1, 20, 0), risk="low")
    content = as_csv(
        [
            police_row(returned_at="05/10/2026 12:00", found_where="Home"),
            police_row(
                police_reference="FB-MP-26-000109",
                last_seen_at="04/10/2026 08:00",
                reported_at="04/10/2026 09:00",
            ),
            police_row(
                police_reference="FB-MP-26-000110",
                given_names="Kai",
                family_name="Osei",
                date_of_birth="20/01/2010",
            ),
        ]
    )

    upload(client, content)

    batch = last_batch()
    assert (batch.created, batch.errors) == (1, 2)
    problems = {r.number: r.problems for r in ImportRow.objects.filter(batch=batch, status="error")}
    assert problems[3] == [
        {
            "column": "last_seen_at",
            "message": "This overlaps line 2 of this file (missing from "
            "2 October 2026 21:00 until 5 October 2026 12:00): a new episode must start after "
            "the previous return.",
        }
    ]
    assert problems[4] == [
        {
            "column": "last_seen_at",
            "message": f"Kai Osei is still recorded as missing since 1 September 2026 20:00 "
            f"({earlier.reference}): record their return before reporting a new episode.",
        }
    ]


def test_a_child_nobody_has_recorded_gets_a_new_record(client: Client, coordinator: Any) -> None:
    upload(client, as_csv([police_row(given_names="Eliza", family_name="Quarrington")]))

    batch = last_batch()
    assert batch.created == 1
    child = Person.objects.get(family_name="Quarrington")
    assert child.date_of_birth == date(2011, 5, 4)
    assert Episode.objects.filter(child=child).exists()
    assert AuditEvent.objects.filter(action="person.created", object_id=str(child.pk)).exists()


def test_an_uncertain_match_waits_for_review_and_is_imported_once_decided(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    involve(rowan, user=coordinator)
    # A misspelt given name: the search finds Rowan, but not with confidence.
    upload(client, as_csv([police_row(given_names="Rowen")]))

    batch = last_batch()
    assert (batch.created, batch.needs_review) == (0, 1)
    row = ImportRow.objects.get(batch=batch)
    assert row.status == "needs_review"
    assert str(rowan.pk) in row.candidates
    queue = client.get("/missing/imports/review/").content.decode()
    assert "Rowen Ashby" in queue
    page = client.get(f"/missing/imports/review/{row.pk}/").content.decode()
    assert "Rowan Ashby, 4 May 2011" in page
    assert AuditEvent.objects.filter(action="missing.import_review_viewed", object_id=str(row.pk))

    # Re-importing while it waits does not queue it twice.
    upload(client, as_csv([police_row(given_names="Rowen")]))
    assert ImportRow.objects.filter(status="needs_review").count() == 1

    response = client.post(f"/missing/imports/review/{row.pk}/", {"person": str(rowan.pk)})

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.person_id, row.resolved_by_id) == ("created", rowan.pk, coordinator.pk)
    assert Episode.objects.get(child=rowan).police_reference == "FB-MP-26-000101"
    batch.refresh_from_db()
    assert (batch.created, batch.needs_review) == (1, 0)
    decided = AuditEvent.objects.get(action="missing.import_row_decided")
    assert decided.detail["person"] == str(rowan.pk)


def test_a_reviewer_may_create_a_new_record_instead(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    involve(rowan, user=coordinator)
    upload(client, as_csv([police_row(given_names="Rowen")]))
    row = ImportRow.objects.get(status="needs_review")

    client.post(f"/missing/imports/review/{row.pk}/", {"person": "new"})

    row.refresh_from_db()
    assert row.status == "created"
    assert row.person is not None
    assert row.person.given_names == "Rowen"
    assert not Episode.objects.filter(child=rowan).exists()


def test_a_candidate_the_reviewer_may_not_see_is_only_counted_and_blocks_a_new_record(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    # Rowan is known to another agency: the import still finds them, so no duplicate is made.
    upload(client, as_csv([police_row(given_names="Rowen")]))
    row = ImportRow.objects.get(status="needs_review")
    assert row.candidates == [str(rowan.pk)]

    page = client.get(f"/missing/imports/review/{row.pk}/").content.decode()
    assert "1 possible match(es) are on records you cannot see" in page
    assert "Rowan" not in page.replace("Rowen", "")
    response = client.post(f"/missing/imports/review/{row.pk}/", {"person": "new"})
    assert response.status_code == 400
    response = client.post(f"/missing/imports/review/{row.pk}/", {"person": str(rowan.pk)})
    assert response.status_code == 400
    row.refresh_from_db()
    assert row.status == "needs_review"


def test_a_reviewer_cannot_choose_someone_outside_the_list(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    upload(client, as_csv([police_row(given_names="Rowen")]))
    row = ImportRow.objects.get(status="needs_review")

    response = client.post(f"/missing/imports/review/{row.pk}/", {"person": "not-a-person"})

    assert response.status_code == 400
    assert "Choose one of the people listed" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "needs_review"


def test_a_school_absence_list_records_absences_not_episodes(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    school = School.objects.create(urn="100001", name="Fenbridge Academy", phase="secondary")
    Identifier.objects.create(person=rowan, scheme="upn", value="A123456789012")
    rows = [
        {
            "school_urn": "100001",
            "given_names": "R",
            "family_name": "Ashby",
            "upn": "A123456789012",
            "absence_date": "05/10/2026",
            "session": "ALL",
            "reason_code": "N",
        },
        {
            "school_urn": "100001",
            "given_names": "Rowan",
            "family_name": "Ashby",
            "date_of_birth": "04/05/2011",
            "absence_date": "06/10/2026",
            "session": "am",
            "reason_code": "O",
        },
        {
            "school_urn": "100001",
            "given_names": "Mystery",
            "family_name": "Pupil",
            "absence_date": "06/10/2026",
            "session": "PM",
            "reason_code": "ZZ",
        },
    ]

    upload(client, as_csv(rows, ABSENCE), kind="school_absence")

    batch = last_batch()
    assert (batch.created, batch.needs_review, batch.errors) == (2, 1, 0)
    absences = SchoolAbsence.objects.filter(child=rowan, school=school).order_by("day")
    assert [(a.day, a.session, a.reason.code) for a in absences] == [
        (date(2026, 10, 5), "ALL", "N"),
        (date(2026, 10, 6), "AM", "O"),
    ]
    assert not Episode.objects.exists()
    assert not Person.objects.filter(family_name="Pupil").exists()

    upload(client, as_csv(rows, ABSENCE), kind="school_absence")
    assert (last_batch().created, last_batch().unchanged) == (0, 3)
    assert SchoolAbsence.objects.count() == 2


def test_the_progress_poll_returns_the_bar_and_reloads_when_finished(
    client: Client, coordinator: Any, rowan: Person
) -> None:
    upload(client, as_csv([police_row()]))
    batch = last_batch()

    response = client.get(f"/missing/imports/{batch.pk}/", headers={"HX-Request": "true"})

    assert response["HX-Refresh"] == "true"
    fragment = response.content.decode()
    assert '<progress class="lantern-progress' in fragment
    assert 'max="1" value="1"' in fragment
    assert "<html" not in fragment


def test_the_running_page_polls_every_two_seconds(client: Client, coordinator: Any) -> None:
    batch = ImportBatch.objects.create(
        kind="police_missing",
        file_name="big.csv",
        sha256="0" * 64,
        size=1,
        content="",
        total=10,
        processed=4,
        status="running",
        created_by=coordinator,
    )

    page = client.get(f"/missing/imports/{batch.pk}/").content.decode()

    assert 'hx-trigger="every 2s"' in page
    assert "4 of 10 rows read (40%)" in page
    assert "Refresh to see progress" in page


def test_the_templates_download_with_the_documented_columns(
    client: Client, coordinator: Any
) -> None:
    response = client.get("/missing/imports/?template=police_missing")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == POLICE
    response = client.get("/missing/imports/?template=school_absence")
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == ABSENCE


@pytest.mark.parametrize("role", ["social_worker", "police_officer", "return_interview_worker"])
def test_only_missing_coordinators_and_mash_managers_import(
    client: Client, make_user: Any, role: str, rowan: Person
) -> None:
    manager = make_user("mash_manager")
    sign_in(client, manager)
    upload(client, as_csv([police_row(given_names="Rowen")]))
    batch = last_batch()
    row = ImportRow.objects.get(status="needs_review")
    assert client.get("/missing/imports/").status_code == 200

    other = Client()
    sign_in(other, make_user(role))
    for url in (
        "/missing/imports/",
        f"/missing/imports/{batch.pk}/",
        "/missing/imports/review/",
        f"/missing/imports/review/{row.pk}/",
    ):
        assert other.get(url).status_code == 403, url
    assert upload(other, good_file()).status_code == 403
    assert other.post(f"/missing/imports/review/{row.pk}/", {"person": "new"}).status_code == 403
    assert ImportBatch.objects.count() == 1
    row.refresh_from_db()
    assert row.status == "needs_review"


def test_exact_matches_by_any_recorded_name_and_the_exact_date_of_birth() -> None:
    from django.utils import timezone

    from lantern.missing.imports.matching import exact_matches, name_key
    from lantern.people.models import PersonName

    born = date(2012, 3, 4)
    rowan = person(given_names="Rowan Jay", family_name="Ashby", date_of_birth=born)
    # A name with no family name of its own takes the person's.
    PersonName.objects.create(person=rowan, kind="nickname", given_names="Ro", family_name="")
    twin = person(given_names="Rowan Jay", family_name="Ashby", date_of_birth=date(2012, 3, 5))
    gone = person(given_names="Sam", family_name="Ashby", date_of_birth=born)
    gone.archived_at, gone.archive_reason = timezone.now(), "Recorded twice."
    gone.save()
    keys = [
        name_key("  ROWAN   jay ", "ashby", born),
        name_key("Ro", "Ashby", born),
        name_key("Rowan", "Ashby", born),  # the first given name alone is not the name
        name_key("Sam", "Ashby", born),  # archived
        name_key("Rowan Jay", "Ashby", date(2012, 3, 5)),
    ]
    found = exact_matches(keys)
    assert found[keys[0]] == {rowan.pk}
    assert found[keys[1]] == {rowan.pk}
    assert keys[2] not in found
    assert keys[3] not in found
    assert found[keys[4]] == {twin.pk}


def police_batch(user: Any, rows: list[dict[str, str]]) -> ImportBatch:
    from lantern.missing.imports.reading import sha256

    content = as_csv(rows).decode()
    return ImportBatch.objects.create(
        kind="police_missing",
        file_name="police.csv",
        sha256=sha256(content.encode()),
        size=len(content),
        content=content,
        total=len(rows),
        created_by=user,
        modified_by=user,
    )


def test_names_matched_ahead_of_their_chunk_decide_as_if_matched_with_it(
    make_user: Any, rowan: Person
) -> None:
    """The worker matches the next chunk's names while the chunk before is written, so a
    child that chunk creates may not be found yet: the file's own record of the children it
    created decides, and nobody is recorded twice."""
    from lantern.missing.imports.matching import name_key
    from lantern.missing.imports.pipeline import Context, prepare, process
    from lantern.missing.imports.reading import read_rows

    coordinator = make_user("missing_coordinator")
    eliza = {"given_names": "Eliza", "family_name": "Quarrington", "date_of_birth": "02/02/2012"}
    batch = police_batch(
        coordinator,
        [
            police_row(returned_at="03/10/2026 10:15", found_where="Bus station"),
            police_row(
                police_reference="FB-MP-26-000201",
                returned_at="03/10/2026 08:00",
                found_where="Bus station",
                **eliza,
            ),
            police_row(
                police_reference="FB-MP-26-000202",
                last_seen_at="09/10/2026 21:00",
                reported_at="09/10/2026 22:00",
                **eliza,
            ),
        ],
    )
    lines = list(read_rows(batch.kind, batch.content))
    context = Context.for_batch(batch, coordinator)

    first = prepare(batch.kind, lines[:2], look_up=True)
    second = prepare(batch.kind, lines[2:], look_up=True)  # before the first is written
    process(context, first)
    process(context, second)

    assert first.matches[name_key("Rowan", "Ashby", date(2011, 5, 4))] == {rowan.pk}
    assert name_key("Eliza", "Quarrington", date(2012, 2, 2)) in second.asked
    assert not second.matches
    assert [o.status for o in first.outcomes + second.outcomes] == ["created"] * 3
    child = Person.objects.get(family_name="Quarrington")
    assert Episode.objects.filter(child=child).count() == 2
    assert Episode.objects.filter(child=rowan).count() == 1


def _planned(batch: ImportBatch, coordinator: Any, *parts: slice) -> tuple[Any, list[Any]]:
    """The batch's chunks (`parts` of its lines) planned one after another, as the worker
    plans each while the one before is written: none of them is written yet."""
    from lantern.missing.imports.pipeline import Context, Memory, plan_police, prepare
    from lantern.missing.imports.reading import read_rows

    lines = list(read_rows(batch.kind, batch.content))
    context = Context.for_batch(batch, coordinator)
    memory = Memory()
    chunks = []
    for part in parts:
        ahead = prepare(batch.kind, lines[part], look_up=True)
        ahead.plan, memory = plan_police(context, ahead, memory)
        chunks.append(ahead)
    return context, chunks


def test_a_chunk_planned_ahead_is_written_as_planned_when_nothing_moved_on(
    make_user: Any, rowan: Person, kai: Person
) -> None:
    """The next chunk is checked against what the chunk being written will add: a line of
    the same child overlapping it is refused with the episode's reference, a line the chunk
    before holds already is unchanged, and a child it will record is recorded once, as if
    each chunk were planned after the one before was written."""
    from lantern.missing.imports.pipeline import write_chunk

    coordinator = make_user("missing_coordinator")
    first = police_row(returned_at="05/10/2026 12:00", found_where="Home")
    eliza = {"given_names": "Eliza", "family_name": "Quarrington", "date_of_birth": "02/02/2012"}
    batch = police_batch(
        coordinator,
        [
            first,
            police_row(
                police_reference="FB-MP-26-000102",
                given_names="Kai",
                family_name="Osei",
                date_of_birth="20/01/2010",
            ),
            police_row(
                police_reference="FB-MP-26-000201",
                returned_at="03/10/2026 08:00",
                found_where="Bus station",
                **eliza,
            ),
            police_row(
                police_reference="FB-MP-26-000109",
                last_seen_at="04/10/2026 08:00",
                reported_at="04/10/2026 09:00",
            ),
            first,
            police_row(
                police_reference="FB-MP-26-000202",
                last_seen_at="09/10/2026 21:00",
                reported_at="09/10/2026 22:00",
                **eliza,
            ),
        ],
    )
    context, (one, two) = _planned(batch, coordinator, slice(0, 3), slice(3, 6))
    assert one.plan.planned == {2, 3}
    assert set(one.plan.deferred) == {4}  # a child to record: the writer records them
    assert set(two.plan.deferred) == {7}

    written = write_chunk(context, one) + write_chunk(context, two)

    statuses = [o.status for o in written]
    assert statuses == ["created", "created", "created", "error", "unchanged", "created"]
    (child,) = Person.objects.filter(family_name="Quarrington")
    assert Episode.objects.filter(child=child).count() == 2
    episode = Episode.objects.get(child=rowan)
    assert written[3].problems == [
        (
            "last_seen_at",
            f"This overlaps episode {episode.reference} (missing from 2 October 2026 21:00 "
            "until 5 October 2026 12:00): a new episode must start after the previous return.",
        )
    ]
    assert written[4].episode_id == episode.pk


def test_a_childs_lines_planned_ahead_are_checked_again_if_their_record_moved_on(
    make_user: Any, rowan: Person
) -> None:
    """A report made on a page between a chunk's planning and its writing is seen: the
    child's lines are decided and checked again under their lock, and so is a line of the
    next chunk that counted on the first being written as planned."""
    from lantern.missing.imports.pipeline import write_chunk

    coordinator = make_user("missing_coordinator")
    line = police_row(returned_at="03/10/2026 10:15", found_where="Bus station")
    batch = police_batch(coordinator, [line, line])
    context, (one, two) = _planned(batch, coordinator, slice(0, 1), slice(1, 2))
    assert [o.status for o in two.outcomes] == ["unchanged"]  # counting on the first
    on_the_page = report(
        make_user("police_officer"), rowan, last_seen=at(2026, 10, 2, 18, 0), risk="low"
    )

    written = write_chunk(context, one) + write_chunk(context, two)

    assert [o.status for o in written] == ["error", "error"]
    message = (
        f"Rowan Ashby is still recorded as missing since 2 October 2026 18:00 "
        f"({on_the_page.reference}): record their return before reporting a new episode."
    )
    assert written[0].problems == [("last_seen_at", message)]
    assert written[1].problems == [("last_seen_at", message)]
    assert list(Episode.objects.filter(child=rowan)) == [on_the_page]


def test_an_update_and_a_new_episode_of_one_child_are_taken_in_the_files_order(
    client: Client, coordinator: Any, kai: Person
) -> None:
    """A return recorded on an episode imported before, then a new episode of the same child
    after it: the new one is checked against the episode as returned."""
    row = police_row(given_names="Kai", family_name="Osei", date_of_birth="20/01/2010")
    upload(client, as_csv([row]))
    upload(
        client,
        as_csv(
            [
                row | {"returned_at": "03/10/2026 08:00", "found_where": "A park"},
                row
                | {
                    "police_reference": "FB-MP-26-000140",
                    "last_seen_at": "09/10/2026 21:00",
                    "reported_at": "09/10/2026 22:00",
                },
            ]
        ),
    )

    batch = last_batch()
    assert (batch.updated, batch.created, batch.errors) == (1, 1, 0)
    assert Episode.objects.filter(child=kai).count() == 2


def test_chunks_are_handled_in_order_and_the_helper_connection_is_closed(
    make_user: Any,
) -> None:
    from django.db import connection

    from lantern.missing.imports.pipeline import Ahead, _prepared_ahead

    coordinator = make_user("missing_coordinator")
    batch = police_batch(
        coordinator,
        [police_row(police_reference=f"FB-MP-26-{n:06d}") for n in range(1, 6)],
    )
    seen: list[list[int]] = []

    def handle(ahead: Ahead) -> None:
        seen.append([o.checked.number for o in ahead.outcomes])

    _prepared_ahead(batch, 2, handle, look_up=True)

    assert seen == [[2, 3], [4, 5], [6]]
    # The helper's connection is closed; its server process takes a moment to go.
    others = -1
    for _ in range(100):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
            others = cursor.fetchone()[0]
        if others == 0:
            break
        time.sleep(0.05)
    assert others == 0


REFUSE_ONE_REFERENCE = """
CREATE FUNCTION lantern_test_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.police_reference = 'FB-MP-26-000102' THEN
        RAISE EXCEPTION 'refused in a test' USING ERRCODE = 'check_violation',
            CONSTRAINT = 'missing_episode_refused_in_test';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER lantern_test_refuse BEFORE INSERT ON missing_episode
    FOR EACH ROW EXECUTE FUNCTION lantern_test_refuse();
"""


def test_a_line_the_database_refuses_is_a_row_error_and_the_other_lines_are_kept(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    """A line every check passed but the database refuses (here a constraint the checks do
    not know, added for the test) costs that line, not its chunk nor the rest of the file."""
    from django.db import connection

    newcomer = police_row(
        police_reference="FB-MP-26-000103",
        given_names="Tamsin",
        family_name="Quarrington",
        date_of_birth="02/02/2012",
    )
    file = as_csv([*csv.DictReader(io.StringIO(good_file().decode())), newcomer])
    with connection.cursor() as cursor:
        cursor.execute(REFUSE_ONE_REFERENCE)
    upload(client, file)
    batch = last_batch()
    assert (batch.status, batch.created, batch.errors) == ("done", 2, 1)
    rows = {r.number: r for r in ImportRow.objects.filter(batch=batch)}
    assert rows[2].status == "created"
    assert Episode.objects.get(child=rowan).interview is not None  # written whole
    # The child nobody had recorded was created in the chunk that was undone, and once more
    # when their line was written again: one record, with their episode.
    (tamsin,) = Person.objects.filter(family_name="Quarrington")
    assert rows[4].person_id == tamsin.pk
    assert Episode.objects.filter(child=tamsin).count() == 1
    assert rows[3].status == "error"
    (problem,) = rows[3].problems
    assert problem["message"] == (
        "The database refused this line (missing_episode_refused_in_test), so it is not saved; "
        "the other lines are. Tell your administrator. Once they have put it right, import "
        "the file again: only this line will be added."
    )
    assert not Episode.objects.filter(child=kai).exists()
    # Put right, the same file again adds the refused line only.
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER lantern_test_refuse ON missing_episode")
    upload(client, file)
    again = last_batch()
    assert (again.status, again.created, again.unchanged, again.errors) == ("done", 1, 2, 0)
    assert Episode.objects.filter(child=kai).count() == 1


def test_a_database_error_that_is_not_a_lines_stops_the_batch_and_keeps_the_upload(
    client: Client, coordinator: Any, rowan: Person, kai: Person
) -> None:
    """Only a refusal of a line's data is put down to that line: any other error (here a
    trigger's plain exception, as a fault would raise) stops the batch, saying so."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            REFUSE_ONE_REFERENCE.replace(
                "USING ERRCODE = 'check_violation',\n            CONSTRAINT = "
                "'missing_episode_refused_in_test'",
                "",
            )
        )
    upload(client, good_file())
    batch = last_batch()
    assert batch.status == "failed"
    assert batch.failure.startswith("The import stopped: ProgrammingError.")
    assert batch.content  # the file is kept, to be imported again
    assert not Episode.objects.filter(child__in=[rowan, kai]).exists()
