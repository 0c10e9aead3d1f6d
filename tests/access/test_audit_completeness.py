"""Every page that shows personal data writes exactly the audit events it should."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lantern.access.models import AuditEvent, Restriction
from lantern.access.policy import action_of, rule_for
from lantern.chronology.services import chronology_append
from lantern.people.models import Flag
from tests.access.factories import involve, person

pytestmark = pytest.mark.django_db

# route -> (query string, the events one GET must write, in order)
EXPECTED: dict[str, tuple[str, list[str]]] = {
    "people:list": ("", ["person.listed"]),
    "people:person": ("", ["person.viewed"]),
    "people:access-log": ("", ["record.access_log_viewed"]),
    "people:restrict": ("", ["person.viewed"]),
    "people:note-new": ("", ["person.viewed"]),
    "people:identifier-new": ("", ["person.viewed"]),
    "people:flag-new": ("", ["person.viewed"]),
    "people:flag-end": ("", ["person.viewed"]),
    "people:voice-new": ("", ["person.viewed"]),
    "people:restriction-review": ("", ["person.viewed"]),
    "people:addendum-new": ("", ["person.viewed"]),
    "people:chronology-export": ("", ["person.viewed", "chronology.exported"]),
    "administration:users": ("", ["admin.users_listed"]),
    "administration:user": ("", ["admin.user_viewed"]),
    "access:report": ("", ["audit.report_viewed"]),
}
EXTRA_READS = [
    ("people:list", "?q=Ashby", ["person.searched"]),
    ("access:report", "?format=csv", ["audit.report_exported"]),
]


def personal_data_routes(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every route whose declared action is marked as showing personal data."""
    resolver = resolver or get_resolver()
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names += personal_data_routes(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            rule = rule_for(action_of(entry.callback))
            if rule is not None and rule.personal_data:
                names.append(f"{namespace}:{entry.name}")
    return names


def test_every_personal_data_route_has_expectations() -> None:
    assert sorted(personal_data_routes()) == sorted(EXPECTED)


def test_each_read_writes_exactly_its_events(make_user: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("mash_manager", "system_administrator", "auditor")
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session["lantern_signed_in_at"] = 9e12
    session.save()
    child = person()
    involve(child, user=user, kind="allocated_worker")
    entry = chronology_append(
        person=child, kind="note", summary="First contact", occurred_at=timezone.now()
    )
    flag = Flag.objects.create(
        person=child,
        kind="missing_risk",
        reason="x",
        owner=user,
        review_due=timezone.localdate(),
    )
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(child),
        object_id=child.pk,
        reason="other",
        explanation="x",
        owner=user,
        review_due=timezone.localdate() + timedelta(days=5),
    )
    restriction.members.set([user])
    ids = {
        "people:addendum-new": {"pk": child.pk, "entry": entry.pk},
        "people:note-new": {"pk": child.pk},
        "people:identifier-new": {"pk": child.pk},
        "people:flag-new": {"pk": child.pk},
        "people:flag-end": {"pk": child.pk, "flag": flag.pk},
        "people:voice-new": {"pk": child.pk},
        "people:restriction-review": {"pk": child.pk},
        "people:person": {"pk": child.pk},
        "people:access-log": {"pk": child.pk},
        "people:restrict": {"pk": child.pk},
        "people:chronology-export": {"pk": child.pk},
        "administration:user": {"pk": user.pk},
    }
    reads = [(name, *EXPECTED[name]) for name in EXPECTED] + EXTRA_READS
    for name, query, events in reads:
        before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        response = client.get(reverse(name, kwargs=ids.get(name, {})) + query)
        assert response.status_code == 200, name
        written = list(
            AuditEvent.objects.filter(seq__gt=before)
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert written == events, name
        assert all(
            e.actor == user and e.request_id for e in AuditEvent.objects.filter(seq__gt=before)
        ), name
