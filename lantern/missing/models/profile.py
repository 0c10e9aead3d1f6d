"""The Philomena Protocol profile: what carers, schools and workers know in advance about a
child at risk of going missing, so that the police have it at once when the child goes missing
(description, a recent photo, the people and places they go to, phones, social media, travel,
medical needs). Printed as a one-page grab pack."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models

from lantern.core.history import track_history
from lantern.core.models import LanternModel


def private_media() -> Storage:
    """The storage for files holding personal data: never served as media (decision 0016)."""
    return storages["private_media"]


def photo_name(instance: Any, filename: str) -> str:
    """A random name: the child's name (or the uploader's file name) never reaches the disk."""
    return f"missing-profiles/{uuid.uuid4().hex}.jpg"


@track_history()
class MissingProfile(LanternModel):
    """One per child, kept up to date by anyone who may see the child. Saving the form counts
    as a review (`reviewed_at`): a profile not reviewed within the `missing_profile_review`
    timescale is shown as due for review. The child's missing history is not stored here; it
    is read from their episodes when shown or printed."""

    child = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="missing_profile"
    )
    height = models.CharField(max_length=60, blank=True, help_text="For example, 160 cm or 5 ft 3.")
    build = models.CharField(max_length=100, blank=True, help_text="For example, slim or stocky.")
    hair = models.CharField(
        max_length=200, blank=True, help_text="Colour, length and style, as it is now."
    )
    eyes = models.CharField("Eye colour", max_length=100, blank=True)
    distinguishing_marks = models.TextField(
        "Scars, marks, tattoos or piercings",
        blank=True,
        help_text="Anything that would help someone recognise them, and where it is.",
    )
    clothing_style = models.TextField(
        "Usual clothing and style",
        blank=True,
        help_text="What they usually wear: coats, shoes, bags, brands, colours.",
    )
    photo = models.FileField(storage=private_media, upload_to=photo_name, blank=True)
    photo_taken_on = models.DateField("When the photo was taken", null=True, blank=True)
    associates = models.TextField(
        "People they know",
        blank=True,
        help_text="One person a line: name, how the young person knows them, and where they "
        "live or are usually seen.",
    )
    places = models.TextField(
        "Places they go",
        blank=True,
        help_text="One place a line: addresses, parks, shops, stations, other towns.",
    )
    phones = models.TextField(
        "Phone numbers", blank=True, help_text="One a line, with whose phone it is if not theirs."
    )
    social_media = models.TextField(
        "Social media accounts", blank=True, help_text="One a line: the app and the user name."
    )
    transport = models.TextField(
        "How they travel",
        blank=True,
        help_text="Bus routes, trains, bikes, taxis, lifts from others; passes or cards they use.",
    )
    medical_needs = models.TextField(
        "Medical needs and medication",
        blank=True,
        help_text="Conditions, medication and what happens if they go without it.",
    )
    communication = models.TextField("Languages and communication needs", blank=True)
    what_helps = models.TextField(
        "What calms them and what to say",
        blank=True,
        help_text="How to approach them when they are found, and what to avoid.",
    )
    reviewed_at = models.DateTimeField("Last reviewed")
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["child"]

    def __str__(self) -> str:
        return f"Missing profile of {self.child}"
