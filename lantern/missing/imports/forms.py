"""The upload form and the review decision."""

from __future__ import annotations

from django import forms

from lantern.missing.imports.models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What the file holds",
        choices=ImportKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the file holds."},
    )
    file = forms.FileField(
        label="The CSV file",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "The file is empty.",
        },
    )


class DecisionForm(forms.Form):
    person = forms.CharField(
        error_messages={"required": "Choose the person this row is about, or a new record."}
    )
