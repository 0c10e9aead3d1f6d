"""Finding a child by name despite misspelling, within the searcher's scope only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.people.selectors import people_search as search_with_terms
from tests.access.factories import involve, person

pytestmark = pytest.mark.django_db


def people_search(user: Any, query: str, **kwargs: Any) -> Any:
    return search_with_terms(user, query, **kwargs)[0]


@pytest.fixture
def caseload(make_user: Any) -> tuple[Any, dict[str, Any]]:
    worker = make_user("social_worker")
    people = {
        "johnson": person(given_names="Tyler", family_name="Johnson"),
        "smith": person(given_names="Kayleigh", family_name="Smith"),
        "mohammed": person(given_names="Aisha", family_name="Mohammed"),
        "jones": person(given_names="Tyler", family_name="Jones"),
    }
    for child in people.values():
        involve(child, user=worker)
    return worker, people


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Jonson", "johnson"),  # a letter missing
        ("Smyth", "smith"),  # sounds the same
        ("Mohamed", "mohammed"),  # a common variant spelling
        ("Kaylee Smith", "smith"),  # given name spelt differently
        ("johnson", "johnson"),
    ],
)
def test_misspelt_names_find_the_child_first(caseload: Any, query: str, expected: str) -> None:
    worker, people = caseload
    results = list(people_search(worker, query))
    assert results, query
    assert results[0] == people[expected]


def test_exact_match_ranks_above_a_near_one(caseload: Any) -> None:
    worker, people = caseload
    results = list(people_search(worker, "Tyler Jones"))
    assert results[0] == people["jones"]


def test_search_never_reaches_outside_the_scope(caseload: Any, make_user: Any) -> None:
    worker, _ = caseload
    stranger = make_user("social_worker")
    assert len(people_search(worker, "Johnson")) == 1
    assert list(people_search(stranger, "Johnson")) == []


def test_search_page_shows_ranked_results(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person(given_names="Tyler", family_name="Johnson")
    involve(child, user=worker)
    page = client.get("/people/?q=Jonson")
    assert f"/people/{child.pk}/" in page.text
