"""Definitions are checked before they can be saved, with messages naming what is wrong."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from lantern.assessments.instruments import definition_errors, parse_definition
from tests.assessments.factories import published

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("seraf", "scored"),
        ("exploitation-checklist", "checklist"),
        ("risk-management-12", "sections"),
    ],
)
def test_the_shipped_instruments_are_valid(key: str, kind: str) -> None:
    version = published(key)
    assert version.number == 1
    assert version.instrument.kind == kind
    assert definition_errors(version.definition, kind=kind) == []


def test_seraf_bands_and_review() -> None:
    definition = published("seraf").definition
    assert [(b["label"], b["min"], b["max"]) for b in definition["bands"]] == [
        ("Not at risk", 0, 5),
        ("Mild", 6, 10),
        ("Moderate", 11, 15),
        ("Significant", 16, None),
    ]
    assert definition["review_months"] == 3


def test_errors_name_the_bad_item() -> None:
    definition = copy.deepcopy(published("seraf").definition)
    definition["items"][0]["group"] = "vulnerabilities"
    definition["items"][12]["weight"] = -1
    definition["items"][-1]["weights"] = {"recent": 5}
    definition["bands"][1]["min"] = 7
    definition["colour"] = "red"
    errors = definition_errors(definition, kind="scored")
    first, twelfth, last = (definition["items"][i]["key"] for i in (0, 12, -1))
    assert f"Item 1 (“{first}”): its group “vulnerabilities” is not one of the groups." in errors
    assert f"Item 13 (“{twelfth}”): the weight must be a whole number, 0 or more." in errors
    assert (
        f"Item {len(definition['items'])} (“{last}”): “recent” in its weights is not a time window."
        in errors
    )
    assert "Band 2 (“Mild”) must start at 6: bands run back to back from 0, lowest first." in errors
    assert any(e.startswith("“colour” is not part of a definition") for e in errors)


def test_kind_must_fit() -> None:
    definition = published("exploitation-checklist").definition
    assert "A scored instrument needs “computed”: true and bands." in definition_errors(
        definition, kind="scored"
    )


def test_json_errors_are_readable() -> None:
    with pytest.raises(ValidationError) as raised:
        parse_definition('{"review_months": 3,,}')
    assert raised.value.messages == [
        "The definition is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 21."
    ]
