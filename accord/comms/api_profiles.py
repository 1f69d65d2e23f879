"""Function profiles over the API: the list with review dates, one profile (get, put), its
review, and its ranked priorities (get, put). Everyone reads; the function's lead and admins
write. Priorities share the profile's version (one ETag guards both)."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, UUIDPath, paginate
from accord.comms import profile_actions as actions
from accord.comms import profile_selectors as selectors
from accord.comms.models_plan import ChannelKind
from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.org.models import Function
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    Planning = str
    Kind = str
else:
    Planning = Literal[("", *FunctionProfile.Planning.values)]
    Kind = Literal[tuple(ChannelKind.values)]

router = Router(tags=["Function profiles"])


class ProfileLink(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ProfileSummaryOut(Schema):
    function: ProfileLink
    lead: ProfileLink | None
    has_profile: bool
    planning_cycle: str
    response_time_hours: int | None
    reviewed_at: datetime | None
    stale: bool = Field(description="Never reviewed, or last reviewed over 90 days ago.")

    @staticmethod
    def resolve_function(obj: Any) -> Any:
        return obj

    @staticmethod
    def resolve_lead(obj: Any) -> Any:
        return obj.lead

    @staticmethod
    def resolve_has_profile(obj: Any) -> bool:
        return getattr(obj, "profile", None) is not None

    @staticmethod
    def resolve_planning_cycle(obj: Any) -> str:
        profile = getattr(obj, "profile", None)
        return profile.planning_cycle if profile else ""

    @staticmethod
    def resolve_response_time_hours(obj: Any) -> int | None:
        profile = getattr(obj, "profile", None)
        return profile.response_time_hours if profile else None

    @staticmethod
    def resolve_reviewed_at(obj: Any) -> Any:
        profile = getattr(obj, "profile", None)
        return profile.reviewed_at if profile else None

    @staticmethod
    def resolve_stale(obj: Any) -> bool:
        return selectors.profile_is_stale(getattr(obj, "profile", None), timezone.localdate())


class BusyWindowSchema(Schema):
    label: str = Field(max_length=60)
    months: list[int] = Field(default_factory=list, description="1–12; empty: every month.")
    day_from: int = Field(1, ge=1, le=31)
    day_to: int = Field(31, ge=1, le=31)


class PriorityOut(Schema):
    id: UUID
    rank: int
    title: str
    detail: str
    metric_key: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ProfileKpiOut(Schema):
    key: str
    name: str
    unit: str
    known: bool = Field(description="False when the key is no longer in the catalog.")


class ProfileOut(Schema):
    id: UUID
    function: ProfileLink
    mission: str
    role_in_business: str
    owned_kpis: list[ProfileKpiOut]
    planning_cycle: str
    working_methods: str
    busy_periods: str
    busy_windows: list[BusyWindowSchema]
    approval_steps: str = Field(description="One step per line.")
    preferred_channels: list[str]
    response_time_hours: int | None
    how_to_ask: str
    priorities: list[PriorityOut]
    reviewed_at: datetime | None
    reviewed_by: ProfileLink | None
    stale: bool
    version: int
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_owned_kpis(obj: Any) -> Any:
        return selectors.kpi_rows(workspace=obj.workspace, keys=obj.owned_kpis or [])

    @staticmethod
    def resolve_priorities(obj: Any) -> Any:
        return list(obj.priorities.all())

    @staticmethod
    def resolve_stale(obj: Any) -> bool:
        return selectors.profile_is_stale(obj, timezone.localdate())


class ProfileIn(Schema):
    """The whole profile: fields left out are emptied (PUT replaces)."""

    mission: str = Field("", max_length=4000)
    role_in_business: str = Field("", max_length=4000)
    owned_kpis: list[str] = Field(default_factory=list, description="Metric catalog keys.")
    planning_cycle: Planning = ""
    working_methods: str = Field("", max_length=4000)
    busy_periods: str = Field("", max_length=300)
    busy_windows: list[BusyWindowSchema] = Field(default_factory=list)
    approval_steps: str = Field("", max_length=4000, description="One step per line.")
    preferred_channels: list[Kind] = Field(default_factory=list)
    response_time_hours: int | None = Field(None, ge=1, le=720)
    how_to_ask: str = Field("", max_length=4000)
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class PriorityIn(Schema):
    title: str = Field(max_length=200)
    detail: str = Field("", max_length=400)
    metric_key: str = Field("", max_length=60, description="A catalog metric key, or empty.")


class PrioritiesIn(Schema):
    priorities: list[PriorityIn] = Field(description="Most important first (rank 1).")
    version: int | None = Field(None, description="The profile version you edited.")


def _function(membership: Membership, function_id: str) -> Function:
    return selectors.profile_function_get(workspace=membership.workspace, uuid=function_id)


def _profile(function: Function) -> FunctionProfile:
    profile = selectors.profile_of(function)
    if profile is None:
        raise Http404("No such function profile.")
    return profile


@router.get("/function-profiles", response=Page[ProfileSummaryOut])
def list_function_profiles(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Every function with its profile's review date and whether it is stale."""
    membership = membership_of(request)
    return paginate(request, selectors.function_profile_list(workspace=membership.workspace), page)


@router.get("/functions/{function_id}/profile", response=ProfileOut)
def get_function_profile(
    request: HttpRequest, function_id: UUIDPath, response: HttpResponse
) -> FunctionProfile:
    """How to work with the function. 404 until it has a profile."""
    profile = _profile(_function(membership_of(request), function_id))
    etag_set(response, profile.version)
    return profile


@router.put("/functions/{function_id}/profile", response={200: ProfileOut, 201: ProfileOut})
def put_function_profile(
    request: HttpRequest, function_id: UUIDPath, payload: ProfileIn, response: HttpResponse
) -> Status[FunctionProfile]:
    """Write the whole profile (201 the first time). Needs the function's lead or an admin.
    Saving counts as a review. Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    function = _function(membership, function_id)
    existing = selectors.profile_of(function)
    fields = payload.model_dump()
    expected = fields.pop("version", None)
    if existing is not None:
        if_match_check(request, existing.version)
        version_check(expected, existing.version)
    actions.profile_save(
        membership=membership, function=function, expected_version=expected, **fields
    )
    profile = _profile(function)
    etag_set(response, profile.version)
    return Status(200 if existing is not None else 201, profile)


@router.post("/functions/{function_id}/profile/review", response=ProfileOut)
def review_function_profile(
    request: HttpRequest, function_id: UUIDPath, response: HttpResponse
) -> FunctionProfile:
    """Mark the profile reviewed today (no longer stale for 90 days)."""
    membership = role_require(request, "member")
    function = _function(membership, function_id)
    profile = _profile(function)
    if_match_check(request, profile.version)
    actions.profile_review(membership=membership, function=function)
    profile = _profile(function)
    etag_set(response, profile.version)
    return profile


@router.get("/functions/{function_id}/profile/priorities", response=Page[PriorityOut])
def list_function_priorities(
    request: HttpRequest, function_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """The function's priorities, most important first."""
    profile = _profile(_function(membership_of(request), function_id))
    rows = FunctionPriority.objects.filter(workspace=profile.workspace, profile=profile).order_by(
        "rank", "pk"
    )
    return paginate(request, rows, page)


@router.put("/functions/{function_id}/profile/priorities", response=list[PriorityOut])
def put_function_priorities(
    request: HttpRequest, function_id: UUIDPath, payload: PrioritiesIn, response: HttpResponse
) -> list[FunctionPriority]:
    """Replace the ranking (at most 10). Guard with the profile's ETag or `version`."""
    membership = role_require(request, "member")
    function = _function(membership, function_id)
    profile = _profile(function)
    if_match_check(request, profile.version)
    version_check(payload.version, profile.version)
    rows = actions.priorities_replace(
        membership=membership,
        profile=profile,
        priorities=[item.model_dump() for item in payload.priorities],
        expected_version=payload.version,
    )
    etag_set(response, profile.version)
    return rows
