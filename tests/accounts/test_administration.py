"""The system administrator manages agencies, teams and users; every change is audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.accounts.models import Agency, Role, Team, User
from lantern.core.models import Code
from tests.factories import PASSWORD, AgencyFactory, TeamFactory

pytestmark = pytest.mark.django_db


def agency_type(code: str = "voluntary_sector") -> Code:
    return Code.objects.in_list("agency_type").get(code=code)


def test_add_an_agency_and_see_it_listed(client: Client, signed_in: Any) -> None:
    admin = signed_in("system_administrator")
    response = client.post(
        "/administration/agencies/new/",
        {"name": "Saltings Youth Trust", "short_name": "SYT", "agency_type": agency_type().pk},
    )
    agency = Agency.objects.get(name="Saltings Youth Trust")
    assert response["Location"] == f"/administration/agencies/{agency.pk}/"
    assert agency.created_by == admin
    listing = client.get("/administration/agencies/?type=voluntary_sector")
    assert "Saltings Youth Trust" in listing.text
    event = AuditEvent.objects.get(action="agency.created")
    assert event.object_id == str(agency.pk)
    assert event.actor == admin


def test_agency_form_errors_are_clear_and_keep_answers(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    AgencyFactory(name="Westbrook Academy")
    response = client.post(
        "/administration/agencies/new/", {"name": "westbrook academy", "short_name": "WA"}
    )
    assert response.status_code == 400
    assert "An agency with this name already exists." in response.text
    assert "Choose the type of agency." in response.text
    assert 'value="WA"' in response.text


def test_a_stale_edit_is_refused_not_overwritten(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    agency = AgencyFactory(name="Northgate Clinic")
    url = f"/administration/agencies/{agency.pk}/edit/"
    form = {"name": "Northgate Health Centre", "agency_type": agency_type("health").pk}
    assert client.post(url, {**form, "version": agency.version}).status_code == 302
    # A second person still holding version 1 tries to save over it.
    response = client.post(url, {**form, "name": "Northgate Surgery", "version": 1})
    assert response.status_code == 400
    assert "changed by someone else" in response.text
    agency.refresh_from_db()
    assert agency.name == "Northgate Health Centre"
    assert agency.version == 2


def test_disabling_an_agency_stops_its_users_signing_in(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    signed_in("system_administrator")
    agency = AgencyFactory()
    member = make_user("referrer", agency=agency)
    no_reason = client.post(f"/administration/agencies/{agency.pk}/status/", {"active": "false"})
    assert no_reason.status_code == 302
    agency.refresh_from_db()
    assert agency.is_active  # refused: a reason is required
    client.post(
        f"/administration/agencies/{agency.pk}/status/",
        {"active": "false", "reason": "Contract ended"},
    )
    agency.refresh_from_db()
    assert not agency.is_active
    assert AuditEvent.objects.get(action="agency.disabled").purpose == "Contract ended"
    response = Client().post("/sign-in/", {"username": member.username, "password": PASSWORD})
    assert "suspended" in response.text


def test_add_a_team(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    agency = AgencyFactory()
    client.post(f"/administration/agencies/{agency.pk}/teams/new/", {"name": "Edge of Care"})
    assert Team.objects.filter(agency=agency, name="Edge of Care").exists()
    assert AuditEvent.objects.filter(action="team.created").exists()


def test_add_a_user_who_then_sets_up_their_second_factor(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    agency = AgencyFactory()
    team = TeamFactory(agency=agency)
    role = Role.objects.get(code="social_worker")
    response = client.post(
        "/administration/users/new/",
        {
            "first_name": "Amara",
            "last_name": "Holt",
            "username": "amara.holt",
            "email": "amara.holt@example.org",
            "agency": agency.pk,
            "teams": [team.pk],
            "roles": [role.pk],
            "password": "copper-meadow-otter-41",
        },
    )
    user = User.objects.get(username="amara.holt")
    assert response["Location"] == f"/administration/users/{user.pk}/"
    assert user.check_password("copper-meadow-otter-41")
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert list(user.teams.all()) == [team]
    assert user.role_codes == {"social_worker"}
    event = AuditEvent.objects.get(action="user.created")
    assert event.detail == {"teams": [team.name], "roles": ["social_worker"]}
    assert "copper-meadow-otter-41" not in str(event.detail)

    newcomer = Client()
    newcomer.post("/sign-in/", {"username": "amara.holt", "password": "copper-meadow-otter-41"})
    assert newcomer.get("/sign-in/verify/")["Location"] == "/sign-in/set-up/"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short", "This password is too short"),
        ("Fenbridge2026!", "too easy to guess"),
        ("password1234", "This password is too common"),
    ],
)
def test_weak_passwords_are_refused(
    client: Client, signed_in: Any, password: str, message: str
) -> None:
    signed_in("system_administrator")
    agency = AgencyFactory()
    response = client.post(
        "/administration/users/new/",
        {
            "first_name": "Tom",
            "last_name": "Reed",
            "username": "tom.reed",
            "email": "tom.reed@example.org",
            "agency": agency.pk,
            "roles": [Role.objects.get(code="referrer").pk],
            "password": password,
        },
    )
    assert response.status_code == 400
    assert message in response.text
    assert not User.objects.filter(username="tom.reed").exists()


def test_user_cannot_join_another_agencys_team(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    agency, other_team = AgencyFactory(), TeamFactory(name="Other Agency Team")
    response = client.post(
        "/administration/users/new/",
        {
            "first_name": "Ola",
            "last_name": "Berg",
            "username": "ola.berg",
            "email": "ola@example.org",
            "agency": agency.pk,
            "teams": [other_team.pk],
            "roles": [Role.objects.get(code="referrer").pk],
            "password": "willow-cobalt-heron-77",
        },
    )
    assert response.status_code == 400
    assert "only be in teams of their own agency" in response.text


def test_change_roles_is_audited_with_before_and_after(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    signed_in("system_administrator")
    user = make_user("referrer")
    response = client.post(
        f"/administration/users/{user.pk}/edit/",
        {
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "email": user.email,
            "agency": user.agency_id,
            "roles": [Role.objects.get(code="panel_chair").pk],
            "version": user.version,
        },
    )
    assert response.status_code == 302
    change = AuditEvent.objects.get(action="user.changed")
    assert change.detail["changes"]["roles"] == [["referrer"], ["panel_chair"]]


def test_viewing_a_user_is_audited(client: Client, signed_in: Any, make_user: Any) -> None:
    admin = signed_in("system_administrator")
    user = make_user("referrer")
    page = client.get(f"/administration/users/{user.pk}/")
    assert user.username in page.text
    assert AuditEvent.objects.filter(
        action="admin.user_viewed", actor=admin, object_id=str(user.pk)
    ).exists()


def test_disable_a_user_and_they_are_told_at_sign_in(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    signed_in("system_administrator")
    user = make_user("referrer")
    client.post(
        f"/administration/users/{user.pk}/status/", {"active": "false", "reason": "Left post"}
    )
    user.refresh_from_db()
    assert not user.is_active
    response = Client().post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert "Your account has been disabled" in response.text


def test_administrator_cannot_disable_themselves(client: Client, signed_in: Any) -> None:
    admin = signed_in("system_administrator")
    client.post(f"/administration/users/{admin.pk}/status/", {"active": "false", "reason": "x"})
    admin.refresh_from_db()
    assert admin.is_active


def test_reset_second_factor_sends_user_to_set_up(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    signed_in("system_administrator")
    user = make_user("referrer")
    client.post(f"/administration/users/{user.pk}/reset-sign-in/", {"reason": "Lost work phone"})
    other = Client()
    other.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert other.get("/sign-in/verify/")["Location"] == "/sign-in/set-up/"
    assert AuditEvent.objects.get(action="user.second_factor_reset").purpose == "Lost work phone"


def test_roles_page_lists_every_role_with_counts(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    page = client.get("/administration/roles/")
    for role in Role.objects.all():
        assert role.name in page.text


def test_unknown_record_is_not_found(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    response = client.get("/administration/users/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404


def test_a_weak_password_is_shown_on_the_password_field(client: Client, signed_in: Any) -> None:
    signed_in("system_administrator")
    response = client.post(
        "/administration/users/new/",
        {
            "first_name": "Tom",
            "last_name": "Reed",
            "username": "tom.reed",
            "email": "tom.reed@example.org",
            "agency": AgencyFactory().pk,
            "roles": [Role.objects.get(code="referrer").pk],
            "password": "Fenbridge2026!",
        },
    )
    assert 'id="id_password-error"' in response.text
