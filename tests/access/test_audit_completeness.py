"""Every page that shows personal data writes exactly the audit events it should."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lantern.access.models import AuditEvent, Restriction
from lantern.access.policy import action_of, rule_for
from lantern.assessments.models import Assessment, InstrumentVersion
from lantern.chronology.services import chronology_append
from lantern.core.models import Code, Task
from lantern.missing.models import Episode, ImportBatch, ImportRow, InterviewLead, ReturnInterview
from lantern.people.models import (
    Enrolment,
    Flag,
    LegalStatus,
    MergeRequest,
    Relationship,
    School,
)
from lantern.referrals.models import (
    PartnerCheck,
    Referral,
    ReferralChild,
    Section47Enquiry,
    StrategyDiscussion,
)
from tests.access.factories import involve, person
from tests.factories import UserFactory
from tests.missing.profile_factories import profile_with_photo

pytestmark = pytest.mark.django_db

# route -> (query string, the events one GET must write, in order)
EXPECTED: dict[str, tuple[str, list[str]]] = {
    "people:list": ("", ["person.listed"]),
    "people:person": ("", ["person.viewed"]),
    "people:access-log": ("", ["record.access_log_viewed"]),
    "people:restrict": ("", ["person.viewed"]),
    "people:note-new": ("", ["person.viewed"]),
    "people:identifier-new": ("", ["person.viewed"]),
    "people:flag-new": ("", ["person.viewed"]),
    "people:flag-end": ("", ["person.viewed"]),
    "people:voice-new": ("", ["person.viewed"]),
    "people:restriction-review": ("", ["person.viewed"]),
    "people:addendum-new": ("", ["person.viewed"]),
    "people:edit": ("", ["person.viewed"]),
    "people:archive": ("", ["person.viewed"]),
    "people:name-new": ("", ["person.viewed"]),
    "people:status-new": ("", ["person.viewed"]),
    "people:status-end": ("", ["person.viewed"]),
    "people:address-new": ("", ["person.viewed"]),
    "people:enrolment-new": ("", ["person.viewed"]),
    "people:enrolment-end": ("", ["person.viewed"]),
    "people:family": ("", ["person.viewed", "person.family_viewed"]),
    "people:relationship-new": ("", ["person.viewed"]),
    "people:relationship-end": ("", ["person.viewed"]),
    "people:professional-new": ("", ["person.viewed"]),
    "people:merge-new": ("", ["person.viewed"]),
    "people:merges": ("", ["person.merges_listed"]),
    "people:merge-decide": ("", ["person.merge_viewed"]),
    "people:merge-undo": ("", ["person.merge_viewed"]),
    "people:chronology-export": ("", ["person.viewed", "chronology.exported"]),
    "administration:users": ("", ["admin.users_listed"]),
    "administration:user": ("", ["admin.user_viewed"]),
    "access:report": ("", ["audit.report_viewed"]),
    "referrals:mine": ("", ["referral.listed"]),
    "referrals:queue": ("", ["referral.queue_viewed"]),
    "missing:imports": ("", ["missing.imports_listed"]),
    "missing:import": ("", ["missing.import_viewed"]),
    "missing:import-review": ("", ["missing.import_review_listed"]),
    "missing:import-review-row": ("", ["missing.import_review_viewed"]),
    "referrals:checks": ("", ["referral.checks_listed"]),
    "referrals:check-answer": ("", ["referral.check_viewed"]),
    "referrals:referral": ("", ["referral.viewed"]),
    "referrals:children": ("", ["referral.viewed"]),
    "referrals:details": ("", ["referral.viewed"]),
    "referrals:check": ("", ["referral.viewed"]),
    "referrals:rate": ("", ["referral.viewed"]),
    "referrals:assign": ("", ["referral.viewed"]),
    "referrals:partner-checks": ("", ["referral.viewed"]),
    "referrals:decision": ("", ["referral.viewed"]),
    "referrals:decision-review": ("", ["referral.viewed"]),
    "referrals:strategy-new": ("", ["referral.viewed"]),
    "referrals:enquiry-edit": ("", ["referral.viewed"]),
    "referrals:assessment-completed": ("", ["referral.viewed"]),
    "missing:board": ("", ["missing.board_viewed"]),
    "missing:report-start": ("", ["missing.reported_listed"]),
    "missing:report": ("", ["person.viewed"]),
    "missing:child": ("", ["person.viewed", "missing.child_episodes_viewed"]),
    "missing:episode": ("", ["missing.episode_viewed"]),
    "missing:return": ("", ["missing.return_form"]),
    "missing:grade": ("", ["missing.grade_form"]),
    "missing:interview": ("", ["missing.interview_form"]),
    "missing:close": ("", ["missing.close_form"]),
    "missing:interviews": ("", ["missing.interviews_listed"]),
    "missing:leads": ("", ["missing.leads_listed"]),
    "missing:lead": ("", ["missing.lead_viewed"]),
    "assessments:person": ("", ["person.viewed"]),
    "assessments:new": ("", ["person.viewed"]),
    "assessments:assessment": ("", ["person.viewed", "assessment.viewed"]),
    "missing:rules": ("", ["missing.rules_listed"]),
    "missing:rule-firings": ("", ["missing.rule_firings_listed"]),
    "missing:tasks": ("", ["task.listed"]),
    "missing:task-done": ("", ["task.viewed"]),
    "missing:profile": ("", ["person.viewed"]),
    "missing:profile-edit": ("", ["person.viewed"]),
    "missing:profile-photo": ("", ["person.viewed"]),
    "missing:profile-photo-upload": ("", ["person.viewed"]),
    "missing:profile-photo-remove": ("", ["person.viewed"]),
    "missing:grab-pack": ("", ["person.viewed", "missing.grab_pack_printed"]),
    "missing:ssda903": ("", ["missing.ssda903_viewed"]),
    "missing:annex-a": ("", ["missing.annex_a_viewed"]),
    "missing:dashboard-children": ("", ["missing.dashboard_children_listed"]),
}
EXTRA_READS = [
    ("people:list", "?q=Ashby", ["person.searched"]),
    ("people:relationship-new", "?q=Ashby", ["person.viewed", "person.searched"]),
    ("access:report", "?format=csv", ["audit.report_exported"]),
    ("referrals:children", "?q=Ashby", ["referral.viewed", "person.searched"]),
    ("missing:report-start", "?q=Ashby", ["person.searched", "missing.reported_listed"]),
    ("missing:ssda903", "?format=csv", ["missing.ssda903_exported"]),
    ("missing:annex-a", "?format=csv", ["missing.annex_a_exported"]),
]


def personal_data_routes(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """Every route whose declared action is marked as showing personal data."""
    resolver = resolver or get_resolver()
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            names += personal_data_routes(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            rule = rule_for(action_of(entry.callback))
            if rule is not None and rule.personal_data:
                names.append(f"{namespace}:{entry.name}")
    return names


def test_every_personal_data_route_has_expectations() -> None:
    assert sorted(personal_data_routes()) == sorted(EXPECTED)


def test_each_read_writes_exactly_its_events(make_user: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user(
        "mash_manager", "system_administrator", "auditor", "police_officer", "missing_coordinator"
    )
    client = Client()
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
    session["lantern_signed_in_at"] = 9e12
    session.save()
    child = person()
    involve(child, user=user, kind="allocated_worker")
    entry = chronology_append(
        person=child, kind="note", summary="First contact", occurred_at=timezone.now()
    )
    flag = Flag.objects.create(
        person=child,
        kind="missing_risk",
        reason="x",
        owner=user,
        review_due=timezone.localdate(),
    )
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(child),
        object_id=child.pk,
        reason="other",
        explanation="x",
        owner=user,
        review_due=timezone.localdate() + timedelta(days=5),
    )
    restriction.members.set([user])
    school = School.objects.create(urn="100001", name="Audit Academy", phase="secondary")
    status = LegalStatus.objects.create(
        person=child, kind="child_in_need", valid_from=date(2025, 1, 1)
    )
    enrolment = Enrolment.objects.create(person=child, school=school, valid_from=date(2025, 9, 1))
    relative = person(family_name="Relative")
    involve(relative, user=user)
    link = Relationship.objects.create(
        person=child, kind="sibling", other=relative, source="x", valid_from=date(2025, 1, 1)
    )
    pending = MergeRequest.objects.create(
        kept=child, merged=relative, reason="x", requested_by=UserFactory()
    )
    gone = person(family_name="Gone")
    gone.merged_into, gone.archived_at, gone.archive_reason = child, timezone.now(), "x"
    gone.save()
    approved = MergeRequest.objects.create(
        kept=child,
        merged=gone,
        reason="x",
        requested_by=UserFactory(),
        status="approved",
        decided_by=UserFactory(),
    )
    draft = Referral.objects.create(referrer=user)
    involve(draft, user=user, kind="referrer")
    submitted = Referral.objects.create(
        reference="MASH-2026-000001",
        status="submitted",
        referrer=UserFactory(),
        received_at=timezone.now(),
        decision_due_at=timezone.now(),
    )
    ReferralChild.objects.create(referral=submitted, person=child)
    check = PartnerCheck.objects.create(
        referral=submitted,
        agency=user.agency,
        requested_by=UserFactory(),
        requested_at=timezone.now(),
        due_at=timezone.now(),
    )
    discussion = StrategyDiscussion.objects.create(
        referral=submitted,
        held_at=timezone.now(),
        chair=user,
        known="x",
        outcome="single_s47",
        plan="x",
    )
    enquiry = Section47Enquiry.objects.create(
        discussion=discussion,
        referral=submitted,
        joint=False,
        social_work_lead=user,
        started_on=timezone.localdate(),
    )
    assessment = Assessment.objects.create(
        person=child,
        instrument_version=InstrumentVersion.objects.get(
            instrument__key="seraf", status="published"
        ),
        judgement="Not at risk",
        computed_score=0,
        computed_band="Not at risk",
        evidence="x",
        assessed_on=date(2026, 1, 1),
        review_due=date(2026, 4, 1),
        assessor=user,
    )
    grade = Code.objects.in_list("missing_risk_grade").get(code="high")
    outcome = Code.objects.in_list("return_interview_outcome").get(code="offered_accepted")
    now = timezone.now()

    def episode(days_ago: int, status: str) -> Episode:
        seen = now - timedelta(days=days_ago)
        back = None if status == "reported" else seen + timedelta(hours=8)
        made = Episode.objects.create(
            reference=f"MIS-2026-{days_ago:06d}",
            child=child,
            status=status,
            reported_at=seen + timedelta(hours=1),
            reported_by=user,
            last_seen_at=seen,
            missing_from="home",
            police_risk_grade=grade,
            returned_at=back,
            found_where="" if back is None else "x",
            interview_due_at=None if back is None else back + timedelta(hours=72),
        )
        if back is not None:
            ReturnInterview.objects.create(
                episode=made,
                outcome=outcome if status == "interview_done" else None,
                completed_at=back + timedelta(hours=1) if status == "interview_done" else None,
                interviewer=user if status == "interview_done" else None,
            )
        return made

    done = episode(10, "interview_done")
    waiting = episode(5, "returned")
    missing_now = episode(0, "reported")
    lead = InterviewLead.objects.create(
        interview=ReturnInterview.objects.get(episode=waiting), kind="place", description="x"
    )
    task = Task.objects.create(
        title="Hold a missing strategy meeting",
        owner_role="mash_manager",
        due_at=timezone.now() + timedelta(days=5),
        person=child,
    )
    profile_with_photo(child, user)
    batch = ImportBatch.objects.create(
        kind="police_missing", file_name="x.csv", sha256="0" * 64, size=1, content="", total=1
    )
    review_row = ImportRow.objects.create(
        batch=batch,
        number=2,
        kind="police_missing",
        status="needs_review",
        data={"given_names": "Jordan", "family_name": "Ashby"},
        candidates=[str(child.pk)],
    )
    on_submitted = {"pk": submitted.pk}
    ids = {
        "missing:report": {"person": child.pk},
        "missing:child": {"person": child.pk},
        "missing:episode": {"pk": missing_now.pk},
        "missing:return": {"pk": missing_now.pk},
        "missing:grade": {"pk": missing_now.pk},
        "missing:interview": {"pk": waiting.pk},
        "missing:close": {"pk": done.pk},
        "missing:lead": {"pk": lead.pk},
        "missing:import": {"pk": batch.pk},
        "missing:import-review-row": {"pk": review_row.pk},
        "referrals:mine": {},
        "referrals:queue": {},
        "referrals:checks": {},
        "referrals:check-answer": {"pk": check.pk},
        "referrals:referral": on_submitted,
        "referrals:children": {"pk": draft.pk},
        "referrals:details": {"pk": draft.pk},
        "referrals:check": {"pk": draft.pk},
        "referrals:rate": on_submitted,
        "referrals:assign": on_submitted,
        "referrals:partner-checks": on_submitted,
        "referrals:decision": on_submitted,
        "referrals:decision-review": on_submitted,
        "referrals:strategy-new": on_submitted,
        "referrals:enquiry-edit": {"pk": submitted.pk, "enquiry": enquiry.pk},
        "referrals:assessment-completed": on_submitted,
        "assessments:person": {"pk": child.pk},
        "assessments:new": {"pk": child.pk, "key": "seraf"},
        "assessments:assessment": {"pk": child.pk, "assessment": assessment.pk},
        "people:status-end": {"pk": child.pk, "status": status.pk},
        "people:enrolment-end": {"pk": child.pk, "enrolment": enrolment.pk},
        "people:relationship-end": {"pk": child.pk, "relationship": link.pk},
        "people:merge-decide": {"pk": pending.pk},
        "people:merge-undo": {"pk": approved.pk},
        "people:addendum-new": {"pk": child.pk, "entry": entry.pk},
        "people:note-new": {"pk": child.pk},
        "people:identifier-new": {"pk": child.pk},
        "people:flag-new": {"pk": child.pk},
        "people:flag-end": {"pk": child.pk, "flag": flag.pk},
        "people:voice-new": {"pk": child.pk},
        "people:restriction-review": {"pk": child.pk},
        "people:person": {"pk": child.pk},
        "people:access-log": {"pk": child.pk},
        "people:restrict": {"pk": child.pk},
        "people:chronology-export": {"pk": child.pk},
        "administration:user": {"pk": user.pk},
        "missing:task-done": {"pk": task.pk},
        "missing:profile": {"pk": child.pk},
        "missing:profile-edit": {"pk": child.pk},
        "missing:profile-photo": {"pk": child.pk},
        "missing:profile-photo-upload": {"pk": child.pk},
        "missing:profile-photo-remove": {"pk": child.pk},
        "missing:grab-pack": {"pk": child.pk},
    }
    reads = [(name, *EXPECTED[name]) for name in EXPECTED] + EXTRA_READS
    for name, query, events in reads:
        before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
        kwargs = ids.get(name) or (
            {"pk": child.pk} if name not in {"people:list", "people:merges"} else {}
        )
        if not name.startswith("people:"):
            kwargs = ids.get(name, {})
        response = client.get(reverse(name, kwargs=kwargs) + query)
        assert response.status_code == 200, name
        written = list(
            AuditEvent.objects.filter(seq__gt=before)
            .order_by("seq")
            .values_list("action", flat=True)
        )
        assert written == events, name
        assert all(
            e.actor == user and e.request_id for e in AuditEvent.objects.filter(seq__gt=before)
        ), name
