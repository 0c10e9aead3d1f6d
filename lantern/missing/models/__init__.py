from lantern.missing.models.episode import (
    ChildCategory,
    Episode,
    EpisodeStatus,
    InterviewProvider,
    MissingFrom,
    RiskGrading,
)
from lantern.missing.models.interview import AttemptMethod, InterviewAttempt, ReturnInterview

__all__ = [
    "AttemptMethod",
    "ChildCategory",
    "Episode",
    "EpisodeStatus",
    "InterviewAttempt",
    "InterviewProvider",
    "MissingFrom",
    "ReturnInterview",
    "RiskGrading",
]
