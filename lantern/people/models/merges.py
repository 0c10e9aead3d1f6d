"""Merging two records of the same person: asked for by one person, approved by another,
and undoable. Nothing is moved: the merged record is archived and points at the one kept,
whose page then shows both histories."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.people.models.person import Person


class MergeStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Merged"
    REJECTED = "rejected", "Not merged"
    UNDONE = "undone", "Undone"
    WITHDRAWN = "withdrawn", "Withdrawn"


@track_history()
class MergeRequest(LanternModel):
    kept = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_merged")
    reason = models.TextField(help_text="Why the two records are the same person.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=MergeStatus.choices, default=MergeStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_reason = models.TextField(blank=True)
    added_involvements = models.JSONField(
        default=list,
        blank=True,
        help_text="Involvements carried over to the kept record, ended again on undo.",
    )

    class Meta:
        ordering: ClassVar = ["-created_at"]
        constraints: ClassVar = [
            models.CheckConstraint(condition=~Q(kept=F("merged")), name="merge_two_records"),
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="merge_approved_by_someone_else",
            ),
            models.UniqueConstraint(
                fields=["merged"],
                condition=Q(status__in=["pending", "approved"]),
                name="merge_one_live_request_per_record",
            ),
        ]

    def __str__(self) -> str:
        return f"Merge of {self.merged} into {self.kept}"
