"""Reads for workspaces: always scoped to a workspace and the acting user."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse

from accord.workspaces.models import AuditEntry, Invitation, Membership, Workspace

LAST_WORKSPACE_KEY = "accord_workspace"


def membership_list_for_user(user: Any) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("workspace").order_by("workspace__name")
    )


def landing_url_for(request: HttpRequest) -> str:
    """Where a signed-in user lands: the last workspace used, else the first, else setup."""
    memberships = list(membership_list_for_user(request.user))
    if not memberships:
        return reverse("workspace_create")
    last = request.session.get(LAST_WORKSPACE_KEY)
    chosen = next((m for m in memberships if m.workspace.slug == last), memberships[0])
    return reverse("dashboard", args=[chosen.workspace.slug])


def member_list(*, workspace: Workspace, search: str = "") -> QuerySet[Membership]:
    members = Membership.objects.filter(workspace=workspace).select_related("user")
    if search:
        members = members.filter(user__email__icontains=search) | members.filter(
            user__display_name__icontains=search
        )
    return members.order_by("user__email")


def invitation_pending_list(*, workspace: Workspace) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        workspace=workspace, status=Invitation.Status.PENDING
    ).select_related("invited_by")


def audit_list(
    *, workspace: Workspace, instance: Any | None = None, limit: int | None = None
) -> QuerySet[AuditEntry]:
    entries = AuditEntry.objects.filter(workspace=workspace)
    if instance is not None:
        entries = entries.filter(object_type=instance._meta.label_lower, object_uuid=instance.uuid)
    entries = entries.order_by("-at", "-id")
    return entries[:limit] if limit else entries
