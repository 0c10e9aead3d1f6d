"""Validating identifiers with python-stdnum, the maintained library for such numbers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.gb import nhs, upn

from lantern.people.models import IdentifierScheme

_FREE_TEXT = re.compile(r"^[A-Z0-9/-]{3,40}$")


def normalise_identifier(scheme: str, raw: str) -> str:
    """The identifier in its stored form, or a ValidationError saying what is wrong."""
    value = raw.strip().upper()
    if scheme == IdentifierScheme.NHS_NUMBER:
        try:
            return str(nhs.validate(value))
        except StdnumError as error:
            raise ValidationError(
                {
                    "value": "Enter a valid NHS number: 10 digits, like 943 476 5919. "
                    "Check it has been copied correctly."
                }
            ) from error
    if scheme == IdentifierScheme.UPN:
        try:
            return str(upn.validate(value))
        except StdnumError as error:
            raise ValidationError(
                {
                    "value": "Enter a valid unique pupil number: a check letter and 12 "
                    "characters, like B801200005001."
                }
            ) from error
    if scheme in IdentifierScheme.values:
        compact = re.sub(r"\s+", "", value)
        if _FREE_TEXT.match(compact):
            return compact
        raise ValidationError({"value": "Use 3 to 40 letters, numbers, slashes or hyphens."})
    raise ValidationError({"scheme": "Choose the kind of identifier."})
