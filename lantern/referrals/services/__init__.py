from lantern.referrals.services.strategy import (
    Attendee,
    assessment_completed,
    enquiry_update,
    strategy_record,
)
from lantern.referrals.services.submission import (
    contradictions,
    referral_child_add,
    referral_child_remove,
    referral_details_save,
    referral_start,
    referral_submit,
    submission_problems,
)
from lantern.referrals.services.triage import (
    NEXT_STEPS,
    decision_authorise,
    decision_propose,
    decision_return,
    partner_check_return,
    partner_checks_request,
    referral_assign,
    referral_rate,
)

__all__ = [
    "NEXT_STEPS",
    "Attendee",
    "assessment_completed",
    "contradictions",
    "decision_authorise",
    "decision_propose",
    "decision_return",
    "enquiry_update",
    "partner_check_return",
    "partner_checks_request",
    "referral_assign",
    "referral_child_add",
    "referral_child_remove",
    "referral_details_save",
    "referral_rate",
    "referral_start",
    "referral_submit",
    "strategy_record",
    "submission_problems",
]
