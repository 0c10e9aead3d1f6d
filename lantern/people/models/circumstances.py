"""Where a person stands with services, where they live and where they learn: each dated, so
the record keeps its history rather than overwriting it."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from lantern.core.history import track_history
from lantern.core.models import LanternModel
from lantern.people.models.person import Person


def _dates_in_order(
    name: str, start: str = "valid_from", end: str = "valid_to"
) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{start}__lte": F(end)}), name=name
    )


def in_force(day: date) -> Q:
    """A dated period (status, address, school place, relationship) current on `day`."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Dated(LanternModel):
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def current(self) -> bool:
        today = timezone.localdate()
        return self.valid_from <= today and (self.valid_to is None or self.valid_to >= today)


class LegalStatusKind(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "child_in_need", "Child in need"
    CHILD_PROTECTION = "child_protection", "Child protection plan"
    LOOKED_AFTER = "looked_after", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"


#: Which code list a legal status's code comes from, where it needs one.
STATUS_CODE_LIST = {
    LegalStatusKind.CHILD_PROTECTION: "cp_category",
    LegalStatusKind.LOOKED_AFTER: "lac_legal_status",
}


@track_history()
class LegalStatus(Dated):
    """A period under a plan or status: child in need, a child protection plan (with its
    category of abuse), looked after (with its SSDA903 legal status, the placing authority and
    whether the child is placed out of that authority's area), care leaver, early help, youth
    justice."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="legal_statuses")
    kind = models.CharField(max_length=24, choices=LegalStatusKind.choices)
    code = models.ForeignKey(
        "core.Code",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Category of abuse for a plan; legal status for a looked-after child.",
    )
    placing_authority = models.CharField(max_length=200, blank=True)
    placed_out_of_area = models.BooleanField(default=False)
    responsible_agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["-valid_from"]
        verbose_name_plural = "legal statuses"
        constraints: ClassVar = [
            _dates_in_order("legal_status_dates_in_order"),
            models.CheckConstraint(
                condition=Q(kind="looked_after")
                | Q(placing_authority="", placed_out_of_area=False),
                name="legal_status_placement_only_when_looked_after",
            ),
        ]

    def __str__(self) -> str:
        label = self.get_kind_display()
        return f"{label} ({self.code.label})" if self.code_id and self.code else label


class AddressKind(models.TextChoices):
    HOME = "home", "Home"
    PLACEMENT = "placement", "Placement"
    SUPPORTED = "supported", "Supported accommodation"
    TEMPORARY = "temporary", "Temporary"
    OTHER = "other", "Other"


@track_history()
class Address(Dated):
    """Where a person lives or is placed, with a point for the map. The outward part of the
    postcode (its district) is what a search result shows."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="addresses")
    kind = models.CharField(max_length=16, choices=AddressKind.choices, default=AddressKind.HOME)
    line1 = models.CharField("Address line 1", max_length=200)
    line2 = models.CharField("Address line 2", max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, help_text="Stored as written on a letter: FB4 2QX.")
    latitude = models.DecimalField(max_digits=8, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    placement_provider = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["-valid_from"]
        verbose_name_plural = "addresses"
        indexes: ClassVar = [models.Index(fields=["postcode"], name="address_postcode")]
        constraints: ClassVar = [
            _dates_in_order("address_dates_in_order"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="address_point_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return ", ".join(
            part for part in (self.line1, self.line2, self.town, self.postcode) if part
        )

    @property
    def district(self) -> str:
        return self.postcode.split(" ")[0]


class SchoolPhase(models.TextChoices):
    PRIMARY = "primary", "Primary"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special school"
    ALTERNATIVE = "alternative", "Alternative provision or pupil referral unit"
    COLLEGE = "college", "College"


@track_history()
class School(LanternModel):
    """A school or college, identified by its unique reference number."""

    urn = models.CharField("URN", max_length=8, unique=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=16, choices=SchoolPhase.choices)
    postcode = models.CharField(max_length=8, blank=True)
    local_authority = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


@track_history()
class Enrolment(Dated):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="enrolments")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="enrolments")
    year_group = models.CharField(max_length=8, blank=True)
    leaving_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["-valid_from"]
        constraints: ClassVar = [_dates_in_order("enrolment_dates_in_order")]

    def __str__(self) -> str:
        return str(self.school)


def overlaps(start: date, end: date | None, other_start: date, other_end: date | None) -> bool:
    """Whether two date ranges (an open end running on for ever) share a day."""
    return (end is None or other_start <= end) and (other_end is None or start <= other_end)
