"""Need-to-know: who sees a person record, restriction, break-the-glass, denied attempts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from lantern.access.handling import Handling, handling_allows
from lantern.access.models import AccessGrant, Alert, AuditEvent, Restriction
from lantern.access.scopes import Basis, basis_for, scope
from lantern.people.models import Person
from tests.access.factories import involve, person
from tests.factories import AgencyFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def council() -> Any:
    return AgencyFactory(name="Council", kind="childrens_social_care")


@pytest.fixture
def police() -> Any:
    return AgencyFactory(name="Police", kind="police")


def test_involved_user_sees_the_record_and_others_do_not(make_user: Any, council: Any) -> None:
    worker = make_user("social_worker", agency=council)
    colleague_elsewhere = make_user("social_worker")  # another agency, same role
    child = person()
    involve(child, user=worker)
    assert list(scope(worker, Person.objects.all())) == [child]
    assert basis_for(worker, child) is Basis.INVOLVED
    assert list(scope(colleague_elsewhere, Person.objects.all())) == []
    assert basis_for(colleague_elsewhere, child) is None


def test_team_involvement_covers_its_members(make_user: Any, council: Any) -> None:
    team = TeamFactory(agency=council)
    member, non_member = (
        make_user("referrer", agency=council),
        make_user("referrer", agency=council),
    )
    member.teams.add(team)
    child = person()
    involve(child, team=team, kind="allocated_team")
    assert basis_for(member, child) is Basis.INVOLVED
    assert basis_for(non_member, child) is None


def test_agency_wide_roles_see_what_their_agency_is_involved_with(
    make_user: Any, council: Any, police: Any
) -> None:
    officer, other_officer = (
        make_user("police_officer", agency=police),
        make_user("police_officer", agency=police),
    )
    referrer_same_agency = make_user("referrer", agency=police)
    social_worker = make_user("social_worker", agency=council)
    child = person()
    involve(child, user=officer)
    assert basis_for(other_officer, child) is Basis.AGENCY
    assert basis_for(referrer_same_agency, child) is None  # the role is not agency-wide
    assert basis_for(social_worker, child) is None  # another agency


def test_mash_sees_the_whole_partnership(make_user: Any) -> None:
    triage = make_user("mash_triage_worker")
    child = person()
    assert basis_for(triage, child) is Basis.PARTNERSHIP
    assert child in scope(triage, Person.objects.all())


def test_restricted_record_is_for_named_users_only(make_user: Any, council: Any) -> None:
    owner = make_user("mash_manager", agency=council)
    named = make_user("social_worker", agency=council)
    triage = make_user("mash_triage_worker", agency=council)  # partnership-wide, not named
    child = person()
    from django.contrib.contenttypes.models import ContentType

    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=child.pk,
        reason="staff_relative",
        explanation="Relative of a council employee",
        owner=owner,
        review_due=timezone.localdate() + timedelta(days=30),
    )
    restriction.members.set([owner, named])
    assert basis_for(named, child) is Basis.NAMED
    assert basis_for(triage, child) is None
    assert child not in scope(triage, Person.objects.all())
    assert child in scope(named, Person.objects.all())


def test_detail_of_an_out_of_scope_record_is_not_found_and_audited(
    client: Client, signed_in: Any
) -> None:
    signed_in("social_worker")
    child = person()
    response = client.get(f"/people/{child.pk}/")
    assert response.status_code == 404
    assert "ask for emergency access" in response.text
    denied = AuditEvent.objects.get(action="record.denied")
    assert denied.object_id == str(child.pk)
    assert denied.outcome == "denied"


def test_missing_and_out_of_scope_look_the_same(client: Client, signed_in: Any) -> None:
    signed_in("social_worker")
    hidden = client.get(f"/people/{person().pk}/")
    missing = client.get("/people/00000000-0000-0000-0000-000000000001/")
    garbage = client.get("/people/not-a-uuid/")
    assert hidden.status_code == missing.status_code == garbage.status_code == 404
    assert "Page not found" in hidden.text
    assert hidden.text.count("Page not found") == missing.text.count("Page not found")


def test_viewing_records_the_basis(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person()
    involve(child, user=worker)
    page = client.get(f"/people/{child.pk}/")
    assert page.status_code == 200
    assert "Jordan Ashby" in page.text
    event = AuditEvent.objects.get(action="person.viewed")
    assert event.detail == {"basis": "involved"}
    assert event.actor == worker


def test_list_and_search_show_only_what_detail_allows(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    mine, theirs = person(given_names="Alex"), person(given_names="Alexa")
    involve(mine, user=worker)
    listing = client.get("/people/?q=Alex")
    assert str(mine.pk) in listing.text
    assert str(theirs.pk) not in listing.text
    search = AuditEvent.objects.get(action="person.searched")
    assert search.detail["q"] == "Alex"
    assert search.detail["shown"] == [str(mine.pk)]


def test_archived_records_are_not_found(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person(archived_at=timezone.now(), archive_reason="Duplicate record")
    involve(child, user=worker)
    assert client.get(f"/people/{child.pk}/").status_code == 404
    assert str(child.pk) not in client.get("/people/").text


def test_creating_a_person_involves_the_creator(client: Client, signed_in: Any) -> None:
    signed_in("school_safeguarding_lead")
    response = client.post(
        "/people/new/", {"given_names": "Casey", "family_name": "Moor", "gender": "female"}
    )
    child = Person.objects.get(family_name="Moor")
    assert response["Location"] == f"/people/{child.pk}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Person record created" in page.text


def test_bad_person_input_is_explained(client: Client, signed_in: Any) -> None:
    signed_in("school_safeguarding_lead")
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    response = client.post("/people/new/", {"given_names": "", "date_of_birth": future})
    assert response.status_code == 400
    assert "Enter the person&#x27;s family name." in response.text
    assert "The date of birth must be today or in the past." in response.text
    assert not Person.objects.exists()


# --- Break-the-glass ------------------------------------------------------------------------


def test_break_glass_gives_time_limited_access_and_alerts(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    auditor = make_user("auditor")
    owner = make_user("social_worker")
    child = person()
    involve(child, user=owner, kind="allocated_worker")
    officer = signed_in("police_officer")
    url = f"/people/{child.pk}/emergency-access/"
    refused = client.post(url, {"reason": "missing_now", "explanation": "short"})
    assert refused.status_code == 400
    assert "Explain in a sentence or more" in refused.text
    response = client.post(
        url,
        {"reason": "missing_now", "explanation": "Found at the bus station at 2am, need carers"},
    )
    assert response["Location"] == f"/people/{child.pk}/"
    grant = AccessGrant.objects.get(user=officer)
    assert grant.expires_at - grant.starts_at == timedelta(hours=24)
    page = client.get(f"/people/{child.pk}/")
    assert page.status_code == 200
    assert "emergency or granted access" in page.text
    assert AuditEvent.objects.get(action="person.viewed").detail == {"basis": "grant"}
    recipients = set(Alert.objects.filter(kind="break_glass").values_list("recipient", flat=True))
    assert recipients == {auditor.pk, owner.pk}


def test_break_glass_expires(client: Client, signed_in: Any) -> None:
    officer = signed_in("police_officer")
    child = person()
    client.post(
        f"/people/{child.pk}/emergency-access/",
        {"reason": "immediate_risk", "explanation": "Reported at risk tonight by a neighbour"},
    )
    AccessGrant.objects.filter(user=officer).update(
        starts_at=timezone.now() - timedelta(hours=25),
        expires_at=timezone.now() - timedelta(hours=1),
    )
    assert client.get(f"/people/{child.pk}/").status_code == 404


def test_break_glass_cannot_open_a_restricted_record(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    owner = make_user("mash_manager")
    child = person()
    Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=child.pk,
        reason="high_profile",
        explanation="Operation",
        owner=owner,
        review_due=timezone.localdate() + timedelta(days=10),
    )
    signed_in("police_officer")
    response = client.post(
        f"/people/{child.pk}/emergency-access/",
        {"reason": "immediate_risk", "explanation": "Reported at risk tonight by a neighbour"},
    )
    assert response.status_code == 404
    assert not AccessGrant.objects.exists()


def test_break_glass_refused_for_roles_without_a_need(client: Client, signed_in: Any) -> None:
    signed_in("referrer")
    child = person()
    response = client.post(
        f"/people/{child.pk}/emergency-access/",
        {"reason": "immediate_risk", "explanation": "Reported at risk tonight by a neighbour"},
    )
    assert response.status_code == 404
    assert not AccessGrant.objects.exists()


def test_break_glass_on_a_missing_record_looks_the_same(client: Client, signed_in: Any) -> None:
    signed_in("police_officer")
    response = client.post(
        "/people/00000000-0000-0000-0000-000000000002/emergency-access/",
        {"reason": "immediate_risk", "explanation": "Reported at risk tonight by a neighbour"},
    )
    assert response.status_code == 404


# --- Restrictions ---------------------------------------------------------------------------


def test_restrict_a_record_then_only_named_users_find_it(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    triage = make_user("mash_triage_worker")
    colleague = make_user("social_worker")
    manager = signed_in("mash_manager")
    child = person()
    review = (timezone.localdate() + timedelta(days=60)).isoformat()
    response = client.post(
        f"/people/{child.pk}/restrict/",
        {
            "reason": "staff_relative",
            "explanation": "Niece of a MASH worker",
            "members": [colleague.pk],
            "review_due": review,
        },
    )
    assert response["Location"] == f"/people/{child.pk}/"
    restriction = Restriction.objects.get()
    assert set(restriction.members.all()) == {manager, colleague}
    assert child not in scope(triage, Person.objects.all())
    assert basis_for(colleague, child) is Basis.NAMED


def test_restriction_review_must_be_within_90_days(client: Client, signed_in: Any) -> None:
    signed_in("mash_manager")
    child = person()
    too_late = (timezone.localdate() + timedelta(days=91)).isoformat()
    response = client.post(
        f"/people/{child.pk}/restrict/",
        {"reason": "staff_relative", "explanation": "x", "review_due": too_late},
    )
    assert response.status_code == 400
    assert "within 90 days" in response.text
    assert not Restriction.objects.exists()


def test_overdue_restriction_reviews_appear_in_the_owners_work(
    client: Client, signed_in: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    owner = signed_in("mash_manager")
    Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=person().pk,
        reason="other",
        explanation="x",
        owner=owner,
        review_due=timezone.localdate() - timedelta(days=1),
    )
    assert "Restriction review</a>, due" in client.get("/").text


def test_referrer_cannot_restrict(client: Client, signed_in: Any) -> None:
    referrer = signed_in("referrer")
    child = person()
    involve(child, user=referrer)
    response = client.post(
        f"/people/{child.pk}/restrict/",
        {
            "reason": "other",
            "explanation": "x",
            "review_due": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 404
    assert not Restriction.objects.exists()


# --- Denied attempts and the access log -----------------------------------------------------


def test_repeated_denied_attempts_alert_the_auditors(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    auditor = make_user("auditor")
    prober = signed_in("social_worker")
    for _ in range(5):
        client.get(f"/people/{person().pk}/")
    alert = Alert.objects.get(recipient=auditor)
    assert alert.kind == "denied_attempts"
    assert alert.about_user == prober
    assert AuditEvent.objects.filter(action="record.denied", actor=prober).count() == 5


def test_access_log_for_the_owner_and_auditors(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    owner = make_user("social_worker")
    child = person()
    involve(child, user=owner, kind="allocated_worker")
    signed_in("auditor")
    log = client.get(f"/people/{child.pk}/access-log/")
    assert log.status_code == 200
    assert "Who has seen this record" in log.text


def test_access_log_refused_to_others(client: Client, signed_in: Any) -> None:
    worker = signed_in("social_worker")
    child = person()
    involve(child, user=worker)  # involved, but neither owner, manager nor auditor
    assert client.get(f"/people/{child.pk}/access-log/").status_code == 404


def test_auditor_report_highlights_access_without_a_relationship(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    triage = make_user("mash_triage_worker")
    child = person()
    from lantern.access.audit import audit_record

    audit_record(action="person.viewed", actor=triage, obj=child, detail={"basis": "partnership"})
    audit_record(action="person.viewed", actor=triage, obj=child, detail={"basis": "involved"})
    signed_in("auditor")
    report = client.get(f"/access/report/?record={child.pk}&unrelated=1")
    assert report.status_code == 200
    assert report.text.count("Without a relationship") == 1
    export = client.get(f"/access/report/?record={child.pk}&format=csv")
    rows = export.content.decode().splitlines()
    assert rows[0].startswith("when,who,agency")
    assert sum(1 for row in rows if ",partnership,yes," in row) == 1
    assert AuditEvent.objects.filter(action="audit.report_exported").exists()


def test_auditor_report_refused_to_others(client: Client, signed_in: Any) -> None:
    signed_in("mash_manager")
    assert client.get("/access/report/").status_code == 403


def test_alerts_can_be_marked_read_only_by_their_recipient(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    someone_else = make_user("auditor")
    mine_user = signed_in("auditor")
    mine = Alert.objects.create(kind="break_glass", recipient=mine_user, message="m")
    theirs = Alert.objects.create(kind="break_glass", recipient=someone_else, message="t")
    assert client.post(f"/access/alerts/{theirs.pk}/read/").status_code == 404
    client.post(f"/access/alerts/{mine.pk}/read/")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.read_at is not None
    assert theirs.read_at is None


# --- Handling rules -------------------------------------------------------------------------


def test_handling_rules(make_user: Any, police: Any, council: Any) -> None:
    health = AgencyFactory(kind="health")
    officer = make_user("police_officer", agency=police)
    nurse = make_user("health_practitioner", agency=health)
    worker = make_user("social_worker", agency=council)
    assert handling_allows(worker, Handling.OPEN)
    assert handling_allows(officer, Handling.POLICE_ONLY)
    assert not handling_allows(worker, Handling.POLICE_ONLY)
    assert handling_allows(nurse, Handling.HEALTH_ONLY)
    assert not handling_allows(officer, Handling.HEALTH_ONLY)
    assert handling_allows(worker, Handling.SEALED, named=[worker])
    assert not handling_allows(officer, Handling.SEALED, named=[worker])
    assert not handling_allows(officer, "no_such_code")


def test_age_is_whole_years_on_a_day() -> None:
    from datetime import date

    child = Person(given_names="A", family_name="B", date_of_birth=date(2012, 2, 29))
    assert child.age_on(date(2026, 2, 28)) == 13
    assert child.age_on(date(2026, 3, 1)) == 14
    assert Person(given_names="A", family_name="B").age_on(date(2026, 1, 1)) is None


def test_owner_reviews_a_restriction_then_lifts_it(client: Client, signed_in: Any) -> None:
    from django.contrib.contenttypes.models import ContentType

    owner = signed_in("mash_manager")
    child = person()
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=child.pk,
        reason="other",
        explanation="x",
        owner=owner,
        review_due=timezone.localdate() - timedelta(days=1),
    )
    restriction.members.set([owner])
    url = f"/people/{child.pk}/restriction/"
    too_far = (timezone.localdate() + timedelta(days=91)).isoformat()
    refused = client.post(url, {"decision": "keep", "review_due": too_far, "note": "Still needed"})
    assert refused.status_code == 400
    assert "within 90 days" in refused.text
    next_review = (timezone.localdate() + timedelta(days=60)).isoformat()
    client.post(url, {"decision": "keep", "review_due": next_review, "note": "Still needed"})
    restriction.refresh_from_db()
    assert restriction.review_due.isoformat() == next_review
    assert "Restriction review" not in client.get("/").text
    client.post(url, {"decision": "lift", "note": "Investigation closed"})
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
    assert AuditEvent.objects.filter(action="record.restriction_lifted").exists()


def test_only_the_owner_reviews_a_restriction(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    owner = make_user("mash_manager")
    member = signed_in("social_worker")
    child = person()
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=child.pk,
        reason="other",
        explanation="x",
        owner=owner,
        review_due=timezone.localdate() + timedelta(days=5),
    )
    restriction.members.set([owner, member])
    response = client.post(
        f"/people/{child.pk}/restriction/", {"decision": "lift", "note": "Not mine to lift"}
    )
    assert response.status_code == 404
    restriction.refresh_from_db()
    assert restriction.lifted_at is None
