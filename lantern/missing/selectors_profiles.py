"""Reads for a child's Philomena profile: the profile with its review status, what the grab
pack prints, and the description and clothing that pre-fill a report of the child missing.

The caller has already fetched the child through the access policy (`person_for`), which
audits the read; whoever may see the child may see their profile and all their episodes
(as `visible_episodes` allows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from lantern.core.deadlines import due_at
from lantern.missing.models import Episode, MissingProfile
from lantern.missing.selectors import History, previous_episodes
from lantern.people.models import Person

REVIEW_TIMESCALE = "missing_profile_review"

DESCRIPTION_PARTS = (
    ("height", "Height"),
    ("build", "Build"),
    ("hair", "Hair"),
    ("eyes", "Eyes"),
    ("distinguishing_marks", "Marks"),
)


@dataclass(frozen=True)
class Review:
    """How current the profile is: reviewed N days ago, and whether that is past the review
    period."""

    reviewed_at: datetime
    days_ago: int
    due_at: datetime
    overdue: bool


def field_label(name: str) -> str:
    """A profile field's label, as the form shows it ("Places they go")."""
    field = MissingProfile._meta.get_field(name)
    return str(getattr(field, "verbose_name", name)).capitalize()


def profile_of(child: Person) -> MissingProfile | None:
    return (
        MissingProfile.objects.select_related("reviewed_by", "reviewed_by__agency")
        .filter(child=child)
        .first()
    )


def profile_review(profile: MissingProfile, *, now: datetime | None = None) -> Review:
    """Days since the last review (by the local calendar) and whether the `missing_profile_review`
    timescale has run out."""
    now = now or timezone.now()
    due = due_at(profile.reviewed_at, REVIEW_TIMESCALE)
    days = (timezone.localtime(now).date() - timezone.localtime(profile.reviewed_at).date()).days
    return Review(reviewed_at=profile.reviewed_at, days_ago=days, due_at=due, overdue=now >= due)


def description_text(profile: MissingProfile) -> str:
    """The physical description as one line a report can carry: "Height: 160 cm. Hair: ..."."""
    parts = [
        f"{label}: {value.strip().rstrip('.')}."
        for name, label in DESCRIPTION_PARTS
        if (value := getattr(profile, name)).strip()
    ]
    return " ".join(parts)


def profile_prefill(child: Person) -> dict[str, str]:
    """The description and clothing a report of the child missing starts from: the profile's
    physical description and usual clothing (the reporter corrects the clothing to what the
    child was last seen wearing). Empty strings when the child has no profile."""
    profile = MissingProfile.objects.filter(child=child).first()
    if profile is None:
        return {"description": "", "clothing": ""}
    return {"description": description_text(profile), "clothing": profile.clothing_style.strip()}


def open_episode(child: Person) -> Episode | None:
    """The child's episode still open (at most one: the database allows no more)."""
    return (
        Episode.objects.select_related("police_risk_grade")
        .filter(child=child, returned_at__isnull=True)
        .first()
    )


@dataclass(frozen=True)
class GrabPack:
    """Everything the one-page grab pack prints, read at the moment of printing."""

    child: Person
    profile: MissingProfile | None
    review: Review | None
    episode: Episode | None
    history: History
    printed_at: datetime


def grab_pack_data(child: Person, *, now: datetime | None = None) -> GrabPack:
    now = now or timezone.now()
    profile = profile_of(child)
    return GrabPack(
        child=child,
        profile=profile,
        review=profile_review(profile, now=now) if profile else None,
        episode=open_episode(child),
        history=previous_episodes(child, now=now),
        printed_at=now,
    )
