"""The partnership's missing rules: checking a rule's parameters, writing a new version, and
evaluating the rules when an episode is reported or closed, and every 15 minutes for the
children still missing (escalation).

Each firing makes a `RuleFiring` (the version, why, the task), a task for the rule's owner due
after the rule's deadline, a significant entry on the child's chronology, an audit event and a
notification to the task's owners. A rule fires at most once per episode, whichever of its
versions is current. A rule that cannot be evaluated (say its timescale was deleted) is skipped
and audited as a failure: reporting a missing child must never fail because of a rule."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from lantern.access.audit import audit_record
from lantern.access.models import Involvement, InvolvementKind
from lantern.access.services import involvement_add
from lantern.accounts.models import Role, User
from lantern.accounts.roles import RoleCode
from lantern.chronology.models import EntryKind, Significance
from lantern.chronology.services import chronology_append
from lantern.core.deadlines import add_working_hours, due_at, format_moment, working_day_length
from lantern.core.models import Code, Timescale
from lantern.core.notifications import notify
from lantern.core.work import task_create, task_recipients
from lantern.missing.models import (
    Episode,
    FiringMoment,
    MissingRule,
    RiskGrading,
    RuleFiring,
    RuleKind,
    RuleMoment,
)
from lantern.people.models import (
    Flag,
    FlagKind,
    Person,
    PersonName,
    Relationship,
    RelationshipKind,
    in_force,
    years_before,
)

logger = logging.getLogger(__name__)

Moment = Literal["reported", "closed"]

# --- Parameters, checked per kind ------------------------------------------------------------


def _whole(value: Any, label: str, low: int, high: int) -> tuple[int | None, str]:
    if isinstance(value, bool) or not isinstance(value, int):
        return None, f"{label} must be a whole number, like {low + 1 if low < high else low}."
    if not low <= value <= high:
        return None, f"{label} must be between {low} and {high}."
    return value, ""


def _choices(value: Any, label: str, allowed: list[str], *, empty_ok: bool) -> str:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return f"{label} must be a list of codes, like {allowed[:2]}."
    unknown = [v for v in value if v not in allowed]
    if unknown:
        return f"{label}: {', '.join(unknown)} not known. Choose from: {', '.join(allowed)}."
    if not value and not empty_ok:
        return f"{label}: choose at least one."
    return ""


def parameter_errors(kind: str, parameters: Any) -> list[str]:
    """What is wrong with a rule's parameters, in words a coordinator can act on; empty when
    they are sound. Each kind takes exactly its own keys."""
    if not isinstance(parameters, dict):
        return ["The parameters must be a set of names and values."]
    expected: dict[str, set[str]] = {
        RuleKind.EPISODES_IN_WINDOW: {"count", "days"},
        RuleKind.OPEN_EXPLOITATION_FLAG: {"flag_kinds"},
        RuleKind.RISK_GRADE: {"grades"},
        RuleKind.FOUND_WITH_ADULT_OF_CONCERN: {"relationship_kinds", "min_age"},
        RuleKind.MISSING_LONGER_THAN: {"hours", "timescale"},
    }
    if kind not in expected:
        return ["Choose what kind of rule this is."]
    errors = [
        f"“{name}” is not a setting of this kind of rule."
        for name in sorted(set(parameters) - expected[kind])
    ]
    if kind == RuleKind.EPISODES_IN_WINDOW:
        _, error = _whole(parameters.get("count"), "The number of episodes", 2, 50)
        errors += [error] if error else []
        _, error = _whole(parameters.get("days"), "The number of days", 1, 3650)
        errors += [error] if error else []
    elif kind == RuleKind.OPEN_EXPLOITATION_FLAG:
        error = _choices(
            parameters.get("flag_kinds", []), "Flags", list(FlagKind.values), empty_ok=True
        )
        errors += [error] if error else []
    elif kind == RuleKind.RISK_GRADE:
        grades = list(
            Code.objects.in_list("missing_risk_grade").values_list("code", flat=True).distinct()
        )
        error = _choices(parameters.get("grades"), "Risk grades", grades, empty_ok=False)
        errors += [error] if error else []
    elif kind == RuleKind.FOUND_WITH_ADULT_OF_CONCERN:
        kinds = [k for k in RelationshipKind.values if k != RelationshipKind.PROFESSIONAL]
        error = _choices(
            parameters.get("relationship_kinds"), "Relationships", kinds, empty_ok=False
        )
        errors += [error] if error else []
        _, error = _whole(parameters.get("min_age", 18), "The adult's age", 16, 25)
        errors += [error] if error else []
    elif kind == RuleKind.MISSING_LONGER_THAN:
        if ("hours" in parameters) == ("timescale" in parameters):
            errors.append("Give the limit either as a number of hours or as a timescale, not both.")
        elif "hours" in parameters:
            _, error = _whole(parameters["hours"], "The number of hours", 1, 24 * 90)
            errors += [error] if error else []
        elif not Timescale.objects.filter(key=str(parameters["timescale"])).exists():
            errors.append(f"There is no timescale “{parameters['timescale']}”.")
    return errors


def _refuse_unsound(rule: MissingRule) -> None:
    """Raise a `ValidationError` with everything wrong with a rule version about to be saved:
    its parameters for its kind, its owner and deadline, and the model's own checks."""
    errors: dict[str, list[str]] = {}
    problems = parameter_errors(rule.kind, rule.parameters)
    if problems:
        errors["parameters"] = problems
    if rule.owner_role and not Role.objects.filter(code=rule.owner_role).exists():
        errors["owner_role"] = ["Choose a role that exists."]
    if rule.due_timescale and not Timescale.objects.filter(key=rule.due_timescale).exists():
        errors["due_timescale"] = [f"There is no timescale “{rule.due_timescale}”."]
    try:
        rule.full_clean(exclude=["valid_to"])
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


EDITABLE = (
    "name",
    "description",
    "parameters",
    "evaluated_on",
    "enabled",
    "task_title",
    "task_detail",
    "owner_team",
    "owner_role",
    "due_timescale",
    "due_working_days",
)


def rule_edit(
    *,
    request: HttpRequest | None,
    actor: User,
    rule: MissingRule,
    changes: dict[str, Any],
    expected_number: int | None = None,
) -> MissingRule:
    """Save an edit as the rule's next version: the current version ends now and the new one
    starts now, so the firings of the old version keep pointing at it. Refuses parameters
    that do not suit the rule's kind, an edit of a version that is no longer current, and an
    edit made from a stale copy (someone saved a newer version meanwhile)."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not editable: {sorted(unknown)}")
    now = timezone.now()
    with transaction.atomic():
        current = MissingRule.objects.select_for_update().filter(pk=rule.pk).first()
        if (
            current is None
            or current.valid_to is not None
            or (expected_number is not None and current.number != expected_number)
        ):
            raise ValidationError(
                "Someone saved a newer version of this rule while you were editing it. "
                "Your changes have not been saved: open the rule again."
            )
        fields = {name: getattr(current, name) for name in EDITABLE} | changes
        new = MissingRule(
            key=current.key,
            number=current.number + 1,
            kind=current.kind,
            valid_from=now,
            created_by=actor,
            modified_by=actor,
            **fields,
        )
        _refuse_unsound(new)
        changed = sorted(name for name in EDITABLE if getattr(current, name) != fields[name])
        if not changed:
            raise ValidationError("Nothing has changed: the rule is as it was.")
        current.valid_to = now
        current.modified_by = actor
        current.version += 1
        current.save(update_fields=["valid_to", "modified_by", "version", "modified_at"])
        new.save()
        audit_record(
            action="missing.rule_edited",
            request=request,
            actor=actor,
            obj=new,
            detail={"key": new.key, "from": current.number, "to": new.number, "changed": changed},
        )
    return new


def _free_key(name: str) -> str:
    """A key for a new rule, from its name: "Five in thirty days" gives `five_in_thirty_days`,
    or `five_in_thirty_days_2` when a rule (in any version) holds that key already."""
    base = slugify(name).replace("-", "_")[:56].strip("_") or "rule"
    taken = set(
        MissingRule.objects.filter(key__startswith=base).values_list("key", flat=True).distinct()
    )
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def rule_create(
    *, request: HttpRequest | None, actor: User, kind: str, fields: dict[str, Any]
) -> MissingRule:
    """Add a rule, as its version 1, in use from now. `fields` are the editable ones
    (`EDITABLE`); the key is made from the name. Refuses a kind that is not known, settings
    that do not suit the kind, and a name that a rule in use already has (two rules of one
    name could not be told apart on the firings or on a child's tasks)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"Not settable: {sorted(unknown)}")
    if kind not in RuleKind.values:
        raise ValidationError({"kind": ["Choose what kind of rule this is."]})
    name = str(fields.get("name", "")).strip()
    now = timezone.now()
    try:
        with transaction.atomic():
            if MissingRule.objects.filter(valid_to__isnull=True, name__iexact=name).exists():
                raise ValidationError(
                    {
                        "name": [
                            f"A rule called “{name}” is already in use: give this one another "
                            "name, or edit that rule instead."
                        ]
                    }
                )
            rule = MissingRule(
                key=_free_key(name),
                number=1,
                kind=kind,
                valid_from=now,
                created_by=actor,
                modified_by=actor,
                **fields,
            )
            _refuse_unsound(rule)
            rule.save()
            audit_record(
                action="missing.rule_created",
                request=request,
                actor=actor,
                obj=rule,
                detail={"key": rule.key, "kind": kind, "parameters": rule.parameters},
            )
    except IntegrityError as error:  # someone added a rule of the same name at this moment
        raise ValidationError(
            "Another rule was added with the same name at the same moment. Nothing has been "
            "saved: check the list of rules and try again."
        ) from error
    return rule


def current_rules() -> list[MissingRule]:
    """The current version of every rule, switched on or off, by name."""
    return list(
        MissingRule.objects.filter(valid_to__isnull=True)
        .select_related("owner_team", "owner_team__agency")
        .order_by("name")
    )


# --- The checks: each says why the rule fires for this episode, or None -----------------------


def _when(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%-d %B %Y %H:%M}"


def _episodes_in_window(rule: MissingRule, episode: Episode, now: datetime) -> str | None:
    count, days = int(rule.parameters["count"]), int(rule.parameters["days"])
    since = episode.last_seen_at - timedelta(days=days)
    references = list(
        Episode.objects.filter(
            child_id=episode.child_id,
            last_seen_at__gte=since,
            last_seen_at__lte=episode.last_seen_at,
        )
        .order_by("last_seen_at")
        .values_list("reference", flat=True)
    )
    if len(references) < count:
        return None
    return f"{len(references)} episodes in the last {days} days: {', '.join(references)}"


def _open_flag(rule: MissingRule, episode: Episode, now: datetime) -> str | None:
    kinds = rule.parameters.get("flag_kinds") or []
    flags = Flag.objects.filter(
        person_id=episode.child_id, created_at__lte=episode.returned_at or now
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=episode.last_seen_at))
    if kinds:
        flags = flags.filter(kind__in=kinds)
    found = list(flags.order_by("created_at"))
    if not found:
        return None
    listed = "; ".join(
        f"{flag.get_kind_display()} (open since {timezone.localtime(flag.created_at):%-d %B %Y})"
        for flag in found
    )
    return f"Missing while a flag was open: {listed}"


def _risk_grade(rule: MissingRule, episode: Episode, now: datetime) -> str | None:
    grades = set(rule.parameters["grades"])
    graded = (
        RiskGrading.objects.filter(episode=episode, grade__code__in=grades)
        .select_related("grade")
        .order_by("graded_at")
        .first()
    )
    if graded is None:
        return None
    return f"Police risk grade: {graded.grade.label.lower()} (graded {_when(graded.graded_at)})"


WORD = re.compile(r"[^\w']+")


def _words(text: str) -> str:
    return " " + " ".join(WORD.split(text.casefold())).strip() + " "


def _adult_of_concern(rule: MissingRule, episode: Episode, now: datetime) -> str | None:
    """The return's "who they were with" names, as whole words, a full name (or a one-word
    nickname or street name) of someone the young person's record links to them in one of the
    rule's relationships (either direction, current on the day of the return) who is, or on
    any reading of an estimated date of birth could be, an adult (or whose age is unknown)."""
    if not episode.returned_with.strip() or episode.returned_at is None:
        return None
    day = timezone.localtime(episode.returned_at).date()
    kinds = rule.parameters["relationship_kinds"]
    adult_born_by = years_before(day, int(rule.parameters.get("min_age", 18)))
    links = Relationship.objects.filter(in_force(day), kind__in=kinds)
    others = set(
        links.filter(person_id=episode.child_id, other__isnull=False).values_list(
            "other_id", flat=True
        )
    ) | set(links.filter(other_id=episode.child_id).values_list("person_id", flat=True))
    adults = Person.objects.filter(pk__in=others, archived_at__isnull=True).filter(
        Q(born_earliest__isnull=True) | Q(born_earliest__lte=adult_born_by)
    )
    text = _words(episode.returned_with)
    matches: list[str] = []
    for name in PersonName.objects.filter(person__in=adults).select_related("person"):
        full = f"{name.given_names} {name.family_name}".strip()
        one_word = name.kind == "nickname" and len(full.split()) == 1
        if (len(full.split()) >= 2 or one_word) and _words(full) in text:
            label = f"{name.person.known_as}" + (
                f" (known as “{full}”)"
                if full.casefold() != name.person.known_as.casefold()
                else ""
            )
            if label not in matches:
                matches.append(label)
    if not matches:
        return None
    return (
        f"Found with {', '.join(matches)}: an adult the young person's record links to them "
        f"({', '.join(RelationshipKind(k).label.lower() for k in kinds)}). "
        f"Recorded as with: “{episode.returned_with}”"
    )


def limit_text(parameters: dict[str, Any]) -> str:
    if "hours" in parameters:
        hours = int(parameters["hours"])
        return f"{hours} hour{'s' if hours != 1 else ''}"
    scale = Timescale.objects.filter(key=parameters["timescale"]).first()
    return scale.summary if scale is not None else str(parameters["timescale"])


def limit_reached_at(parameters: dict[str, Any], start: datetime) -> datetime:
    """When a child last seen at `start` has been missing longer than the limit: elapsed
    hours (weekends and clock changes count as real time) or the configured timescale."""
    if "hours" in parameters:
        return (start.astimezone(UTC) + timedelta(hours=int(parameters["hours"]))).astimezone(
            timezone.get_current_timezone()
        )
    return due_at(start, str(parameters["timescale"]))


def _missing_longer_than(rule: MissingRule, episode: Episode, now: datetime) -> str | None:
    limit = limit_reached_at(rule.parameters, episode.last_seen_at)
    end = episode.returned_at or now
    if end < limit:
        return None
    state = (
        f"returned {_when(episode.returned_at)}"
        if episode.returned_at
        else f"still missing at {_when(now)}"
    )
    return (
        f"Missing for more than {limit_text(rule.parameters)}: last seen "
        f"{_when(episode.last_seen_at)}, {state}"
    )


CHECKS: dict[str, Callable[[MissingRule, Episode, datetime], str | None]] = {
    RuleKind.EPISODES_IN_WINDOW: _episodes_in_window,
    RuleKind.OPEN_EXPLOITATION_FLAG: _open_flag,
    RuleKind.RISK_GRADE: _risk_grade,
    RuleKind.FOUND_WITH_ADULT_OF_CONCERN: _adult_of_concern,
    RuleKind.MISSING_LONGER_THAN: _missing_longer_than,
}


# --- Firing -------------------------------------------------------------------------------------


def task_due(rule: MissingRule, start: datetime) -> datetime:
    if rule.due_timescale:
        return due_at(start, rule.due_timescale)
    return add_working_hours(start, (rule.due_working_days or 1) * working_day_length())


def _coordinators() -> list[User]:
    return list(
        User.objects.filter(roles__code=RoleCode.MISSING_COORDINATOR, is_active=True)
        .distinct()
        .order_by("username")
    )


def _fire(
    *,
    rule: MissingRule,
    episode: Episode,
    moment: str,
    why: str,
    now: datetime,
    actor: User | None,
    request: HttpRequest | None,
) -> RuleFiring:
    due = task_due(rule, now)
    tasks_page = reverse("missing:tasks")
    task = task_create(
        request=request,
        actor=actor,
        title=f"{rule.task_title} ({episode.reference})",
        detail=why,
        source="missing.rule",
        owner_team=rule.owner_team,
        owner_role=rule.owner_role,
        due_at=due,
        record=episode,
        person=episode.child,
        link=tasks_page,
    )
    firing = RuleFiring(
        rule=rule,
        rule_key=rule.key,
        episode=episode,
        child_id=episode.child_id,
        moment=moment,
        fired_at=now,
        why=why,
        task=task,
    )
    firing.full_clean(validate_unique=False)
    with transaction.atomic():  # the unique constraint decides a race: it fires once
        firing.save()
    # The owning team follows the episode, so its workers can open what they must act on.
    team = rule.owner_team
    if (
        team is not None
        and not Involvement.objects.filter(
            content_type=ContentType.objects.get_for_model(Episode),
            object_id=episode.pk,
            team=team,
            ended_at__isnull=True,
        ).exists()
    ):
        involvement_add(
            actor=actor,
            record=episode,
            kind=InvolvementKind.ALLOCATED_TEAM,
            team=team,
            request=request,
        )
    audit_record(
        action="missing.rule_fired",
        request=request,
        actor=actor,
        obj=episode,
        detail={
            "rule": rule.key,
            "version": rule.number,
            "moment": moment,
            "firing": str(firing.pk),
            "task": str(task.pk),
        },
    )
    chronology_append(
        person=episode.child,
        kind=EntryKind.MISSING,
        summary=f"Missing rule: {rule.name} ({episode.reference}) — "
        f"{rule.task_title[:1].lower()}{rule.task_title[1:]} due by {format_moment(due)}",
        detail=why,
        occurred_at=now,
        author=actor,
        significance=Significance.SIGNIFICANT,
        link=episode,
        request=request,
    )
    if moment == FiringMoment.STILL_OPEN:
        told = {user.pk for user in task_recipients(task)}
        for user in _coordinators():
            if user.pk not in told:
                notify(
                    user=user,
                    subject=f"Escalation: a young person still missing ({episode.reference})",
                    body=f"{rule.name}. The task is due {format_moment(due)}.",
                    link=tasks_page,
                )
    return firing


def _evaluate(
    *,
    rules: list[MissingRule],
    episode: Episode,
    moment: str,
    now: datetime,
    actor: User | None,
    request: HttpRequest | None,
) -> list[RuleFiring]:
    fired = set(
        RuleFiring.objects.filter(episode=episode, rule_key__in=[r.key for r in rules]).values_list(
            "rule_key", flat=True
        )
    )
    firings: list[RuleFiring] = []
    for rule in rules:
        if rule.key in fired:
            continue
        try:
            with transaction.atomic():
                why = CHECKS[rule.kind](rule, episode, now)
                if why is not None:
                    firings.append(
                        _fire(
                            rule=rule,
                            episode=episode,
                            moment=moment,
                            why=why,
                            now=now,
                            actor=actor,
                            request=request,
                        )
                    )
        except IntegrityError:
            continue  # another process fired it for this episode first
        except Exception as error:  # a broken rule must not stop a missing report
            logger.exception("Missing rule %s could not be evaluated", rule.key)
            audit_record(
                action="missing.rule_failed",
                request=request,
                actor=actor,
                obj=episode,
                outcome="failure",
                detail={"rule": rule.key, "version": rule.number, "error": str(error)[:300]},
            )
    return firings


def rules_evaluate(
    *,
    episode: Episode,
    moment: Moment,
    actor: User | None,
    request: HttpRequest | None,
    now: datetime | None = None,
) -> list[RuleFiring]:
    """Evaluate the current, switched-on rules that apply at this moment (reported or closed)
    for the episode, in the caller's transaction; return what fired."""
    wanted = RuleMoment.REPORTED if moment == "reported" else RuleMoment.CLOSED
    rules = list(
        MissingRule.objects.filter(
            valid_to__isnull=True, enabled=True, evaluated_on__in=[wanted, RuleMoment.BOTH]
        )
        .select_related("owner_team")
        .order_by("key")
    )
    if not rules:
        return []
    return _evaluate(
        rules=rules,
        episode=episode,
        moment=moment,
        now=now or timezone.now(),
        actor=actor,
        request=request,
    )


def rules_escalate(*, now: datetime | None = None) -> list[RuleFiring]:
    """The periodic check (every 15 minutes): the `missing_longer_than` rules, whatever moment
    they are also evaluated on, for every episode still open, each firing at most once per
    episode; the missing coordinators are told as well as the task's owners."""
    now = now or timezone.now()
    rules = list(
        MissingRule.objects.filter(
            valid_to__isnull=True, enabled=True, kind=RuleKind.MISSING_LONGER_THAN
        )
        .select_related("owner_team")
        .order_by("key")
    )
    if not rules:
        return []
    firings: list[RuleFiring] = []
    for episode in (
        Episode.objects.filter(returned_at__isnull=True, last_seen_at__lte=now)
        .select_related("child")
        .order_by("last_seen_at")
    ):
        with transaction.atomic():
            firings += _evaluate(
                rules=rules,
                episode=episode,
                moment=FiringMoment.STILL_OPEN,
                now=now,
                actor=None,
                request=None,
            )
    return firings


def owner_label(rule: MissingRule, roles: dict[str, str]) -> str:
    if rule.owner_team is not None:
        return str(rule.owner_team)
    return f"Anyone who is a {roles.get(rule.owner_role, rule.owner_role).lower()}"


def deadline_label(rule: MissingRule, timescales: dict[str, Timescale]) -> str:
    if rule.due_timescale:
        scale = timescales.get(rule.due_timescale)
        return scale.summary if scale is not None else rule.due_timescale
    days = rule.due_working_days or 0
    return f"{days} working day{'s' if days != 1 else ''}"
