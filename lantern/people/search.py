"""Finding a person: triage's first act.

One search box takes whatever the worker has: names in any order and spelling (every name
the person has been known by, aliases and street names included), a date of birth exact or
partial (a year, a month and year, or a date whose day and month may have been swapped), an
age or age range ("age 14", "age 14-16"), a postcode or postcode district, and identifiers
(NHS number, unique pupil number, local and police references). A school can be chosen
beside the box. Everything runs inside the user's scope: a person they may not see is never
a candidate.

A typed word is first matched against the vocabulary of every word of every recorded name
(`NameWord`): the words it may stand for are those alike by trigrams (pg_trgm), beginning
with it, or sounding the same (double metaphone, fuzzystrmatch). Names spelt with those
words, and the names of people born on a typed date (or its day-month swap), are the
candidates; each is scored by trigram word similarity and sound against what was typed, and
people are ranked by how well their names and date of birth agree. See
docs/decisions/0009-person-search.md for why, and for the benchmark behind the numbers here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db import connections, transaction
from django.db.models import (
    BooleanField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    QuerySet,
    UUIDField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from lantern.access.scopes import is_uuid
from lantern.people.models import (
    Address,
    Enrolment,
    Identifier,
    Person,
    in_force,
    years_before,
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
    more: bool = False  # set by `search_people` when more people matched than it ranks

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
    terms = SearchTerms(school=school if is_uuid(school) else "")
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


#: The most results a search ranks and counts. A name as common as "Smith" or "Mohammed"
#: alone matches thousands of people; the page says "more than" this many and asks for more
#: of the name or a date of birth rather than paging through them all.
RESULT_LIMIT = 500

#: Candidates looked up in the user's scope when one name alone matches more (see
#: `_visible_candidates`).
PRE_RANK_LIMIT = 4 * RESULT_LIMIT

#: How alike (pg_trgm similarity, 0 to 1) a word of a recorded name must be to a typed word
#: to be one it may stand for. 0.25 keeps nearly every single slip ("Baler" for Baker is
#: 0.33, "Iqda" for Iqra 0.25); the vocabulary is small, so a low bar costs little.
WORD_SIMILARITY = 0.25

#: A typed word that sounds like a name (double metaphone) counts at least this much, so
#: "Jnoes" is close to Jones although they share few trigrams.
SOUND_ALIKE = 0.7

#: What agreeing dates of birth add to the name's agreement (0 to 1): the date as typed, its
#: day-month swap, an approximate date of birth that could be either, the same year.
BORN_ON_TYPED_DATE = 1.0
BORN_ON_SWAPPED_DATE = 0.8
MAY_BE_BORN_ON_DATE = 0.5
BORN_IN_YEAR = 0.2


# The candidates' statements are SQL written out here rather than built with the ORM: they
# run on every search, involve no user's scope (that is applied to the candidates after,
# through the ORM), and building them as expressions cost more time than running them.

# Words of recorded names a typed word may stand for: alike by trigrams (at the
# transaction's pg_trgm.similarity_threshold), beginning with it, or sounding the same.
_VOCABULARY_SQL = """
    SELECT word FROM people_nameword
    WHERE word %% %(typed)s OR word LIKE %(prefix)s OR sound = NULLIF(dmetaphone(%(typed)s), '')
"""

# How well a stored part of a name (given names, or a family name) agrees with a typed one:
# trigram word similarity, and at least SOUND_ALIKE where its first word sounds the same.
_LIKE_SQL = (
    "GREATEST(word_similarity({typed}, {stored}), "
    "CASE WHEN {sound} = NULLIF(dmetaphone({typed_first}), '') THEN {alike} ELSE 0 END)"
)

# A name's first given name and family name, as the `name_words` index holds them.
_GIVEN = "lower(split_part(n.given_names, ' ', 1))"
_FAMILY = "lower(n.family_name)"

# A name recorded without a family name (a preferred name) is read with the person's
# family name, so "Kate Smith" agrees with Katherine Smith known as Kate.
_FAMILY_OR_PERSONS = "COALESCE(NULLIF(n.family_name, ''), p.family_name)"
_FAMILY_SOUND_OR_PERSONS = (
    "CASE WHEN n.family_name = '' THEN dmetaphone(p.family_name) ELSE n.family_sound END"
)


_NAMES_AND_PEOPLE = "people_personname n JOIN people_person p ON p.id = n.person_id"


def _select(score: str, source: str) -> str:
    """One arm of the candidates' UNION. Only this module's own fragments are put into the
    text; every typed word and date goes in as a parameter."""
    return f"SELECT n.person_id, ({score})::float8 FROM {source}"  # noqa: S608 - see above


def _vocabulary(cursor: Any, words: list[str]) -> dict[str, list[str]]:
    """For each typed word, the words of recorded names it may stand for, from the
    vocabulary's own small indexes however many names there are."""
    found: dict[str, list[str]] = {word: [] for word in words}
    for word in found:
        prefix = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        cursor.execute(_VOCABULARY_SQL, {"typed": word, "prefix": prefix})
        found[word] = [stored for (stored,) in cursor.fetchall()]
    return found


def _score_sql(names: list[str], family: str, family_sound: str) -> tuple[str, dict[str, Any]]:
    """How well one name row `n` agrees with the typed names, 0 to 1: two or more words read
    as given names then family name, or the other way round, whichever agrees better; one
    word compared with whichever part it is most like."""
    params: dict[str, Any] = {}

    def like(key: str, typed: str, stored: str, sound: str) -> str:
        params[key], params[key + "_first"] = typed, typed.split(maxsplit=1)[0]
        return _LIKE_SQL.format(
            typed=f"%({key})s",
            typed_first=f"%({key}_first)s",
            stored=stored,
            sound=sound,
            alike=SOUND_ALIKE,
        )

    given, given_sound = "n.given_names", "n.given_sound"
    if len(names) == 1:
        return (
            f"GREATEST({like('w', names[0], given, given_sound)}, "
            f"{like('w', names[0], family, family_sound)})"
        ), params
    as_typed = (
        f"({like('g1', ' '.join(names[:-1]), given, given_sound)} + "
        f"{like('f1', names[-1], family, family_sound)}) / 2"
    )
    other_way = (
        f"({like('g2', ' '.join(names[1:]), given, given_sound)} + "
        f"{like('f2', names[0], family, family_sound)}) / 2"
    )
    return f"GREATEST({as_typed}, {other_way})", params


def _scored_names(terms: SearchTerms) -> list[tuple[Any, float]]:
    """(person id, score) for each name that makes its person a candidate, each found
    through an index so nothing is scanned:

    - names spelt with words the typed ones may stand for (`_vocabulary`): a family name and
      a first given name for the last and first typed words, or the other way round (the
      `name_words` index on the two); for one word, either part;
    - preferred names, recorded without a family name, that one typed word may stand for,
      of a person whose family name the other may;
    - every name of the people born on a typed date or its day-month swap, however their
      names were spelt (the btree on the bounds of the date of birth).
    """
    names = terms.names
    selects: list[str] = []
    params: dict[str, Any] = {}
    with connections[Person.objects.db].cursor() as cursor:
        spelt_score, read_with_person_score = "0.0", "0.0"
        if names:
            first, last = names[0], names[-1]
            words = _vocabulary(cursor, [first, last])
            params |= {"first": words[first], "last": words[last]}
            spelt_score, score_params = _score_sql(names, "n.family_name", "n.family_sound")
            read_with_person_score, _ = _score_sql(
                names, _FAMILY_OR_PERSONS, _FAMILY_SOUND_OR_PERSONS
            )
            params |= score_params
            if len(names) == 1:
                spelt = f"{_FAMILY} = ANY(%(first)s) OR {_GIVEN} = ANY(%(first)s)"
            else:
                spelt = (
                    f"({_FAMILY} = ANY(%(last)s) AND {_GIVEN} = ANY(%(first)s)) OR "
                    f"({_FAMILY} = ANY(%(first)s) AND {_GIVEN} = ANY(%(last)s))"
                )
                selects.append(
                    _select(
                        read_with_person_score,
                        f"{_NAMES_AND_PEOPLE} WHERE {_FAMILY} = '' AND ("
                        f"({_GIVEN} = ANY(%(first)s) AND lower(p.family_name) = ANY(%(last)s)) OR "
                        f"({_GIVEN} = ANY(%(last)s) AND lower(p.family_name) = ANY(%(first)s)))",
                    )
                )
            selects.append(_select(spelt_score, f"people_personname n WHERE {spelt}"))
        if terms.dates:
            params["dates"] = terms.dates
            selects.append(
                _select(
                    read_with_person_score,
                    f"{_NAMES_AND_PEOPLE} WHERE p.born_earliest = ANY(%(dates)s) "
                    "AND p.born_latest = p.born_earliest",
                )
            )
        cursor.execute(" UNION ALL ".join(selects), params)
        return cursor.fetchall()


def _birth_score(terms: SearchTerms, person: tuple[Any, ...]) -> float:
    """How well a candidate's date of birth agrees with the typed one (see BORN_ON_...)."""
    _, _, _, born, earliest, latest = person
    if not terms.dates:
        return 0.0
    if born is not None and born == terms.typed_date:
        return BORN_ON_TYPED_DATE
    if born is not None and born in terms.dates:
        return BORN_ON_SWAPPED_DATE
    if earliest is not None and any(earliest <= day <= latest for day in terms.dates):
        return MAY_BE_BORN_ON_DATE
    if born is not None and born.year in {day.year for day in terms.dates}:
        return BORN_IN_YEAR
    return 0.0


class _AnyOf(Func):
    """`expression = ANY(array)`: membership of an array parameter, which stays one
    parameter however many ids it holds (an `IN` list is a placeholder per id, and each
    costs time to build and to parse)."""

    output_field = BooleanField()

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        (lhs, lhs_params), (rhs, rhs_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _array(values: list[Any], of: Any) -> Any:
    """Ids or numbers as one array literal: one short parameter that is cheap to hash and
    to send, where a list `Value` is hashed and quoted item by item each time it is
    compiled. (Only for values that need no quoting inside an array literal.)"""
    literal = "{" + ",".join(map(str, values)) + "}"
    return Cast(Value(literal), ArrayField(of))


def _ids(ids: list[Any]) -> Any:
    return _array(ids, UUIDField())


class _Item(Func):
    """`array[position]`: one value of an array parameter, by its 1-based position."""

    def as_sql(  # type: ignore[override]
        self, compiler: Any, connection: Any, **extra_context: Any
    ) -> tuple[str, Any]:
        array, position = (compiler.compile(e) for e in self.get_source_expressions())
        return f"({array[0]})[{position[0]}]", (*array[1], *position[1])


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
        at = Address.objects.filter(in_force(today), person=OuterRef("pk"))
        if " " in terms.postcode:
            at = at.filter(postcode=terms.postcode)
        else:
            at = at.filter(postcode__startswith=terms.postcode + " ")
        people = people.filter(Exists(at))
    if terms.school:
        people = people.filter(
            Exists(
                Enrolment.objects.filter(
                    in_force(today), person=OuterRef("pk"), school_id=terms.school
                )
            )
        )
    if terms.age_from is not None and terms.age_to is not None:
        # Could be aged age_from..age_to today: born after the day they would have turned
        # age_to + 1, and on or before the day they turned age_from.
        people = people.filter(
            born_latest__gt=years_before(today, terms.age_to + 1),
            born_earliest__lte=years_before(today, terms.age_from),
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


def _visible_candidates(
    terms: SearchTerms, people: QuerySet[Person], name_scores: dict[Any, float]
) -> list[tuple[Any, ...]]:
    """The candidates the user may see and the filters keep, with what ranking needs. One
    common name alone ("Olivia") gives tens of thousands of candidates: without a date the
    rank is the name's score alone, so only the best PRE_RANK_LIMIT are looked up, unless
    the scope or the filters leave too few of them to fill the page."""
    fields = ("pk", "family_name", "given_names", "date_of_birth", "born_earliest", "born_latest")

    def lookup(ids: list[Any]) -> list[tuple[Any, ...]]:
        return list(people.filter(_AnyOf(F("pk"), _ids(ids))).values_list(*fields))

    ids = list(name_scores)
    if terms.dates or len(ids) <= PRE_RANK_LIMIT:
        return lookup(ids)
    ids.sort(key=lambda pk: (-name_scores[pk], pk.int))
    best = lookup(ids[:PRE_RANK_LIMIT])
    return best if len(best) > RESULT_LIMIT else lookup(ids)


def _follow_merges(name_scores: dict[Any, float]) -> None:
    """A merged record's names find the record it was merged into (and a merge of a merge
    the last one): the merged record is archived, but its names are still the person's.
    Merges are rare, so all of them are read at once through the index on `merged_into`,
    which costs the same however many candidates a common name brings."""
    merges = dict(Person.objects.filter(merged_into__isnull=False).values_list("pk", "merged_into"))
    for merged in [pk for pk in name_scores if pk in merges]:
        kept, hops = merges[merged], 0
        while kept in merges and hops < len(merges):  # a merge of a merge
            kept, hops = merges[kept], hops + 1
        name_scores[kept] = max(name_scores[merged], name_scores.get(kept, 0.0))


def search_people(terms: SearchTerms, visible: QuerySet[Person]) -> QuerySet[Person]:
    """People in `visible` (already the user's scope) matching `terms`, best first, each with
    a `rank` (name agreement 0 to 1 plus date-of-birth agreement 0 to 1). Names and dates of
    birth find and rank; postcode, school, age, identifier and year filter.

    Candidates first, then rank: the indexes give the names that could be meant, with a
    score each; the scope and the filters keep the candidates the user may see; those are
    ranked here, and the queryset returned holds the first RESULT_LIMIT of them in order,
    so the page's count and rows cost little however common the name (`terms.more` says
    when there were more)."""
    people = _narrow(terms, visible, timezone.localdate())
    if not (terms.names or terms.dates):
        return people.annotate(
            name_score=Value(0.0), birth_score=Value(0.0), rank=Value(0.0)
        ).order_by("family_name", "given_names", "pk")

    name_scores: dict[Any, float] = {}
    with transaction.atomic(using=people.db):
        with connections[people.db].cursor() as cursor:
            # Every statement of a search is meant to be answered from indexes over a few
            # hundred rows: the planner is told not to scan (it otherwise reads the whole
            # vocabulary, as its cost model does not see what each similarity costs) nor
            # start parallel workers (slower to start than the statement takes). The
            # similarity bar is the vocabulary's (`_vocabulary`). All three end with the
            # transaction (an outer one, if the search runs inside one).
            cursor.execute(
                "SELECT set_config('enable_seqscan', 'off', true), "
                "set_config('max_parallel_workers_per_gather', '0', true), "
                "set_config('pg_trgm.similarity_threshold', %s, true)",
                [str(WORD_SIMILARITY)],
            )
        for person_id, score in _scored_names(terms):
            name_scores[person_id] = max(score, name_scores.get(person_id, 0.0))
        _follow_merges(name_scores)
        scored = [
            (name_scores[row[0]], _birth_score(terms, row), row)
            for row in _visible_candidates(terms, people, name_scores)
        ]
        ranked = sorted(
            scored,
            key=lambda item: (-(item[0] + item[1]), item[2][1], item[2][2], str(item[2][0])),
        )
    terms.more = len(ranked) > RESULT_LIMIT
    ranked = ranked[:RESULT_LIMIT]
    ids = [row[0] for _, _, row in ranked]
    position = Func(
        _ids(ids),
        F("pk"),
        function="array_position",
        output_field=IntegerField(),
    )

    # The two parts of the rank too: adding a person asks how strong a match is by each.
    names = _array([name for name, _, _ in ranked], FloatField())
    births = _array([birth for _, birth, _ in ranked], FloatField())
    return (
        visible.filter(_AnyOf(F("pk"), _ids(ids)))
        .annotate(
            position=position,
            name_score=_Item(names, position, output_field=FloatField()),
            birth_score=_Item(births, position, output_field=FloatField()),
        )
        .annotate(rank=F("name_score") + F("birth_score"))
        .order_by("position")
    )
