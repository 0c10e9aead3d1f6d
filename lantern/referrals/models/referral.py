"""A referral into the MASH: the children it is about, the worry, the checklist, consent."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from lantern.core.history import track_history
from lantern.core.models import Code, LanternModel


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Received"
    AWAITING_AUTHORISATION = "awaiting_authorisation", "Awaiting authorisation"
    DECIDED = "decided", "Decided"


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", "The child may be in immediate danger"
    TODAY = "today", "Needs a response today"
    STANDARD = "standard", "Within the usual timescale"


class ExploitationConcern(models.TextChoices):
    YES = "yes", "Yes"
    NOT_SURE = "not_sure", "Not sure"
    NO = "no", "No"


class Consent(models.TextChoices):
    GIVEN = "given", "Consent given"
    NOT_SOUGHT = "not_sought", "Consent not sought"
    REFUSED_OVERRIDDEN = "refused_overridden", "Consent refused, sharing anyway"


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


@track_history()
class Referral(LanternModel):
    """A concern about one or more children, from a partner agency, into the MASH.

    A draft belongs to its referrer until it is submitted; from then on the MASH owns it. The
    clocks (`decision_due_at`, `response_due_at`) are computed by `lantern.core.deadlines`
    when the referral is received and when it is rated, and stored so the queue sorts on them.
    """

    reference = models.CharField(max_length=20, blank=True, db_index=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.DRAFT)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made"
    )
    referrer_agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="referrals_made",
        null=True,
        blank=True,
    )
    referrer_role = models.CharField("Your role", max_length=200, blank=True)
    referrer_phone = models.CharField("Phone number to reach you on", max_length=40, blank=True)
    source = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"code_list__key": "referral_source"},
        verbose_name="Referral source",
    )
    category = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"code_list__key": "cp_category"},
        verbose_name="Category of concern",
    )
    what_happened = models.TextField("What happened", blank=True)
    worries = models.TextField("Why you are worried", blank=True)
    urgency = models.CharField(max_length=16, choices=Urgency.choices, blank=True)
    exploitation_concern = models.CharField(
        max_length=16, choices=ExploitationConcern.choices, blank=True
    )
    exploitation_indicators = models.ManyToManyField(Code, related_name="+", blank=True)
    exploitation_detail = models.TextField(blank=True)
    family_knows = models.BooleanField(null=True, blank=True)
    family_knows_detail = models.TextField(blank=True)
    consent = models.CharField(max_length=24, choices=Consent.choices, blank=True)
    consent_reason = models.TextField(blank=True)
    lawful_basis = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"code_list__key": "lawful_basis"},
    )
    received_at = models.DateTimeField(null=True, blank=True)
    decision_due_at = models.DateTimeField(null=True, blank=True)
    rag = models.CharField(max_length=8, choices=Rag.choices, blank=True)
    rag_rationale = models.TextField(blank=True)
    rag_set_at = models.DateTimeField(null=True, blank=True)
    rag_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    response_due_at = models.DateTimeField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_assigned",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=32, blank=True)
    # The date the assessment that followed was completed (section 17 or 47), for the
    # 45-working-day measure.
    assessment_due = models.DateField(null=True, blank=True)
    assessment_completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-received_at"]
        indexes: ClassVar = [
            models.Index(fields=["status", "decision_due_at"], name="referral_queue"),
            models.Index(fields=["referrer", "status"], name="referral_by_referrer"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(received_at__isnull=False),
                name="referral_received_once_submitted",
            ),
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="referral_reference_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.reference or "Draft referral"

    @property
    def due_at(self) -> datetime | None:
        """The clock the MASH works to: the earlier of the RAG response target and the
        decision's deadline; none once decided."""
        if self.status == Status.DECIDED:
            return None
        clocks = [c for c in (self.response_due_at, self.decision_due_at) if c is not None]
        return min(clocks) if clocks else None


class ReferralChild(models.Model):
    """A child the referral is about: a person already on record, or the details the referrer
    gave for someone new, who becomes a record when the referral is submitted."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="children")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    given_names = models.CharField(max_length=200, blank=True)
    family_name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(null=True, blank=True)
    gender = models.CharField(max_length=20, blank=True)
    address = models.CharField(max_length=300, blank=True)
    school = models.CharField(max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["added_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["referral", "person"],
                condition=Q(person__isnull=False),
                name="referral_child_once",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | ~Q(family_name="") | ~Q(given_names=""),
                name="referral_child_identified",
            ),
        ]

    def __str__(self) -> str:
        if self.person_id:
            return str(self.person)
        return f"{self.given_names} {self.family_name}".strip()


def received(referral: Referral) -> datetime:
    """When a submitted referral was received (its clocks run from here)."""
    if referral.received_at is None:
        raise ValidationError("This referral has not been submitted.")
    return referral.received_at
