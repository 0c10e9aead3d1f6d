"""Adding a missing rule: the service (version 1, its key from its name, the same checks as an
edit, a clear refusal for a name in use) and the page (kind first, then settings), each
permission with its denied twin; and a new rule fires like the partnership's defaults."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from lantern.access.models import AuditEvent
from lantern.missing.models import MissingRule, RuleFiring
from lantern.missing.services import rule_create, rule_edit
from lantern.people.models import Person
from tests.access.factories import person
from tests.conftest import sign_in
from tests.missing.factories import at, frozen, report, returned

pytestmark = pytest.mark.django_db

FIELDS: dict[str, Any] = {
    "name": "2 or more episodes in 14 days",
    "description": "A fortnight's repeat episodes, for children placed out of area.",
    "enabled": True,
    "evaluated_on": "reported",
    "parameters": {"count": 2, "days": 14},
    "task_title": "Talk to the placing authority",
    "task_detail": "Agree who holds the strategy discussion.",
    "owner_team": None,
    "owner_role": "missing_coordinator",
    "due_timescale": "",
    "due_working_days": 2,
}


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    return make_user("missing_coordinator")


@pytest.fixture
def child() -> Person:
    return person(given_names="Rowan", family_name="Ashby", date_of_birth=date(2011, 5, 4))


def _signed_in(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_a_new_rule_is_version_1_keyed_by_its_name_and_audited(coordinator: Any) -> None:
    with frozen(at(2026, 11, 2, 9, 0)):
        rule = rule_create(
            request=None, actor=coordinator, kind="episodes_in_window", fields=FIELDS
        )
    assert (rule.key, rule.number, rule.valid_to) == ("2_or_more_episodes_in_14_days", 1, None)
    assert rule.valid_from == at(2026, 11, 2, 9, 0)
    assert rule.created_by == coordinator
    event = AuditEvent.objects.get(action="missing.rule_created")
    assert event.actor == coordinator
    assert event.detail == {
        "key": rule.key,
        "kind": "episodes_in_window",
        "parameters": {"count": 2, "days": 14},
    }


def test_a_new_rule_fires_for_the_next_episode_like_the_defaults(
    coordinator: Any, child: Person, make_user: Any
) -> None:
    officer = make_user("police_officer")
    first = report(officer, child, last_seen=at(2026, 11, 1, 20, 0))
    returned(officer, first, at=at(2026, 11, 2, 8, 0))
    with frozen(at(2026, 11, 3, 9, 0)):
        rule = rule_create(
            request=None, actor=coordinator, kind="episodes_in_window", fields=FIELDS
        )
    assert not RuleFiring.objects.filter(rule_key=rule.key).exists()  # it does not look back
    second = report(officer, child, last_seen=at(2026, 11, 10, 20, 0))
    firing = RuleFiring.objects.get(rule_key=rule.key)
    assert (firing.episode, firing.rule) == (second, rule)
    assert firing.why.startswith("2 episodes in the last 14 days")
    assert firing.task.title.startswith("Talk to the placing authority")
    assert firing.task.owner_role == "missing_coordinator"


def test_a_name_in_use_is_refused_and_a_key_once_used_is_not_reused(coordinator: Any) -> None:
    rule = rule_create(request=None, actor=coordinator, kind="episodes_in_window", fields=FIELDS)
    with pytest.raises(ValidationError) as refusal:
        rule_create(
            request=None,
            actor=coordinator,
            kind="risk_grade",
            fields=FIELDS
            | {"name": "2 OR MORE episodes in 14 days", "parameters": {"grades": ["high"]}},
        )
    assert "is already in use" in refusal.value.message_dict["name"][0]
    # Renamed, the old name is free again; a new rule of that name gets a key of its own, so
    # the firings of the first rule's versions never mix with the new rule's.
    rule_edit(request=None, actor=coordinator, rule=rule, changes={"name": "Fortnight repeats"})
    again = rule_create(request=None, actor=coordinator, kind="episodes_in_window", fields=FIELDS)
    assert again.key == "2_or_more_episodes_in_14_days_2"
    assert MissingRule.objects.filter(valid_to__isnull=True, key__startswith="2_or").count() == 2


def test_settings_that_do_not_suit_the_kind_are_refused_and_nothing_is_saved(
    coordinator: Any,
) -> None:
    before = MissingRule.objects.count()
    with pytest.raises(ValidationError) as refusal:
        rule_create(
            request=None,
            actor=coordinator,
            kind="episodes_in_window",
            fields=FIELDS | {"parameters": {"count": 1, "days": 14, "grades": ["high"]}},
        )
    assert refusal.value.message_dict["parameters"] == [
        "“grades” is not a setting of this kind of rule.",
        "The number of episodes must be between 2 and 50.",
    ]
    with pytest.raises(ValidationError) as unknown:
        rule_create(request=None, actor=coordinator, kind="moon_phase", fields=FIELDS)
    assert unknown.value.message_dict["kind"] == ["Choose what kind of rule this is."]
    with pytest.raises(ValidationError) as owner:
        rule_create(
            request=None,
            actor=coordinator,
            kind="episodes_in_window",
            fields=FIELDS | {"owner_role": "night_watch"},
        )
    assert owner.value.message_dict["owner_role"] == ["Choose a role that exists."]
    assert MissingRule.objects.count() == before
    assert not AuditEvent.objects.filter(action="missing.rule_created").exists()


FORM = {
    "name": "Missing over 6 hours",
    "enabled": "on",
    "evaluated_on": "closed",
    "limit_timescale": "",
    "hours": "6",
    "task_title": "Review the police response",
    "owner": "role:missing_coordinator",
    "due_timescale": "",
    "due_working_days": "3",
}


def test_a_coordinator_adds_a_rule_through_the_page(coordinator: Any) -> None:
    client = _signed_in(coordinator)
    listing = client.get("/missing/rules/").content.decode()
    assert 'href="/missing/rules/new/"' in listing
    chooser = client.get("/missing/rules/new/")
    assert chooser.status_code == 200
    assert "What should the rule look for?" in chooser.content.decode()
    wrong = client.get("/missing/rules/new/?kind=moon_phase")
    assert wrong.status_code == 400
    assert "Select a valid choice" in wrong.content.decode()
    for nothing in ("?kind=", "?chosen=1"):  # "Continue" with no kind chosen
        empty = client.get(f"/missing/rules/new/{nothing}")
        assert empty.status_code == 400
        assert "Choose what the rule looks for." in empty.content.decode()
    page = client.get("/missing/rules/new/?kind=missing_longer_than")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Missing longer than (hours)" in text
    assert "Number of episodes" not in text  # only this kind's settings
    url = "/missing/rules/new/?kind=missing_longer_than"
    both = client.post(url, FORM | {"limit_timescale": "missing_open_escalation"})
    assert both.status_code == 400
    assert "either as a timescale or as a number of hours" in both.content.decode()
    assert 'value="Review the police response"' in both.content.decode()  # answers kept
    saved = client.post(url, FORM, follow=True)
    assert saved.redirect_chain == [("/missing/rules/", 302)]
    assert "Added “Missing over 6 hours”: it is checked from now on." in saved.content.decode()
    rule = MissingRule.objects.get(key="missing_over_6_hours")
    assert (rule.kind, rule.parameters, rule.evaluated_on) == (
        "missing_longer_than",
        {"hours": 6},
        "closed",
    )
    assert (rule.due_working_days, rule.owner_role) == (3, "missing_coordinator")
    again = client.post(url, FORM)
    assert again.status_code == 400
    assert "“Missing over 6 hours” is already in use" in again.content.decode()
    assert MissingRule.objects.filter(name="Missing over 6 hours").count() == 1


def test_those_who_do_not_configure_rules_may_not_add_one(make_user: Any) -> None:
    chair = _signed_in(make_user("panel_chair"))
    assert 'href="/missing/rules/new/"' not in chair.get("/missing/rules/").content.decode()
    assert chair.get("/missing/rules/new/?kind=risk_grade").status_code == 403
    refused = chair.post("/missing/rules/new/?kind=missing_longer_than", FORM)
    assert refused.status_code == 403
    officer = _signed_in(make_user("police_officer"))
    assert officer.post("/missing/rules/new/?kind=missing_longer_than", FORM).status_code == 403
    assert not MissingRule.objects.filter(name="Missing over 6 hours").exists()
