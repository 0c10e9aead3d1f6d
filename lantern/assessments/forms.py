"""The assessment form, built from an instrument version's definition, and the instrument
definition form of the administration page."""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from dataclasses import field as default
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.assessments.instruments import (
    definition_errors,
    judgement_options,
    parse_definition,
)
from lantern.assessments.models import EXPLOITATION_MODELS
from lantern.assessments.scoring import Result, answer_errors, compute
from lantern.assessments.services import OVERRIDE_NEEDS_REASON
from lantern.core.models import Code

CONTEXT = re.compile(r"^(?P<type>[a-z_]+\.[a-z_]+):(?P<id>[0-9a-fA-F-]{36})$")
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


@dataclass
class ItemFields:
    item: dict[str, Any]
    fields: dict[str, forms.BoundField] = default(default_factory=dict)


@dataclass
class GroupFields:
    group: dict[str, Any]
    checkboxes: forms.BoundField | None = None  # a group of ticked items: one set of boxes
    options: list[dict[str, Any]] = default(default_factory=list)
    items: list[ItemFields] = default(default_factory=list)


class AssessmentForm(forms.Form):
    """Every item of the definition as fields: a group of ticked items is one set of
    checkboxes; an item answered by time window has window checkboxes and a date last seen;
    a rated section has level radios and a note."""

    assessed_on = forms.DateField(
        label="Date of the assessment",
        widget=DATE_WIDGET,
        error_messages={
            "required": "Enter the date of the assessment.",
            "invalid": "Enter the date of the assessment as a real date.",
        },
    )
    judgement = forms.ChoiceField(
        label="Your professional judgement",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your professional judgement."},
    )
    override_reason = forms.CharField(
        label="Why your judgement differs from the computed result",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Needed only when your judgement is not the band the answers give.",
    )
    evidence = forms.CharField(
        label="Evidence: what is known",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The facts: what has happened, who told you, and when.",
        error_messages={"required": "Write down what is known: the facts this rests on."},
    )
    concern = forms.CharField(
        label="Professional concern",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you and other professionals are worried about, and why.",
    )
    strengths = forms.CharField(
        label="Strengths and protective factors",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    narrative = forms.CharField(
        label="Narrative",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Anything else, including what the young person says about their situation.",
    )
    exploitation_models = forms.MultipleChoiceField(
        label="Models of exploitation",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    context = forms.CharField(required=False, widget=forms.HiddenInput)
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, definition: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.result: Result | None = None
        self.computed = bool(definition.get("computed"))
        windows = [(w["key"], w["label"]) for w in definition.get("windows", [])]
        levels = [(lv["key"], lv["label"]) for lv in reversed(definition.get("levels", []))]
        for group in definition["groups"]:
            items = [i for i in definition["items"] if i["group"] == group["key"]]
            if group["kind"] == "flag":
                self.fields[f"group-{group['key']}"] = forms.MultipleChoiceField(
                    label=group["label"],
                    required=False,
                    choices=[(i["key"], i["label"]) for i in items],
                    widget=forms.CheckboxSelectMultiple,
                )
            for item in items:
                key = item["key"]
                if group["kind"] == "windowed":
                    self.fields[f"{key}-windows"] = forms.MultipleChoiceField(
                        label=item["label"],
                        required=False,
                        choices=windows,
                        widget=forms.CheckboxSelectMultiple,
                    )
                    self.fields[f"{key}-last_seen"] = forms.DateField(
                        label="Date last seen",
                        required=False,
                        widget=DATE_WIDGET,
                        error_messages={"invalid": "Enter the date last seen as a real date."},
                    )
                elif group["kind"] == "rating":
                    self.fields[f"{key}-level"] = forms.ChoiceField(
                        label=item["label"],
                        choices=levels,
                        widget=forms.RadioSelect,
                        error_messages={"required": f"Rate “{item['label']}”."},
                    )
                    self.fields[f"{key}-note"] = forms.CharField(
                        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2})
                    )
        options = judgement_options(definition)
        judgement = self.fields["judgement"]
        judgement.choices = [(o["label"], o["label"]) for o in reversed(options)]  # type: ignore[attr-defined]
        self.fields["exploitation_models"].choices = [  # type: ignore[attr-defined]
            (c.code, c.label) for c in Code.objects.in_list(EXPLOITATION_MODELS).current()
        ]
        if not self.computed:
            del self.fields["override_reason"]
        self.fields["assessed_on"].initial = timezone.localdate()

    def groups(self) -> list[GroupFields]:
        shown: list[GroupFields] = []
        for group in self.definition["groups"]:
            entry = GroupFields(group=group)
            items = [i for i in self.definition["items"] if i["group"] == group["key"]]
            if group["kind"] == "flag":
                entry.checkboxes = self[f"group-{group['key']}"]
                ticked = {str(v) for v in (entry.checkboxes.value() or [])}
                entry.options = [
                    {"item": item, "checked": item["key"] in ticked, "index": index}
                    for index, item in enumerate(items)
                ]
            else:
                suffixes = (
                    ("windows", "last_seen")
                    if group["kind"] == "windowed"
                    else (
                        "level",
                        "note",
                    )
                )
                entry.items = [
                    ItemFields(item=item, fields={s: self[f"{item['key']}-{s}"] for s in suffixes})
                    for item in items
                ]
            shown.append(entry)
        return shown

    def _field_of(self, key: str) -> str | None:
        item = next((i for i in self.definition["items"] if i["key"] == key), None)
        if item is None:
            return None
        kind = next(g["kind"] for g in self.definition["groups"] if g["key"] == item["group"])
        return {"flag": f"group-{item['group']}", "windowed": f"{key}-windows"}.get(
            kind, f"{key}-level"
        )

    def answers(self) -> dict[str, Any]:
        """The answers in the stored shape (see `lantern.assessments.scoring`)."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for group in self.definition["groups"]:
            items = [i for i in self.definition["items"] if i["group"] == group["key"]]
            if group["kind"] == "flag":
                for key in data.get(f"group-{group['key']}") or []:
                    answers[key] = True
                continue
            for item in items:
                key = item["key"]
                if group["kind"] == "windowed":
                    windows = data.get(f"{key}-windows") or []
                    seen = data.get(f"{key}-last_seen")
                    if windows or seen:
                        answers[key] = {
                            "windows": list(windows),
                            "last_seen": seen.isoformat() if seen else None,
                        }
                elif data.get(f"{key}-level"):
                    answers[key] = {
                        "level": data[f"{key}-level"],
                        "note": (data.get(f"{key}-note") or "").strip(),
                    }
        return answers

    def clean_context(self) -> tuple[str, uuid.UUID | None]:
        value = self.cleaned_data.get("context", "").strip()
        if not value:
            return ("", None)
        match = CONTEXT.match(value)
        try:
            if match is None:
                raise ValueError
            return (match["type"], uuid.UUID(match["id"]))
        except ValueError:
            raise ValidationError(
                "The record this assessment is for could not be recognised: start again "
                "from that record."
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        assessed_on = data.get("assessed_on")
        if assessed_on is None:
            return data
        if assessed_on > timezone.localdate():
            self.add_error("assessed_on", "The date of the assessment cannot be in the future.")
            return data
        answers = self.answers()
        problems = answer_errors(self.definition, answers, assessed_on=assessed_on)
        for key, message in problems.items():
            name = self._field_of(key)
            if name is not None and name not in self.errors:
                self.add_error(name, message)
        if problems:
            return data
        self.result = compute(self.definition, answers, assessed_on=assessed_on)
        suggestion = self.result.suggestion
        judgement = data.get("judgement")
        if (
            suggestion
            and judgement
            and judgement != suggestion
            and not (data.get("override_reason") or "").strip()
        ):
            self.add_error("override_reason", OVERRIDE_NEEDS_REASON.format(computed=suggestion))
        return data


class DefinitionForm(forms.Form):
    definition = forms.CharField(
        label="Definition (JSON)",
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
        error_messages={"required": "Enter the definition."},
    )
    notes = forms.CharField(
        label="What changed, and why",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what changed in this version, and why."},
    )

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean_definition(self) -> dict[str, Any]:
        definition = parse_definition(self.cleaned_data["definition"])
        errors = definition_errors(definition, kind=self.kind)
        if errors:
            raise ValidationError(errors)
        return definition


def definition_text(definition: dict[str, Any]) -> str:
    return json.dumps(definition, indent=2, ensure_ascii=False)
