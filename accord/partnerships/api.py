"""Partnerships over the API: the same visibility and permissions as the pages.

Members-only partnerships answer 404 to anyone who may not see them. Reads are open to every
role; members may start partnerships; the lead, the sponsor and admins manage one; only
admins delete.
"""

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import AuditEntryOut, Page, PageParams, UUIDPath, paginate
from accord.org.models import Function, Person
from accord.partnerships import actions, selectors
from accord.partnerships.models import Partnership, PartnershipMember
from accord.partnerships.schemas import (
    MemberCreate,
    PartnershipCreate,
    PartnershipDetailOut,
    PartnershipFilters,
    PartnershipMemberOut,
    PartnershipMemberUpdate,
    PartnershipOut,
    PartnershipUpdate,
    StatusChangeIn,
    StatusChangeOut,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import AuditEntry, Membership, Workspace
from accord.workspaces.selectors import audit_list

router = Router(tags=["partnerships"])


def _reference(
    source: type[Function] | type[Person], workspace: Workspace, value: UUID | None, field: str
) -> Any:
    """The referenced record of this workspace, or a validation error naming the field."""
    if value is None:
        return None
    try:
        return object_get(source, workspace=workspace, uuid=value)
    except Http404:
        noun = source._meta.verbose_name
        raise ValidationError({field: f"No {noun} with id {value} in this workspace."}) from None


def _references(workspace: Workspace, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids for records (functions, sponsor, lead, person, function), reporting every
    unknown id at once."""
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}
    singles: dict[str, type[Function] | type[Person]] = {
        "sponsor": Person,
        "lead": Person,
        "person": Person,
        "function": Function,
    }
    for field, source in singles.items():
        if field in resolved:
            try:
                resolved[field] = _reference(source, workspace, resolved[field], field)
            except ValidationError as error:
                errors.update(error.message_dict)
    if resolved.get("functions") is not None:
        ids = [str(value) for value in resolved["functions"]]
        found = {str(f.uuid): f for f in Function.objects.filter(workspace=workspace, uuid__in=ids)}
        unknown = [value for value in ids if value not in found]
        if unknown:
            errors["functions"] = [f"No function with id {unknown[0]} in this workspace."]
        else:
            resolved["functions"] = [found[value] for value in ids]
    if errors:
        raise ValidationError(errors)
    return resolved


def _get(membership: Membership, slug: str) -> Partnership:
    return selectors.partnership_get(
        membership=membership,
        slug=slug,
        queryset=selectors.partnership_detail(membership=membership),
    )


def _manageable(request: HttpRequest, slug: str) -> tuple[Membership, Partnership]:
    """The partnership (404 if invisible) once the caller may manage it (403 otherwise)."""
    membership = role_require(request, "member")
    partnership = _get(membership, slug)
    if not selectors.partnership_can_manage(membership=membership, partnership=partnership):
        raise PermissionDenied(
            "Only the partnership's lead, its sponsor and workspace admins can change it."
        )
    return membership, partnership


def _detail_response(
    membership: Membership, partnership: Partnership, response: HttpResponse
) -> Partnership:
    fresh = _get(membership, partnership.slug)
    etag_set(response, fresh.version)
    return fresh


# --- partnerships ---------------------------------------------------------------------------


@router.get("/partnerships", response=Page[PartnershipOut])
def list_partnerships(
    request: HttpRequest, filters: Query[PartnershipFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """List the partnerships you can see, by name, filtered by status, function, lead or text."""
    rows = selectors.partnership_list(
        membership=membership_of(request),
        search=filters.q.strip(),
        function=str(filters.function) if filters.function else None,
        status=filters.status,
        lead=str(filters.lead) if filters.lead else None,
    )
    return paginate(request, rows, page)


@router.post("/partnerships", response={201: PartnershipDetailOut})
def create_partnership(
    request: HttpRequest, payload: PartnershipCreate, response: HttpResponse
) -> Status[Partnership]:
    """Start a partnership between two or more functions. Needs member.

    It starts as proposed; the first lifecycle entry records who started it.
    """
    membership = role_require(request, "member")
    workspace = membership.workspace
    fields = _references(workspace, payload.model_dump())
    created = actions.partnership_create(workspace=workspace, actor=membership.user, **fields)
    partnership = _detail_response(membership, created, response)
    response["Location"] = reverse("api:get_partnership", args=[partnership.slug])
    return Status(201, partnership)


@router.get("/partnerships/{slug}", response=PartnershipDetailOut)
def get_partnership(request: HttpRequest, slug: str, response: HttpResponse) -> Partnership:
    """One partnership with its charter. The ETag header carries its version."""
    partnership = _get(membership_of(request), slug)
    etag_set(response, partnership.version)
    return partnership


@router.patch("/partnerships/{slug}", response=PartnershipDetailOut)
def update_partnership(
    request: HttpRequest, slug: str, payload: PartnershipUpdate, response: HttpResponse
) -> Partnership:
    """Change a partnership's fields or charter. Needs its lead, its sponsor or an admin.

    Only the fields sent change. Guard with If-Match (412) or a body `version` (409).
    """
    membership, partnership = _manageable(request, slug)
    if_match_check(request, partnership.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, partnership.version)
    changes = _references(membership.workspace, changes)
    actions.partnership_update(
        partnership=partnership,
        actor=membership.user,
        expected_version=expected,
        **changes,
    )
    return _detail_response(membership, partnership, response)


@router.delete("/partnerships/{slug}", response={204: None})
def delete_partnership(request: HttpRequest, slug: str) -> Status[None]:
    """Delete a partnership with its members, goals and KPIs. Needs admin."""
    membership = role_require(request, "admin")
    partnership = _get(membership, slug)
    if_match_check(request, partnership.version)
    actions.partnership_delete(partnership=partnership, actor=membership.user)
    return Status(204, None)


@router.post("/partnerships/{slug}/status", response=PartnershipDetailOut)
def change_partnership_status(
    request: HttpRequest, slug: str, payload: StatusChangeIn, response: HttpResponse
) -> Partnership:
    """Move the partnership along its lifecycle, with an optional note.

    Only allowed moves succeed (see `allowed_moves`); closing is final. Closing sets the end
    date to today when none was set. Needs its lead, its sponsor or an admin.
    """
    membership, partnership = _manageable(request, slug)
    if_match_check(request, partnership.version)
    actions.partnership_status_change(
        partnership=partnership, actor=membership.user, to=payload.to, note=payload.note
    )
    return _detail_response(membership, partnership, response)


@router.get("/partnerships/{slug}/status-changes", response=Page[StatusChangeOut])
def list_partnership_status_changes(
    request: HttpRequest, slug: str, page: Query[PageParams]
) -> dict[str, Any]:
    """The lifecycle history: who moved it, when, from what to what, and why. Newest first."""
    partnership = selectors.partnership_get(membership=membership_of(request), slug=slug)
    rows = selectors.partnership_status_change_list(partnership=partnership)
    return paginate(request, rows, page)


@router.get("/partnerships/{slug}/history", response=Page[AuditEntryOut])
def partnership_history(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """Every recorded change to the partnership (fields, charter, members), newest first."""
    membership = membership_of(request)
    partnership = selectors.partnership_get(membership=membership, slug=slug)
    rows: QuerySet[AuditEntry] = audit_list(
        workspace=membership.workspace, instance=partnership
    ).select_related("actor")
    return paginate(request, rows, page)


# --- members --------------------------------------------------------------------------------


def _member_get(partnership: Partnership, member_id: str) -> PartnershipMember:
    return object_get(
        selectors.partnership_member_list(partnership=partnership),
        workspace=partnership.workspace,
        uuid=member_id,
    )


@router.get("/partnerships/{slug}/members", response=Page[PartnershipMemberOut])
def list_partnership_members(
    request: HttpRequest, slug: str, page: Query[PageParams]
) -> dict[str, Any]:
    """The members, by function then name, each with the function they represent."""
    partnership = selectors.partnership_get(membership=membership_of(request), slug=slug)
    return paginate(request, selectors.partnership_member_list(partnership=partnership), page)


@router.post("/partnerships/{slug}/members", response={201: PartnershipMemberOut})
def add_partnership_member(
    request: HttpRequest, slug: str, payload: MemberCreate, response: HttpResponse
) -> Status[PartnershipMember]:
    """Add a person, representing one of the partnership's functions. Needs a manager."""
    membership, partnership = _manageable(request, slug)
    fields = _references(membership.workspace, payload.model_dump())
    member = actions.partnership_member_add(
        partnership=partnership, actor=membership.user, **fields
    )
    etag_set(response, member.version)
    return Status(201, _member_get(partnership, str(member.uuid)))


@router.patch("/partnerships/{slug}/members/{member_id}", response=PartnershipMemberOut)
def update_partnership_member(
    request: HttpRequest,
    slug: str,
    member_id: UUIDPath,
    payload: PartnershipMemberUpdate,
    response: HttpResponse,
) -> PartnershipMember:
    """Change the function a member represents, or their role. Needs a manager.

    Guard with If-Match (412) or a body `version` (409).
    """
    membership, partnership = _manageable(request, slug)
    member = _member_get(partnership, member_id)
    if_match_check(request, member.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, member.version)
    changes = _references(membership.workspace, changes)
    actions.partnership_member_update(
        member=member, actor=membership.user, expected_version=expected, **changes
    )
    member = _member_get(partnership, member_id)
    etag_set(response, member.version)
    return member


@router.delete("/partnerships/{slug}/members/{member_id}", response={204: None})
def remove_partnership_member(request: HttpRequest, slug: str, member_id: UUIDPath) -> Status[None]:
    """Remove a member from the partnership (the person stays in the directory)."""
    membership, partnership = _manageable(request, slug)
    member = _member_get(partnership, member_id)
    if_match_check(request, member.version)
    actions.partnership_member_remove(member=member, actor=membership.user)
    return Status(204, None)
