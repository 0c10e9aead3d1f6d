"""The missing dashboard's figures as last counted, one row per period (decision 0022).

A copy of aggregates that name no one, shared by every web process and the worker: the
dashboard reads it, and the worker counts it again in the background after a change. It is
derived data, rebuilt from the episodes at will, so it has no history and no audit of its own
(the page that shows it is not personal data either)."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class DashboardCount(models.Model):
    since = models.DateField()
    until = models.DateField()
    # What the episodes and interviews looked like when the count began (`dashboard.stamp`):
    # the figures are current while it is unchanged.
    stamp = models.CharField(max_length=200)
    figures = models.JSONField()
    # When the count began: the figures are as at this moment.
    counted_at = models.DateTimeField()
    seconds = models.FloatField(help_text="How long the count took.")
    # When a count in the background was last asked for: at most one waits at a time.
    wanted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["since", "until"], name="missing_dashboard_period")
        ]

    def __str__(self) -> str:
        return f"Missing dashboard {self.since} to {self.until}, counted at {self.counted_at}"
