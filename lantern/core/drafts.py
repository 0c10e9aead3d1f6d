"""Keeping a form's unsaved answers: when the page autosaves, and when a session times out
while the user was typing. Answers are offered back to the same user on the same form only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.core.models import Draft

# Never kept: the CSRF token is per-session, and secrets must not be stored in clear.
_NEVER_KEPT = ("csrfmiddlewaretoken", "password", "token", "otp")


def _clean(data: Mapping[str, Any]) -> dict[str, list[str]]:
    items = data.lists() if isinstance(data, QueryDict) else data.items()
    kept: dict[str, list[str]] = {}
    for key, value in items:
        if any(marker in key.lower() for marker in _NEVER_KEPT):
            continue
        values = value if isinstance(value, list) else [value]
        kept[key] = [str(v)[:20000] for v in values]
    return kept


def draft_save(
    *,
    user: Any,
    path: str,
    data: Mapping[str, Any],
    reason: str,
    request: HttpRequest | None = None,
) -> Draft | None:
    """Keep (or replace) the user's draft of the form at `path`. Empty forms are not kept."""
    kept = _clean(data)
    if not any(v.strip() for values in kept.values() for v in values):
        return None
    with transaction.atomic():
        draft, _ = Draft.objects.update_or_create(
            user=user, path=path[:500], defaults={"data": kept, "reason": reason}
        )
        audit_record(
            action="draft.saved",
            request=request,
            actor=user,
            obj=draft,
            detail={"path": draft.path, "reason": reason, "fields": sorted(kept)},
        )
    return draft


def draft_for(*, user: Any, path: str) -> Draft | None:
    cutoff = timezone.now() - timedelta(days=settings.LANTERN_DRAFT_RETENTION_DAYS)
    return Draft.objects.filter(user=user, path=path, saved_at__gte=cutoff).first()


def draft_as_querydict(draft: Draft) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, values in draft.data.items():
        data.setlist(key, values)
    return data


def draft_discard(*, user: Any, path: str, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        deleted, _ = Draft.objects.filter(user=user, path=path).delete()
        if deleted:
            audit_record(
                action="draft.discarded", request=request, actor=user, detail={"path": path}
            )


def drafts_expire() -> int:
    """Retention: drafts older than LANTERN_DRAFT_RETENTION_DAYS are removed (and logged)."""
    cutoff = timezone.now() - timedelta(days=settings.LANTERN_DRAFT_RETENTION_DAYS)
    with transaction.atomic():
        deleted, _ = Draft.objects.filter(saved_at__lt=cutoff).delete()
        if deleted:
            audit_record(action="draft.expired", detail={"count": deleted})
    return deleted


def draft_initial(form_class: type[Any], draft: Draft) -> dict[str, Any]:
    """A draft's answers as a form's initial values (lists for multiple-choice fields), so the
    form shows them without yet reporting them as errors."""
    initial: dict[str, Any] = {}
    for name, values in draft.data.items():
        field = form_class.base_fields.get(name)
        if field is None:
            continue
        multiple = getattr(field.widget, "allow_multiple_selected", False)
        initial[name] = values if multiple else (values[0] if values else "")
    return initial


def form_for(
    request: HttpRequest, form_class: type[Any], *, initial: dict[str, Any] | None = None
) -> tuple[Any, Draft | None]:
    """The form for this request: bound on POST; on GET, filled from the user's draft of this
    form if one was kept, else from `initial`."""
    if request.method == "POST":
        return form_class(request.POST, initial=initial or {}), None
    draft = draft_for(user=request.user, path=request.path)
    if draft is None:
        return form_class(initial=initial or {}), None
    return form_class(initial={**(initial or {}), **draft_initial(form_class, draft)}), draft
