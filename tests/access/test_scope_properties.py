"""Property test: across generated agencies, users, involvements, restrictions and grants, no
list, search or detail shows a record outside the user's scope, and none hides one inside it.

The oracle below is a plain-Python statement of the need-to-know rules, independent of the
query that `lantern.access.scopes` builds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.access.models import AccessGrant, Involvement, Restriction
from lantern.access.scopes import scope
from lantern.accounts.models import Team, User
from lantern.people.models import Person
from tests.access.factories import person
from tests.access.test_matrix import AGENCY_WIDE, PARTNERSHIP
from tests.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["referrer", "social_worker", "police_officer", "mash_triage_worker", "auditor"]


@dataclass(frozen=True)
class World:
    users: list[tuple[int, str, bool]]  # (agency index, role, in the agency's team)
    involvements: list[tuple[int, int, bool]]  # (record, user, via the user's team)
    restrictions: list[tuple[int, tuple[int, ...]]]  # (record, named users)
    grants: list[tuple[int, int, bool]]  # (record, user, still live)


@st.composite
def worlds(draw: Any) -> World:
    n_users = draw(st.integers(2, 5))
    n_records = draw(st.integers(1, 6))
    users = [
        (draw(st.integers(0, 2)), draw(st.sampled_from(ROLES)), draw(st.booleans()))
        for _ in range(n_users)
    ]
    record, user = st.integers(0, n_records - 1), st.integers(0, n_users - 1)
    involvements = draw(st.lists(st.tuples(record, user, st.booleans()), max_size=8))
    restricted = draw(st.lists(record, unique=True, max_size=2))
    restrictions = [(r, tuple(draw(st.lists(user, unique=True, max_size=2)))) for r in restricted]
    grants = draw(st.lists(st.tuples(record, user, st.booleans()), max_size=3))
    return World(users, involvements, restrictions, grants)


def n_records(world: World) -> int:
    used = [i[0] for i in world.involvements] + [g[0] for g in world.grants]
    return 1 + max(used + [r for r, _ in world.restrictions] + [0])


def oracle(world: World, who: int) -> set[int]:
    """Record indexes user `who` may see, by the rules as the trust issue states them."""
    agency, role, in_team = world.users[who]
    named = dict(world.restrictions)
    # Each involvement is of a user, or (when asked for and the user is in a team) of the
    # team of that user's agency.
    user_involved: set[tuple[int, int]] = set()  # (record, user)
    team_involved: set[tuple[int, int]] = set()  # (record, agency whose team it is)
    for record, user, via_team in world.involvements:
        if via_team and world.users[user][2]:
            team_involved.add((record, world.users[user][0]))
        else:
            user_involved.add((record, user))
    visible = set()
    for record in range(n_records(world)):
        if record in named:
            if who in named[record]:
                visible.add(record)
            continue
        agencies = {world.users[u][0] for r, u in user_involved if r == record}
        agencies |= {a for r, a in team_involved if r == record}
        if (
            role in PARTNERSHIP
            or (record, who) in user_involved
            or (in_team and (record, agency) in team_involved)
            or (role in AGENCY_WIDE and agency in agencies)
            or any(r == record and u == who and live for r, u, live in world.grants)
        ):
            visible.add(record)
    return visible


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.get(user=user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session["lantern_signed_in_at"] = timezone.now().timestamp()
    session.save()
    return client


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_no_list_search_or_detail_leaks_across_scopes(world: World, db: Any) -> None:
    with transaction.atomic():
        agencies = [AgencyFactory(kind="childrens_social_care") for _ in range(3)]
        teams = [Team.objects.create(agency=a, name=f"Team of {a.name}") for a in agencies]
        users = []
        for agency, role, in_team in world.users:
            user = UserFactory(roles=[role], agency=agencies[agency])
            if in_team:
                user.teams.add(teams[agency])
            users.append(user)
        records = [person(family_name=f"Record{i}") for i in range(n_records(world))]
        person_type = ContentType.objects.get_for_model(Person)
        for rec, u, via_team in world.involvements:
            owner = users[u]
            if via_team and world.users[u][2]:
                Involvement.objects.create(
                    content_type=person_type,
                    object_id=records[rec].pk,
                    kind="allocated_team",
                    team=teams[world.users[u][0]],
                )
            else:
                Involvement.objects.create(
                    content_type=person_type,
                    object_id=records[rec].pk,
                    kind="professional",
                    user=owner,
                )
        for rec, named in world.restrictions:
            restriction = Restriction.objects.create(
                content_type=person_type,
                object_id=records[rec].pk,
                reason="other",
                explanation="Property test",
                owner=users[0],
                review_due=timezone.localdate() + timedelta(days=30),
            )
            restriction.members.set([users[i] for i in named])
        now = timezone.now()
        for rec, u, live in world.grants:
            AccessGrant.objects.create(
                content_type=person_type,
                object_id=records[rec].pk,
                user=users[u],
                kind="break_glass",
                reason="other",
                explanation="Property test",
                granted_by=users[u],
                starts_at=now - timedelta(hours=2),
                expires_at=now + timedelta(hours=1) if live else now - timedelta(hours=1),
            )

        for who, user in enumerate(users):
            expected = {str(records[i].pk) for i in oracle(world, who)}
            assert {str(p.pk) for p in scope(user, Person.objects.all())} == expected
            client = verified_client(user)
            listing = client.get("/people/")
            shown = {str(p.pk) for p in records if f"/people/{p.pk}/" in listing.text}
            assert shown == expected
            search = client.get("/people/?q=Record")
            assert {str(p.pk) for p in records if f"/people/{p.pk}/" in search.text} == expected
            for record in records:
                status = client.get(f"/people/{record.pk}/").status_code
                assert (status == 200) == (str(record.pk) in expected), (who, record)
        transaction.set_rollback(True)
