"""Spreadsheet formulas in CSV: refusing them on the way in, escaping them on the way out.

A cell beginning `=`, `+`, `-` or `@` (or a tab or carriage return before one) is read as a
formula by Excel and LibreOffice, which can run commands or send data elsewhere when the file
is opened (OWASP "CSV injection"). A number such as `-3` or `+44 1632 960000` is not a
formula. The `statutory` work adds `lantern/core/csv_safe.py` with the same escaping; this
copy is to be unified with it on merge."""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\s*[\d\s().,/:]+$")


def looks_like_formula(value: str) -> bool:
    """A cell a spreadsheet would run: starts with a formula character and is not a number,
    a phone number or a date."""
    text = value.strip(" ")
    return bool(text) and text.startswith(FORMULA_START) and not _NUMBER.match(text)


def escape_cell(value: object) -> str:
    """The cell as text a spreadsheet shows rather than runs: a leading apostrophe before a
    formula character (OWASP's advice), anything else unchanged."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text
