"""Forms parse and validate input; services do the writing."""

from __future__ import annotations

from typing import Any

from django import forms

from lantern.accounts.models import Agency, Role, Team, User
from lantern.core.models import Code


class SignInForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        error_messages={"required": "Enter your username."},
        widget=forms.TextInput(attrs={"autocomplete": "username", "spellcheck": "false"}),
    )
    password = forms.CharField(
        max_length=1024,
        strip=False,
        error_messages={"required": "Enter your password."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=10,
        error_messages={"required": "Enter the 6-digit security code."},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "spellcheck": "false",
            }
        ),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AgencyForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the agency's name."})
    short_name = forms.CharField(max_length=60, required=False)
    agency_type = forms.ModelChoiceField(
        queryset=Code.objects.none(),
        empty_label="Choose a type",
        error_messages={"required": "Choose the type of agency."},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_type"].queryset = Code.objects.in_list("agency_type").current()  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        existing = Agency.objects.filter(name__iexact=name)
        if self.initial.get("id"):
            existing = existing.exclude(pk=self.initial["id"])
        if existing.exists():
            raise forms.ValidationError("An agency with this name already exists.")
        return name


class TeamForm(forms.Form):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the team's name."})
    description = forms.CharField(
        max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class UserForm(forms.Form):
    first_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the user's first name."}
    )
    last_name = forms.CharField(
        max_length=150, error_messages={"required": "Enter the user's last name."}
    )
    username = forms.RegexField(
        regex=r"^[a-z0-9._-]{3,150}$",
        error_messages={
            "required": "Enter a username.",
            "invalid": "Username must be 3 or more lower-case letters, numbers, dots, hyphens "
            "or underscores.",
        },
    )
    email = forms.EmailField(
        error_messages={
            "required": "Enter the user's work email address.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
        }
    )
    job_title = forms.CharField(max_length=200, required=False)
    agency = forms.ModelChoiceField(
        queryset=Agency.objects.filter(is_active=True),
        empty_label="Choose an agency",
        error_messages={"required": "Choose the user's agency."},
    )
    teams = forms.ModelMultipleChoiceField(
        queryset=Team.objects.filter(is_active=True).select_related("agency"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    roles = forms.ModelMultipleChoiceField(
        queryset=Role.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = [
        "first_name",
        "last_name",
        "username",
        "email",
        "job_title",
        "agency",
        "teams",
        "roles",
    ]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        existing = User.objects.filter(username__iexact=username)
        if self.initial.get("id"):
            existing = existing.exclude(pk=self.initial["id"])
        if existing.exists():
            raise forms.ValidationError("This username is already taken.")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        agency = cleaned.get("agency")
        teams = cleaned.get("teams") or []
        if agency is not None:
            others = [team.name for team in teams if team.agency_id != agency.pk]
            if others:
                self.add_error(
                    "teams",
                    "A user can only be in teams of their own agency. Remove: "
                    + ", ".join(others)
                    + ".",
                )
        return cleaned


class NewUserForm(UserForm):
    password = forms.CharField(
        strip=False,
        max_length=1024,
        help_text="Use at least 12 characters: three random words together work well. Common "
        "passwords and words such as the service's name are refused. Tell the user it "
        "privately; they can change it after signing in.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a first password for the user."},
    )
