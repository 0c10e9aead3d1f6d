"""The missing rules: each default rule fires at its boundary and not before it, once per
episode, with its version, a task, a chronology entry, an audit event and notifications;
escalation of children still missing with frozen time across a weekend and the October clock
change; editing a rule makes a new version; the pages, each with its denied twin."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from lantern.access.models import AuditEvent, Restriction
from lantern.chronology.models import ChronologyEntry
from lantern.core.deadlines import add_working_hours, working_day_length
from lantern.core.models import Notification, Task, TaskStatus
from lantern.missing.models import Episode, MissingRule, RuleFiring
from lantern.missing.services import (
    episode_close,
    episode_grade,
    interview_complete,
    parameter_errors,
    rule_edit,
    rules_escalate,
    rules_evaluate,
)
from lantern.people.models import Flag, Person, Relationship
from tests.access.factories import involve, person
from tests.conftest import sign_in
from tests.factories import TeamFactory
from tests.missing.factories import at, frozen, grade, outcome, report, returned

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("police_officer")


@pytest.fixture
def coordinator(make_user: Any) -> Any:
    return make_user("missing_coordinator")


@pytest.fixture
def child() -> Person:
    return person(given_names="Rowan", family_name="Ashby", date_of_birth=date(2011, 5, 4))


def episode_of(
    actor: Any, child: Person, last_seen: datetime, back: datetime | None = None, **details: Any
) -> Episode:
    episode = report(actor, child, last_seen=last_seen, **details)
    if back is not None:
        episode = returned(actor, episode, at=back)
    return episode


def fired(key: str, episode: Episode | None = None) -> list[RuleFiring]:
    firings = RuleFiring.objects.filter(rule_key=key).select_related("rule", "task")
    if episode is not None:
        firings = firings.filter(episode=episode)
    return list(firings)


def close(episode: Episode, coordinator: Any, when: datetime, worker: Any) -> Episode:
    with frozen(when - timedelta(hours=1)):
        interview_complete(
            request=None,
            actor=worker,
            episode=episode,
            outcome=outcome("offered_accepted"),
            where_went="A friend's flat",
        )
    episode.refresh_from_db()
    with frozen(when):
        return episode_close(
            request=None, actor=coordinator, episode=episode, oversight_comment="Reviewed."
        )


# --- 3 or more episodes in 90 days -------------------------------------------------------------


def test_three_episodes_within_89_days_fire_the_repeat_rule(
    officer: Any, coordinator: Any, child: Person
) -> None:
    first = episode_of(officer, child, at(2026, 8, 1, 20, 0), at(2026, 8, 2, 9, 0))
    second = episode_of(officer, child, at(2026, 9, 15, 20, 0), at(2026, 9, 16, 9, 0))
    assert fired("repeat_missing") == []  # two are not enough
    third = episode_of(officer, child, at(2026, 10, 29, 20, 0))  # 89 days after the first
    (firing,) = fired("repeat_missing")
    assert firing.episode == third
    assert firing.child == child
    assert firing.rule.number == 1
    assert firing.moment == "reported"
    assert firing.why == (
        f"3 episodes in the last 90 days: {first.reference}, {second.reference}, {third.reference}"
    )
    # The task: the missing coordinators', due 5 working days after it fired.
    task = firing.task
    assert task.title == f"Hold a missing strategy meeting ({third.reference})"
    assert task.owner_role == "missing_coordinator"
    assert task.status == TaskStatus.OPEN
    fired_at = third.reported_at + timedelta(minutes=1)
    assert task.due_at == add_working_hours(fired_at, 5 * working_day_length())
    assert task.person == child
    assert task.object_id == third.pk
    assert Notification.objects.filter(user=coordinator, link="/missing/tasks/").count() == 1
    entry = ChronologyEntry.objects.get(person=child, summary__startswith="Missing rule")
    assert entry.summary == (
        f"Missing rule: 3 or more episodes in 90 days ({third.reference}) — hold a missing "
        "strategy meeting due by Thu 5 Nov 2026, 17:00"  # 5 working days from Fri 09:00
    )
    assert entry.significance == "significant"
    assert entry.detail == firing.why
    event = AuditEvent.objects.get(action="missing.rule_fired")
    assert event.detail["rule"] == "repeat_missing"
    assert event.detail["version"] == 1


def test_three_episodes_across_91_days_do_not_fire(officer: Any, child: Person) -> None:
    episode_of(officer, child, at(2026, 8, 1, 20, 0), at(2026, 8, 2, 9, 0))
    episode_of(officer, child, at(2026, 9, 15, 20, 0), at(2026, 9, 16, 9, 0))
    episode_of(officer, child, at(2026, 10, 31, 20, 0))  # 91 days after the first
    assert fired("repeat_missing") == []
    assert not Task.objects.exists()


# --- Any episode while an exploitation flag is open ------------------------------------------


def _flag(
    child: Person, owner: Any, kind: str, when: datetime, ended: datetime | None = None
) -> None:
    with frozen(when):
        Flag.objects.create(
            person=child,
            kind=kind,
            reason="Seen getting into cars with older men",
            owner=owner,
            review_due=date(2027, 1, 1),
            ended_at=ended,
            ended_reason="Plan completed" if ended else "",
        )


def test_an_episode_while_an_exploitation_flag_is_open_fires(officer: Any, child: Person) -> None:
    _flag(child, officer, "criminal_exploitation", at(2026, 10, 1, 12, 0))
    episode = episode_of(officer, child, at(2026, 11, 20, 21, 0))
    (firing,) = fired("missing_while_flagged", episode)
    assert firing.why == (
        "Missing while a flag was open: Risk of criminal exploitation (open since 1 October 2026)"
    )


def test_an_ended_or_other_flag_does_not_fire(officer: Any, child: Person) -> None:
    _flag(child, officer, "sexual_exploitation", at(2026, 9, 1, 12, 0), ended=at(2026, 10, 1, 9, 0))
    _flag(child, officer, "learning_disability", at(2026, 9, 1, 12, 0))
    episode_of(officer, child, at(2026, 11, 20, 21, 0))
    assert fired("missing_while_flagged") == []


# --- A high risk grade --------------------------------------------------------------------------


def test_a_high_grade_fires_and_a_medium_one_does_not(officer: Any, child: Person) -> None:
    medium = episode_of(officer, child, at(2026, 11, 1, 20, 0), at(2026, 11, 2, 9, 0))
    assert fired("high_risk") == []
    high = episode_of(officer, child, at(2026, 11, 20, 21, 0), risk="high")
    (firing,) = fired("high_risk")
    assert firing.episode == high != medium
    assert firing.why == "Police risk grade: high risk (graded 20 November 2026 22:00)"
    # High risk: the meeting is due within 1 working day (Friday 22:01 -> Monday 17:00).
    assert firing.task.due_at == at(2026, 11, 23, 17, 0)


def test_a_grade_raised_to_high_fires_when_the_episode_closes(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    episode = episode_of(officer, child, at(2026, 11, 2, 20, 0))
    with frozen(at(2026, 11, 2, 23, 0)):
        episode_grade(
            request=None,
            actor=officer,
            episode=episode,
            grade=grade("high"),
            sources="Officer: seen with known adults",
        )
    returned(officer, episode, at=at(2026, 11, 3, 8, 0))
    assert fired("high_risk") == []  # grades are checked at report and at close
    close(episode, coordinator, at(2026, 11, 5, 10, 0), make_user("return_interview_worker"))
    (firing,) = fired("high_risk")
    assert firing.moment == "closed"


# --- Found with an adult of concern -------------------------------------------------------------


def _associate(child: Person, born: date, kind: str = "associate") -> Person:
    adult = person(given_names="Dean", family_name="Carter", date_of_birth=born)
    Relationship.objects.create(
        person=child,
        kind=kind,
        other=adult,
        source="Police intelligence",
        valid_from=date(2026, 1, 1),
    )
    return adult


def test_found_with_an_adult_associate_fires_at_close(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    _associate(child, date(1996, 3, 3))
    episode = episode_of(officer, child, at(2026, 11, 2, 20, 0))
    returned(
        officer, episode, at=at(2026, 11, 3, 8, 0), returned_with="a man, dean carter, and a girl"
    )
    close(episode, coordinator, at(2026, 11, 5, 10, 0), make_user("return_interview_worker"))
    (firing,) = fired("found_with_adult_of_concern")
    assert firing.why.startswith("Found with Dean Carter: an adult the young person's record")
    assert "(associate, partner, boyfriend or girlfriend)" in firing.why


@pytest.mark.parametrize(
    "case",
    [
        (date(2009, 1, 1), "Dean Carter", "associate"),  # 17 on the day: not an adult
        (date(1996, 3, 3), "Dean and a friend", "associate"),  # not his full name
        (date(1996, 3, 3), "Dean Carter", "sibling"),  # not a relationship the rule names
        (date(1996, 3, 3), "Deano Carterson", "associate"),  # whole words only
    ],
)
def test_found_with_someone_else_does_not_fire(
    officer: Any, coordinator: Any, child: Person, make_user: Any, case: tuple[date, str, str]
) -> None:
    born, returned_with, kind = case
    _associate(child, born, kind)
    episode = episode_of(officer, child, at(2026, 11, 2, 20, 0))
    returned(officer, episode, at=at(2026, 11, 3, 8, 0), returned_with=returned_with)
    close(episode, coordinator, at(2026, 11, 5, 10, 0), make_user("return_interview_worker"))
    assert fired("found_with_adult_of_concern") == []


# --- Missing longer than the escalation limit ---------------------------------------------------


def test_escalation_over_a_weekend_counts_real_hours_once(
    officer: Any, coordinator: Any, child: Person
) -> None:
    episode = episode_of(officer, child, at(2026, 11, 20, 18, 0))  # Friday evening
    with frozen(at(2026, 11, 21, 17, 59)):
        assert rules_escalate() == []
    with frozen(at(2026, 11, 21, 18, 0)):  # Saturday: 24 hours, weekend or not
        (firing,) = rules_escalate()
    assert firing.episode == episode
    assert firing.moment == "still_open"
    assert firing.why == (
        "Missing for more than 24 hours: last seen 20 November 2026 18:00, still missing at "
        "21 November 2026 18:00"
    )
    # Due within 1 working day of Saturday 18:00: Monday at close of play.
    assert firing.task.due_at == at(2026, 11, 23, 17, 0)
    with frozen(at(2026, 11, 21, 18, 15)):
        assert rules_escalate() == []  # once per episode
    assert Notification.objects.filter(user=coordinator).count() == 1


def test_escalation_across_the_october_clock_change(officer: Any, child: Person) -> None:
    episode_of(officer, child, at(2026, 10, 24, 12, 0))  # Saturday 12:00 BST
    gmt_10_59 = datetime(2026, 10, 25, 10, 59, tzinfo=UTC)  # 23 h 59 min later
    with frozen(gmt_10_59):
        assert rules_escalate() == []
    with frozen(datetime(2026, 10, 25, 11, 0, tzinfo=UTC)):  # 11:00 GMT: 24 elapsed hours
        (firing,) = rules_escalate()
    assert "still missing at 25 October 2026 11:00" in firing.why


def test_escalation_tells_every_coordinator_even_when_a_team_owns_the_task(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    team = TeamFactory()
    member = make_user("social_worker")
    member.teams.add(team)
    rule = MissingRule.objects.get(key="missing_over_24_hours", valid_to__isnull=True)
    with frozen(at(2026, 11, 1, 9, 0)):
        rule_edit(
            request=None,
            actor=coordinator,
            rule=rule,
            changes={"owner_team": team, "owner_role": ""},
        )
    episode = episode_of(officer, child, at(2026, 11, 20, 18, 0))
    with frozen(at(2026, 11, 21, 18, 0)):
        (firing,) = rules_escalate()
    assert firing.task.owner_team == team
    assert firing.rule.number == 2
    assert Notification.objects.get(user=member).subject.startswith("New task: Hold a missing")
    assert Notification.objects.get(user=coordinator).subject == (
        f"Escalation: a young person still missing ({episode.reference})"
    )
    # The owning team now follows the episode.
    from lantern.missing.selectors import visible_episodes

    assert list(visible_episodes(member)) == [episode]


def test_a_long_episode_fires_at_close_and_a_short_one_does_not(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    worker = make_user("return_interview_worker")
    short = episode_of(officer, child, at(2026, 11, 2, 20, 0), at(2026, 11, 3, 19, 59))
    close(short, coordinator, at(2026, 11, 5, 10, 0), worker)
    assert fired("missing_over_24_hours") == []
    long = episode_of(officer, child, at(2026, 11, 10, 20, 0), at(2026, 11, 11, 20, 0))
    close(long, coordinator, at(2026, 11, 13, 10, 0), worker)
    (firing,) = fired("missing_over_24_hours")
    assert firing.episode == long
    assert firing.moment == "closed"


# --- Once per episode, versions, broken rules ---------------------------------------------------


def test_a_rule_fires_once_per_episode_across_its_versions(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    episode = episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    rules_evaluate(episode=episode, moment="reported", actor=officer, request=None)
    (first,) = fired("high_risk")
    rule = first.rule
    with frozen(at(2026, 11, 3, 9, 0)):
        newer = rule_edit(
            request=None,
            actor=coordinator,
            rule=rule,
            changes={"due_working_days": 2},
            expected_number=1,
        )
    assert newer.number == 2
    assert newer.valid_to is None
    rule.refresh_from_db()
    assert rule.valid_to == at(2026, 11, 3, 9, 0)
    returned(officer, episode, at=at(2026, 11, 3, 10, 0))
    close(episode, coordinator, at(2026, 11, 5, 10, 0), make_user("return_interview_worker"))
    (still,) = fired("high_risk")
    assert still.pk == first.pk
    assert still.rule.number == 1  # the old firing keeps version 1
    # A new episode fires under version 2, with its new deadline.
    later = episode_of(officer, child, at(2026, 11, 20, 20, 0), risk="high")
    (new_firing,) = fired("high_risk", later)
    assert new_firing.rule == newer
    assert new_firing.task.due_at == add_working_hours(
        later.reported_at + timedelta(minutes=1), 2 * working_day_length()
    )


def test_editing_from_a_stale_copy_or_with_bad_settings_is_refused(coordinator: Any) -> None:
    rule = MissingRule.objects.get(key="repeat_missing")
    with pytest.raises(ValidationError) as bad:
        rule_edit(
            request=None,
            actor=coordinator,
            rule=rule,
            changes={"parameters": {"count": 1, "days": "ninety", "weeks": 2}},
        )
    assert bad.value.message_dict["parameters"] == [
        "“weeks” is not a setting of this kind of rule.",
        "The number of episodes must be between 2 and 50.",
        "The number of days must be a whole number, like 2.",
    ]
    rule_edit(request=None, actor=coordinator, rule=rule, changes={"name": "Three in ninety"})
    with pytest.raises(ValidationError, match="newer version"):
        rule_edit(request=None, actor=coordinator, rule=rule, changes={"name": "Again"})
    current = MissingRule.objects.get(key="repeat_missing", valid_to__isnull=True)
    with pytest.raises(ValidationError, match="Nothing has changed"):
        rule_edit(request=None, actor=coordinator, rule=current, changes={})
    assert MissingRule.objects.filter(key="repeat_missing").count() == 2


@pytest.mark.parametrize(
    ("kind", "parameters", "message"),
    [
        ("risk_grade", {"grades": ["severe"]}, "Risk grades: severe not known."),
        ("risk_grade", {"grades": []}, "Risk grades: choose at least one."),
        ("missing_longer_than", {"hours": 24, "timescale": "x"}, "either as a number of hours"),
        ("missing_longer_than", {"timescale": "nope"}, "There is no timescale “nope”."),
        ("open_exploitation_flag", {"flag_kinds": "trafficking"}, "must be a list of codes"),
        (
            "found_with_adult_of_concern",
            {"relationship_kinds": ["professional"]},
            "professional not known",
        ),
    ],
)
def test_parameters_are_checked_per_kind(kind: str, parameters: Any, message: str) -> None:
    assert any(message in error for error in parameter_errors(kind, parameters))


def test_a_broken_rule_never_stops_a_report(officer: Any, child: Person) -> None:
    MissingRule.objects.filter(key="high_risk").update(due_timescale="gone", due_working_days=None)
    episode = episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    assert Episode.objects.filter(pk=episode.pk).exists()
    assert fired("high_risk") == []
    failure = AuditEvent.objects.get(action="missing.rule_failed")
    assert failure.outcome == "failure"
    assert failure.detail["rule"] == "high_risk"


def test_a_switched_off_rule_does_not_fire(officer: Any, coordinator: Any, child: Person) -> None:
    rule = MissingRule.objects.get(key="high_risk")
    rule_edit(request=None, actor=coordinator, rule=rule, changes={"enabled": False})
    episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    assert fired("high_risk") == []


def test_the_escalation_command_runs(officer: Any, child: Person) -> None:
    from io import StringIO

    from django.core.management import call_command

    episode_of(officer, child, at(2026, 11, 20, 18, 0))
    out = StringIO()
    with frozen(at(2026, 11, 22, 9, 0)):
        call_command("missing_escalate", stdout=out)
    assert out.getvalue().strip() == "1 escalation(s) made."


def test_the_scheduler_queues_the_escalation_every_15_minutes() -> None:
    from lantern.core.management.commands.lantern_scheduler import next_periodic
    from lantern.core.tasks import PERIODIC

    assert PERIODIC["missing_escalate"] == 15
    assert next_periodic(at(2026, 11, 27, 9, 7, 30), 15) == at(2026, 11, 27, 9, 15)
    assert next_periodic(at(2026, 11, 27, 9, 15), 15) == at(2026, 11, 27, 9, 30)
    assert next_periodic(at(2026, 11, 27, 23, 50), 15) == at(2026, 11, 28, 0, 0)


# --- Pages ------------------------------------------------------------------------------------


def _signed_in(user: Any) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_coordinators_see_the_rules_and_how_often_they_fired(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    page = _signed_in(coordinator).get("/missing/rules/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "3 or more episodes in 90 days" in text
    assert "1 time" in text
    assert "/missing/rules/high_risk/edit/" in text
    # A panel chair reads the figures but cannot edit; a social worker sees neither.
    chair = _signed_in(make_user("panel_chair"))
    chair_page = chair.get("/missing/rules/")
    assert chair_page.status_code == 200
    assert "/edit/" not in chair_page.content.decode()
    assert chair.get("/missing/rules/high_risk/edit/").status_code == 403
    assert _signed_in(make_user("social_worker")).get("/missing/rules/").status_code == 403
    assert AuditEvent.objects.filter(action="missing.rules_listed", actor=coordinator).exists()


def test_editing_a_rule_through_the_page_makes_a_new_version(
    coordinator: Any, make_user: Any
) -> None:
    client = _signed_in(coordinator)
    page = client.get("/missing/rules/repeat_missing/edit/")
    assert page.status_code == 200
    assert 'value="90"' in page.content.decode()
    form = {
        "name": "3 or more episodes in 60 days",
        "enabled": "on",
        "evaluated_on": "reported",
        "count": "3",
        "days": "60",
        "task_title": "Hold a missing strategy meeting",
        "owner": "role:missing_coordinator",
        "due_timescale": "",
        "due_working_days": "5",
        "number": "1",
    }
    bad = client.post("/missing/rules/repeat_missing/edit/", form | {"count": "1", "days": "x"})
    assert bad.status_code == 400
    assert "Enter 2 episodes or more." in bad.content.decode()
    assert "Enter the number of days as a whole number, like 90." in bad.content.decode()
    neither = client.post("/missing/rules/repeat_missing/edit/", form | {"due_working_days": ""})
    assert "either as a timescale or as a number of working days" in neither.content.decode()
    saved = client.post("/missing/rules/repeat_missing/edit/", form)
    assert saved.status_code == 302
    current = MissingRule.objects.get(key="repeat_missing", valid_to__isnull=True)
    assert (current.number, current.parameters) == (2, {"count": 3, "days": 60})
    changed = AuditEvent.objects.get(action="missing.rule_edited").detail["changed"]
    assert {"name", "parameters"} <= set(changed)
    # The same form again, from the now stale version 1, is refused.
    stale = client.post("/missing/rules/repeat_missing/edit/", form | {"name": "Other"})
    assert stale.status_code == 400
    assert "newer version" in stale.content.decode()
    # A police officer may not edit the rules.
    officer = _signed_in(make_user("police_officer"))
    assert officer.post("/missing/rules/repeat_missing/edit/", form).status_code == 403


def _restrict(child: Person, owner: Any) -> None:
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=child.pk,
        reason="other",
        explanation="Sensitive",
        owner=owner,
        review_due=timezone.localdate() + timedelta(days=30),
    )
    restriction.members.set([owner])


def test_the_firings_page_shows_what_fired_for_episodes_the_user_may_see(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    episode = episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    hidden = person(given_names="Sky", family_name="Moreno", date_of_birth=date(2012, 2, 2))
    episode_of(officer, hidden, at(2026, 11, 3, 20, 0), risk="high")
    _restrict(hidden, officer)
    page = _signed_in(coordinator).get("/missing/rules/firings/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Rowan Ashby" in text
    assert episode.reference in text
    assert "Police risk grade" in text
    assert "Moreno" not in text  # restricted: only those named on the restriction
    event = AuditEvent.objects.get(action="missing.rule_firings_listed")
    assert event.detail["shown"] == [str(episode.pk)]
    # A partnership coordinator reads the figures but sees no child they are not involved with.
    partnership = make_user("partnership_coordinator")
    assert "Rowan" not in _signed_in(partnership).get("/missing/rules/firings/").content.decode()
    involve(child, user=partnership)
    assert "Rowan" in _signed_in(partnership).get("/missing/rules/firings/").content.decode()
    # A return interview worker may not see the firings at all.
    worker = _signed_in(make_user("return_interview_worker"))
    assert worker.get("/missing/rules/firings/").status_code == 403


def test_tasks_page_lists_own_and_team_tasks_and_hides_restricted_names(
    officer: Any, coordinator: Any, child: Person, make_user: Any
) -> None:
    episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    hidden = person(given_names="Sky", family_name="Moreno", date_of_birth=date(2012, 2, 2))
    episode_of(officer, hidden, at(2026, 11, 3, 20, 0), risk="high")
    _restrict(hidden, officer)
    client = _signed_in(coordinator)
    with frozen(at(2026, 11, 4, 9, 0)):
        sign_in(client, coordinator)
        page = client.get("/missing/tasks/")
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count("/done/") == 2
    assert "Rowan Ashby" in text
    assert "Moreno" not in text
    assert "A young person with a restricted record" in text
    # Each due 1 working day after it fired: Tuesday and Wednesday at close of play.
    assert "Overdue since Tue 3 Nov, 17:00" in text
    assert "Due Wed 4 Nov, 17:00" in text
    # Someone who owns no task sees none.
    other = _signed_in(make_user("social_worker"))
    assert "Hold a missing strategy" not in other.get("/missing/tasks/").content.decode()
    task = Task.objects.get(person=child)
    assert other.get(f"/missing/tasks/{task.pk}/done/").status_code == 404
    assert (
        other.post(f"/missing/tasks/{task.pk}/done/", {"outcome": "done", "note": "x"}).status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="task.listed", actor=coordinator).exists()


def test_marking_a_task_done_needs_a_note(officer: Any, coordinator: Any, child: Person) -> None:
    episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    task = Task.objects.get(person=child)
    client = _signed_in(coordinator)
    page = client.get(f"/missing/tasks/{task.pk}/done/")
    assert page.status_code == 200
    assert "Police risk grade: high risk" in page.content.decode()
    empty = client.post(f"/missing/tasks/{task.pk}/done/", {"outcome": "done", "note": " "})
    assert empty.status_code == 400
    assert "Say what was done, or why it is no longer needed." in empty.content.decode()
    done = client.post(
        f"/missing/tasks/{task.pk}/done/",
        {"outcome": "done", "note": "Strategy meeting held on 4 November."},
    )
    assert done.status_code == 302
    task.refresh_from_db()
    assert task.status == "done"
    assert task.completed_by == coordinator
    assert task.completion_note == "Strategy meeting held on 4 November."
    assert AuditEvent.objects.filter(action="task.completed", object_id=str(task.pk)).exists()
    home = client.get("/")
    assert "open task" not in home.content.decode()


def test_my_work_counts_open_tasks(officer: Any, coordinator: Any, child: Person) -> None:
    episode_of(officer, child, at(2026, 11, 2, 20, 0), risk="high")
    home = _signed_in(coordinator).get("/")
    assert "1 open task for you or your team" in home.content.decode()
