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
# Who coordinates the response to missing episodes: the missing coordinators (council and
# police) and the MASH managers who share their oversight.
MISSING_LEADS = frozenset({RoleCode.MISSING_COORDINATOR, RoleCode.MASH_MANAGER})
# Who grades a missing child's risk (police and the coordinators who record police grades).
MISSING_GRADERS = MISSING_LEADS | {RoleCode.POLICE_OFFICER, RoleCode.MASH_TRIAGE_WORKER}
# Who offers and records return interviews: the commissioned providers' workers, and the
# coordinators who record an outcome when no provider could.
INTERVIEWERS = frozenset({RoleCode.RETURN_INTERVIEW_WORKER, RoleCode.MISSING_COORDINATOR})
# Who reads the partnership's missing figures (no names unless their scope shows them).
MISSING_FIGURES = MISSING_LEADS | {
    RoleCode.PARTNERSHIP_COORDINATOR,
    RoleCode.PANEL_CHAIR,
    RoleCode.MASH_TRIAGE_WORKER,
}

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
    # Missing episodes (issue 6). Anyone may report a child missing or back (a carer, a
    # school, a partner); the record scopes decide which episodes each user then sees.
    "missing.report": Rule(Stage.VERIFIED, personal_data=True),
    "missing.view": Rule(Stage.VERIFIED, personal_data=True),
    "missing.return": Rule(Stage.VERIFIED, personal_data=True),
    "missing.grade": Rule(Stage.VERIFIED, roles=MISSING_GRADERS, personal_data=True),
    # The coordinator's live list of episodes, open and recent.
    "missing.queue": Rule(Stage.VERIFIED, roles=MISSING_LEADS, personal_data=True),
    "missing.close": Rule(Stage.VERIFIED, roles=MISSING_LEADS, personal_data=True),
    # Return interviews: each provider's queue and record.
    "missing.interviews": Rule(Stage.VERIFIED, roles=INTERVIEWERS, personal_data=True),
    "missing.interview": Rule(Stage.VERIFIED, roles=INTERVIEWERS, personal_data=True),
    # People and places named in return interviews: candidate intelligence for the analysts
    # (and the coordinators who act on it), within the handling each was given.
    "missing.leads": Rule(
        Stage.VERIFIED,
        roles=MISSING_LEADS | {RoleCode.INTELLIGENCE_ANALYST},
        personal_data=True,
    ),
    # Who provides interviews for which children, and the rules that start strategy
    # meetings: partnership configuration.
    "missing.configure": Rule(
        Stage.VERIFIED,
        roles=MISSING_LEADS | {RoleCode.PARTNERSHIP_COORDINATOR, RoleCode.SYSTEM_ADMINISTRATOR},
    ),
    # Which rules fired for which children, and the tasks they made.
    "missing.rule_firings": Rule(Stage.VERIFIED, roles=MISSING_FIGURES, personal_data=True),
    "missing.tasks": Rule(Stage.VERIFIED, personal_data=True),
    # The Philomena-style profile of a child at risk of going missing: anyone who may see the
    # child reads and keeps it up to date (carers, schools, social workers); the photo and
    # the printed grab pack are personal data, every print audited.
    "missing.profile": Rule(Stage.VERIFIED, personal_data=True),
    "missing.profile_edit": Rule(Stage.VERIFIED, personal_data=True),
    "missing.grab_pack": Rule(Stage.VERIFIED, personal_data=True),
    # Statutory data and the dashboard.
    "missing.statutory": Rule(Stage.VERIFIED, roles=MISSING_LEADS, personal_data=True),
    "missing.dashboard": Rule(Stage.VERIFIED, roles=MISSING_FIGURES),
    "missing.dashboard_children": Rule(Stage.VERIFIED, roles=MISSING_FIGURES, personal_data=True),
    # Bulk imports of police missing reports and school absence lists.
    "missing.import": Rule(Stage.VERIFIED, roles=MISSING_LEADS, personal_data=True),
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
    # A missing episode: the missing coordinators and the MASH see them all; the reporter,
    # the interview provider's teams and anyone who may see the child are involved (see
    # `lantern.missing.selectors.visible_episodes`). A restricted child's episodes follow the
    # child's restriction.
    "missing.episode": RecordRule(
        partnership_roles=PARTNERSHIP_TRIAGE | {RoleCode.MISSING_COORDINATOR},
        agency_roles=CASEWORK | {RoleCode.RETURN_INTERVIEW_WORKER},
        break_glass_roles=frozenset(),
        access_log_roles=frozenset(
            {RoleCode.MASH_MANAGER, RoleCode.MISSING_COORDINATOR, RoleCode.AUDITOR}
        ),
        restrict_roles=frozenset(),
    ),
}


def record_rule(label: str) -> RecordRule:
    """The rule for a record type; a type without one is visible to nobody (fail closed)."""
    nobody: frozenset[str] = frozenset()
    return RECORD_RULES.get(label, RecordRule(nobody, nobody, nobody, nobody, nobody))
