"""Settings and shared pieces every module relies on."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from config.settings import base
from lantern.accounts.passwords import ContextDenyListValidator, MaximumLengthValidator
from lantern.core.models import Code, CodeList


def test_passwords_are_hashed_with_argon2_in_every_real_environment() -> None:
    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_production_settings_are_strict(monkeypatch: Any) -> None:
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    production = importlib.import_module("config.settings.production")
    production = importlib.reload(production)
    assert production.SECURE_HSTS_SECONDS >= 31536000
    assert production.SESSION_COOKIE_SECURE
    assert production.CSRF_COOKIE_SECURE
    assert production.SECURE_SSL_REDIRECT
    assert production.LANTERN_DEMO_MODE is False
    assert production.DEBUG is False


def test_production_refuses_to_start_without_a_secret(monkeypatch: Any) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        importlib.reload(importlib.import_module("config.settings.production"))


@pytest.mark.parametrize(
    "password", ["lantern", "Lantern2026!", "fenbridge123", "P@ssword1", "safeguarding!!"]
)
def test_context_words_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        ContextDenyListValidator().validate(password)


@pytest.mark.parametrize("password", ["copper-meadow-otter", "lantern-harbour-thistle-bee"])
def test_three_random_words_are_accepted(password: str) -> None:
    ContextDenyListValidator().validate(password)


def test_very_long_passwords_are_refused() -> None:
    MaximumLengthValidator().validate("a" * 128)
    with pytest.raises(ValidationError):
        MaximumLengthValidator().validate("a" * 129)


@pytest.mark.django_db
def test_agency_types_are_a_current_code_list() -> None:
    codes = set(Code.objects.in_list("agency_type").current().values_list("code", flat=True))
    assert codes == {
        "childrens_social_care",
        "police",
        "education",
        "health",
        "youth_justice",
        "voluntary_sector",
        "local_authority_other",
        "community",
    }


@pytest.mark.django_db
def test_code_validity_is_checked_by_the_database() -> None:
    from datetime import date

    code_list = CodeList.objects.create(key="test_list", name="Test")
    with pytest.raises(IntegrityError), transaction.atomic():
        Code.objects.create(
            code_list=code_list,
            code="X",
            label="X",
            valid_from=date(2026, 1, 1),
            valid_to=date(2025, 1, 1),
        )
    Code.objects.create(code_list=code_list, code="Y", label="Y", valid_to=date(2020, 1, 1))
    assert not Code.objects.in_list("test_list").current().filter(code="Y").exists()


@pytest.mark.django_db
def test_row_history_records_changes_even_from_bulk_updates(client: Any, signed_in: Any) -> None:
    from lantern.accounts.models import Agency

    signed_in("system_administrator")
    agency_type = Code.objects.in_list("agency_type").get(code="health")
    client.post(
        "/administration/agencies/new/", {"name": "Fenside Clinic", "agency_type": agency_type.pk}
    )
    agency = Agency.objects.get(name="Fenside Clinic")
    Agency.objects.filter(pk=agency.pk).update(name="Fenside Health Centre")  # bulk: no save()
    events = agency.events.order_by("pgh_created_at")  # type: ignore[attr-defined]
    assert [e.pgh_label for e in events] == ["insert", "update"]
    assert [e.name for e in events] == ["Fenside Clinic", "Fenside Health Centre"]
    assert events[0].pgh_context.metadata["url"] == "/administration/agencies/new/"


@pytest.mark.django_db
def test_history_rows_cannot_be_rewritten() -> None:
    from lantern.accounts.models import Agency

    agency_type = Code.objects.in_list("agency_type").get(code="health")
    agency = Agency.objects.create(name="Castlegate Clinic", agency_type=agency_type)
    with pytest.raises(Exception, match="append"), transaction.atomic():
        agency.events.update(name="forged")  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_password_hashes_stay_out_of_history(make_user: Any) -> None:
    user = make_user("referrer")
    user.set_password("a-new-password-for-history")
    user.save()
    snapshot_fields = {f.name for f in user.events.model._meta.fields}  # type: ignore[attr-defined]
    assert "password" not in snapshot_fields


def test_nightly_runs_at_the_configured_time_each_day() -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from lantern.core.management.commands.lantern_scheduler import next_run

    london = ZoneInfo("Europe/London")
    evening = datetime(2026, 11, 27, 23, 30, tzinfo=london)
    assert next_run(evening, "02:00") == datetime(2026, 11, 28, 2, 0, tzinfo=london)
    early = datetime(2026, 11, 27, 1, 0, tzinfo=london)
    assert next_run(early, "02:00") == datetime(2026, 11, 27, 2, 0, tzinfo=london)


@pytest.mark.django_db
def test_the_nightly_task_runs_the_nightly_jobs() -> None:
    from io import StringIO

    from django.core.management import call_command

    from lantern.access.models import AuditEvent

    out = StringIO()
    call_command("lantern_scheduler", "--once", stdout=out)  # immediate backend in tests
    assert "Queued" in out.getvalue()
    assert AuditEvent.objects.filter(action="audit.chain_verified").exists()
