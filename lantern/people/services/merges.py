"""Merging two records of the same person: one person asks, a manager who is someone else
approves, and any manager can undo it. Nothing is moved or deleted: the merged record is
archived and points at the kept one, whose page shows both histories."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from lantern.access.audit import audit_record
from lantern.access.models import Involvement
from lantern.accounts.models import User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append
from lantern.core.services import apply_changes
from lantern.people.models import MergeRequest, MergeStatus, Person

#: Who may approve or undo a merge: the people who look after the partnership's records.
MERGE_APPROVERS = (RoleCode.MASH_MANAGER,)


def merge_request(
    *, request: HttpRequest | None, actor: User, kept: Person, merged: Person, reason: str
) -> MergeRequest:
    """Ask for `merged` to be merged into `kept`. Refused for a record with itself, a record
    already merged or archived, or one with a request already waiting."""
    if kept.pk == merged.pk:
        raise ValidationError({"other": "A record cannot be merged with itself."})
    if not reason.strip():
        raise ValidationError({"reason": "Explain why these are the same person."})
    for record in (kept, merged):
        if record.archived_at is not None:
            raise ValidationError({"other": f"The record of {record} is archived."})
    with transaction.atomic():
        if (
            MergeRequest.objects.filter(
                merged__in=[kept, merged], status=MergeStatus.PENDING
            ).exists()
            or MergeRequest.objects.filter(kept=merged, status=MergeStatus.PENDING).exists()
        ):
            raise ValidationError(
                {"other": "A merge of one of these records is already waiting for approval."}
            )
        merge = MergeRequest(
            kept=kept,
            merged=merged,
            reason=reason.strip(),
            requested_by=actor,
            created_by=actor,
            modified_by=actor,
        )
        merge.full_clean()
        merge.save()
        for record in (kept, merged):
            audit_record(
                action="person.merge_requested",
                request=request,
                actor=actor,
                obj=record,
                detail={"merge": str(merge.pk), "kept": str(kept.pk), "merged": str(merged.pk)},
            )
    return merge


def merge_decide(
    *, request: HttpRequest | None, actor: User, merge: MergeRequest, approve: bool, note: str
) -> MergeRequest:
    """Approve or refuse a waiting merge. The approver must be a manager and must not be the
    person who asked (the database refuses it too). Approving archives the merged record,
    points it at the kept one, and carries the professionals involved with it over, so
    everyone working with the person sees the whole picture."""
    if merge.status != MergeStatus.PENDING:
        raise ValidationError({"decision": "This merge has already been decided."})
    if merge.requested_by_id == actor.pk:
        raise ValidationError(
            {"decision": "Someone other than the person who asked must approve a merge."}
        )
    if not actor.has_role(*MERGE_APPROVERS):
        raise PermissionError("Only a MASH manager approves merges.")
    if not note.strip():
        raise ValidationError({"note": "Record the reason for your decision."})
    with transaction.atomic():
        merge = MergeRequest.objects.select_for_update().get(pk=merge.pk)
        if merge.status != MergeStatus.PENDING:
            raise ValidationError({"decision": "This merge has already been decided."})
        now = timezone.now()
        changes: dict[str, object] = {
            "status": MergeStatus.APPROVED if approve else MergeStatus.REJECTED,
            "decided_by": actor,
            "decided_at": now,
            "decision_note": note.strip(),
        }
        kept, merged = merge.kept, merge.merged
        if approve:
            changes["added_involvements"] = _carry_involvements(merged, kept, actor)
            apply_changes(
                merged,
                changes={
                    "merged_into": kept,
                    "archived_at": now,
                    "archived_by": actor,
                    "archive_reason": f"Merged into the record of {kept} ({kept.pk}).",
                },
                actor=actor,
            )
        apply_changes(merge, changes=changes, actor=actor)
        for record in (kept, merged):
            audit_record(
                action="person.merged" if approve else "person.merge_refused",
                request=request,
                actor=actor,
                obj=record,
                purpose=note.strip(),
                detail={"merge": str(merge.pk), "kept": str(kept.pk), "merged": str(merged.pk)},
            )
        if approve:
            chronology_append(
                person=kept,
                kind=EntryKind.RECORD,
                summary=f"Another record of this person was merged into this one ({merged})",
                detail=f"Asked for by {merge.requested_by.get_full_name()}: {merge.reason}\n"
                f"Approved by {actor.get_full_name()}: {note.strip()}",
                occurred_at=now,
                author=actor,
                significance=Significance.SIGNIFICANT,
                request=request,
                link=merge,
            )
    return merge


def _carry_involvements(merged: Person, kept: Person, actor: User) -> list[str]:
    person_type = ContentType.objects.get_for_model(Person)
    live = Involvement.objects.filter(content_type=person_type, ended_at__isnull=True)
    on_kept = {(i.kind, i.user_id, i.team_id) for i in live.filter(object_id=kept.pk)}
    added = []
    for involvement in live.filter(object_id=merged.pk):
        if (involvement.kind, involvement.user_id, involvement.team_id) in on_kept:
            continue
        copy = Involvement.objects.create(
            content_type=person_type,
            object_id=kept.pk,
            kind=involvement.kind,
            user_id=involvement.user_id,
            team_id=involvement.team_id,
            recorded_by=actor,
        )
        added.append(str(copy.pk))
    return added


def merge_undo(
    *, request: HttpRequest | None, actor: User, merge: MergeRequest, reason: str
) -> MergeRequest:
    """Undo an approved merge: the merged record comes back as it was, with everything
    recorded on it; involvements carried over end; both timelines say what happened."""
    if not actor.has_role(*MERGE_APPROVERS):
        raise PermissionError("Only a MASH manager undoes merges.")
    if not reason.strip():
        raise ValidationError({"reason": "Explain why the merge is being undone."})
    with transaction.atomic():
        merge = MergeRequest.objects.select_for_update().get(pk=merge.pk)
        if merge.status != MergeStatus.APPROVED:
            raise ValidationError({"reason": "Only a completed merge can be undone."})
        now = timezone.now()
        merged = merge.merged
        apply_changes(
            merged,
            changes={
                "merged_into": None,
                "archived_at": None,
                "archived_by": None,
                "archive_reason": "",
            },
            actor=actor,
        )
        Involvement.objects.filter(pk__in=merge.added_involvements, ended_at__isnull=True).update(
            ended_at=now
        )
        apply_changes(
            merge,
            changes={
                "status": MergeStatus.UNDONE,
                "undone_by": actor,
                "undone_at": now,
                "undo_reason": reason.strip(),
            },
            actor=actor,
        )
        for record in (merge.kept, merged):
            audit_record(
                action="person.merge_undone",
                request=request,
                actor=actor,
                obj=record,
                purpose=reason.strip(),
                detail={"merge": str(merge.pk)},
            )
            chronology_append(
                person=record,
                kind=EntryKind.RECORD,
                summary=f"Merge undone: {merged} and {merge.kept} are separate records again",
                detail=reason.strip(),
                occurred_at=now,
                author=actor,
                significance=Significance.SIGNIFICANT,
                request=request,
                link=merge,
            )
    return merge
