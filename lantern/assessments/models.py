"""Assessment instruments (versioned data) and the assessments completed with them."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel

EXPLOITATION_MODELS = "exploitation_model"  # the code list of models of exploitation


class InstrumentKind(models.TextChoices):
    SCORED = "scored", "Scored"
    CHECKLIST = "checklist", "Checklist with professional judgement"
    SECTIONS = "sections", "Sections rated by level"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


@track_history()
class Instrument(LanternModel):
    """A screening or risk tool. What it asks and how it scores live in its versions."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=16, choices=InstrumentKind.choices)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


@track_history()
class InstrumentVersion(LanternModel):
    """One version of an instrument's definition (see `lantern.assessments.instruments`).
    At most one version is published, and at most one is a draft; an assessment keeps the
    version it was made with, so publishing a new version never changes an old result."""

    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField("version")
    definition = models.JSONField()
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    valid_from = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, help_text="What changed in this version, and why.")

    class Meta:
        ordering: ClassVar = ["instrument", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["instrument", "number"], name="instrument_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(status="published"),
                name="instrument_one_published_version",
                violation_error_message="This instrument already has a published version.",
            ),
            models.UniqueConstraint(
                fields=["instrument"],
                condition=Q(status="draft"),
                name="instrument_one_draft_version",
                violation_error_message="This instrument already has a draft version.",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(published_at__isnull=False, valid_from__isnull=False),
                name="instrument_version_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.name}, version {self.number}"

    @property
    def review_months(self) -> int:
        return int(self.definition.get("review_months", 3))


@track_history()
class Assessment(LanternModel):
    """A completed assessment: the answers, what they compute to, and the assessor's own
    professional judgement, with the reason whenever the two differ.

    `computed_band` is the computed result the judgement is compared with: a scored tool's
    band, or a sections tool's suggested level (the highest level any section is rated at);
    blank for a tool with no computed result."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="assessments"
    )
    instrument_version = models.ForeignKey(
        InstrumentVersion, on_delete=models.PROTECT, related_name="assessments"
    )
    answers = models.JSONField(default=dict, blank=True)
    computed_score = models.IntegerField(null=True, blank=True)
    computed_band = models.CharField(max_length=100, blank=True)
    level_counts = models.JSONField(default=dict, blank=True)
    judgement = models.CharField(max_length=100)
    override_reason = models.TextField(blank=True)
    evidence = models.TextField(help_text="What is known: the facts the assessment rests on.")
    concern = models.TextField(blank=True, help_text="The professional concern.")
    strengths = models.TextField(blank=True, help_text="Strengths and protective factors.")
    narrative = models.TextField(blank=True)
    exploitation_models = ArrayField(models.CharField(max_length=64), default=list, blank=True)
    assessed_on = models.DateField()
    review_due = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The record this assessment was made for, in whichever module holds it (a MASH
    # referral, say), without this app depending on that module.
    context_type = models.CharField(max_length=100, blank=True)
    context_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-assessed_on", "-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["person", "-assessed_on"]),
            models.Index(fields=["context_type", "context_id"]),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(computed_band="")
                | Q(judgement=F("computed_band"))
                | ~Q(override_reason=""),
                name="assessment_override_needs_a_reason",
                violation_error_message="Explain why your judgement differs from the computed "
                "result.",
            ),
            models.CheckConstraint(
                condition=~Q(judgement=""), name="assessment_judgement_required"
            ),
            models.CheckConstraint(
                condition=Q(review_due__gte=F("assessed_on")),
                name="assessment_review_after_assessment",
            ),
            models.CheckConstraint(
                condition=Q(context_type="", context_id__isnull=True)
                | (~Q(context_type="") & Q(context_id__isnull=False)),
                name="assessment_context_type_and_id_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument_version.instrument.name}, {self.assessed_on:%-d %B %Y}"

    @property
    def definition(self) -> dict[str, Any]:
        return dict(self.instrument_version.definition)

    @property
    def overridden(self) -> bool:
        return bool(self.computed_band) and self.judgement != self.computed_band
