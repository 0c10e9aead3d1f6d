"""The system administrator's area: agencies, teams, users and roles. Every read of a user's
details and every change is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from lantern.access.audit import audit_record
from lantern.access.policy import declare_action
from lantern.accounts import services
from lantern.accounts.forms import AgencyForm, NewUserForm, ReasonForm, TeamForm, UserForm
from lantern.accounts.models import Agency, Role, Team, User, user_of
from lantern.core.drafts import draft_discard, form_for
from lantern.core.forms import add_service_errors, render_form
from lantern.core.models import Code
from lantern.core.services import ConflictError

PAGE_SIZE = 50


def _get(queryset: QuerySet[Any], pk: Any) -> Any:
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValidationError, ValueError) as missing:
        raise Http404 from missing


@declare_action("admin.view")
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "administration/overview.html",
        {
            "agencies": Agency.objects.count(),
            "teams": Team.objects.count(),
            "users": User.objects.filter(is_active=True).count(),
            "roles": Role.objects.count(),
        },
    )


# --- Agencies and teams -----------------------------------------------------------------------


@declare_action("admin.view")
@require_GET
def agency_list(request: HttpRequest) -> HttpResponse:
    agencies = (
        Agency.objects.select_related("agency_type")
        .annotate(
            user_count=Count("users", distinct=True), team_count=Count("teams", distinct=True)
        )
        .order_by("name")
    )
    query = request.GET.get("q", "").strip()
    agency_type = request.GET.get("type", "")
    status = request.GET.get("status", "")
    if query:
        agencies = agencies.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    if agency_type:
        agencies = agencies.filter(agency_type__code=agency_type)
    if status in {"active", "disabled"}:
        agencies = agencies.filter(is_active=status == "active")
    page = Paginator(agencies, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "administration/agency_list.html",
        {
            "page": page,
            "query": query,
            "agency_type": agency_type,
            "status": status,
            "types": Code.objects.in_list("agency_type").current(),
        },
    )


@declare_action("admin.view")
@require_GET
def agency_detail(request: HttpRequest, pk: str) -> HttpResponse:
    agency = _get(Agency.objects.select_related("agency_type"), pk)
    return render(
        request,
        "administration/agency_detail.html",
        {
            "agency": agency,
            "teams": agency.teams.annotate(member_count=Count("members")).order_by("name"),
            "users": agency.users.prefetch_related("roles").order_by("last_name", "first_name"),
            "status_form": ReasonForm(),
        },
    )


@declare_action("admin.manage")
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, pk: str | None = None) -> HttpResponse:
    agency = _get(Agency.objects.all(), pk) if pk else None
    initial = (
        {
            "id": agency.pk,
            "name": agency.name,
            "short_name": agency.short_name,
            "agency_type": agency.agency_type_id,
            "version": agency.version,
        }
        if agency
        else {}
    )
    form, draft = form_for(request, AgencyForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = user_of(request)
        try:
            if agency is None:
                agency = services.agency_create(
                    actor=actor,
                    request=request,
                    name=data["name"],
                    short_name=data["short_name"],
                    agency_type=data["agency_type"],
                )
                messages.success(request, f"{agency.name} has been added.")
            else:
                services.agency_update(
                    actor=actor,
                    request=request,
                    agency=agency,
                    expected_version=data["version"] or agency.version,
                    name=data["name"],
                    short_name=data["short_name"],
                    agency_type=data["agency_type"],
                )
                messages.success(request, f"{agency.name} has been updated.")
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            draft_discard(user=actor, path=request.path, request=request)
            return redirect("administration:agency", pk=agency.pk)
    return render_form(
        request, "administration/agency_form.html", {"form": form, "agency": agency, "draft": draft}
    )


@declare_action("admin.manage")
@require_POST
def agency_status(request: HttpRequest, pk: str) -> HttpResponse:
    agency = _get(Agency.objects.all(), pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    active = request.POST.get("active") == "true"
    try:
        services.agency_set_active(
            actor=user_of(request),
            request=request,
            agency=agency,
            active=active,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{agency.name} has been {'enabled' if active else 'disabled'}."
            + ("" if active else " Its users can no longer sign in."),
        )
    return redirect("administration:agency", pk=agency.pk)


@declare_action("admin.manage")
@require_http_methods(["GET", "POST"])
def team_edit(request: HttpRequest, agency_pk: str, pk: str | None = None) -> HttpResponse:
    agency = _get(Agency.objects.all(), agency_pk)
    team = _get(agency.teams.all(), pk) if pk else None
    initial = (
        {"name": team.name, "description": team.description, "version": team.version}
        if team
        else {}
    )
    form, draft = form_for(request, TeamForm, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = user_of(request)
        try:
            if team is None:
                team = services.team_create(
                    actor=actor,
                    request=request,
                    agency=agency,
                    name=data["name"],
                    description=data["description"],
                )
            else:
                services.team_update(
                    actor=actor,
                    request=request,
                    team=team,
                    expected_version=data["version"] or team.version,
                    name=data["name"],
                    description=data["description"],
                )
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            draft_discard(user=actor, path=request.path, request=request)
            messages.success(request, f"Team {team.name} has been saved.")
            return redirect("administration:agency", pk=agency.pk)
    return render_form(
        request,
        "administration/team_form.html",
        {"form": form, "agency": agency, "team": team, "draft": draft},
    )


# --- Users ------------------------------------------------------------------------------------


@declare_action("admin.users")
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    users = User.objects.select_related("agency").prefetch_related("roles")
    query = request.GET.get("q", "").strip()
    agency = request.GET.get("agency", "")
    role = request.GET.get("role", "")
    status = request.GET.get("status", "")
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if agency:
        try:
            users = users.filter(agency_id=agency)
        except ValidationError:
            users = users.none()
    if role:
        users = users.filter(roles__code=role)
    if status in {"active", "disabled"}:
        users = users.filter(is_active=status == "active")
    page = Paginator(users.order_by("last_name", "first_name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        action="admin.users_listed",
        request=request,
        detail={
            "q": query,
            "agency": agency,
            "role": role,
            "status": status,
            "page": page.number,
            "shown": len(page.object_list),
        },
    )
    return render(
        request,
        "administration/user_list.html",
        {
            "page": page,
            "query": query,
            "agency": agency,
            "role": role,
            "status": status,
            "agencies": Agency.objects.only("id", "name"),
            "roles": Role.objects.all(),
        },
    )


@declare_action("admin.users")
@require_GET
def user_detail(request: HttpRequest, pk: str) -> HttpResponse:
    user = _get(User.objects.select_related("agency").prefetch_related("roles", "teams"), pk)
    audit_record(action="admin.user_viewed", request=request, obj=user)
    return render(
        request,
        "administration/user_detail.html",
        {
            "subject": user,
            "has_totp": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
            "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).count(),
            "reason_form": ReasonForm(),
        },
    )


@declare_action("admin.manage")
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: str | None = None) -> HttpResponse:
    user = _get(User.objects.all(), pk) if pk else None
    initial: dict[str, Any] = {}
    if user is not None:
        initial = {
            "id": user.pk,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "username": user.username,
            "email": user.email,
            "job_title": user.job_title,
            "agency": user.agency_id,
            "teams": [t.pk for t in user.teams.all()],
            "roles": [r.pk for r in user.roles.all()],
            "version": user.version,
        }
    elif request.GET.get("agency"):
        initial = {"agency": request.GET["agency"]}
    form_class = UserForm if user else NewUserForm
    form, draft = form_for(request, form_class, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actor = user_of(request)
        details = services.UserDetails(
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            job_title=data["job_title"],
            agency=data["agency"],
            teams=list(data["teams"]),
            roles=list(data["roles"]),
        )
        try:
            if user is None:
                user = services.user_create(
                    actor=actor, request=request, details=details, password=data["password"]
                )
                messages.success(
                    request,
                    f"{user} has been added. They will set up their authenticator app the "
                    "first time they sign in.",
                )
            else:
                services.user_update(
                    actor=actor,
                    request=request,
                    user=user,
                    expected_version=data["version"] or user.version,
                    details=details,
                )
                messages.success(request, f"{user} has been updated.")
        except (ValidationError, ConflictError) as error:
            add_service_errors(form, error)
        else:
            draft_discard(user=actor, path=request.path, request=request)
            return redirect("administration:user", pk=user.pk)
    return render_form(
        request, "administration/user_form.html", {"form": form, "subject": user, "draft": draft}
    )


@declare_action("admin.manage")
@require_POST
def user_status(request: HttpRequest, pk: str) -> HttpResponse:
    user = _get(User.objects.all(), pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    active = request.POST.get("active") == "true"
    try:
        services.user_set_active(
            actor=user_of(request),
            request=request,
            user=user,
            active=active,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{user} has been {'enabled' if active else 'disabled'}.")
    return redirect("administration:user", pk=user.pk)


@declare_action("admin.manage")
@require_POST
def user_reset_second_factor(request: HttpRequest, pk: str) -> HttpResponse:
    user = _get(User.objects.all(), pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.user_reset_second_factor(
            actor=user_of(request),
            request=request,
            user=user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{user}'s sign-in methods have been removed. They will set up an authenticator app "
            "the next time they sign in.",
        )
    return redirect("administration:user", pk=user.pk)


@declare_action("admin.view")
@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    roles = Role.objects.annotate(
        user_count=Count("users", filter=Q(users__is_active=True))
    ).order_by("sort_order")
    return render(request, "administration/role_list.html", {"roles": roles})
