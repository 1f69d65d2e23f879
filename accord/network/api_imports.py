"""Network imports and identities over the API (workspace admins and owners only)."""

from datetime import datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import model_validator

from accord.api.auth import role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, UUIDPath, paginate
from accord.network import import_actions as actions
from accord.network import import_selectors as selectors
from accord.network.models import Identity, NetworkImport
from accord.org.models import Person
from accord.workspaces.access import object_get

router = Router(tags=["Network imports"])
UNMATCHED_LISTED = 100


class NetworkImportOut(Schema):
    id: UUID = Field(alias="uuid")
    source: str
    filename: str
    size_bytes: int
    status: str = Field(description="queued, running, done, failed or cancelled")
    progress: float = Field(description="Share read so far, 0–1.")
    progress_label: str
    cancel_requested: bool
    rows_read: int = Field(description="Events read (rows, messages, meetings).")
    events_added: int = Field(description="Events that added at least one new interaction.")
    pairs_added: int = Field(description="Interactions added (one per sender → recipient).")
    duplicates: int = Field(description="Interactions already imported, not counted again.")
    unmatched: int = Field(description="Identities of this import not mapped nor ignored.")
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class IdentityBrief(Schema):
    id: UUID = Field(alias="uuid")
    kind: str
    value: str
    display: str
    events: int


class NetworkImportDetailOut(NetworkImportOut):
    counted: int | None = Field(
        None, description="Interactions that count now (both ends known people); when done."
    )
    unmatched_identities: list[IdentityBrief] = Field(
        default_factory=list, description=f"Up to {UNMATCHED_LISTED}, busiest first."
    )


class IdentityOut(Schema):
    id: UUID = Field(alias="uuid")
    kind: str = Field(description="email or slack")
    value: str = Field(description="The e-mail address (lower case) or the Slack user id.")
    display: str
    email: str = Field(description="A Slack user's profile e-mail, if exported.")
    person: UUID | None = Field(None, description="The person it is mapped to.")
    ignored: bool
    events: int
    version: int

    @staticmethod
    def resolve_person(identity: Identity) -> UUID | None:
        return identity.person.uuid if identity.person_id and identity.person else None


class IdentityFilters(Schema):
    unmatched: bool | None = Field(
        None, description="true: only unmatched (no person, not ignored); false: the others."
    )
    q: str = Field("", max_length=100, description="Search value, name, e-mail or person.")


class IdentityUpdate(Schema):
    person: UUID | None = Field(None, description="Map to this person; null unmaps.")
    ignored: bool | None = Field(None, description="Ignore (never counts) or unignore.")
    version: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _not_null_ignored(cls, data: Any) -> Any:
        if isinstance(data, dict) and "ignored" in data and data["ignored"] is None:
            raise ValueError("ignored cannot be null; leave it out to keep its value.")
        return data


def _import_get(request: HttpRequest, import_id: str) -> NetworkImport:
    membership = role_require(request, "admin")
    return selectors.network_import_get(workspace=membership.workspace, uuid=import_id)


def _detail(batch: NetworkImport) -> dict[str, Any]:
    answer = NetworkImportOut.model_validate(batch).model_dump(by_alias=True)
    if batch.status == NetworkImport.Status.DONE:
        answer["counted"] = selectors.network_import_counted(batch=batch)
        answer["unmatched_identities"] = list(
            selectors.network_import_unmatched(batch=batch)[:UNMATCHED_LISTED]
        )
    return answer


@router.post(
    "/network/imports",
    response={200: NetworkImportDetailOut, 201: NetworkImportDetailOut},
    operation_id="create_network_import",
)
def create_network_import(
    request: HttpRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    source: Form[str | None] = None,
) -> Status[dict[str, Any]]:
    """Upload an export (multipart, field `file`; optional `source`: csv, slack, mbox, eml,
    ics). It is imported in the background: poll GET /network/imports/{id}. The same content
    uploaded again answers 200 with the existing import and changes nothing. Needs admin."""
    membership = role_require(request, "admin")
    batch, created = actions.network_import_create(
        membership=membership, upload=file, source=source or None
    )
    response["Location"] = reverse("api:get_network_import", args=[batch.uuid])
    return Status(201 if created else 200, _detail(batch))


@router.get(
    "/network/imports", response=Page[NetworkImportOut], operation_id="list_network_imports"
)
def list_network_imports(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """Imports, newest first. Needs admin."""
    membership = role_require(request, "admin")
    return paginate(request, selectors.network_import_list(workspace=membership.workspace), page)


@router.get(
    "/network/imports/{import_id}",
    response=NetworkImportDetailOut,
    operation_id="get_network_import",
)
def get_network_import(request: HttpRequest, import_id: UUIDPath) -> dict[str, Any]:
    """One import: status and progress while it runs; counts and unmatched identities when
    done. Needs admin."""
    return _detail(_import_get(request, import_id))


@router.post(
    "/network/imports/{import_id}/cancel",
    response=NetworkImportDetailOut,
    operation_id="cancel_network_import",
)
def cancel_network_import(request: HttpRequest, import_id: UUIDPath) -> dict[str, Any]:
    """Cancel a queued or running import; nothing of it is kept. A finished import answers
    422. Needs admin."""
    batch = _import_get(request, import_id)
    actions.network_import_cancel(batch=batch, actor=request.user)
    return _detail(batch)


@router.get(
    "/network/identities", response=Page[IdentityOut], operation_id="list_network_identities"
)
def list_network_identities(
    request: HttpRequest, filters: Query[IdentityFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """Identities found in imports, unmatched first. Needs admin."""
    membership = role_require(request, "admin")
    rows = selectors.identity_list(
        workspace=membership.workspace, unmatched=filters.unmatched, search=filters.q.strip()
    )
    return paginate(request, rows, page)


@router.patch(
    "/network/identities/{identity_id}",
    response=IdentityOut,
    operation_id="update_network_identity",
)
def update_network_identity(
    request: HttpRequest, identity_id: UUIDPath, payload: IdentityUpdate, response: HttpResponse
) -> Identity:
    """Map an identity to a person (`person`, null unmaps) or ignore it (`ignored`). Guard
    with If-Match (412) or a body `version` (409). Needs admin."""
    membership = role_require(request, "admin")
    workspace = membership.workspace
    identity = selectors.identity_get(workspace=workspace, uuid=identity_id)
    if_match_check(request, identity.version)
    changes = payload.model_dump(exclude_unset=True)
    version_check(changes.pop("version", None), identity.version)
    if "person" in changes and changes["person"] is not None:
        try:
            changes["person"] = object_get(Person, workspace=workspace, uuid=changes["person"])
        except Http404:
            raise ValidationError(
                {"person": f"No person with id {changes['person']} in this workspace."}
            ) from None
    actions.identity_update(identity=identity, actor=membership.user, fields=changes)
    identity = selectors.identity_get(workspace=workspace, uuid=identity.uuid)
    etag_set(response, identity.version)
    return identity
