"""The benchmark sizes' population: written fast, shaped like a city's records, searchable."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from typing import Any

import pytest
from faker import Faker

from lantern.demo.generator import Context, Size
from lantern.demo.population import DEMO_TODAY, bulk_population
from lantern.people.models import Person, PersonName
from lantern.people.selectors import people_search

pytestmark = pytest.mark.django_db


def populate(people: int, seed: int = 11) -> Context:
    ctx = Context(
        seed=seed,
        size=Size("test", people=people),
        password="unused",
        rng=random.Random(seed),  # noqa: S311 - reproducible test data
        fake=Faker("en_GB"),
    )
    bulk_population(ctx)
    return ctx


def test_everyone_has_their_legal_name_and_some_go_by_others() -> None:
    ctx = populate(3000)
    assert ctx.people == Person.objects.count() == 3000
    legal = PersonName.objects.filter(kind="legal")
    assert legal.count() == 3000
    sample = Person.objects.order_by("pk").first()
    assert sample is not None
    expected = f"{sample.given_names} {sample.family_name}".lower()
    assert legal.get(person=sample).search_name == expected
    kinds = Counter(PersonName.objects.exclude(kind="legal").values_list("kind", flat=True))
    also_known = PersonName.objects.filter(kind__in=["preferred", "nickname", "alias"])
    share = also_known.values("person").distinct().count() / 3000
    assert 0.11 <= share <= 0.19, share
    assert kinds["previous"] > 100  # women's names before marriage, some children's
    preferred = Person.objects.exclude(preferred_name="").first()
    assert preferred is not None
    assert PersonName.objects.filter(person=preferred, kind="preferred").get().given_names == (
        preferred.preferred_name
    )
    assert not PersonName.objects.filter(family_sound__isnull=True, family_name__gt="").exists()


def test_ages_span_children_and_adults_with_some_births_approximate() -> None:
    populate(3000)
    kinds = Counter(Person.objects.values_list("kind", flat=True))
    assert 0.5 <= kinds["child"] / 3000 <= 0.6
    precision = Counter(Person.objects.values_list("birth_precision", flat=True))
    assert 0.85 <= precision["exact"] / 3000 <= 0.96
    assert precision["year"] > 0
    assert precision["estimated"] > 0
    assert precision["not_known"] > 0
    born = [d for d in Person.objects.values_list("born_latest", flat=True) if d]
    assert max(born) <= DEMO_TODAY
    assert min(born) < date(1950, 1, 1)
    assert Person.objects.filter(ethnicity__code="APKN").exists()
    assert Person.objects.filter(ethnicity__code="NOBT").exists()


def test_the_load_writes_no_row_history_but_later_changes_do() -> None:
    populate(200)
    assert not Person.pgh_event_model.objects.exists()
    assert not PersonName.pgh_event_model.objects.exists()
    Person.objects.create(given_names="Rowan", family_name="Ellery")
    assert Person.pgh_event_model.objects.count() == 1


def test_the_same_seed_gives_the_same_people() -> None:
    populate(100, seed=5)
    first = list(Person.objects.order_by("pk").values_list("pk", "given_names", "date_of_birth"))
    PersonName.objects.all().delete()
    Person.objects.all().delete()
    populate(100, seed=5)
    again = list(Person.objects.order_by("pk").values_list("pk", "given_names", "date_of_birth"))
    assert again == first


def test_a_mash_worker_finds_them(make_user: Any) -> None:
    populate(500)
    worker = make_user("mash_triage_worker")
    someone = Person.objects.filter(birth_precision="exact").order_by("pk").first()
    assert someone is not None
    query = f"{someone.given_names} {someone.family_name} {someone.date_of_birth:%d/%m/%Y}"
    assert list(people_search(worker, query)[0][:1]) == [someone]
