"""What the MASH does with a referral: partner checks and the decision."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.referrals.models.referral import Referral


class CheckStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    RETURNED = "returned", "Returned"
    NOTHING_KNOWN = "nothing_known", "Nothing known"


@track_history()
class PartnerCheck(LanternModel):
    """The MASH asks a partner agency what it knows about the children in a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="checks")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    question = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=CheckStatus.choices, default=CheckStatus.REQUESTED
    )
    information = models.TextField(blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["requested_at"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["referral", "agency"], name="partner_check_once"),
        ]
        indexes: ClassVar = [models.Index(fields=["agency", "status"], name="check_inbox")]

    def __str__(self) -> str:
        return f"Check with {self.agency}"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action"
    ADVICE = "advice", "Advice and information"
    EARLY_HELP = "early_help", "Early help"
    SECTION_17 = "s17", "Section 17 assessment (child in need)"
    STRATEGY_DISCUSSION = "s47_strategy", "Section 47 strategy discussion"
    IMMEDIATE_PROTECTION = "immediate_protection", "Immediate protection"


# Outcomes that go on to an assessment (within 45 working days of the referral), and those
# that need a strategy discussion.
ASSESSED = frozenset(
    {Outcome.SECTION_17, Outcome.STRATEGY_DISCUSSION, Outcome.IMMEDIATE_PROTECTION}
)
STRATEGY = frozenset({Outcome.STRATEGY_DISCUSSION, Outcome.IMMEDIATE_PROTECTION})


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", "Awaiting authorisation"
    AUTHORISED = "authorised", "Authorised"
    RETURNED = "returned", "Returned for more work"


@track_history()
class Decision(LanternModel):
    """The MASH's decision on a referral. It takes effect only when a manager other than the
    worker who proposed it authorises it (also enforced by the database)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(max_length=32, choices=Outcome.choices)
    rationale = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField()
    state = models.CharField(
        max_length=16, choices=DecisionState.choices, default=DecisionState.PROPOSED
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    manager_comment = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["proposed_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(reviewed_by__isnull=True) | ~Q(reviewed_by=F("proposed_by")),
                name="decision_not_authorised_by_proposer",
            ),
            models.CheckConstraint(
                condition=Q(state="proposed") | Q(reviewed_by__isnull=False),
                name="decision_reviewed_by_someone",
            ),
            models.UniqueConstraint(
                fields=["referral"],
                condition=Q(state__in=["proposed", "authorised"]),
                name="decision_one_live_per_referral",
            ),
        ]

    def __str__(self) -> str:
        return self.get_outcome_display()
