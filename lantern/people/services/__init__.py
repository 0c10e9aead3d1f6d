"""Writes to person records, one module per concept; import from here."""

from lantern.people.services.circumstances import (
    address_add,
    enrolment_add,
    enrolment_end,
    legal_status_end,
    legal_status_start,
)
from lantern.people.services.flags import (
    flag_end,
    flag_raise,
    flags_due_for_review,
    voice_record,
)
from lantern.people.services.identifiers import identifier_add
from lantern.people.services.merges import merge_decide, merge_request, merge_undo
from lantern.people.services.records import (
    Birth,
    name_add,
    person_archive,
    person_create,
    person_update,
)
from lantern.people.services.relationships import relationship_add, relationship_end

__all__ = [
    "Birth",
    "address_add",
    "enrolment_add",
    "enrolment_end",
    "flag_end",
    "flag_raise",
    "flags_due_for_review",
    "identifier_add",
    "legal_status_end",
    "legal_status_start",
    "merge_decide",
    "merge_request",
    "merge_undo",
    "name_add",
    "person_archive",
    "person_create",
    "person_update",
    "relationship_add",
    "relationship_end",
    "voice_record",
]
