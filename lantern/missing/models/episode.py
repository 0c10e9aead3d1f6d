"""A missing episode: from the time a child was last seen to their return, the police risk
grades given while they were missing, and who does the return interview for which children."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from lantern.core.history import track_history
from lantern.core.models import Code, LanternModel


class EpisodeStatus(models.TextChoices):
    REPORTED = "reported", "Missing"
    RETURNED = "returned", "Returned"
    INTERVIEW_DONE = "interview_done", "Return interview done"
    CLOSED = "closed", "Closed"


class MissingFrom(models.TextChoices):
    HOME = "home", "Home"
    PLACEMENT = "placement", "Care placement"
    SCHOOL = "school", "School or college"
    OTHER = "other", "Somewhere else"


class ChildCategory(models.TextChoices):
    IN_CARE = "in_care", "Children in care"
    MISSING_FROM_HOME = "missing_from_home", "Children missing from home"


def _user(**kwargs: object) -> models.ForeignKey:
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        **kwargs,  # type: ignore[arg-type]
    )


@track_history()
class Episode(LanternModel):
    """One period a child was missing (or away without authorisation), from the time last seen
    to their return, then the return interview and a manager's oversight before it closes.

    `last_seen_at` is the SSDA903 `MIS_START` and `returned_at` its `MIS_END`. An episode is
    *open* until the child returns: the database allows one open episode per child (DfE rule
    574), and `episode_report` refuses a period that overlaps an earlier one.
    """

    reference = models.CharField(max_length=20, blank=True, db_index=True)
    # Found through `missing_episode_child` (child, last_seen_at), which leads with it.
    child = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="missing_episodes",
        db_index=False,
    )
    status = models.CharField(
        max_length=16, choices=EpisodeStatus.choices, default=EpisodeStatus.REPORTED
    )
    reported_at = models.DateTimeField("When it was reported")
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_name = models.CharField("Who reported it", max_length=200, blank=True)
    reporter_relationship = models.CharField(
        "Their relationship to the child", max_length=200, blank=True
    )
    last_seen_at = models.DateTimeField("When the child was last seen")
    noticed_at = models.DateTimeField("When they were noticed missing", null=True, blank=True)
    missing_from = models.CharField(max_length=16, choices=MissingFrom.choices)
    placing_authority = models.CharField(
        max_length=200, blank=True, help_text="For a child placed here by another authority."
    )
    # Where the child lived (or was placed) when last seen, as the report found it: the
    # postcode district of the address in force that day, blank when none was recorded. Kept
    # on the episode like `placing_authority` (and the SSDA903 type, which says whether the
    # child was in care), so the dashboard counts episodes by the facts of the day they began
    # without looking up each child's addresses (decision 0020).
    locality = models.CharField(
        "Postcode district when last seen", max_length=8, blank=True, editable=False
    )
    circumstances = models.TextField(blank=True)
    description = models.TextField("Description of the child", blank=True)
    clothing = models.TextField("What they were wearing", blank=True)
    police_reference = models.CharField(max_length=60, blank=True)
    # Blank until the police grade it: a carer or a school reporting a child missing may not
    # know the grade yet, and must not be stopped from reporting. The coordinator's queue shows
    # ungraded episodes first.
    police_risk_grade = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"code_list__key": "missing_risk_grade"},
    )
    ssda903_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"code_list__key": "ssda903_missing_type"},
        verbose_name="Missing or away (children in care)",
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    found_where = models.CharField(max_length=300, blank=True)
    found_lat = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    found_lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    found_by = models.CharField(max_length=200, blank=True)
    returned_with = models.CharField("Who they were with", max_length=300, blank=True)
    return_method = models.CharField("How they came back", max_length=200, blank=True)
    safe_and_well_done = models.BooleanField(default=False)
    safe_and_well_by = models.CharField(max_length=200, blank=True)
    injuries_or_disclosures = models.TextField(blank=True)
    interview_category = models.CharField(max_length=20, choices=ChildCategory.choices, blank=True)
    interview_due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = _user()
    oversight_comment = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["-last_seen_at"]
        indexes: ClassVar = [
            models.Index(fields=["child", "last_seen_at"], name="missing_episode_child"),
            models.Index(fields=["status", "interview_due_at"], name="missing_episode_status"),
            models.Index(fields=["last_seen_at"], name="missing_episode_seen"),
            models.Index(fields=["returned_at"], name="missing_episode_returned"),
            # The newest change dates the dashboard's kept figures (`dashboard.stamp`).
            models.Index(fields=["modified_at"], name="missing_episode_modified"),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["reference"],
                condition=~Q(reference=""),
                name="missing_episode_reference_unique",
            ),
            # Open means not yet returned (SSDA903 MIS_END blank); a closed episode has always
            # returned (below), so this is also "one episode per child not yet closed and
            # not yet returned".
            models.UniqueConstraint(
                fields=["child"],
                condition=Q(returned_at__isnull=True),
                name="missing_one_open_episode_per_child",
                violation_error_message="This child already has an open missing episode.",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True)
                | (Q(returned_at__gte=F("reported_at")) & Q(returned_at__gte=F("last_seen_at"))),
                name="missing_return_after_report_and_last_seen",
                violation_error_message="The return cannot be before the child was last seen "
                "or reported missing.",
            ),
            models.CheckConstraint(
                condition=Q(noticed_at__isnull=True)
                | (Q(noticed_at__gte=F("last_seen_at")) & Q(noticed_at__lte=F("reported_at"))),
                name="missing_noticed_between_last_seen_and_report",
                violation_error_message="The child must be noticed missing after they were "
                "last seen and before it was reported.",
            ),
            models.CheckConstraint(
                condition=Q(last_seen_at__lte=F("reported_at")),
                name="missing_last_seen_before_report",
                violation_error_message="The child must have been last seen before it was "
                "reported.",
            ),
            models.CheckConstraint(
                condition=Q(status="reported", returned_at__isnull=True)
                | (~Q(status="reported") & Q(returned_at__isnull=False)),
                name="missing_status_matches_return",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(closed_at__isnull=False, closed_by__isnull=False) & ~Q(oversight_comment="")),
                name="missing_closed_with_oversight",
                violation_error_message="Closing an episode needs a manager's oversight comment.",
            ),
            models.CheckConstraint(
                condition=Q(found_lat__isnull=True, found_lon__isnull=True)
                | Q(found_lat__gte=-90, found_lat__lte=90, found_lon__gte=-180, found_lon__lte=180),
                name="missing_found_point_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or "Missing episode"

    @property
    def is_open(self) -> bool:
        return self.returned_at is None

    @property
    def reporting_delay(self) -> timedelta | None:
        """How long between noticing the child missing and reporting it, in elapsed time (in
        UTC: Python subtracts two times in the same zone by the wall clock, which is an hour
        out across a clock change)."""
        if self.noticed_at is None:
            return None
        return self.reported_at.astimezone(UTC) - self.noticed_at.astimezone(UTC)


@track_history()
class RiskGrading(LanternModel):
    """One police risk grade given during an episode, with every source used and who supplied
    it (College of Policing APP). The episode shows the latest; these rows are the history."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="gradings")
    grade = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "missing_risk_grade"},
    )
    graded_at = models.DateTimeField()
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sources = models.TextField(
        help_text="Every source of information used for the grade, and who supplied it."
    )

    class Meta:
        ordering: ClassVar = ["episode", "graded_at"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(sources=""), name="missing_grading_has_sources")
        ]

    def __str__(self) -> str:
        return f"{self.grade} at {self.graded_at:%Y-%m-%d %H:%M}"


@track_history()
class InterviewProvider(LanternModel):
    """Which agency offers return interviews to which children (statutory guidance lets the
    local authority commission someone independent of the child's care; often one charity for
    children missing from home and another for children in care). Configured per partnership:
    none are loaded by default."""

    category = models.CharField(max_length=20, choices=ChildCategory.choices, unique=True)
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering: ClassVar = ["category"]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.agency}"
