"""Reads of person records: always through the access scopes."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import Involvement
from lantern.access.scopes import Basis, access_record, scope
from lantern.people.models import (
    Address,
    Enrolment,
    LegalStatus,
    NameKind,
    Person,
    PersonName,
    in_force,
)
from lantern.people.search import SearchTerms, parse_query, search_people


def people_visible(user: Any) -> QuerySet[Person]:
    """Every person record the user may see: never archived ones, never out of scope."""
    return scope(user, Person.objects.filter(archived_at__isnull=True))


def people_search(
    user: Any, query: str, *, school: str = ""
) -> tuple[QuerySet[Person], SearchTerms]:
    """People within the user's scope matching the search box (see `lantern.people.search`),
    best first, and what the query was taken to mean."""
    terms = parse_query(query, school=school)
    return search_people(terms, people_visible(user)), terms


def people_search_for(
    request: HttpRequest, query: str, *, purpose: str, most: int, exclude: Any = None
) -> list[SearchRow]:
    """ "Search first" on a page that then acts on the person found: up to `most` rows within
    the user's scope (`exclude`: a person not to offer, such as the record itself), audited as
    `person.searched` with what was typed, how it was understood, why, and who was shown."""
    found, terms = people_search(request.user, query)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    rows = search_rows(list(found[:most]))
    audit_record(
        action="person.searched",
        request=request,
        detail={
            "q": query,
            "understood": terms.describe(),
            "purpose": purpose,
            "shown": [str(row.person.pk) for row in rows],
        },
    )
    return rows


#: How alike a name must be to show as a likely match, and a strong one (which needs a reason
#: to create a new record anyway); how well a date of birth must agree for a strong match.
LIKELY_NAME, STRONG_NAME, STRONG_BIRTH = 0.3, 0.6, 0.8


@dataclass
class LikelyMatches:
    query: str
    terms: SearchTerms
    people: list[Person]
    strong: bool


def likely_matches(
    user: Any,
    *,
    given_names: str,
    family_name: str,
    born: date | None = None,
    year: int | None = None,
    most: int = 5,
) -> LikelyMatches:
    """Search before create: the people the user may see who may be this person, and whether
    any is a strong match (the name close and the date of birth agreeing, or the name close
    when no date is known)."""
    query = f"{given_names} {family_name}"
    if born:
        query += f" {born:%d/%m/%Y}"
    elif year:
        query += f" {year}"
    found, terms = people_search(user, query)
    people = [
        p
        for p in found[:most]
        if p.name_score >= LIKELY_NAME or p.birth_score >= STRONG_BIRTH  # type: ignore[attr-defined]
    ]
    strong = any(
        p.name_score >= STRONG_NAME  # type: ignore[attr-defined]
        and (p.birth_score >= STRONG_BIRTH or not terms.dates)  # type: ignore[attr-defined]
        for p in people
    )
    return LikelyMatches(query=query, terms=terms, people=people, strong=strong)


def person_for(request: HttpRequest, pk: str, *, purpose: str = "") -> tuple[Person, Basis]:
    """One person for the request's user, through the access policy: an archived, restricted
    or out-of-scope record is not found, and the read is audited (with `purpose`)."""
    return access_record(
        request=request,
        queryset=Person.objects.filter(archived_at__isnull=True),
        pk=pk,
        action="person.viewed",
        purpose=purpose,
    )


@dataclass
class SearchRow:
    """Enough to tell two people apart, and no more: the viewer may already see each record."""

    person: Person
    other_names: list[str] = field(default_factory=list)
    school: str = ""
    district: str = ""
    agencies: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)


def search_rows(people: list[Person]) -> list[SearchRow]:
    """A results page's rows, in five queries whatever the page's length: other names,
    current school, postcode district, the agencies involved and current statuses."""
    rows = {person.pk: SearchRow(person=person) for person in people}
    if not rows:
        return []
    today = timezone.localdate()
    for name in PersonName.objects.filter(person__in=rows).exclude(kind=NameKind.LEGAL):
        rows[name.person_id].other_names.append(f"{name} ({name.get_kind_display().lower()})")
    for enrolment in (
        Enrolment.objects.filter(in_force(today), person__in=rows)
        .select_related("school")
        .order_by("valid_from")
    ):
        rows[enrolment.person_id].school = enrolment.school.name
    for address in Address.objects.filter(in_force(today), person__in=rows).order_by("valid_from"):
        rows[address.person_id].district = address.district
    agencies: dict[Any, set[str]] = defaultdict(set)
    for involvement in Involvement.objects.filter(
        content_type=ContentType.objects.get_for_model(Person),
        object_id__in=rows,
        ended_at__isnull=True,
    ).select_related("user__agency", "team__agency"):
        holder = involvement.user or involvement.team
        if holder is not None and getattr(holder, "agency", None) is not None:
            agencies[involvement.object_id].add(holder.agency.name)  # type: ignore[union-attr]
    for statuses in LegalStatus.objects.filter(in_force(today), person__in=rows):
        rows[statuses.person_id].statuses.append(statuses.get_kind_display())
    for pk, names in agencies.items():
        rows[pk].agencies = sorted(names)
    return list(rows.values())
