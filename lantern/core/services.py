"""Helpers every service uses to write a record the same way."""

from __future__ import annotations

from typing import Any

from django.db import models


class ConflictError(Exception):
    """Someone else saved the record after this user opened it."""

    def __init__(self, instance: models.Model) -> None:
        name = str(instance._meta.verbose_name).capitalize()
        super().__init__(
            f"{name} was changed by someone else while you were editing it. Your changes have "
            "not been saved: check the current details and make your changes again."
        )


def _display(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def apply_changes(
    instance: models.Model,
    *,
    changes: dict[str, Any],
    actor: Any,
    expected_version: int | None = None,
) -> dict[str, list[Any]]:
    """Set fields, validate and save with optimistic locking; return what changed.

    The returned mapping (field -> [before, after]) goes into the audit event. The caller runs
    this inside its transaction.
    """
    if expected_version is not None:
        current = type(instance)._default_manager.select_for_update().get(pk=instance.pk)
        if current.version != expected_version:  # type: ignore[attr-defined]
            raise ConflictError(instance)
    changed: dict[str, list[Any]] = {}
    for field, value in changes.items():
        before = getattr(instance, field)
        if before != value:
            changed[field] = [_display(before), _display(value)]
            setattr(instance, field, value)
    if not changed:
        return changed
    if hasattr(instance, "modified_by_id"):
        instance.modified_by = actor  # type: ignore[attr-defined]
    instance.version += 1  # type: ignore[attr-defined]
    instance.full_clean()
    instance.save()
    return changed
