from lantern.missing.models.episode import (
    ChildCategory,
    Episode,
    EpisodeStatus,
    InterviewProvider,
    MissingFrom,
    RiskGrading,
)
from lantern.missing.models.interview import AttemptMethod, InterviewAttempt, ReturnInterview
from lantern.missing.models.profile import MissingProfile

__all__ = [
    "AttemptMethod",
    "ChildCategory",
    "Episode",
    "EpisodeStatus",
    "InterviewAttempt",
    "InterviewProvider",
    "MissingFrom",
    "MissingProfile",
    "ReturnInterview",
    "RiskGrading",
]
