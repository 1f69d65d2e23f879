"""RACI over the API: deliverables, the matrix, cell edits and the rules' findings.

Same permissions as the pages: anyone who can see the partnership reads; its members, lead,
sponsor and workspace admins (role member or above) edit. Saving a matrix that breaks a rule
is allowed: the findings report it.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, Ref, UUIDPath, paginate
from accord.goals.models import Goal
from accord.governance import raci_actions as actions
from accord.governance import raci_selectors as selectors
from accord.governance.models import Deliverable
from accord.governance.raci_selectors import EDIT_DENIED
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    DeliverableStatus = str
    DeliverableMode = str
    Letter = str
    Severity = str
else:
    DeliverableStatus = Literal[tuple(Deliverable.Status.values)]
    DeliverableMode = Literal[tuple(Deliverable.Mode.values)]
    Letter = Literal["R", "A", "C", "I", "D"]
    Severity = Literal["error", "warning"]

router = Router(tags=["raci"])

MODE_HELP = "raci: R, A, C, I (work). daci: D (Driver), A (Approver), C, I (decisions)."


# --- schemas --------------------------------------------------------------------------------


class GoalRef(Schema):
    id: UUID
    title: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class DeliverableOut(Schema):
    id: UUID
    name: str
    description: str
    due_date: date | None
    status: DeliverableStatus
    mode: DeliverableMode = Field(description=MODE_HELP)
    goals: list[GoalRef]
    position: int
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_goals(obj: Any) -> list[Any]:
        return list(obj.goals.all())


class DeliverableCreate(Schema):
    name: str = Field(max_length=200)
    description: str = ""
    due_date: date | None = None
    status: DeliverableStatus = "active"
    mode: DeliverableMode = Field("raci", description=MODE_HELP)
    goals: list[UUID] = Field(default_factory=list, description="Goals of this partnership.")


class DeliverableUpdate(PatchSchema):
    """Only the fields sent change; null clears the due date. `goals` replaces the list.
    Changing the mode keeps every letter (letters it does not use are flagged)."""

    NULLABLE = frozenset({"due_date", "version"})

    name: str | None = Field(None, max_length=200)
    description: str | None = None
    due_date: date | None = None
    status: DeliverableStatus | None = None
    mode: DeliverableMode | None = Field(None, description=MODE_HELP)
    goals: list[UUID] | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class PersonColumnOut(Schema):
    id: UUID
    name: str
    email: str
    function: Ref | None = Field(description="The function they represent here.")
    member: bool = Field(description="False for people assigned without being a member.")
    load: int = Field(description="A/R (or D) on active deliverables.")
    overloaded: bool


class CellOut(Schema):
    deliverable: UUID
    person: UUID
    letter: Letter


class FindingOut(Schema):
    rule: str = Field(description="Stable rule id, e.g. one-accountable (docs/raci.md).")
    severity: Severity
    title: str
    explanation: str
    deliverable: UUID | None
    person: UUID | None
    function: UUID | None
    goal: UUID | None


class LoadOut(Schema):
    cap: int
    median: float
    mad: float = Field(description="Median absolute deviation of the members' loads.")
    threshold: float | None = Field(description="median + 2·MAD; null when it cannot tell.")


class MatrixOut(Schema):
    deliverables: list[DeliverableOut]
    people: list[PersonColumnOut]
    cells: list[CellOut]
    findings: list[FindingOut]
    load: LoadOut


class CellIn(Schema):
    deliverable: UUID
    person: UUID
    letter: Letter | None = Field(description="Null clears the cell. " + MODE_HELP)


class CellResultOut(Schema):
    deliverable: UUID
    person: UUID
    letter: Letter | None
    findings: list[FindingOut] = Field(description="The whole matrix's findings after the change.")


# --- helpers --------------------------------------------------------------------------------


def _partnership(membership: Membership, slug: str) -> Partnership:
    return partnership_get(membership=membership, slug=slug)


def _editable(request: HttpRequest, slug: str) -> tuple[Membership, Partnership]:
    membership = role_require(request, "member")
    partnership = _partnership(membership, slug)
    if not selectors.raci_can_edit(membership=membership, partnership=partnership):
        raise PermissionDenied(EDIT_DENIED)
    return membership, partnership


def _goals(partnership: Partnership, ids: list[UUID]) -> list[Goal]:
    found = {
        str(g.uuid): g
        for g in Goal.objects.filter(
            workspace=partnership.workspace, partnership=partnership, uuid__in=ids
        )
    }
    unknown = [str(i) for i in ids if str(i) not in found]
    if unknown:
        raise ValidationError({"goals": f"No goal with id {unknown[0]} in this partnership."})
    return [found[str(i)] for i in ids]


def _findings(matrix: selectors.RaciMatrix) -> list[dict[str, Any]]:
    return [
        {
            "rule": item.finding.rule,
            "severity": item.finding.severity,
            "title": item.finding.title,
            "explanation": item.finding.explanation,
            "deliverable": item.deliverable.uuid if item.deliverable else None,
            "person": item.person.uuid if item.person else None,
            "function": item.function.uuid if item.function else None,
            "goal": item.goal.uuid if item.goal else None,
        }
        for item in matrix.findings
    ]


def _deliverable(partnership: Partnership, deliverable_id: str) -> Deliverable:
    return selectors.deliverable_get(partnership=partnership, uuid=deliverable_id)


# --- deliverables ---------------------------------------------------------------------------


@router.get("/partnerships/{slug}/deliverables", response=Page[DeliverableOut])
def list_deliverables(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    """The partnership's deliverables (rows of its RACI matrix), in matrix order."""
    partnership = _partnership(membership_of(request), slug)
    return paginate(request, selectors.deliverable_list(partnership=partnership), page)


@router.post("/partnerships/{slug}/deliverables", response={201: DeliverableOut})
def create_deliverable(
    request: HttpRequest, slug: str, payload: DeliverableCreate, response: HttpResponse
) -> Status[Deliverable]:
    """Add a deliverable to the matrix. Needs a member of the partnership or an admin."""
    membership, partnership = _editable(request, slug)
    fields = payload.model_dump()
    fields["goals"] = _goals(partnership, fields["goals"])
    created = actions.deliverable_create(partnership=partnership, actor=membership.user, **fields)
    etag_set(response, created.version)
    response["Location"] = reverse("api:get_deliverable", args=[slug, created.uuid])
    return Status(201, _deliverable(partnership, str(created.uuid)))


@router.get("/partnerships/{slug}/deliverables/{deliverable_id}", response=DeliverableOut)
def get_deliverable(
    request: HttpRequest, slug: str, deliverable_id: UUIDPath, response: HttpResponse
) -> Deliverable:
    """One deliverable. The ETag header carries its version."""
    deliverable = _deliverable(_partnership(membership_of(request), slug), deliverable_id)
    etag_set(response, deliverable.version)
    return deliverable


@router.patch("/partnerships/{slug}/deliverables/{deliverable_id}", response=DeliverableOut)
def update_deliverable(
    request: HttpRequest,
    slug: str,
    deliverable_id: UUIDPath,
    payload: DeliverableUpdate,
    response: HttpResponse,
) -> Deliverable:
    """Change a deliverable. Guard with If-Match (412) or a body `version` (409)."""
    membership, partnership = _editable(request, slug)
    deliverable = _deliverable(partnership, deliverable_id)
    if_match_check(request, deliverable.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, deliverable.version)
    if "goals" in changes:
        changes["goals"] = _goals(partnership, changes["goals"])
    actions.deliverable_update(
        deliverable=deliverable, actor=membership.user, expected_version=expected, **changes
    )
    fresh = _deliverable(partnership, deliverable_id)
    etag_set(response, fresh.version)
    return fresh


@router.delete("/partnerships/{slug}/deliverables/{deliverable_id}", response={204: None})
def delete_deliverable(request: HttpRequest, slug: str, deliverable_id: UUIDPath) -> Status[None]:
    """Delete a deliverable with its row of letters."""
    membership, partnership = _editable(request, slug)
    deliverable = _deliverable(partnership, deliverable_id)
    if_match_check(request, deliverable.version)
    actions.deliverable_delete(deliverable=deliverable, actor=membership.user)
    return Status(204, None)


# --- the matrix -----------------------------------------------------------------------------


@router.get("/partnerships/{slug}/raci", response=MatrixOut)
def get_raci_matrix(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The whole matrix: deliverables, people (columns), cells, findings and load figures."""
    matrix = selectors.raci_matrix(partnership=_partnership(membership_of(request), slug))
    report = matrix.report
    return {
        "deliverables": [row.deliverable for row in matrix.rows],
        "people": [
            {
                "id": c.person.uuid,
                "name": c.person.name,
                "email": c.person.email,
                "function": c.function,
                "member": c.member,
                "load": c.load.count if c.load else 0,
                "overloaded": bool(c.load and c.load.flagged),
            }
            for c in matrix.all_columns
        ],
        "cells": [
            {"deliverable": row.deliverable.uuid, "person": cell.person.uuid, "letter": cell.letter}
            for row in matrix.rows
            for cell in row.cells
            if cell.letter
        ],
        "findings": _findings(matrix),
        "load": {
            "cap": report.load_cap,
            "median": report.load_median,
            "mad": report.load_mad,
            "threshold": report.load_threshold,
        },
    }


@router.put("/partnerships/{slug}/raci/cells", response=CellResultOut)
def set_raci_cell(request: HttpRequest, slug: str, payload: CellIn) -> dict[str, Any]:
    """Set one person's letter on one deliverable (null clears it).

    Any letter of the row's mode is saved, even a second A; the findings in the answer show
    what the matrix breaks. The change is audited on the deliverable.
    """
    membership, partnership = _editable(request, slug)
    errors: dict[str, str] = {}
    deliverable = person = None
    try:
        deliverable = _deliverable(partnership, str(payload.deliverable))
    except Http404:
        errors["deliverable"] = f"No deliverable with id {payload.deliverable} in this partnership."
    try:
        person = object_get(Person, workspace=membership.workspace, uuid=payload.person)
    except Http404:
        errors["person"] = f"No person with id {payload.person} in this workspace."
    if errors or deliverable is None or person is None:
        raise ValidationError(errors)
    actions.raci_cell_set(
        deliverable=deliverable, actor=membership.user, person=person, letter=payload.letter
    )
    matrix = selectors.raci_matrix(partnership=partnership)
    return {
        "deliverable": deliverable.uuid,
        "person": person.uuid,
        "letter": payload.letter,
        "findings": _findings(matrix),
    }


@router.get("/partnerships/{slug}/raci/findings", response=list[FindingOut])
def list_raci_findings(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The rules' findings on the matrix: errors first, each with its rule id and explanation."""
    matrix = selectors.raci_matrix(partnership=_partnership(membership_of(request), slug))
    return _findings(matrix)
