"""Tasks: owned by a user, a team or a role's holders; created and completed through the
services, audited, and told to their owners without details in the email."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lantern.access.models import AuditEvent
from lantern.core.models import Notification, TaskStatus
from lantern.core.work import open_task_count, task_complete, task_create, tasks_for
from tests.access.factories import person
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

DUE = datetime(2026, 12, 4, 17, 0, tzinfo=ZoneInfo("Europe/London"))


def test_a_task_needs_an_owner(make_user: Any) -> None:
    with pytest.raises(ValidationError, match="A task needs an owner"):
        task_create(request=None, actor=make_user(), title="Hold a meeting", due_at=DUE)
    with pytest.raises(ValidationError, match="Choose a role that exists"):
        task_create(
            request=None, actor=make_user(), title="Hold a meeting", due_at=DUE, owner_role="chef"
        )


def test_a_team_task_reaches_its_active_members_and_no_one_else(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    team = TeamFactory()
    member, gone, outsider = make_user(), make_user(), make_user()
    member.teams.add(team)
    gone.teams.add(team)
    gone.is_active = False
    gone.save()
    child = person(given_names="Rowan", family_name="Ashby")
    with django_capture_on_commit_callbacks(execute=True):
        task = task_create(
            request=None,
            actor=outsider,
            title="Hold a missing strategy meeting",
            due_at=DUE,
            owner_team=team,
            person=child,
            record=child,
            source="test",
            link="/missing/tasks/",
        )
    assert list(tasks_for(member)) == [task]
    assert list(tasks_for(outsider)) == []
    assert list(tasks_for(gone)) == []
    assert task.object_id == child.pk
    assert task.content_type.model == "person"
    (note,) = Notification.objects.all()
    assert note.user == member
    assert note.subject == "New task: Hold a missing strategy meeting"
    (email,) = mail.outbox
    assert "Rowan" not in email.body
    assert "strategy" not in email.body  # no details by email
    assert AuditEvent.objects.get(action="task.created").detail["owner_team"] == str(team.pk)


def test_a_role_task_is_every_holders_until_one_completes_it(make_user: Any) -> None:
    first, second = make_user("missing_coordinator"), make_user("missing_coordinator")
    officer = make_user("police_officer")
    task = task_create(
        request=None,
        actor=None,
        title="Escalate",
        due_at=DUE,
        owner_role="missing_coordinator",
    )
    assert open_task_count(first) == open_task_count(second) == 1
    assert open_task_count(officer) == 0
    with pytest.raises(ValidationError, match="not yours"):
        task_complete(request=None, actor=officer, task=task, note="Done")
    with pytest.raises(ValidationError) as empty:
        task_complete(request=None, actor=first, task=task, note="  ")
    assert empty.value.message_dict == {"note": ["Say what was done."]}
    task_complete(request=None, actor=first, task=task, note="Meeting held")
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.completion_note) == (
        TaskStatus.DONE,
        first,
        "Meeting held",
    )
    assert open_task_count(second) == 0
    with pytest.raises(ValidationError, match="already been completed"):
        task_complete(request=None, actor=second, task=task, note="Again")
    assert AuditEvent.objects.filter(action="task.completed", actor=first).count() == 1


def test_a_task_can_be_cancelled_with_a_reason(make_user: Any) -> None:
    owner = make_user()
    task = task_create(request=None, actor=owner, title="Call school", due_at=DUE, owner_user=owner)
    with pytest.raises(ValidationError) as empty:
        task_complete(request=None, actor=owner, task=task, note="", cancel=True)
    assert empty.value.message_dict == {"note": ["Say why it is no longer needed."]}
    task_complete(request=None, actor=owner, task=task, note="Moved away", cancel=True)
    assert task.status == TaskStatus.CANCELLED
    assert task.completed_at is not None
    assert AuditEvent.objects.filter(action="task.cancelled").exists()


def test_the_database_refuses_a_done_task_without_a_note(make_user: Any) -> None:
    from django.db import IntegrityError, transaction

    owner = make_user()
    task = task_create(request=None, actor=owner, title="Call", due_at=DUE, owner_user=owner)
    task.status = TaskStatus.DONE
    task.completed_at = DUE + timedelta(hours=1)
    task.completed_by = owner
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()
