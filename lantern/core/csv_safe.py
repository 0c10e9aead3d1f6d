"""CSV files that open safely in a spreadsheet.

A cell beginning with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheets skip before reading a formula) is run as a formula when the file is opened: a
name typed as `=HYPERLINK(...)` could send a reader's data elsewhere (OWASP, "CSV
injection"). Such cells get a leading apostrophe, which spreadsheets show as text. Dates and
numbers are written by Lantern itself, never escaped, so a negative number stays a number.

Every export (and the import's error report) writes through `csv_response` or `csv_bytes`.
Reading is the other way round: an import refuses a cell that `looks_like_formula`, which
lets a number, a phone number or a date such as `-3` or `+44 1632 960000` through."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from django.http import HttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MAY_START = frozenset((" ", *FORMULA_STARTS))  # spaces before a formula are skipped
_NUMBER = re.compile(r"^[+-]?\s*[\d\s().,/:]+$")


def looks_like_formula(value: str) -> bool:
    """A cell someone sent that a spreadsheet would run: it starts with a formula character
    and is not a number, a phone number or a date."""
    if value[:1] not in _MAY_START:  # most cells begin with a letter or a digit
        return False
    text = value.strip(" ")
    return bool(text) and text.startswith(FORMULA_STARTS) and not _NUMBER.match(text)


def escape_cell(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would read it as a
    formula. Dates, numbers and None are Lantern's own values and are written as they are."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, (int, float, date, datetime)):
        return str(value)
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> bytes:
    """UTF-8, CRLF line ends, a header row, every text cell escaped; with `bom`, a byte-order
    mark first, so Excel reads names with accents correctly (for files people open, not for
    statutory returns, whose format is fixed)."""
    buffer = io.StringIO(newline="")
    if bom:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_cell(name) for name in header])
    for row in rows:
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue().encode("utf-8")


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False
) -> HttpResponse:
    """The file as a download."""
    response = HttpResponse(
        csv_bytes(header, rows, bom=bom), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
