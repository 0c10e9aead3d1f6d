from lantern.missing.services.episodes import (
    episode_close,
    episode_grade,
    episode_record_return,
    episode_report,
    interview_provider_for,
    looked_after_on,
)
from lantern.missing.services.interviews import interview_attempt_log, interview_complete
from lantern.missing.services.rules import (
    parameter_errors,
    rule_edit,
    rules_escalate,
    rules_evaluate,
)

__all__ = [
    "episode_close",
    "episode_grade",
    "episode_record_return",
    "episode_report",
    "interview_attempt_log",
    "interview_complete",
    "interview_provider_for",
    "looked_after_on",
    "parameter_errors",
    "rule_edit",
    "rules_escalate",
    "rules_evaluate",
]
