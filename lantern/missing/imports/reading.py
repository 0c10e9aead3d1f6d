"""Reading an import file: the bytes to text, the header, and each line to checked values.
Nothing here touches the database, so every message about a cell is decided the same way on
the upload page and in the background task."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError

from lantern.core.csv_safe import looks_like_formula
from lantern.missing.imports.columns import COLUMNS, column_names, required_names
from lantern.missing.imports.models import AbsenceSession, ImportKind
from lantern.missing.models import MissingFrom

LONDON = ZoneInfo("Europe/London")
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
GRADES = ("very_low", "low", "medium", "high")
GENDERS = ("female", "male", "other", "not_known")

NOT_UTF8 = (
    "The file is not UTF-8: in Excel use Save as, choose \u2018CSV UTF-8 (Comma delimited)\u2019, "
    "and upload it again."
)


def decode(raw: bytes) -> str:
    """The file's text: UTF-8 with or without a byte-order mark. Anything else is refused
    rather than guessed, since a wrong guess turns names into nonsense without telling
    anyone (decision 0018)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ValidationError(
            {"file": "The file is UTF-16 (Excel\u2019s \u2018Unicode text\u2019): " + NOT_UTF8}
        )
    if b"\x00" in raw[:4096]:
        raise ValidationError({"file": "The file is not a CSV file: save it as CSV UTF-8."})
    if (nul := raw.find(b"\x00")) >= 0:
        # Text with a NUL character cannot be stored (PostgreSQL refuses it), so it is refused
        # here with the line, not later as a database error that loses the upload.
        line = raw[:nul].count(b"\n") + 1
        raise ValidationError(
            {
                "file": f"Line {line} has a NUL character, which is not text: the file may be "
                "damaged. Open it, save it again as CSV UTF-8 and upload it again."
            }
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ValidationError(
            {"file": f"{NOT_UTF8} (Line {line} has a character that is not UTF-8.)"}
        ) from error


def check_upload(*, name: str, raw: bytes) -> None:
    if not name.lower().endswith(".csv"):
        raise ValidationError({"file": "The file must be a CSV file (its name ending .csv)."})
    if not raw.strip():
        raise ValidationError({"file": "The file is empty."})
    check_size(len(raw))


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise ValidationError(
            {"file": f"The file must be smaller than {MAX_BYTES // (1024 * 1024)} MB: split it."}
        )


def sha256(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _normal(name: str) -> str:
    return name.strip().lower()


def check_header(kind: str, header: list[str]) -> None:
    """The header names the template's columns: every required one, no unknown ones, none
    twice. The message names each wrong column."""
    names = [_normal(h) for h in header]
    known = set(column_names(kind))
    problems = []
    unknown = [h.strip() for h, n in zip(header, names, strict=True) if n and n not in known]
    missing = [n for n in required_names(kind) if n not in names]
    twice = sorted({n for n in names if n and names.count(n) > 1})
    blank = [str(i + 1) for i, n in enumerate(names) if not n]
    if unknown:
        problems.append(
            "Unknown column"
            + ("s " if len(unknown) > 1 else " ")
            + ", ".join(f"\u2018{u}\u2019" for u in unknown)
            + ": use the template\u2019s column names"
            + (f" ({_nearest(unknown[0], known)})" if _nearest(unknown[0], known) else "")
            + "."
        )
    if missing:
        problems.append(
            "Missing column"
            + ("s " if len(missing) > 1 else " ")
            + ", ".join(f"\u2018{m}\u2019" for m in missing)
            + "."
        )
    if twice:
        problems.append("Column named twice: " + ", ".join(f"\u2018{t}\u2019" for t in twice) + ".")
    if blank:
        problems.append("Column " + ", ".join(blank) + " has no name in the header.")
    if problems:
        raise ValidationError({"file": " ".join(problems)})


def _nearest(name: str, known: set[str]) -> str:
    import difflib  # noqa: PLC0415 - only on a wrong header

    close = difflib.get_close_matches(_normal(name), sorted(known), n=1, cutoff=0.6)
    return f"did you mean \u2018{close[0]}\u2019?" if close else ""


def read_rows(kind: str, text: str) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: cell}) for each line after the header that has anything in
    it; the header is checked first. Line numbers are the spreadsheet's: the header is 1."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ValidationError({"file": "The file is empty."}) from None
    except csv.Error as error:
        raise ValidationError(
            {"file": f"The header line cannot be read as CSV: {error}."}
        ) from None
    check_header(kind, header)
    names = [_normal(h) for h in header]
    try:
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            row = dict.fromkeys(column_names(kind), "")
            for name, value in zip(names, cells, strict=False):
                row[name] = value
            if len(cells) > len(names):
                row["__extra__"] = "|".join(cells[len(names) :])
            yield reader.line_num, row
    except csv.Error as error:
        raise ValidationError(
            {"file": f"Line {reader.line_num} cannot be read as CSV: {error}."}
        ) from None


def count_rows(kind: str, text: str) -> int:
    """How many lines there are to import; checks the header and that the file is CSV."""
    total = 0
    for total, _ in enumerate(read_rows(kind, text), start=1):
        if total > MAX_ROWS:
            raise ValidationError(
                {"file": f"The file has more than {MAX_ROWS:,} rows: split it into smaller files."}
            )
    if total == 0:
        raise ValidationError({"file": "The file has a header but no rows to import."})
    return total


@dataclass
class Checked:
    """One line's values, checked: `problems` lists (column, message) for what is wrong."""

    number: int
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[tuple[str, str]] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        self.problems.append((column, message))

    @property
    def ok(self) -> bool:
        return not self.problems


_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(text: str) -> date:
    text = text.strip()
    # The template's own form, read without strptime (as `_wall_moment`).
    if match := _UK_DATE.match(text):
        day, month, year = map(int, match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise ValueError(text) from None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValueError(text)


_UK_MOMENT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})$")


def parse_moment(text: str) -> datetime:
    """A UK wall-clock time, returned in UTC: Python compares two times in the same zone by
    their wall clocks, which is wrong across a clock change. A time in the hour the clocks
    skip is refused; in the hour that repeats, the first (summer time) is taken."""
    moment = _wall_moment(text)
    if moment.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != moment.replace(
        tzinfo=None
    ):
        raise ValueError(text)
    return moment.astimezone(UTC)


def _wall_moment(text: str) -> datetime:
    text = text.strip().replace("T", " ")
    # The template's own form, read without strptime (a tenth of the time, on 100,000 rows).
    if match := _UK_MOMENT.match(text):
        day, month, year, hour, minute = map(int, match.groups())
        try:
            return datetime(year, month, day, hour, minute, tzinfo=LONDON)
        except ValueError:
            raise ValueError(text) from None
    for fmt in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=LONDON)
        except ValueError:
            continue
    raise ValueError(text)


def _date(row: Checked, column: str, *, required: bool = False) -> date | None:
    text = row.raw.get(column, "").strip()
    if not text:
        if required:
            row.problem(column, "Enter the date, as dd/mm/yyyy.")
        return None
    try:
        return parse_date(text)
    except ValueError:
        row.problem(column, f"\u2018{text}\u2019 is not a date: write it as dd/mm/yyyy.")
        return None


def _moment(row: Checked, column: str, *, required: bool = False) -> datetime | None:
    text = row.raw.get(column, "").strip()
    if not text:
        if required:
            row.problem(column, "Enter the date and time, as dd/mm/yyyy hh:mm.")
        return None
    try:
        return parse_moment(text)
    except ValueError:
        row.problem(
            column, f"\u2018{text}\u2019 is not a date and time: write it as dd/mm/yyyy hh:mm."
        )
        return None


def _text(row: Checked, column: str, *, required: bool = False, most: int = 300) -> str:
    text = row.raw.get(column, "").strip()
    if required and not text:
        row.problem(column, f"Enter the {column.replace('_', ' ')}.")
    elif len(text) > most:
        row.problem(column, f"This is longer than {most} characters.")
    return text


def _one_of(row: Checked, column: str, allowed: tuple[str, ...], *, required: bool) -> str:
    text = row.raw.get(column, "").strip()
    value = text.lower() if allowed[0].islower() else text.upper()
    if not text:
        if required:
            row.problem(column, f"Enter one of: {', '.join(allowed)}.")
        return ""
    if value not in allowed:
        row.problem(column, f"\u2018{text}\u2019 is not one of: {', '.join(allowed)}.")
        return ""
    return value


def _formulas(row: Checked) -> None:
    """Refuse a cell a spreadsheet would run (decision 0018: refused, not altered, so what is
    stored is what the sender meant; the row is kept to be corrected)."""
    for column, value in row.raw.items():
        if column != "__extra__" and looks_like_formula(value):
            row.problem(
                column,
                f"The cell starts with \u2018{value.strip()[0]}\u2019, which a spreadsheet would "
                "run as a formula: remove the formula and import the row again.",
            )
    if row.raw.get("__extra__"):
        row.problem("", "This line has more cells than the header has columns.")


def check_police(number: int, raw: dict[str, str]) -> Checked:
    row = Checked(number=number, raw=raw)
    _formulas(row)
    v = row.values
    v["police_reference"] = _text(row, "police_reference", required=True, most=60)
    v["given_names"] = _text(row, "given_names", required=True, most=200)
    v["family_name"] = _text(row, "family_name", required=True, most=200)
    v["date_of_birth"] = _date(row, "date_of_birth")
    v["gender"] = _one_of(row, "gender", GENDERS, required=False) or "not_known"
    v["address"] = _text(row, "address")
    v["postcode"] = _text(row, "postcode", most=8).upper()
    v["last_seen_at"] = _moment(row, "last_seen_at", required=True)
    v["noticed_at"] = _moment(row, "noticed_at")
    v["reported_at"] = _moment(row, "reported_at", required=True)
    v["missing_from"] = _one_of(row, "missing_from", tuple(MissingFrom.values), required=True)
    v["placing_authority"] = _text(row, "placing_authority", most=200)
    v["risk_grade"] = _one_of(row, "risk_grade", GRADES, required=True)
    v["grading_sources"] = _text(row, "grading_sources", required=True, most=5000)
    v["ssda903_type"] = _one_of(row, "ssda903_type", ("M", "A"), required=False)
    for name in ("circumstances", "description", "clothing"):
        v[name] = _text(row, name, most=5000)
    v["returned_at"] = _moment(row, "returned_at")
    v["found_where"] = _text(row, "found_where")
    v["found_by"] = _text(row, "found_by", most=200)
    v["returned_with"] = _text(row, "returned_with")
    seen, reported, noticed, back = (
        v["last_seen_at"],
        v["reported_at"],
        v["noticed_at"],
        v["returned_at"],
    )
    if seen and reported and seen > reported:
        row.problem("last_seen_at", "The child must have been last seen before it was reported.")
    if noticed and seen and reported and not seen <= noticed <= reported:
        row.problem(
            "noticed_at",
            "The child must be noticed missing after they were last seen and before it was "
            "reported.",
        )
    if back and ((seen and back < seen) or (reported and back < reported)):
        row.problem(
            "returned_at",
            "The return cannot be before the young person was last seen or reported missing.",
        )
    if back and not v["found_where"]:
        row.problem("found_where", "Say where the young person was found.")
    if v["found_where"] and not back:
        row.problem("returned_at", "Enter when the young person was found.")
    return row


def check_absence(number: int, raw: dict[str, str]) -> Checked:
    row = Checked(number=number, raw=raw)
    _formulas(row)
    v = row.values
    v["school_urn"] = _text(row, "school_urn", required=True, most=8)
    v["school_name"] = _text(row, "school_name", most=200)
    v["given_names"] = _text(row, "given_names", required=True, most=200)
    v["family_name"] = _text(row, "family_name", required=True, most=200)
    v["date_of_birth"] = _date(row, "date_of_birth")
    v["upn"] = _text(row, "upn", most=13).upper().replace(" ", "")
    v["absence_date"] = _date(row, "absence_date", required=True)
    v["session"] = _one_of(row, "session", tuple(AbsenceSession.values), required=True)
    v["reason_code"] = _text(row, "reason_code", required=True, most=4).upper()
    return row


CHECKS: dict[str, Callable[[int, dict[str, str]], Checked]] = {
    ImportKind.POLICE_MISSING: check_police,
    ImportKind.SCHOOL_ABSENCE: check_absence,
}


def _key_parts(kind: str, v: dict[str, Any]) -> list[str]:
    if kind == ImportKind.POLICE_MISSING:
        seen = v.get("last_seen_at")
        return [v.get("police_reference", "").upper(), seen.isoformat() if seen else ""]
    child = v.get("upn") or "|".join(
        [
            v.get("given_names", "").lower(),
            v.get("family_name", "").lower(),
            str(v.get("date_of_birth") or ""),
        ]
    )
    return [v.get("school_urn", ""), child, str(v.get("absence_date") or ""), v.get("session", "")]


def key_hash(kind: str, values: dict[str, Any]) -> str:
    """The line's natural key, hashed: a police report is its reference and the time last
    seen; an absence is the school, the child (UPN, else names and date of birth), the day
    and the session."""
    return hashlib.sha256("\x1f".join(_key_parts(kind, values)).encode()).hexdigest()


def data_hash(raw: dict[str, str]) -> str:
    """Every cell of the line (whitespace at the ends ignored), hashed."""
    cells = {k: v.strip() for k, v in sorted(raw.items())}
    return hashlib.sha256(json.dumps(cells, ensure_ascii=False).encode()).hexdigest()


def columns_of(kind: str) -> list[str]:
    return [c.name for c in COLUMNS[kind]]
