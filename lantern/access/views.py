"""Alerts and the auditor's access report."""

from __future__ import annotations

import csv
from datetime import date, datetime, time

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from lantern.access.audit import audit_record
from lantern.access.models import Alert, AuditEvent
from lantern.access.policy import declare_action
from lantern.access.scopes import RELATIONSHIP
from lantern.access.services import alert_mark_read
from lantern.accounts.models import user_of

REPORT_PAGE = 100
# Reads whose basis is not a relationship with the record, and emergency access itself.
WITHOUT_RELATIONSHIP = Q(detail__has_key="basis") & ~Q(detail__basis__in=list(RELATIONSHIP)) | Q(
    action="record.break_glass"
)


@declare_action("alerts.view")
@require_POST
def alert_read(request: HttpRequest, pk: str) -> HttpResponse:
    user = user_of(request)
    alert_mark_read(
        request=request, user=user, alert=get_object_or_404(Alert, pk=pk, recipient=user)
    )
    return redirect("core:home")


def _date(value: str) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


@declare_action("audit.report")
@require_GET
def audit_report(request: HttpRequest) -> HttpResponse:
    """Who did what, per user or per record over a date range, with reads made without a
    relationship to the record highlighted; exportable as CSV (the export is audited too)."""
    username = request.GET.get("user", "").strip()
    record = request.GET.get("record", "").strip()
    start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
    unrelated_only = request.GET.get("unrelated") == "1"
    events = AuditEvent.objects.order_by("-seq")
    if username:
        events = events.filter(actor_username=username)
    if record:
        events = events.filter(object_id=record)
    zone = timezone.get_current_timezone()
    if start:
        events = events.filter(occurred_at__gte=datetime.combine(start, time.min, zone))
    if end:
        events = events.filter(occurred_at__lte=datetime.combine(end, time.max, zone))
    if unrelated_only:
        events = events.filter(WITHOUT_RELATIONSHIP)
    criteria = {
        "user": username,
        "record": record,
        "from": str(start or ""),
        "to": str(end or ""),
        "unrelated_only": unrelated_only,
    }
    if request.GET.get("format") == "csv":
        audit_record(action="audit.report_exported", request=request, detail=criteria)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="lantern-access-report.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "when",
                "who",
                "agency",
                "roles",
                "action",
                "record type",
                "record id",
                "basis",
                "without relationship",
                "purpose",
                "outcome",
                "request id",
            ]
        )
        for event in events.iterator():
            basis = event.detail.get("basis", "")
            writer.writerow(
                [
                    event.occurred_at.isoformat(),
                    event.actor_username,
                    event.actor_agency,
                    event.actor_roles,
                    event.action,
                    event.object_type,
                    event.object_id,
                    basis,
                    "yes" if _unrelated(event) else "",
                    event.purpose,
                    event.outcome,
                    event.request_id,
                ]
            )
        return response
    page = Paginator(events, REPORT_PAGE).get_page(request.GET.get("page"))
    audit_record(action="audit.report_viewed", request=request, detail=criteria)
    rows = [(event, _unrelated(event)) for event in page.object_list]
    return render(
        request,
        "access/report.html",
        {"page": page, "rows": rows, "criteria": criteria},
    )


def _unrelated(event: AuditEvent) -> bool:
    if event.action == "record.break_glass":
        return True
    basis = event.detail.get("basis") if isinstance(event.detail, dict) else None
    return basis is not None and basis not in RELATIONSHIP
