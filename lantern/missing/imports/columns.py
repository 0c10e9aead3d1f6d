"""The columns of each template: their names (as in the header), whether they are required,
and what they hold. The documentation (docs/imports-missing.md) and the downloadable templates
are written from these."""

from __future__ import annotations

from dataclasses import dataclass

from lantern.missing.imports.models import ImportKind


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str


POLICE_COLUMNS = [
    Column("police_reference", True, "The police missing person reference.", "FB-MP-26-004512"),
    Column("given_names", True, "The young person's given names.", "Jordan Lee"),
    Column("family_name", True, "The young person's family name.", "Ashby"),
    Column("date_of_birth", False, "Date of birth, dd/mm/yyyy.", "14/03/2011"),
    Column("gender", False, "female, male, other or not_known.", "male"),
    Column("address", False, "The address they went missing from.", "12 Mill Lane, Fenbridge"),
    Column("postcode", False, "Its postcode.", "FB4 2QX"),
    Column("last_seen_at", True, "When last seen, dd/mm/yyyy hh:mm (UK time).", "02/11/2026 21:00"),
    Column("noticed_at", False, "When noticed missing, dd/mm/yyyy hh:mm.", "02/11/2026 22:30"),
    Column(
        "reported_at", True, "When reported to the police, dd/mm/yyyy hh:mm.", "02/11/2026 23:05"
    ),
    Column("missing_from", True, "home, placement, school or other.", "home"),
    Column("placing_authority", False, "For a child placed by another authority.", ""),
    Column("risk_grade", True, "very_low, low, medium or high.", "medium"),
    Column(
        "grading_sources",
        True,
        "Every source of information used for the grade, and who supplied it.",
        "Mother (phone call); school (attendance)",
    ),
    Column("ssda903_type", False, "Children in care only: M (missing) or A (away).", ""),
    Column("circumstances", False, "What happened.", "Left after an argument at home."),
    Column("description", False, "Description of the young person.", ""),
    Column("clothing", False, "What they were wearing.", "Black hoodie, grey joggers"),
    Column("returned_at", False, "When they returned or were found, dd/mm/yyyy hh:mm.", ""),
    Column("found_where", False, "Where they were found (required with returned_at).", ""),
    Column("found_by", False, "Who found them.", ""),
    Column("returned_with", False, "Who they were with.", ""),
]

ABSENCE_COLUMNS = [
    Column("school_urn", True, "The school's unique reference number (URN).", "100001"),
    Column("school_name", False, "The school's name, to check the URN.", "Fenbridge Academy"),
    Column("given_names", True, "The young person's given names.", "Amira"),
    Column("family_name", True, "The young person's family name.", "Khan"),
    Column("date_of_birth", False, "Date of birth, dd/mm/yyyy.", "09/07/2012"),
    Column("upn", False, "Unique pupil number, where the school has it.", "A123456789012"),
    Column("absence_date", True, "The day absent, dd/mm/yyyy.", "03/11/2026"),
    Column("session", True, "AM, PM or ALL (the whole day).", "ALL"),
    Column("reason_code", True, "The DfE attendance code, such as N, O, G, I or E.", "N"),
]

COLUMNS: dict[str, list[Column]] = {
    ImportKind.POLICE_MISSING: POLICE_COLUMNS,
    ImportKind.SCHOOL_ABSENCE: ABSENCE_COLUMNS,
}


def column_names(kind: str) -> list[str]:
    return [column.name for column in COLUMNS[kind]]


def required_names(kind: str) -> list[str]:
    return [column.name for column in COLUMNS[kind] if column.required]
