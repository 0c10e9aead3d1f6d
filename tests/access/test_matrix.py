"""The authorisation matrix: every URL x method x role x relationship to the record.

The expected outcome of each cell is written here from the rules the trust issue states, not
read from `lantern.access.policy`, so the test checks the policy rather than repeating it.
A cell is *refused* when the answer is 403, 404, 405 or a redirect to sign in; anything else
(a page, a redirect onwards, a 400 for an empty form) means the request was let through.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from lantern.access.models import AccessGrant, Alert, Restriction
from lantern.accounts.roles import RoleCode
from lantern.assessments.models import Assessment, InstrumentVersion
from lantern.chronology.services import chronology_append
from lantern.core.models import Code, Notification, Task
from lantern.missing.models import Episode, ImportBatch, ImportRow, InterviewLead, ReturnInterview
from lantern.people.models import (
    Enrolment,
    Flag,
    LegalStatus,
    MergeRequest,
    Person,
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
from tests.conftest import sign_in
from tests.factories import AgencyFactory, TeamFactory, UserFactory
from tests.missing.profile_factories import profile_with_photo

pytestmark = pytest.mark.django_db

RELATIONSHIPS = ["involved", "same_agency", "other_agency", "restricted", "break_glass"]
PARTNERSHIP = {RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER}
AGENCY_WIDE = {
    RoleCode.SOCIAL_WORKER,
    RoleCode.POLICE_OFFICER,
    RoleCode.MISSING_COORDINATOR,
    RoleCode.INTELLIGENCE_ANALYST,
    RoleCode.HEALTH_PRACTITIONER,
    RoleCode.PANEL_CHAIR,
}
BREAK_GLASS = AGENCY_WIDE | {RoleCode.RETURN_INTERVIEW_WORKER, RoleCode.SCHOOL_SAFEGUARDING_LEAD}
RESTRICT = {RoleCode.MASH_MANAGER, RoleCode.SOCIAL_WORKER, RoleCode.POLICE_OFFICER}
ACCESS_LOG = {RoleCode.MASH_MANAGER, RoleCode.AUDITOR}

Who = Callable[[str, str], bool]


def everyone(role: str, rel: str) -> bool:
    return True


def only(*roles: str) -> Who:
    return lambda role, rel: role in roles


def sees(role: str, rel: str) -> bool:
    """Need-to-know as the issue states it."""
    return {
        "involved": True,
        "same_agency": role in AGENCY_WIDE or role in PARTNERSHIP,
        "other_agency": role in PARTNERSHIP,
        "restricted": False,
        "break_glass": True,
    }[rel]


def break_glass_lets_in(role: str, rel: str) -> bool:
    return sees(role, rel) or (role in BREAK_GLASS and rel != "restricted")


def restricts(role: str, rel: str) -> bool:
    return sees(role, rel) and role in RESTRICT


def manages(role: str, rel: str) -> bool:
    """Archiving: a MASH manager, on a record they may see."""
    return sees(role, rel) and role == RoleCode.MASH_MANAGER


def sees_referral(role: str, rel: str) -> bool:
    """A referral: the MASH sees every one, caseworkers those their agency is involved in,
    anyone the ones they are involved in (the child's restriction does not hide the
    referral, only the child's name on it); break-the-glass is for people, not referrals."""
    return {
        "involved": True,
        "same_agency": role in AGENCY_WIDE or role in PARTNERSHIP,
        "other_agency": role in PARTNERSHIP,
        "restricted": True,
        "break_glass": role in PARTNERSHIP,
    }[rel]


def referrer_only(role: str, rel: str) -> bool:
    """A referral's own pages for its referrer (the matrix user referred these two)."""
    return rel in {"involved", "restricted"}


MASH = only(RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER)
MISSING_LEADS = only(RoleCode.MISSING_COORDINATOR, RoleCode.MASH_MANAGER)
STRATEGY = {
    RoleCode.MASH_TRIAGE_WORKER,
    RoleCode.MASH_MANAGER,
    RoleCode.SOCIAL_WORKER,
    RoleCode.POLICE_OFFICER,
}
PARTNER_CHECKS = only(
    RoleCode.POLICE_OFFICER,
    RoleCode.SOCIAL_WORKER,
    RoleCode.HEALTH_PRACTITIONER,
    RoleCode.SCHOOL_SAFEGUARDING_LEAD,
    RoleCode.MISSING_COORDINATOR,
    RoleCode.INTELLIGENCE_ANALYST,
    RoleCode.RETURN_INTERVIEW_WORKER,
)


def strategy(role: str, rel: str) -> bool:
    return role in STRATEGY and sees_referral(role, rel)


ADMIN = only(RoleCode.SYSTEM_ADMINISTRATOR)
TIMESCALES = only(RoleCode.SYSTEM_ADMINISTRATOR, RoleCode.MASH_MANAGER)
ASSESSORS = {
    RoleCode.MASH_TRIAGE_WORKER,
    RoleCode.MASH_MANAGER,
    RoleCode.SOCIAL_WORKER,
    RoleCode.POLICE_OFFICER,
    RoleCode.HEALTH_PRACTITIONER,
    RoleCode.MISSING_COORDINATOR,
    RoleCode.RETURN_INTERVIEW_WORKER,
    RoleCode.SCHOOL_SAFEGUARDING_LEAD,
}
INSTRUMENTS = only(RoleCode.PARTNERSHIP_COORDINATOR, RoleCode.SYSTEM_ADMINISTRATOR)
MISSING_FIGURES = only(
    RoleCode.MISSING_COORDINATOR,
    RoleCode.MASH_MANAGER,
    RoleCode.PARTNERSHIP_COORDINATOR,
    RoleCode.PANEL_CHAIR,
    RoleCode.MASH_TRIAGE_WORKER,
)
MISSING_CONFIGURE = only(
    RoleCode.MISSING_COORDINATOR,
    RoleCode.MASH_MANAGER,
    RoleCode.PARTNERSHIP_COORDINATOR,
    RoleCode.SYSTEM_ADMINISTRATOR,
)


MISSING_ALL = PARTNERSHIP | {RoleCode.MISSING_COORDINATOR}
MISSING_LEADS = {RoleCode.MISSING_COORDINATOR, RoleCode.MASH_MANAGER}
MISSING_GRADERS = MISSING_LEADS | {RoleCode.POLICE_OFFICER, RoleCode.MASH_TRIAGE_WORKER}
INTERVIEWERS = {RoleCode.RETURN_INTERVIEW_WORKER, RoleCode.MISSING_COORDINATOR}
LEADS = MISSING_LEADS | {RoleCode.INTELLIGENCE_ANALYST}


def sees_episode(role: str, rel: str) -> bool:
    """A missing episode: the coordinators and the MASH see them all, anyone else those of a
    child whose record they may see; a restricted child's only by those named on it (the
    matrix user never is). The matrix's episodes were reported by the other agency."""
    return rel != "restricted" and (role in MISSING_ALL or sees(role, rel))


def episode_for(roles: set[str]) -> Who:
    return lambda role, rel: role in roles and sees_episode(role, rel)


def assesses(role: str, rel: str) -> bool:
    """Completing an assessment: an assessing role, on a record they may see."""
    return sees(role, rel) and role in ASSESSORS


# route name -> {method: who may}; a method not listed must be refused (405) for everyone.
SPEC: dict[str, dict[str, Who]] = {
    "core:home": {"GET": everyone},
    "core:health": {"GET": everyone},
    "core:draft-save": {"POST": everyone},
    "core:draft-discard": {"POST": everyone},
    "core:notifications": {"GET": everyone},
    "core:notification-open": {"GET": everyone},  # the user's own notification
    "accounts:sign-in": {"GET": everyone, "POST": everyone},
    "accounts:verify": {"GET": everyone, "POST": everyone},
    "accounts:set-up": {"GET": everyone, "POST": everyone},
    "accounts:sign-out": {"GET": everyone, "POST": everyone},
    "accounts:signed-out": {"GET": everyone},
    "accounts:keep-alive": {"POST": everyone},
    "accounts:account": {"GET": everyone},
    "administration:overview": {"GET": ADMIN},
    "administration:agencies": {"GET": ADMIN},
    "administration:agency-new": {"GET": ADMIN, "POST": ADMIN},
    "administration:agency": {"GET": ADMIN},
    "administration:agency-edit": {"GET": ADMIN, "POST": ADMIN},
    "administration:agency-status": {"POST": ADMIN},
    "administration:team-new": {"GET": ADMIN, "POST": ADMIN},
    "administration:team-edit": {"GET": ADMIN, "POST": ADMIN},
    "administration:users": {"GET": ADMIN},
    "administration:user-new": {"GET": ADMIN, "POST": ADMIN},
    "administration:user": {"GET": ADMIN},
    "administration:user-edit": {"GET": ADMIN, "POST": ADMIN},
    "administration:user-status": {"POST": ADMIN},
    "administration:user-reset-second-factor": {"POST": ADMIN},
    "administration:roles": {"GET": ADMIN},
    "administration:timescales": {"GET": TIMESCALES},
    "administration:timescale-edit": {"GET": TIMESCALES, "POST": TIMESCALES},
    "people:list": {"GET": everyone},
    "people:new": {"GET": everyone, "POST": everyone},
    "people:person": {"GET": sees},
    "people:access-log": {"GET": lambda role, rel: role in ACCESS_LOG},
    "people:emergency-access": {"GET": everyone, "POST": break_glass_lets_in},
    "people:restrict": {"GET": sees, "POST": restricts},
    # Only a restriction's owner reviews it; the matrix user owns none.
    "people:restriction-review": {},
    "people:note-new": {"GET": sees, "POST": sees},
    "people:identifier-new": {"GET": sees, "POST": sees},
    "people:flag-new": {"GET": sees, "POST": sees},
    "people:flag-end": {"GET": sees, "POST": sees},
    "people:voice-new": {"GET": sees, "POST": sees},
    "people:addendum-new": {"GET": sees, "POST": sees},
    "people:edit": {"GET": sees, "POST": sees},
    "people:archive": {"GET": manages, "POST": manages},
    "people:name-new": {"GET": sees, "POST": sees},
    "people:status-new": {"GET": sees, "POST": sees},
    "people:status-end": {"GET": sees, "POST": sees},
    "people:address-new": {"GET": sees, "POST": sees},
    "people:enrolment-new": {"GET": sees, "POST": sees},
    "people:enrolment-end": {"GET": sees, "POST": sees},
    "people:family": {"GET": sees},
    "people:relationship-new": {"GET": sees, "POST": sees},
    "people:relationship-end": {"GET": sees, "POST": sees},
    "people:professional-new": {"GET": sees, "POST": sees},
    "people:merge-new": {"GET": sees, "POST": sees},
    # Merges are the MASH managers' (the matrix's merges are of records they may see).
    "people:merges": {"GET": only(RoleCode.MASH_MANAGER)},
    "people:merge-decide": {
        "GET": only(RoleCode.MASH_MANAGER),
        "POST": only(RoleCode.MASH_MANAGER),
    },
    "people:merge-undo": {"GET": only(RoleCode.MASH_MANAGER), "POST": only(RoleCode.MASH_MANAGER)},
    "people:chronology-export": {"GET": sees},
    "missing:board": {"GET": only(*MISSING_LEADS)},
    "missing:report-start": {"GET": everyone},
    "missing:report": {"GET": sees, "POST": sees},
    "missing:child": {"GET": sees},
    "missing:episode": {"GET": sees_episode},
    "missing:return": {"GET": sees_episode, "POST": sees_episode},
    "missing:grade": {"GET": episode_for(MISSING_GRADERS), "POST": episode_for(MISSING_GRADERS)},
    "missing:interview": {"GET": episode_for(INTERVIEWERS), "POST": episode_for(INTERVIEWERS)},
    "missing:close": {"GET": episode_for(MISSING_LEADS), "POST": episode_for(MISSING_LEADS)},
    "missing:refer": {"POST": sees_episode},
    "missing:interviews": {"GET": only(*INTERVIEWERS)},
    "missing:leads": {"GET": only(*LEADS)},
    "missing:lead": {"GET": episode_for(LEADS), "POST": episode_for(LEADS)},
    # A child's Philomena profile: whoever may see the child (carers, schools, workers).
    "missing:profile": {"GET": sees},
    "missing:profile-edit": {"GET": sees, "POST": sees},
    "missing:profile-photo": {"GET": sees},
    "missing:profile-photo-upload": {"GET": sees, "POST": sees},
    "missing:profile-photo-remove": {"GET": sees, "POST": sees},
    "missing:grab-pack": {"GET": sees},
    "referrals:mine": {"GET": everyone},
    "referrals:new": {"POST": everyone},
    "referrals:queue": {"GET": MASH},
    # Bulk imports: the missing coordinators and MASH managers, whatever the record.
    "missing:imports": {"GET": only(*MISSING_LEADS), "POST": only(*MISSING_LEADS)},
    "missing:import": {"GET": only(*MISSING_LEADS)},
    "missing:import-review": {"GET": only(*MISSING_LEADS)},
    "missing:import-review-row": {"GET": only(*MISSING_LEADS), "POST": only(*MISSING_LEADS)},
    "referrals:timeliness": {"GET": only(RoleCode.MASH_MANAGER, RoleCode.PARTNERSHIP_COORDINATOR)},
    "referrals:checks": {"GET": PARTNER_CHECKS},
    # The matrix's checks are asked of the user's own agency.
    "referrals:check-answer": {"GET": PARTNER_CHECKS, "POST": PARTNER_CHECKS},
    "referrals:referral": {"GET": sees_referral},
    "referrals:children": {"GET": referrer_only, "POST": referrer_only},
    "referrals:details": {"GET": referrer_only, "POST": referrer_only},
    "referrals:check": {"GET": referrer_only, "POST": referrer_only},
    "referrals:rate": {"GET": MASH, "POST": MASH},
    "referrals:assign": {"GET": MASH, "POST": MASH},
    "referrals:partner-checks": {"GET": MASH, "POST": MASH},
    "referrals:decision": {"GET": MASH, "POST": MASH},
    "referrals:decision-review": {
        "GET": only(RoleCode.MASH_MANAGER),
        "POST": only(RoleCode.MASH_MANAGER),
    },
    "referrals:strategy-new": {"GET": strategy, "POST": strategy},
    "referrals:enquiry-edit": {"GET": strategy, "POST": strategy},
    "referrals:assessment-completed": {"GET": strategy, "POST": strategy},
    "assessments:person": {"GET": sees},
    "assessments:new": {"GET": assesses, "POST": assesses},
    "assessments:assessment": {"GET": sees},
    "assessments:instruments": {"GET": INSTRUMENTS},
    "assessments:instrument": {"GET": INSTRUMENTS},
    "assessments:version-draft": {"GET": INSTRUMENTS, "POST": INSTRUMENTS},
    "assessments:version-publish": {"POST": INSTRUMENTS},
    # Missing rules: the figures for those who oversee missing children, edits for those who
    # configure them; tasks for whoever owns them (the matrix's task is the coordinators').
    "missing:rules": {"GET": MISSING_FIGURES},
    "missing:rule-firings": {"GET": MISSING_FIGURES},
    "missing:rule-new": {"GET": MISSING_CONFIGURE, "POST": MISSING_CONFIGURE},
    "missing:rule-edit": {"GET": MISSING_CONFIGURE, "POST": MISSING_CONFIGURE},
    "missing:tasks": {"GET": everyone},
    "missing:task-done": {
        "GET": only(RoleCode.MISSING_COORDINATOR),
        "POST": only(RoleCode.MISSING_COORDINATOR),
    },
    # Missing statutory returns (the coordinators and MASH managers) and the dashboard (the
    # partnership's figures, and the lists of children behind them, scoped inside).
    "missing:ssda903": {"GET": only(*MISSING_LEADS)},
    "missing:annex-a": {"GET": only(*MISSING_LEADS)},
    "missing:dashboard": {"GET": MISSING_FIGURES},
    "missing:dashboard-children": {"GET": MISSING_FIGURES},
    "access:alert-read": {"POST": everyone},  # the user's own alert
    "access:report": {"GET": only(RoleCode.AUDITOR)},
    # django-otp-webauthn's ceremonies: open to a signed-in user (an empty body is a 400).
    "otp_webauthn:credential-authentication-begin": {"POST": everyone},
    "otp_webauthn:credential-authentication-complete": {"POST": everyone},
    "otp_webauthn:credential-registration-begin": {"POST": everyone},
    "otp_webauthn:credential-registration-complete": {"POST": everyone},
    "otp_webauthn:js-i18n-catalog": {"GET": everyone},
}


def route_names(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    resolver = resolver or get_resolver()
    names: list[str] = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            names += route_names(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.append(f"{namespace}:{entry.name}")
    return names


def test_every_route_is_in_the_matrix() -> None:
    assert sorted(route_names()) == sorted(SPEC)


def refused(response: Any) -> bool:
    if response.status_code in {403, 404, 405}:
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and location.startswith("/sign-in/?")


def build_world(role: str) -> tuple[Any, dict[str, Person], dict[str, Any]]:
    """One user with `role`, and one child per relationship to them."""
    mine, other = AgencyFactory(kind="childrens_social_care"), AgencyFactory(kind="police")
    user = UserFactory(roles=[role], agency=mine)
    colleague = UserFactory(roles=["social_worker"], agency=mine)
    stranger = UserFactory(roles=["police_officer"], agency=other)
    records = {rel: person(family_name=rel) for rel in RELATIONSHIPS}
    for record in records.values():
        chronology_append(person=record, kind="note", summary="Matrix", occurred_at=timezone.now())
        Flag.objects.create(
            person=record,
            kind="missing_risk",
            reason="Matrix",
            owner=stranger,
            review_due=timezone.localdate(),
        )
    school = School.objects.create(urn="100001", name="Matrix Academy", phase="secondary")
    for record in records.values():
        LegalStatus.objects.create(person=record, kind="child_in_need", valid_from=date(2025, 1, 1))
        Enrolment.objects.create(person=record, school=school, valid_from=date(2025, 9, 1))
        Relationship.objects.create(
            person=record,
            kind="parent",
            other=person(family_name="Parent"),
            source="Matrix",
            valid_from=date(2025, 1, 1),
        )
    for record in records.values():
        profile_with_photo(record, stranger)
    involve(records["involved"], user=user)
    involve(records["same_agency"], user=colleague)
    involve(records["other_agency"], user=stranger)
    involve(records["restricted"], user=user)
    restriction = Restriction.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=records["restricted"].pk,
        reason="other",
        explanation="Matrix",
        owner=stranger,
        review_due=timezone.localdate() + timedelta(days=30),
    )
    restriction.members.set([stranger])
    AccessGrant.objects.create(
        content_type=ContentType.objects.get_for_model(Person),
        object_id=records["break_glass"].pk,
        user=user,
        kind="break_glass",
        reason="other",
        explanation="Matrix",
        granted_by=user,
        expires_at=timezone.now() + timedelta(hours=1),
    )
    seraf = InstrumentVersion.objects.get(instrument__key="seraf", status="published")
    for record in records.values():
        Assessment.objects.create(
            person=record,
            instrument_version=seraf,
            judgement="Not at risk",
            computed_score=0,
            computed_band="Not at risk",
            evidence="Matrix",
            assessed_on=date(2026, 1, 1),
            review_due=date(2026, 4, 1),
            assessor=stranger,
        )
    InstrumentVersion.objects.create(
        instrument=seraf.instrument, number=2, definition=seraf.definition, status="draft"
    )
    team = TeamFactory(agency=mine)
    alert = Alert.objects.create(kind="break_glass", recipient=user, message="Matrix")
    notification = Notification.objects.create(user=user, subject="Matrix", link="/")
    twins = [person(family_name=f"Twin{n}") for n in range(4)]
    pending = MergeRequest.objects.create(
        kept=twins[0], merged=twins[1], reason="Matrix", requested_by=stranger
    )
    twins[3].merged_into, twins[3].archived_at, twins[3].archive_reason = (
        twins[2],
        timezone.now(),
        "Matrix",
    )
    twins[3].save()
    approved = MergeRequest.objects.create(
        kept=twins[2],
        merged=twins[3],
        reason="Matrix",
        requested_by=stranger,
        status="approved",
        decided_by=colleague,
    )
    referrals = {}
    checks = {}
    enquiries = {}
    for rel, record in records.items():
        referrer = user if rel in {"involved", "restricted"} else UserFactory(roles=["referrer"])
        referral = Referral.objects.create(
            reference=f"MASH-2026-{RELATIONSHIPS.index(rel):06d}",
            status="submitted",
            referrer=referrer,
            received_at=timezone.now(),
            decision_due_at=timezone.now() + timedelta(hours=8),
        )
        ReferralChild.objects.create(referral=referral, person=record)
        involve(
            referral,
            user={"same_agency": colleague, "other_agency": stranger}.get(rel, referrer),
            kind="referrer",
        )
        checks[record.pk] = PartnerCheck.objects.create(
            referral=referral,
            agency=mine,
            requested_by=stranger,
            requested_at=timezone.now(),
            due_at=timezone.now(),
        )
        discussion = StrategyDiscussion.objects.create(
            referral=referral,
            held_at=timezone.now(),
            chair=stranger,
            known="Matrix",
            outcome="single_s47",
            plan="Matrix",
            lead=colleague,
        )
        enquiries[record.pk] = Section47Enquiry.objects.create(
            discussion=discussion,
            referral=referral,
            joint=False,
            social_work_lead=colleague,
            started_on=timezone.localdate(),
        )
        referrals[record.pk] = referral
    episodes = {}
    leads = {}
    grade = Code.objects.in_list("missing_risk_grade").get(code="medium")
    for record in records.values():
        back = timezone.now() - timedelta(hours=2)
        episode = Episode.objects.create(
            reference=f"MIS-2026-{len(episodes):06d}",
            child=record,
            status="returned",
            reported_at=back - timedelta(hours=5),
            reported_by=stranger,
            last_seen_at=back - timedelta(hours=6),
            missing_from="home",
            police_risk_grade=grade,
            returned_at=back,
            found_where="Matrix",
            interview_due_at=back + timedelta(hours=72),
        )
        involve(episode, user=stranger, kind="referrer")
        interview = ReturnInterview.objects.create(episode=episode)
        leads[record.pk] = InterviewLead.objects.create(
            interview=interview, kind="place", description="Matrix"
        )
        episodes[record.pk] = episode
    batch = ImportBatch.objects.create(
        kind="police_missing", file_name="x.csv", sha256="0" * 64, size=1, content="", total=1
    )
    import_rows = {
        record.pk: ImportRow.objects.create(
            batch=batch,
            number=2,
            kind="police_missing",
            status="needs_review",
            data={"given_names": "Jordan", "family_name": record.family_name},
            candidates=[str(record.pk)],
        )
        for record in records.values()
    }
    others = {
        "episodes": episodes,
        "leads": leads,
        "import_batch": batch,
        "import_rows": import_rows,
        "referrals": referrals,
        "checks": checks,
        "enquiries": enquiries,
        "agency": mine,
        "team": team,
        "user": colleague,
        "alert": alert,
        "notification": notification,
        "pending": pending,
        "approved": approved,
    }
    return user, records, others


# Routes whose address needs more than the record's key.
KWARGS: dict[str, Callable[[Person, dict[str, Any]], dict[str, Any]]] = {
    "people:addendum-new": lambda r, o: {"pk": r.pk, "entry": r.chronology.get().pk},
    "people:flag-end": lambda r, o: {"pk": r.pk, "flag": r.flags.get().pk},
    "people:status-end": lambda r, o: {"pk": r.pk, "status": r.legal_statuses.get().pk},
    "people:enrolment-end": lambda r, o: {"pk": r.pk, "enrolment": r.enrolments.get().pk},
    "people:relationship-end": lambda r, o: {
        "pk": r.pk,
        "relationship": r.relationships.get().pk,
    },
    "people:merge-decide": lambda r, o: {"pk": o["pending"].pk},
    "people:merge-undo": lambda r, o: {"pk": o["approved"].pk},
    "people:list": lambda r, o: {},
    "people:new": lambda r, o: {},
    "people:merges": lambda r, o: {},
    "administration:agency": lambda r, o: {"pk": o["agency"].pk},
    "administration:agency-edit": lambda r, o: {"pk": o["agency"].pk},
    "administration:agency-status": lambda r, o: {"pk": o["agency"].pk},
    "administration:team-new": lambda r, o: {"agency_pk": o["agency"].pk},
    "administration:team-edit": lambda r, o: {"agency_pk": o["agency"].pk, "pk": o["team"].pk},
    "administration:user": lambda r, o: {"pk": o["user"].pk},
    "administration:user-edit": lambda r, o: {"pk": o["user"].pk},
    "administration:user-status": lambda r, o: {"pk": o["user"].pk},
    "administration:user-reset-second-factor": lambda r, o: {"pk": o["user"].pk},
    "access:alert-read": lambda r, o: {"pk": o["alert"].pk},
    "missing:board": lambda r, o: {},
    "missing:ssda903": lambda r, o: {},
    "missing:annex-a": lambda r, o: {},
    "missing:dashboard": lambda r, o: {},
    "missing:dashboard-children": lambda r, o: {},
    "missing:report-start": lambda r, o: {},
    "missing:interviews": lambda r, o: {},
    "missing:leads": lambda r, o: {},
    "missing:report": lambda r, o: {"person": r.pk},
    "missing:child": lambda r, o: {"person": r.pk},
    "missing:lead": lambda r, o: {"pk": o["leads"][r.pk].pk},
    "referrals:mine": lambda r, o: {},
    "referrals:new": lambda r, o: {},
    "referrals:queue": lambda r, o: {},
    "missing:imports": lambda r, o: {},
    "missing:import-review": lambda r, o: {},
    "missing:import": lambda r, o: {"pk": o["import_batch"].pk},
    "missing:import-review-row": lambda r, o: {"pk": o["import_rows"][r.pk].pk},
    "referrals:timeliness": lambda r, o: {},
    "referrals:checks": lambda r, o: {},
    "referrals:check-answer": lambda r, o: {"pk": o["checks"][r.pk].pk},
    "referrals:enquiry-edit": lambda r, o: {
        "pk": o["referrals"][r.pk].pk,
        "enquiry": o["enquiries"][r.pk].pk,
    },
    "core:notification-open": lambda r, o: {"pk": o["notification"].pk},
    "administration:timescale-edit": lambda r, o: {"key": "rag_red"},
    "assessments:person": lambda r, o: {"pk": r.pk},
    "assessments:new": lambda r, o: {"pk": r.pk, "key": "seraf"},
    "assessments:assessment": lambda r, o: {
        "pk": r.pk,
        "assessment": Assessment.objects.get(person=r).pk,
    },
    "assessments:instrument": lambda r, o: {"key": "seraf"},
    "assessments:version-draft": lambda r, o: {"key": "seraf"},
    "assessments:version-publish": lambda r, o: {"key": "seraf", "number": 2},
    "missing:rules": lambda r, o: {},
    "missing:rule-firings": lambda r, o: {},
    "missing:rule-new": lambda r, o: {},
    "missing:rule-edit": lambda r, o: {"key": "repeat_missing"},
    "missing:tasks": lambda r, o: {},
    "missing:task-done": lambda r, o: {"pk": _coordinators_task(o).pk},
    "missing:profile": lambda r, o: {"pk": r.pk},
    "missing:profile-edit": lambda r, o: {"pk": r.pk},
    "missing:profile-photo": lambda r, o: {"pk": r.pk},
    "missing:profile-photo-upload": lambda r, o: {"pk": r.pk},
    "missing:profile-photo-remove": lambda r, o: {"pk": r.pk},
    "missing:grab-pack": lambda r, o: {"pk": r.pk},
}


def _coordinators_task(others: dict[str, Any]) -> Task:
    """One open task owned by the missing coordinators, made the first time it is asked for."""
    if "task" not in others:
        others["task"] = Task.objects.create(
            title="Hold a missing strategy meeting",
            owner_role=RoleCode.MISSING_COORDINATOR,
            due_at=timezone.now() + timedelta(days=5),
        )
    return others["task"]


def url_for(name: str, record: Person, others: dict[str, Any]) -> str:
    if name in KWARGS:
        return reverse(name, kwargs=KWARGS[name](record, others))
    if name.startswith("missing:"):
        # Every other missing route takes the episode of this relationship's child.
        return reverse(name, kwargs={"pk": others["episodes"][record.pk].pk})
    if name.startswith("referrals:"):
        # Every other referral route takes the referral about this relationship's child.
        return reverse(name, kwargs={"pk": others["referrals"][record.pk].pk})
    # Every other person route takes the record's key; other routes take nothing.
    return reverse(name, kwargs={"pk": record.pk} if name.startswith("people:") else {})


def body_for(name: str) -> dict[str, str]:
    if name == "people:emergency-access":
        return {"reason": "immediate_risk", "explanation": "A child may be at risk tonight."}
    if name == "people:restrict":
        review = (timezone.localdate() + timedelta(days=30)).isoformat()
        return {"reason": "other", "explanation": "Matrix", "review_due": review}
    return {}


@pytest.mark.parametrize("role", [role.value for role in RoleCode])
def test_authorisation_matrix(role: str, client: Client) -> None:
    user, records, others = build_world(role)
    sign_in(client, user)
    unexpected: list[str] = []
    cells = 0
    for rel, record in records.items():
        for name, methods in SPEC.items():
            url = url_for(name, record, others)
            for method in ("GET", "POST"):
                cells += 1
                allowed = methods.get(method, lambda r, x: False)(role, rel)
                cookies = copy.deepcopy(client.cookies)
                with transaction.atomic():
                    # Each request's writes are undone, so no cell changes another.
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, body_for(name))
                    transaction.set_rollback(True)
                client.cookies = cookies  # signing out in one cell must not end the others
                if refused(response) == allowed:
                    unexpected.append(
                        f"{method} {name} as {role} ({rel}): {response.status_code} "
                        f"{'refused' if allowed else 'ALLOWED'}"
                    )
    assert cells == len(RELATIONSHIPS) * len(SPEC) * 2
    assert unexpected == [], "\n".join(unexpected)
