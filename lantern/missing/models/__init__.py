# The bulk import's models live with the import (lantern/missing/imports/); imported here so
# the app registry and migrations see them.
from lantern.missing.imports.models import (
    ImportBatch,
    ImportRow,
    SchoolAbsence,
)
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
    "ImportBatch",
    "ImportRow",
    "InterviewAttempt",
    "InterviewProvider",
    "MissingFrom",
    "ReturnInterview",
    "RiskGrading",
    "SchoolAbsence",
]
