"""Forms of the missing episodes pages. They turn text into values; the services decide what
is allowed (a return before the report, an overlap, a child not yet born)."""

from __future__ import annotations

from typing import Any

from django import forms

from lantern.core.models import Code
from lantern.missing.models import AttemptMethod, LeadHandling, LeadKind, LeadStatus, MissingFrom

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def _codes(key: str) -> Any:
    return Code.objects.in_list(key).current().order_by("sort_order")


def _when(label: str, *, required: bool = True, hint: str = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"}),
        error_messages={
            "required": f"Enter {label[0].lower() + label[1:]}.",
            "invalid": f"Enter {label[0].lower() + label[1:]} as a date and time, like "
            "27/11/2026 21:30.",
        },
    )


def _text(label: str, *, required: bool = False, rows: int = 3, hint: str = "") -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=10000,
        help_text=hint,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}."},
    )


def _line(label: str, *, required: bool = False, hint: str = "", max_length: int = 200) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=hint,
        error_messages={"required": f"Enter {label[0].lower() + label[1:]}."},
    )


class GradeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class ReportForm(forms.Form):
    """Report a young person missing: what a carer, school or partner knows now. The police
    grade can follow."""

    last_seen_at = _when(
        "When the young person was last seen",
        hint="Your best estimate if you are not sure.",
    )
    noticed_at = _when(
        "When you noticed they were missing",
        required=False,
        hint="The time between this and reporting is measured, so the partnership can see delays.",
    )
    reported_at = _when("When it was reported to the police", hint="Now, if you are reporting now.")
    reporter_name = _line("Who reported it", hint="Leave blank if it was you.")
    reporter_relationship = _line(
        "Their relationship to the young person", hint="For example: foster carer, teacher."
    )
    missing_from = forms.ChoiceField(
        label="Where they went missing from",
        choices=MissingFrom.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the young person went missing from."},
    )
    placing_authority = _line(
        "Placing authority",
        hint="Only for a young person placed here by another local authority.",
    )
    circumstances = _text(
        "What happened", rows=5, hint="Where they were last seen, with whom, anything said."
    )
    description = _text("Description of the young person", hint="Height, build, hair, marks.")
    clothing = _text("What they were wearing")
    police_reference = _line("Police reference", max_length=60)
    police_risk_grade = GradeChoice(
        label="Police risk grade",
        queryset=Code.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="If the police have graded the risk. Every young person whose whereabouts "
        "cannot be established is missing: there is no 'absent' grade.",
    )
    grading_sources = _text(
        "Sources of information used for the grade",
        hint="Every source, and who supplied it (for example: call from foster carer; PNC).",
    )
    ssda903_type = GradeChoice(
        label="Missing or away from placement",
        queryset=Code.objects.none(),
        required=False,
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Only for a young person in care.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["police_risk_grade"].queryset = _codes("missing_risk_grade")  # type: ignore[attr-defined]
        self.fields["ssda903_type"].queryset = _codes("ssda903_missing_type")  # type: ignore[attr-defined]


class GradeForm(forms.Form):
    grade = GradeChoice(
        label="Police risk grade",
        queryset=Code.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the risk grade."},
    )
    sources = _text(
        "Sources of information used",
        required=True,
        hint="Every source, and who supplied it.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grade"].queryset = _codes("missing_risk_grade")  # type: ignore[attr-defined]


class ReturnForm(forms.Form):
    returned_at = _when("When the young person returned or was found")
    found_where = _line(
        "Where they were found", required=True, hint="An address or a place.", max_length=300
    )
    found_lat = forms.DecimalField(
        label="Latitude",
        required=False,
        max_digits=8,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        help_text="For the map, if known: for example 52.6312.",
        error_messages={"invalid": "Enter the latitude as a number, like 52.6312."},
    )
    found_lon = forms.DecimalField(
        label="Longitude",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        help_text="For example -1.1241.",
        error_messages={"invalid": "Enter the longitude as a number, like -1.1241."},
    )
    found_by = _line("Who found them")
    returned_with = _line("Who they were with", max_length=300)
    return_method = _line("How they came back")
    safe_and_well_done = forms.BooleanField(
        label="The police have done a safe and well check", required=False
    )
    safe_and_well_by = _line("Who did the safe and well check")
    injuries_or_disclosures = _text(
        "Injuries or disclosures",
        rows=4,
        hint="Anything that means the young person may have been harmed. You can start a "
        "referral from it in one step.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("found_lat") is None) != (data.get("found_lon") is None):
            self.add_error("found_lon", "Enter both the latitude and the longitude, or neither.")
        return data


class AttemptForm(forms.Form):
    attempted_at = _when("When you tried")
    method = forms.ChoiceField(
        label="How",
        choices=AttemptMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you tried to reach the young person."},
    )
    note = _text("What happened", required=True)


NAMED_ROWS = 4


class InterviewForm(forms.Form):
    completed_at = _when("When the interview took place, or the outcome was decided")
    outcome = GradeChoice(
        label="Outcome",
        queryset=Code.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the return interview."},
    )
    push_factors = _text("What made them leave (push factors)")
    pull_factors = _text("What drew them away (pull factors)")
    where_went = _text("Where they went")
    with_whom = _text("Who they were with")
    travel = _text("How they travelled and got back")
    harm = _text("Harm they suffered")
    exploitation_indicators = _text("Signs of exploitation or risky contacts")
    what_would_help = _text("What would help")
    child_words = _text(
        "The young person's own words",
        hint="What they said, as they said it. It goes to their record as their voice.",
    )
    wishes_and_feelings = _text("Their wishes and feelings")
    child_declined = forms.BooleanField(label="The young person declined to talk", required=False)
    declined_reason = _text("Why an interview was not possible")
    carer_information = _text(
        "What the carers said", hint="When the young person declined, ask their carers instead."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["outcome"].queryset = _codes("return_interview_outcome")  # type: ignore[attr-defined]
        for n in range(NAMED_ROWS):
            self.fields[f"named_{n}_kind"] = forms.ChoiceField(
                label="What it is",
                choices=[("", "Choose"), *LeadKind.choices],
                required=False,
            )
            self.fields[f"named_{n}_description"] = forms.CharField(
                label="What the young person said about them",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"named_{n}_handling"] = forms.ChoiceField(
                label="Who may see it",
                choices=LeadHandling.choices,
                required=False,
                initial=LeadHandling.OPEN,
            )

    def named_rows(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": self[f"named_{n}_kind"],
                "description": self[f"named_{n}_description"],
                "handling": self[f"named_{n}_handling"],
                "number": n + 1,
            }
            for n in range(NAMED_ROWS)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for n in range(NAMED_ROWS):
            kind = data.get(f"named_{n}_kind")
            text = (data.get(f"named_{n}_description") or "").strip()
            if kind and not text:
                self.add_error(f"named_{n}_description", "Say what the young person said.")
            if text and not kind:
                self.add_error(f"named_{n}_kind", "Say whether it is a person, a place or other.")
        return data

    def named(self) -> list[tuple[str, str, str]]:
        data = self.cleaned_data
        return [
            (
                data[f"named_{n}_kind"],
                data[f"named_{n}_description"],
                data.get(f"named_{n}_handling") or LeadHandling.OPEN,
            )
            for n in range(NAMED_ROWS)
            if data.get(f"named_{n}_kind")
        ]


class CloseForm(forms.Form):
    oversight_comment = _text(
        "Your oversight",
        required=True,
        rows=6,
        hint="What you checked, what the interview showed, and what happens next.",
    )


class LeadReviewForm(forms.Form):
    status = forms.ChoiceField(
        label="What you did",
        choices=[
            (LeadStatus.TAKEN, LeadStatus.TAKEN.label),
            (LeadStatus.NOT_TAKEN, LeadStatus.NOT_TAKEN.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you took it into intelligence."},
    )
    note = _text("Note", required=True, rows=3)
