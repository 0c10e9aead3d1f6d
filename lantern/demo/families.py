"""The demo's children and families: households of brothers and sisters with their parents and
carers, where they live and go to school, their legal status (some looked after, some placed
out of area), the names peers know them by, their flags, their own words and a chronology.

Fenbridge is made up, and so is its map: its wards sit on points in the North Sea off the
east coast, so no generated address can fall on a real street. Placements "out of area" go to
the equally made-up Westmarsh (postcode area WM, which is not a real UK postcode area).
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.contenttypes.models import ContentType

from lantern.access.models import Involvement, Restriction
from lantern.accounts.models import User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import ChronologyEntry
from lantern.core.models import Code
from lantern.demo.names import pick_family, pick_given, pick_group
from lantern.demo.places import STREETS, WARDS
from lantern.people.models import (
    Address,
    Enrolment,
    Flag,
    LegalStatus,
    Person,
    PersonName,
    Relationship,
    School,
    VoiceEntry,
)
from lantern.people.services import Birth

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 27)  # fixed, so the same seed gives the same data on any day

# Ward centres (latitude, longitude): at sea, about 30 km off the coast, a few km apart.
CENTRE = (53.20, 1.10)

LANGUAGES = {
    "WOTH": ["Polish", "Romanian", "Lithuanian"],
    "APKN": ["Urdu", "Punjabi"],
    "AIND": ["Gujarati", "Punjabi"],
    "ABAN": ["Bengali", "Sylheti"],
    "BAFR": ["Somali", "Tigrinya", "Yoruba"],
    "CHNE": ["Cantonese", "Mandarin"],
    "OOTH": ["Arabic", "Kurdish"],
}
# What peers and others call young people in the demo: ordinary nicknames, no real people.
NICKNAMES = ["Smudge", "Lil T", "Ghost", "Kaz", "Skinny", "Shorty", "Red", "Bubbles", "Jojo"]
OUT_OF_AREA = ["Westmarsh Council", "Kingsford City Council", "Eastholme County Council"]
PLACEMENT_STREETS = ["Mill Lane", "Station Road", "The Crescent"]
PROVIDERS = ["Willowmere Children's Home", "Brookside Fostering", "Harbour View Supported Living"]


@dataclass
class Household:
    """One family being built: the children, the adults and where they live."""

    family_name: str
    ward: tuple[str, str]
    point: tuple[float, float]
    children: list[Person] = field(default_factory=list)
    adults: list[Person] = field(default_factory=list)


def _weighted(rng: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _ward_point(rng: random.Random, index: int) -> tuple[float, float]:
    row, col = divmod(index, 4)
    lat = CENTRE[0] + 0.03 * row + rng.uniform(-0.008, 0.008)
    lon = CENTRE[1] + 0.045 * col + rng.uniform(-0.012, 0.012)
    return round(lat, 6), round(lon, 6)


def _postcode(rng: random.Random, district: str) -> str:
    letters = "ABDEFGHJLNPQRSTUWXY"  # the letters used in inward codes
    return f"{district} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _person(rng: random.Random, *, family: str, born: date, kind: str, ethnicity: Code) -> Person:
    """A person of the household's community, named as people born that year are."""
    sex = rng.choice(["female", "male"])
    gender = sex if rng.random() > 0.02 else "other"
    first = pick_given(rng, sex=sex, ethnicity=ethnicity.code, born=born.year)
    languages = LANGUAGES.get(ethnicity.code)
    language = rng.choice(languages) if languages and rng.random() < 0.5 else "English"
    return Person(
        kind=kind,
        given_names=first,
        family_name=family,
        date_of_birth=born,
        birth_precision="exact",
        born_earliest=born,
        born_latest=born,
        gender=gender,
        sex=sex,
        ethnicity=ethnicity,
        first_language=language,
        interpreter_needed=language != "English" and kind != "child" and rng.random() < 0.4,
        special_needs=_weighted(rng, [("none", 80), ("sen_support", 14), ("ehcp", 6)])
        if kind == "child"
        else "none",
    )


def _born(person: Person) -> date:
    """Everyone the demo makes has an exact date of birth."""
    assert person.date_of_birth is not None  # noqa: S101 - set by _person above
    return person.date_of_birth


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 19), rng.choice([0, 15, 30, 45])), LONDON)


@dataclass
class Batch:
    """Rows for one bulk write, in dependency order."""

    people: list[Person] = field(default_factory=list)
    names: list[PersonName] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    enrolments: list[Enrolment] = field(default_factory=list)
    statuses: list[LegalStatus] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    involvements: list[Involvement] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    voices: list[VoiceEntry] = field(default_factory=list)
    entries: list[ChronologyEntry] = field(default_factory=list)

    def save(self) -> None:
        for rows in (
            self.people,
            self.names,
            self.addresses,
            self.enrolments,
            self.statuses,
            self.relationships,
            self.involvements,
            self.flags,
            self.voices,
            self.entries,
        ):
            if rows:
                model: Any = type(rows[0])
                model.objects.bulk_create(rows, batch_size=2000)


def schools(ctx: Any) -> dict[str, list[School]]:
    """A School for each of Fenbridge's school agencies, plus its college and its pupil
    referral unit, by phase."""
    made: dict[str, list[School]] = {"primary": [], "secondary": [], "college": []}
    for number, (key, agency) in enumerate(sorted(ctx.agencies.items())):
        if key.startswith(("primary_", "secondary_")):
            phase = key.split("_")[0]
            index = int(key.split("_")[1]) - 1
            district = WARDS[index % len(WARDS)][1]
            made[phase].append(
                School(
                    urn=f"{990000 + number:06d}",
                    name=agency.name,
                    phase=phase,
                    postcode=_postcode(ctx.rng, district),
                    local_authority="Fenbridge",
                )
            )
    made["college"] = [
        School(
            urn="998001", name="Fenbridge College", phase="college", local_authority="Fenbridge"
        ),
        School(
            urn="998002",
            name="Fenbridge Pupil Referral Unit",
            phase="alternative",
            local_authority="Fenbridge",
        ),
    ]
    School.objects.bulk_create([s for group in made.values() for s in group])
    return made


def _school_for(rng: random.Random, age: int, by_phase: dict[str, list[School]]) -> School | None:
    if age < 4:
        return None
    if age <= 10:
        return rng.choice(by_phase["primary"])
    if age <= 15:
        # A few young people excluded from school are at the pupil referral unit.
        return by_phase["college"][1] if rng.random() < 0.04 else rng.choice(by_phase["secondary"])
    return by_phase["college"][0] if rng.random() < 0.7 else None


def families(ctx: Any, *, chronology: Any, flag_reasons: list[str], voices: list[str]) -> None:
    """Households for about a fifth of `ctx.size.people` children, with everything a person
    page shows. `chronology` yields (kind, summary, significance) events for a child."""
    rng = ctx.rng
    person_type = ContentType.objects.get_for_model(Person)
    users: list[User] = ctx.users
    social_workers = [u for u in users if u.is_active and u.has_role(RoleCode.SOCIAL_WORKER)]
    officers = [u for u in users if u.has_role(RoleCode.POLICE_OFFICER)]
    dsls = [u for u in users if u.has_role(RoleCode.SCHOOL_SAFEGUARDING_LEAD)]
    mash_team = ctx.teams["mash"]
    codes = {c.code: c for c in Code.objects.in_list("ethnicity")}
    cp_codes = {c.code: c for c in Code.objects.in_list("cp_category")}
    lac_codes = {c.code: c for c in Code.objects.in_list("lac_legal_status")}
    by_phase = schools(ctx)
    points = [_ward_point(rng, i) for i in range(len(WARDS))]
    target = max(1, ctx.size.people // 5)
    batch = Batch()
    made = 0
    first_child: Person | None = None
    while made < target:
        ward_index = rng.randrange(len(WARDS))
        ethnicity = codes[pick_group(rng).code]
        family_name = pick_family(rng, ethnicity=ethnicity.code)
        home = Household(family_name, WARDS[ward_index], points[ward_index])
        eldest = TODAY - timedelta(days=rng.randint(365 * 8, 365 * 17 + 200))
        for sibling in range(rng.choice([1, 1, 1, 2, 2, 3])):
            born = eldest + timedelta(days=sibling * rng.randint(400, 1300))
            if born >= TODAY - timedelta(days=365 * 2):
                break
            home.children.append(
                _person(rng, family=family_name, born=born, kind="child", ethnicity=ethnicity)
            )
        for _ in range(rng.choice([1, 1, 2])):
            born = eldest - timedelta(days=rng.randint(365 * 19, 365 * 40))
            home.adults.append(
                _person(
                    rng,
                    family=family_name,
                    born=born,
                    kind="parent_carer",
                    ethnicity=ethnicity,
                )
            )
        _household(ctx, batch, home, by_phase, codes={"cp": cp_codes, "lac": lac_codes})
        for child in home.children:
            if first_child is None:
                first_child = child
            _casework(
                ctx,
                batch,
                child,
                person_type=person_type,
                worker=rng.choice(social_workers),
                dsl=_school_lead(rng, child, batch, dsls),
                officers=officers,
                team=mash_team,
                chronology=chronology,
                flag_reasons=flag_reasons,
                voices=voices,
            )
        made += len(home.children)
        ctx.people += len(home.children) + len(home.adults)
        if len(batch.people) > 4000:
            batch.save()
            batch = Batch()
    _unaccompanied(ctx, batch, codes=codes, lac=lac_codes, by_phase=by_phase, points=points)
    for child in batch.people:
        if child.immigration_status == "uasc":
            _casework(
                ctx,
                batch,
                child,
                person_type=person_type,
                worker=rng.choice(social_workers),
                dsl=rng.choice(dsls),
                officers=officers,
                team=ctx.teams["children_in_care"],
                chronology=[],
                flag_reasons=flag_reasons,
                voices=voices,
            )
    batch.save()
    if first_child is not None:
        _restrict(ctx, first_child, person_type, social_workers)


def _unaccompanied(
    ctx: Any,
    batch: Batch,
    *,
    codes: dict[str, Code],
    lac: dict[str, Code],
    by_phase: dict[str, list[School]],
    points: list[tuple[float, float]],
) -> None:
    """A few unaccompanied asylum-seeking children: no family here, a date of birth not
    known (an age range estimated on arrival), looked after under section 20, in supported
    accommodation or foster care, at college with an interpreter."""
    rng = ctx.rng
    for _ in range(max(2, ctx.size.people // 400)):
        arrived = TODAY - timedelta(days=rng.randint(60, 500))
        low = rng.choice([14, 15, 16])
        _, earliest, latest = Birth(
            precision="estimated", age_low=low, age_high=low + 1, estimated_on=arrived
        ).bounds(today=TODAY)
        ethnicity = codes[rng.choice(["BAFR", "OOTH", "AOTH"])]
        child = Person(
            kind="child",
            given_names=rng.choice(["Abdi", "Dawit", "Hamid", "Yonas", "Omar", "Karwan"]),
            family_name=rng.choice(["Hassan", "Tesfaye", "Rahimi", "Ahmed", "Berhe"]),
            birth_precision="estimated",
            born_earliest=earliest,
            born_latest=latest,
            gender="male",
            sex="male",
            ethnicity=ethnicity,
            first_language=rng.choice(["Tigrinya", "Arabic", "Pashto", "Kurdish"]),
            interpreter_needed=True,
            immigration_status="uasc",
        )
        batch.people.append(child)
        batch.names.append(
            PersonName(
                person=child,
                kind="legal",
                given_names=child.given_names,
                family_name=child.family_name,
                source="Home Office referral",
            )
        )
        ward = rng.randrange(len(WARDS))
        lat, lon = points[ward]
        batch.addresses.append(
            Address(
                person=child,
                kind=rng.choice(["supported", "placement"]),
                line1=f"{rng.randint(1, 60)} {rng.choice(PLACEMENT_STREETS)}",
                town="Fenbridge",
                postcode=_postcode(rng, WARDS[ward][1]),
                latitude=Decimal(str(lat)),
                longitude=Decimal(str(lon)),
                placement_provider=rng.choice(PROVIDERS),
                valid_from=arrived,
                source="Placement record",
            )
        )
        batch.statuses.append(
            LegalStatus(
                person=child,
                kind="looked_after",
                code=lac["V2"],
                placing_authority="Fenbridge City Council",
                valid_from=arrived,
            )
        )
        batch.enrolments.append(
            Enrolment(person=child, school=by_phase["college"][0], valid_from=arrived)
        )
        batch.entries.append(
            ChronologyEntry(
                person=child,
                kind="record",
                significance="significant",
                occurred_at=_at(arrived, rng),
                summary="Arrived in Fenbridge unaccompanied; accommodated under section 20; "
                f"age estimated {low} to {low + 1}",
            )
        )
        ctx.people += 1


def _household(
    ctx: Any,
    batch: Batch,
    home: Household,
    by_phase: dict[str, list[School]],
    codes: dict[str, Any],
) -> None:
    rng = ctx.rng
    district = home.ward[1]
    postcode = _postcode(rng, district)
    street = rng.randint(1, 140)
    line1 = f"{street} {rng.choice(STREETS)}"
    moved_in = TODAY - timedelta(days=rng.randint(200, 3000))
    everyone = home.children + home.adults
    for member in everyone:
        batch.people.append(member)
        batch.names.append(
            PersonName(
                person=member,
                kind="legal",
                given_names=member.given_names,
                family_name=member.family_name,
                source="Recorded when the record was made",
            )
        )
        batch.addresses.append(
            Address(
                person=member,
                kind="home",
                line1=line1,
                town="Fenbridge",
                postcode=postcode,
                latitude=Decimal(str(round(home.point[0] + rng.uniform(-0.004, 0.004), 6))),
                longitude=Decimal(str(round(home.point[1] + rng.uniform(-0.006, 0.006), 6))),
                valid_from=max(moved_in, member.date_of_birth or moved_in),
                source="Council records",
            )
        )
    for child in home.children:
        for adult in home.adults:
            batch.relationships.append(
                Relationship(
                    person=child,
                    kind="parent",
                    other=adult,
                    lives_with=True,
                    source="Birth registration and school records",
                    valid_from=_born(child),
                )
            )
    for older, younger in itertools.combinations(home.children, 2):
        batch.relationships.append(
            Relationship(
                person=older,
                kind="sibling",
                other=younger,
                lives_with=True,
                source="School records",
                valid_from=_born(younger),
            )
        )
    for child in home.children:
        age = TODAY.year - _born(child).year
        school = _school_for(rng, age, by_phase)
        if school is not None:
            started = date(TODAY.year - min(age - 4, 1 if school.phase == "college" else 5), 9, 1)
            batch.enrolments.append(
                Enrolment(
                    person=child,
                    school=school,
                    valid_from=max(started, _born(child)),
                    year_group=str(max(0, age - 5)) if school.phase != "college" else "",
                )
            )
        _status(ctx, batch, child, age, codes)


def _status(ctx: Any, batch: Batch, child: Person, age: int, codes: dict[str, Any]) -> None:
    """Most children the partnership works with are children in need; some have a plan, some
    are looked after (a few placed out of area, or placed in Fenbridge by another council)."""
    rng = ctx.rng
    roll = rng.random()
    start = TODAY - timedelta(days=rng.randint(30, 700))
    start = max(start, _born(child))
    if roll < 0.14 and age >= 10:
        placed_by = "Fenbridge City Council"
        out_of_area = rng.random() < 0.3
        if rng.random() < 0.25:  # placed in Fenbridge by another council
            placed_by, out_of_area = rng.choice(OUT_OF_AREA), True
        batch.statuses.append(
            LegalStatus(
                person=child,
                kind="looked_after",
                code=codes["lac"][rng.choice(["C2", "C2", "V2", "C1"])],
                placing_authority=placed_by,
                placed_out_of_area=out_of_area,
                valid_from=start,
            )
        )
        home = next(a for a in reversed(batch.addresses) if a.person is child)
        start = max(start, home.valid_from + timedelta(days=1))
        home.valid_to = start - timedelta(days=1)
        for link in batch.relationships:  # they no longer live with their family
            if child in (link.person, link.other):
                link.lives_with = False
        batch.entries.append(
            ChronologyEntry(
                person=child,
                kind="record",
                significance="significant",
                occurred_at=_at(start, rng),
                summary=f"Became looked after; placed by {placed_by}"
                + (" out of area" if out_of_area else ""),
            )
        )
        elsewhere = out_of_area and placed_by == "Fenbridge City Council"
        if elsewhere:  # Westmarsh: made up too, and also at sea, further north
            district = f"WM{rng.randint(1, 6)}"
            lat, lon = CENTRE[0] + 0.5 + rng.uniform(0, 0.05), CENTRE[1] + rng.uniform(0, 0.1)
        else:
            ward = rng.randrange(len(WARDS))
            district = WARDS[ward][1]
            lat, lon = _ward_point(rng, ward)
        batch.addresses.append(
            Address(
                person=child,
                kind=rng.choice(["placement", "placement", "supported"])
                if age >= 16
                else "placement",
                line1=f"{rng.randint(1, 60)} {rng.choice(PLACEMENT_STREETS)}",
                town="Westmarsh" if elsewhere else "Fenbridge",
                postcode=_postcode(rng, district),
                latitude=Decimal(str(round(lat, 6))),
                longitude=Decimal(str(round(lon, 6))),
                placement_provider=rng.choice(PROVIDERS),
                valid_from=start,
                source="Placement record",
            )
        )
    elif roll < 0.30:
        category = codes["cp"][rng.choice(["SAB", "SAB", "NEG", "EMO", "MUL", "PHY"])]
        batch.statuses.append(
            LegalStatus(person=child, kind="child_protection", code=category, valid_from=start)
        )
        batch.entries.append(
            ChronologyEntry(
                person=child,
                kind="meeting",
                significance="significant",
                occurred_at=_at(start, rng),
                summary=f"Initial child protection conference: plan under {category.label.lower()}",
            )
        )
    elif roll < 0.85:
        batch.statuses.append(LegalStatus(person=child, kind="child_in_need", valid_from=start))
    else:
        batch.statuses.append(LegalStatus(person=child, kind="early_help", valid_from=start))
    if age >= 12 and rng.random() < 0.06:
        batch.statuses.append(LegalStatus(person=child, kind="youth_justice", valid_from=start))


def _school_lead(rng: random.Random, child: Person, batch: Batch, dsls: list[User]) -> User:
    """The designated safeguarding lead at the child's school where the demo has one, else
    one from another school (as when a child has just moved)."""
    school = next((e.school.name for e in reversed(batch.enrolments) if e.person is child), "")
    here = [u for u in dsls if u.agency is not None and u.agency.name == school]
    return rng.choice(here or dsls)


def _casework(
    ctx: Any,
    batch: Batch,
    child: Person,
    *,
    person_type: ContentType,
    worker: User,
    dsl: User,
    officers: list[User],
    team: Any,
    chronology: Any,
    flag_reasons: list[str],
    voices: list[str],
) -> None:
    rng = ctx.rng
    batch.involvements.append(
        Involvement(
            content_type=person_type, object_id=child.id, kind="allocated_worker", user=worker
        )
    )
    batch.involvements.append(
        Involvement(content_type=person_type, object_id=child.id, kind="allocated_team", team=team)
    )
    # The family's social worker works with the parents and carers too ("think family").
    for link in batch.relationships:
        if link.person is child and link.kind == "parent" and link.other is not None:
            batch.involvements.append(
                Involvement(
                    content_type=person_type,
                    object_id=link.other.id,
                    kind="professional",
                    user=worker,
                )
            )
    if (child.born_latest or TODAY) > TODAY - timedelta(days=365 * 8):
        return  # a young brother or sister: part of the family's plan, not of the story below
    batch.involvements.append(
        Involvement(content_type=person_type, object_id=child.id, kind="professional", user=dsl)
    )
    if rng.random() < 0.3:
        batch.involvements.append(
            Involvement(
                content_type=person_type,
                object_id=child.id,
                kind="professional",
                user=rng.choice(officers),
            )
        )
    if rng.random() < 0.08:
        batch.names.append(
            PersonName(
                person=child,
                kind="nickname",
                given_names=rng.choice(NICKNAMES),
                source=rng.choice(
                    ["Named by peers in a return home interview", "Police intelligence"]
                ),
            )
        )
    if rng.random() < 0.35:
        batch.flags.append(
            Flag(
                person=child,
                owner=worker,
                reason=rng.choice(flag_reasons),
                kind=rng.choice(["sexual_exploitation", "criminal_exploitation", "missing_risk"]),
                review_due=TODAY + timedelta(days=rng.randint(-10, 80)),
            )
        )
    if rng.random() < 0.5:
        batch.voices.append(
            VoiceEntry(
                person=child,
                said=rng.choice(voices),
                recorded_by=worker,
                occurred_at=_at(TODAY - timedelta(days=rng.randint(2, 60)), rng),
                place=rng.choice(["School", "Home visit", "Youth centre"]),
            )
        )
    if not chronology:
        return
    days_ago = sorted(rng.sample(range(1, 400), rng.randint(3, 8)), reverse=True)
    for index, ago in enumerate(days_ago):
        kind, summary, significance = chronology[index % len(chronology)]
        author = dsl if kind == "referral" else worker
        occurred = _at(TODAY - timedelta(days=ago), rng)
        if occurred.date() < _born(child):
            continue
        batch.entries.append(
            ChronologyEntry(
                person=child,
                kind=kind,
                significance=significance,
                occurred_at=occurred,
                recorded_at=occurred + timedelta(hours=rng.randint(1, 30)),
                summary=summary.format(school=str(dsl.agency)),
                author=author,
                source_agency=author.agency,
            )
        )


def _restrict(
    ctx: Any, child: Person, person_type: ContentType, social_workers: list[User]
) -> None:
    """One child's record is restricted, as a relative of a member of staff would be."""
    managers = [u for u in ctx.users if u.has_role(RoleCode.MASH_MANAGER)]
    restriction = Restriction.objects.create(
        content_type=person_type,
        object_id=child.id,
        reason="staff_relative",
        explanation="A relative of a member of the council's staff.",
        owner=managers[0],
        review_due=TODAY + timedelta(days=60),
    )
    restriction.members.set([managers[0], social_workers[0]])
