"""Forms of the front door. They turn text into values; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from lantern.accounts.models import Agency, User
from lantern.accounts.roles import RoleCode
from lantern.core.models import Code
from lantern.people.models import Gender
from lantern.referrals.models import (
    CheckStatus,
    Consent,
    Discipline,
    EnquiryOutcome,
    ExploitationConcern,
    Outcome,
    Rag,
    StrategyOutcome,
    Urgency,
)


def _codes(key: str) -> Any:
    return Code.objects.in_list(key).current().order_by("sort_order")


def _text(message: str, *, required: bool = True, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        required=required,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message},
    )


def _date(label: str, *, required: bool = True) -> forms.DateField:
    return forms.DateField(
        required=required,
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={
            "required": f"Enter the {label}.",
            "invalid": f"Enter the {label} as a real date, like 27 3 2012.",
        },
    )


class ChildForm(forms.Form):
    """A child who is not on record (or whom the referrer cannot see): their details."""

    given_names = forms.CharField(label="Given names", max_length=200, required=False)
    family_name = forms.CharField(label="Family name", max_length=200, required=False)
    date_of_birth = _date("date of birth", required=False)
    age_estimate = forms.IntegerField(
        label="Age, if you do not know their date of birth",
        required=False,
        min_value=0,
        max_value=120,
        error_messages={"invalid": "Enter the age as a whole number of years."},
    )
    gender = forms.ChoiceField(
        choices=[("", "Not known"), *Gender.choices], required=False, widget=forms.Select
    )
    address = forms.CharField(label="Address or postcode", max_length=300, required=False)
    school = forms.CharField(label="School or college", max_length=200, required=False)


class DetailsForm(forms.Form):
    """What happened, the worry, the exploitation checklist, consent and lawful basis."""

    referrer_role = forms.CharField(label="Your role", max_length=200, required=False)
    referrer_phone = forms.CharField(
        label="A phone number the MASH can reach you on", max_length=40, required=False
    )
    source = forms.ModelChoiceField(
        queryset=_codes("referral_source"),
        label="Where the referral comes from",
        required=True,
        error_messages={"required": "Select where the referral comes from."},
        empty_label="Select the source",
    )
    category = forms.ModelChoiceField(
        queryset=_codes("cp_category"),
        label="Category of concern",
        help_text="Exploitation is sexual abuse (or, for criminal exploitation, the abuse it "
        "involves): choose the category of the harm.",
        required=True,
        error_messages={"required": "Select the category of concern."},
        widget=forms.RadioSelect,
        empty_label=None,
    )
    what_happened = _text("Say what happened.")
    what_happened.label = "What happened"
    worries = forms.CharField(
        label="Why you are worried about the child",
        required=True,
        error_messages={"required": "Say why you are worried about the child."},
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
    )
    urgency = forms.ChoiceField(
        label="How urgent is this?",
        choices=Urgency.choices,
        required=True,
        error_messages={"required": "Select how urgent this is."},
        widget=forms.RadioSelect,
        help_text="If a child is in immediate danger, call 999 now as well.",
    )
    exploitation_concern = forms.ChoiceField(
        label="Do you have concerns that the child is being exploited?",
        choices=ExploitationConcern.choices,
        required=True,
        error_messages={"required": "Say whether you have concerns of exploitation."},
        widget=forms.RadioSelect,
    )
    exploitation_indicators = forms.ModelMultipleChoiceField(
        queryset=_codes("exploitation_indicator"),
        label="Signs of exploitation you have seen",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    exploitation_detail = forms.CharField(
        label="Anything else about the exploitation",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    family_knows = forms.TypedChoiceField(
        label="Does the family know about this referral?",
        choices=[("True", "Yes"), ("False", "No")],
        coerce=lambda v: v == "True",
        empty_value=None,
        required=True,
        error_messages={"required": "Say whether the family knows about this referral."},
        widget=forms.RadioSelect,
    )
    family_knows_detail = forms.CharField(
        label="What the family knows, and what they think",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.ChoiceField(
        label="Consent to share this information",
        choices=Consent.choices,
        required=True,
        error_messages={
            "required": "Say whether consent was given, not sought, or refused and overridden."
        },
        widget=forms.RadioSelect,
        help_text="You can share without consent where it is needed to keep a child safe.",
    )
    consent_reason = forms.CharField(
        label="Why consent was not sought, or why you are sharing although it was refused",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lawful_basis = forms.ModelChoiceField(
        queryset=_codes("lawful_basis"),
        label="Lawful basis for sharing",
        required=True,
        error_messages={"required": "Select the lawful basis for sharing this information."},
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def details(self) -> tuple[dict[str, Any], list[Any]]:
        data = dict(self.cleaned_data)
        indicators = list(data.pop("exploitation_indicators") or [])
        for key in ("referrer_role", "referrer_phone", "what_happened", "worries"):
            data[key] = (data.get(key) or "").strip()
        return data, indicators


class RateForm(forms.Form):
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select red, amber or green."},
    )
    rag_rationale = _text("Say why you gave this rating.", rows=3)
    rag_rationale.label = "Why this rating"


class AssignForm(forms.Form):
    worker = forms.ModelChoiceField(
        queryset=User.objects.none(), label="Assign to", required=False, empty_label="Nobody"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(
                is_active=True,
                roles__code__in=[RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER],
            )
            .distinct()
            .order_by("first_name", "last_name")
        )


class ChecksForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        label="Agencies to ask",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one agency to ask."},
    )
    question = forms.CharField(
        label="What you need to know",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CheckReturnForm(forms.Form):
    status = forms.ChoiceField(
        label="Does your agency hold information about these children?",
        choices=[
            (CheckStatus.RETURNED, "Yes: information below"),
            (CheckStatus.NOTHING_KNOWN, "No: nothing known"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether your agency holds information."},
    )
    information = forms.CharField(
        label="What your agency knows",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision."},
    )
    rationale = _text("Give the rationale for the decision.", rows=6)
    rationale.label = "Rationale"


class ReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label="Your review",
        choices=[("authorise", "Authorise the decision"), ("return", "Return it for more work")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to authorise or return the decision."},
    )
    comment = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _users(*roles: str) -> Any:
    return (
        User.objects.filter(is_active=True, roles__code__in=list(roles))
        .distinct()
        .order_by("first_name", "last_name")
    )


PARTICIPANT_ROWS = 6


class StrategyForm(forms.Form):
    held_at = forms.DateTimeField(
        label="When the discussion was held",
        widget=forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"}),
        error_messages={
            "required": "Enter when the discussion was held.",
            "invalid": "Enter the date and time, like 27/11/2026 14:30.",
        },
    )
    known = _text("Record what was known.", rows=6)
    known.label = "What was known"
    outcome = forms.ChoiceField(
        label="Decision",
        choices=StrategyOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision."},
    )
    outcome_detail = forms.CharField(
        label="About the decision", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    plan = _text("Record the plan.", rows=6)
    plan.label = "The plan"
    contact_approach = forms.CharField(
        label="How and when the child will be approached",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Who the child trusts, where and when they can talk safely.",
    )
    contact_contingency = forms.CharField(
        label="What happens if the first approach goes wrong",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_social_media = forms.CharField(
        label="Social media and phones",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What the people harming the child may see, and how contact is kept safe.",
    )
    contact_wellbeing = forms.CharField(
        label="Preventing suicide and self-harm",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lead = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Lead social worker",
        required=False,
        empty_label="Select the lead",
    )
    police_lead = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label="Police lead (joint enquiry)",
        required=False,
        empty_label="Select the police lead",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = _users(  # type: ignore[attr-defined]
            RoleCode.SOCIAL_WORKER, RoleCode.MASH_MANAGER
        )
        self.fields["police_lead"].queryset = _users(  # type: ignore[attr-defined]
            RoleCode.POLICE_OFFICER
        )
        for i in range(PARTICIPANT_ROWS):
            self.fields[f"p{i}_discipline"] = forms.ChoiceField(
                label="Agency type",
                choices=[("", "Select"), *Discipline.choices],
                required=False,
            )
            self.fields[f"p{i}_name"] = forms.CharField(
                label="Name", max_length=200, required=False
            )
            self.fields[f"p{i}_role"] = forms.CharField(
                label="Role", max_length=200, required=False
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("held_at") and data["held_at"] > timezone.now():
            self.add_error("held_at", "The discussion cannot be in the future.")
        for i in range(PARTICIPANT_ROWS):
            if data.get(f"p{i}_discipline") and not (data.get(f"p{i}_name") or "").strip():
                self.add_error(f"p{i}_name", "Enter the name of who took part.")
            if (data.get(f"p{i}_name") or "").strip() and not data.get(f"p{i}_discipline"):
                self.add_error(f"p{i}_discipline", "Select which agency they came from.")
        return data

    def participant_rows(self) -> list[list[forms.BoundField]]:
        return [
            [self[f"p{i}_discipline"], self[f"p{i}_name"], self[f"p{i}_role"]]
            for i in range(PARTICIPANT_ROWS)
        ]


class EnquiryForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome of the enquiry",
        choices=[("", "Not yet known"), *EnquiryOutcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    completed_on = _date("date the enquiry was completed", required=False)
    icpc_held_on = _date("date of the initial child protection conference", required=False)


class AssessmentDoneForm(forms.Form):
    completed_on = _date("date the assessment was completed")
