"""API shapes for partnerships, their members and lifecycle. References are by UUID."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from ninja import Field, Schema

from accord.api.schemas import PatchSchema, Ref, UserRef
from accord.partnerships.models import LIFECYCLE_MOVES, Lifecycle, PartnershipMember, Privacy

if TYPE_CHECKING:
    LifecycleStatus = str
    PrivacyChoice = str
    MemberRole = str
else:
    LifecycleStatus = Literal[tuple(Lifecycle.values)]
    PrivacyChoice = Literal[tuple(Privacy.values)]
    MemberRole = Literal[tuple(PartnershipMember.Role.values)]

PRIVACY_HELP = "workspace: everyone in the workspace; members: its members, lead, sponsor, admins."
MOVES_HELP = "; ".join(
    f"{source} → {', '.join(sorted(targets)) or 'nothing (final)'}"
    for source, targets in LIFECYCLE_MOVES.items()
)


class PartnershipOut(Schema):
    id: UUID
    slug: str = Field(description="The partnership's id in URLs, unique in the workspace.")
    name: str
    purpose: str
    status: LifecycleStatus
    functions: list[Ref]
    sponsor: Ref | None = Field(description="The executive sponsor.")
    lead: Ref | None
    start_date: date | None
    end_date: date | None
    privacy: PrivacyChoice = Field(description=PRIVACY_HELP)
    member_count: int
    goal_count: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_functions(obj: Any) -> list[Any]:
        return list(obj.functions.all())

    @staticmethod
    def resolve_member_count(obj: Any) -> int:
        return int(getattr(obj, "member_count", 0) or 0)

    @staticmethod
    def resolve_goal_count(obj: Any) -> int:
        return int(getattr(obj, "goal_count", 0) or 0)


class PartnershipDetailOut(PartnershipOut):
    problem: str
    scope_in: str
    scope_out: str
    success_criteria: str
    working_agreements: str
    allowed_moves: list[LifecycleStatus] = Field(
        description=f"Statuses it may move to next. {MOVES_HELP}"
    )

    @staticmethod
    def resolve_allowed_moves(obj: Any) -> list[str]:
        return sorted(LIFECYCLE_MOVES.get(obj.status, set()))


class _CharterIn(Schema):
    problem: str = ""
    scope_in: str = Field("", description="What the partnership owns.")
    scope_out: str = Field("", description="What it deliberately does not take on.")
    success_criteria: str = ""
    working_agreements: str = ""


class PartnershipCreate(_CharterIn):
    name: str = Field(max_length=150)
    slug: str | None = Field(
        None, max_length=60, description="Made from the name (and kept unique) when left out."
    )
    purpose: str = ""
    functions: list[UUID] = Field(description="Ids of two or more functions of the workspace.")
    sponsor: UUID | None = Field(None, description="Id of the executive sponsor (a person).")
    lead: UUID | None = Field(None, description="Id of the lead (a person).")
    start_date: date | None = None
    end_date: date | None = Field(None, description="On or after start_date.")
    privacy: PrivacyChoice = Field(Privacy.WORKSPACE.value, description=PRIVACY_HELP)


class PartnershipUpdate(PatchSchema):
    """Only the fields sent change; null clears sponsor, lead and dates. `functions`, when
    sent, replaces the list (a function that still has members cannot be dropped)."""

    NULLABLE = frozenset({"sponsor", "lead", "start_date", "end_date", "version"})

    name: str | None = Field(None, max_length=150)
    purpose: str | None = None
    problem: str | None = None
    scope_in: str | None = None
    scope_out: str | None = None
    success_criteria: str | None = None
    working_agreements: str | None = None
    functions: list[UUID] | None = None
    sponsor: UUID | None = None
    lead: UUID | None = None
    start_date: date | None = None
    end_date: date | None = None
    privacy: PrivacyChoice | None = Field(None, description=PRIVACY_HELP)
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class PartnershipFilters(Schema):
    q: str = Field("", description="Search in name and purpose.")
    status: LifecycleStatus | None = None
    function: UUID | None = Field(None, description="Function id: partnerships it takes part in.")
    lead: UUID | None = Field(None, description="Lead's person id.")


class StatusChangeIn(Schema):
    to: LifecycleStatus = Field(description=MOVES_HELP)
    note: str = Field("", max_length=2000, description="Why, for the lifecycle history.")


class StatusChangeOut(Schema):
    from_status: LifecycleStatus | None = Field(description="Null for the first entry.")
    to_status: LifecycleStatus
    changed_by: UserRef | None = Field(description="Null when done by the system.")
    note: str
    at: datetime

    @staticmethod
    def resolve_from_status(obj: Any) -> str | None:
        return obj.from_status or None

    @staticmethod
    def resolve_at(obj: Any) -> datetime:
        return obj.created_at  # type: ignore[no-any-return]


class PartnershipMemberOut(Schema):
    id: UUID
    person: Ref
    function: Ref = Field(description="The function this member represents.")
    role: MemberRole
    version: int
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class MemberCreate(Schema):
    person: UUID
    function: UUID = Field(description="One of the partnership's functions.")
    role: MemberRole = PartnershipMember.Role.CORE.value


class PartnershipMemberUpdate(PatchSchema):
    function: UUID | None = Field(None, description="One of the partnership's functions.")
    role: MemberRole | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")
