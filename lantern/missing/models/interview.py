"""The return interview after an episode: its provider, every attempt to offer it, what the
child (or, when they declined, their carers) said, and its outcome."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.access.handling import Handling
from lantern.core.history import track_history
from lantern.core.models import Code, LanternModel
from lantern.missing.models.episode import Episode


@track_history()
class ReturnInterview(LanternModel):
    """Offered to every child after every episode, within 72 hours of their return, by someone
    independent of their care (DfE statutory guidance, January 2014). Created when the return
    is recorded and routed to the configured provider."""

    episode = models.OneToOneField(Episode, on_delete=models.PROTECT, related_name="interview")
    provider = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    offered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"code_list__key": "return_interview_outcome"},
    )
    push_factors = models.TextField("What made them leave", blank=True)
    pull_factors = models.TextField("What drew them away", blank=True)
    where_went = models.TextField("Where they went", blank=True)
    with_whom = models.TextField("Who they were with", blank=True)
    travel = models.TextField("How they travelled and got back", blank=True)
    harm = models.TextField("Harm they suffered", blank=True)
    exploitation_indicators = models.TextField(blank=True)
    what_would_help = models.TextField(blank=True)
    child_declined = models.BooleanField(default=False)
    declined_reason = models.TextField(blank=True)
    carer_information = models.TextField("What the carers said", blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        # The newest change dates the dashboard's kept figures (`dashboard.stamp`).
        indexes: ClassVar = [
            models.Index(fields=["modified_at"], name="missing_interview_modified")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(outcome__isnull=False, interviewer__isnull=False),
                name="missing_interview_completed_with_outcome",
            ),
            models.CheckConstraint(
                condition=Q(child_declined=False)
                | ~Q(carer_information="")
                | ~Q(declined_reason=""),
                name="missing_interview_declined_explained",
                violation_error_message="When the young person declines, record what their "
                "carers said or why it was not possible.",
            ),
        ]

    def __str__(self) -> str:
        return f"Return interview for {self.episode}"


class AttemptMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "Phone call"
    VIDEO = "video", "Video call"
    MESSAGE = "message", "Text or letter"
    THROUGH_CARER = "through_carer", "Through a carer or worker"


@track_history()
class InterviewAttempt(LanternModel):
    """One attempt to offer or hold the interview: when, how, and what happened."""

    interview = models.ForeignKey(
        ReturnInterview, on_delete=models.PROTECT, related_name="attempts"
    )
    attempted_at = models.DateTimeField()
    method = models.CharField(max_length=16, choices=AttemptMethod.choices)
    note = models.TextField("What happened")
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering: ClassVar = ["interview", "attempted_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} at {self.attempted_at:%Y-%m-%d %H:%M}"


class LeadKind(models.TextChoices):
    PERSON = "person", "A person"
    PLACE = "place", "A place or address"
    VEHICLE = "vehicle", "A vehicle"
    PHONE = "phone", "A phone number or online account"
    OTHER = "other", "Something else"


class LeadStatus(models.TextChoices):
    NEW = "new", "New"
    TAKEN = "taken", "Taken into intelligence"
    NOT_TAKEN = "not_taken", "Not taken further"


class LeadHandling(models.TextChoices):
    OPEN = Handling.OPEN.value, "Any professional who may see the young person"
    POLICE_ONLY = Handling.POLICE_ONLY.value, "Police only"


@track_history()
class InterviewLead(LanternModel):
    """A person, place, vehicle or number a young person named in their return interview:
    candidate intelligence for the analyst, with the handling the interviewer set (a child's
    disclosure may be for the police only). The analyst takes it into intelligence or records
    why not; either way it stays with the interview."""

    interview = models.ForeignKey(ReturnInterview, on_delete=models.PROTECT, related_name="leads")
    kind = models.CharField(max_length=16, choices=LeadKind.choices)
    description = models.TextField(help_text="What the young person said about them.")
    handling = models.CharField(
        max_length=16, choices=LeadHandling.choices, default=LeadHandling.OPEN
    )
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.NEW)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review_note = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [
            models.Index(fields=["status", "created_at"], name="missing_lead_status")
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(description=""), name="missing_lead_described"),
            models.CheckConstraint(
                condition=Q(status="new") | (Q(reviewed_at__isnull=False) & ~Q(review_note="")),
                name="missing_lead_reviewed_with_note",
                violation_error_message="Say what you did with it.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} named in {self.interview}"
