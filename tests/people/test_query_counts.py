"""The people pages read in a fixed number of queries, however many rows they show."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from lantern.people.models import Enrolment, LegalStatus, Relationship, School
from tests.access.factories import involve, person

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def _children(worker: Any, school: School, count: int, family: str) -> list[Any]:
    made = []
    for n in range(count):
        child = person(
            given_names="Tia", family_name=f"{family}{n}", date_of_birth=date(2011, 6, 1)
        )
        involve(child, user=worker)
        Enrolment.objects.create(person=child, school=school, valid_from=date(2022, 9, 1))
        LegalStatus.objects.create(person=child, kind="child_in_need", valid_from=date(2024, 1, 1))
        made.append(child)
    return made


def test_search_results_cost_the_same_for_two_rows_or_twenty(
    client: Client, signed_in: Any
) -> None:
    worker = signed_in("social_worker")
    school = School.objects.create(urn="100001", name="Castlegate Academy", phase="secondary")
    _children(worker, school, 2, "Few")
    _children(worker, school, 20, "Many")
    assert _queries(client, "/people/?q=Few") == _queries(client, "/people/?q=Many")


def test_the_family_view_costs_the_same_for_one_relative_or_six(
    client: Client, signed_in: Any
) -> None:
    worker = signed_in("social_worker")
    school = School.objects.create(urn="100001", name="Castlegate Academy", phase="secondary")
    small = _children(worker, school, 2, "Small")
    large = _children(worker, school, 7, "Large")
    for family in (small, large):
        for relative in family[1:]:
            Relationship.objects.create(
                person=family[0],
                other=relative,
                kind="sibling",
                source="x",
                valid_from=date(2024, 1, 1),
            )
    assert _queries(client, f"/people/{small[0].pk}/family/") == _queries(
        client, f"/people/{large[0].pk}/family/"
    )
