"""The missing rules' pages: the rules with how often each fired, adding a rule, editing a
rule (a new version), the firings with why and the task each made; and the user's own tasks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Count, Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.access.scopes import visible_filter
from lantern.accounts.models import Role, Team, user_of
from lantern.core.deadlines import Clock, clock
from lantern.core.forms import add_service_errors, render_form
from lantern.core.models import Code, Task, TaskStatus, Timescale
from lantern.core.work import task_complete, tasks_for
from lantern.missing.models import Episode, MissingRule, RuleFiring, RuleKind, RuleMoment
from lantern.missing.selectors import visible_episodes
from lantern.missing.services.rules import (
    current_rules,
    deadline_label,
    limit_text,
    owner_label,
    rule_create,
    rule_edit,
)
from lantern.people.models import FlagKind, Person, RelationshipKind

HIDDEN_NAME = "A young person with a restricted record"
FIRINGS_SHOWN = 200


def _role_names() -> dict[str, str]:
    return dict(Role.objects.values_list("code", "name"))


def parameters_text(rule: MissingRule) -> str:
    """The rule's settings in words: "3 episodes within 90 days"."""
    p = rule.parameters
    if rule.kind == RuleKind.EPISODES_IN_WINDOW:
        return f"{p.get('count')} or more episodes within {p.get('days')} days"
    if rule.kind == RuleKind.OPEN_EXPLOITATION_FLAG:
        kinds = p.get("flag_kinds") or []
        return "Open flag: " + (
            ", ".join(FlagKind(k).label.lower() for k in kinds) if kinds else "any flag"
        )
    if rule.kind == RuleKind.RISK_GRADE:
        labels = dict(Code.objects.in_list("missing_risk_grade").values_list("code", "label"))
        return "Risk grade: " + ", ".join(labels.get(g, g).lower() for g in p.get("grades", []))
    if rule.kind == RuleKind.FOUND_WITH_ADULT_OF_CONCERN:
        kinds = ", ".join(
            RelationshipKind(k).label.lower() for k in p.get("relationship_kinds", [])
        )
        return f"With an adult ({p.get('min_age', 18)} or over) linked as: {kinds}"
    return f"Missing longer than {limit_text(p)}"


# --- Rules ------------------------------------------------------------------------------------


@declare_action("missing.rule_firings")
@require_GET
def rule_list(request: HttpRequest) -> HttpResponse:
    """Every rule's current version, its settings and task, and how often and when it last
    fired (figures only; the firings page shows the children the user may see)."""
    rules = current_rules()
    stats: dict[str, dict[str, Any]] = {
        row["rule_key"]: dict(row)
        for row in RuleFiring.objects.values("rule_key").annotate(
            fired=Count("id"), last=Max("fired_at")
        )
    }
    roles = _role_names()
    timescales = {t.key: t for t in Timescale.objects.all()}
    rows = [
        {
            "rule": rule,
            "settings": parameters_text(rule),
            "owner": owner_label(rule, roles),
            "deadline": deadline_label(rule, timescales),
            "fired": stats.get(rule.key, {}).get("fired", 0),
            "last": stats.get(rule.key, {}).get("last"),
        }
        for rule in rules
    ]
    audit_record(action="missing.rules_listed", request=request)
    return render(request, "missing/rules/list.html", {"rows": rows})


class RuleForm(forms.Form):
    """A rule's next version. The settings shown depend on the rule's kind."""

    name = forms.CharField(
        max_length=200,
        help_text="Say what it looks for, like “5 or more episodes in 30 days”.",
        error_messages={"required": "Give the rule a name."},
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    enabled = forms.BooleanField(label="The rule is switched on", required=False)
    evaluated_on = forms.ChoiceField(
        label="When it is checked",
        choices=RuleMoment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose when the rule is checked."},
    )
    count = forms.IntegerField(
        label="Number of episodes",
        min_value=2,
        max_value=50,
        error_messages={
            "required": "Enter the number of episodes, like 3.",
            "invalid": "Enter the number of episodes as a whole number, like 3.",
            "min_value": "Enter 2 episodes or more.",
            "max_value": "Enter 50 episodes or fewer.",
        },
    )
    days = forms.IntegerField(
        label="Within how many days",
        min_value=1,
        max_value=3650,
        error_messages={
            "required": "Enter the number of days, like 90.",
            "invalid": "Enter the number of days as a whole number, like 90.",
            "min_value": "Enter 1 day or more.",
            "max_value": "Enter 3650 days or fewer.",
        },
    )
    flag_kinds = forms.MultipleChoiceField(
        label="Flags",
        choices=FlagKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked for any open flag.",
    )
    grades = forms.MultipleChoiceField(
        label="Risk grades",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one risk grade."},
    )
    relationship_kinds = forms.MultipleChoiceField(
        label="Linked to the young person as",
        choices=[c for c in RelationshipKind.choices if c[0] != RelationshipKind.PROFESSIONAL],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one kind of relationship."},
    )
    min_age = forms.IntegerField(
        label="Adult from the age of",
        min_value=16,
        max_value=25,
        error_messages={
            "required": "Enter the age from which someone counts as an adult, like 18.",
            "invalid": "Enter the age as a whole number, like 18.",
            "min_value": "Enter an age of 16 or more.",
            "max_value": "Enter an age of 25 or less.",
        },
    )
    limit_timescale = forms.ChoiceField(
        label="Missing longer than (a timescale)",
        required=False,
        choices=[],
        help_text="Or leave this empty and give a number of hours.",
    )
    hours = forms.IntegerField(
        label="Missing longer than (hours)",
        required=False,
        min_value=1,
        max_value=24 * 90,
        error_messages={
            "invalid": "Enter the hours as a whole number, like 24.",
            "min_value": "Enter 1 hour or more.",
            "max_value": "Enter 2160 hours (90 days) or fewer.",
        },
    )
    task_title = forms.CharField(
        label="The task it creates",
        max_length=200,
        error_messages={"required": "Say what the task is, like “Hold a strategy meeting”."},
    )
    task_detail = forms.CharField(
        label="What the task involves",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    owner = forms.ChoiceField(
        label="Who owns the task", choices=[], error_messages={"required": "Choose an owner."}
    )
    due_timescale = forms.ChoiceField(
        label="Due after (a timescale)",
        required=False,
        choices=[],
        help_text="Or leave this empty and give a number of working days.",
    )
    due_working_days = forms.IntegerField(
        label="Due within (working days)",
        required=False,
        min_value=1,
        max_value=100,
        error_messages={
            "invalid": "Enter the working days as a whole number, like 5.",
            "min_value": "Enter 1 working day or more.",
            "max_value": "Enter 100 working days or fewer.",
        },
    )
    number = forms.IntegerField(widget=forms.HiddenInput)

    KIND_FIELDS: dict[str, tuple[str, ...]] = {
        RuleKind.EPISODES_IN_WINDOW: ("count", "days"),
        RuleKind.OPEN_EXPLOITATION_FLAG: ("flag_kinds",),
        RuleKind.RISK_GRADE: ("grades",),
        RuleKind.FOUND_WITH_ADULT_OF_CONCERN: ("relationship_kinds", "min_age"),
        RuleKind.MISSING_LONGER_THAN: ("limit_timescale", "hours"),
    }

    def __init__(self, *args: Any, kind: str, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        if new:  # a new rule has no version to be stale against
            del self.fields["number"]
        for fields in self.KIND_FIELDS.values():
            for name in fields:
                if name not in self.KIND_FIELDS[kind]:
                    del self.fields[name]
        scales = [("", "None")] + [
            (t.key, f"{t.label} ({t.summary})") for t in Timescale.objects.all()
        ]
        if "grades" in self.fields:
            self.fields["grades"].choices = list(  # type: ignore[attr-defined]
                Code.objects.in_list("missing_risk_grade").current().values_list("code", "label")
            )
        if "limit_timescale" in self.fields:
            self.fields["limit_timescale"].choices = scales  # type: ignore[attr-defined]
        self.fields["due_timescale"].choices = scales  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (
                "Roles",
                [(f"role:{code}", name) for code, name in Role.objects.values_list("code", "name")],
            ),
            (
                "Teams",
                [
                    (f"team:{team.pk}", str(team))
                    for team in Team.objects.filter(is_active=True).select_related("agency")
                ],
            ),
        ]

    @classmethod
    def initial_for(cls, rule: MissingRule) -> dict[str, Any]:
        p = rule.parameters
        return {
            "name": rule.name,
            "description": rule.description,
            "enabled": rule.enabled,
            "evaluated_on": rule.evaluated_on,
            "count": p.get("count"),
            "days": p.get("days"),
            "flag_kinds": p.get("flag_kinds", []),
            "grades": p.get("grades", []),
            "relationship_kinds": p.get("relationship_kinds", []),
            "min_age": p.get("min_age", 18),
            "limit_timescale": p.get("timescale", ""),
            "hours": p.get("hours"),
            "task_title": rule.task_title,
            "task_detail": rule.task_detail,
            "owner": f"team:{rule.owner_team_id}"
            if rule.owner_team_id
            else f"role:{rule.owner_role}",
            "due_timescale": rule.due_timescale,
            "due_working_days": rule.due_working_days,
            "number": rule.number,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            self.kind == RuleKind.MISSING_LONGER_THAN
            and not self.errors
            and bool(data.get("limit_timescale")) == (data.get("hours") is not None)
        ):
            self.add_error("hours", "Give the limit either as a timescale or as a number of hours.")
        if not self.errors and bool(data.get("due_timescale")) == (
            data.get("due_working_days") is not None
        ):
            self.add_error(
                "due_working_days",
                "Give the deadline either as a timescale or as a number of working days.",
            )
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        parameters: dict[str, Any] = {}
        if self.kind == RuleKind.EPISODES_IN_WINDOW:
            parameters = {"count": data["count"], "days": data["days"]}
        elif self.kind == RuleKind.OPEN_EXPLOITATION_FLAG:
            parameters = {"flag_kinds": list(data["flag_kinds"])}
        elif self.kind == RuleKind.RISK_GRADE:
            parameters = {"grades": list(data["grades"])}
        elif self.kind == RuleKind.FOUND_WITH_ADULT_OF_CONCERN:
            parameters = {
                "relationship_kinds": list(data["relationship_kinds"]),
                "min_age": data["min_age"],
            }
        elif data.get("limit_timescale"):
            parameters = {"timescale": data["limit_timescale"]}
        else:
            parameters = {"hours": data["hours"]}
        kind, _, value = data["owner"].partition(":")
        team = Team.objects.filter(pk=value).first() if kind == "team" else None
        if kind == "team" and team is None:
            raise ValidationError({"owner": "Choose an owner."})
        return {
            "name": data["name"].strip(),
            "description": data["description"].strip(),
            "enabled": data["enabled"],
            "evaluated_on": data["evaluated_on"],
            "parameters": parameters,
            "task_title": data["task_title"].strip(),
            "task_detail": data["task_detail"].strip(),
            "owner_team": team,
            "owner_role": value if kind == "role" else "",
            "due_timescale": data["due_timescale"] or "",
            "due_working_days": None if data["due_timescale"] else data["due_working_days"],
        }


@declare_action("missing.configure")
@require_http_methods(["GET", "POST"])
def rule_edit_view(request: HttpRequest, key: str) -> HttpResponse:
    """Edit a rule: saving makes its next version; earlier versions and their firings stay."""
    rule = (
        MissingRule.objects.select_related("owner_team")
        .filter(key=key, valid_to__isnull=True)
        .first()
    )
    if rule is None:
        raise Http404
    if request.method == "POST":
        form = RuleForm(request.POST, kind=rule.kind)
        if form.is_valid():
            try:
                new = rule_edit(
                    request=request,
                    actor=user_of(request),
                    rule=rule,
                    changes=form.changes(),
                    expected_number=form.cleaned_data["number"],
                )
            except ValidationError as refusal:
                add_service_errors(form, refusal)
            else:
                messages.success(request, f"Saved as version {new.number} of “{new.name}”.")
                return redirect("missing:rules")
    else:
        form = RuleForm(initial=RuleForm.initial_for(rule), kind=rule.kind)
    versions = list(
        MissingRule.objects.filter(key=key).annotate(fired=Count("firings")).order_by("-number")
    )
    return render_form(
        request,
        "missing/rules/edit.html",
        {
            "rule": rule,
            "form": form,
            "kind_fields": [form[name] for name in RuleForm.KIND_FIELDS[rule.kind]],
            "versions": versions,
        },
    )


class RuleKindForm(forms.Form):
    """The first question for a new rule: what it looks for. The kind cannot change later."""

    kind = forms.ChoiceField(
        label="What should the rule look for?",
        choices=RuleKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what the rule looks for."},
    )


NEW_RULE_INITIAL: dict[str, Any] = {
    "enabled": True,
    "evaluated_on": RuleMoment.REPORTED,
    "min_age": 18,
    "owner": "role:missing_coordinator",
}


@declare_action("missing.configure")
@require_http_methods(["GET", "POST"])
def rule_new_view(request: HttpRequest) -> HttpResponse:
    """Add a rule: first what it looks for (`?kind=`), then its settings and the task it
    makes. It is saved as version 1 and checked from then on."""
    # The choice is asked with GET, so the page can be linked to; a submission with nothing
    # chosen carries only `chosen` and is answered with the error.
    chooser = RuleKindForm(request.GET if request.GET else None)
    if not chooser.is_bound or not chooser.is_valid():
        return render_form(request, "missing/rules/new_kind.html", {"form": chooser})
    kind = chooser.cleaned_data["kind"]
    if request.method == "POST":
        form = RuleForm(request.POST, kind=kind, new=True)
        if form.is_valid():
            try:
                rule = rule_create(
                    request=request, actor=user_of(request), kind=kind, fields=form.changes()
                )
            except ValidationError as refusal:
                add_service_errors(form, refusal)
            else:
                state = (
                    "it is checked from now on"
                    if rule.enabled
                    else "it is switched off and is not checked until someone switches it on"
                )
                messages.success(request, f"Added “{rule.name}”: {state}.")
                return redirect("missing:rules")
    else:
        form = RuleForm(initial=NEW_RULE_INITIAL, kind=kind, new=True)
    return render_form(
        request,
        "missing/rules/new.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": RuleKind(kind).label,
            "kind_fields": [form[name] for name in RuleForm.KIND_FIELDS[kind]],
        },
    )


@declare_action("missing.rule_firings")
@require_GET
def firing_list(request: HttpRequest) -> HttpResponse:
    """The most recent firings for episodes the user may see, with why, the version that
    fired, and the task with its state and clock; filtered by rule with `?rule=key`."""
    user = user_of(request)
    firings = (
        RuleFiring.objects.filter(episode__in=visible_episodes(user).values("pk"))
        .select_related("rule", "episode", "child", "task")
        .order_by("-fired_at")
    )
    chosen = request.GET.get("rule", "")
    if chosen:
        firings = firings.filter(rule_key=chosen)
    shown = list(firings[:FIRINGS_SHOWN])
    now = timezone.now()
    rows = [
        {
            "firing": f,
            "clock": clock(f.task.due_at, now) if f.task.status == TaskStatus.OPEN else None,
        }
        for f in shown
    ]
    audit_record(
        action="missing.rule_firings_listed",
        request=request,
        detail={"rule": chosen, "shown": [str(f.episode_id) for f in shown]},
    )
    return render(
        request,
        "missing/rules/firings.html",
        {
            "rows": rows,
            "rules": current_rules(),
            "chosen": chosen,
            "limit": FIRINGS_SHOWN,
        },
    )


# --- Tasks ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TaskRow:
    task: Task
    clock: Clock | None
    person_name: str
    person_id: Any
    detail: str
    owner: str


def task_rows(user: Any, tasks: list[Task], now: Any) -> list[TaskRow]:
    """Each task with its clock and, for a task about a person, their name only when the user
    may see them (their record, or an episode of theirs the task is about); otherwise the
    task says it concerns a young person with a restricted record and hides its detail."""
    person_ids = {t.person_id for t in tasks if t.person_id}
    visible: set[Any] = set()
    if person_ids:
        visible = set(
            Person.objects.filter(pk__in=person_ids)
            .filter(visible_filter(user, Person))
            .values_list("pk", flat=True)
        )
        episode_type = ContentType.objects.get_for_model(Episode)
        episode_ids = [
            t.object_id
            for t in tasks
            if t.object_id is not None and t.content_type_id == episode_type.pk
        ]
        if episode_ids:
            visible |= set(
                visible_episodes(user, Episode.objects.filter(pk__in=episode_ids)).values_list(
                    "child_id", flat=True
                )
            )
    people = (
        {
            p.pk: p
            for p in Person.objects.filter(pk__in=visible).only(
                "given_names", "family_name", "preferred_name"
            )
        }
        if visible
        else {}
    )
    roles = _role_names()
    rows = []
    for task in tasks:
        shown = task.person_id is None or task.person_id in visible
        owner = (
            str(task.owner_user or "")
            or (str(task.owner_team) if task.owner_team_id else "")
            or roles.get(task.owner_role, task.owner_role)
        )
        rows.append(
            TaskRow(
                task=task,
                clock=clock(task.due_at, now) if task.status == TaskStatus.OPEN else None,
                person_name=(
                    people[task.person_id].known_as
                    if task.person_id in people
                    else ("" if task.person_id is None else HIDDEN_NAME)
                ),
                person_id=task.person_id if task.person_id in people else None,
                detail=task.detail if shown else "",
                owner=owner,
            )
        )
    return rows


@declare_action("missing.tasks")
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """The user's open tasks, and their teams' and roles', earliest due first."""
    user = user_of(request)
    tasks = list(
        tasks_for(user)
        .filter(status=TaskStatus.OPEN)
        .select_related("owner_user", "owner_team", "owner_team__agency")
        .order_by("due_at")[:500]
    )
    rows = task_rows(user, tasks, timezone.now())
    audit_record(
        action="task.listed", request=request, detail={"shown": [str(t.pk) for t in tasks]}
    )
    return render(request, "missing/rules/tasks.html", {"rows": rows})


class TaskDoneForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened",
        choices=[("done", "Done"), ("cancelled", "No longer needed")],
        widget=forms.RadioSelect,
        initial="done",
        error_messages={"required": "Say whether the task was done or is no longer needed."},
    )
    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what was done, or why it is no longer needed."},
    )


@declare_action("missing.tasks")
@require_http_methods(["GET", "POST"])
def task_done(request: HttpRequest, pk: str) -> HttpResponse:
    """Mark one of the user's (or their team's or role's) open tasks done, with a note.
    Anyone else's task is not found."""
    user = user_of(request)
    task = (
        tasks_for(user)
        .select_related("owner_user", "owner_team", "owner_team__agency")
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    form = TaskDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            task_complete(
                request=request,
                actor=user,
                task=task,
                note=form.cleaned_data["note"],
                cancel=form.cleaned_data["outcome"] == "cancelled",
            )
        except ValidationError as refusal:
            add_service_errors(form, refusal)
        else:
            messages.success(
                request, f"“{task.title}” marked as {task.get_status_display().lower()}."
            )
            return redirect("missing:tasks")
    (row,) = task_rows(user, [task], timezone.now())
    audit_record(action="task.viewed", request=request, obj=task)
    return render_form(request, "missing/rules/task_done.html", {"form": form, "row": row})
