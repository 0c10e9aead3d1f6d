"""Scoring: pure functions of a definition, the answers and the assessment date.

Answers are a JSON object keyed by item:

- a `flag` item: `true` when ticked (absent or `false` otherwise);
- a `windowed` item: `{"windows": [window keys], "last_seen": "YYYY-MM-DD" or null}`;
- a `rating` item: `{"level": level key, "note": text}`.

A windowed item scores its weight for every window it was seen in: the windows ticked, and the
window that the date it was last seen falls in. For SERAF's significant indicators that is 5
for the last 6 months, 1 for 6 to 12 months ago, so 6 for both.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any, NamedTuple

from lantern.assessments.instruments import group_kind


class Result(NamedTuple):
    score: int | None  # a scored tool's total; None when the tool does not score
    band: str  # the band the score falls in; "" when the tool has no bands
    level_counts: dict[str, int]  # a sections tool: how many sections at each level
    suggestion: str  # the computed result the judgement is compared with; "" for none


def months_before(day: date, months: int) -> date:
    """The same day of the month `months` earlier (the month's last day when it is shorter)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def parse_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def window_for_date(definition: dict[str, Any], seen: date, assessed_on: date) -> str | None:
    """The time window a date falls in. A window of months [from, to) covers the days from
    exactly `to` months before the assessment date up to, but not including, exactly `from`
    months before it (the first window runs to the assessment date itself). So a date exactly
    6 months back is in the 0-6 window; 6 months and a day back is in the 6-12 window; more
    than the last window's months back is in none and scores nothing."""
    if seen > assessed_on:
        return None
    for window in definition.get("windows", []):
        oldest = months_before(assessed_on, window["months_to"])
        newest = months_before(assessed_on, window["months_from"])
        if oldest <= seen and (seen < newest or window["months_from"] == 0):
            return str(window["key"])
    return None


def windows_seen(definition: dict[str, Any], answer: Any, assessed_on: date) -> list[str]:
    """The windows a windowed item was seen in, in the definition's order."""
    if not isinstance(answer, dict):
        return []
    seen = set(answer.get("windows") or [])
    last_seen = parse_day(answer.get("last_seen"))
    if last_seen is not None:
        derived = window_for_date(definition, last_seen, assessed_on)
        if derived:
            seen.add(derived)
    return [w["key"] for w in definition.get("windows", []) if w["key"] in seen]


def item_points(
    definition: dict[str, Any], item: dict[str, Any], answer: Any, assessed_on: date
) -> int:
    kind = group_kind(definition, item)
    if kind == "flag":
        return int(item.get("weight", 0)) if answer is True else 0
    if kind == "windowed":
        weights = item.get("weights", {})
        return sum(int(weights.get(w, 0)) for w in windows_seen(definition, answer, assessed_on))
    return 0


def points_by_group(
    definition: dict[str, Any], answers: dict[str, Any], assessed_on: date
) -> dict[str, int]:
    """How the score was reached: the points of each group, in the definition's order."""
    totals = {group["key"]: 0 for group in definition["groups"]}
    for item in definition["items"]:
        totals[item["group"]] += item_points(
            definition, item, answers.get(item["key"]), assessed_on
        )
    return totals


def band_for(definition: dict[str, Any], score: int) -> dict[str, Any] | None:
    for band in definition.get("bands", []):
        if score >= band["min"] and (band["max"] is None or score <= band["max"]):
            return dict(band)
    return None


def compute(definition: dict[str, Any], answers: dict[str, Any], *, assessed_on: date) -> Result:
    """The computed result: a scored tool's total and band (which is also the suggestion); a
    sections tool's count per level, suggesting the highest level any section is rated at; a
    tool without a computed result gives nothing, and the judgement stands alone."""
    if not definition.get("computed"):
        return Result(None, "", {}, "")
    if definition.get("bands"):
        score = sum(points_by_group(definition, answers, assessed_on).values())
        band = band_for(definition, score)
        label = band["label"] if band else ""
        return Result(score, label, {}, label)
    levels = definition.get("levels", [])
    counts = {level["label"]: 0 for level in reversed(levels)}  # highest first
    rank = {level["key"]: index for index, level in enumerate(levels)}
    highest = -1
    for item in definition["items"]:
        answer = answers.get(item["key"])
        if isinstance(answer, dict) and answer.get("level") in rank:
            level = levels[rank[answer["level"]]]
            counts[level["label"]] += 1
            highest = max(highest, rank[answer["level"]])
    return Result(None, "", counts, levels[highest]["label"] if highest >= 0 else "")


def answer_errors(definition: dict[str, Any], answers: Any, *, assessed_on: date) -> dict[str, str]:
    """What is wrong with the answers, by item key ("" for the answers as a whole). Checks
    that every answer is for an item of this version, has the right shape, that every rated
    section is rated, and that a date last seen is not after the assessment and agrees with
    the windows ticked."""
    if not isinstance(answers, dict):
        return {"": "The answers must be an object keyed by item."}
    errors: dict[str, str] = {}
    items = {item["key"]: item for item in definition["items"]}
    for key in answers:
        if key not in items:
            errors[key] = f"“{key}” is not an item of this version of the instrument."
    windows = {w["key"]: w for w in definition.get("windows", [])}
    levels = {level["key"] for level in definition.get("levels", [])}
    for key, item in items.items():
        kind, answer, label = group_kind(definition, item), answers.get(key), item["label"]
        if kind == "flag":
            if answer is not None and not isinstance(answer, bool):
                errors[key] = f"{label}: the answer must be ticked or not."
        elif kind == "rating":
            rated = answer if isinstance(answer, dict) else {}
            if rated.get("level") not in levels:
                names = ", ".join(lv["label"] for lv in reversed(definition["levels"]))
                errors[key] = f"{label}: choose a level ({names})."
            elif not isinstance(rated.get("note", ""), str):
                errors[key] = f"{label}: the note must be text."
        elif answer is not None:
            message = _windowed_error(windows, answer, label, assessed_on)
            if message:
                errors[key] = message
    return errors


def _windowed_error(
    windows: dict[str, dict[str, Any]], answer: Any, label: str, assessed_on: date
) -> str:
    if not isinstance(answer, dict):
        return f"{label}: the answer must say when it was seen."
    ticked = answer.get("windows") or []
    if not isinstance(ticked, list) or any(w not in windows for w in ticked):
        return f"{label}: choose from the time windows of this instrument."
    raw = answer.get("last_seen")
    if raw in (None, ""):
        return ""
    seen = parse_day(raw)
    if seen is None:
        return f"{label}: the date last seen must be a real date."
    if seen > assessed_on:
        return f"{label}: the date last seen cannot be after the date of the assessment."
    return next(
        (
            f"{label}: you said it was seen {windows[key]['label'].lower()}, but the date last "
            f"seen ({seen:%-d %B %Y}) is before that."
            for key in ticked
            if seen < months_before(assessed_on, windows[key]["months_to"])
        ),
        "",
    )
