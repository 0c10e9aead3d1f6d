"""The roles a user can hold. The policy in `lantern.access` grants actions to these codes.

Roles are stored as rows (loaded by the migration `0003_agency_types_and_roles`, with their
names and descriptions) but their codes are fixed here because the access policy is written
against them: adding a role is a code change with a policy review, not a data edit.
"""

from __future__ import annotations

from enum import StrEnum


class RoleCode(StrEnum):
    REFERRER = "referrer"
    MASH_TRIAGE_WORKER = "mash_triage_worker"
    MASH_MANAGER = "mash_manager"
    SOCIAL_WORKER = "social_worker"
    POLICE_OFFICER = "police_officer"
    INTELLIGENCE_ANALYST = "intelligence_analyst"
    MISSING_COORDINATOR = "missing_coordinator"
    RETURN_INTERVIEW_WORKER = "return_interview_worker"
    SCHOOL_SAFEGUARDING_LEAD = "school_safeguarding_lead"
    HEALTH_PRACTITIONER = "health_practitioner"
    PANEL_CHAIR = "panel_chair"
    PARTNERSHIP_COORDINATOR = "partnership_coordinator"
    AUDITOR = "auditor"
    SYSTEM_ADMINISTRATOR = "system_administrator"
