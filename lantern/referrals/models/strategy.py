"""Strategy discussions and section 47 enquiries (Working Together to Safeguard Children)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.referrals.models.referral import Referral


class StrategyOutcome(models.TextChoices):
    JOINT_S47 = "joint_s47", "Joint section 47 enquiry (police and children's social care)"
    SINGLE_S47 = "single_s47", "Single-agency section 47 enquiry (children's social care)"
    NO_FURTHER_ACTION = "nfa", "No further action under section 47"
    OTHER = "other", "Other"


class Discipline(models.TextChoices):
    POLICE = "police", "Police"
    SOCIAL_CARE = "social_care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


@track_history()
class StrategyDiscussion(LanternModel):
    """Who took part, what was known, what was decided and the plan, including how the child
    will be approached (the victim contact strategy)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="strategies")
    held_at = models.DateTimeField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    known = models.TextField("What was known")
    outcome = models.CharField(max_length=16, choices=StrategyOutcome.choices)
    outcome_detail = models.TextField(blank=True)
    plan = models.TextField()
    contact_approach = models.TextField("How and when the child will be approached", blank=True)
    contact_contingency = models.TextField("If the first approach goes wrong", blank=True)
    contact_social_media = models.TextField("Social media and phones", blank=True)
    contact_wellbeing = models.TextField("Preventing suicide and self-harm", blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    icpc_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["held_at"]

    def __str__(self) -> str:
        return f"Strategy discussion {self.held_at:%d/%m/%Y}"


class Participant(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="participants"
    )
    discipline = models.CharField(max_length=16, choices=Discipline.choices)
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    agency = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering: ClassVar = ["discipline", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_discipline_display()})"


class EnquiryOutcome(models.TextChoices):
    ICPC = "icpc", "Concerns substantiated: initial child protection conference"
    CIN = "cin", "Concerns not substantiated: child in need plan"
    NFA = "nfa", "No further action"


@track_history()
class Section47Enquiry(LanternModel):
    """A section 47 enquiry; a joint one links its police and social-care leads."""

    discussion = models.OneToOneField(
        StrategyDiscussion, on_delete=models.PROTECT, related_name="enquiry"
    )
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="enquiries")
    joint = models.BooleanField()
    social_work_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    police_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    started_on = models.DateField()
    outcome = models.CharField(max_length=8, choices=EnquiryOutcome.choices, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    icpc_held_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["started_on"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(joint=False) | Q(police_lead__isnull=False),
                name="joint_enquiry_has_police_lead",
            ),
        ]
        verbose_name = "section 47 enquiry"
        verbose_name_plural = "section 47 enquiries"

    def __str__(self) -> str:
        return "Joint section 47 enquiry" if self.joint else "Section 47 enquiry"
