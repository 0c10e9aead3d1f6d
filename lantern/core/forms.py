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
