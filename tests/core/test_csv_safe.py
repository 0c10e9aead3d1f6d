"""Exports escape spreadsheet formulas and nothing else."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.core.csv_safe import csv_bytes, csv_response, escape_cell, looks_like_formula


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+44 7700 900123", "'+44 7700 900123"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Rowan Ashby", "Rowan Ashby"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe(raw: str, written: str) -> None:
    assert escape_cell(raw) == written


def test_lanterns_own_values_are_never_escaped() -> None:
    assert escape_cell(-3) == "-3"
    assert escape_cell(date(2026, 4, 1)) == "2026-04-01"
    assert escape_cell("01/04/2026") == "01/04/2026"
    assert escape_cell(None) == ""


def test_the_file_is_utf8_with_crlf_and_a_header() -> None:
    assert csv_bytes(["NAME", "N"], [["Zoë", 2], ["=1+1", -1]]) == (
        "NAME,N\r\nZoë,2\r\n'=1+1,-1\r\n".encode()
    )


def test_the_response_is_a_csv_download() -> None:
    response = csv_response("x.csv", ["A"], [["1"]])
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    assert response.content == b"A\r\n1\r\n"


def test_a_file_people_open_may_start_with_a_byte_order_mark() -> None:
    assert csv_bytes(["NAME"], [["Zoë"]], bom=True) == "\ufeffNAME\r\nZoë\r\n".encode()


def test_reading_refuses_formulas_but_not_numbers_phones_or_dates() -> None:
    assert looks_like_formula('=HYPERLINK("http://x")')
    assert looks_like_formula(" @SUM(A1)")
    assert looks_like_formula("-2+3+cmd|' /C calc'!A0")
    for value in ("-3", "+44 1632 960000", "-1.5", "Fenbridge", ""):
        assert not looks_like_formula(value), value
