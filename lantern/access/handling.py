"""Handling rules on individual items (a note, a document, an intelligence item): checked by
the same policy as records, at field level where needed. Modules store a `Handling` value on
the item and ask `handling_allows` before showing it."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any


class Handling(StrEnum):
    OPEN = "open"  # anyone who may see the record
    POLICE_ONLY = "police_only"  # users of a police agency
    HEALTH_ONLY = "health_only"  # users of a health agency
    SEALED = "sealed"  # only the named users


AGENCY_TYPE_FOR = {Handling.POLICE_ONLY: "police", Handling.HEALTH_ONLY: "health"}


def handling_allows(user: Any, handling: str, *, named: Iterable[Any] = ()) -> bool:
    """Whether `user`, who may already see the record, may also see an item handled so.
    Unknown handling codes allow nobody (fail closed)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if handling == Handling.OPEN:
        return True
    if handling == Handling.SEALED:
        return any(getattr(person, "pk", person) == user.pk for person in named)
    agency_type = AGENCY_TYPE_FOR.get(Handling(handling)) if handling in Handling else None
    if agency_type is None or user.agency is None:
        return False
    return bool(user.agency.agency_type.code == agency_type)


def handlings_open_to(user: Any) -> set[str]:
    """The handling codes whose items `user` may see without being named: for filtering
    querysets. Sealed items are shown only to the people named on them."""
    allowed = {Handling.OPEN.value}
    agency = getattr(user, "agency", None)
    if agency is not None:
        for handling, agency_type in AGENCY_TYPE_FOR.items():
            if agency.agency_type.code == agency_type:
                allowed.add(handling.value)
    return allowed
