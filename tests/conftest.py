from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.models import User
from tests.factories import PASSWORD, UserFactory


def current_code(user: User) -> str:
    device = TOTPDevice.objects.get(user=user)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(client: Client, user: User) -> None:
    """The whole journey: password, then the authenticator code."""
    response = client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    # A code is accepted once; tests sign in again within the same 30-second step.
    TOTPDevice.objects.filter(user=user).update(last_t=-1)
    response = client.post("/sign-in/verify/", {"code": current_code(user)})
    assert response.status_code == 302, response.content


@pytest.fixture
def make_user(db: Any) -> Callable[..., User]:
    def make(*roles: str, **kwargs: Any) -> User:
        return UserFactory(roles=list(roles), **kwargs)

    return make


@pytest.fixture
def signed_in(client: Client, make_user: Callable[..., User]) -> Callable[..., User]:
    """Sign the test client in, fully verified, as a new user with the given roles."""

    def as_user(*roles: str, **kwargs: Any) -> User:
        user = make_user(*roles, **kwargs)
        sign_in(client, user)
        return user

    return as_user


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache (the database under it is rolled back per test,
    so anything cached from an earlier test would describe rows that are gone)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _no_axes_cache_leak(settings: Any) -> None:
    # Lockout counts live in the database (rolled back per test); keep the default limit.
    settings.AXES_FAILURE_LIMIT = 5
