"""Partnership pages: the list, start a partnership, its home, charter, members, lifecycle."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.insights.health_selectors import health_card
from accord.insights.models import HealthSnapshot
from accord.partnerships import actions, selectors
from accord.partnerships.actions import CHARTER_SECTIONS
from accord.partnerships.forms import (
    CharterSectionForm,
    MemberChangeForm,
    MemberForm,
    PartnershipForm,
    StatusForm,
)
from accord.partnerships.models import (
    LIFECYCLE_MOVES,
    Lifecycle,
    Partnership,
    PartnershipMember,
)
from accord.web.forms import form_add_errors
from accord.web.options import options_html
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

PAGE_SIZE = 50

MOVE_VERBS = {
    Lifecycle.FORMING: "Start forming",
    Lifecycle.ACTIVE: "Activate",
    Lifecycle.PAUSED: "Pause",
    Lifecycle.CLOSED: "Close",
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _partnership(request: HttpRequest, slug: str, *, detail: bool = False) -> Partnership:
    membership = _membership(request)
    queryset = selectors.partnership_detail(membership=membership) if detail else None
    return selectors.partnership_get(membership=membership, slug=slug, queryset=queryset)


def _manage_require(request: HttpRequest, partnership: Partnership) -> None:
    if not selectors.partnership_can_manage(
        membership=_membership(request), partnership=partnership
    ):
        raise PermissionDenied(
            "Only the partnership's lead, its sponsor and workspace admins can change it."
        )


def _home_url(partnership: Partnership, anchor: str = "") -> str:
    url = reverse("partnership_detail", args=[partnership.workspace.slug, partnership.slug])
    return f"{url}#{anchor}" if anchor else url


# --- list -----------------------------------------------------------------------------------


def _filters(params: QueryDict) -> dict[str, Any]:
    status = params.get("status", "")
    return {
        "search": params.get("q", "").strip()[:100],
        "function": _uuid_or_none(params.get("function")),
        "status": status if status in Lifecycle.values else None,
        "lead": _uuid_or_none(params.get("lead")),
    }


# What a list row shows: not the charter's long texts.
LIST_COLUMNS = (
    "pk",
    "uuid",
    "workspace_id",
    "name",
    "slug",
    "purpose",
    "privacy",
    "status",
    "start_date",
    "end_date",
    "lead__uuid",
    "lead__name",
    "sponsor__uuid",
    "sponsor__name",
)


@login_required
@workspace_view("viewer")
def partnership_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    filters = _filters(request.GET)
    # Each row's latest health index: one correlated subquery on the (partnership, date)
    # unique index, so the page keeps its query count.
    latest_health = HealthSnapshot.objects.filter(partnership=OuterRef("pk")).order_by("-date")
    rows = (
        selectors.partnership_list(membership=membership, **filters)
        .only(*LIST_COLUMNS)
        .annotate(health_score=Subquery(latest_health.values("score")[:1]))
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    partnerships = list(page.object_list)
    filtered = any(filters.values())
    query = request.GET.copy()
    query.pop("page", None)
    context: dict[str, Any] = {
        "partnerships": partnerships,
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": filtered,
        "none_yet": not filtered and not page.paginator.count,
    }
    if _is_htmx(request):
        template = "partnerships/list.html#results"
    else:
        template = "partnerships/list.html"
        context["functions"] = list(
            selectors.partnership_function_list(workspace=membership.workspace)
        )
        context["lead_options"] = options_html(
            selectors.partnership_leads(membership=membership).values_list("uuid", "name"),
            str(filters["lead"]) if filters["lead"] else None,
        )
        context["statuses"] = Lifecycle.choices
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


# --- create and settings --------------------------------------------------------------------


@login_required
@workspace_view("member")
def partnership_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    workspace = membership.workspace
    form = PartnershipForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.partnership_create(
                workspace=workspace, actor=request.user, **form.partnership_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request, f"Started {created.name}. Write its charter and add its members next."
            )
            return redirect("partnership_detail", workspace.slug, created.slug)
    return render(
        request,
        "partnerships/form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("member")
def partnership_edit(request: HttpRequest, partnership: str) -> HttpResponse:
    workspace = _membership(request).workspace
    found = _partnership(request, partnership, detail=True)
    _manage_require(request, found)
    if request.method != "POST":
        form = PartnershipForm(initial=PartnershipForm.initial_for(found), workspace=workspace)
        return render(request, "partnerships/form.html", {"form": form, "partnership": found})
    form = PartnershipForm(request.POST, workspace=workspace)
    status = 200
    if form.is_valid():
        fields = form.partnership_fields()
        try:
            actions.partnership_update(
                partnership=found,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **fields,
            )
        except actions.StaleVersion:
            fresh = _partnership(request, partnership, detail=True)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = PartnershipForm(data, workspace=workspace)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved {fresh.name} while you were editing. Your changes are "
                "below and not saved yet; save again to keep them, or cancel to keep theirs.",
            )
            found = fresh
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved changes to {found.name}.")
            return redirect("partnership_detail", workspace.slug, found.slug)
    if form.errors and status == 200:
        status = 422
    return render(
        request, "partnerships/form.html", {"form": form, "partnership": found}, status=status
    )


@login_required
@require_POST
@workspace_view("admin")
def partnership_delete(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership)
    name = found.name
    actions.partnership_delete(partnership=found, actor=request.user)
    messages.success(request, f"Deleted the {name} partnership.")
    return redirect("partnership_list", found.workspace.slug)


# --- home -----------------------------------------------------------------------------------


def _goal_url(workspace_slug: str, goal_uuid: Any) -> str:
    try:
        return reverse("goal_detail", args=[workspace_slug, goal_uuid])
    except NoReverseMatch:
        return f"/w/{workspace_slug}/goals/{goal_uuid}/"


def _charter(partnership: Partnership) -> list[dict[str, str]]:
    return [
        {"key": key, "title": title, "text": getattr(partnership, key)}
        for key, title in CHARTER_SECTIONS.items()
    ]


def _home_context(
    request: HttpRequest, partnership: Partnership, *, member_form: MemberForm | None = None
) -> dict[str, Any]:
    membership = _membership(request)
    can_manage = selectors.partnership_can_manage(membership=membership, partnership=partnership)
    members = list(selectors.partnership_member_list(partnership=partnership))
    goals = list(selectors.partnership_goal_list(partnership=partnership))
    for goal in goals:
        goal.url = _goal_url(membership.workspace.slug, goal.uuid)  # type: ignore[attr-defined]
    checkins = list(selectors.partnership_checkin_list(partnership=partnership))
    for checkin in checkins:
        checkin.goal_url = _goal_url(  # type: ignore[attr-defined]
            membership.workspace.slug, checkin.goal.uuid
        )
    moves = [
        {"to": value, "label": label, "verb": MOVE_VERBS.get(Lifecycle(value), label)}
        for value, label in Lifecycle.choices
        if value in LIFECYCLE_MOVES[partnership.status]
    ]
    if can_manage and member_form is None:
        member_form = MemberForm(partnership=partnership)
    return {
        "partnership": partnership,
        "can_manage": can_manage,
        "can_add_goal": can_manage
        or selectors.partnership_can_contribute(membership=membership, partnership=partnership),
        "charter": _charter(partnership),
        "groups": selectors.partnership_members_by_function(
            partnership=partnership, members=members
        ),
        "member_count": len(members),
        "member_form": member_form,
        "roles": PartnershipMember.Role.choices,
        "goals": goals,
        "kpis": list(selectors.partnership_kpi_list(partnership=partnership)),
        "checkins": checkins,
        "status_changes": list(selectors.partnership_status_change_list(partnership=partnership)),
        "moves": moves,
        "lifecycle": Lifecycle.choices,
        "history": list(audit_list(workspace=membership.workspace, instance=partnership, limit=50)),
        "health": health_card(partnership=partnership),
    }


@login_required
@workspace_view("viewer")
def partnership_detail(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership, detail=True)
    return render(request, "partnerships/home.html", _home_context(request, found))


# --- lifecycle ------------------------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def partnership_status(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership)
    _manage_require(request, found)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a lifecycle status to move to.")
        return redirect(_home_url(found))
    try:
        change = actions.partnership_status_change(
            partnership=found,
            actor=request.user,
            to=form.cleaned_data["to"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{found.name} is now {change.get_to_status_display().lower()}.")
    return redirect(_home_url(found))


# --- charter --------------------------------------------------------------------------------


def _section_or_404(section: str) -> str:
    if section not in CHARTER_SECTIONS:
        raise Http404("No such charter section.")
    return section


def _section_context(partnership: Partnership, section: str, **extra: Any) -> dict[str, Any]:
    return {
        "partnership": partnership,
        "section": {
            "key": section,
            "title": CHARTER_SECTIONS[section],
            "text": getattr(partnership, section),
        },
        **extra,
    }


@login_required
@workspace_view("viewer")
def charter_section(request: HttpRequest, partnership: str, section: str) -> HttpResponse:
    """One charter section as read (htmx swaps it back in after Cancel)."""
    _section_or_404(section)
    found = _partnership(request, partnership)
    if not _is_htmx(request):
        return redirect(_home_url(found, f"charter-{section}"))
    can_manage = selectors.partnership_can_manage(
        membership=_membership(request), partnership=found
    )
    return render(
        request,
        "partnerships/_charter.html#section",
        _section_context(found, section, can_manage=can_manage),
    )


@login_required
@workspace_view("member")
def charter_section_edit(request: HttpRequest, partnership: str, section: str) -> HttpResponse:
    """Edit one charter section: inline with htmx, or as its own page without JavaScript."""
    _section_or_404(section)
    found = _partnership(request, partnership)
    _manage_require(request, found)
    htmx = _is_htmx(request)
    template = "partnerships/_charter.html#form" if htmx else "partnerships/charter_edit.html"
    if request.method != "POST":
        form = CharterSectionForm(
            initial={"text": getattr(found, section), "expected_version": found.version},
            section=section,
        )
        return render(request, template, _section_context(found, section, form=form))
    form = CharterSectionForm(request.POST, section=section)
    status = 200
    if form.is_valid():
        try:
            actions.partnership_charter_update(
                partnership=found,
                actor=request.user,
                section=section,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["expected_version"],
            )
        except actions.StaleVersion:
            fresh = _partnership(request, partnership)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = CharterSectionForm(data, section=section)
            form.is_valid()
            saved = getattr(fresh, section) or "(empty)"
            form.add_error(
                None,
                f"Someone else changed the partnership while you were editing. Saved now: "
                f"“{saved}”. Your text is below; save again to keep it.",
            )
            found = fresh
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
            status = 422
        else:
            if htmx:
                return render(
                    request,
                    "partnerships/_charter.html#section",
                    _section_context(found, section, can_manage=True, saved=True),
                )
            messages.success(request, f"Saved the {CHARTER_SECTIONS[section].lower()} section.")
            return redirect(_home_url(found, f"charter-{section}"))
    # htmx swaps only 2xx answers: the form with its message comes back as a 200.
    return render(
        request,
        template,
        _section_context(found, section, form=form),
        status=200 if htmx else status,
    )


# --- members --------------------------------------------------------------------------------


@login_required
@require_POST
@workspace_view("member")
def member_add(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership, detail=True)
    _manage_require(request, found)
    form = MemberForm(request.POST, partnership=found)
    if form.is_valid():
        try:
            member = actions.partnership_member_add(
                partnership=found,
                actor=request.user,
                person=form.cleaned_data["person"],
                function=form.cleaned_data["function"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(
                request, f"{member.person.name} joined, representing {member.function.name}."
            )
            return redirect(_home_url(found, "members"))
    return render(
        request,
        "partnerships/home.html",
        _home_context(request, found, member_form=form),
        status=422,
    )


def _member(request: HttpRequest, partnership: Partnership, member: uuid.UUID) -> Any:
    return object_get(
        PartnershipMember.objects.select_related("person", "function", "partnership"),
        workspace=_membership(request).workspace,
        partnership=partnership,
        uuid=member,
    )


@login_required
@require_POST
@workspace_view("member")
def member_update(
    request: HttpRequest, partnership: str, partnership_member: uuid.UUID
) -> HttpResponse:
    found = _partnership(request, partnership)
    _manage_require(request, found)
    member = _member(request, found, partnership_member)
    form = MemberChangeForm(request.POST, workspace=found.workspace)
    if not form.is_valid():
        messages.error(request, "Choose one of the partnership's functions and a role.")
        return redirect(_home_url(found, "members"))
    try:
        actions.partnership_member_update(
            member=member,
            actor=request.user,
            function=form.cleaned_data["function"],
            role=form.cleaned_data["role"] or None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Updated {member.person.name}.")
    return redirect(_home_url(found, "members"))


@login_required
@require_POST
@workspace_view("member")
def member_remove(
    request: HttpRequest, partnership: str, partnership_member: uuid.UUID
) -> HttpResponse:
    found = _partnership(request, partnership)
    _manage_require(request, found)
    member = _member(request, found, partnership_member)
    name = member.person.name
    actions.partnership_member_remove(member=member, actor=request.user)
    messages.success(request, f"{name} is no longer a member of {found.name}.")
    return redirect(_home_url(found, "members"))
