"""The synthetic demo partnership: complete, deterministic, and demo-only."""

from __future__ import annotations

from collections import Counter
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from lantern.accounts.models import Agency, Role, User
from lantern.accounts.roles import RoleCode
from lantern.demo.generator import generate

pytestmark = pytest.mark.django_db
PASSWORD = "amber-heron-quartz-31"


class RollbackError(Exception):
    pass


def test_fenbridge_has_the_partnership_the_issue_describes() -> None:
    generate(password=PASSWORD)
    types = Counter(Agency.objects.values_list("agency_type__code", flat=True))
    assert types["education"] == 42  # 12 secondary and 30 primary schools
    assert types["police"] == 1
    assert types["childrens_social_care"] == 1
    assert types["voluntary_sector"] == 2
    assert types["youth_justice"] == 1
    assert types["health"] >= 2
    names = set(Agency.objects.values_list("name", flat=True))
    assert len([n for n in names if "Primary" in n or "Infant" in n]) == 30
    assert 55 <= User.objects.count() <= 65
    for role in RoleCode:
        assert User.objects.filter(roles__code=role, is_active=True).exists(), role
    assert TOTPDevice.objects.filter(confirmed=True).count() == User.objects.count()


def test_the_same_seed_gives_the_same_partnership() -> None:
    def usernames() -> list[str]:
        return sorted(User.objects.values_list("username", flat=True))

    try:
        with transaction.atomic():
            generate(password=PASSWORD, seed=7)
            first = usernames()
            raise RollbackError
    except RollbackError:
        pass
    assert not User.objects.exists()
    generate(password=PASSWORD, seed=7)
    assert usernames() == first


def test_a_demo_user_can_sign_in_with_the_printed_code(client: Client) -> None:
    generate(password=PASSWORD)
    admin = User.objects.filter(roles__code="system_administrator", is_active=True).first()
    assert admin is not None
    out = StringIO()
    call_command("demo_totp", admin.username, stdout=out)
    code = out.getvalue().split()[0]
    client.post("/sign-in/", {"username": admin.username, "password": PASSWORD})
    assert client.post("/sign-in/verify/", {"code": code}).status_code == 302
    assert client.get("/administration/").status_code == 200


@override_settings(LANTERN_DEMO_MODE=False)
@pytest.mark.parametrize("command", [["demo_totp", "anyone"], ["demo_seed"], ["demo_credentials"]])
def test_demo_commands_are_refused_outside_demo_mode(command: list[str]) -> None:
    with pytest.raises(CommandError, match="only works in demo mode"):
        call_command(*command)


def test_roles_in_the_database_match_the_policy_codes() -> None:
    assert set(Role.objects.values_list("code", flat=True)) == {r.value for r in RoleCode}


def test_seed_command_loads_once(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.setattr("lantern.demo.credentials.STATE_DIR", tmp_path)
    out = StringIO()
    call_command("demo_seed", "--if-empty", stdout=out)
    assert "Generated Fenbridge" in out.getvalue()
    call_command("demo_seed", "--if-empty", stdout=out)
    assert "already loaded" in out.getvalue()
    creds = StringIO()
    call_command("demo_credentials", stdout=creds)
    assert (tmp_path / "demo-password").read_text() in creds.getvalue()
    assert "System administrator" in creds.getvalue()


def test_demo_children_have_workers_schools_and_a_story() -> None:
    from lantern.access.models import Involvement, Restriction
    from lantern.access.scopes import scope
    from lantern.chronology.models import ChronologyEntry
    from lantern.people.models import Person

    ctx = generate(password=PASSWORD)
    children = Person.objects.filter(kind="child").exclude(immigration_status="uasc")
    # Whole households are made, so the last one may take the count a little over.
    assert ctx.size.people // 5 <= children.count() < ctx.size.people // 5 + 3
    unaccompanied = Person.objects.filter(immigration_status="uasc")
    assert unaccompanied.count() == 5
    assert {p.birth_precision for p in unaccompanied} == {"estimated"}
    assert ctx.people > children.count()  # their parents and carers too
    # A child old enough to have the exploitation story (younger brothers and sisters are
    # part of the family's plan), ordered fully so the same child is chosen on every run.
    child = (
        children.exclude(id__in=Restriction.objects.values("object_id"))
        .filter(born_latest__lte=date(2018, 11, 27))
        .order_by("family_name", "given_names", "date_of_birth")
        .first()
    )
    assert child is not None
    kinds = set(Involvement.objects.filter(object_id=child.pk).values_list("kind", flat=True))
    assert {"allocated_worker", "allocated_team", "professional"} <= kinds
    story = ChronologyEntry.objects.filter(person=child).exclude(link_type="referrals.referral")
    assert 3 <= story.count() <= 8
    worker = Involvement.objects.get(object_id=child.pk, kind="allocated_worker").user
    assert child in scope(worker, Person.objects.all())
    assert Restriction.objects.filter(lifted_at__isnull=True).count() == 1


def test_demo_families_live_somewhere_go_to_school_and_some_are_looked_after() -> None:
    from lantern.people.models import (
        Address,
        Enrolment,
        LegalStatus,
        Person,
        PersonName,
        Relationship,
    )

    generate(password=PASSWORD)
    children = Person.objects.filter(kind="child")
    assert PersonName.objects.filter(kind="legal").count() == Person.objects.count()
    assert PersonName.objects.filter(kind="nickname").exists()
    # Everyone has a current address with a point on the (made-up) map.
    current = Address.objects.filter(valid_to__isnull=True)
    assert current.values("person").distinct().count() == Person.objects.count()
    assert not current.filter(latitude__isnull=True).exists()
    looked_after = LegalStatus.objects.filter(kind="looked_after")
    assert looked_after.count() >= 20
    assert looked_after.filter(placed_out_of_area=True).exists()
    assert looked_after.exclude(placing_authority="Fenbridge City Council").exists()
    assert Enrolment.objects.filter(person__in=children).count() >= children.count() * 0.7
    siblings = Relationship.objects.filter(kind="sibling").count()
    assert siblings >= 50
    assert Relationship.objects.filter(kind="parent", lives_with=True).count() >= children.count()
    assert set(Person.objects.values_list("ethnicity__code", flat=True)) >= {"WBRI", "APKN"}
    # Every child has a worker, unaccompanied children included.
    from lantern.access.models import Involvement

    allocated = Involvement.objects.filter(kind="allocated_worker").values("object_id")
    assert not children.exclude(id__in=allocated).exists()


def test_the_mash_queue_looks_like_a_working_morning() -> None:
    """A month of referrals from every kind of agency: most decided and authorised by a
    second manager, the newest still open: some not yet rated, some waiting for a manager,
    some overdue; strategy discussions and joint enquiries for the serious ones."""
    from django.db.models import Count, F

    from lantern.accounts.models import Agency
    from lantern.referrals.models import Decision, Referral, Section47Enquiry
    from lantern.referrals.selectors import QueueFilter, triage_queue

    ctx = generate(password=PASSWORD)
    referrals = Referral.objects.all()
    assert referrals.count() == ctx.referrals == 260
    by_agency_type = dict(
        referrals.values_list("referrer_agency__agency_type__code")
        .annotate(n=Count("pk"))
        .values_list("referrer_agency__agency_type__code", "n")
    )
    assert {"police", "education", "health", "childrens_social_care"} <= set(by_agency_type)
    assert by_agency_type["police"] > by_agency_type["health"]
    exploitation = referrals.filter(exploitation_concern="yes").count()
    assert 0.08 * 260 < exploitation < 0.35 * 260
    decided = referrals.filter(status="decided")
    assert decided.count() > 200
    # Every decision in force was authorised by someone other than the worker who proposed it.
    authorised = Decision.objects.filter(state="authorised")
    assert authorised.count() == decided.count()
    assert not authorised.filter(reviewed_by=F("proposed_by")).exists()
    assert Section47Enquiry.objects.filter(joint=True).exists()
    manager = next(u for u in ctx.users if u.has_role("mash_manager"))
    queue = triage_queue(manager, QueueFilter())
    statuses = {row.status for row in queue.rows}
    assert queue.total >= 10
    assert {"submitted", "awaiting_authorisation"} <= statuses
    assert queue.counts["unrated"] >= 1
    assert queue.counts["overdue"] >= 1
    assert Agency.objects.filter(referrals_made__isnull=False).distinct().count() >= 6
