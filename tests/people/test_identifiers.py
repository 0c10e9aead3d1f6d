"""Identifiers are validated for their scheme; the same one on two people is flagged."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.people.models import Identifier
from tests.access.factories import involve, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def my_child(signed_in: Any) -> Any:
    user = signed_in("social_worker")
    child = person()
    involve(child, user=user)
    return child


def add(client: Client, child: Any, scheme: str, value: str) -> Any:
    return client.post(f"/people/{child.pk}/identifiers/new/", {"scheme": scheme, "value": value})


def test_a_valid_nhs_number_is_stored_compact_and_shown_spaced(
    client: Client, my_child: Any
) -> None:
    response = add(client, my_child, "nhs_number", "943 476 5919")
    assert response.status_code == 302
    assert Identifier.objects.get().value == "9434765919"
    assert "943 476 5919" in client.get(f"/people/{my_child.pk}/").text


@pytest.mark.parametrize(
    ("scheme", "value", "message"),
    [
        ("nhs_number", "943 476 5918", "Enter a valid NHS number"),  # wrong check digit
        ("nhs_number", "12345", "Enter a valid NHS number"),
        ("upn", "A801200005001", "Enter a valid unique pupil number"),  # wrong check letter
        ("la_child_id", "x", "Use 3 to 40 letters"),
    ],
)
def test_invalid_identifiers_are_explained_and_not_saved(
    client: Client, my_child: Any, scheme: str, value: str, message: str
) -> None:
    response = add(client, my_child, scheme, value)
    assert response.status_code == 400
    assert message in response.text
    assert not Identifier.objects.exists()


def test_a_valid_upn_is_accepted(client: Client, my_child: Any) -> None:
    assert add(client, my_child, "upn", "B801200005001").status_code == 302


def test_the_same_number_on_two_people_is_flagged_not_merged(
    client: Client, signed_in: Any
) -> None:
    user = signed_in("social_worker")
    first, second = person(given_names="Sam"), person(given_names="Samuel")
    involve(first, user=user)
    involve(second, user=user)
    add(client, first, "nhs_number", "9434765919")
    response = add(client, second, "nhs_number", "9434765919")
    assert response.status_code == 302
    assert set(Identifier.objects.values_list("possible_duplicate", flat=True)) == {True}
    assert Identifier.objects.count() == 2
    page = client.get(f"/people/{second.pk}/", follow=True)
    assert "Possible duplicate" in page.text


def test_the_same_number_twice_on_one_person_is_refused(client: Client, my_child: Any) -> None:
    add(client, my_child, "nhs_number", "9434765919")
    response = add(client, my_child, "nhs_number", "943 476 5919")
    assert response.status_code == 400
    assert "already has this identifier" in response.text
