"""Relationships and the "think family" view within what the viewer may see; merging two
records of one person with two people's approval, and undoing it."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from lantern.access.models import AuditEvent
from lantern.chronology.services import chronology_append
from lantern.people.models import MergeRequest, Person
from lantern.people.selectors import people_visible
from lantern.people.services import (
    flag_raise,
    merge_decide,
    merge_request,
    merge_undo,
    relationship_add,
)
from tests.access.factories import involve, person
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db


def _link(actor: Any, a: Person, b: Person, kind: str, *, lives_with: bool = False) -> Any:
    return relationship_add(
        request=None,
        actor=actor,
        person=a,
        other=b,
        kind=kind,
        source="Family told the school",
        valid_from=date(2024, 1, 1),
        lives_with=lives_with,
    )


def test_family_view_shows_household_family_and_flags_within_scope(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    worker = signed_in("social_worker")
    stranger = make_user("police_officer")
    child = person(given_names="Leah", family_name="Conway", date_of_birth=date(2011, 2, 3))
    mother = person(given_names="Donna", family_name="Conway")
    brother = person(given_names="Kyle", family_name="Conway", date_of_birth=date(2007, 8, 1))
    half_sister = person(given_names="Skye", family_name="Ward")
    hidden_associate = person(given_names="Hidden", family_name="Associate")
    for record in (child, mother, brother, half_sister):
        involve(record, user=worker)
    involve(hidden_associate, user=stranger)
    _link(worker, child, mother, "parent", lives_with=True)
    _link(worker, child, brother, "sibling")
    _link(worker, half_sister, mother, "parent")  # mother's other child: two steps out
    _link(worker, child, hidden_associate, "associate")
    flag_raise(
        request=None,
        actor=worker,
        person=brother,
        kind="criminal_exploitation",
        reason="Found in a trap house",
        review_due=date(2099, 1, 1),
    )
    page = client.get(f"/people/{child.pk}/family/").text
    lives_with = page.split("Lives with")[1].split("Family</caption>")[0]
    assert "Donna Conway" in lives_with
    assert "Kyle Conway" in page
    assert "Risk of criminal exploitation" in page
    assert "Skye Ward" in page
    assert "Child of Donna Conway" in page
    assert "Hidden" not in page  # a record the worker may not see leaves no trace
    event = AuditEvent.objects.get(action="person.family_viewed")
    assert str(hidden_associate.pk) not in event.detail["shown"]


def test_a_relationship_appears_on_both_timelines(make_user: Any) -> None:
    worker = make_user("social_worker")
    child, adult = person(given_names="Amy"), person(given_names="Dean", family_name="Stroud")
    _link(worker, child, adult, "partner")
    assert (
        child.chronology.get().summary == "Partner, boyfriend or girlfriend recorded: Dean Stroud"
    )
    assert adult.chronology.get().summary.startswith("Partner, boyfriend or girlfriend recorded")


def test_a_person_cannot_be_linked_to_themselves(make_user: Any) -> None:
    worker = make_user("social_worker")
    child = person()
    with pytest.raises(ValidationError) as refused:
        _link(worker, child, child, "friend")
    assert refused.value.message_dict["other"] == ["A person cannot be linked to themselves."]


def test_linking_needs_access_to_both_records(
    client: Client, signed_in: Any, make_user: Any
) -> None:
    worker = signed_in("social_worker")
    child = person()
    involve(child, user=worker)
    other = person(family_name="Elsewhere")
    involve(other, user=make_user("police_officer"))
    response = client.get(f"/people/{child.pk}/relationships/new/?other={other.pk}")
    assert response.status_code == 404


# --- Merges -------------------------------------------------------------------------------


@pytest.fixture
def duplicates(make_user: Any) -> tuple[Any, Any, Person, Person]:
    worker = make_user("mash_triage_worker")
    manager = make_user("mash_manager")
    kept = person(given_names="Jayden", family_name="Price", date_of_birth=date(2010, 4, 4))
    merged = person(given_names="Jaden", family_name="Price", date_of_birth=date(2010, 4, 4))
    chronology_append(
        person=merged, kind="note", summary="Seen by the school nurse", occurred_at=timezone.now()
    )
    return worker, manager, kept, merged


def test_a_record_cannot_be_merged_with_itself(duplicates: Any) -> None:
    worker, _, kept, _ = duplicates
    with pytest.raises(ValidationError) as refused:
        merge_request(request=None, actor=worker, kept=kept, merged=kept, reason="Same")
    assert refused.value.message_dict["other"] == ["A record cannot be merged with itself."]


def test_the_asker_cannot_approve_their_own_merge(make_user: Any, duplicates: Any) -> None:
    _, manager, kept, merged = duplicates
    merge = merge_request(request=None, actor=manager, kept=kept, merged=merged, reason="Same")
    with pytest.raises(ValidationError):
        merge_decide(request=None, actor=manager, merge=merge, approve=True, note="Yes")
    # The database refuses it too, whatever the code path.
    merge.decided_by = manager
    with pytest.raises(IntegrityError), transaction.atomic():
        merge.save()


def test_only_a_mash_manager_approves(make_user: Any, duplicates: Any) -> None:
    worker, _, kept, merged = duplicates
    merge = merge_request(request=None, actor=worker, kept=kept, merged=merged, reason="Same")
    with pytest.raises(PermissionError):
        merge_decide(
            request=None, actor=make_user("social_worker"), merge=merge, approve=True, note="Y"
        )


def test_an_approved_merge_keeps_both_histories_and_can_be_undone(
    client: Client, duplicates: Any, make_user: Any
) -> None:
    worker, manager, kept, merged = duplicates
    involve(merged, user=worker)
    flag = flag_raise(
        request=None,
        actor=worker,
        person=merged,
        kind="sexual_exploitation",
        reason="Seen with older men",
        review_due=date(2099, 1, 1),
    )
    merge = merge_request(
        request=None, actor=worker, kept=kept, merged=merged, reason="Same NHS number"
    )
    merge_decide(request=None, actor=manager, merge=merge, approve=True, note="Checked")
    merged.refresh_from_db()
    assert merged.merged_into == kept
    assert merged.archived_at is not None
    assert merged not in people_visible(manager)
    # Someone involved only with the merged record now sees the kept one.
    assert people_visible(worker).filter(pk=kept.pk).exists()
    sign_in(client, manager)
    page = client.get(f"/people/{kept.pk}/").text
    assert "Seen by the school nurse" in page  # the merged record's chronology
    assert "Risk of sexual exploitation" in page  # and its flags: a risk must not vanish
    assert f"/people/{kept.pk}/flags/{flag.pk}/end/" in page
    assert client.get(f"/people/{kept.pk}/flags/{flag.pk}/end/").status_code == 200
    assert "merged into it" in page
    merge_undo(request=None, actor=manager, merge=merge, reason="Twins, not one child")
    merged.refresh_from_db()
    assert merged.merged_into is None
    assert merged.archived_at is None
    assert MergeRequest.objects.get().status == "undone"
    assert "Seen by the school nurse" not in client.get(f"/people/{kept.pk}/").text


def test_the_merge_pages_for_a_manager(client: Client, duplicates: Any) -> None:
    worker, manager, kept, merged = duplicates
    merge = merge_request(request=None, actor=worker, kept=kept, merged=merged, reason="Same")
    sign_in(client, manager)
    listing = client.get("/people/merges/").text
    assert f"/people/merges/{merge.pk}/decide/" in listing
    assert (
        client.post(f"/people/merges/{merge.pk}/decide/", {"decision": "approve"}).status_code
        == 400
    )
    response = client.post(
        f"/people/merges/{merge.pk}/decide/", {"decision": "approve", "note": "Same child"}
    )
    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.status == "approved"
    assert merge.decided_by == manager


def test_a_merge_of_a_merge_keeps_every_history(make_user: Any) -> None:
    from lantern.chronology.selectors import TimelineFilter, timeline

    asker, manager = make_user("mash_manager"), make_user("mash_manager")
    first, second, third = person(given_names="A"), person(given_names="B"), person(given_names="C")
    for record in (first, second, third):
        chronology_append(
            person=record, kind="note", summary=f"Note on {record}", occurred_at=timezone.now()
        )
    for merged, kept in ((first, second), (second, third)):
        merge = merge_request(request=None, actor=asker, kept=kept, merged=merged, reason="Same")
        merge_decide(request=None, actor=manager, merge=merge, approve=True, note="Checked")
    summaries = {e.summary for e in timeline(manager, third, TimelineFilter())}
    assert {"Note on A Ashby", "Note on B Ashby", "Note on C Ashby"} <= summaries


def test_the_merged_records_names_find_the_kept_record(duplicates: Any) -> None:
    from lantern.people.selectors import people_search
    from lantern.people.services import name_add

    worker, manager, kept, merged = duplicates
    name_add(
        request=None,
        actor=worker,
        person=merged,
        kind="nickname",
        given_names="Smudge",
        source="Named by peers",
    )
    merge = merge_request(request=None, actor=worker, kept=kept, merged=merged, reason="Same")
    merge_decide(request=None, actor=manager, merge=merge, approve=True, note="Checked")
    found, _ = people_search(manager, "Smudge")
    assert list(found) == [kept]


def test_a_merge_of_a_restricted_record_is_hidden_from_managers_outside_it(
    client: Client, duplicates: Any, make_user: Any
) -> None:
    from django.contrib.contenttypes.models import ContentType

    from lantern.access.models import Restriction

    worker, manager, kept, merged = duplicates
    merge = merge_request(request=None, actor=worker, kept=kept, merged=merged, reason="Same")
    outsider = make_user("mash_manager")
    sign_in(client, outsider)
    assert f"/people/merges/{merge.pk}/decide/" in client.get("/people/merges/").text
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=kept.pk,
        reason="staff_relative",
        explanation="x",
        owner=manager,
        review_due=date(2099, 1, 1),
    )
    restriction.members.set([manager])
    listing = client.get("/people/merges/").text
    assert "Jayden Price" not in listing
    assert client.get(f"/people/merges/{merge.pk}/decide/").status_code == 404
    merge_decide(request=None, actor=manager, merge=merge, approve=True, note="Checked")
    assert client.get(f"/people/merges/{merge.pk}/undo/").status_code == 404
