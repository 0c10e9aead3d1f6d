"""Signing in: password, then a mandatory second factor; every refusal clear, logged, harmless."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.access.models import AuditEvent
from lantern.accounts.services import SIGNED_IN_AT
from tests.conftest import current_code
from tests.factories import PASSWORD, AgencyFactory

pytestmark = pytest.mark.django_db


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/sign-in/", {"username": username, "password": password})


def test_sign_in_page_is_served_with_security_headers(client: Client) -> None:
    response = client.get("/sign-in/")
    assert response.status_code == 200
    assert "Sign in to Lantern" in response.text
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"].startswith("no-store")
    assert response["X-Request-ID"]


def test_full_sign_in_shows_name_agency_and_role(client: Client, make_user: Any) -> None:
    agency = AgencyFactory(name="Eastmoor Test Agency")
    user = make_user("mash_manager", agency=agency, first_name="Priya", last_name="Lawson")

    response = password_step(client, user.username)
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/verify/"
    # Password alone is not enough: the home page sends the user back to the second factor.
    assert client.get("/")["Location"] == "/sign-in/verify/"

    response = client.post("/sign-in/verify/", {"code": current_code(user)})
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "Priya Lawson" in home.text
    assert "Eastmoor Test Agency" in home.text
    assert "MASH manager" in home.text
    actions = list(
        AuditEvent.objects.filter(actor=user).order_by("seq").values_list("action", flat=True)
    )
    assert actions[:2] == ["auth.password_accepted", "auth.signed_in"]


def test_wrong_password_is_refused_clearly_and_logged(client: Client, make_user: Any) -> None:
    user = make_user("referrer")
    response = password_step(client, user.username, "not-the-password-at-all")
    assert response.status_code == 400
    assert "Enter a correct username and password." in response.text
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="auth.sign_in_failed")
    assert event.actor_username == user.username
    assert event.outcome == "refused"


def test_unknown_user_gets_the_same_message(client: Client, db: Any) -> None:
    response = password_step(client, "nobody.here")
    assert response.status_code == 400
    assert "Enter a correct username and password." in response.text


def test_empty_form_names_each_missing_field(client: Client, db: Any) -> None:
    response = client.post("/sign-in/", {"username": "", "password": ""})
    assert response.status_code == 400
    assert "Enter your username." in response.text
    assert "Enter your password." in response.text
    assert 'href="#id_username"' in response.text


def test_wrong_code_is_refused_and_logged(client: Client, make_user: Any) -> None:
    user = make_user("referrer")
    password_step(client, user.username)
    response = client.post("/sign-in/verify/", {"code": "000000"})
    assert response.status_code == 400
    assert "The security code is not correct" in response.text
    assert client.get("/")["Location"] == "/sign-in/verify/"
    assert AuditEvent.objects.filter(action="auth.second_factor_failed", actor=user).exists()


def test_disabled_user_is_told_and_not_signed_in(client: Client, make_user: Any) -> None:
    user = make_user("referrer", is_active=False)
    response = password_step(client, user.username)
    assert response.status_code == 400
    assert "Your account has been disabled" in response.text
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.get(action="auth.sign_in_failed").detail == {
        "reason": "user_disabled"
    }


def test_disabled_user_with_wrong_password_learns_nothing(client: Client, make_user: Any) -> None:
    user = make_user("referrer", is_active=False)
    response = password_step(client, user.username, "wrong-password-entirely")
    assert "Enter a correct username and password." in response.text
    assert "disabled" not in response.text


def test_user_of_disabled_agency_is_told(client: Client, make_user: Any) -> None:
    user = make_user("referrer", agency=AgencyFactory(is_active=False))
    response = password_step(client, user.username)
    assert response.status_code == 400
    assert "access to Lantern has been suspended" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_after_repeated_failures(client: Client, make_user: Any) -> None:
    user = make_user("referrer")
    for _ in range(5):
        password_step(client, user.username, "wrong-password-entirely")
    response = password_step(client, user.username)  # even the right password now
    assert response.status_code == 429
    assert "too many attempts to sign in" in response.text
    assert "_auth_user_id" not in client.session


def test_lockout_twin_other_user_is_unaffected(client: Client, make_user: Any) -> None:
    locked, other = make_user("referrer"), make_user("referrer")
    for _ in range(5):
        password_step(client, locked.username, "wrong-password-entirely")
    assert password_step(client, other.username).status_code == 302


def test_first_sign_in_sets_up_an_authenticator(client: Client, make_user: Any) -> None:
    user = make_user("referrer", totp=False)
    password_step(client, user.username)
    assert client.get("/sign-in/verify/")["Location"] == "/sign-in/set-up/"
    page = client.get("/sign-in/set-up/")
    assert page.status_code == 200
    assert "<svg" in page.text
    assert "Scan this QR code" in page.text
    wrong = client.post("/sign-in/set-up/", {"code": "123456"})
    assert wrong.status_code == 400
    assert not TOTPDevice.objects.get(user=user).confirmed
    # django-otp now makes the device wait before the next try; a person would wait a second.
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0)
    response = client.post("/sign-in/set-up/", {"code": current_code(user)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get("/").status_code == 200


def test_next_is_followed_only_within_the_site(client: Client, make_user: Any) -> None:
    user = make_user("system_administrator")
    client.post(
        "/sign-in/",
        {"username": user.username, "password": PASSWORD, "next": "/administration/"},
    )
    response = client.post("/sign-in/verify/", {"code": current_code(user)})
    assert response["Location"] == "/administration/"

    other = Client()
    other.post(
        "/sign-in/",
        {"username": user.username, "password": PASSWORD, "next": "https://evil.example/"},
    )
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # a code is accepted only once
    response = other.post("/sign-in/verify/", {"code": current_code(user)})
    assert response["Location"] == "/"


def test_sign_out_ends_the_session_and_is_logged(client: Client, signed_in: Any) -> None:
    user = signed_in("referrer")
    response = client.post("/sign-out/")
    assert response["Location"] == "/signed-out/"
    assert client.get("/")["Location"].startswith("/sign-in/")
    assert AuditEvent.objects.filter(action="auth.signed_out", actor=user).exists()


def test_expired_session_asks_to_sign_in_again(client: Client, signed_in: Any) -> None:
    signed_in("referrer")
    client.session.flush()
    client.cookies.pop("sessionid", None)
    response = client.get("/")
    assert response.status_code == 302
    assert "timeout=idle" in response["Location"]
    page = client.get(response["Location"])
    assert "You were signed out because you had not done anything for 15 minutes" in page.text


def test_session_ends_after_the_maximum_length(client: Client, signed_in: Any) -> None:
    signed_in("referrer")
    session = client.session
    session[SIGNED_IN_AT] = time.time() - 11 * 3600
    session.save()
    response = client.get("/")
    assert "timeout=max" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_keep_alive_needs_a_session(client: Client, signed_in: Any, db: Any) -> None:
    anonymous = Client()
    assert anonymous.post("/session/keep-alive/")["Location"].startswith("/sign-in/")
    signed_in("referrer")
    assert client.post("/session/keep-alive/").json() == {"idle_seconds": 900}


def test_account_page_shows_sign_in_methods_and_offers_a_passkey(
    client: Client, signed_in: Any
) -> None:
    signed_in("referrer")
    page = client.get("/account/")
    assert page.status_code == 200
    assert "Authenticator app" in page.text
    assert "Add a passkey" in page.text
    assert 'id="otp_webauthn_config"' in page.text


def test_passkey_registration_needs_full_sign_in(client: Client, make_user: Any) -> None:
    user = make_user("referrer")
    password_step(client, user.username)
    response = client.post("/webauthn/registration/begin/", content_type="application/json")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/verify/"


def test_disabling_a_signed_in_user_ends_their_session(client: Client, signed_in: Any) -> None:
    user = signed_in("referrer")
    assert client.get("/").status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get("/")
    assert "timeout=disabled" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_disabling_the_agency_ends_its_users_sessions(client: Client, signed_in: Any) -> None:
    user = signed_in("referrer")
    type(user.agency).objects.filter(pk=user.agency_id).update(is_active=False)
    assert "timeout=disabled" in client.get("/")["Location"]
