"""Helpers every form view uses the same way."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lantern.core.services import ConflictError


def add_service_errors(form: forms.Form, error: ValidationError | ConflictError) -> None:
    """Show a service's refusal on the form: field errors by their field (or at the top when
    the form has no such field), a conflict or a non-field error at the top."""
    if isinstance(error, ConflictError):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def render_form(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """Render a page with a form: 400 when it carries errors, so the answers are kept and
    the user sees the error summary."""
    form = context.get("form")
    status = 400 if form is not None and form.errors else 200
    return render(request, template, context, status=status)


class TimescaleForm(forms.Form):
    amount = forms.IntegerField(
        min_value=1,
        max_value=1000,
        error_messages={
            "required": "Enter how long the timescale allows.",
            "invalid": "Enter a whole number, like 45.",
            "min_value": "Enter a number of 1 or more.",
            "max_value": "Enter a number of 1000 or less.",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    unit = forms.ChoiceField(
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the unit."},
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from lantern.core.models import TimescaleUnit  # noqa: PLC0415 - forms load before models

        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = TimescaleUnit.choices  # type: ignore[attr-defined]
