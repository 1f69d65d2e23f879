"""The workspace over the API: settings, members, invitations, history and the audit log."""

from typing import Any

from django.apps import apps
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Query, Router, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import AuditEntryOut, Page, PageParams, UUIDPath, paginate
from accord.workspaces import actions, selectors
from accord.workspaces.access import object_get
from accord.workspaces.models import Invitation, Membership, Workspace
from accord.workspaces.schemas import (
    AUDIT_TYPES,
    HISTORY_TYPES,
    AuditFilters,
    HistoryType,
    InvitationCreate,
    InvitationOut,
    MemberFilters,
    MemberOut,
    MemberUpdate,
    WorkspaceOut,
    WorkspaceUpdate,
)

router = Router()


# --- workspace ------------------------------------------------------------------------------


@router.get("/workspace", response=WorkspaceOut, tags=["workspace"])
def get_workspace(request: HttpRequest, response: HttpResponse) -> Membership:
    """The workspace this request acts in, and your role there."""
    membership = membership_of(request)
    etag_set(response, membership.workspace.version)
    return membership


@router.patch("/workspace", response=WorkspaceOut, tags=["workspace"])
def update_workspace(
    request: HttpRequest, payload: WorkspaceUpdate, response: HttpResponse
) -> Membership:
    """Rename the workspace. Needs admin."""
    membership = role_require(request, "admin")
    workspace = membership.workspace
    if_match_check(request, workspace.version)
    changes = payload.model_dump(exclude_unset=True)
    version_check(changes.pop("version", None), workspace.version)
    if "name" in changes:
        actions.workspace_update(workspace=workspace, actor=membership.user, name=changes["name"])
    etag_set(response, workspace.version)
    return membership


# --- members --------------------------------------------------------------------------------


def _member_get(workspace: Workspace, member_id: Any) -> Membership:
    return object_get(
        Membership.objects.select_related("user", "workspace"),
        workspace=workspace,
        uuid=member_id,
    )


@router.get("/members", response=Page[MemberOut], tags=["members"])
def list_members(
    request: HttpRequest, filters: Query[MemberFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """List the workspace's members (people who can sign in), by email."""
    workspace = membership_of(request).workspace
    rows = selectors.member_list(workspace=workspace, search=filters.q.strip())
    if filters.role:
        rows = rows.filter(role=filters.role)
    return paginate(request, rows, page)


@router.get("/members/{member_id}", response=MemberOut, tags=["members"])
def get_member(request: HttpRequest, member_id: UUIDPath, response: HttpResponse) -> Membership:
    """One member. The ETag header carries the version."""
    member = _member_get(membership_of(request).workspace, member_id)
    etag_set(response, member.version)
    return member


@router.patch("/members/{member_id}", response=MemberOut, tags=["members"])
def update_member(
    request: HttpRequest, member_id: UUIDPath, payload: MemberUpdate, response: HttpResponse
) -> Membership:
    """Change a member's role. Needs admin; only owners grant or change ownership."""
    membership = role_require(request, "admin")
    member = _member_get(membership.workspace, member_id)
    if_match_check(request, member.version)
    changes = payload.model_dump(exclude_unset=True)
    version_check(changes.pop("version", None), member.version)
    if "role" in changes and changes["role"] != member.role:
        actions.membership_role_change(
            actor_membership=membership, target=member, role=changes["role"]
        )
    etag_set(response, member.version)
    return member


@router.delete("/members/{member_id}", response={204: None}, tags=["members"])
def delete_member(request: HttpRequest, member_id: UUIDPath) -> Status[None]:
    """Remove a member from the workspace. Anyone may remove themselves (leave); removing
    others needs admin. The last owner cannot leave."""
    membership = membership_of(request)
    member = _member_get(membership.workspace, member_id)
    if member.pk != membership.pk:
        role_require(request, "admin")
    if_match_check(request, member.version)
    actions.membership_remove(actor_membership=membership, target=member)
    return Status(204, None)


# --- invitations ----------------------------------------------------------------------------


@router.get("/invitations", response=Page[InvitationOut], tags=["invitations"])
def list_invitations(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Invitations waiting to be accepted, newest first."""
    workspace = membership_of(request).workspace
    return paginate(request, selectors.invitation_pending_list(workspace=workspace), page)


@router.post("/invitations", response={201: InvitationOut}, tags=["invitations"])
def create_invitation(request: HttpRequest, payload: InvitationCreate) -> Status[Invitation]:
    """Invite someone by email; they get a link that works once. Needs admin.

    A new invitation replaces a pending one for the same address. The link itself is only
    ever emailed, never returned.
    """
    membership = role_require(request, "admin")
    invitation, _token = actions.invitation_create(
        actor_membership=membership, email=payload.email, role=payload.role
    )
    return Status(201, invitation)


@router.delete("/invitations/{invitation_id}", response={204: None}, tags=["invitations"])
def revoke_invitation(request: HttpRequest, invitation_id: UUIDPath) -> Status[None]:
    """Revoke a pending invitation: its link stops working. Needs admin."""
    membership = role_require(request, "admin")
    invitation = object_get(
        selectors.invitation_pending_list(workspace=membership.workspace).select_related(
            "workspace"
        ),
        workspace=membership.workspace,
        uuid=invitation_id,
    )
    actions.invitation_revoke(actor_membership=membership, invitation=invitation)
    return Status(204, None)


# --- history and audit ----------------------------------------------------------------------


@router.get("/history/{object_type}/{object_id}", response=Page[AuditEntryOut], tags=["history"])
def history(
    request: HttpRequest, object_type: HistoryType, object_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Every recorded change to one record of this workspace, newest first."""
    workspace = membership_of(request).workspace
    label = HISTORY_TYPES[object_type]
    instance: Any
    if label == "workspaces.workspace":
        if str(workspace.uuid) != str(object_id).lower():
            raise Http404("No such workspace.")
        instance = workspace
    else:
        instance = object_get(apps.get_model(label), workspace=workspace, uuid=object_id)
    entries = selectors.audit_list(workspace=workspace, instance=instance)
    return paginate(request, entries.select_related("actor"), page)


@router.get("/audit", response=Page[AuditEntryOut], tags=["history"])
def list_audit(
    request: HttpRequest, filters: Query[AuditFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The workspace's audit log: who changed what, newest first. Needs admin."""
    membership = role_require(request, "admin")
    entries = selectors.audit_list(workspace=membership.workspace).select_related("actor")
    if filters.object_type:
        entries = entries.filter(object_type=AUDIT_TYPES[filters.object_type])
    if filters.action:
        entries = entries.filter(action=filters.action)
    return paginate(request, entries, page)
