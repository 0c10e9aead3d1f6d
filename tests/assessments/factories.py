"""Helpers for assessment tests: the shipped instruments' published versions."""

from __future__ import annotations

from datetime import date
from typing import Any

from lantern.assessments.models import InstrumentVersion
from lantern.assessments.services import assessment_complete


def published(key: str) -> InstrumentVersion:
    return InstrumentVersion.objects.select_related("instrument").get(
        instrument__key=key, status="published"
    )


def complete(person: Any, actor: Any, key: str = "seraf", **kwargs: Any) -> Any:
    """An assessment through the service, with sensible defaults."""
    version = kwargs.pop("version", None) or published(key)
    fields: dict[str, Any] = {
        "answers": {},
        "judgement": "Not at risk",
        "override_reason": "",
        "evidence": "Known to school; attends regularly.",
        "concern": "",
        "strengths": "",
        "narrative": "",
        "exploitation_models": [],
        "assessed_on": date(2026, 11, 1),
    }
    fields |= kwargs
    return assessment_complete(request=None, actor=actor, person=person, version=version, **fields)
