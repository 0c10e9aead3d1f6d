"""Legal status, addresses and schools: dated, with history, and refused when impossible."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.chronology.models import ChronologyEntry
from lantern.core.models import Code
from lantern.people.models import School
from lantern.people.selectors import people_search
from lantern.people.services import address_add, enrolment_add, legal_status_start
from tests.access.factories import involve, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make_user: Any) -> Any:
    return make_user("social_worker")


@pytest.fixture
def child(worker: Any) -> Any:
    record = person(given_names="Tia", family_name="Marsh", date_of_birth=date(2011, 6, 1))
    involve(record, user=worker)
    return record


def test_looked_after_records_legal_status_placing_authority_and_out_of_area(
    worker: Any, child: Any
) -> None:
    c2 = Code.objects.in_list("lac_legal_status").get(code="C2")
    status = legal_status_start(
        request=None,
        actor=worker,
        person=child,
        kind="looked_after",
        code=c2,
        valid_from=date(2025, 4, 1),
        placing_authority="Another council",
        placed_out_of_area=True,
    )
    assert str(status) == "Looked after (Full care order)"
    entry = ChronologyEntry.objects.get(person=child, link_id=status.pk)
    assert entry.significance == "significant"
    assert "placed out of area by Another council" in entry.summary


@pytest.mark.parametrize(
    "case",
    [
        ("child_protection", None, None, "Choose the category of abuse."),
        ("child_protection", "lac_legal_status", "C2", "Choose the category of abuse."),
        ("looked_after", None, None, "Choose the legal status."),
    ],
)
def test_a_plan_needs_its_category_and_care_its_legal_status(
    worker: Any, child: Any, case: tuple[str, str | None, str | None, str]
) -> None:
    kind, code_list, code, message = case
    chosen = Code.objects.in_list(code_list).get(code=code) if code_list else None
    with pytest.raises(ValidationError) as refused:
        legal_status_start(
            request=None,
            actor=worker,
            person=child,
            kind=kind,
            code=chosen,
            valid_from=date(2025, 4, 1),
            placing_authority="Fenbridge",
        )
    assert refused.value.message_dict["code"] == [message]


def test_the_same_status_cannot_run_twice(worker: Any, child: Any) -> None:
    legal_status_start(
        request=None, actor=worker, person=child, kind="child_in_need", valid_from=date(2025, 1, 1)
    )
    with pytest.raises(ValidationError) as refused:
        legal_status_start(
            request=None,
            actor=worker,
            person=child,
            kind="child_in_need",
            valid_from=date(2025, 6, 1),
        )
    assert "already has this status" in refused.value.message_dict["valid_from"][0]


def test_a_status_before_birth_is_refused(worker: Any, child: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        legal_status_start(
            request=None,
            actor=worker,
            person=child,
            kind="early_help",
            valid_from=date(2010, 1, 1),
        )
    assert refused.value.message_dict["valid_from"] == ["This is before Tia Marsh was born."]


def test_a_new_address_ends_the_last_and_keeps_the_history(worker: Any, child: Any) -> None:
    first = address_add(
        request=None,
        actor=worker,
        person=child,
        kind="home",
        line1="4 Alder Lane",
        postcode="fb4 2qx",
        valid_from=date(2020, 1, 1),
    )
    assert first.postcode == "FB4 2QX"
    address_add(
        request=None,
        actor=worker,
        person=child,
        kind="placement",
        line1="The Willows",
        postcode="FB7 1AB",
        valid_from=date(2025, 3, 1),
        latitude=Decimal("52.100000"),
        longitude=Decimal("-0.400000"),
        placement_provider="Willows Children's Home",
    )
    first.refresh_from_db()
    assert first.valid_to == date(2025, 2, 28)
    assert child.addresses.count() == 2
    found, _ = people_search(worker, "FB7")
    assert list(found) == [child]
    found, _ = people_search(worker, "FB4")
    assert list(found) == []


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"postcode": "not a postcode"}, "postcode", "Enter a real postcode, like FB4 2QX."),
        ({"latitude": Decimal("52.1")}, "latitude", "Enter both latitude and longitude"),
        ({"valid_from": date(2009, 1, 1)}, "valid_from", "before Tia Marsh was born"),
    ],
)
def test_bad_addresses_are_refused_with_a_clear_message(
    worker: Any, child: Any, fields: dict[str, Any], field: str, message: str
) -> None:
    values = {"kind": "home", "line1": "1 Elm Grove", "postcode": "FB1 1AA"}
    values["valid_from"] = date(2024, 1, 1)
    with pytest.raises(ValidationError) as refused:
        address_add(request=None, actor=worker, person=child, **{**values, **fields})
    assert message in refused.value.message_dict[field][0]


def test_school_search_and_enrolment_history(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    school = School.objects.create(urn="140001", name="Castlegate Academy", phase="secondary")
    child = person(given_names="Tia", family_name="Marsh", date_of_birth=date(2011, 6, 1))
    other = person(given_names="Tia", family_name="Marsh", date_of_birth=date(2011, 6, 2))
    involve(child, user=worker)
    involve(other, user=worker)
    enrolment_add(
        request=None, actor=worker, person=child, school=school, valid_from=date(2022, 9, 1)
    )
    page = client.get(f"/people/?q=Tia+Marsh&school={school.pk}")
    assert f"/people/{child.pk}/" in page.text
    assert f"/people/{other.pk}/" not in page.text
    assert "Castlegate Academy" in page.text  # enough to tell two children apart
    with pytest.raises(ValidationError):
        enrolment_add(
            request=None, actor=worker, person=child, school=school, valid_from=date(2023, 9, 1)
        )


def test_the_status_page_keeps_answers_and_says_what_is_missing(
    client: Client, signed_in: Any
) -> None:
    worker = signed_in("social_worker")
    record = person(date_of_birth=date(2011, 6, 1))
    involve(record, user=worker)
    response = client.post(
        f"/people/{record.pk}/statuses/new/",
        {"kind": "looked_after", "valid_from": "2025-04-01", "placing_authority": "Fenbridge"},
    )
    assert response.status_code == 400
    assert "Choose the legal status." in response.text
    assert 'value="Fenbridge"' in response.text
