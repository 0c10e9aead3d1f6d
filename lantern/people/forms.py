"""Forms for the person record. Services do the real checking; these turn text into values
and say clearly what is missing."""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lantern.accounts.models import User
from lantern.core.models import Code
from lantern.people.models import (
    AddressKind,
    BirthPrecision,
    Gender,
    ImmigrationStatus,
    LegalStatusKind,
    NameKind,
    PersonKind,
    RelationshipKind,
    School,
    Sex,
    SpecialNeeds,
)
from lantern.people.services import Birth


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": f"Enter the {label}.",
            "invalid": f"Enter the {label} as a real date, like 27 3 2012.",
        },
    )


def _reason(message: str) -> forms.CharField:
    return forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": message},
    )


def _codes(key: str) -> Any:
    return Code.objects.in_list(key).current().order_by("sort_order")


class PersonForm(forms.Form):
    """A person's details: used to add a person and to correct their details."""

    kind = forms.ChoiceField(
        choices=PersonKind.choices,
        initial=PersonKind.CHILD,
        required=False,
        widget=forms.RadioSelect,
    )
    given_names = forms.CharField(
        max_length=200, error_messages={"required": "Enter the person's given names."}
    )
    family_name = forms.CharField(
        max_length=200, error_messages={"required": "Enter the person's family name."}
    )
    preferred_name = forms.CharField(max_length=200, required=False)
    birth_precision = forms.ChoiceField(
        choices=BirthPrecision.choices,
        initial=BirthPrecision.EXACT,
        required=False,
        widget=forms.RadioSelect,
    )
    date_of_birth = _date("date of birth", required=False)
    birth_year = forms.IntegerField(
        required=False, error_messages={"invalid": "Enter the year of birth as 4 digits."}
    )
    age_low = forms.IntegerField(
        required=False, min_value=0, error_messages={"invalid": "Enter the age in years."}
    )
    age_high = forms.IntegerField(
        required=False, min_value=0, error_messages={"invalid": "Enter the age in years."}
    )
    gender = forms.ChoiceField(choices=Gender.choices, initial=Gender.NOT_KNOWN, required=False)
    sex = forms.ChoiceField(
        choices=Sex.choices, initial=Sex.NOT_KNOWN, required=False, label="Sex as recorded"
    )
    ethnicity = forms.ModelChoiceField(queryset=Code.objects.none(), required=False)
    first_language = forms.CharField(max_length=100, required=False)
    interpreter_needed = forms.BooleanField(required=False, label="Needs an interpreter")
    disability = forms.CharField(max_length=300, required=False)
    special_needs = forms.ChoiceField(
        choices=SpecialNeeds.choices,
        initial=SpecialNeeds.NONE,
        required=False,
        label="Special educational needs",
    )
    immigration_status = forms.ChoiceField(choices=ImmigrationStatus.choices, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"].queryset = _codes("ethnicity")  # type: ignore[attr-defined]

    #: What an unanswered choice means (a form posted by a script may leave them out).
    DEFAULTS: ClassVar[dict[str, str]] = {
        "kind": PersonKind.CHILD,
        "gender": Gender.NOT_KNOWN,
        "sex": Sex.NOT_KNOWN,
        "special_needs": SpecialNeeds.NONE,
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for key, value in self.DEFAULTS.items():
            if not data.get(key):
                data[key] = value
        if not data.get("birth_precision"):
            data["birth_precision"] = (
                BirthPrecision.EXACT
                if data.get("date_of_birth")
                else BirthPrecision.YEAR
                if data.get("birth_year")
                else BirthPrecision.ESTIMATED
                if data.get("age_low") is not None
                else BirthPrecision.NOT_KNOWN
            )
        birth_fields = ("date_of_birth", "birth_year", "age_low", "age_high")
        if not any(field in self.errors for field in birth_fields):
            # The same check the service makes, so every mistake shows at once.
            try:
                self.birth().bounds()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.add_error(field, messages)
        return data

    def birth(self) -> Birth:
        data = self.cleaned_data
        return Birth(
            precision=data["birth_precision"],
            date_of_birth=data.get("date_of_birth"),
            year=data.get("birth_year"),
            age_low=data.get("age_low"),
            age_high=data.get("age_high"),
            estimated_on=timezone.localdate(),
        )

    def details(self) -> dict[str, Any]:
        """The fields that go straight onto the record (the birth fields go through Birth)."""
        skip = {"birth_precision", "date_of_birth", "birth_year", "age_low", "age_high"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip and k in self.fields}


class NewPersonForm(PersonForm):
    # Set once the worker has seen the likely matches; a strong match also needs a reason.
    matches_seen = forms.BooleanField(required=False, widget=forms.HiddenInput)
    new_record_reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is this a different person?",
    )

    def details(self) -> dict[str, Any]:
        data = super().details()
        data.pop("matches_seen", None)
        data.pop("new_record_reason", None)
        return data


class EditPersonForm(PersonForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    name_change_source = forms.CharField(
        max_length=300,
        required=False,
        label="If the legal name has changed, how do you know?",
    )

    def details(self) -> dict[str, Any]:
        data = super().details()
        data.pop("version", None)
        data.pop("name_change_source", None)
        return data


class NameForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in NameKind.choices if c[0] != NameKind.LEGAL],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of name."},
    )
    given_names = forms.CharField(max_length=200, required=False, label="Given name or nickname")
    family_name = forms.CharField(max_length=200, required=False)
    source = forms.CharField(
        max_length=300, error_messages={"required": "Say who uses or gave this name."}
    )
    valid_from = _date("date it was first used", required=False)
    valid_to = _date("date it stopped being used", required=False)


class LegalStatusForm(forms.Form):
    kind = forms.ChoiceField(
        choices=LegalStatusKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the status."},
    )
    cp_category = forms.ModelChoiceField(
        queryset=Code.objects.none(), required=False, label="Category of abuse (for a plan)"
    )
    lac_legal_status = forms.ModelChoiceField(
        queryset=Code.objects.none(), required=False, label="Legal status (if looked after)"
    )
    placing_authority = forms.CharField(max_length=200, required=False)
    placed_out_of_area = forms.BooleanField(
        required=False, label="Placed outside the placing authority's area"
    )
    valid_from = _date("start date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cp_category"].queryset = _codes("cp_category")  # type: ignore[attr-defined]
        self.fields["lac_legal_status"].queryset = _codes("lac_legal_status")  # type: ignore[attr-defined]

    def code(self) -> Code | None:
        data = self.cleaned_data
        if data["kind"] == LegalStatusKind.CHILD_PROTECTION:
            return data.get("cp_category")
        if data["kind"] == LegalStatusKind.LOOKED_AFTER:
            return data.get("lac_legal_status")
        return None


class EndForm(forms.Form):
    valid_to = _date("end date")
    reason = _reason("Say why it ended.")


class AddressForm(forms.Form):
    kind = forms.ChoiceField(
        choices=AddressKind.choices, initial=AddressKind.HOME, widget=forms.RadioSelect
    )
    line1 = forms.CharField(
        max_length=200, label="Address line 1", error_messages={"required": "Enter the address."}
    )
    line2 = forms.CharField(max_length=200, required=False, label="Address line 2")
    town = forms.CharField(max_length=100, required=False, label="Town or city")
    postcode = forms.CharField(max_length=10, error_messages={"required": "Enter the postcode."})
    valid_from = _date("date they moved in")
    latitude = forms.DecimalField(required=False, max_digits=8, decimal_places=6)
    longitude = forms.DecimalField(required=False, max_digits=9, decimal_places=6)
    placement_provider = forms.CharField(max_length=200, required=False)
    source = forms.CharField(max_length=300, required=False)


class EnrolmentForm(forms.Form):
    school = forms.ModelChoiceField(
        queryset=School.objects.all(),
        label="School or college",
        error_messages={"required": "Choose the school or college."},
    )
    valid_from = _date("start date")
    year_group = forms.CharField(max_length=8, required=False)


class RelationshipForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[c for c in RelationshipKind.choices if c[0] != RelationshipKind.PROFESSIONAL],
        widget=forms.RadioSelect,
        label="They are the person's",
        error_messages={"required": "Choose how they are related."},
    )
    other = forms.UUIDField(widget=forms.HiddenInput)
    lives_with = forms.BooleanField(required=False, label="They live with the person")
    source = forms.CharField(
        max_length=300, error_messages={"required": "Say where this information came from."}
    )
    valid_from = _date("date it started")


class ProfessionalForm(forms.Form):
    professional = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True).select_related("agency"),
        error_messages={"required": "Choose the professional."},
    )
    professional_role = forms.CharField(max_length=200, label="Their role with the person")
    source = forms.CharField(
        max_length=300, error_messages={"required": "Say where this information came from."}
    )
    valid_from = _date("date it started")


class MergeForm(forms.Form):
    other = forms.UUIDField(widget=forms.HiddenInput)
    keep = forms.ChoiceField(
        choices=[("this", "Keep this record"), ("other", "Keep the other record")],
        widget=forms.RadioSelect,
        label="Which record should be kept?",
        error_messages={"required": "Choose which record to keep."},
    )
    reason = _reason("Explain why these are the same person.")


class MergeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", "Merge the records"), ("refuse", "Do not merge them")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to merge the records."},
    )
    note = _reason("Record the reason for your decision.")


class ReasonForm(forms.Form):
    reason = _reason("Give a reason.")
