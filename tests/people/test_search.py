"""Finding a child by name despite misspelling, within the searcher's scope only."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.people.search import parse_query
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


# What the box understands.


def test_a_query_is_read_as_names_dates_ages_postcodes_and_identifiers() -> None:
    terms = parse_query("Smith, Kayleigh 04/03/2011 age 14-16 FB4 2QX 943 476 5919")
    assert terms.names == ["smith", "kayleigh"]
    assert terms.typed_date == date(2011, 3, 4)
    assert terms.dates == [date(2011, 3, 4), date(2011, 4, 3)]  # and the day-month swap
    assert (terms.age_from, terms.age_to) == (14, 16)
    assert terms.postcode == "FB4 2QX"
    assert terms.identifiers == ["9434765919"]
    assert parse_query("Tyler 25/12/11").dates == [date(2011, 12, 25)]  # no 25th month
    assert parse_query("03/2011 FB4").month == 3
    assert parse_query("03/2011 FB4").postcode == "FB4"
    assert parse_query("Tyler ??").ignored == ["??"]


# Finding the person meant.


@pytest.fixture
def worker(make_user: Any) -> Any:
    return make_user("mash_triage_worker")  # sees every person in the partnership


def named(given: str, family: str, born: date | None = None, **kwargs: Any) -> Any:
    return person(given_names=given, family_name=family, date_of_birth=born, **kwargs)


def test_the_date_of_birth_as_given_decides_between_people_of_the_same_name(worker: Any) -> None:
    older = named("Kayleigh", "Smith", date(2009, 3, 4))
    meant = named("Kayleigh", "Smith", date(2011, 3, 4))
    swapped = named("Kayleigh", "Smith", date(2011, 4, 3))
    assert list(people_search(worker, "Kaylee Smith 04/03/2011")[:3]) == [meant, swapped, older]
    # The date the other way round still finds them, just below the date as typed.
    assert list(people_search(worker, "Kaylee Smith 03/04/2011")[:2]) == [swapped, meant]


def test_a_misspelt_name_with_the_right_date_comes_first(worker: Any) -> None:
    meant = named("Mohammed", "Hussain", date(2012, 5, 17))
    named("Mohammed", "Hussain", date(2010, 1, 2))
    named("Hamza", "Hussain", date(2012, 5, 17))
    results = list(people_search(worker, "Muhamad Husain 17/05/2012"))
    assert results[0] == meant
    assert len(results) == 3


def test_names_typed_family_name_first(worker: Any) -> None:
    meant = named("Aleksandra", "Kowalska")
    named("Alexander", "Kowalski")
    assert people_search(worker, "Kowalksa, Aleksandra")[0] == meant


def test_every_name_they_are_known_by_is_searched(worker: Any) -> None:
    from lantern.people.models import PersonName

    katherine = named("Katherine", "Lloyd", date(2010, 6, 1))
    PersonName.objects.create(person=katherine, kind="preferred", given_names="Kate")
    shanice = named("Shanice", "Campbell")
    PersonName.objects.create(
        person=shanice, kind="previous", given_names="Shanice", family_name="Reid"
    )
    tyrone = named("Tyrone", "Forbes")
    PersonName.objects.create(person=tyrone, kind="nickname", given_names="Ty", family_name="F")
    assert people_search(worker, "Kate Loyd")[0] == katherine  # preferred name
    assert people_search(worker, "Shanice Reed")[0] == shanice  # name before
    assert people_search(worker, "Ty F")[0] == tyrone  # street name


def test_an_approximate_date_of_birth_ranks_below_an_exact_one(worker: Any) -> None:
    exact = named("Abdi", "Warsame", date(2010, 8, 1))
    known_by_year = named(
        "Abdi",
        "Warsame",
        birth_precision="year",
        born_earliest=date(2010, 1, 1),
        born_latest=date(2010, 12, 31),
    )
    named("Abdi", "Warsame", date(1990, 8, 1))
    results = list(people_search(worker, "Abdi Warsami 01/08/2010"))
    assert results[:2] == [exact, known_by_year]


# The filters beside the names.


def test_year_and_age_filter(worker: Any) -> None:
    today = timezone.localdate()
    fourteen = named("Tyler", "Johnson", today.replace(year=today.year - 14) - timedelta(days=1))
    nine = named("Tyler", "Johnson", today.replace(year=today.year - 9) - timedelta(days=1))
    assert list(people_search(worker, "Tyler Jonson age 13-15")) == [fourteen]
    assert list(people_search(worker, f"Tyler Jonson {nine.date_of_birth.year}")) == [nine]
    assert list(people_search(worker, "age 9")) == [nine]


def test_postcode_school_and_identifier_filter(worker: Any) -> None:
    from lantern.people.models import Address, Enrolment, Identifier, School

    today = timezone.localdate()
    here = named("Tyler", "Johnson")
    there = named("Tyler", "Johnson")
    for who, postcode in ((here, "FB4 2QX"), (there, "FB7 1AB")):
        Address.objects.create(person=who, line1="1 Elm Grove", postcode=postcode, valid_from=today)
    school = School.objects.create(urn="100001", name="Fenside Academy", phase="secondary")
    Enrolment.objects.create(person=there, school=school, valid_from=today)
    Identifier.objects.create(person=here, scheme="nhs_number", value="9434765919")
    assert list(people_search(worker, "Tyler Johnson FB4")) == [here]
    assert list(people_search(worker, "Tyler Johnson FB4 2QX")) == [here]
    assert list(people_search(worker, "Tyler", school=str(school.pk))) == [there]
    assert list(people_search(worker, "943 476 5919")) == [here]


# Within scope, and bounded.


def test_a_restricted_record_is_found_only_by_those_named_on_it(
    worker: Any, make_user: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from lantern.access.models import Restriction

    child = named("Rowan", "Ellery", date(2012, 2, 2))
    manager = make_user("mash_manager")
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(child),
        object_id=child.pk,
        reason="staff_relative",
        explanation="A relative of a member of staff.",
        owner=manager,
        review_due=timezone.localdate() + timedelta(days=30),
    )
    restriction.members.set([manager])
    assert list(people_search(manager, "Rowan Ellery 02/02/2012")) == [child]
    assert list(people_search(worker, "Rowan Ellery 02/02/2012")) == []
    assert list(people_search(worker, "02/02/2012")) == []


def test_a_common_name_shows_the_closest_and_says_there_are_more(
    worker: Any, monkeypatch: Any, client: Client, signed_in: Any
) -> None:
    monkeypatch.setattr("lantern.people.search.RESULT_LIMIT", 3)
    meant = named("Olivia", "Smith", date(2012, 3, 12))
    for year in range(2001, 2007):
        named("Olivia", "Smith", date(year, 1, 1))
    results, terms = search_with_terms(worker, "Olivia Smith 12/03/2012")
    assert terms.more
    assert results.count() == 3
    assert results[0] == meant
    signed_in("mash_triage_worker")
    page = client.get("/people/?q=Olivia+Smith")
    assert "More than 3 found" in page.text
    assert "Only the 3 closest are shown" in page.text


def test_queries_do_not_grow_with_the_people_found(
    worker: Any, django_assert_max_num_queries: Any
) -> None:
    def search_and_page() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            results = people_search(worker, "Tyler Jonson 01/02/2012")
            results.count()
            list(results[:10])
        return len(queries)

    named("Tyler", "Johnson", date(2012, 2, 1))
    search_and_page()  # the user's roles and the content types, cached from here on
    few = search_and_page()
    for day in range(1, 29):
        named("Tyler", "Johnson", date(2012, 2, day))
        named("Tyler", "Jones", date(2011, 2, day))
    assert search_and_page() == few
    with django_assert_max_num_queries(few):
        search_and_page()


def test_the_vocabulary_learns_every_word_of_every_name() -> None:
    from lantern.people.models import NameWord, PersonName

    someone = named("Zofia Maria", "Wisniewska")
    assert {"zofia", "maria", "wisniewska"} <= set(NameWord.objects.values_list("word", flat=True))
    PersonName.objects.filter(person=someone).update(family_name="Nowak-Wisniewska")
    assert NameWord.objects.filter(word="nowak-wisniewska").exists()
    assert NameWord.objects.get(word="zofia").sound == "SF"


def test_one_common_name_still_finds_the_few_a_worker_may_see(
    worker: Any, make_user: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr("lantern.people.search.RESULT_LIMIT", 2)
    monkeypatch.setattr("lantern.people.search.PRE_RANK_LIMIT", 3)
    smiths = [named("Jordan", "Smith") for _ in range(6)]
    theirs = max(smiths, key=lambda someone: someone.pk.int)  # looked up last
    social_worker = make_user("social_worker")
    involve(theirs, user=social_worker)
    assert list(people_search(social_worker, "Smith")) == [theirs]
    everyone, terms = search_with_terms(worker, "Smith")
    assert terms.more
    assert everyone.count() == 2
