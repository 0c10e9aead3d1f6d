# The bulk import's models live with the import (lantern/missing/imports/); imported here so
# the app registry and migrations see them.
from lantern.missing.imports.models import (
    ImportBatch,
    ImportRow,
    SchoolAbsence,
)
from lantern.missing.models.dashboard import DashboardCount
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
from lantern.missing.models.profile import MissingProfile
from lantern.missing.models.rules import (
    FiringMoment,
    MissingRule,
    RuleFiring,
    RuleKind,
    RuleMoment,
)

__all__ = [
    "AttemptMethod",
    "ChildCategory",
    "DashboardCount",
    "Episode",
    "EpisodeStatus",
    "FiringMoment",
    "ImportBatch",
    "ImportRow",
    "InterviewAttempt",
    "InterviewLead",
    "InterviewProvider",
    "LeadHandling",
    "LeadKind",
    "LeadStatus",
    "MissingFrom",
    "MissingProfile",
    "MissingRule",
    "ReturnInterview",
    "RiskGrading",
    "RuleFiring",
    "RuleKind",
    "RuleMoment",
    "SchoolAbsence",
]
