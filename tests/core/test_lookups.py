"""`field__any`: one array parameter in place of `__in`'s placeholder per value, with the
same answers (keys, foreign keys, text with quotes, dates, nothing at all)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lantern.people.models import Address, Person
from tests.access.factories import person

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[Person]:
    found = [
        person(given_names="Ash", family_name="O'Neill", date_of_birth=date(2012, 2, 29)),
        person(given_names="Bo", family_name="Brook", date_of_birth=date(2013, 5, 1)),
        person(given_names="Cy", family_name="Carter"),
    ]
    for index, someone in enumerate(found[:2]):
        Address.objects.create(
            person=someone,
            line1=f"{index} Mill Road",
            postcode="FB4 2QX",
            valid_from=date(2020, 1, 1),
        )
    return found


def test_any_gives_what_in_gives(people: list[Person]) -> None:
    ash, bo, cy = people
    wanted = [ash.pk, cy.pk, uuid.uuid4()]
    assert set(Person.objects.filter(pk__any=wanted)) == set(Person.objects.filter(pk__in=wanted))
    assert set(Person.objects.filter(pk__any=wanted)) == {ash, cy}
    # A foreign key, by the relation or its column, from a set.
    assert Address.objects.filter(person__any={ash.pk, cy.pk}).get().person == ash
    assert Address.objects.filter(person_id__any=[bo.pk]).get().person == bo
    # Text with a quote, and dates.
    assert list(Person.objects.filter(family_name__any=["O'Neill", "Nobody"])) == [ash]
    assert set(Person.objects.filter(date_of_birth__any=[date(2013, 5, 1), date(2012, 2, 29)])) == {
        ash,
        bo,
    }
    # A value longer than the column is not cut down to fit (and so never matches).
    longest = person(given_names="Di", family_name="L" * 200)
    assert not Person.objects.filter(family_name__any=["L" * 201]).exists()
    assert list(Person.objects.filter(family_name__any=["L" * 200])) == [longest]
    # Nothing asked for, nothing found.
    assert not Person.objects.filter(pk__any=[]).exists()


def test_any_sends_one_parameter_however_many_values(people: list[Person]) -> None:
    many = [uuid.uuid4() for _ in range(5000)]
    with CaptureQueriesContext(connection) as queries:
        assert Person.objects.filter(pk__any=[*many, people[0].pk]).count() == 1
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "= ANY(" in sql
    assert " IN (" not in sql
