"""Reads of person records: always through the access scopes."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from lantern.access.scopes import scope
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
