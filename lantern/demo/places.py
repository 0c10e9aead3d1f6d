"""Fenbridge's made-up geography: wards, postcode districts, streets and school names."""

from __future__ import annotations

# Fenbridge: a made-up city. Postcode districts FB1-FB10 are not a real UK postcode area.
WARDS: list[tuple[str, str]] = [
    ("Abbeyfield", "FB1"),
    ("Castlegate", "FB2"),
    ("Eastmoor", "FB3"),
    ("Fenside", "FB4"),
    ("Kingsholme", "FB5"),
    ("Marsh End", "FB6"),
    ("Northgate", "FB7"),
    ("Riverside", "FB8"),
    ("Saltings", "FB9"),
    ("Westbrook", "FB10"),
]

SECONDARY_PATTERNS = ["{ward} Academy", "{ward} High School", "{ward} Community College"]
PRIMARY_PATTERNS = [
    "{ward} Primary School",
    "{street} Primary School",
    "{ward} Infant and Junior School",
]
STREETS = [
    "Alder Lane",
    "Beacon Road",
    "Cloverfield",
    "Dunmore Street",
    "Elm Grove",
    "Foxhill",
    "Greenacre",
    "Hawthorn Way",
    "Ivy Bank",
    "Juniper Road",
    "Larkrise",
    "Meadowbank",
    "Nettlecombe",
    "Orchard Street",
    "Pennyroyal",
    "Quarry Hill",
    "Rookery Lane",
    "Sandpiper",
    "Thistle Road",
    "Upperton",
    "Valley Road",
    "Willowmere",
    "Yarrow Close",
    "Brookside",
    "Cherry Tree",
    "Daisyfield",
    "Eastgate",
    "Fernhill",
    "Glebe Road",
    "Harbour Road",
]
