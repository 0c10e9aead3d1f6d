"""Row history for every domain model, through django-pghistory's database triggers."""

from __future__ import annotations

from typing import Any

import pghistory


def track_history(**options: Any) -> Any:
    """Decorate a model so each insert, update and delete leaves a snapshot row (with the
    user and request from the history middleware). Used on every domain model; `exclude`
    keeps secrets such as password hashes out of the history."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), **options
    )
