"""Finding a person: triage's first act.

One search box takes whatever the worker has: names in any order and spelling (every name
the person has been known by, aliases and street names included), a date of birth exact or
partial (a year, a month and year, or a date whose day and month may have been swapped), an
age or age range ("age 14", "age 14-16"), a postcode or postcode district, and identifiers
(NHS number, unique pupil number, local and police references). A school can be chosen
beside the box. Names match by substring, trigram similarity (pg_trgm) and sound (double
metaphone, fuzzystrmatch), and results are ranked by how well names and date of birth agree.
Everything runs inside the user's scope: a person they may not see is never a candidate.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import (
    Case,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from lantern.people.models import (
    Address,
    DoubleMetaphone,
    Enrolment,
    Identifier,
    Person,
    PersonName,
)

_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/.-](\d{4})$")
_YEAR = re.compile(r"^(19|20)\d\d$")
_AGE = re.compile(r"\b(?:age|aged)\s*(\d{1,2})(?:\s*(?:-|to)\s*(\d{1,2}))?\b", re.IGNORECASE)
_NHS_SPACED = re.compile(r"\b(\d{3})\s(\d{3})\s(\d{4})\b")
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})?$")
_IDENTIFIER = re.compile(r"^(?=(?:.*\d){5,})[A-Z0-9/-]{5,40}$")
_WORD = re.compile(r"^[^\W\d_][\w'\u2019-]*$")


@dataclass
class SearchTerms:
    """What the words of a query were taken to mean."""

    names: list[str] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)  # a date, and its day-month swap if real
    typed_date: date | None = None
    year: int | None = None
    month: int | None = None
    age_from: int | None = None
    age_to: int | None = None
    postcode: str = ""  # a full postcode "FB4 2QX" or a district "FB4"
    identifiers: list[str] = field(default_factory=list)
    school: str = ""  # a school's id, chosen beside the box
    ignored: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (
            self.names
            or self.dates
            or self.year
            or self.age_from is not None
            or self.postcode
            or self.identifiers
            or self.school
        )

    def describe(self) -> dict[str, Any]:
        """For the audit trail and the "we searched for" line."""
        return {
            key: value
            for key, value in {
                "names": self.names,
                "dates": [d.isoformat() for d in self.dates],
                "year": self.year,
                "month": self.month,
                "age_from": self.age_from,
                "age_to": self.age_to,
                "postcode": self.postcode,
                "identifiers": self.identifiers,
                "school": self.school,
            }.items()
            if value not in (None, "", [])
        }


def _real_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _full_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        this = timezone.localdate().year % 100
        year += 2000 if year <= this else 1900
    return year


def parse_query(query: str, *, school: str = "") -> SearchTerms:
    """Split a search box's text into names, dates, ages, postcodes and identifiers."""
    terms = SearchTerms(school=school if _is_uuid(school) else "")
    text = _NHS_SPACED.sub(r"\1\2\3", query.strip())
    age = _AGE.search(text)
    if age:
        low = int(age.group(1))
        high = int(age.group(2)) if age.group(2) else low
        terms.age_from, terms.age_to = min(low, high), max(low, high)
        text = text[: age.start()] + " " + text[age.end() :]
    tokens = text.replace(",", " ").split()
    index = 0
    while index < len(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        index += _read_token(terms, tokens[index], following)
    return terms


def _read_date(terms: SearchTerms, token: str) -> bool:
    """A date (day first, as written in England), an ISO date, or a month and year."""
    if match := _DATE.match(token):
        day, month, year = int(match.group(1)), int(match.group(2)), _full_year(match.group(3))
        as_typed = _real_date(year, month, day)
        terms.typed_date = as_typed
        for found in (as_typed, _real_date(year, day, month)):
            if found is not None and found not in terms.dates:
                terms.dates.append(found)
    elif match := _ISO_DATE.match(token):
        found = _real_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        if found:
            terms.typed_date = found
            terms.dates.append(found)
    elif match := _MONTH_YEAR.match(token):
        if 1 <= int(match.group(1)) <= 12:
            terms.month, terms.year = int(match.group(1)), int(match.group(2))
    else:
        return False
    return True


def _read_token(terms: SearchTerms, token: str, following: str) -> int:
    """Take one word of the query into `terms`; return how many words it used."""
    upper = token.upper()
    postcode = _POSTCODE.match(upper)
    if _read_date(terms, token):
        return 1
    if _YEAR.match(token):
        terms.year = int(token)
    elif postcode and postcode.group(2):
        terms.postcode = f"{postcode.group(1)} {postcode.group(2)}"
    elif postcode and re.fullmatch(r"\d[A-Z]{2}", following.upper()):
        terms.postcode = f"{upper} {following.upper()}"
        return 2
    elif postcode:
        terms.postcode = upper
    elif _IDENTIFIER.match(upper):
        terms.identifiers.append(upper)
    elif _WORD.match(token):
        terms.names.append(token.lower())
    else:
        terms.ignored.append(token)
    return 1


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _name_candidates(names: list[str]) -> QuerySet[PersonName]:
    """Names that could be the one typed: the whole typed name similar by trigrams, or the
    first and last words sounding like a name's first given name and family name (in either
    order), or, for a single word, any name containing or sounding like it."""
    text = " ".join(names)
    first, last = names[0], names[-1]
    if len(names) == 1:
        sound = DoubleMetaphone(Value(first))
        return PersonName.objects.filter(
            Q(search_name__icontains=first)
            | Q(search_name__trigram_word_similar=first)
            | Q(family_sound=sound)
            | Q(given_sound=sound)
        )
    return PersonName.objects.filter(
        Q(search_name__trigram_similar=text)
        | Q(search_name__icontains=text)
        | Q(family_sound=DoubleMetaphone(Value(last)), given_sound=DoubleMetaphone(Value(first)))
        | Q(family_sound=DoubleMetaphone(Value(first)), given_sound=DoubleMetaphone(Value(last)))
    )


def _born_on_any(dates: list[date]) -> Q:
    """Born on one of the dates, or possibly so where the date of birth is approximate."""
    q = Q()
    for day in dates:
        q |= Q(born_earliest__lte=day, born_latest__gte=day)
    return q


def _narrow(terms: SearchTerms, people: QuerySet[Person], today: date) -> QuerySet[Person]:
    """The filters: identifier, current postcode, current school, age range, year of birth."""
    if terms.identifiers:
        people = people.filter(
            Exists(
                Identifier.objects.filter(
                    person=OuterRef("pk"), value__in=terms.identifiers, archived_at__isnull=True
                )
            )
        )
    if terms.postcode:
        at = Address.objects.filter(person=OuterRef("pk"), valid_from__lte=today).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )
        if " " in terms.postcode:
            at = at.filter(postcode=terms.postcode)
        else:
            at = at.filter(postcode__startswith=terms.postcode + " ")
        people = people.filter(Exists(at))
    if terms.school:
        people = people.filter(
            Exists(
                Enrolment.objects.filter(
                    person=OuterRef("pk"), school_id=terms.school, valid_from__lte=today
                ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            )
        )
    if terms.age_from is not None and terms.age_to is not None:
        # Could be aged age_from..age_to today: born after the day they would have turned
        # age_to + 1, and on or before the day they turned age_from.
        people = people.filter(
            born_latest__gt=_years_before(today, terms.age_to + 1),
            born_earliest__lte=_years_before(today, terms.age_from),
        )
    if terms.year:
        start = date(terms.year, terms.month or 1, 1)
        end = (
            date(terms.year + (terms.month == 12), (terms.month % 12) + 1, 1)
            if terms.month
            else date(terms.year + 1, 1, 1)
        )
        people = people.filter(born_earliest__lt=end, born_latest__gte=start)
    return people


def search_people(terms: SearchTerms, visible: QuerySet[Person]) -> QuerySet[Person]:
    """People in `visible` (already the user's scope) matching `terms`, best first, each with
    a `rank`. Names and dates of birth rank; postcode, school, age, identifier, year filter."""
    people = _narrow(terms, visible, timezone.localdate())

    if terms.names:
        matched = _name_candidates(terms.names).values("person_id")
        candidates = Q(pk__in=matched)
        if terms.dates:
            candidates |= _born_on_any(terms.dates)
        people = people.filter(candidates)
    elif terms.dates:
        people = people.filter(_born_on_any(terms.dates))

    text = " ".join(terms.names)
    name_score: Any = Value(0.0)
    if terms.names:
        name_score = Coalesce(
            Subquery(
                PersonName.objects.filter(person=OuterRef("pk"))
                .annotate(
                    score=Greatest(
                        TrigramSimilarity("search_name", text),
                        # The typed name against the name's words in the other order.
                        TrigramSimilarity("search_name", " ".join(reversed(terms.names))),
                    )
                )
                .order_by("-score")
                .values("score")[:1],
                output_field=FloatField(),
            ),
            Value(0.0),
        )
    birth_score: Any = Value(0.0)
    if terms.dates:
        whens = []
        if terms.typed_date:
            whens.append(When(date_of_birth=terms.typed_date, then=Value(1.0)))
        whens += [When(date_of_birth__in=terms.dates, then=Value(0.8))]
        whens += [When(_born_on_any(terms.dates), then=Value(0.5))]
        whens += [When(date_of_birth__year__in=[d.year for d in terms.dates], then=Value(0.2))]
        birth_score = Case(*whens, default=Value(0.0), output_field=FloatField())
    return people.annotate(
        name_score=name_score, birth_score=birth_score, rank=F("name_score") + F("birth_score")
    ).order_by("-rank", "family_name", "given_names", "pk")
