"""Assessment instruments as data: what a definition may say, and checking that it says it.

An instrument version's `definition` is a JSON object:

- `review_months`: how soon the assessment must be done again.
- `computed`: whether the answers give a result (a score and band, or a suggested level).
- `windows`: time windows (`key`, `label`, `months_from`, `months_to`), most recent first and
  back to back from 0 months, for items answered by when they were seen.
- `groups`: `key`, `label`, `hint` and the `kind` of every item in it: `flag` (ticked or not,
  worth `weight` points), `windowed` (ticked per time window, worth `weights[window]` points
  for each window it was seen in) or `rating` (a level chosen from `levels`, with a note).
- `items`: `key`, `label`, `hint`, `group`, and `weight` or `weights` as its group needs.
- `bands`: `label`, `min`, `max` (null for the last), `colour`, `significant`: a scored tool's
  bands, back to back from 0.
- `levels`: `key`, `label`, `colour`, `significant`, lowest first: a sections tool's levels.
- `judgements`: `label`, `colour`, `significant`: the professional judgements of a tool with
  neither bands nor levels.

The assessor's judgement is always one of the bands, else the levels, else the judgements; a
judgement marked `significant` makes the chronology entry significant.
"""

from __future__ import annotations

import json
import re
from typing import Any, TypeGuard

from django.core.exceptions import ValidationError

KINDS = ("scored", "checklist", "sections")
GROUP_KINDS = ("flag", "windowed", "rating")
COLOURS = (
    "grey",
    "green",
    "turquoise",
    "blue",
    "light-blue",
    "purple",
    "pink",
    "red",
    "orange",
    "yellow",
)
TOP_LEVEL = {
    "review_months",
    "computed",
    "windows",
    "groups",
    "items",
    "bands",
    "levels",
    "judgements",
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def parse_definition(text: str) -> dict[str, Any]:
    """The definition typed into the administration page, or a readable reason it is not
    JSON."""
    try:
        definition = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError(
            f"The definition is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}."
        ) from None
    if not isinstance(definition, dict):
        raise ValidationError("The definition must be a JSON object: { ... }.")
    return definition


def _name(kind: str, index: int, entry: Any) -> str:
    key = entry.get("key") or entry.get("label") if isinstance(entry, dict) else None
    return f"{kind} {index + 1}" + (f" (“{key}”)" if key else "")


def _is_int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_entries(
    definition: dict[str, Any], field: str, kind: str, errors: list[str], *, keyed: bool = True
) -> list[dict[str, Any]]:
    """The list under `field`, each entry an object with a label (and a unique slug key)."""
    entries = definition.get(field, [])
    if not isinstance(entries, list):
        errors.append(f"“{field}” must be a list.")
        return []
    good: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        name = _name(kind, index, entry)
        if not isinstance(entry, dict):
            errors.append(f"{name} must be an object.")
            continue
        if not isinstance(entry.get("label"), str) or not entry["label"].strip():
            errors.append(f"{name} needs a label.")
        ident = entry.get("key") if keyed else entry.get("label")
        if keyed and (not isinstance(ident, str) or not SLUG.match(ident)):
            errors.append(
                f"{name} needs a key of lower-case letters, digits, hyphens or underscores."
            )
        elif ident in seen:
            errors.append(f"{name}: the {'key' if keyed else 'label'} is used twice.")
        seen.add(str(ident))
        if "colour" in entry and entry["colour"] not in COLOURS:
            errors.append(f"{name}: the colour must be one of {', '.join(COLOURS)}.")
        if "significant" in entry and not isinstance(entry["significant"], bool):
            errors.append(f"{name}: “significant” must be true or false.")
        good.append(entry)
    return good


def _check_windows(windows: list[dict[str, Any]], errors: list[str]) -> None:
    expected_from = 0
    for index, window in enumerate(windows):
        name = _name("Time window", index, window)
        start, end = window.get("months_from"), window.get("months_to")
        if not (_is_int(start) and _is_int(end)) or start < 0 or end <= start:
            errors.append(f"{name} needs whole months_from and months_to, with from before to.")
            return
        if start != expected_from:
            errors.append(
                f"{name} must start at {expected_from} months: time windows run back to back "
                "from the assessment date, most recent first."
            )
            return
        expected_from = end


def _check_bands(bands: list[dict[str, Any]], errors: list[str]) -> None:
    expected_min = 0
    for index, band in enumerate(bands):
        name = _name("Band", index, band)
        low, high = band.get("min"), band.get("max")
        last = index == len(bands) - 1
        if low != expected_min or not _is_int(low):
            errors.append(
                f"{name} must start at {expected_min}: bands run back to back from 0, lowest first."
            )
            return
        if last and high is not None:
            errors.append(f"{name} is the last band, so its max must be null (no upper limit).")
        elif not last and (not _is_int(high) or high < low):
            errors.append(f"{name} needs a whole max at least as large as its min.")
            return
        expected_min = int(high or 0) + 1


def _weight_errors(name: str, item: dict[str, Any], kind: str, window_keys: set[str]) -> list[str]:
    if kind == "flag":
        weight = item.get("weight", 0)
        if not _is_int(weight) or weight < 0:
            return [f"{name}: the weight must be a whole number, 0 or more."]
        return []
    if kind == "rating":
        if "weight" in item or "weights" in item:
            return [f"{name} is rated by level, so it cannot have a weight."]
        return []
    weights = item.get("weights")
    if not isinstance(weights, dict) or not weights:
        return [f"{name} needs weights for each time window it scores in."]
    errors = []
    for window, points in weights.items():
        if window not in window_keys:
            errors.append(f"{name}: “{window}” in its weights is not a time window.")
        elif not _is_int(points) or points < 0:
            errors.append(f"{name}: the weight for “{window}” must be a whole number.")
    return errors


def _check_items(
    definition: dict[str, Any],
    groups: dict[str, dict[str, Any]],
    window_keys: set[str],
    errors: list[str],
) -> None:
    items = _check_entries(definition, "items", "Item", errors)
    if not items:
        errors.append("The definition needs at least one item.")
    used: set[str] = set()
    for index, item in enumerate(items):
        name = _name("Item", index, item)
        if item.get("key") in groups:
            errors.append(f"{name}: its key is also a group's key.")
        group = groups.get(item.get("group", ""))
        if group is None:
            errors.append(f"{name}: its group “{item.get('group')}” is not one of the groups.")
            continue
        used.add(group["key"])
        if not isinstance(item.get("hint", ""), str):
            errors.append(f"{name}: the hint must be text.")
        errors.extend(_weight_errors(name, item, group["kind"], window_keys))
    errors.extend(f"Group “{key}” has no items." for key in groups if key not in used)


def _check_groups(definition: dict[str, Any], errors: list[str]) -> dict[str, dict[str, Any]]:
    group_list = _check_entries(definition, "groups", "Group", errors)
    if not group_list:
        errors.append("The definition needs at least one group.")
    groups: dict[str, dict[str, Any]] = {}
    for index, group in enumerate(group_list):
        if group.get("kind") not in GROUP_KINDS:
            errors.append(
                f"{_name('Group', index, group)}: its kind must be one of {', '.join(GROUP_KINDS)}."
            )
        else:
            groups[group.get("key", "")] = group
    return groups


def _check_judging(
    definition: dict[str, Any], kinds: set[str], kind: str | None, errors: list[str]
) -> None:
    """Bands, levels or judgements to judge by, fitting the instrument's kind."""
    computed = definition.get("computed")
    bands = _check_entries(definition, "bands", "Band", errors, keyed=False)
    _check_bands(bands, errors)
    levels = _check_entries(definition, "levels", "Level", errors)
    judgements = _check_entries(definition, "judgements", "Judgement", errors, keyed=False)
    rules = [
        ("rating" in kinds and not levels, "Items rated by level need “levels”."),
        (
            not (bands or levels or judgements),
            "The definition needs bands, levels or judgements to judge by.",
        ),
        (
            computed is True and not (bands or levels),
            "A computed result needs bands (for a score) or levels.",
        ),
        (
            computed is False and bool(bands),
            "Bands need a computed score: set “computed” to true or remove them.",
        ),
        (
            kind == "scored" and not (computed and bands),
            "A scored instrument needs “computed”: true and bands.",
        ),
        (
            kind == "sections" and not (computed and levels and "rating" in kinds),
            "A sections instrument needs “computed”: true, levels and rated items.",
        ),
        (
            kind == "checklist" and bool(computed),
            "A checklist has no computed result: set “computed” to false.",
        ),
    ]
    errors.extend(message for broken, message in rules if broken)


def definition_errors(definition: Any, *, kind: str | None = None) -> list[str]:
    """Everything wrong with a definition, each message naming the part that is wrong."""
    if not isinstance(definition, dict):
        return ["The definition must be a JSON object."]
    errors: list[str] = [
        f"“{key}” is not part of a definition (expected one of: {', '.join(sorted(TOP_LEVEL))})."
        for key in definition
        if key not in TOP_LEVEL
    ]
    months = definition.get("review_months")
    if not _is_int(months) or not 1 <= months <= 36:
        errors.append("“review_months” must be a whole number of months from 1 to 36.")
    if not isinstance(definition.get("computed"), bool):
        errors.append("“computed” must be true or false.")
    windows = _check_entries(definition, "windows", "Time window", errors)
    _check_windows(windows, errors)
    groups = _check_groups(definition, errors)
    kinds = {g["kind"] for g in groups.values()}
    if "windowed" in kinds and not windows:
        errors.append("Items answered by time window need “windows”.")
    _check_items(definition, groups, {w.get("key", "") for w in windows}, errors)
    _check_judging(definition, kinds, kind, errors)
    return errors


def validate_definition(definition: Any, *, kind: str | None = None) -> None:
    """Raise a ValidationError listing every problem with the definition."""
    errors = definition_errors(definition, kind=kind)
    if errors:
        raise ValidationError(errors)


def judgement_options(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """What the assessor's judgement may be, lowest first: the bands, else the levels, else
    the judgements."""
    return list(
        definition.get("bands") or definition.get("levels") or definition.get("judgements") or []
    )


def option_for(definition: dict[str, Any], label: str) -> dict[str, Any] | None:
    return next((o for o in judgement_options(definition) if o["label"] == label), None)


def items_of(definition: dict[str, Any], group: str) -> list[dict[str, Any]]:
    return [item for item in definition.get("items", []) if item.get("group") == group]


def group_kind(definition: dict[str, Any], item: dict[str, Any]) -> str:
    return next(g["kind"] for g in definition["groups"] if g["key"] == item["group"])
