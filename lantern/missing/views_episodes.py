"""The missing episode pages: report a young person missing (anyone), their return, the police
grade, the coordinator's live board, each provider's interview queue, the interview record, a
manager's oversight and close, and the analyst's list of people and places named."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from lantern.access.audit import audit_record
from lantern.access.handling import handling_allows
from lantern.access.policy import declare_action
from lantern.accounts.models import user_of
from lantern.core.forms import add_service_errors, render_form
from lantern.missing.forms import (
    AttemptForm,
    CloseForm,
    GradeForm,
    InterviewForm,
    LeadReviewForm,
    ReportForm,
    ReturnForm,
)
from lantern.missing.models import Episode, EpisodeStatus, LeadStatus
from lantern.missing.selectors import (
    access_episode,
    child_episodes,
    coordinator_board,
    episode_actions,
    episodes_reported_by,
    interview_queue,
    leads_for_review,
    previous_episodes,
    sees_child_record,
)
from lantern.missing.selectors_profiles import profile_prefill
from lantern.missing.services import (
    NamedInInterview,
    episode_close,
    episode_grade,
    episode_record_return,
    episode_refer,
    episode_report,
    interview_attempt_log,
    interview_complete,
    lead_review,
    looked_after_on,
)
from lantern.people.selectors import people_search_for, person_for

SEARCH_ROWS = 10
POLL_SECONDS = 15


def _shown(request: HttpRequest, action: str, episodes: list[Episode], **detail: Any) -> None:
    audit_record(
        action=action,
        request=request,
        detail={"shown": [str(e.pk) for e in episodes], **detail},
    )


# --- The coordinator's board -------------------------------------------------------------


def _since(request: HttpRequest) -> datetime | None:
    raw = request.GET.get("since", "")
    try:
        moment = datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else None


@declare_action("missing.queue")
@require_http_methods(["GET"])
def board(request: HttpRequest) -> HttpResponse:
    """Every episode open or recently moved, as it happens: the board refreshes itself (HTMX
    polling every 15 seconds) so a newly reported child appears without anyone pressing
    refresh; without JavaScript the page says when it was last brought up to date."""
    now = timezone.now()
    since = _since(request) or now
    state = coordinator_board(request.user, now, since=since)
    shown = [
        row.episode
        for rows in (
            state.missing,
            state.awaiting_interview,
            state.awaiting_oversight,
            state.closed_recently,
        )
        for row in rows
    ]
    _shown(request, "missing.board_viewed", shown)
    context = {"board": state, "since": since, "poll": POLL_SECONDS}
    if request.headers.get("HX-Request"):
        return render(request, "missing/board.html#board", context)
    return render(request, "missing/board.html", context)


# --- Reporting --------------------------------------------------------------------------


@declare_action("missing.report")
@require_http_methods(["GET"])
def report_start(request: HttpRequest) -> HttpResponse:
    """Search first, within what the reporter may see, then report the child found."""
    query = request.GET.get("q", "").strip()
    rows: list[Any] = []
    if query:
        rows = people_search_for(
            request,
            query,
            purpose="search before reporting a young person missing",
            most=SEARCH_ROWS,
        )
    mine = episodes_reported_by(request.user)[:20]
    _shown(request, "missing.reported_listed", mine)
    return render(
        request, "missing/report_start.html", {"query": query, "rows": rows, "mine": mine}
    )


@declare_action("missing.report")
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, person: str) -> HttpResponse:
    """Report the young person missing: what the reporter knows now, with their previous
    episodes shown at once so nobody reports in ignorance of the pattern."""
    child, _ = person_for(request, person, purpose="Reporting a young person missing")
    now = timezone.now()
    initial: dict[str, Any] = {
        "reported_at": timezone.localtime(now).replace(second=0, microsecond=0)
    }
    # Pre-filled from the child's Philomena profile when one is kept: the reporter corrects
    # the clothing to what they were last seen wearing.
    initial |= {key: value for key, value in profile_prefill(child).items() if value}
    form = ReportForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            episode = episode_report(
                request=request,
                actor=user_of(request),
                child=child,
                reported_at=data["reported_at"],
                last_seen_at=data["last_seen_at"],
                noticed_at=data["noticed_at"],
                missing_from=data["missing_from"],
                risk_grade=data["police_risk_grade"],
                grading_sources=data["grading_sources"],
                reporter_name=data["reporter_name"] or _reporter(user_of(request)),
                reporter_relationship=data["reporter_relationship"],
                placing_authority=data["placing_authority"],
                circumstances=data["circumstances"],
                description=data["description"],
                clothing=data["clothing"],
                police_reference=data["police_reference"],
                ssda903_type=data["ssda903_type"],
            )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(
                request,
                f"{child.known_as} reported missing ({episode.reference}). The missing "
                "coordinators can see it now.",
            )
            return redirect("missing:episode", pk=episode.pk)
    history = previous_episodes(child, now=now)
    return render_form(
        request,
        "missing/report.html",
        {
            "form": form,
            "child": child,
            "history": history,
            "in_care": looked_after_on(child, timezone.localdate()),
            "episodes": child_episodes(request.user, child)[:5],
        },
    )


def _reporter(user: Any) -> str:
    name = user.get_full_name() or user.username
    return f"{name} ({user.agency})" if user.agency else name


# --- One episode ------------------------------------------------------------------------


def _interview_of(episode: Episode) -> Any:
    from lantern.missing.models import ReturnInterview  # noqa: PLC0415

    return (
        ReturnInterview.objects.filter(episode=episode)
        .select_related("provider", "outcome", "interviewer")
        .prefetch_related("attempts__made_by", "leads")
        .first()
    )


@declare_action("missing.view")
@require_http_methods(["GET"])
def episode_detail(request: HttpRequest, pk: str) -> HttpResponse:
    episode, basis = access_episode(request=request, pk=pk)
    now = timezone.now()
    interview = _interview_of(episode)
    leads = (
        [lead for lead in interview.leads.all() if handling_allows(request.user, lead.handling)]
        if interview
        else []
    )
    from lantern.core.deadlines import elapsed_clock  # noqa: PLC0415

    return render(
        request,
        "missing/episode.html",
        {
            "episode": episode,
            "basis": basis,
            "gradings": list(episode.gradings.select_related("grade", "graded_by")),
            "interview": interview,
            "leads": leads,
            "clock": elapsed_clock(episode.interview_due_at, now)
            if episode.interview_due_at and interview and interview.completed_at is None
            else None,
            "history": previous_episodes(episode.child, now=episode.last_seen_at),
            "sees_child": sees_child_record(request.user, episode),
            "actions": episode_actions(request.user, episode),
        },
    )


@declare_action("missing.view")
@require_http_methods(["GET"])
def child_history(request: HttpRequest, person: str) -> HttpResponse:
    """A young person's episodes, newest first, with the pattern across them."""
    child, _ = person_for(request, person, purpose="Missing episodes")
    episodes = child_episodes(request.user, child)
    _shown(request, "missing.child_episodes_viewed", episodes, person=str(child.pk))
    return render(
        request,
        "missing/child.html",
        {
            "child": child,
            "episodes": episodes,
            "history": previous_episodes(child, now=timezone.now()),
            "in_care": looked_after_on(child, timezone.localdate()),
        },
    )


def _episode_form(
    request: HttpRequest,
    pk: str,
    *,
    action: str,
    form_class: type,
    template: str,
    act: Any,
    done: str,
    initial: dict[str, Any] | None = None,
    allowed: Any = None,
) -> HttpResponse:
    episode, _ = access_episode(request=request, pk=pk, action=action)
    if allowed is not None and not allowed(episode):
        messages.info(request, "That step is not open for this episode now.")
        return redirect("missing:episode", pk=episode.pk)
    form = form_class(request.POST or None, initial=initial or {})
    if request.method == "POST" and form.is_valid():
        try:
            act(episode, form)
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(request, done)
            return redirect("missing:episode", pk=episode.pk)
    return render_form(request, template, {"form": form, "episode": episode})


def _now_initial() -> dict[str, Any]:
    return {"now": timezone.localtime().replace(second=0, microsecond=0)}


@declare_action("missing.return")
@require_http_methods(["GET", "POST"])
def episode_return(request: HttpRequest, pk: str) -> HttpResponse:
    def act(episode: Episode, form: ReturnForm) -> None:
        episode_record_return(
            request=request, actor=user_of(request), episode=episode, **form.cleaned_data
        )

    return _episode_form(
        request,
        pk,
        action="missing.return_form",
        form_class=ReturnForm,
        template="missing/return.html",
        act=act,
        done="Return recorded. The return interview is offered within 72 hours.",
        initial={"returned_at": _now_initial()["now"]},
        allowed=lambda e: e.is_open,
    )


@declare_action("missing.grade")
@require_http_methods(["GET", "POST"])
def episode_grade_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(episode: Episode, form: GradeForm) -> None:
        episode_grade(
            request=request,
            actor=user_of(request),
            episode=episode,
            grade=form.cleaned_data["grade"],
            sources=form.cleaned_data["sources"],
        )

    return _episode_form(
        request,
        pk,
        action="missing.grade_form",
        form_class=GradeForm,
        template="missing/grade.html",
        act=act,
        done="Risk grade recorded.",
        allowed=lambda e: e.is_open,
    )


@declare_action("missing.close")
@require_http_methods(["GET", "POST"])
def episode_close_view(request: HttpRequest, pk: str) -> HttpResponse:
    def act(episode: Episode, form: CloseForm) -> None:
        episode_close(
            request=request,
            actor=user_of(request),
            episode=episode,
            oversight_comment=form.cleaned_data["oversight_comment"],
        )

    return _episode_form(
        request,
        pk,
        action="missing.close_form",
        form_class=CloseForm,
        template="missing/close.html",
        act=act,
        done="Episode closed with your oversight.",
        allowed=lambda e: e.status == EpisodeStatus.INTERVIEW_DONE,
    )


# Starting a referral is open to anyone (the front door's rule); the episode read is audited
# through `access_episode` and the referral writes its own events.
@declare_action("referrals.start")
@require_POST
def episode_refer_view(request: HttpRequest, pk: str) -> HttpResponse:
    episode, _ = access_episode(request=request, pk=pk, action="missing.refer")
    try:
        referral = episode_refer(request=request, actor=user_of(request), episode=episode)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect("missing:episode", pk=episode.pk)
    messages.success(
        request,
        "A referral has been started with the young person and what they disclosed. Check "
        "it, add why you are worried, and send it.",
    )
    return redirect("referrals:details", pk=referral.pk)


# --- Return interviews ------------------------------------------------------------------


@declare_action("missing.interviews")
@require_http_methods(["GET"])
def interviews(request: HttpRequest) -> HttpResponse:
    """The provider's queue: each young person back and not yet interviewed, with the 72-hour
    clock from their return; the overdue first."""
    now = timezone.now()
    rows = interview_queue(request.user, now)
    _shown(request, "missing.interviews_listed", [r.episode for r in rows])
    return render(
        request,
        "missing/interviews.html",
        {
            "rows": rows,
            "overdue": sum(1 for r in rows if r.clock.state == "overdue"),
            "now": now,
        },
    )


@declare_action("missing.interview")
@require_http_methods(["GET", "POST"])
def interview(request: HttpRequest, pk: str) -> HttpResponse:
    """Log attempts to offer the interview, then record it: what the young person said (or,
    when they declined, their carers), its outcome, and the people and places they named."""
    episode, _ = access_episode(request=request, pk=pk, action="missing.interview_form")
    record = _interview_of(episode)
    if record is None or record.completed_at is not None:
        messages.info(request, "There is no return interview waiting for this episode.")
        return redirect("missing:episode", pk=episode.pk)
    now = timezone.localtime().replace(second=0, microsecond=0)
    actor = user_of(request)
    posted = request.POST.get("form")
    attempt_form = AttemptForm(
        request.POST if posted == "attempt" else None, initial={"attempted_at": now}
    )
    form = InterviewForm(
        request.POST if posted == "interview" else None, initial={"completed_at": now}
    )
    if posted == "attempt" and attempt_form.is_valid():
        try:
            interview_attempt_log(
                request=request, actor=actor, episode=episode, **attempt_form.cleaned_data
            )
        except ValidationError as refusal:
            add_service_errors(attempt_form, refusal)
        else:
            messages.success(request, "Attempt recorded.")
            return redirect("missing:interview", pk=episode.pk)
    if posted == "interview" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("named_")}
        try:
            interview_complete(
                request=request,
                actor=actor,
                episode=episode,
                named=[NamedInInterview(*row) for row in form.named()],
                **data,
            )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(request, "Return interview recorded.")
            return redirect("missing:episode", pk=episode.pk)
    from lantern.core.deadlines import elapsed_clock  # noqa: PLC0415

    return render_form(
        request,
        "missing/interview.html",
        {
            # `form` is the one with errors, so the page answers 400 and keeps the answers.
            "form": attempt_form if attempt_form.errors else form,
            "attempt_form": attempt_form,
            "interview_form": form,
            "episode": episode,
            "interview": record,
            "clock": elapsed_clock(episode.interview_due_at) if episode.interview_due_at else None,
            "history": previous_episodes(episode.child, now=episode.last_seen_at),
        },
    )


# --- People and places named, for the analyst -------------------------------------------


@declare_action("missing.leads")
@require_http_methods(["GET"])
def leads(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", LeadStatus.NEW)
    if status not in LeadStatus.values:
        status = LeadStatus.NEW
    rows = leads_for_review(request.user, status=status)
    audit_record(
        action="missing.leads_listed",
        request=request,
        detail={"shown": [str(lead.pk) for lead in rows], "status": status},
    )
    return render(
        request, "missing/leads.html", {"leads": rows, "status": status, "statuses": LeadStatus}
    )


@declare_action("missing.leads")
@require_http_methods(["GET", "POST"])
def lead_review_view(request: HttpRequest, pk: str) -> HttpResponse:
    lead = next((row for row in leads_for_review(request.user) if str(row.pk) == pk), None)
    if lead is None:
        raise Http404
    audit_record(action="missing.lead_viewed", request=request, obj=lead)
    form = LeadReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead_review(request=request, actor=user_of(request), lead=lead, **form.cleaned_data)
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(request, "Recorded.")
            return redirect("missing:leads")
    return render_form(request, "missing/lead_review.html", {"form": form, "lead": lead})
