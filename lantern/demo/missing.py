"""A year of missing episodes in Fenbridge, as a missing coordinator's year looks.

Most children who go missing do so once; a few go missing again and again (children in care
and children at risk of exploitation most of all), so a handful account for a large share of
the episodes. Episodes start in the evenings and at night and last longer at weekends; most
are reported quickly, some only after many hours; most are graded low or medium risk. Young
people are found around a few places (the bus station, the retail park, a flat on Dunmore
Street, Abbeyfield Park, the railway station), often alone or with friends, sometimes with
older peers or an unknown adult. Most return interviews are held within 72 hours; some are
late, some declined (the carers' account is recorded then), some not offered because the
young person was missing again or could not be reached. A manager's oversight closes most
episodes; the newest few days hold what a morning's queue does: children still missing now,
returns waiting for their interview (some past the 72-hour clock) and interviews waiting to
be signed off.

`small` (the demo) goes through the missing services with the clock set to each event's time,
so references, chronology, audit, involvements and the young person's voice are all as they
would be. `medium` (10,000 episodes) and `large` (100,000) are written in bulk for the
benchmarks, to the same rules (one open episode per child, no overlaps, a return after the
report). Times count back from the moment the demo is generated, so the clocks are live.
"""

from __future__ import annotations

import math
import random
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from unittest import mock
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils import timezone

from lantern.access.models import Involvement, InvolvementKind
from lantern.accounts.models import User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import ChronologyEntry, EntryKind, Significance
from lantern.core.deadlines import timescale
from lantern.core.history import insert_history_skipped
from lantern.core.models import Code
from lantern.demo.places import STREETS, WARDS
from lantern.missing.models import (
    ChildCategory,
    Episode,
    EpisodeStatus,
    InterviewAttempt,
    InterviewProvider,
    MissingFrom,
    ReturnInterview,
    RiskGrading,
)
from lantern.missing.services import (
    episode_close,
    episode_grade,
    episode_record_return,
    episode_report,
    interview_attempt_log,
    interview_complete,
)
from lantern.people.models import Address, Flag, LegalStatus, Person, years_before

if TYPE_CHECKING:
    from lantern.demo.generator import Context

LONDON = ZoneInfo("Europe/London")
YEAR = timedelta(days=365)
FENBRIDGE = "Fenbridge City Council"
EXPLOITATION_FLAGS = ("sexual_exploitation", "criminal_exploitation", "trafficking")

# Ward centres as the families stage lays them out (lantern.demo.families: four wards to a
# row, 0.03 degrees of latitude and 0.045 of longitude apart, at sea off the coast).
CENTRE = (53.20, 1.10)


def _ward(name: str) -> tuple[float, float]:
    index = [w for w, _ in WARDS].index(name)
    row, col = divmod(index, 4)
    return CENTRE[0] + 0.03 * row, CENTRE[1] + 0.045 * col


def _near(name: str, dlat: float, dlon: float) -> tuple[float, float]:
    lat, lon = _ward(name)
    return lat + dlat, lon + dlon


@dataclass(frozen=True)
class Place:
    name: str
    point: tuple[float, float] | None
    spread: float  # degrees of noise around the point (about 100 m per 0.001)
    weight: int
    exploitation_weight: int


# Where young people are found: a few places again and again, the rest scattered.
HOTSPOTS = [
    Place("Fenbridge bus station, Castlegate", _near("Castlegate", 0.004, -0.006), 0.0008, 15, 14),
    Place("Riverside Retail Park", _near("Riverside", -0.006, 0.008), 0.0015, 10, 8),
    Place("A flat on Dunmore Street, Marsh End", _near("Marsh End", 0.003, 0.002), 0.0002, 4, 22),
    Place("Abbeyfield Park", _near("Abbeyfield", -0.004, 0.005), 0.0020, 9, 6),
    Place("Fenbridge railway station, Northgate", _near("Northgate", -0.005, -0.010), 0.0008, 7, 8),
    Place("Castlegate shopping centre", _near("Castlegate", -0.002, 0.003), 0.0010, 6, 4),
    Place("The seafront by Harbour Road, Saltings", _near("Saltings", 0.006, -0.004), 0.0030, 4, 3),
]
SCATTERED = [
    ("A friend's house in {ward}", 17, 8),
    ("A relative's home in {ward}", 8, 3),
    ("{street}, {ward}", 7, 5),
    ("Came home by themselves", 10, 4),
    ("Westmarsh town centre", 2, 4),
]
WESTMARSH = (CENTRE[0] + 0.52, CENTRE[1] + 0.05)

WITH = [
    ("Alone", 45, 20),
    ("Friends of the same age", 25, 15),
    ("Older peers", 12, 25),
    ("An unknown adult male", 6, 22),
    ("A boyfriend or girlfriend", 6, 8),
    ("A family member", 6, 3),
    ("Not known", 5, 7),
]
FOUND_BY = [
    ("Police patrol", 35),
    ("Came back by themselves", 30),
    ("Parent or carer collected them", 20),
    ("A member of the public called police", 8),
    ("Residential staff collected them", 7),
]
RETURN_METHODS = [
    "Brought back by police",
    "Walked back",
    "Carer collected them by car",
    "Bus back into town",
    "A taxi someone else paid for",
]
# (hour of the day, weight): most episodes start after school, in the evening and at night.
HOURS = [
    5, 3, 2, 1, 1, 1, 1, 2, 3, 3, 2, 2, 3, 3, 4, 6, 8, 9, 10, 11, 11, 10, 9, 7,
]  # fmt: skip
GRADES = {
    "plain": [("very_low", 10), ("low", 40), ("medium", 41), ("high", 9)],
    "concern": [("very_low", 3), ("low", 24), ("medium", 50), ("high", 23)],
}
CIRCUMSTANCES = [
    "Did not come home after school; phone switched off.",
    "Left the house after an argument about their phone and did not come back.",
    "Went out to meet friends at 19:00 and did not return by the agreed time.",
    "Left the placement without staff seeing; a window was found open.",
    "Said they were going to the shop and did not come back.",
    "Collected from near the school gates by a car staff did not recognise.",
    "Told a friend they were going to a party in another part of the city.",
    "Did not return to the placement at the agreed time after a family visit.",
]
DESCRIPTIONS = [
    "Slim build, dark hair tied back, about 5 ft 4 in.",
    "Medium build, short brown hair, about 5 ft 8 in; braces on their teeth.",
    "Tall and slim, black hair, about 5 ft 10 in.",
    "Short, fair hair, glasses, about 5 ft 2 in.",
]
CLOTHING = [
    "Black puffer jacket, grey joggers, white trainers.",
    "School uniform with a dark green hoodie over it.",
    "Blue jeans, black hoodie with the hood up, black trainers.",
    "Grey tracksuit, white cap, small black cross-body bag.",
]
SOURCES = [
    "Carer (phone call to police): not answering calls since they were last seen; no "
    "previous threats of self-harm.",
    "Residential home staff: last seen on CCTV leaving at the time given. Police records: "
    "previous episodes, found in the town centre each time.",
    "Parent (999 call): out of character; phone off. School: nothing of concern today.",
    "Social worker (duty call): known exploitation concerns; adults of concern in the area.",
]
PUSH = [
    "Arguments at home about their phone and coming in late.",
    "Does not get on with another young person at the placement.",
    "Feels nobody listens to them at home since their dad moved out.",
    "Bored; says there is nothing to do where they live.",
    "Worried about a falling-out with friends at school.",
    "Said the rules at the placement are unfair and they feel watched.",
]
PULL = [
    "Wanted to be with friends who were meeting in town.",
    "An older group who give them vapes, food and lifts.",
    "Their boyfriend, who is older and lives across the city.",
    "Wanted to see their mum, who lives in Fenbridge; they are placed in Westmarsh.",
    "A party they heard about on social media.",
    "Someone they met online asked them to come to a flat.",
]
WHERE_WENT = [
    "Walked around the town centre, then the bus station until it closed.",
    "At a friend's house; the friend's mother did not know they were missing.",
    "At a flat they would not give the address of; other young people were there.",
    "The retail park and then the park with friends until late.",
    "Took the train to Westmarsh to see family.",
]
TRAVEL = [
    "Walked, and took the bus back in the morning.",
    "Given a lift by someone older; would not say who.",
    "Train without a ticket; police brought them back.",
    "Walked there and back.",
]
HARM = [
    "",
    "",
    "",
    "Cold and hungry; had not slept.",
    "A bruise on their arm they said came from falling over.",
    "Said someone took their phone from them.",
]
INDICATORS = [
    "New phone and trainers the family cannot account for.",
    "Older males known to police were in the flat.",
    "Said they were asked to 'hold something' for someone.",
    "Unexplained money; talked about 'going country'.",
]
HELP = [
    "Wants more time with their youth worker and a phone credit top-up for emergencies.",
    "Wants to talk to their social worker about contact with their mum.",
    "Would like to join the boxing club in Eastmoor.",
    "Agreed a safety plan: to text their carer if they will be late.",
    "Wants to move to a placement nearer their school.",
]
WORDS = [
    "I just needed to get out for a bit. Nobody was listening.",
    "They're my mates, they look after me. I don't get why everyone's worried.",
    "I didn't want to go back there. It doesn't feel like home.",
    "I was scared to come back because I knew I'd be in trouble.",
    "I'll text next time, I promise. I didn't think anyone would care.",
]
FEELINGS = [
    "Wants to stay at school and see their friends; wants adults to stop shouting.",
    "Wants to see their mum more often.",
    "Wants to feel safe and have somewhere that feels like home.",
]
CARER_ACCOUNTS = [
    "Carer says they came in tired and went straight to bed; would not say where they had been.",
    "Mother thinks they were with older friends in town; she will encourage them to talk to us.",
    "Residential staff say they seemed frightened on return and have a new phone.",
]
DECLINED_NOTES = [
    "Spoke to the young person at home; they said they did not want to talk about it.",
    "Offered by phone; the young person said 'I'm fine' and ended the call.",
]
OVERSIGHT = [
    "Return interview read. Push and pull factors shared with the allocated social worker; "
    "safety plan updated. Close.",
    "Seen the interview and the carer's account. No new exploitation concerns; the youth "
    "worker will follow up. Close.",
    "Discussed with the social worker: referred to the exploitation panel given the repeat "
    "episodes and where they were found. Close.",
    "Not offered as the young person went missing again; the next episode's interview will "
    "cover both. Close.",
]


@dataclass
class Child:
    id: Any
    born: date | None
    care: list[tuple[date, date | None, str, bool]]  # (from, to, placing authority, out of area)
    concern: bool  # an exploitation flag open
    # (from, to, postcode district), latest first
    addresses: list[tuple[date, date | None, str]] = field(default_factory=list)

    def locality(self, day: date) -> str:
        """The district of the latest address in force on `day`, as `locality_on` finds it."""
        for start, end, district in self.addresses:
            if start <= day and (end is None or end >= day):
                return district
        return ""

    def in_care(self, day: date) -> tuple[str, bool] | None:
        for start, end, authority, away in self.care:
            if start <= day and (end is None or end >= day):
                return authority, away
        return None


@dataclass
class Plan:
    """Everything one episode will hold, decided in advance from the seed."""

    child: Child
    last_seen: datetime
    noticed: datetime
    reported: datetime
    returned: datetime | None  # None: still missing now
    missing_from: str
    ssda903: str
    placing_authority: str
    grade: str
    regrade: tuple[datetime, str] | None = None
    place: str = ""
    point: tuple[float, float] | None = None
    with_whom: str = ""
    found_by: str = ""
    return_method: str = ""
    injuries: str = ""
    category: str = ""
    outcome: str = ""
    attempts: list[tuple[datetime, str, str]] = field(default_factory=list)
    completed: datetime | None = None
    words: bool = False
    closed: datetime | None = None
    reference: str = ""


def _pick(rng: random.Random, pairs: list[tuple[Any, Any]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _utc(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def _children(now: datetime, *, bulk: bool, limit: int, rng: random.Random) -> list[Child]:
    """Children of 11 to 17 on record, in a fixed order, with their time in care and whether
    an exploitation flag is open on them. The bulk sizes' people have neither, so about one in
    seven is given a time in care (written with the episodes) and one in five a concern."""
    today = timezone.localtime(now).date()
    rows = list(
        Person.objects.filter(
            kind="child",
            archived_at__isnull=True,
            born_latest__gt=years_before(today, 18),
            born_earliest__lte=years_before(today, 11),
        )
        # In an order the seed decides (names and births come from it; the keys of people
        # made through the services do not), so the same seed gives the same episodes.
        .order_by("born_earliest", "family_name", "given_names", "id")
        .values_list("id", "born_earliest")[:limit]
    )
    ids = [pk for pk, _ in rows]
    care: dict[Any, list[tuple[date, date | None, str, bool]]] = defaultdict(list)
    concern: set[Any] = set()
    if not bulk:
        for person_id, start, end, authority, away in LegalStatus.objects.filter(
            person_id__in=ids, kind="looked_after"
        ).values_list(
            "person_id", "valid_from", "valid_to", "placing_authority", "placed_out_of_area"
        ):
            care[person_id].append((start, end, authority, away))
        concern = set(
            Flag.objects.filter(
                person_id__in=ids, kind__in=EXPLOITATION_FLAGS, ended_at__isnull=True
            ).values_list("person_id", flat=True)
        )
    else:
        for pk in ids:
            if rng.random() < 0.15:
                start = today - timedelta(days=rng.randint(60, 900))
                authority = FENBRIDGE if rng.random() < 0.8 else "Westmarsh Council"
                care[pk].append((start, None, authority, rng.random() < 0.2))
            if rng.random() < 0.2:
                concern.add(pk)
    addresses: dict[Any, list[tuple[date, date | None, str]]] = defaultdict(list)
    for person_id, start, end, postcode in (
        Address.objects.filter(person_id__in=ids)
        .order_by("person_id", "-valid_from")
        .values_list("person_id", "valid_from", "valid_to", "postcode")
    ):
        addresses[person_id].append((start, end, postcode.split(" ")[0]))
    return [
        Child(pk, born, care.get(pk, []), pk in concern, addresses.get(pk, [])) for pk, born in rows
    ]


def _how_often(rng: random.Random, child: Child, today: date) -> int:
    """Heavy-tailed: most once, some two or three times, a few many times; more for children
    in care and children at risk of exploitation."""
    boost = (1.0 if child.in_care(today) else 0.0) + (0.8 if child.concern else 0.0)
    roll = rng.random() - 0.12 * boost
    if roll < 0.58:
        return 1
    if roll < 0.84:
        return rng.randint(2, 3)
    if roll < 0.96:
        return rng.randint(4, 8)
    return rng.randint(10, 24)


def _duration(rng: random.Random, last_seen: datetime) -> timedelta:
    local = timezone.localtime(last_seen, LONDON)
    weekend = local.weekday() >= 5 or (local.weekday() == 4 and local.hour >= 16)
    hours = math.exp(rng.gauss(math.log(7), 0.95)) * (1.6 if weekend else 1.0)
    return timedelta(hours=min(150, max(0.75, hours)))


def _start(rng: random.Random, day: date, school: bool) -> datetime:
    hour = rng.randint(9, 14) if school else rng.choices(range(24), weights=HOURS)[0]
    return _utc(day, hour, rng.randrange(0, 60, 5))


def _schedule(rng: random.Random, child: Child, count: int, now: datetime) -> list[datetime]:
    """When each of a child's episodes starts, oldest first. A child who goes missing often
    does so in a run of weeks or months, not evenly over the year."""
    window = min(365.0, max(20.0, count * rng.uniform(6, 22)))
    offset = rng.uniform(0, 365 - window)
    begin = now - YEAR + timedelta(days=offset)
    days = sorted(rng.uniform(0, window) for _ in range(count))
    return [begin + timedelta(days=d) for d in days]


def _missing_from(rng: random.Random, *, in_care: bool, school: bool) -> str:
    if school:
        return MissingFrom.SCHOOL
    usual = MissingFrom.PLACEMENT if in_care else MissingFrom.HOME
    return str(_pick(rng, [(usual, 92), (MissingFrom.OTHER, 8)]))


def _plan_child(
    rng: random.Random,
    child: Child,
    starts: list[datetime],
    now: datetime,
    *,
    open_last: bool = False,
) -> list[Plan]:
    plans: list[Plan] = []
    free_from = now - YEAR - timedelta(days=1)
    for index, planned in enumerate(starts):
        last = index == len(starts) - 1
        day = timezone.localtime(planned, LONDON).date()
        if child.born and day < child.born:
            continue
        care = child.in_care(day)
        school = care is None and rng.random() < 0.1
        last_seen = _start(rng, day, school) if not (open_last and last) else planned
        if last_seen < free_from:
            last_seen = free_from + timedelta(hours=rng.uniform(4, 72))
        if last_seen > now - timedelta(minutes=40):
            break
        care = child.in_care(timezone.localtime(last_seen, LONDON).date())
        noticed = last_seen + timedelta(hours=rng.uniform(0.25, 3))
        delay = _pick(rng, [("short", 70), ("hours", 20), ("long", 10)])
        reported = noticed + timedelta(
            minutes=rng.uniform(5, 45)
            if delay == "short"
            else rng.uniform(60, 240)
            if delay == "hours"
            else rng.uniform(360, 1560)
        )
        if reported > now - timedelta(minutes=10):  # only just reported
            span = now - last_seen
            noticed, reported = last_seen + span * 0.3, last_seen + span * 0.6
        returned: datetime | None = last_seen + _duration(rng, last_seen)
        assert returned is not None  # noqa: S101 - set just above
        if returned < reported + timedelta(minutes=20):
            returned = reported + timedelta(minutes=rng.uniform(20, 90))
        if (open_last and last) or returned > now - timedelta(minutes=30):
            returned = None
        missing_from = _missing_from(rng, in_care=care is not None, school=school)
        concern = child.concern or (care is not None and rng.random() < 0.3)
        plan = Plan(
            child=child,
            last_seen=last_seen,
            noticed=noticed,
            reported=reported,
            returned=returned,
            missing_from=missing_from,
            ssda903="" if care is None else _pick(rng, [("M", 75), ("A", 25)]),
            placing_authority=care[0] if care and care[0] != FENBRIDGE else "",
            grade=_pick(rng, GRADES["concern" if concern else "plain"]),
        )
        end = returned or now
        if end - last_seen > timedelta(hours=24) and plan.grade in {"low", "medium"}:
            regraded = last_seen + timedelta(hours=rng.uniform(22, 26))
            if regraded > reported and regraded < end and regraded < now:
                plan.regrade = (regraded, "high" if plan.grade == "medium" else "medium")
        if returned is not None:
            _found(rng, plan, concern, away=bool(care and care[1]))
        plans.append(plan)
        if returned is None:
            break
        free_from = returned + timedelta(hours=rng.uniform(4, 30))
    return plans


def _found(rng: random.Random, plan: Plan, concern: bool, *, away: bool) -> None:
    """Where they were found, with whom, and how they came back."""
    column = 2 if concern else 1
    choices: list[tuple[Any, Any]] = [(p, p.weight if column == 1 else p.exploitation_weight)
                                      for p in HOTSPOTS]  # fmt: skip
    choices += [(s, s[column]) for s in SCATTERED]
    if away:  # placed out of Fenbridge, found back in the city
        choices.append((HOTSPOTS[0], 20))
    spot = _pick(rng, choices)
    if isinstance(spot, Place):
        assert spot.point is not None  # noqa: S101
        plan.place = spot.name
        lat, lon = spot.point
        plan.point = (lat + rng.gauss(0, spot.spread), lon + rng.gauss(0, spot.spread * 1.5))
    else:
        ward = rng.choice(WARDS)[0]
        plan.place = spot[0].format(ward=ward, street=rng.choice(STREETS))
        if spot[0].startswith("Westmarsh"):
            lat, lon = WESTMARSH
            plan.point = (lat + rng.gauss(0, 0.004), lon + rng.gauss(0, 0.006))
        elif not spot[0].startswith("Came home"):
            lat, lon = _ward(ward)
            plan.point = (lat + rng.uniform(-0.01, 0.01), lon + rng.uniform(-0.015, 0.015))
    plan.with_whom = _pick(rng, [(w[0], w[2 if concern else 1]) for w in WITH])
    plan.found_by = _pick(rng, FOUND_BY)
    plan.return_method = rng.choice(RETURN_METHODS)
    if concern and rng.random() < 0.25:
        plan.injuries = rng.choice(
            [
                "Smelled of cannabis; said an older boy gave it to them.",
                "A cut on their hand; said they fell. Seen by the school nurse next day.",
                "Disclosed that an adult at the flat asked them to carry a bag.",
            ]
        )


def _offer(rng: random.Random, plan: Plan, returned: datetime) -> None:
    """The interview offered as usual: mostly accepted and on time, some late, some declined,
    some never reaching the young person."""
    hours = timedelta(hours=1)
    due = returned + 72 * hours
    attempts = plan.attempts
    plan.outcome = _pick(
        rng,
        [
            ("offered_accepted", 74),
            ("offered_declined", 14),
            ("not_offered_no_contact", 8),
            ("not_offered_other", 4),
        ],
    )
    # Nine in ten first offered well inside the 72 hours; the rest only after it (a weekend,
    # a full caseload), so the dashboard's "offered within 72 hours" is not a flat 100%.
    if rng.random() < 0.9:
        first = returned + rng.uniform(3, 40) * hours
    else:
        first = returned + rng.uniform(74, 120) * hours
    if plan.outcome == "offered_accepted":
        if rng.random() < 0.35:
            attempts.append((first, "message", "Texted to offer a time to meet."))
            first += rng.uniform(2, 20) * hours
        attempts.append((first, "in_person", "Met at a place the young person chose."))
        if rng.random() < 0.83:  # on time
            plan.completed = min(first + rng.uniform(0, 4) * hours, due - 0.5 * hours)
            plan.completed = max(plan.completed, first)
        else:
            plan.completed = returned + rng.uniform(76, 200) * hours
        plan.words = rng.random() < 0.25
    elif plan.outcome == "offered_declined":
        attempts.append((first, "in_person", rng.choice(DECLINED_NOTES)))
        plan.completed = first + rng.uniform(0.5, 20) * hours
    elif plan.outcome == "not_offered_no_contact":
        for method, note in [
            ("phone", "No answer; voicemail left."),
            ("message", "Letter and text sent offering a time."),
            ("in_person", "Visited; nobody at home."),
        ]:
            attempts.append((first, method, note))
            first += rng.uniform(12, 30) * hours
        plan.completed = first
    else:
        attempts.append(
            (first, "through_carer", "The social worker says the young person has moved.")
        )
        plan.completed = first + rng.uniform(1, 24) * hours


def _interview(
    rng: random.Random, plan: Plan, following: Plan | None, now: datetime, *, overdue: bool
) -> None:
    """How the return interview went, and when the episode was closed. `overdue`: offered
    once, and still waiting well past its clock."""
    returned = plan.returned
    if returned is None:
        return
    day = timezone.localtime(returned, LONDON).date()
    plan.category = (
        ChildCategory.IN_CARE if plan.child.in_care(day) else ChildCategory.MISSING_FROM_HOME
    )
    again = following.last_seen if following else None
    hours = timedelta(hours=1)
    attempts = plan.attempts
    if overdue:
        plan.outcome = "offered_accepted"
        attempts.append((returned + rng.uniform(20, 50) * hours, "phone", "No answer."))
        plan.completed = now + rng.uniform(20, 80) * hours
    elif again is not None and again < returned + 60 * hours and rng.random() < 0.75:
        plan.outcome = "not_offered_missing_again"
        first = returned + rng.uniform(3, 20) * hours
        if first < again:
            attempts.append((first, "phone", "Rang the carer to arrange a visit."))
        plan.completed = max(again + rng.uniform(1, 8) * hours, returned + hours)
    else:
        _offer(rng, plan, returned)
    if plan.completed is not None and rng.random() < 0.97:
        plan.closed = plan.completed + timedelta(days=rng.uniform(0.5, 12))
    # What has not happened yet by now does not happen.
    plan.attempts = [a for a in attempts if a[0] <= now]
    if plan.completed is not None and plan.completed > now:
        plan.completed = plan.closed = None
    if plan.closed is not None and plan.closed > now:
        plan.closed = None


def plan_episodes(ctx: Context, *, target: int, bulk: bool) -> list[Plan]:
    """A year of episodes, about `target` of them, oldest report first."""
    rng = random.Random(f"missing:{ctx.seed}")  # noqa: S311 - reproducible synthetic data
    now = timezone.now()
    today = timezone.localtime(now).date()
    # About 2.6 episodes for each child who goes missing at all.
    pool = _children(now, bulk=bulk, limit=max(50, round(target / 2.6 * 2.2)), rng=rng)
    if not pool:
        return []
    # Children in care and children at risk of exploitation are likelier to go missing: a
    # weighted sample without replacement (Efraimidis and Spirakis: the largest u ** (1 / w)).
    keyed = sorted(
        pool,
        key=lambda c: (
            rng.random() ** (1 / (1.0 + (2.5 if c.care else 0.0) + (2.0 if c.concern else 0.0)))
        ),
        reverse=True,
    )
    chosen: list[tuple[Child, int]] = []
    total = 0
    for child in keyed:
        if total >= target:
            break
        count = _how_often(rng, child, today)
        chosen.append((child, count))
        total += count
    rng = random.Random(f"missing-times:{ctx.seed}")  # noqa: S311
    by_child: dict[Any, list[Plan]] = {}
    late: set[Any] = set()
    recent = max(8, target // 30)  # a morning's queue: the last few days are busy
    for index, (child, count) in enumerate(chosen):
        starts = _schedule(rng, child, count, now)
        open_last = False
        if index < recent:
            # The newest episodes: a few children still missing now (one for over a day),
            # the rest returned in the last few days.
            starts = [s for s in starts if s < now - timedelta(days=9)]
            if index < 4 + target // 400:
                ago = [2, 9, 20, 31][index % 4] + rng.uniform(0, 1.5)
                starts.append(now - timedelta(hours=ago))
                open_last = True
            elif index < 6 + target // 400:  # returned four or five days ago, not yet seen
                starts.append(now - timedelta(hours=rng.uniform(100, 125)))
                late.add(child.id)
            else:
                starts.append(now - timedelta(hours=rng.uniform(20, 160)))
        by_child[child.id] = _plan_child(rng, child, starts, now, open_last=open_last)
    plans = []
    for child_plans in by_child.values():
        for index, plan in enumerate(child_plans):
            following = child_plans[index + 1] if index + 1 < len(child_plans) else None
            overdue = following is None and plan.child.id in late
            _interview(rng, plan, following, now, overdue=overdue)
        plans += child_plans
    plans.sort(key=lambda p: (p.reported, str(p.child.id)))
    return plans


# --- small: through the services ---------------------------------------------------------------


@contextmanager
def _at(moment: datetime) -> Iterator[None]:
    """The clock set to `moment` (plus a minute for typing it in), as the user saw it then."""
    with mock.patch("django.utils.timezone.now", return_value=moment + timedelta(minutes=1)):
        yield


def configure_providers(ctx: Context) -> None:
    """Harbour Lights interviews children missing from home; Northway, children in care."""
    for category, key in [
        (ChildCategory.MISSING_FROM_HOME, "charity_home"),
        (ChildCategory.IN_CARE, "charity_care"),
    ]:
        InterviewProvider.objects.update_or_create(
            category=category, defaults={"agency": ctx.agencies[key]}
        )


def _staff(ctx: Context) -> dict[str, list[User]]:
    active = [u for u in ctx.users if u.is_active]
    police = ctx.agencies["police"].pk
    return {
        "reporters": [
            u
            for u in active
            if u.agency_id == police
            and u.has_role(RoleCode.POLICE_OFFICER, RoleCode.MISSING_COORDINATOR)
        ],
        "closers": [
            u for u in active if u.has_role(RoleCode.MISSING_COORDINATOR, RoleCode.MASH_MANAGER)
        ],
        ChildCategory.MISSING_FROM_HOME: [
            u
            for u in active
            if u.agency_id == ctx.agencies["charity_home"].pk
            and u.has_role(RoleCode.RETURN_INTERVIEW_WORKER)
        ],
        ChildCategory.IN_CARE: [
            u
            for u in active
            if u.agency_id == ctx.agencies["charity_care"].pk
            and u.has_role(RoleCode.RETURN_INTERVIEW_WORKER)
        ],
    }


def _reporter(rng: random.Random, ctx: Context, plan: Plan) -> tuple[str, str]:
    if plan.missing_from == MissingFrom.PLACEMENT:
        relationship = rng.choice(["Residential support worker", "Foster carer"])
    elif plan.missing_from == MissingFrom.SCHOOL:
        relationship = "Designated safeguarding lead"
    else:
        relationship = rng.choice(["Mother", "Mother", "Father", "Grandmother", "Stepfather"])
    return ctx.fake.name(), relationship


def _content(rng: random.Random, plan: Plan) -> dict[str, Any]:
    """What a return interview records: the push and pull factors, where and with whom."""
    if plan.outcome != "offered_accepted":
        if plan.outcome == "offered_declined":
            return {"carer_information": rng.choice(CARER_ACCOUNTS)}
        if plan.outcome == "not_offered_missing_again":
            return {
                "declined_reason": "Missing again before the interview could be held.",
            }
        if plan.outcome == "not_offered_no_contact":
            return {"declined_reason": "Three attempts by phone, letter and visit; no contact."}
        return {
            "declined_reason": "Moved to live with family outside Fenbridge; their new local "
            "authority was told so it can offer the interview."
        }
    concern = plan.child.concern or plan.with_whom in {"Older peers", "An unknown adult male"}
    return {
        "push_factors": rng.choice(PUSH),
        "pull_factors": rng.choice(PULL[1:3] + PULL[5:] if concern else PULL),
        "where_went": f"{rng.choice(WHERE_WENT)} Found at: {plan.place}.",
        "with_whom": plan.with_whom,
        "travel": rng.choice(TRAVEL),
        "harm": plan.injuries or rng.choice(HARM),
        "exploitation_indicators": rng.choice(INDICATORS) if concern else "",
        "what_would_help": rng.choice(HELP),
    }


def _run(ctx: Context, plans: list[Plan]) -> None:
    rng = random.Random(f"missing-words:{ctx.seed}")  # noqa: S311 - reproducible synthetic data
    staff = _staff(ctx)
    codes = {
        key: {c.code: c for c in Code.objects.in_list(key)}
        for key in ("missing_risk_grade", "return_interview_outcome", "ssda903_missing_type")
    }
    people = Person.objects.in_bulk([p.child.id for p in plans])
    for plan in plans:
        child = people[plan.child.id]
        actor = rng.choice(staff["reporters"])
        name, relationship = _reporter(rng, ctx, plan)
        local = timezone.localtime(plan.reported, LONDON)
        with _at(plan.reported):
            episode = episode_report(
                request=None,
                actor=actor,
                child=child,
                reported_at=plan.reported,
                last_seen_at=plan.last_seen,
                noticed_at=plan.noticed,
                missing_from=plan.missing_from,
                risk_grade=codes["missing_risk_grade"][plan.grade],
                grading_sources=rng.choice(SOURCES),
                reporter_name=name,
                reporter_relationship=relationship,
                placing_authority=plan.placing_authority,
                circumstances=rng.choice(CIRCUMSTANCES),
                description=rng.choice(DESCRIPTIONS),
                clothing=rng.choice(CLOTHING),
                police_reference=f"FWP-{local:%y%m%d}-{rng.randint(1000, 9999)}",
                ssda903_type=codes["ssda903_missing_type"][plan.ssda903] if plan.ssda903 else None,
            )
        plan.reference = episode.reference
        if plan.regrade is not None:
            when, grade = plan.regrade
            with _at(when):
                episode_grade(
                    request=None,
                    actor=rng.choice(staff["reporters"]),
                    episode=episode,
                    grade=codes["missing_risk_grade"][grade],
                    sources="Missing over 24 hours; phone still off. Intelligence: seen with "
                    "adults of concern near the bus station.",
                    graded_at=when,
                )
        if plan.returned is None:
            continue
        officer = rng.choice(staff["reporters"])
        with _at(plan.returned + timedelta(minutes=rng.uniform(10, 90))):
            episode_record_return(
                request=None,
                actor=officer,
                episode=episode,
                returned_at=plan.returned,
                found_where=plan.place,
                found_lat=Decimal(f"{plan.point[0]:.6f}") if plan.point else None,
                found_lon=Decimal(f"{plan.point[1]:.6f}") if plan.point else None,
                found_by=plan.found_by,
                returned_with=plan.with_whom,
                return_method=plan.return_method,
                safe_and_well_done=rng.random() < 0.9,
                safe_and_well_by=officer.get_full_name(),
                injuries_or_disclosures=plan.injuries,
            )
        interviewer = rng.choice(staff[plan.category] or staff["reporters"])
        for when, method, note in plan.attempts:
            with _at(when):
                interview_attempt_log(
                    request=None,
                    actor=interviewer,
                    episode=episode,
                    attempted_at=when,
                    method=method,
                    note=note,
                )
        if plan.completed is None:
            continue
        with _at(plan.completed):
            interview_complete(
                request=None,
                actor=interviewer,
                episode=episode,
                outcome=codes["return_interview_outcome"][plan.outcome],
                completed_at=plan.completed,
                child_words=rng.choice(WORDS) if plan.words else "",
                wishes_and_feelings=rng.choice(FEELINGS) if plan.words else "",
                **_content(rng, plan),
            )
        if plan.closed is None:
            continue
        with _at(plan.closed):
            episode_close(
                request=None,
                actor=rng.choice(staff["closers"]),
                episode=episode,
                oversight_comment=OVERSIGHT[3]
                if plan.outcome == "not_offered_missing_again"
                else rng.choice(OVERSIGHT[:3]),
            )


#: At `small`, episodes reported in this last stretch go through the services (every query
#: and check a worker's report makes, about 300 queries an episode); the older, long-closed
#: ones are written in bulk with their timeline entries, as the referrals demo writes its
#: month, which keeps `./bin/lantern start` quick.
THROUGH_SERVICES = timedelta(days=30)


def demo_missing(ctx: Context, *, count: int) -> int:
    """About `count` missing episodes over the last year: the newest month through the
    services at `small`, everything else in bulk. Returns how many were made."""
    configure_providers(ctx)
    small = ctx.size.name == "small"
    plans = plan_episodes(ctx, target=count, bulk=not small)
    cut = timezone.now() - THROUGH_SERVICES
    older = [p for p in plans if not small or p.reported < cut]
    newer = [p for p in plans if small and p.reported >= cut]
    with connection.cursor() as cursor:  # the demo's references start at 1, whatever ran before
        cursor.execute("SELECT setval('missing_reference_seq', 1, false)")
    _bulk(ctx, older, timeline=small, statuses=not small)
    _run(ctx, newer)
    return len(plans)


# --- medium and large: in bulk -----------------------------------------------------------------


def _bulk(ctx: Context, plans: list[Plan], *, timeline: bool, statuses: bool) -> None:
    """The same episodes written directly: row history skipped (`insert_history_skipped`), no audit
    (nobody did this in the system), each event on the child's timeline when `timeline`. The
    people at the bulk sizes have no legal statuses, so with `statuses` a share of the
    children who go missing are first made looked after, as a year of them would be."""
    if not plans:
        return
    writer = _Writer(ctx)
    for number, plan in enumerate(plans, start=1):  # the oldest: references from 1
        episode, interview = writer.episode(plan, number)
        if timeline:
            writer.entries += _entries(episode, interview)
    if statuses:
        lac = Code.objects.in_list("lac_legal_status").get(code="C2")
        for child in {p.child.id: p.child for p in plans if p.child.care}.values():
            start, _, authority, away = child.care[0]
            writer.looked_after.append(
                LegalStatus(
                    person_id=child.id,
                    kind="looked_after",
                    code=lac,
                    placing_authority=authority,
                    placed_out_of_area=away,
                    valid_from=start,
                )
            )
    writer.save()


class _Writer:
    """Rows for a bulk load of episodes, built one plan at a time."""

    def __init__(self, ctx: Context) -> None:
        self.rng = random.Random(f"missing-bulk:{ctx.seed}")  # noqa: S311 - synthetic data
        self.staff = _staff(ctx)
        self.codes = {
            key: {c.code: c for c in Code.objects.in_list(key)}
            for key in ("missing_risk_grade", "return_interview_outcome", "ssda903_missing_type")
        }
        amount, unit = timescale("return_interview")
        assert unit == "hours"  # noqa: S101 - the timescale the missing app loads
        self.clock = timedelta(hours=amount)
        self.episode_type = ContentType.objects.get_for_model(Episode)
        self.providers: dict[str, Any] = {
            ChildCategory.MISSING_FROM_HOME: ctx.agencies["charity_home"],
            ChildCategory.IN_CARE: ctx.agencies["charity_care"],
        }
        self.teams = {k: list(a.teams.all()) for k, a in self.providers.items()}
        self.looked_after: list[LegalStatus] = []
        self.entries: list[ChronologyEntry] = []
        self.episodes: list[Episode] = []
        self.gradings: list[RiskGrading] = []
        self.interviews: list[ReturnInterview] = []
        self.attempts: list[InterviewAttempt] = []
        self.involvements: list[Involvement] = []

    def uid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def grading(self, episode: Episode, grade: Code, when: datetime, sources: str) -> None:
        actor = episode.reported_by
        self.gradings.append(
            RiskGrading(
                id=self.uid(),
                episode=episode,
                grade=grade,
                graded_at=when,
                graded_by=actor,
                sources=sources,
                created_by=actor,
                modified_by=actor,
            )
        )

    def involve(self, episode: Episode, kind: str, **who: Any) -> None:
        self.involvements.append(
            Involvement(content_type=self.episode_type, object_id=episode.pk, kind=kind, **who)
        )

    def episode(self, plan: Plan, number: int) -> tuple[Episode, ReturnInterview | None]:
        rng, codes = self.rng, self.codes
        actor = rng.choice(self.staff["reporters"])
        grade = codes["missing_risk_grade"][plan.grade]
        episode = Episode(
            id=self.uid(),
            reference=f"MIS-{timezone.localtime(plan.reported).year}-{number:06d}",
            child_id=plan.child.id,
            status=EpisodeStatus.REPORTED,
            reported_at=plan.reported,
            reported_by=actor,
            last_seen_at=plan.last_seen,
            noticed_at=plan.noticed,
            missing_from=plan.missing_from,
            placing_authority=plan.placing_authority,
            locality=plan.child.locality(timezone.localtime(plan.last_seen).date()),
            circumstances=rng.choice(CIRCUMSTANCES),
            police_risk_grade=grade,
            ssda903_type=codes["ssda903_missing_type"][plan.ssda903] if plan.ssda903 else None,
            created_by=actor,
            modified_by=actor,
        )
        self.episodes.append(episode)
        self.grading(episode, grade, plan.reported, rng.choice(SOURCES))
        if plan.regrade is not None:
            when, regrade = plan.regrade
            episode.police_risk_grade = codes["missing_risk_grade"][regrade]
            self.grading(
                episode, episode.police_risk_grade, when, "Missing over 24 hours; phone still off."
            )
        self.involve(episode, InvolvementKind.REFERRER, user=actor)
        if plan.returned is None:
            return episode, None
        return episode, self.returned(plan, episode)

    def returned(self, plan: Plan, episode: Episode) -> ReturnInterview:
        assert plan.returned is not None  # noqa: S101 - the caller checked
        rng = self.rng
        episode.status = EpisodeStatus.RETURNED
        episode.returned_at = plan.returned
        episode.found_where = plan.place
        if plan.point:
            episode.found_lat = Decimal(f"{plan.point[0]:.6f}")
            episode.found_lon = Decimal(f"{plan.point[1]:.6f}")
        episode.found_by = plan.found_by
        episode.returned_with = plan.with_whom
        episode.return_method = plan.return_method
        episode.injuries_or_disclosures = plan.injuries
        episode.interview_category = plan.category
        episode.interview_due_at = plan.returned + self.clock
        interviewer = rng.choice(self.staff[plan.category] or self.staff["reporters"])
        interview = ReturnInterview(
            id=self.uid(),
            episode=episode,
            provider=self.providers[plan.category],
            offered_at=plan.attempts[0][0] if plan.attempts else None,
            created_by=episode.reported_by,
            modified_by=episode.reported_by,
        )
        self.interviews.append(interview)
        for team in self.teams[plan.category]:
            self.involve(episode, InvolvementKind.ALLOCATED_TEAM, team=team)
        for when, method, note in plan.attempts:
            self.attempts.append(
                InterviewAttempt(
                    id=self.uid(),
                    interview=interview,
                    attempted_at=when,
                    method=method,
                    note=note,
                    made_by=interviewer,
                    created_by=interviewer,
                    modified_by=interviewer,
                )
            )
        if plan.completed is None:
            return interview
        for key, value in _content(rng, plan).items():
            setattr(interview, key, value)
        interview.outcome = self.codes["return_interview_outcome"][plan.outcome]
        interview.child_declined = plan.outcome == "offered_declined"
        interview.completed_at = plan.completed
        interview.interviewer = interview.modified_by = interviewer
        episode.status = EpisodeStatus.INTERVIEW_DONE
        if plan.closed is not None:
            closer = rng.choice(self.staff["closers"])
            episode.status = EpisodeStatus.CLOSED
            episode.closed_at = plan.closed
            episode.closed_by = episode.modified_by = closer
            episode.oversight_comment = (
                OVERSIGHT[3]
                if plan.outcome == "not_offered_missing_again"
                else rng.choice(OVERSIGHT[:3])
            )
        return interview

    def save(self) -> None:
        tracked = (
            "missing.Episode",
            "missing.RiskGrading",
            "missing.ReturnInterview",
            "missing.InterviewAttempt",
            "people.LegalStatus",
            "chronology.ChronologyEntry",
            "access.Involvement",
        )
        batches: list[list[Any]] = [
            self.looked_after,
            self.episodes,
            self.gradings,
            self.interviews,
            self.attempts,
            self.involvements,
            self.entries,
        ]
        with connection.cursor() as cursor, insert_history_skipped(*tracked):
            for batch in batches:
                if batch:
                    model: Any = type(batch[0])
                    model.objects.bulk_create(batch, batch_size=5000)
            cursor.execute(
                "SELECT setval('missing_reference_seq', %s)", [max(1, len(self.episodes))]
            )
            cursor.execute(
                f"ANALYZE {Episode._meta.db_table}, {ReturnInterview._meta.db_table}, "
                f"{InterviewAttempt._meta.db_table}"
            )


def _entries(episode: Episode, interview: ReturnInterview | None) -> list[ChronologyEntry]:
    """The child's timeline entries for an episode written in bulk, worded as the services
    word theirs."""
    link = {"link_type": "missing.episode", "link_id": episode.pk, "kind": EntryKind.MISSING}
    grade = episode.police_risk_grade
    if grade is None:  # the demo grades every episode it writes in bulk
        raise ValueError(f"{episode.reference} has no risk grade")
    rows = [
        ChronologyEntry(
            person_id=episode.child_id,
            summary=f"Reported missing from {episode.get_missing_from_display().lower()} "
            f"({episode.reference}), {grade.label.lower()}",
            detail=episode.circumstances,
            occurred_at=episode.last_seen_at,
            recorded_at=episode.reported_at,
            author=episode.reported_by,
            source_agency=episode.reported_by.agency,
            significance=Significance.SIGNIFICANT
            if grade.code in {"medium", "high"}
            else Significance.ROUTINE,
            **link,
        )
    ]
    if episode.returned_at is None:
        return rows
    rows.append(
        ChronologyEntry(
            person_id=episode.child_id,
            summary=f"Returned ({episode.reference}): found at {episode.found_where}",
            detail=episode.injuries_or_disclosures,
            occurred_at=episode.returned_at,
            recorded_at=episode.returned_at,
            significance=Significance.SIGNIFICANT
            if episode.injuries_or_disclosures
            else Significance.ROUTINE,
            **link,
        )
    )
    if interview is not None and interview.completed_at and interview.outcome:
        rows.append(
            ChronologyEntry(
                person_id=episode.child_id,
                summary=f"Return interview for {episode.reference}: "
                f"{interview.outcome.label.lower()}",
                detail="\n\n".join(
                    part for part in (interview.harm, interview.exploitation_indicators) if part
                ),
                occurred_at=interview.completed_at,
                recorded_at=interview.completed_at,
                author=interview.interviewer,
                source_agency=interview.interviewer.agency if interview.interviewer else None,
                significance=Significance.SIGNIFICANT
                if interview.harm or interview.exploitation_indicators
                else Significance.ROUTINE,
                **link,
            )
        )
    if episode.closed_at is not None:
        rows.append(
            ChronologyEntry(
                person_id=episode.child_id,
                summary=f"Missing episode {episode.reference} closed after management oversight",
                detail=episode.oversight_comment,
                occurred_at=episode.closed_at,
                recorded_at=episode.closed_at,
                author=episode.closed_by,
                source_agency=episode.closed_by.agency if episode.closed_by else None,
                **link,
            )
        )
    return rows
