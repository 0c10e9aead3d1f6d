"""Completing an assessment: validation, override, chronology, audit, versions."""

from __future__ import annotations

import copy
import uuid
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from lantern.access.models import AuditEvent
from lantern.assessments.models import Assessment
from lantern.assessments.selectors import assessments_for_context, latest_assessments
from lantern.assessments.services import instrument_version_draft, instrument_version_publish
from lantern.chronology.models import ChronologyEntry
from tests.access.factories import person
from tests.assessments.factories import complete, published

pytestmark = pytest.mark.django_db


def moderate_answers() -> dict[str, Any]:
    """Score 12: five vulnerabilities, two moderate indicators, one significant now."""
    definition = published("seraf").definition
    groups: dict[str, list[str]] = {}
    for item in definition["items"]:
        groups.setdefault(item["group"], []).append(item["key"])
    return (
        dict.fromkeys(groups["vulnerability"][:5], True)
        | dict.fromkeys(groups["moderate"][:2], True)
        | {groups["significant"][0]: {"windows": ["current"], "last_seen": None}}
    )


def test_completing_scores_saves_and_writes_the_chronology(make_user: Any) -> None:
    worker = make_user("social_worker")
    child = person()
    assessment = complete(child, worker, answers=moderate_answers(), judgement="Moderate")
    assert (assessment.computed_score, assessment.computed_band) == (12, "Moderate")
    assert assessment.review_due == date(2027, 2, 1)
    entry = ChronologyEntry.objects.get(person=child, kind="assessment")
    assert entry.summary == "SERAF-style screening: Moderate (score 12); judgement Moderate"
    assert entry.significance == "significant"
    assert (entry.link_type, entry.link_id) == ("assessments.assessment", assessment.pk)
    event = AuditEvent.objects.get(action="assessment.completed")
    assert event.detail["score"] == 12
    assert event.object_id == str(child.pk)


def test_a_low_result_is_routine(make_user: Any) -> None:
    complete(person(), make_user("social_worker"), answers={}, judgement="Not at risk")
    assert ChronologyEntry.objects.get(kind="assessment").significance == "routine"


def test_override_without_a_reason_is_refused(make_user: Any) -> None:
    worker, child = make_user("social_worker"), person()
    with pytest.raises(ValidationError) as raised:
        complete(child, worker, answers=moderate_answers(), judgement="Significant")
    assert raised.value.message_dict == {
        "override_reason": [
            "Explain why your judgement differs from the computed result (Moderate)."
        ]
    }
    assert not Assessment.objects.exists()
    override = complete(
        child,
        worker,
        answers=moderate_answers(),
        judgement="Significant",
        override_reason="She disclosed being taken to a hotel last week.",
    )
    assert override.overridden
    assert (
        "differs from the computed result" in ChronologyEntry.objects.get(kind="assessment").detail
    )


def test_the_database_refuses_an_override_without_a_reason(make_user: Any) -> None:
    assessment = complete(person(), make_user("social_worker"), judgement="Not at risk")
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(judgement="Mild")


def test_answers_are_checked_against_the_definition(make_user: Any) -> None:
    worker = make_user("social_worker")
    with pytest.raises(ValidationError) as raised:
        complete(
            person(),
            worker,
            answers={"no-such-item": True},
            judgement="Nonsense",
            exploitation_models=["grooming"],
            assessed_on=date(2099, 1, 1),
        )
    errors = raised.value.message_dict
    assert errors["assessed_on"] == ["The date of the assessment cannot be in the future."]
    assert errors["judgement"] == ["Choose your professional judgement."]
    assert errors["exploitation_models"] == ["Not a model of exploitation: grooming."]


def test_the_checklist_needs_only_a_judgement(make_user: Any) -> None:
    assessment = complete(
        person(),
        make_user("school_safeguarding_lead"),
        key="exploitation-checklist",
        answers={"missing-or-late": True, "trusted-adult": True},
        judgement="At risk of exploitation",
        exploitation_models=["boyfriend_peer", "online"],
    )
    assert (assessment.computed_score, assessment.computed_band) == (None, "")
    entry = ChronologyEntry.objects.get(kind="assessment")
    assert entry.summary == (
        "Exploitation checklist and professional judgement: judgement At risk of exploitation"
    )
    assert entry.significance == "significant"


def test_twelve_sections_summary(make_user: Any) -> None:
    definition = published("risk-management-12").definition
    answers = {i["key"]: {"level": "low", "note": ""} for i in definition["items"]}
    answers["coercion"] = {"level": "high", "note": "Holding drugs"}
    assessment = complete(
        person(),
        make_user("police_officer"),
        key="risk-management-12",
        answers=answers,
        judgement="High",
    )
    assert assessment.level_counts == {"High": 1, "Medium": 0, "Low": 11}
    assert ChronologyEntry.objects.get(kind="assessment").summary == (
        "Exploitation risk management (12 sections): highest level High "
        "(1 High, 0 Medium, 11 Low); judgement High"
    )


def test_a_new_version_leaves_older_results_on_theirs(make_user: Any) -> None:
    worker, coordinator, child = (
        make_user("social_worker"),
        make_user("partnership_coordinator"),
        person(),
    )
    first = complete(child, worker, answers=moderate_answers(), judgement="Moderate")
    old = published("seraf")
    definition = copy.deepcopy(old.definition)
    definition["bands"][2]["max"] = 11
    definition["bands"][3]["min"] = 12
    draft = instrument_version_draft(
        request=None,
        actor=coordinator,
        instrument=old.instrument,
        definition=definition,
        notes="Significant from 12.",
    )
    assert draft.number == 2
    instrument_version_publish(request=None, actor=coordinator, version=draft)
    old.refresh_from_db()
    assert old.status == "retired"
    second = complete(child, worker, answers=moderate_answers(), judgement="Significant")
    first.refresh_from_db()
    assert (first.instrument_version.number, first.computed_band) == (1, "Moderate")
    assert (second.instrument_version.number, second.computed_band) == (2, "Significant")


def test_a_retired_version_cannot_be_used(make_user: Any) -> None:
    old = published("seraf")
    draft = instrument_version_draft(
        request=None,
        actor=make_user("partnership_coordinator"),
        instrument=old.instrument,
        definition=old.definition,
        notes="Same again",
    )
    instrument_version_publish(request=None, actor=None, version=draft)
    old.refresh_from_db()
    with pytest.raises(ValidationError) as raised:
        complete(person(), make_user("social_worker"), version=old)
    assert raised.value.message_dict["instrument_version"] == [
        "Only a published version of an instrument can be used."
    ]


def test_selectors_latest_per_instrument_and_by_context(
    make_user: Any, django_assert_num_queries: Any
) -> None:
    worker, one, two = make_user("social_worker"), person(), person(family_name="Other")
    referral = uuid.uuid4()
    complete(one, worker, assessed_on=date(2026, 9, 1))
    newest = complete(
        one,
        worker,
        assessed_on=date(2026, 10, 1),
        context_type="referrals.referral",
        context_id=referral,
    )
    checklist = complete(one, worker, key="exploitation-checklist", judgement="No current concerns")
    other = complete(two, worker)
    with django_assert_num_queries(1):
        latest = latest_assessments([one.pk, two.pk])
        names = {
            pk: [a.instrument_version.instrument.name for a in rows] for pk, rows in latest.items()
        }
    assert [a.pk for a in latest[one.pk]] == [checklist.pk, newest.pk]
    assert [a.pk for a in latest[two.pk]] == [other.pk]
    assert names[two.pk] == ["SERAF-style screening"]
    with django_assert_num_queries(1):
        linked = assessments_for_context("referrals.referral", referral)
        assert [(a.pk, a.person.pk) for a in linked] == [(newest.pk, one.pk)]
    assert assessments_for_context("referrals.referral", "not-a-uuid") == []
