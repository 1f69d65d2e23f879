"""API shapes for the workspace, its members, invitations and audit trail."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from ninja import Field, Schema

from accord.api.schemas import PatchSchema, UserRef
from accord.workspaces.models import Role

RoleName = Literal["owner", "admin", "member", "viewer"]
assert set(RoleName.__args__) == set(Role.values)  # type: ignore[attr-defined]

# Friendly names for the records whose history the API serves -> model label.
HISTORY_TYPES = {
    "person": "org.person",
    "function": "org.function",
    "membership": "workspaces.membership",
    "invitation": "workspaces.invitation",
    "workspace": "workspaces.workspace",
}
HistoryType = Literal["person", "function", "membership", "invitation", "workspace"]


class WorkspaceOut(Schema):
    id: UUID
    name: str
    slug: str
    role: RoleName = Field(description="Your role in this workspace.")
    version: int
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.workspace.uuid

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.workspace.name)

    @staticmethod
    def resolve_slug(obj: Any) -> str:
        return str(obj.workspace.slug)

    @staticmethod
    def resolve_version(obj: Any) -> int:
        return int(obj.workspace.version)

    @staticmethod
    def resolve_created_at(obj: Any) -> Any:
        return obj.workspace.created_at


class WorkspaceUpdate(PatchSchema):
    name: str | None = Field(None, max_length=120)
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class MemberOut(Schema):
    id: UUID
    email: str
    name: str
    role: RoleName
    joined_at: datetime
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user.label)

    @staticmethod
    def resolve_joined_at(obj: Any) -> Any:
        return obj.created_at


class MemberFilters(Schema):
    q: str = Field("", description="Search in name and email.")
    role: RoleName | None = None


class MemberUpdate(PatchSchema):
    role: RoleName | None = Field(None, description="The new role.")
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class InvitationOut(Schema):
    id: UUID
    email: str
    role: RoleName
    status: str
    invited_by: UserRef | None
    expires_at: datetime
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class InvitationCreate(Schema):
    email: str = Field(max_length=254)
    role: RoleName = "member"


AUDIT_TYPES = {**HISTORY_TYPES, "apitoken": "api.apitoken"}
AuditType = Literal["person", "function", "membership", "invitation", "workspace", "apitoken"]


class AuditFilters(Schema):
    object_type: AuditType | None = Field(None, description="Only changes to this kind.")
    action: Literal["create", "update", "delete"] | None = None
