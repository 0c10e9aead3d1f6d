"""People: one record per person across agencies, one module per concept."""

from lantern.people.models.circumstances import (
    STATUS_CODE_LIST,
    Address,
    AddressKind,
    Enrolment,
    LegalStatus,
    LegalStatusKind,
    School,
    SchoolPhase,
    overlaps,
)
from lantern.people.models.flags import Flag, FlagKind, VoiceEntry
from lantern.people.models.identifiers import Identifier, IdentifierScheme
from lantern.people.models.merges import MergeRequest, MergeStatus
from lantern.people.models.person import (
    BirthPrecision,
    DoubleMetaphone,
    FirstWord,
    Gender,
    ImmigrationStatus,
    NameKind,
    NameWord,
    Person,
    PersonKind,
    PersonName,
    Sex,
    SpecialNeeds,
    years_between,
)
from lantern.people.models.relationships import FAMILY, INVERSE, Relationship, RelationshipKind

__all__ = [
    "FAMILY",
    "INVERSE",
    "STATUS_CODE_LIST",
    "Address",
    "AddressKind",
    "BirthPrecision",
    "DoubleMetaphone",
    "Enrolment",
    "FirstWord",
    "Flag",
    "FlagKind",
    "Gender",
    "Identifier",
    "IdentifierScheme",
    "ImmigrationStatus",
    "LegalStatus",
    "LegalStatusKind",
    "MergeRequest",
    "MergeStatus",
    "NameKind",
    "NameWord",
    "Person",
    "PersonKind",
    "PersonName",
    "Relationship",
    "RelationshipKind",
    "School",
    "SchoolPhase",
    "Sex",
    "SpecialNeeds",
    "VoiceEntry",
    "overlaps",
    "years_between",
]
