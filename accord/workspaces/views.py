from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.web.forms import form_add_errors
from accord.workspaces import actions, selectors
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.forms import (
    AcceptNewAccountForm,
    InvitationForm,
    RoleForm,
    WorkspaceCreateForm,
    WorkspaceSettingsForm,
)
from accord.workspaces.models import Invitation, Membership


@login_required
def workspace_create(request: HttpRequest) -> HttpResponse:
    form = WorkspaceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workspace = actions.workspace_create(
                name=form.cleaned_data["name"], slug=form.cleaned_data["slug"], owner=request.user
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"{workspace.name} is ready. You are its owner.")
            return redirect("dashboard", workspace.slug)
    return render(
        request,
        "workspaces/workspace_create.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("viewer")
def workspace_settings(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    form = WorkspaceSettingsForm(request.POST or None, initial={"name": membership.workspace.name})
    if request.method == "POST":
        if not membership.can_admin:
            messages.error(request, "Only admins and owners can rename the workspace.")
            return redirect("workspace_settings", membership.workspace.slug)
        if form.is_valid():
            try:
                actions.workspace_update(
                    workspace=membership.workspace,
                    actor=request.user,
                    name=form.cleaned_data["name"],
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, "Workspace renamed.")
                return redirect("workspace_settings", membership.workspace.slug)
    return render(
        request,
        "workspaces/settings.html",
        {"form": form, "tab": "general"},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("viewer")
def member_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    workspace = membership.workspace
    form = InvitationForm(request.POST or None)
    if request.method == "POST":
        if not membership.can_admin:
            messages.error(request, "Only admins and owners can invite people.")
            return redirect("member_list", workspace.slug)
        if form.is_valid():
            try:
                invitation, _token = actions.invitation_create(
                    actor_membership=membership,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                )
            except ValidationError as error:
                form_add_errors(form, error)
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("member_list", workspace.slug)
    search = request.GET.get("q", "").strip()
    members = list(selectors.member_list(workspace=workspace, search=search))
    return render(
        request,
        "workspaces/members.html",
        {
            "form": form,
            "members": members,
            "search": search,
            "invitations": list(selectors.invitation_pending_list(workspace=workspace)),
            "role_form": RoleForm(),
            "tab": "members",
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
@workspace_view("admin")
def member_role(request: HttpRequest, member: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    target = object_get(
        Membership.objects.select_related("user", "workspace"),
        workspace=membership.workspace,
        uuid=member,
    )
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            actions.membership_role_change(
                actor_membership=membership, target=target, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{target.user} is now {target.get_role_display().lower()}.")
    else:
        messages.error(request, "Choose one of the listed roles.")
    return redirect("member_list", membership.workspace.slug)


@login_required
@require_POST
@workspace_view("viewer")
def member_remove(request: HttpRequest, member: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    target = object_get(
        Membership.objects.select_related("user", "workspace"),
        workspace=membership.workspace,
        uuid=member,
    )
    leaving = target.pk == membership.pk
    if not leaving and not membership.can_admin:
        messages.error(request, "Only admins and owners can remove members.")
        return redirect("member_list", membership.workspace.slug)
    try:
        actions.membership_remove(actor_membership=membership, target=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("member_list", membership.workspace.slug)
    if leaving:
        messages.success(request, f"You left {membership.workspace.name}.")
        return redirect("home")
    messages.success(request, f"{target.user} was removed from the workspace.")
    return redirect("member_list", membership.workspace.slug)


@login_required
@require_POST
@workspace_view("admin")
def invitation_revoke(request: HttpRequest, invitation: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = object_get(
        Invitation.objects.select_related("workspace"),
        workspace=membership.workspace,
        uuid=invitation,
    )
    try:
        actions.invitation_revoke(actor_membership=membership, invitation=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Invitation for {found.email} revoked.")
    return redirect("member_list", membership.workspace.slug)


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """One link for everyone invited: signed-in users join, new people create an account."""
    from django.contrib.auth import get_user_model

    invitation = actions.invitation_find(token)
    if invitation is None:
        return render(request, "workspaces/invitation_invalid.html", status=404)
    context: dict[str, object] = {"invitation": invitation}
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                actions.invitation_accept(invitation=invitation, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("invitation_accept", token)
            messages.success(request, f"Welcome to {invitation.workspace.name}.")
            return redirect("dashboard", invitation.workspace.slug)
        return render(request, "workspaces/invitation_accept.html", context)
    has_account = get_user_model().objects.filter(email__iexact=invitation.email).exists()
    if has_account:
        context["has_account"] = True
        return render(request, "workspaces/invitation_accept.html", context)
    form = AcceptNewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.user_create_from_invitation(
                invitation=invitation,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"Welcome to {invitation.workspace.name}.")
            return redirect("dashboard", invitation.workspace.slug)
    context["form"] = form
    return render(
        request, "workspaces/invitation_accept.html", context, status=422 if form.errors else 200
    )


@login_required
@workspace_view("admin")
def audit_log(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    entries = selectors.audit_list(workspace=workspace)
    kind = request.GET.get("type", "")
    if kind:
        entries = entries.filter(object_type=kind)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "workspaces/audit_log.html",
        {
            "page_obj": page,
            "entries": list(page.object_list),
            "kind": kind,
            "query_without_page": (query.urlencode() + "&") if query else "",
            "tab": "audit",
        },
    )
