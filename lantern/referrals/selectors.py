"""Reads of referrals, each cut down by the access policy in the query itself."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone

from lantern.access.audit import record_denied, record_read
from lantern.access.policy import PARTNER_CHECKS as PARTNER_CHECK_ROLES
from lantern.access.scopes import Basis, access_record, is_uuid, scope, visible_filter
from lantern.accounts.roles import RoleCode
from lantern.people.models import Person, years_between
from lantern.referrals.models import (
    CheckStatus,
    Decision,
    DecisionState,
    PartnerCheck,
    Rag,
    Referral,
    ReferralChild,
    Section47Enquiry,
    Status,
    StrategyDiscussion,
)

PAGE_SIZE = 50


def _visible_referrals(user: Any) -> QuerySet[Referral]:
    """Submitted referrals in scope, and the user's own drafts (nobody else's)."""
    return scope(user, Referral.objects.filter(~Q(status=Status.DRAFT) | Q(referrer=user)))


def referral_for(request: HttpRequest, pk: str, *, purpose: str = "") -> tuple[Referral, Basis]:
    """One referral for the request's user, through the access policy (audited). Someone
    else's draft is not found, even by the MASH."""
    return access_record(
        request=request,
        queryset=Referral.objects.filter(
            ~Q(status=Status.DRAFT) | Q(referrer=request.user)
        ).select_related(
            "referrer", "referrer_agency", "source", "category", "lawful_basis", "assigned_to"
        ),
        pk=pk,
        action="referral.viewed",
        purpose=purpose,
    )


def children_of(user: Any, referrals: Sequence[Referral]) -> dict[Any, list[ChildRow]]:
    """The children of each referral as the user may see them: a child whose record the user
    may not see (a restricted record) is shown without their name. Two queries."""
    rows = list(ReferralChild.objects.filter(referral__in=referrals).select_related("person"))
    person_ids = [r.person_id for r in rows if r.person_id]
    visible = (
        set(
            Person.objects.filter(pk__in=person_ids)
            .filter(visible_filter(user, Person))
            .values_list("pk", flat=True)
        )
        if person_ids
        else set()
    )
    result: dict[Any, list[ChildRow]] = {r.pk: [] for r in referrals}
    for row in rows:
        result[row.referral_id].append(ChildRow.of(row, visible))
    return result


@dataclass(frozen=True)
class ChildRow:
    child_id: int
    name: str
    person: Person | None
    age: str
    hidden: bool

    @classmethod
    def of(cls, child: ReferralChild, visible: set[Any]) -> ChildRow:
        if child.person is None:
            age = str(child.age_estimate) if child.age_estimate is not None else ""
            if child.date_of_birth:
                age = str(years_between(child.date_of_birth, timezone.localdate()))
            return cls(child.pk, name=str(child), person=None, age=age, hidden=False)
        if child.person_id not in visible:
            return cls(
                child.pk, name="A child with a restricted record", person=None, age="", hidden=True
            )
        return cls(
            child.pk,
            name=child.person.known_as,
            person=child.person,
            age=child.person.age_text,
            hidden=False,
        )


# --- The MASH queue ----------------------------------------------------------------------

SORTS = {
    "due": ("due", "Due"),
    "received": ("received_at", "Received"),
    "rag": ("rag_order", "RAG"),
    "reference": ("reference", "Reference"),
}


@dataclass
class QueueFilter:
    """What the queue shows: read from the query string, so a filtered view can be shared."""

    status: str = "open"  # open, awaiting, decided, all
    rag: list[str] = field(default_factory=list)
    overdue: bool = False
    mine: bool = False
    exploitation: bool = False
    sort: str = "due"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_query(cls, query: QueryDict) -> QueueFilter:
        status = query.get("status", "open")
        sort = query.get("sort", "due")
        try:
            page = max(1, int(query.get("page", "1")))
        except ValueError:
            page = 1
        return cls(
            status=status if status in {"open", "awaiting", "decided", "all"} else "open",
            rag=[r for r in query.getlist("rag") if r in Rag.values],
            overdue=query.get("overdue") == "1",
            mine=query.get("mine") == "1",
            exploitation=query.get("exploitation") == "1",
            sort=sort if sort in SORTS else "due",
            descending=query.get("order") == "desc",
            page=page,
        )

    def chosen(self) -> list[tuple[str, str]]:
        """The filters in force, as (label, value) tags for the "selected filters" panel."""
        tags = []
        if self.status != "open":
            tags.append(("Status", self.status.capitalize()))
        tags.extend(("RAG", r.capitalize()) for r in self.rag)
        if self.overdue:
            tags.append(("Clock", "Overdue"))
        if self.mine:
            tags.append(("Assigned", "To me"))
        if self.exploitation:
            tags.append(("Concern", "Exploitation"))
        return tags


@dataclass
class Queue:
    rows: list[Any]  # referrals annotated with their clock and partner-check counts
    children: dict[Any, list[ChildRow]]
    total: int
    counts: dict[str, int]
    filters: QueueFilter
    pages: int


def triage_queue(user: Any, filters: QueueFilter, *, now: datetime | None = None) -> Queue:
    """The MASH work queue: submitted referrals with their clocks, partner checks and state,
    filtered and sorted in SQL, one page at a time, in a fixed number of queries."""
    now = now or timezone.now()
    base = _visible_referrals(user).exclude(status=Status.DRAFT)
    open_q = Q(status__in=[Status.SUBMITTED, Status.AWAITING_AUTHORISATION])
    # The earlier of the RAG response target and the decision's own working-day clock
    # (PostgreSQL's LEAST passes over a missing one).
    due = Least("response_due_at", "decision_due_at")
    counts = base.annotate(clock=due).aggregate(
        open=Count("pk", filter=open_q),
        overdue=Count("pk", filter=open_q & Q(clock__lt=now)),
        awaiting=Count("pk", filter=Q(status=Status.AWAITING_AUTHORISATION)),
        unrated=Count("pk", filter=Q(status=Status.SUBMITTED, rag="")),
    )
    rows = base
    if filters.status == "open":
        rows = rows.filter(open_q)
    elif filters.status == "awaiting":
        rows = rows.filter(status=Status.AWAITING_AUTHORISATION)
    elif filters.status == "decided":
        rows = rows.filter(status=Status.DECIDED)
    if filters.rag:
        rows = rows.filter(rag__in=filters.rag)
    if filters.overdue:
        rows = rows.filter(open_q).annotate(clock=due).filter(clock__lt=now)
    if filters.mine:
        rows = rows.filter(assigned_to=user)
    if filters.exploitation:
        rows = rows.filter(exploitation_concern="yes")
    total = rows.count()
    column, _ = SORTS[filters.sort]
    ordering = (
        F(column).desc(nulls_last=True) if filters.descending else F(column).asc(nulls_last=True)
    )
    start = (filters.page - 1) * PAGE_SIZE
    page = list(
        rows.annotate(
            due=due,
            rag_order=Coalesce(
                # Red first when sorted ascending.
                _rag_rank(),
                99,
            ),
            checks_asked=Count("checks", distinct=True),
            checks_back=Count(
                "checks", filter=~Q(checks__status=CheckStatus.REQUESTED), distinct=True
            ),
        )
        .select_related("referrer_agency", "assigned_to", "source")
        .order_by(ordering, "reference")[start : start + PAGE_SIZE]
    )
    return Queue(
        rows=page,
        children=children_of(user, page),
        total=total,
        counts={k: v or 0 for k, v in counts.items()},
        filters=filters,
        pages=max(1, -(-total // PAGE_SIZE)),
    )


def _rag_rank() -> Any:
    return Case(
        When(rag=Rag.RED, then=Value(1)),
        When(rag=Rag.AMBER, then=Value(2)),
        When(rag=Rag.GREEN, then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )


# --- Referrers, partner agencies ---------------------------------------------------------


def referrals_made_by(user: Any) -> list[Referral]:
    """The referrer's own referrals, drafts first, with what was decided."""
    return list(
        Referral.objects.filter(referrer=user)
        .prefetch_related(Prefetch("children", ReferralChild.objects.select_related("person")))
        .order_by(F("received_at").desc(nulls_first=True), "-created_at")[:200]
    )


def checks_for_agency(user: Any, *, answered: bool = False) -> list[PartnerCheck]:
    """Partner checks asked of the user's agency: open ones first by their clock."""
    if not user.agency_id:
        return []
    checks = PartnerCheck.objects.filter(agency_id=user.agency_id).select_related(
        "referral", "requested_by"
    )
    checks = (
        checks.exclude(status=CheckStatus.REQUESTED).order_by("-returned_at")[:100]
        if answered
        else checks.filter(status=CheckStatus.REQUESTED).order_by("due_at")
    )
    return list(checks)


def check_for(request: HttpRequest, pk: str) -> PartnerCheck:
    """A check asked of the user's own agency, or not found (audited either way)."""
    agency_id = getattr(request.user, "agency_id", None)
    check = (
        PartnerCheck.objects.select_related("referral", "agency")
        .filter(pk=pk, agency_id=agency_id)
        .first()
        if is_uuid(pk) and agency_id
        else None
    )
    if check is None:
        record_denied(request=request, model=PartnerCheck, object_id=str(pk), action="check.viewed")
        raise Http404
    record_read(
        request=request,
        record=check.referral,
        action="referral.check_viewed",
        basis=Basis.AGENCY,
        purpose=f"Partner check for {check.agency}",
    )
    return check


def decisions_of(referral: Referral) -> list[Decision]:
    return list(referral.decisions.select_related("proposed_by", "reviewed_by"))


def live_decision(referral: Referral) -> Decision | None:
    return (
        referral.decisions.filter(state__in=[DecisionState.PROPOSED, DecisionState.AUTHORISED])
        .select_related("proposed_by", "reviewed_by")
        .first()
    )


def can_triage(user: Any) -> bool:
    return user.has_role(RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER)


def sees_mash_working(user: Any, referral: Referral) -> bool:
    """The MASH, and the workers leading what followed, see the MASH's working (checks,
    rationale, strategy); the referrer, and anyone else who may see the referral, sees its
    progress and decision."""
    if can_triage(user):
        return True
    leads = set(referral.strategies.values_list("lead_id", flat=True))
    for social_work_lead, police_lead in referral.enquiries.values_list(
        "social_work_lead_id", "police_lead_id"
    ):
        leads |= {social_work_lead, police_lead}
    return user.pk in leads


# --- Timeliness (DfE measures) -----------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    title: str
    standard: str
    met: int
    late: int
    open_overdue: int
    late_references: list[tuple[str, Any]]

    @property
    def total(self) -> int:
        return self.met + self.late

    @property
    def percent(self) -> int | None:
        return round(100 * self.met / self.total) if self.total else None


def timeliness(user: Any, *, since: date, until: date) -> list[Measure]:
    """Decisions within 1 working day, assessments within 45 working days, initial child
    protection conferences within 15 working days of the last strategy discussion. These
    inform managers; nothing in Lantern refuses a decision because a clock has run."""
    now = timezone.now()
    today = timezone.localdate()
    # The figures count every referral (they name no one); the lists of late ones link only
    # to referrals the user may open.
    window = Referral.objects.exclude(status=Status.DRAFT).filter(
        received_at__date__gte=since, received_at__date__lte=until
    )
    visible = _visible_referrals(user).values("pk")

    decided = window.filter(status=Status.DECIDED)
    late_decisions = decided.filter(decided_at__gt=F("decision_due_at"))
    decision = Measure(
        title="Decisions on referrals",
        standard="Within 1 working day of the referral",
        met=decided.filter(decided_at__lte=F("decision_due_at")).count(),
        late=late_decisions.count(),
        open_overdue=window.exclude(status=Status.DECIDED).filter(decision_due_at__lt=now).count(),
        late_references=list(
            late_decisions.filter(pk__in=visible).values_list("reference", "pk")[:20]
        ),
    )

    assessed = window.filter(assessment_due__isnull=False)
    late_assessments = assessed.filter(assessment_completed_on__gt=F("assessment_due"))
    assessment = Measure(
        title="Assessments",
        standard="Completed within 45 working days of the referral",
        met=assessed.filter(assessment_completed_on__lte=F("assessment_due")).count(),
        late=late_assessments.count(),
        open_overdue=assessed.filter(
            assessment_completed_on__isnull=True, assessment_due__lt=today
        ).count(),
        late_references=list(
            late_assessments.filter(pk__in=visible).values_list("reference", "pk")[:20]
        ),
    )

    enquiries = Section47Enquiry.objects.filter(referral__in=window).annotate(
        last_due=_last_icpc_due()
    )
    held = enquiries.filter(icpc_held_on__isnull=False)
    late_icpc = held.filter(icpc_held_on__gt=F("last_due"))
    icpc = Measure(
        title="Initial child protection conferences",
        standard="Within 15 working days of the last strategy discussion",
        met=held.filter(icpc_held_on__lte=F("last_due")).count(),
        late=late_icpc.count(),
        open_overdue=enquiries.filter(
            icpc_held_on__isnull=True, outcome__in=["", "icpc"], last_due__lt=today
        ).count(),
        late_references=list(
            late_icpc.filter(referral__in=visible).values_list(
                "referral__reference", "referral_id"
            )[:20]
        ),
    )
    return [decision, assessment, icpc]


def _last_icpc_due() -> Any:
    return Subquery(
        StrategyDiscussion.objects.filter(referral=OuterRef("referral"), icpc_due__isnull=False)
        .order_by("-held_at")
        .values("icpc_due")[:1]
    )


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=365), today


@dataclass(frozen=True)
class ReferralWork:
    """What a user has to do at the front door, as counts for their "my work" page."""

    drafts: int
    awaiting_decision: int  # referrals they made that the MASH has not yet decided
    checks_waiting: int  # partner checks asked of their agency, not yet answered
    assigned_open: int  # open referrals assigned to them in the MASH
    overdue: int  # open MASH referrals past their clock (MASH roles)
    awaiting_authorisation: int  # decisions for a manager to review (MASH managers)


def referral_work(user: Any, *, now: datetime | None = None) -> ReferralWork:
    """Counts only: the pages they link to read (and audit) the records."""
    now = now or timezone.now()
    mine = Referral.objects.filter(referrer=user).aggregate(
        drafts=Count("pk", filter=Q(status=Status.DRAFT)),
        awaiting=Count(
            "pk", filter=Q(status__in=[Status.SUBMITTED, Status.AWAITING_AUTHORISATION])
        ),
    )
    checks = (
        PartnerCheck.objects.filter(agency_id=user.agency_id, status=CheckStatus.REQUESTED).count()
        if user.agency_id and user.has_role(*PARTNER_CHECK_ROLES)
        else 0
    )
    mash = {"assigned": 0, "overdue": 0, "awaiting": 0}
    if can_triage(user):
        open_q = Q(status__in=[Status.SUBMITTED, Status.AWAITING_AUTHORISATION])
        mash = (
            _visible_referrals(user)
            .annotate(clock=Least("response_due_at", "decision_due_at"))
            .aggregate(
                assigned=Count("pk", filter=open_q & Q(assigned_to=user)),
                overdue=Count("pk", filter=open_q & Q(clock__lt=now)),
                awaiting=Count("pk", filter=Q(status=Status.AWAITING_AUTHORISATION)),
            )
        )
    return ReferralWork(
        drafts=mine["drafts"],
        awaiting_decision=mine["awaiting"],
        checks_waiting=checks,
        assigned_open=mash["assigned"],
        overdue=mash["overdue"],
        awaiting_authorisation=mash["awaiting"] if user.has_role(RoleCode.MASH_MANAGER) else 0,
    )
