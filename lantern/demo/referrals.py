"""A month of referrals into the Fenbridge MASH (a year's worth, 10,000, at `medium` for the
triage-queue benchmark): every agency type in realistic proportions, some with concerns of
exploitation, screened, checked with partners and decided; the serious ones with strategy
discussions and joint section 47 enquiries. The newest are still open, so the queue a triage
worker signs in to holds what a real morning does: new referrals not yet rated, checks
awaited, decisions waiting for a manager, and a few that are overdue.

Times are counted back from the moment the demo is generated, so the clocks on the open
referrals are live; everything else follows from the seed.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from lantern.access.models import Involvement, InvolvementKind
from lantern.accounts.models import User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import ChronologyEntry, EntryKind, Significance
from lantern.core.deadlines import add_working_hours, due_at, due_date, working_time_between
from lantern.core.history import insert_history_skipped
from lantern.core.models import Code
from lantern.people.models import Person, years_before
from lantern.referrals.models import (
    ASSESSED,
    STRATEGY,
    CheckStatus,
    Decision,
    DecisionState,
    Outcome,
    Participant,
    PartnerCheck,
    Rag,
    Referral,
    ReferralChild,
    Section47Enquiry,
    Status,
    StrategyDiscussion,
    StrategyOutcome,
)

# Where referrals come from (DfE CIN source code, the referrer's role, share in per cent),
# roughly the national pattern: police and schools first, then health and the council.
SOURCES: list[tuple[str, str, int]] = [
    ("6", RoleCode.POLICE_OFFICER, 29),
    ("2A", RoleCode.SCHOOL_SAFEGUARDING_LEAD, 20),
    ("3E", RoleCode.HEALTH_PRACTITIONER, 6),
    ("3F", RoleCode.HEALTH_PRACTITIONER, 5),
    ("3A", RoleCode.REFERRER, 3),  # the GP practice's referrer
    ("5A", RoleCode.SOCIAL_WORKER, 6),
    ("5D", RoleCode.SOCIAL_WORKER, 3),
    ("4", RoleCode.REFERRER, 3),
    ("8", RoleCode.RETURN_INTERVIEW_WORKER, 8),
    # Family, neighbours and anonymous callers phone the MASH, which records the referral.
    ("1A", RoleCode.MASH_TRIAGE_WORKER, 8),
    ("1B", RoleCode.MASH_TRIAGE_WORKER, 3),
    ("1C", RoleCode.MASH_TRIAGE_WORKER, 1),
    ("9", RoleCode.MASH_TRIAGE_WORKER, 3),
    ("7", RoleCode.REFERRER, 2),
]
OUTCOMES: list[tuple[str, int]] = [
    (Outcome.NO_FURTHER_ACTION, 28),
    (Outcome.ADVICE, 14),
    (Outcome.EARLY_HELP, 20),
    (Outcome.SECTION_17, 22),
    (Outcome.STRATEGY_DISCUSSION, 13),
    (Outcome.IMMEDIATE_PROTECTION, 3),
]
CATEGORIES = [("NEG", 45), ("EMO", 25), ("PHY", 14), ("SAB", 12), ("MUL", 4)]
WORRIES = [
    "Staying out late and coming home with things the family cannot account for.",
    "An older adult collects them from school; they will not say who he is.",
    "Disclosed to a teacher that someone at home hits them when he has been drinking.",
    "Brought to A&E intoxicated at 02:00; a man who left before staff could speak to him "
    "brought them in.",
    "Not in school for three weeks; the family has not answered calls or visits.",
    "Seen in a car with adults known to police, late at night, near the station.",
    "Arrested carrying drugs far from home; another young person was with them.",
    "The house is cold and there is little food; the younger children are often hungry.",
    "Posting images online that suggest they are being pressured by someone older.",
    "A neighbour reports shouting and a child crying late most nights.",
]
HAPPENED = [
    "Told their form tutor this morning; the tutor wrote down their words.",
    "Police attended the address after a call from a neighbour.",
    "Reported by the night manager of a hotel where the young person was with two adults.",
    "Found at a house party by officers responding to a report of a missing child.",
    "Seen by the school nurse with an injury they would not explain.",
]
EXPLOITATION_WORDS = ("older adult", "car", "drugs", "hotel", "pressured", "station")
PARTNERS = ["police", "hospital", "gp", "yjs", "charity_home", "housing"]
CHECK_ANSWERS = [
    "Known to the service; last contact three months ago, when the family asked for help "
    "with housing.",
    "Two missing episodes this year; found both times in the town centre with older youths.",
    "Seen at the emergency department in the summer after an assault; discharged home.",
    "Attended the sexual health clinic twice; no current concerns recorded.",
    "Open to the youth justice service for a possession offence; engages well with the worker.",
    "The family's tenancy is at risk after complaints of visitors late at night.",
]

# Which agency's referrer makes a referral from each source the REFERRER role covers.
REFERRER_AGENCY = {"3A": "gp", "4": "housing", "7": "yjs"}

OPEN_WORKING_HOURS = 14  # referrals newer than this (in working time) are still open


@dataclass
class Rows:
    referrals: list[Referral] = field(default_factory=list)
    children: list[ReferralChild] = field(default_factory=list)
    indicators: list[Any] = field(default_factory=list)
    checks: list[PartnerCheck] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    discussions: list[StrategyDiscussion] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    enquiries: list[Section47Enquiry] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    entries: list[ChronologyEntry] = field(default_factory=list)


def _pick(rng: random.Random, pairs: list[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _children(now: datetime, limit: int) -> list[tuple[Any, Any, str]]:
    """(id, born_earliest, family name) of up to `limit` children under 18 on record, in a
    fixed order."""
    youngest_adult = years_before(timezone.localtime(now).date(), 18)
    return list(
        Person.objects.filter(
            kind="child", archived_at__isnull=True, born_latest__gt=youngest_adult
        )
        .order_by("id")
        .values_list("id", "born_earliest", "family_name")[:limit]
    )


def _staff(users: list[User]) -> tuple[dict[str, list[User]], dict[Any, list[User]]]:
    """The demo's staff by role and by agency."""
    by_role: dict[str, list[User]] = {}
    by_agency: dict[Any, list[User]] = {}
    for user in users:
        by_agency.setdefault(user.agency_id, []).append(user)
        for code in user.role_codes:
            by_role.setdefault(code, []).append(user)
    return by_role, by_agency


def demo_referrals(ctx: Any, *, count: int, days: int) -> int:
    """`count` referrals received over the last `days` days, with all that followed."""
    rng = random.Random(f"referrals:{ctx.seed}")  # noqa: S311 - reproducible synthetic data
    now = timezone.now()
    by_role, by_agency = _staff([u for u in ctx.users if u.is_active])
    codes = {
        key: {c.code: c for c in Code.objects.in_list(key)}
        for key in ("referral_source", "cp_category", "lawful_basis", "exploitation_indicator")
    }
    children = _children(now, count * 2)
    if not children:
        return 0
    rng.shuffle(children)
    # Brothers and sisters share a family name in the demo's households.
    families: dict[str, list[tuple[Any, Any]]] = {}
    for person_id, born, family_name in children:
        families.setdefault(family_name, []).append((person_id, born))
    managers = by_role[RoleCode.MASH_MANAGER]
    triage = by_role[RoleCode.MASH_TRIAGE_WORKER]
    agencies = ctx.agencies
    rows = Rows()
    referral_type = ContentType.objects.get_for_model(Referral)
    person_type = ContentType.objects.get_for_model(Person)
    span = timedelta(days=days)
    # Received times, oldest first, spread over the period at any hour (police and the
    # emergency department refer at night too).
    # Two days' worth arrived in the last day and a bit: the open work of this morning.
    recent = round(2 * count / days)
    received_times = sorted(
        [now - span * rng.random() for _ in range(count - recent)]
        + [now - timedelta(hours=rng.uniform(0.2, 30)) for _ in range(recent)]
    )
    for index, received in enumerate(received_times):
        sequence = index + 1
        source, role = _pick(rng, [(s[:2], s[2]) for s in SOURCES])
        candidates = by_role.get(role) or triage
        if role == RoleCode.REFERRER:  # the referrers' agencies say where they come from
            candidates = [
                u for u in candidates if u.agency_id == agencies[REFERRER_AGENCY[source]].pk
            ] or candidates
        referrer = rng.choice(candidates)
        exploitation = rng.random() < 0.18
        concern = "yes" if exploitation else ("not_sure" if rng.random() < 0.1 else "no")
        worry = rng.choice(WORRIES)
        if exploitation and not any(w in worry for w in EXPLOITATION_WORDS):
            worry = rng.choice([w for w in WORRIES if any(x in w for x in EXPLOITATION_WORDS)])
        consent = _pick(rng, [("given", 70), ("not_sought", 20), ("refused_overridden", 10)])
        referral = Referral(
            id=uuid.UUID(int=rng.getrandbits(128), version=4),
            reference=f"MASH-{timezone.localtime(received).year}-{sequence:06d}",
            status=Status.SUBMITTED,
            referrer=referrer,
            referrer_agency=referrer.agency,
            referrer_role=referrer.job_title,
            source=codes["referral_source"][source],
            category=codes["cp_category"][_pick(rng, CATEGORIES)],
            what_happened=rng.choice(HAPPENED),
            worries=worry,
            urgency=_pick(rng, [("immediate", 6), ("today", 34), ("standard", 60)]),
            exploitation_concern=concern,
            family_knows=rng.random() < 0.7,
            consent=consent,
            consent_reason=""
            if consent == "given"
            else "Asking would have alerted the adults the young person is with.",
            lawful_basis=codes["lawful_basis"][
                "law_enforcement" if role == RoleCode.POLICE_OFFICER else "safeguarding"
            ],
            received_at=received,
            decision_due_at=due_at(received, "referral_decision"),
            created_by=referrer,
            modified_by=referrer,
        )
        rows.referrals.append(referral)
        if exploitation:
            for code in rng.sample(
                list(codes["exploitation_indicator"].values()), rng.randint(2, 4)
            ):
                rows.indicators.append(
                    Referral.exploitation_indicators.through(referral=referral, code=code)
                )
        person_id, born, family_name = children[(index * 3) % len(children)]
        people = [(person_id, born)]
        if rng.random() < 0.2:  # siblings together
            people += [p for p in families[family_name] if p[0] != person_id][:2]
        for person_id, _ in dict(people).items():
            rows.children.append(ReferralChild(referral=referral, person_id=person_id))
        rows.involvements.append(
            Involvement(
                content_type=referral_type,
                object_id=referral.pk,
                kind=InvolvementKind.REFERRER,
                user=referrer,
            )
        )
        _triage(
            rng,
            rows,
            referral,
            now=now,
            triage=triage,
            managers=managers,
            agencies=agencies,
            fresh=index >= count - 3,  # the last three in have only just arrived
            by_agency=by_agency,
        )
        if referral.status == Status.DECIDED and referral.outcome in STRATEGY:
            _strategy(rng, rows, referral, by_role=by_role, person_type=person_type, people=people)
        if ctx.size.name == "small":
            _chronology(rows, referral, people)
    _save(rows)
    return len(rows.referrals)


def _triage(
    rng: random.Random,
    rows: Rows,
    referral: Referral,
    *,
    now: datetime,
    triage: list[User],
    managers: list[User],
    agencies: dict[str, Any],
    fresh: bool,
    by_agency: dict[Any, list[User]],
) -> None:
    """What the MASH has done so far: by the age of the referral in working time."""
    received = referral.received_at
    assert received is not None  # noqa: S101 - set just above by the caller
    worker = rng.choice(triage)
    # Not yet rated: what came in during the last few working hours (or overnight).
    newest = fresh or (
        working_time_between(received, now) < timedelta(hours=3) and rng.random() < 0.8
    )
    if not newest:
        rag = _pick(rng, [(Rag.RED, 15), (Rag.AMBER, 45), (Rag.GREEN, 40)])
        referral.rag = rag
        referral.rag_rationale = {
            Rag.RED: "Risk of significant harm today.",
            Rag.AMBER: "Needs a decision today; no immediate danger known.",
            Rag.GREEN: "Needs a response; family aware and supportive.",
        }[rag]
        referral.rag_set_at = received + timedelta(minutes=rng.randint(10, 120))
        referral.rag_set_by = worker
        referral.response_due_at = due_at(received, f"rag_{rag}")
        referral.assigned_to = worker
        partners = [k for k in PARTNERS if agencies[k].pk != referral.referrer_agency_id]
        for key in rng.sample(partners, rng.randint(1, 3)):
            asked = referral.rag_set_at + timedelta(minutes=5)
            back = add_working_hours(asked, timedelta(minutes=rng.randint(30, 400)))
            answered = back < now and rng.random() < 0.92
            known = rng.random() < 0.6
            answerers = by_agency.get(agencies[key].pk, [])
            rows.checks.append(
                PartnerCheck(
                    referral=referral,
                    agency=agencies[key],
                    requested_by=worker,
                    requested_at=asked,
                    due_at=referral.due_at or asked,
                    status=(
                        (CheckStatus.RETURNED if known else CheckStatus.NOTHING_KNOWN)
                        if answered
                        else CheckStatus.REQUESTED
                    ),
                    information=rng.choice(CHECK_ANSWERS) if answered and known else "",
                    returned_by=rng.choice(answerers) if answered and answerers else None,
                    returned_at=back if answered else None,
                    created_by=worker,
                    modified_by=worker,
                )
            )
    open_window = add_working_hours(received, timedelta(hours=OPEN_WORKING_HOURS))
    if open_window > now and rng.random() < 0.85:
        # Still open; some wait for a manager.
        if not newest and rng.random() < 0.3:
            _decide(rng, rows, referral, worker, rng.choice(managers), when=None, now=now)
        return
    # A few are late: decided after their clock ran out, or not yet decided at all.
    late = rng.random() < 0.08
    due = referral.decision_due_at
    assert due is not None  # noqa: S101
    if late and due > now - timedelta(days=2) and referral.urgency != "immediate":
        return  # overdue and still open
    decided = add_working_hours(
        received,
        timedelta(hours=rng.uniform(8.5, 14) if late else rng.uniform(0.5, 7.5)),
    )
    if decided > now:
        decided = now - timedelta(minutes=rng.randint(5, 60))
    _decide(rng, rows, referral, worker, rng.choice(managers), when=decided, now=now)


def _decide(
    rng: random.Random,
    rows: Rows,
    referral: Referral,
    worker: User,
    manager: User,
    *,
    when: datetime | None,
    now: datetime,
) -> None:
    outcome = (
        Outcome.STRATEGY_DISCUSSION
        if referral.urgency == "immediate" and rng.random() < 0.6
        else _pick(rng, OUTCOMES)
    )
    if referral.exploitation_concern == "yes" and outcome in {"nfa", "advice"}:
        outcome = Outcome.SECTION_17
    proposed = (when or now) - timedelta(minutes=rng.randint(20, 90))
    proposed = max(proposed, (referral.received_at or proposed) + timedelta(minutes=15))
    decision = Decision(
        referral=referral,
        outcome=outcome,
        rationale="Checks completed with partners; the concerns and the family's strengths "
        "weighed as recorded.",
        proposed_by=worker,
        proposed_at=proposed,
        state=DecisionState.AUTHORISED if when else DecisionState.PROPOSED,
        reviewed_by=manager if when else None,
        reviewed_at=when,
        created_by=worker,
        modified_by=manager if when else worker,
    )
    rows.decisions.append(decision)
    if when is None:
        referral.status = Status.AWAITING_AUTHORISATION
        return
    referral.status = Status.DECIDED
    referral.decided_at = when
    referral.outcome = outcome
    if outcome in ASSESSED:
        received_on = timezone.localtime(referral.received_at).date()
        referral.assessment_due = due_date(received_on, "assessment")
        finished = received_on + timedelta(days=rng.randint(15, 80))
        if finished < timezone.localtime(now).date():
            referral.assessment_completed_on = finished


def _strategy(
    rng: random.Random,
    rows: Rows,
    referral: Referral,
    *,
    by_role: dict[str, list[User]],
    person_type: Any,
    people: list[tuple[Any, Any]],
) -> None:
    decided = referral.decided_at
    assert decided is not None  # noqa: S101
    held = add_working_hours(decided, timedelta(hours=rng.uniform(0.5, 6)))
    if held > timezone.now():
        return
    lead = rng.choice(by_role[RoleCode.SOCIAL_WORKER])
    officer = rng.choice(by_role[RoleCode.POLICE_OFFICER])
    outcome = _pick(
        rng,
        [
            (StrategyOutcome.JOINT_S47, 60 if referral.exploitation_concern == "yes" else 35),
            (StrategyOutcome.SINGLE_S47, 30),
            (StrategyOutcome.NO_FURTHER_ACTION, 15),
        ],
    )
    enquiry = outcome in {StrategyOutcome.JOINT_S47, StrategyOutcome.SINGLE_S47}
    held_on = timezone.localtime(held).date()
    discussion = StrategyDiscussion(
        referral=referral,
        held_at=held,
        chair=rng.choice(by_role[RoleCode.MASH_MANAGER]),
        known="The referral, partner checks from police, health and school, and previous "
        "contacts with the family.",
        outcome=outcome,
        plan="Joint visit to the young person; police to identify the adults named; school to "
        "keep a trusted adult available each day.",
        contact_approach="Their youth worker, at school, at a time the young person chooses."
        if enquiry
        else "",
        contact_contingency="If they leave, the youth worker follows up the same day."
        if enquiry
        else "",
        contact_social_media="No messages to their phone: the adults may read it."
        if enquiry
        else "",
        contact_wellbeing="School nurse and CAMHS duty worker told." if enquiry else "",
        lead=lead if enquiry else None,
        icpc_due=due_date(held_on, "icpc") if enquiry else None,
        created_by=lead,
        modified_by=lead,
    )
    rows.discussions.append(discussion)
    for discipline, name in [
        ("social_care", lead.get_full_name()),
        ("police", officer.get_full_name()),
        ("health", "Safeguarding nurse"),
        ("education", "Designated safeguarding lead"),
    ]:
        rows.participants.append(
            Participant(discussion=discussion, discipline=discipline, name=name)
        )
    if not enquiry:
        return
    joint = outcome == StrategyOutcome.JOINT_S47
    days_since = (timezone.localdate() - held_on).days
    icpc_outcome = rng.random() < 0.4
    icpc_held = None
    if icpc_outcome and days_since > 20:
        icpc_held = due_date(held_on, "icpc") - timedelta(days=rng.randint(-4, 6))
    rows.enquiries.append(
        Section47Enquiry(
            discussion=discussion,
            referral=referral,
            joint=joint,
            social_work_lead=lead,
            police_lead=officer if joint else None,
            started_on=held_on,
            outcome=("icpc" if icpc_outcome else rng.choice(["cin", "nfa"]))
            if days_since > 12
            else "",
            completed_on=held_on + timedelta(days=10) if days_since > 12 else None,
            icpc_held_on=icpc_held,
            created_by=lead,
            modified_by=lead,
        )
    )
    for worker in [lead, officer] if joint else [lead]:
        rows.involvements.append(
            Involvement(
                content_type=ContentType.objects.get_for_model(Referral),
                object_id=referral.pk,
                kind=InvolvementKind.PROFESSIONAL,
                user=worker,
            )
        )
        for person_id, _ in people:
            rows.involvements.append(
                Involvement(
                    content_type=person_type,
                    object_id=person_id,
                    kind=InvolvementKind.PROFESSIONAL,
                    user=worker,
                )
            )


def _chronology(rows: Rows, referral: Referral, people: list[tuple[Any, Any]]) -> None:
    """The referral and its decision on each child's timeline (the `small` demo only)."""
    received = referral.received_at
    if received is None:
        return
    for person_id, born in dict(people).items():
        if born and timezone.localtime(received).date() < born:
            continue
        rows.entries.append(
            ChronologyEntry(
                person_id=person_id,
                kind=EntryKind.REFERRAL,
                summary=(
                    f"Referral {referral.reference} to the MASH from {referral.referrer_agency}"
                ),
                detail=referral.worries,
                occurred_at=received,
                recorded_at=received,
                author=referral.referrer,
                source_agency=referral.referrer_agency,
                significance=Significance.SIGNIFICANT
                if referral.exploitation_concern == "yes"
                else Significance.ROUTINE,
                link_type="referrals.referral",
                link_id=referral.pk,
            )
        )
        if referral.status == Status.DECIDED and referral.decided_at:
            rows.entries.append(
                ChronologyEntry(
                    person_id=person_id,
                    kind=EntryKind.REFERRAL,
                    summary=f"MASH decision on {referral.reference}: "
                    f"{Outcome(referral.outcome).label}",
                    occurred_at=referral.decided_at,
                    recorded_at=referral.decided_at,
                    significance=Significance.SIGNIFICANT,
                    link_type="referrals.referral",
                    link_id=referral.pk,
                )
            )


def _save(rows: Rows) -> None:
    tracked = (
        "referrals.Referral",
        "referrals.PartnerCheck",
        "referrals.Decision",
        "referrals.StrategyDiscussion",
        "referrals.Section47Enquiry",
        "chronology.ChronologyEntry",
    )
    with connection.cursor() as cursor, insert_history_skipped(*tracked):
        for batch in (
            rows.referrals,
            rows.children,
            rows.indicators,
            rows.checks,
            rows.decisions,
            rows.discussions,
            rows.participants,
            rows.enquiries,
            rows.involvements,
            rows.entries,
        ):
            if batch:
                model: Any = type(batch[0])
                model.objects.bulk_create(batch, batch_size=2000)
        # New referrals carry on from the demo's numbers.
        cursor.execute("SELECT setval('referrals_reference_seq', %s)", [len(rows.referrals)])
        cursor.execute(f"ANALYZE {Referral._meta.db_table}, {PartnerCheck._meta.db_table}")
