"""The access policy: which actions exist and who may perform them. Deny by default.

Every view declares the one action it performs (`@declare_action` or `action = ...` on a class
view). `AccessPolicyMiddleware` refuses a view that declares none, and an action that has no
rule here. Record-level scopes (involvement, restriction, break-the-glass) build on this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from lantern.accounts.roles import RoleCode


class Stage(StrEnum):
    """How far through sign-in a user must be for an action."""

    ANONYMOUS = "anonymous"  # anyone, signed in or not (sign-in page, health check)
    PASSWORD = "password"  # noqa: S105 - a sign-in stage, not a secret; password given, second factor not yet (verify, set up MFA)
    VERIFIED = "verified"  # fully signed in with a second factor


@dataclass(frozen=True)
class Rule:
    stage: Stage
    roles: frozenset[str] | None = None  # None: any role (still needs VERIFIED when set)
    # The view shows personal data: each read writes an audit event (the audit-completeness
    # test walks every such route and checks the events it writes).
    personal_data: bool = False

    def allows(self, user: Any) -> bool:
        if self.stage is Stage.ANONYMOUS:
            return True
        if not user.is_authenticated:
            return False
        if self.stage is Stage.PASSWORD:
            return True
        if not user.is_verified():
            return False
        return self.roles is None or user.has_role(*self.roles)


ADMIN = frozenset({RoleCode.SYSTEM_ADMINISTRATOR})
MASH = frozenset({RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER})
# Who answers a partner check for their agency.
PARTNER_CHECKS = frozenset(
    {
        RoleCode.POLICE_OFFICER,
        RoleCode.SOCIAL_WORKER,
        RoleCode.HEALTH_PRACTITIONER,
        RoleCode.SCHOOL_SAFEGUARDING_LEAD,
        RoleCode.MISSING_COORDINATOR,
        RoleCode.INTELLIGENCE_ANALYST,
        RoleCode.RETURN_INTERVIEW_WORKER,
    }
)
# Who screens and assesses young people.
ASSESSORS = MASH | {
    RoleCode.SOCIAL_WORKER,
    RoleCode.POLICE_OFFICER,
    RoleCode.HEALTH_PRACTITIONER,
    RoleCode.MISSING_COORDINATOR,
    RoleCode.RETURN_INTERVIEW_WORKER,
    RoleCode.SCHOOL_SAFEGUARDING_LEAD,
}
# Who holds and records strategy discussions (the joint team and the MASH).
STRATEGY = MASH | {RoleCode.SOCIAL_WORKER, RoleCode.POLICE_OFFICER}

POLICY: dict[str, Rule] = {
    "public": Rule(Stage.ANONYMOUS),
    "auth.sign_in": Rule(Stage.ANONYMOUS),
    "auth.sign_out": Rule(Stage.ANONYMOUS),
    "auth.second_factor": Rule(Stage.PASSWORD),
    "session.keep_alive": Rule(Stage.PASSWORD),
    "home.view": Rule(Stage.VERIFIED),
    "account.view": Rule(Stage.VERIFIED),
    "account.passkeys": Rule(Stage.VERIFIED),
    "drafts.save": Rule(Stage.VERIFIED),
    "admin.view": Rule(Stage.VERIFIED, roles=ADMIN),
    "admin.users": Rule(Stage.VERIFIED, roles=ADMIN, personal_data=True),
    "admin.manage": Rule(Stage.VERIFIED, roles=ADMIN),
    # Timescales (deadlines in working days and hours): the administrator or the MASH manager.
    "admin.timescales": Rule(
        Stage.VERIFIED, roles=frozenset({RoleCode.SYSTEM_ADMINISTRATOR, RoleCode.MASH_MANAGER})
    ),
    # A user's own notifications. Not marked personal_data: each is addressed to its reader,
    # and the record it links to audits its own read.
    "notifications.view": Rule(Stage.VERIFIED),
    # Records: any verified user may ask; the record scopes (below) decide what they get.
    "people.list": Rule(Stage.VERIFIED, personal_data=True),
    "people.view": Rule(Stage.VERIFIED, personal_data=True),
    "people.create": Rule(Stage.VERIFIED),
    "people.edit": Rule(Stage.VERIFIED, personal_data=True),
    # Merging and archiving change what everyone sees: the partnership's record keepers.
    "people.merge_review": Rule(
        Stage.VERIFIED, roles=frozenset({RoleCode.MASH_MANAGER}), personal_data=True
    ),
    "people.archive": Rule(
        Stage.VERIFIED, roles=frozenset({RoleCode.MASH_MANAGER}), personal_data=True
    ),
    "records.access_log": Rule(Stage.VERIFIED, personal_data=True),
    "chronology.write": Rule(Stage.VERIFIED, personal_data=True),
    "chronology.export": Rule(Stage.VERIFIED, personal_data=True),
    "records.break_glass": Rule(Stage.VERIFIED),
    "records.restrict": Rule(Stage.VERIFIED, personal_data=True),
    "alerts.view": Rule(Stage.VERIFIED),
    "audit.report": Rule(Stage.VERIFIED, roles=frozenset({RoleCode.AUDITOR}), personal_data=True),
    # The front door (referrals): anyone may refer; the MASH triages; a MASH manager
    # authorises; the agencies asked answer partner checks.
    "referrals.start": Rule(Stage.VERIFIED),
    "referrals.make": Rule(Stage.VERIFIED, personal_data=True),
    "referrals.view": Rule(Stage.VERIFIED, personal_data=True),
    "referrals.triage": Rule(Stage.VERIFIED, roles=MASH, personal_data=True),
    "referrals.authorise": Rule(
        Stage.VERIFIED, roles=frozenset({RoleCode.MASH_MANAGER}), personal_data=True
    ),
    "referrals.partner_check": Rule(Stage.VERIFIED, roles=PARTNER_CHECKS, personal_data=True),
    "referrals.strategy": Rule(Stage.VERIFIED, roles=STRATEGY, personal_data=True),
    "referrals.timeliness": Rule(
        Stage.VERIFIED,
        roles=frozenset({RoleCode.MASH_MANAGER, RoleCode.PARTNERSHIP_COORDINATOR}),
    ),
    # Assessments: anyone may read what the person's scope lets them see; those who assess
    # young people complete them; the partnership's coordinators maintain the instruments.
    "assessments.view": Rule(Stage.VERIFIED, personal_data=True),
    "assessments.complete": Rule(Stage.VERIFIED, roles=ASSESSORS, personal_data=True),
    "assessments.manage": Rule(
        Stage.VERIFIED,
        roles=frozenset({RoleCode.PARTNERSHIP_COORDINATOR, RoleCode.SYSTEM_ADMINISTRATOR}),
    ),
}

ACTION_ATTRIBUTE = "lantern_action"
V = TypeVar("V", bound=Callable[..., Any])


def declare_action(action: str) -> Callable[[V], V]:
    """Mark a view function (or a third-party view) with the action it performs."""
    if action not in POLICY:
        raise ValueError(f"No policy rule for action {action!r}")

    def mark(view: V) -> V:
        setattr(view, ACTION_ATTRIBUTE, action)
        return view

    return mark


def action_of(view: Callable[..., Any]) -> str | None:
    declared = getattr(view, ACTION_ATTRIBUTE, None)
    if declared is None and hasattr(view, "view_class"):
        declared = getattr(view.view_class, "action", None)
    return declared


def rule_for(action: str | None) -> Rule | None:
    return POLICY.get(action) if action else None


def may(user: Any, action: str) -> bool:
    """Whether the policy lets `user` perform `action` (to show a link or a button; the view
    behind it is still checked on every request)."""
    rule = rule_for(action)
    return rule is not None and rule.allows(user)


# --- Records: who sees which personal records -------------------------------------------
#
# Everyone sees the records they (or their team) are involved with. These roles see more:
# partnership-wide (every record of the kind), or agency-wide (records anyone in their own
# agency is involved with). Break-the-glass is open only to roles with a legitimate reason to
# need an unfamiliar record urgently. Restricted records override all of it: only the named
# users see them.

PARTNERSHIP_TRIAGE = frozenset({RoleCode.MASH_TRIAGE_WORKER, RoleCode.MASH_MANAGER})
CASEWORK = frozenset(
    {
        RoleCode.SOCIAL_WORKER,
        RoleCode.POLICE_OFFICER,
        RoleCode.MISSING_COORDINATOR,
        RoleCode.INTELLIGENCE_ANALYST,
        RoleCode.HEALTH_PRACTITIONER,
        RoleCode.PANEL_CHAIR,
    }
)


@dataclass(frozen=True)
class RecordRule:
    partnership_roles: frozenset[str]
    agency_roles: frozenset[str]
    break_glass_roles: frozenset[str]
    # Who may see the record's access log besides its owner: managers and auditors.
    access_log_roles: frozenset[str]
    # Who may restrict a record they can see, becoming the restriction's owner.
    restrict_roles: frozenset[str]


RECORD_RULES: dict[str, RecordRule] = {
    "people.person": RecordRule(
        partnership_roles=PARTNERSHIP_TRIAGE,
        agency_roles=CASEWORK,
        break_glass_roles=CASEWORK
        | {RoleCode.RETURN_INTERVIEW_WORKER, RoleCode.SCHOOL_SAFEGUARDING_LEAD},
        access_log_roles=frozenset({RoleCode.MASH_MANAGER, RoleCode.AUDITOR}),
        restrict_roles=frozenset(
            {RoleCode.MASH_MANAGER, RoleCode.SOCIAL_WORKER, RoleCode.POLICE_OFFICER}
        ),
    ),
    # A referral: the MASH sees them all; its referrer and the leads named on it are
    # involved; caseworkers see those their agency is involved with. Restricting is done on
    # the child's record, which the referral pages honour.
    "referrals.referral": RecordRule(
        partnership_roles=PARTNERSHIP_TRIAGE,
        agency_roles=CASEWORK,
        break_glass_roles=frozenset(),
        access_log_roles=frozenset({RoleCode.MASH_MANAGER, RoleCode.AUDITOR}),
        restrict_roles=frozenset(),
    ),
}


def record_rule(label: str) -> RecordRule:
    """The rule for a record type; a type without one is visible to nobody (fail closed)."""
    nobody: frozenset[str] = frozenset()
    return RECORD_RULES.get(label, RecordRule(nobody, nobody, nobody, nobody, nobody))
