"""Scoring is exact: every band boundary and every time window of the shipped instruments."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from lantern.assessments.scoring import (
    answer_errors,
    compute,
    months_before,
    points_by_group,
    window_for_date,
)
from tests.assessments.factories import published

pytestmark = pytest.mark.django_db

ON = date(2026, 11, 15)


@pytest.fixture
def seraf() -> dict[str, Any]:
    return published("seraf").definition


def keys(definition: dict[str, Any], group: str) -> list[str]:
    return [i["key"] for i in definition["items"] if i["group"] == group]


def ticked(definition: dict[str, Any], group: str, count: int) -> dict[str, Any]:
    return dict.fromkeys(keys(definition, group)[:count], True)


def test_vulnerabilities_and_moderate_indicators_score_one_point_each(seraf: Any) -> None:
    answers = ticked(seraf, "vulnerability", 3) | ticked(seraf, "moderate", 2)
    assert compute(seraf, answers, assessed_on=ON).score == 5
    assert points_by_group(seraf, answers, ON) == {
        "vulnerability": 3,
        "moderate": 2,
        "significant": 0,
    }


@pytest.mark.parametrize(
    ("vulnerabilities", "moderate", "score", "band"),
    [
        (0, 0, 0, "Not at risk"),
        (5, 0, 5, "Not at risk"),
        (5, 1, 6, "Mild"),
        (10, 0, 10, "Mild"),
        (10, 1, 11, "Moderate"),
        (10, 5, 15, "Moderate"),
        (10, 6, 16, "Significant"),
        (10, 10, 20, "Significant"),
    ],
)
def test_band_boundaries(
    seraf: Any, vulnerabilities: int, moderate: int, score: int, band: str
) -> None:
    answers = ticked(seraf, "vulnerability", vulnerabilities) | ticked(seraf, "moderate", moderate)
    result = compute(seraf, answers, assessed_on=ON)
    assert (result.score, result.band, result.suggestion) == (score, band, band)


@pytest.mark.parametrize(
    ("windows", "points"),
    [([], 0), (["current"], 5), (["earlier"], 1), (["current", "earlier"], 6)],
)
def test_significant_indicator_by_window(seraf: Any, windows: list[str], points: int) -> None:
    item = keys(seraf, "significant")[0]
    answers = {item: {"windows": windows, "last_seen": None}}
    assert compute(seraf, answers, assessed_on=ON).score == points


@pytest.mark.parametrize(
    ("last_seen", "points"),
    [
        (ON, 5),
        (date(2026, 5, 15), 5),  # exactly 6 months ago: current
        (date(2026, 5, 14), 1),  # 6 months and a day: 6 to 12 months ago
        (date(2025, 11, 15), 1),  # exactly 12 months ago
        (date(2025, 11, 14), 0),  # 12 months and a day: too long ago to score
    ],
)
def test_significant_indicator_by_date_last_seen(seraf: Any, last_seen: date, points: int) -> None:
    item = keys(seraf, "significant")[0]
    answers = {item: {"windows": [], "last_seen": last_seen.isoformat()}}
    assert answer_errors(seraf, answers, assessed_on=ON) == {}
    assert compute(seraf, answers, assessed_on=ON).score == points


def test_seen_earlier_and_last_seen_recently_is_both(seraf: Any) -> None:
    item = keys(seraf, "significant")[0]
    answers = {item: {"windows": ["earlier"], "last_seen": "2026-10-01"}}
    assert compute(seraf, answers, assessed_on=ON).score == 6


def test_month_ends_are_clamped() -> None:
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 1, 15), -3) == date(2026, 4, 15)


def test_a_date_after_the_assessment_is_in_no_window(seraf: Any) -> None:
    assert window_for_date(seraf, ON + timedelta(days=1), ON) is None


def test_answer_errors_name_the_item(seraf: Any) -> None:
    significant = keys(seraf, "significant")
    label = next(i["label"] for i in seraf["items"] if i["key"] == significant[0])
    errors = answer_errors(
        seraf,
        {
            "no-such-item": True,
            significant[0]: {"windows": [], "last_seen": "2026-11-16"},
            significant[1]: {"windows": ["current"], "last_seen": "2026-01-01"},
            significant[2]: {"windows": ["last-year"]},
        },
        assessed_on=ON,
    )
    assert (
        errors["no-such-item"] == "“no-such-item” is not an item of this version of the instrument."
    )
    assert errors[significant[0]] == (
        f"{label}: the date last seen cannot be after the date of the assessment."
    )
    assert "you said it was seen within the last 6 months" in errors[significant[1]]
    assert "choose from the time windows" in errors[significant[2]]


def test_twelve_sections_count_levels_and_suggest_the_highest() -> None:
    definition = published("risk-management-12").definition
    sections = [i["key"] for i in definition["items"]]
    assert len(sections) == 12
    answers = {key: {"level": "low", "note": ""} for key in sections}
    result = compute(definition, answers, assessed_on=ON)
    assert result.level_counts == {"High": 0, "Medium": 0, "Low": 12}
    assert result.suggestion == "Low"
    answers[sections[3]] = {"level": "medium", "note": "Cannabis most days"}
    answers[sections[6]] = {"level": "high", "note": "Holding drugs for older boys"}
    answers[sections[9]] = {"level": "medium", "note": ""}
    result = compute(definition, answers, assessed_on=ON)
    assert result.level_counts == {"High": 1, "Medium": 2, "Low": 9}
    assert (result.score, result.suggestion) == (None, "High")


def test_every_section_must_be_rated() -> None:
    definition = published("risk-management-12").definition
    errors = answer_errors(definition, {}, assessed_on=ON)
    assert len(errors) == 12
    assert errors["missing"] == (
        "1. Missing from home, care or education: choose a level (High, Medium, Low)."
    )


def test_the_checklist_has_no_computed_result() -> None:
    definition = published("exploitation-checklist").definition
    answers = dict.fromkeys([i["key"] for i in definition["items"]], True)
    assert compute(definition, answers, assessed_on=ON) == (None, "", {}, "")
