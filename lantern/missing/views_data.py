"""Statutory data and trends: the SSDA903 Missing table and Ofsted's Annex A List 8 (pages
and their CSV files), and the missing dashboard with the children behind each figure."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.core.csv_safe import csv_response
from lantern.missing.dashboard import DIMENSIONS, KEEP_FIGURES, Period, children_for, kept_figures
from lantern.missing.statutory import (
    ANNEX_A_HEADER,
    SSDA903_HEADER,
    CollectionYear,
    annex_a_rows,
    collection_years,
    episode_link,
    ssda903_rows,
    validate,
)

# A figure over more than this many years is not what the dashboard is for (and a typo).
LONGEST_PERIOD = timedelta(days=366 * 5)


def _chosen_year(request: HttpRequest) -> tuple[CollectionYear, list[CollectionYear]]:
    years = collection_years(timezone.localdate())
    chosen = request.GET.get("year", "")
    for year in years:
        if chosen == str(year.start_year):
            return year, years
    # The year just finished is the one a return is made for, from April onwards.
    return years[1], years


@declare_action("missing.statutory")
@require_GET
def ssda903(request: HttpRequest) -> HttpResponse:
    """The SSDA903 Missing table for a collection year: the rows the user may see, checked
    against the DfE's rules; the file downloads only when every row passes."""
    year, years = _chosen_year(request)
    rows = ssda903_rows(request.user, year)
    problems = validate(rows)
    children = sorted({str(row.child_pk) for row in rows})
    if request.GET.get("format") == "csv" and not problems:
        audit_record(
            action="missing.ssda903_exported",
            request=request,
            detail={"year": year.label, "rows": len(rows), "children": children},
        )
        return csv_response(
            f"ssda903-missing-{year.label}.csv", SSDA903_HEADER, [row.cells() for row in rows]
        )
    audit_record(
        action="missing.ssda903_viewed",
        request=request,
        detail={
            "year": year.label,
            "rows": len(rows),
            "children_with_errors": [str(child.child_pk) for child in problems],
        },
    )
    return render(
        request,
        "missing/data/ssda903.html",
        {
            "year": year,
            "years": years,
            "rows": rows,
            "children_count": len(children),
            "problems": [
                (child, [(p, episode_link(p.row.episode_id)) for p in child.problems])
                for child in problems
            ],
            "refused": request.GET.get("format") == "csv",
        },
    )


def _until(request: HttpRequest) -> date:
    today = timezone.localdate()
    try:
        chosen = date.fromisoformat(request.GET.get("until", ""))
    except ValueError:
        return today
    return min(chosen, today)


@declare_action("missing.statutory")
@require_GET
def annex_a(request: HttpRequest) -> HttpResponse:
    """Ofsted's Annex A List 8 for the children in care the user may see."""
    until = _until(request)
    rows = annex_a_rows(request.user, until)
    detail = {
        "until": until.isoformat(),
        "rows": len(rows),
        "children": [str(row.child_pk) for row in rows],
    }
    if request.GET.get("format") == "csv":
        audit_record(action="missing.annex_a_exported", request=request, detail=detail)
        return csv_response(
            f"annex-a-list-8-{until.isoformat()}.csv",
            ANNEX_A_HEADER,
            [row.cells() for row in rows],
        )
    audit_record(action="missing.annex_a_viewed", request=request, detail=detail)
    return render(
        request,
        "missing/data/annex_a.html",
        {"rows": rows, "until": until, "header": ANNEX_A_HEADER},
    )


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for, or the last 12 months with a message saying why not."""
    default = Period.last_12_months(timezone.localdate())
    since, until = request.GET.get("since", ""), request.GET.get("until", "")
    if not since and not until:
        return default, ""
    try:
        period = Period(date.fromisoformat(since), date.fromisoformat(until))
    except ValueError:
        return default, "Enter both dates as a real date, like 2026-04-01."
    if period.since > period.until:
        return default, "The start of the period must be on or before its end."
    if period.until - period.since > LONGEST_PERIOD:
        return default, "Choose a period of 5 years or less."
    return period, ""


def _query(period: Period, **params: str) -> str:
    return urlencode(
        {"since": period.since.isoformat(), "until": period.until.isoformat(), **params}
    )


@declare_action("missing.dashboard")
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The partnership's missing figures for a period, with charts; each figure links to the
    children behind it for those who may see lists of children."""
    period, error = _period(request)
    figures = kept_figures(period)
    context = {
        "figures": figures,
        "period": period,
        "error": error,
        "query": _query(period),
        "charts": [figures.months, *figures.breakdowns],
        "keep_minutes": round(KEEP_FIGURES.total_seconds() / 60),
    }
    if request.headers.get("HX-Request"):
        # The page's poll while its figures are being counted again: the figures only.
        return render(request, "missing/data/dashboard.html#figures", context)
    return render(request, "missing/data/dashboard.html", context)


@declare_action("missing.dashboard_children")
@require_GET
def dashboard_children(request: HttpRequest) -> HttpResponse:
    """The children behind one figure, as far as the user may see them: audited."""
    period, _ = _period(request)
    measure = request.GET.get("measure") or "episodes"
    dimension = request.GET.get("dimension", "")
    value = request.GET.get("value", "")
    found = children_for(
        request.user, measure=measure, period=period, dimension=dimension, value=value
    )
    if found is None:
        raise Http404
    children, hidden, title = found
    audit_record(
        action="missing.dashboard_children_listed",
        request=request,
        detail={
            "measure": measure,
            "dimension": dimension,
            "value": value,
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "children": [str(person.pk) for person, _ in children],
        },
    )
    return render(
        request,
        "missing/data/dashboard_children.html",
        {
            "children": children,
            "hidden": hidden,
            "title": title,
            "period": period,
            "query": _query(period),
            "dimensions": DIMENSIONS,
        },
    )
