from lantern.missing.services.episodes import (
    episode_close,
    episode_grade,
    episode_record_return,
    episode_refer,
    episode_report,
    interview_provider_for,
    looked_after_on,
)
from lantern.missing.services.interviews import (
    NamedInInterview,
    interview_attempt_log,
    interview_complete,
    lead_review,
)
from lantern.missing.services.rules import (
    parameter_errors,
    rule_create,
    rule_edit,
    rules_escalate,
    rules_evaluate,
)

__all__ = [
    "NamedInInterview",
    "episode_close",
    "episode_grade",
    "episode_record_return",
    "episode_refer",
    "episode_report",
    "interview_attempt_log",
    "interview_complete",
    "interview_provider_for",
    "lead_review",
    "looked_after_on",
    "parameter_errors",
    "rule_create",
    "rule_edit",
    "rules_escalate",
    "rules_evaluate",
]
