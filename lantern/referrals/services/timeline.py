"""What a referral's work puts on the children's timelines."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest

from lantern.accounts.models import User
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append
from lantern.referrals.models import Referral


def on_each_child(
    referral: Referral,
    *,
    summary: str,
    occurred_at: datetime,
    author: User,
    request: HttpRequest | None,
    detail: str = "",
    kind: str = EntryKind.REFERRAL,
    significance: str = Significance.SIGNIFICANT,
) -> None:
    """One chronology entry, linked to the referral, on the timeline of each child it is
    about (in the caller's transaction)."""
    for child in referral.children.select_related("person"):
        if child.person is None:
            continue
        chronology_append(
            person=child.person,
            kind=kind,
            summary=summary,
            detail=detail,
            occurred_at=occurred_at,
            author=author,
            significance=significance,
            link=referral,
            request=request,
        )
