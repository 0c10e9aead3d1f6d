"""Tasks: a piece of work with an owner and a deadline, about a record of any app.

(`lantern.core.tasks` is the background worker's tasks; this module is people's work.)
A task is owned by a user, a team, or whoever holds a role; it is listed to each of them
until someone marks it done with a note. Any capability creates them with `task_create`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.accounts.models import Role, Team, User
from lantern.core.models import Task, TaskStatus
from lantern.core.notifications import notify
from lantern.core.services import apply_changes


def task_recipients(task: Task) -> list[User]:
    """Everyone a task is addressed to: its user, the active members of its team, and the
    active holders of its role; each once."""
    found: dict[Any, User] = {}
    if task.owner_user is not None and task.owner_user.is_active:
        found[task.owner_user.pk] = task.owner_user
    owners = Q(pk__in=[])
    if task.owner_team_id is not None:
        owners |= Q(teams=task.owner_team_id)
    if task.owner_role:
        owners |= Q(roles__code=task.owner_role)
    for user in User.objects.filter(owners, is_active=True).distinct().order_by("username"):
        found.setdefault(user.pk, user)
    return list(found.values())


def task_create(
    *,
    request: HttpRequest | None,
    actor: User | None,
    title: str,
    due_at: datetime,
    owner_user: User | None = None,
    owner_team: Team | None = None,
    owner_role: str = "",
    detail: str = "",
    source: str = "",
    record: models.Model | None = None,
    person: Any = None,
    notify_owners: bool = True,
    link: str = "",
) -> Task:
    """Create a task for its owner (a user, a team, or a role's holders), audited, and tell
    them in Lantern (with the fixed email that carries no details). Runs in the caller's
    transaction when there is one. Refuses a task without a title or an owner, and an owner
    role that does not exist."""
    if owner_role and not Role.objects.filter(code=owner_role).exists():
        raise ValidationError({"owner_role": "Choose a role that exists."})
    task = Task(
        title=title.strip(),
        detail=detail.strip(),
        source=source,
        owner_user=owner_user,
        owner_team=owner_team,
        owner_role=owner_role,
        due_at=due_at,
        content_type=ContentType.objects.get_for_model(record) if record is not None else None,
        object_id=record.pk if record is not None else None,
        person=person,
        created_by=actor,
        modified_by=actor,
    )
    with transaction.atomic():
        task.full_clean()
        task.save()
        audit_record(
            action="task.created",
            request=request,
            actor=actor,
            obj=task,
            detail={
                "source": source,
                "owner_user": str(owner_user.pk) if owner_user else "",
                "owner_team": str(owner_team.pk) if owner_team else "",
                "owner_role": owner_role,
                "due_at": task.due_at.isoformat(),
                "record": f"{task.content_type_id}:{task.object_id}" if record else "",
            },
        )
        if notify_owners:
            for user in task_recipients(task):
                # The body names no one: the task page decides what each reader may see.
                notify(
                    user=user,
                    subject=f"New task: {task.title}"[:200],
                    body=f"Due {timezone.localtime(task.due_at):%-d %B %Y, %H:%M}.",
                    link=link,
                )
    return task


def tasks_for(user: User) -> QuerySet[Task]:
    """Tasks owned by the user, by one of their teams, or by a role they hold."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Task.objects.none()
    owned = Q(owner_user=user) | Q(owner_team__in=user.teams.all())
    if user.role_codes:
        owned |= Q(owner_role__in=sorted(user.role_codes))
    return Task.objects.filter(owned)


def open_task_count(user: User) -> int:
    """How many open tasks the user (or their teams, or their roles) owns: one query."""
    return tasks_for(user).filter(status=TaskStatus.OPEN).count()


def task_complete(
    *, request: HttpRequest | None, actor: User, task: Task, note: str, cancel: bool = False
) -> Task:
    """Mark an open task done (or no longer needed) with a note saying what was done, by
    someone it is addressed to. Audited."""
    if not tasks_for(actor).filter(pk=task.pk).exists():
        raise ValidationError("This task is not yours or your team's.")
    if task.status != TaskStatus.OPEN:
        raise ValidationError("This task has already been completed.")
    if not note.strip():
        raise ValidationError(
            {"note": "Say what was done." if not cancel else "Say why it is no longer needed."}
        )
    with transaction.atomic():
        changed = apply_changes(
            task,
            changes={
                "status": TaskStatus.CANCELLED if cancel else TaskStatus.DONE,
                "completed_at": timezone.now(),
                "completed_by": actor,
                "completion_note": note.strip(),
            },
            actor=actor,
        )
        audit_record(
            action="task.cancelled" if cancel else "task.completed",
            request=request,
            actor=actor,
            obj=task,
            detail={"changed": sorted(changed)},
        )
    return task
