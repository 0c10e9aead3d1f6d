"""The synthetic demo partnership: the fictional city of Fenbridge, from a fixed seed.

Everything here is made up: the city, its wards and postcodes (the FB area does not exist),
its agencies and the people who work in them. The generator runs as a list of stages that
share one context, so later modules add their own stage (people, referrals, episodes,
intelligence) to the same run, sized `small` for the demo and `medium`/`large` for benchmarks.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from lantern.accounts.models import Agency, Role, Team, User
from lantern.accounts.roles import RoleCode
from lantern.core.models import Code
from lantern.demo.families import families
from lantern.demo.missing import demo_missing
from lantern.demo.places import PRIMARY_PATTERNS, SECONDARY_PATTERNS, STREETS, WARDS
from lantern.demo.population import bulk_population
from lantern.demo.referrals import demo_referrals

DEFAULT_SEED = 20261127


@dataclass(frozen=True)
class Size:
    name: str
    people: int  # used by the people stage (a later issue) and the benchmarks


SIZES = {
    "small": Size("small", people=2_000),
    "medium": Size("medium", people=100_000),
    "large": Size("large", people=1_000_000),
}


@dataclass
class Context:
    """What one generator run has made so far, for the stages that follow."""

    seed: int
    size: Size
    password: str
    rng: random.Random
    fake: Faker
    agencies: dict[str, Agency] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    users: list[User] = field(default_factory=list)
    people: int = 0
    referrals: int = 0
    episodes: int = 0


Stage = Callable[[Context], None]


def _agency(ctx: Context, key: str, name: str, agency_type: str, short_name: str = "") -> Agency:
    agency = Agency.objects.create(
        name=name,
        short_name=short_name,
        agency_type=Code.objects.in_list("agency_type").get(code=agency_type),
    )
    ctx.agencies[key] = agency
    return agency


def _team(ctx: Context, key: str, agency_key: str, name: str, description: str = "") -> Team:
    team = Team.objects.create(agency=ctx.agencies[agency_key], name=name, description=description)
    ctx.teams[key] = team
    return team


def stage_agencies(ctx: Context) -> None:
    """The partnership's agencies and teams, as the review's city had them."""
    _agency(
        ctx,
        "council",
        "Fenbridge City Council Children's Services",
        "childrens_social_care",
        "FCC Children's Services",
    )
    _agency(
        ctx,
        "partnership",
        "Fenbridge Safeguarding Children Partnership",
        "local_authority_other",
        "FSCP",
    )
    _agency(
        ctx, "housing", "Fenbridge City Council Housing", "local_authority_other", "FCC Housing"
    )
    _agency(ctx, "police", "Fenbridge and Wolds Police", "police", "FWP")
    _agency(ctx, "hospital", "Fenbridge Hospitals NHS Trust", "health", "FHT")
    _agency(ctx, "sexual_health", "Fenbridge Sexual Health Service", "health", "Sexual Health")
    _agency(ctx, "gp", "Castlegate Medical Practice", "health")
    _agency(ctx, "yjs", "Fenbridge Youth Justice Service", "youth_justice", "YJS")
    _agency(
        ctx,
        "charity_home",
        "Harbour Lights Young People's Charity",
        "voluntary_sector",
        "Harbour Lights",
    )
    _agency(ctx, "charity_care", "Northway Children's Trust", "voluntary_sector", "Northway")
    _agency(ctx, "community", "Fenbridge Business Watch", "community")

    wards = [ward for ward, _ in WARDS]
    names: set[str] = set()
    for index in range(12):
        ward = wards[index % len(wards)]
        pattern = SECONDARY_PATTERNS[(index // len(wards)) % len(SECONDARY_PATTERNS)]
        name = pattern.format(ward=ward)
        names.add(name)
        _agency(ctx, f"secondary_{index + 1}", name, "education")
    streets = ctx.rng.sample(STREETS, len(STREETS))
    for index in range(30):
        pattern = PRIMARY_PATTERNS[index % len(PRIMARY_PATTERNS)]
        name = pattern.format(ward=wards[index % len(wards)], street=streets[index])
        while name in names:
            name = f"{streets[(index + 7) % len(streets)]} Primary School"
        names.add(name)
        _agency(ctx, f"primary_{index + 1}", name, "education")

    _team(
        ctx,
        "mash",
        "council",
        "Multi-Agency Safeguarding Hub (MASH)",
        "The front door for every referral.",
    )
    _team(
        ctx,
        "exploitation",
        "council",
        "Child Exploitation Team",
        "Works with children at risk of sexual and criminal exploitation.",
    )
    _team(ctx, "children_in_care", "council", "Children in Care Team")
    _team(ctx, "missing_la", "council", "Missing Children Coordination")
    _team(ctx, "fscp_business", "partnership", "Partnership Business Unit")
    _team(ctx, "ig", "partnership", "Information Governance")
    _team(ctx, "digital", "partnership", "Lantern Service Team")
    _team(ctx, "police_mash", "police", "MASH Police Desk")
    _team(ctx, "cse_unit", "police", "Child Exploitation Unit")
    _team(ctx, "missing_unit", "police", "Missing Persons Unit")
    _team(ctx, "intel", "police", "Intelligence Unit")
    _team(ctx, "ed", "hospital", "Emergency Department Safeguarding")
    _team(ctx, "rih_home", "charity_home", "Return Home Interviews")
    _team(ctx, "rih_care", "charity_care", "Return Interviews for Children in Care")
    _team(ctx, "yjs_case", "yjs", "Case Management")


# (agency, team or None, role, job title, how many)
STAFF: list[tuple[str, str | None, RoleCode, str, int]] = [
    ("council", "mash", RoleCode.MASH_TRIAGE_WORKER, "MASH Social Worker", 3),
    ("council", "mash", RoleCode.MASH_MANAGER, "MASH Team Manager", 2),
    ("council", "exploitation", RoleCode.SOCIAL_WORKER, "Social Worker", 4),
    ("council", "children_in_care", RoleCode.SOCIAL_WORKER, "Social Worker", 2),
    ("council", "missing_la", RoleCode.MISSING_COORDINATOR, "Missing Children Coordinator", 2),
    ("council", "exploitation", RoleCode.PANEL_CHAIR, "Exploitation Service Manager", 1),
    (
        "partnership",
        "fscp_business",
        RoleCode.PARTNERSHIP_COORDINATOR,
        "Partnership Coordinator",
        2,
    ),
    ("partnership", "ig", RoleCode.AUDITOR, "Information Governance Officer", 2),
    ("partnership", "digital", RoleCode.SYSTEM_ADMINISTRATOR, "Lantern Administrator", 2),
    ("housing", None, RoleCode.REFERRER, "Housing Officer", 1),
    ("police", "police_mash", RoleCode.POLICE_OFFICER, "Detective Constable", 2),
    ("police", "cse_unit", RoleCode.POLICE_OFFICER, "Detective Sergeant", 2),
    ("police", "missing_unit", RoleCode.MISSING_COORDINATOR, "Missing Persons Coordinator", 1),
    ("police", "missing_unit", RoleCode.POLICE_OFFICER, "Police Constable", 1),
    ("police", "intel", RoleCode.INTELLIGENCE_ANALYST, "Intelligence Analyst", 3),
    ("hospital", "ed", RoleCode.HEALTH_PRACTITIONER, "Safeguarding Nurse", 3),
    ("sexual_health", None, RoleCode.HEALTH_PRACTITIONER, "Sexual Health Nurse", 2),
    ("gp", None, RoleCode.REFERRER, "General Practitioner", 1),
    ("yjs", "yjs_case", RoleCode.REFERRER, "Youth Justice Officer", 2),
    (
        "charity_home",
        "rih_home",
        RoleCode.RETURN_INTERVIEW_WORKER,
        "Return Home Interview Worker",
        2,
    ),
    ("charity_care", "rih_care", RoleCode.RETURN_INTERVIEW_WORKER, "Return Interview Worker", 2),
    ("community", None, RoleCode.REFERRER, "Business Watch Coordinator", 1),
]
SCHOOL_DSLS_SECONDARY = 12
SCHOOL_DSLS_PRIMARY = 6


def _username(ctx: Context, first: str, last: str) -> str:
    base = f"{first}.{last}".lower().replace(" ", "").replace("'", "")
    username, n = base, 1
    while User.objects.filter(username=username).exists():
        n += 1
        username = f"{base}{n}"
    return username


def _user(ctx: Context, agency_key: str, team_key: str | None, role: RoleCode, title: str) -> User:
    first, last = ctx.fake.first_name(), ctx.fake.last_name()
    agency = ctx.agencies[agency_key]
    username = _username(ctx, first, last)
    domain = re.sub(r"[^a-z]+", "-", (agency.short_name or agency.name).lower()).strip("-")
    user = User(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@{domain}.example.org",
        job_title=title,
        agency=agency,
    )
    user.set_password(ctx.password)
    user.save()
    user.roles.add(Role.objects.get(code=role))
    if team_key:
        user.teams.add(ctx.teams[team_key])
    # Each demo user's authenticator secret comes from the seed, so the demo-only
    # `demo_totp` command can show the current code.
    TOTPDevice.objects.create(
        user=user,
        name="Demo authenticator",
        confirmed=True,
        key=ctx.rng.randbytes(20).hex(),
    )
    ctx.users.append(user)
    return user


def stage_users(ctx: Context) -> None:
    """About sixty staff across every role and agency type."""
    for agency_key, team_key, role, title, count in STAFF:
        for _ in range(count):
            _user(ctx, agency_key, team_key, role, title)
    for index in range(SCHOOL_DSLS_SECONDARY):
        _user(
            ctx,
            f"secondary_{index + 1}",
            None,
            RoleCode.SCHOOL_SAFEGUARDING_LEAD,
            "Designated Safeguarding Lead",
        )
    for index in range(SCHOOL_DSLS_PRIMARY):
        _user(
            ctx,
            f"primary_{index * 5 + 1}",
            None,
            RoleCode.SCHOOL_SAFEGUARDING_LEAD,
            "Designated Safeguarding Lead",
        )
    # A social worker who has left: shows what a disabled account looks like.
    leaver = _user(ctx, "council", "exploitation", RoleCode.SOCIAL_WORKER, "Social Worker")
    leaver.is_active = False
    leaver.disabled_reason = "Left the council."
    leaver.save(update_fields=["is_active", "disabled_reason"])


CHILD_EVENTS: list[tuple[str, str, str]] = [
    # (kind, summary, significance): what a partnership typically records about a child it
    # is worried about. Worded about what happened to the child, never blaming them.
    (
        "referral",
        "Referral from {school}: concerns about an older adult collecting them from school",
        "significant",
    ),
    ("note", "MASH checks completed with police, health and school", "routine"),
    ("meeting", "Strategy discussion held with police and children's social care", "significant"),
    (
        "missing",
        "Reported missing overnight; found next morning in Riverside and returned home",
        "significant",
    ),
    (
        "note",
        "Return home interview offered by Harbour Lights; young person agreed to meet",
        "routine",
    ),
    (
        "voice",
        "Said they want to keep seeing their youth worker and feel safer at their aunt's",
        "routine",
    ),
    ("assessment", "Exploitation screening completed: moderate risk", "significant"),
    ("note", "School reports attendance has improved to 88% this half term", "routine"),
    ("note", "Home visit: carer worried about new phone and gifts of unknown origin", "routine"),
    ("meeting", "Discussed at the multi-agency exploitation panel; actions agreed", "significant"),
]


FLAG_REASONS = [
    "Seen repeatedly getting into cars with adults not known to the family.",
    "Three missing episodes in the last ninety days, found in the town centre each time.",
    "New phone and clothes the family cannot account for; older peer group.",
]
VOICES = [
    "I don't want to go back to that flat. I'm scared of him.",
    "I like it at my aunt's. Nobody shouts there.",
    "My youth worker is the only one who listens to me.",
    "I just want to go to college and do hair and beauty.",
]


def stage_people(ctx: Context) -> None:
    """Children the partnership works with, their parents and carers, the professionals
    involved with each child, and a believable chronology for each. One child's record is
    restricted, as a relative of a member of staff would be."""
    if ctx.size.name != "small":
        bulk_population(ctx)  # a city's worth of people for the benchmarks, by COPY
        return
    families(ctx, chronology=CHILD_EVENTS, flag_reasons=FLAG_REASONS, voices=VOICES)


def stage_referrals(ctx: Context) -> None:
    """A month of referrals into the MASH for the demo; 10,000 over a year at `medium`."""
    if ctx.size.name == "small":
        ctx.referrals = demo_referrals(ctx, count=260, days=30)
    else:
        ctx.referrals = demo_referrals(ctx, count=10_000, days=365)


EPISODES = {"small": 330, "medium": 10_000, "large": 100_000}


def stage_missing(ctx: Context) -> None:
    """A year of missing episodes with their return interviews: a few hundred for the demo,
    through the services; 10,000 at `medium` and 100,000 at `large`, in bulk."""
    ctx.episodes = demo_missing(ctx, count=EPISODES[ctx.size.name])


STAGES: list[Stage] = [
    stage_agencies,
    stage_users,
    stage_people,
    stage_referrals,
    stage_missing,
]


def generate(*, size: str = "small", seed: int = DEFAULT_SEED, password: str) -> Context:
    """Build the demo partnership in one transaction; the same seed gives the same data."""
    if size not in SIZES:
        raise ValueError(f"Unknown size {size!r}; choose from {', '.join(SIZES)}")
    rng = random.Random(seed)  # noqa: S311 - reproducible synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    ctx = Context(seed=seed, size=SIZES[size], password=password, rng=rng, fake=fake)
    with transaction.atomic():
        for stage in STAGES:
            stage(ctx)
    return ctx


def is_generated() -> bool:
    return Agency.objects.exists()


def describe() -> list[tuple[str, str, str]]:
    """(role, username, agency) for one active user per role: the demo sign-ins to print."""
    rows = []
    for role in Role.objects.order_by("sort_order"):
        user = (
            User.objects.filter(roles=role, is_active=True)
            .select_related("agency")
            .order_by("date_joined", "username")
            .first()
        )
        if user is not None:
            rows.append((role.name, user.username, str(user.agency)))
    return rows
