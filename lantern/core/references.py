"""Reference numbers people can read out on the phone: a prefix, the year and a number from a
PostgreSQL sequence (no gaps matter; no two records share one)."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone


def next_reference(*, sequence: str, prefix: str) -> str:
    """The next reference from `sequence` (created by the owning app's migration)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s::regclass)", [sequence])
        (number,) = cursor.fetchone()
    return f"{prefix}-{timezone.localdate().year}-{number:06d}"
