from lantern.missing.models.episode import (
    ChildCategory,
    Episode,
    EpisodeStatus,
    InterviewProvider,
    MissingFrom,
    RiskGrading,
)
from lantern.missing.models.interview import (
    AttemptMethod,
    InterviewAttempt,
    InterviewLead,
    LeadHandling,
    LeadKind,
    LeadStatus,
    ReturnInterview,
)

__all__ = [
    "AttemptMethod",
    "ChildCategory",
    "Episode",
    "EpisodeStatus",
    "InterviewAttempt",
    "InterviewLead",
    "InterviewProvider",
    "LeadHandling",
    "LeadKind",
    "LeadStatus",
    "MissingFrom",
    "ReturnInterview",
    "RiskGrading",
]
