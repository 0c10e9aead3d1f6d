"""Agencies, teams, roles and users: who works in the partnership and what they may do."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import HttpRequest

from lantern.core.history import track_history
from lantern.core.models import Code, LanternModel


@track_history()
class Agency(LanternModel):
    """A partner organisation: the council's children's services, a police force, a school..."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=60, blank=True)
    agency_type = models.ForeignKey(
        Code,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"code_list__key": "agency_type"},
    )
    is_active = models.BooleanField(
        default=True, help_text="Users of a disabled agency cannot sign in."
    )
    disabled_reason = models.TextField(blank=True)

    class Meta:
        ordering: ClassVar = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


@track_history()
class Team(LanternModel):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering: ClassVar = ["agency__name", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["agency", "name"], name="team_name_unique_in_agency")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency})"


@track_history()
class Role(models.Model):
    """A role a user holds; the codes are fixed in `lantern.accounts.roles`."""

    code = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


@track_history(exclude=["password", "last_login"])
class User(AbstractUser):
    """A person who signs in. Always belongs to one agency; may be in several teams and roles."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True
    )
    teams = models.ManyToManyField(Team, related_name="members", blank=True)
    roles = models.ManyToManyField(Role, related_name="users", blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    disabled_reason = models.TextField(blank=True)
    modified_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering: ClassVar = ["last_name", "first_name"]
        constraints: ClassVar = [
            # Only the bootstrap superuser created from the command line may lack an agency.
            models.CheckConstraint(
                condition=Q(agency__isnull=False) | Q(is_superuser=True),
                name="user_belongs_to_an_agency",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def role_codes(self) -> frozenset[str]:
        """The codes of the roles held, cached for the request."""
        cached: frozenset[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

    def is_verified(self) -> bool:
        """Whether this sign-in passed a second factor. django-otp's middleware replaces this
        on the request's user; any other copy of a user (loaded from the database) is not."""
        return False

    @property
    def role_names(self) -> str:
        return ", ".join(role.name for role in self.roles.all())


# Team membership and roles decide what a user may see: their history matters as much as the
# user's own fields.
track_history(model_name="UserTeamsEvent")(User.teams.through)
track_history(model_name="UserRolesEvent")(User.roles.through)


def user_of(request: HttpRequest) -> User:
    """The signed-in Lantern user of a request that the access policy has already let through."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
