"""Deny by default: every route declares an action with a rule, and the rule is enforced."""

from __future__ import annotations

from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, include, path

from lantern.access.models import AuditEvent
from lantern.access.policy import POLICY, action_of, declare_action

pytestmark = pytest.mark.django_db


def all_patterns(resolver: URLResolver | None = None, prefix: str = "") -> list[tuple[str, Any]]:
    resolver = resolver or get_resolver()
    found: list[tuple[str, Any]] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += all_patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append((prefix + str(entry.pattern), entry.callback))
    return found


def test_every_route_declares_an_action_that_has_a_rule() -> None:
    routes = all_patterns()
    assert len(routes) > 20
    missing = [route for route, view in routes if action_of(view) not in POLICY]
    assert missing == []


def undeclared(request: HttpRequest) -> HttpResponse:
    return HttpResponse("should never be served")


urlpatterns = [
    path("undeclared/", undeclared),
    path("declared/", declare_action("public")(lambda r: HttpResponse("ok"))),
    path("", include("config.urls")),
]


@override_settings(ROOT_URLCONF="tests.access.test_policy")
def test_a_route_without_an_action_is_refused(client: Client) -> None:
    response = client.get("/undeclared/")
    assert response.status_code == 403
    assert b"should never be served" not in response.content
    assert AuditEvent.objects.get(action="access.refused").detail["path"] == "/undeclared/"


@override_settings(ROOT_URLCONF="tests.access.test_policy")
def test_a_route_with_a_rule_is_served(client: Client) -> None:
    assert client.get("/declared/").status_code == 200


def test_an_action_without_a_rule_cannot_be_declared() -> None:
    with pytest.raises(ValueError, match="No policy rule"):
        declare_action("records.read_everything")


ADMIN_PAGES = [
    "/administration/",
    "/administration/agencies/",
    "/administration/agencies/new/",
    "/administration/users/",
    "/administration/users/new/",
    "/administration/roles/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_system_administrator_reaches_administration(
    client: Client, signed_in: Any, url: str
) -> None:
    signed_in("system_administrator")
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
@pytest.mark.parametrize("role", ["auditor", "mash_manager", "police_officer", "referrer"])
def test_other_roles_are_refused_administration(
    client: Client, signed_in: Any, url: str, role: str
) -> None:
    signed_in(role)
    response = client.get(url)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.text
    assert AuditEvent.objects.filter(action="access.refused", outcome="refused").exists()


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_administrator_without_second_factor_is_sent_to_verify(
    client: Client, make_user: Any, url: str
) -> None:
    from tests.factories import PASSWORD

    admin = make_user("system_administrator")
    client.post("/sign-in/", {"username": admin.username, "password": PASSWORD})
    assert client.get(url)["Location"] == "/sign-in/verify/"


@pytest.mark.parametrize("url", ["/", "/account/", *ADMIN_PAGES])
def test_anonymous_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=")


def test_admin_write_refused_for_other_roles(client: Client, signed_in: Any) -> None:
    from lantern.accounts.models import Agency

    signed_in("mash_manager")
    response = client.post("/administration/agencies/new/", {"name": "Sneaky Agency"})
    assert response.status_code == 403
    assert not Agency.objects.filter(name="Sneaky Agency").exists()


def test_health_is_public(client: Client) -> None:
    assert client.get("/health/").json() == {"status": "ok"}


def test_api_clients_get_problem_json(client: Client, signed_in: Any) -> None:
    anonymous = Client().get("/administration/", HTTP_ACCEPT="application/json")
    assert anonymous.status_code == 401
    assert anonymous["Content-Type"] == "application/problem+json"
    signed_in("referrer")
    refused = client.get("/administration/", HTTP_ACCEPT="application/json")
    assert refused.status_code == 403
    assert refused.json() == {
        "type": "about:blank",
        "title": "You do not have access to this resource.",
        "status": 403,
    }
