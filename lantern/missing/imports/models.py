"""An import: the file as uploaded, one row per line of it with what became of it, and the
school absences a list records."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel


class ImportKind(models.TextChoices):
    POLICE_MISSING = "police_missing", "Police missing reports"
    SCHOOL_ABSENCE = "school_absence", "School absence list"


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Importing"
    DONE = "done", "Finished"
    FAILED = "failed", "Stopped by an error"


class RowStatus(models.TextChoices):
    CREATED = "created", "Created"
    UPDATED = "updated", "Updated"
    UNCHANGED = "unchanged", "Already imported, unchanged"
    ERROR = "error", "Not imported: error"
    NEEDS_REVIEW = "needs_review", "Waiting for a person match"


@track_history(exclude=["content", "processed"])
class ImportBatch(LanternModel):
    """One uploaded file. The text is kept (as UTF-8) so nothing in it is lost: every line
    becomes an `ImportRow`, and a failed row can be corrected and imported again."""

    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    content = models.TextField()
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    needs_review = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)
    same_file_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        app_label = "missing"
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(processed__lte=models.F("total")), name="import_processed_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, self.processed * 100 // self.total)

    @property
    def is_running(self) -> bool:
        return self.status in {BatchStatus.QUEUED, BatchStatus.RUNNING}


class ImportRow(LanternModel):
    """One line of an import file and what became of it. `key_hash` is the line's natural key
    (a police report: the police reference and the time last seen; an absence: the school, the
    child and the session), `data_hash` all its cells: the same key with the same data again is
    "unchanged", which is what makes a second import of a file change nothing.

    Not row-history tracked: the row is itself the record of what the import did."""

    # Found through `import_row_batch_status` (batch, status, number), which leads with it.
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, related_name="rows", db_index=False
    )
    number = models.PositiveIntegerField(help_text="The line in the file (the header is line 1).")
    kind = models.CharField(max_length=20, choices=ImportKind.choices)
    status = models.CharField(max_length=16, choices=RowStatus.choices)
    key_hash = models.CharField(max_length=64, blank=True)
    data_hash = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict)
    problems = models.JSONField(default=list, help_text="[{column, message}]")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    episode = models.ForeignKey(
        "missing.Episode", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    absence = models.ForeignKey(
        "missing.SchoolAbsence", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    candidates = models.JSONField(default=list, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "missing"
        ordering: ClassVar = ["batch", "number"]
        indexes: ClassVar = [
            models.Index(fields=["kind", "key_hash"], name="import_row_key"),
            models.Index(fields=["batch", "status", "number"], name="import_row_batch_status"),
            models.Index(
                fields=["status"],
                condition=Q(status="needs_review"),
                name="import_row_review",
            ),
        ]

    def __str__(self) -> str:
        return f"Row {self.number} of {self.batch}"


class AbsenceSession(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"
    ALL = "ALL", "All day"


@track_history()
class SchoolAbsence(LanternModel):
    """A session a child was recorded absent from school, with the school's attendance code.
    Not a missing episode: most absences are not a child going missing, but repeated or
    unexplained ones sit beside the missing episodes in the child's pattern."""

    child = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="school_absences"
    )
    school = models.ForeignKey("people.School", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    session = models.CharField(max_length=3, choices=AbsenceSession.choices)
    reason = models.ForeignKey(
        "core.Code",
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "school_absence_reason"},
    )

    class Meta:
        app_label = "missing"
        ordering: ClassVar = ["-day", "session"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["child", "school", "day", "session"],
                name="school_absence_once_per_session",
                violation_error_message="This absence is already recorded.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.session}"
