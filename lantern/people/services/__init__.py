"""Writes to person records, one module per concept; import from here."""

from lantern.people.services.flags import (
    flag_end,
    flag_raise,
    flags_due_for_review,
    voice_record,
)
from lantern.people.services.identifiers import identifier_add
from lantern.people.services.records import (
    Birth,
    name_add,
    person_archive,
    person_create,
    person_update,
)

__all__ = [
    "Birth",
    "flag_end",
    "flag_raise",
    "flags_due_for_review",
    "identifier_add",
    "name_add",
    "person_archive",
    "person_create",
    "person_update",
    "voice_record",
]
