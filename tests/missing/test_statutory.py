"""The SSDA903 Missing table (exact bytes, the DfE rules each with its twin, the links to fix)
and Ofsted's Annex A List 8; who may export them, and the audit trail each leaves."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.missing.models import Episode
from lantern.missing.services import interview_complete
from lantern.missing.statutory import (
    CollectionYear,
    MissingRow,
    annex_a_rows,
    collection_years,
    ssda903_rows,
    validate,
)
from lantern.people.models import Identifier, LegalStatus, Person
from lantern.people.services import legal_status_end
from tests.access.factories import person
from tests.conftest import sign_in
from tests.missing.factories import at, frozen, in_care, missing_type, outcome, report, returned

pytestmark = pytest.mark.django_db

YEAR = CollectionYear(2025)
HEADER = b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\n"


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("police_officer")


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    return make_user("missing_coordinator")


def la_id(child: Person, value: str) -> None:
    # Straight in, as an import might bring it: the service would refuse a formula.
    Identifier.objects.create(person=child, scheme="la_child_id", value=value)


def cared_for(officer: Any, given: str, family: str, dob: date, child_id: str) -> Person:
    child = person(given_names=given, family_name=family, date_of_birth=dob)
    in_care(child, officer)
    la_id(child, child_id)
    return child


def placement_episode(officer: Any, child: Person, *, last_seen: Any, kind: str = "M") -> Episode:
    return report(
        officer,
        child,
        last_seen=last_seen,
        missing_from="placement",
        ssda903_type=missing_type(kind),
    )


@pytest.fixture
def world(officer: Any) -> dict[str, Any]:
    rowan = cared_for(officer, "Rowan", "Ashby", date(2011, 5, 4), "LA0001")
    first = placement_episode(officer, rowan, last_seen=at(2025, 6, 10, 20, 0))
    returned(officer, first, at=at(2025, 6, 11, 9, 0))
    still_away = placement_episode(officer, rowan, last_seen=at(2026, 2, 1, 22, 0), kind="A")
    # A young person at home is not in the table.
    at_home = person(given_names="Sam", family_name="Carter", date_of_birth=date(2012, 1, 1))
    returned(officer, report(officer, at_home, last_seen=at(2025, 7, 1, 20, 0)), at=at(2025, 7, 2))
    brook = cared_for(officer, "Kit", "Brook", date(2010, 12, 31), "=SUM(1)")
    # Before the collection year, returned before it began: not in it.
    old = placement_episode(officer, brook, last_seen=at(2025, 3, 30, 20, 0))
    returned(officer, old, at=at(2025, 3, 31, 23, 0))
    away = placement_episode(officer, brook, last_seen=at(2025, 4, 1, 0, 30), kind="A")
    returned(officer, away, at=at(2025, 4, 1, 8, 0))
    return {"rowan": rowan, "brook": brook, "first": first, "open": still_away, "away": away}


def test_the_collection_year_runs_from_april_to_march() -> None:
    assert CollectionYear.containing(date(2026, 3, 31)) == CollectionYear(2025)
    assert CollectionYear.containing(date(2026, 4, 1)) == CollectionYear(2026)
    assert YEAR.label == "2025-26"
    assert [y.label for y in collection_years(date(2026, 11, 27), 2)] == ["2026-27", "2025-26"]


def test_the_file_has_exact_columns_dates_blank_open_end_and_escaped_formulas(
    world: dict[str, Any], coordinator: Any, client: Client
) -> None:
    sign_in(client, coordinator)
    response = client.get("/missing/statutory/ssda903/?year=2025&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == ('attachment; filename="ssda903-missing-2025-26.csv"')
    assert response.content == (
        HEADER + b"LA0001,04/05/2011,M,10/06/2025,11/06/2025\r\n"
        b"LA0001,04/05/2011,A,01/02/2026,\r\n"
        b"'=SUM(1),31/12/2010,A,01/04/2025,01/04/2025\r\n"
    )
    event = AuditEvent.objects.get(action="missing.ssda903_exported")
    assert event.actor == coordinator
    assert event.detail["year"] == "2025-26"
    assert event.detail["rows"] == 3
    assert sorted(event.detail["children"]) == sorted(
        [str(world["rowan"].pk), str(world["brook"].pk)]
    )


def test_the_page_offers_the_download_when_every_row_passes(
    world: dict[str, Any], coordinator: Any, client: Client
) -> None:
    sign_in(client, coordinator)
    response = client.get("/missing/statutory/ssda903/?year=2025")
    page = response.content.decode()
    assert "3 episodes for 2 young people." in page
    assert "Every row passes the DfE's validation rules" in page
    assert "Download the Missing table (CSV)" in page
    assert AuditEvent.objects.get(action="missing.ssda903_viewed").detail == {
        "year": "2025-26",
        "rows": 3,
        "children_with_errors": [],
    }


def test_the_scope_is_the_users(world: dict[str, Any], make_user: Any) -> None:
    # A MASH manager may export; a coordinator's scope covers every episode. A user whose
    # scope shows no episodes gets an empty table, not somebody else's children.
    assert len(ssda903_rows(make_user("mash_manager"), YEAR)) == 3
    assert ssda903_rows(make_user("partnership_coordinator"), YEAR) == []


def test_only_the_missing_leads_may_export(
    world: dict[str, Any], make_user: Any, client: Client
) -> None:
    sign_in(client, make_user("police_officer"))
    assert client.get("/missing/statutory/ssda903/?format=csv").status_code == 403
    assert client.get("/missing/statutory/annex-a/?format=csv").status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="missing.ssda903").exists()


# --- The DfE rules, each with the twin that passes ------------------------------------------


def row(
    start: date,
    end: date | None = None,
    *,
    child: uuid.UUID | None = None,
    missing: str = "M",
    dob: date | None = date(2011, 5, 4),
    care_ended: date | None = None,
    child_id: str = "LA0001",
) -> MissingRow:
    return MissingRow(
        episode_id=uuid.uuid4(),
        reference="MIS-2025-000001",
        child_pk=child or CHILD,
        name="Rowan Ashby",
        child=child_id,
        dob=dob,
        missing=missing,
        start=start,
        end=end,
        care_ended=care_ended,
    )


CHILD = uuid.uuid4()


def rules(rows: list[MissingRow]) -> list[str]:
    return [p.rule for child in validate(rows) for p in child.problems]


def test_567_an_end_before_the_start() -> None:
    assert rules([row(date(2025, 6, 10), date(2025, 6, 9))]) == ["567"]
    assert rules([row(date(2025, 6, 10), date(2025, 6, 10))]) == []


def test_574_a_new_episode_while_one_is_open_or_overlapping() -> None:
    assert rules([row(date(2025, 6, 1)), row(date(2025, 6, 10), date(2025, 6, 11))]) == ["574"]
    assert rules(
        [row(date(2025, 6, 1), date(2025, 6, 12)), row(date(2025, 6, 10), date(2025, 6, 11))]
    ) == ["574"]
    # Back on the 10th and gone again the same day: not an overlap.
    assert (
        rules([row(date(2025, 6, 1), date(2025, 6, 10)), row(date(2025, 6, 10), date(2025, 6, 11))])
        == []
    )
    # Two children's episodes never clash.
    assert rules([row(date(2025, 6, 1)), row(date(2025, 6, 10), child=uuid.uuid4())]) == []


def test_575_still_open_after_the_looked_after_period_ended() -> None:
    assert rules([row(date(2025, 6, 1), care_ended=date(2025, 8, 1))]) == ["575"]
    assert rules([row(date(2025, 6, 1), date(2025, 6, 2), care_ended=date(2025, 8, 1))]) == []
    assert rules([row(date(2025, 6, 1))]) == []


def test_586_a_start_before_the_date_of_birth() -> None:
    assert rules([row(date(2011, 5, 3), date(2011, 5, 4))]) == ["586"]
    assert rules([row(date(2011, 5, 4), date(2011, 5, 4))]) == []


def test_1006_a_type_other_than_m_or_a_including_blank() -> None:
    assert rules([row(date(2025, 6, 1), date(2025, 6, 2), missing="")]) == ["1006"]
    assert rules([row(date(2025, 6, 1), date(2025, 6, 2), missing="X")]) == ["1006"]
    assert rules([row(date(2025, 6, 1), date(2025, 6, 2), missing="A")]) == []


def test_a_child_without_a_local_authority_id_is_named() -> None:
    assert rules([row(date(2025, 6, 1), date(2025, 6, 2), child_id="")]) == ["CHILD"]


def test_errors_are_shown_per_child_with_links_and_the_file_is_withheld(
    world: dict[str, Any], officer: Any, coordinator: Any, client: Client
) -> None:
    rowan, brook = world["rowan"], world["brook"]
    # Rowan's care ends while she is still away (575).
    with frozen(at(2026, 3, 1, 12, 0)):
        legal_status_end(
            request=None,
            actor=officer,
            status=LegalStatus.objects.get(person=rowan),
            valid_to=date(2026, 2, 28),
            reason="Returned home",
        )
    # Kit's date of birth is corrected to after the episode (586) and the type was lost (1006).
    Person.objects.filter(pk=brook.pk).update(
        date_of_birth=date(2025, 5, 1), born_earliest=date(2025, 5, 1), born_latest=date(2025, 5, 1)
    )
    Episode.objects.filter(pk=world["away"].pk).update(ssda903_type=None)
    problems = validate(ssda903_rows(coordinator, YEAR))
    assert [(c.name, [p.rule for p in c.problems]) for c in problems] == [
        ("Rowan Ashby", ["575"]),
        ("Kit Brook", ["586", "1006"]),
    ]

    sign_in(client, coordinator)
    response = client.get("/missing/statutory/ssda903/?year=2025&format=csv")
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "The file was not downloaded: 2 young people have records" in page
    assert "Rule 575</strong> The young person&#x27;s looked-after period has ended" in page
    assert "Rule 586</strong> The episode starts before the young person&#x27;s date" in page
    assert "Rule 1006</strong> The missing type must be M (missing) or A" in page
    assert f'href="/missing/episodes/{world["open"].pk}/"' in page
    assert f'href="/missing/episodes/{world["away"].pk}/"' in page
    assert "Download the Missing table" not in page
    assert not AuditEvent.objects.filter(action="missing.ssda903_exported").exists()
    event = AuditEvent.objects.get(action="missing.ssda903_viewed")
    assert sorted(event.detail["children_with_errors"]) == sorted([str(rowan.pk), str(brook.pk)])


# --- Annex A List 8 -------------------------------------------------------------------------


def test_annex_a_counts_missing_and_absent_and_the_last_interview(
    world: dict[str, Any], officer: Any, coordinator: Any, make_user: Any
) -> None:
    worker = make_user("return_interview_worker")
    # Kit: away in April (above), then missing in May, interviewed; the last one counts.
    may = placement_episode(officer, world["brook"], last_seen=at(2025, 5, 3, 19, 0))
    returned(officer, may, at=at(2025, 5, 4, 7, 0))
    with frozen(at(2025, 5, 5, 12, 0)):
        interview_complete(
            request=None, actor=worker, episode=may, outcome=outcome("offered_accepted")
        )
    # Lee: in care, missing once, offered and declined.
    lee = cared_for(officer, "Lee", "Dunn", date(2009, 9, 9), "LA0003")
    gone = placement_episode(officer, lee, last_seen=at(2025, 9, 1, 21, 0))
    returned(officer, gone, at=at(2025, 9, 2, 6, 0))
    with frozen(at(2025, 9, 2, 12, 0)):
        interview_complete(
            request=None,
            actor=worker,
            episode=gone,
            outcome=outcome("offered_declined"),
            carer_information="Foster carer: he was at a friend's.",
        )
    # Mo: in care, never missing.
    cared_for(officer, "Mo", "Evans", date(2012, 2, 2), "LA0004")
    rows = annex_a_rows(make_user("mash_manager"), date(2026, 3, 31))
    assert [r.cells() for r in rows] == [
        ["LA0001", "Not known", "", "04/05/2011", 1, 1, "N", "N"],
        ["=SUM(1)", "Not known", "", "31/12/2010", 1, 1, "Y", "Y"],
        ["LA0003", "Not known", "", "09/09/2009", 1, 0, "Y", "N"],
        ["LA0004", "Not known", "", "02/02/2012", 0, 0, "", ""],
    ]
    # The coordinator sees every episode, but not the record of a young person in care they
    # have no part in and who has never been missing.
    assert [r.child for r in annex_a_rows(coordinator, date(2026, 3, 31))] == [
        "LA0001",
        "=SUM(1)",
        "LA0003",
    ]


def test_annex_a_page_and_file_are_audited(
    world: dict[str, Any], coordinator: Any, client: Client
) -> None:
    sign_in(client, coordinator)
    page = client.get("/missing/statutory/annex-a/?until=2026-03-31").content.decode()
    assert "2 young people in care" in page
    assert "Rowan Ashby" in page
    response = client.get("/missing/statutory/annex-a/?until=2026-03-31&format=csv")
    lines = response.content.decode().split("\r\n")
    assert lines[0].startswith("Child Unique ID,Gender,Ethnicity,Date of Birth,")
    assert lines[1] == "LA0001,Not known,,04/05/2011,1,1,N,N"
    assert lines[2] == "'=SUM(1),Not known,,31/12/2010,0,1,N,N"
    actions = list(
        AuditEvent.objects.filter(action__startswith="missing.annex_a")
        .order_by("seq")
        .values_list("action", "detail__rows")
    )
    assert actions == [("missing.annex_a_viewed", 2), ("missing.annex_a_exported", 2)]
