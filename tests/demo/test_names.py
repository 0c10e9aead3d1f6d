"""The demo's names: the city's communities in proportion, nicknames, believable typing errors."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from lantern.core.models import Code
from lantern.demo import names


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 - reproducible test data


def test_people_come_from_the_city_s_communities_in_proportion() -> None:
    rng = seeded(1)
    draws = [names.pick_person(rng, born=2012) for _ in range(20_000)]
    codes = Counter(code for _, _, _, code in draws)
    assert 0.58 <= codes["WBRI"] / len(draws) <= 0.64
    assert 0.06 <= codes["APKN"] / len(draws) <= 0.10
    assert {group.code for group in names.GROUPS} == set(codes)
    sexes = Counter(sex for _, _, sex, _ in draws)
    assert abs(sexes["female"] - sexes["male"]) < 0.05 * len(draws)
    families = Counter(family for _, family, _, _ in draws)
    # Smith is the commonest family name, about one person in seventy-five, not one in ten.
    assert families.most_common(1)[0][0] == "Smith"
    assert 0.008 <= families["Smith"] / len(draws) <= 0.02
    assert len(families) > 1000


def test_names_follow_the_era_a_person_was_born_in() -> None:
    rng = seeded(2)

    def first_names(born: int) -> Counter[str]:
        return Counter(
            names.pick_given(rng, sex="female", ethnicity="WBRI", born=born).split()[0]
            for _ in range(2000)
        )

    young, older = first_names(2015), first_names(1960)
    assert young["Olivia"] > 50
    assert older["Olivia"] == 0
    assert older["Susan"] > 50


def test_women_s_family_names_take_their_form() -> None:
    rng = seeded(3)
    women = [names.pick_family(rng, ethnicity="WOTH", sex="female") for _ in range(3000)]
    men = [names.pick_family(rng, ethnicity="WOTH", sex="male") for _ in range(3000)]
    assert "Kowalska" in women
    assert "Kowalski" not in women
    assert "Kowalski" in men
    assert any(names.pick_family(rng, ethnicity="AIND", sex="female") == "Kaur" for _ in range(200))


@pytest.mark.django_db
def test_every_community_has_a_dfe_ethnicity_code() -> None:
    codes = set(Code.objects.in_list("ethnicity").values_list("code", flat=True))
    assert {group.code for group in names.GROUPS} <= codes


def test_nicknames_are_the_names_people_go_by() -> None:
    rng = seeded(4)
    assert {names.nickname(rng, "William") for _ in range(200)} == {"Bill", "Will", "Billy", "Liam"}
    assert names.nickname(rng, "Mohammed James") in {"Muhammad", "Mohamed", "Mohammad", "Mo"}
    assert names.nickname(rng, "Aleksandra") in {"Ola", "Ala", "Alex"}
    assert names.nickname(rng, "Zebedee") is None


def test_misspelling_makes_one_believable_mistake() -> None:
    rng = seeded(5)
    for name in ["Katherine", "Phoebe", "Mohammed", "O'Sullivan", "Li", "Smith", "Jackson"]:
        for _ in range(50):
            typo = names.misspell(rng, name)
            assert typo.lower() != name.lower()
            assert abs(len(typo) - len(name)) <= 1
    assert {names.misspell(rng, "Phoebe") for _ in range(300)} >= {"Foebe", "Pheobe", "Phobe"}


def test_the_same_seed_gives_the_same_names() -> None:
    first = [names.pick_person(seeded(9)) for _ in range(5)]
    assert [names.pick_person(seeded(9)) for _ in range(5)] == first
