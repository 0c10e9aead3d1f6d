"""UK postcodes: the shape checked, the spacing made regular."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

# The published format: outward code (area, district) then inward code (sector, unit).
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")


def normalise_postcode(raw: str) -> str:
    """'fb42qx' -> 'FB4 2QX', or a ValidationError for the postcode field."""
    match = _POSTCODE.match(raw.strip().upper())
    if not match:
        raise ValidationError({"postcode": "Enter a real postcode, like FB4 2QX."})
    return f"{match.group(1)} {match.group(2)}"
