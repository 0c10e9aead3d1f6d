"""The person record: dates of birth exact or approximate, names over time, correcting details
when two workers edit at once, search before adding, archive."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from lantern.access.models import AuditEvent
from lantern.people.models import Person, PersonName
from lantern.people.selectors import people_search
from lantern.people.services import Birth, name_add, person_create
from tests.access.factories import involve, person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _form(**overrides: Any) -> dict[str, Any]:
    data = {
        "kind": "child",
        "given_names": "Maisie",
        "family_name": "Thornbury",
        "birth_precision": "exact",
        "date_of_birth": "2012-03-27",
        "gender": "female",
        "sex": "female",
        "special_needs": "none",
        "immigration_status": "",
    }
    return {**data, **overrides}


# --- Dates of birth ---------------------------------------------------------------------


def test_an_estimated_age_range_bounds_the_date_of_birth() -> None:
    on = date(2026, 11, 27)
    dob, earliest, latest = Birth(
        precision="estimated", age_low=14, age_high=16, estimated_on=on
    ).bounds()
    assert dob is None
    # Aged 14 to 16 on 27 Nov 2026: born 28 Nov 2009 at the earliest, 27 Nov 2012 at the latest.
    assert (earliest, latest) == (date(2009, 11, 28), date(2012, 11, 27))


def test_a_year_of_birth_spans_the_year() -> None:
    assert Birth(precision="year", year=2011).bounds() == (
        None,
        date(2011, 1, 1),
        date(2011, 12, 31),
    )


@pytest.mark.parametrize(
    ("birth", "field", "message"),
    [
        (Birth(precision="exact", date_of_birth=date(2099, 1, 1)), "date_of_birth", "today or"),
        (Birth(precision="exact", date_of_birth=date(1850, 1, 1)), "date_of_birth", "120 years"),
        (Birth(precision="year", year=2099), "birth_year", "between"),
        (Birth(precision="estimated", age_low=16, age_high=14), "age_low", "youngest"),
        (Birth(precision="estimated"), "age_low", "youngest and oldest"),
        (Birth(precision="exact"), "date_of_birth", "Enter the date"),
    ],
)
def test_impossible_dates_of_birth_are_refused(birth: Birth, field: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        birth.bounds()
    assert message in " ".join(refused.value.message_dict[field])


def test_someone_of_estimated_age_shows_an_age_range(make_user: Any) -> None:
    worker = make_user("social_worker")
    child = person_create(
        request=None,
        actor=worker,
        given_names="Ali",
        family_name="Unknown",
        birth=Birth(precision="estimated", age_low=15, age_high=17),
    )
    assert child.age_text == "about 15 to 17"
    assert child.age is None


def test_a_person_born_in_the_future_is_refused_on_the_page(client: Client, signed_in: Any) -> None:
    signed_in("social_worker")
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post("/people/new/", _form(date_of_birth=tomorrow))
    assert response.status_code == 400
    assert "The date of birth must be today or in the past." in response.text
    assert 'value="Maisie"' in response.text  # the answers are kept
    assert not Person.objects.exists()


# --- Names ------------------------------------------------------------------------------


def test_an_alias_or_street_name_finds_the_person(make_user: Any) -> None:
    worker = make_user("social_worker")
    child = person(given_names="Daniel", family_name="Okafor")
    involve(child, user=worker)
    name_add(
        request=None,
        actor=worker,
        person=child,
        kind="nickname",
        given_names="Ghost",
        source="Named by peers in a school statement",
    )
    found, _ = people_search(worker, "Ghost")
    assert list(found) == [child]
    found, _ = people_search(worker, "Gost")  # misspelt too
    assert child in list(found)


def test_a_name_needs_a_source(make_user: Any) -> None:
    worker = make_user("social_worker")
    with pytest.raises(ValidationError) as refused:
        name_add(
            request=None,
            actor=worker,
            person=person(),
            kind="alias",
            given_names="Jay",
            source=" ",
        )
    assert "source" in refused.value.message_dict


def test_a_changed_legal_name_keeps_the_old_one_searchable(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person(given_names="Kacey", family_name="Brennan", date_of_birth=date(2011, 5, 2))
    involve(child, user=worker)
    response = client.post(
        f"/people/{child.pk}/edit/",
        _form(
            given_names="Kacey",
            family_name="Moss",
            date_of_birth="2011-05-02",
            version=child.version,
            name_change_source="Deed poll seen by the school",
        ),
    )
    assert response.status_code == 302, response.text
    child.refresh_from_db()
    assert str(child) == "Kacey Moss"
    kinds = dict(PersonName.objects.filter(person=child).values_list("family_name", "kind"))
    assert kinds == {"Brennan": "previous", "Moss": "legal"}
    found, _ = people_search(worker, "Kacey Brennan")
    assert next(iter(found)) == child


# --- Two workers at once ------------------------------------------------------------------


def test_the_second_of_two_saves_is_refused_and_keeps_the_input(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    worker = signed_in("social_worker")
    child = person(given_names="Rhys", family_name="Pryce", date_of_birth=date(2010, 1, 9))
    involve(child, user=worker)
    opened_version = child.version
    # A colleague saves first.
    first = Client()
    colleague = make_user("social_worker")
    involve(child, user=colleague)
    sign_in(first, colleague)
    assert (
        first.post(
            f"/people/{child.pk}/edit/",
            _form(
                given_names="Rhys",
                family_name="Pryce",
                date_of_birth="2010-01-09",
                first_language="Welsh",
                version=opened_version,
            ),
        ).status_code
        == 302
    )
    response = client.post(
        f"/people/{child.pk}/edit/",
        _form(
            given_names="Rhys",
            family_name="Pryce",
            date_of_birth="2010-01-09",
            disability="Hearing impairment",
            version=opened_version,
        ),
    )
    assert response.status_code == 400
    assert "changed by someone else while you were editing" in response.text
    assert "Hearing impairment" in response.text  # their input is still on the page
    child.refresh_from_db()
    assert child.first_language == "Welsh"
    assert child.disability == ""
    # Saving again, knowingly, from the page they were shown works.
    assert f'name="version" value="{child.version}"' in response.text


# --- Search before create -----------------------------------------------------------------


def test_adding_a_person_shows_likely_matches_first(client: Client, signed_in: Any) -> None:
    worker = signed_in("mash_triage_worker")
    existing = person(
        given_names="Maisie", family_name="Thornbury", date_of_birth=date(2012, 3, 27)
    )
    response = client.post("/people/new/", _form(given_names="Maisy"))
    assert response.status_code == 200
    assert "may be the same person" in response.text
    assert f"/people/{existing.pk}/" in response.text
    assert Person.objects.count() == 1
    # A strong match: a new record needs a reason...
    response = client.post("/people/new/", _form(given_names="Maisy", matches_seen="True"))
    assert response.status_code == 400
    assert "say why this is someone else" in response.text
    assert Person.objects.count() == 1
    # ...which the audit trail keeps.
    response = client.post(
        "/people/new/",
        _form(
            given_names="Maisy",
            matches_seen="True",
            new_record_reason="Twin sister: same birthday, different NHS number",
        ),
    )
    assert response.status_code == 302
    created = Person.objects.exclude(pk=existing.pk).get()
    event = AuditEvent.objects.get(action="person.created", object_id=str(created.pk))
    assert event.detail["despite_a_likely_match"].startswith("Twin sister")
    assert event.actor == worker


def test_no_likely_match_saves_at_once(client: Client, signed_in: Any) -> None:
    signed_in("mash_triage_worker")
    response = client.post("/people/new/", _form())
    assert response.status_code == 302
    child = Person.objects.get()
    assert child.names.get().kind == "legal"
    assert child.birth_precision == "exact"


def test_search_before_create_never_shows_records_out_of_scope(
    client: Client, signed_in: Any
) -> None:
    signed_in("social_worker")
    person(given_names="Maisie", family_name="Thornbury", date_of_birth=date(2012, 3, 27))
    response = client.post("/people/new/", _form())
    assert "may be the same person" not in response.text
    assert response.status_code == 302


# --- Archive ------------------------------------------------------------------------------


def test_a_mash_manager_archives_with_a_reason_and_nothing_is_deleted(
    client: Client, signed_in: Any
) -> None:
    manager = signed_in("mash_manager")
    child = person()
    involve(child, user=manager)
    assert client.post(f"/people/{child.pk}/archive/", {"reason": ""}).status_code == 400
    response = client.post(f"/people/{child.pk}/archive/", {"reason": "Created in error"})
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.archived_by == manager
    assert child.chronology.get(summary="Record archived").detail == "Created in error"
    assert client.get(f"/people/{child.pk}/").status_code == 404
    assert Person.objects.filter(pk=child.pk).exists()


def test_a_social_worker_cannot_archive(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person()
    involve(child, user=worker)
    assert client.post(f"/people/{child.pk}/archive/", {"reason": "x"}).status_code == 403
    child.refresh_from_db()
    assert child.archived_at is None


def test_the_edit_page_shows_the_current_details(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person(given_names="Kacey", family_name="Brennan", date_of_birth=date(2011, 5, 2))
    involve(child, user=worker)
    page = client.get(f"/people/{child.pk}/edit/").text
    assert 'value="2011-05-02"' in page  # a date input only shows an ISO date
    assert f'name="version" value="{child.version}"' in page
