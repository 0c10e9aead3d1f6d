"""Reads of person records: always through the access scopes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from lantern.access.scopes import Basis, access_record, scope
from lantern.people.models import Person


def people_visible(user: Any) -> QuerySet[Person]:
    """Every person record the user may see: never archived ones, never out of scope."""
    return scope(user, Person.objects.filter(archived_at__isnull=True))


def people_search(user: Any, query: str) -> QuerySet[Person]:
    """Name search within the user's scope. (The people issue replaces this with fuzzy,
    phonetic search; it must keep going through `people_visible`.)"""
    people = people_visible(user)
    for term in query.split():
        people = people.filter(
            Q(given_names__icontains=term)
            | Q(family_name__icontains=term)
            | Q(preferred_name__icontains=term)
        )
    return people


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
