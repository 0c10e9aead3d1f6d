"""Reads of person records: always through the access scopes."""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.search import TrigramSimilarity
from django.db.models import CharField, Func, Q, QuerySet, Value
from django.db.models.functions import Concat, Greatest
from django.http import HttpRequest

from lantern.access.scopes import Basis, access_record, scope
from lantern.people.models import Person


def people_visible(user: Any) -> QuerySet[Person]:
    """Every person record the user may see: never archived ones, never out of scope."""
    return scope(user, Person.objects.filter(archived_at__isnull=True))


class DoubleMetaphone(Func):
    """fuzzystrmatch's dmetaphone: names that sound alike share a code (Smith, Smyth)."""

    function = "dmetaphone"
    output_field = CharField()


class FirstWord(Func):
    """The first of a person's given names."""

    template = "split_part(%(expressions)s, ' ', 1)"
    output_field = CharField()


def people_search(user: Any, query: str) -> QuerySet[Person]:
    """Names within the user's scope, forgiving of spelling: each word must match a name by
    substring, trigram similarity or sound; results are ranked by similarity. (The people
    issue adds aliases, dates of birth and identifiers to the same search.)"""
    people = people_visible(user).alias(
        family_sound=DoubleMetaphone("family_name"),
        given_sound=DoubleMetaphone(FirstWord("given_names")),
    )
    for term in query.split():
        sound = DoubleMetaphone(Value(term))
        people = people.filter(
            Q(given_names__icontains=term)
            | Q(family_name__icontains=term)
            | Q(preferred_name__icontains=term)
            | Q(family_name__trigram_similar=term)
            | Q(given_names__trigram_similar=term)
            | Q(family_sound=sound)
            | Q(given_sound=sound)
        )
    full_name = Concat("given_names", Value(" "), "family_name", output_field=CharField())
    rank = Greatest(
        TrigramSimilarity(full_name, query),
        TrigramSimilarity("family_name", query),
        TrigramSimilarity("given_names", query),
    )
    return people.annotate(rank=rank).order_by("-rank", "family_name", "given_names")


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
