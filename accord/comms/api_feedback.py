"""Feedback, kudos and values over the API, with the pages' rules.

Feedback: only what the caller may read — what they gave, what they receive (directly or for
a function or partnership they lead) and what was shared openly. Private feedback between
others answers 404, to admins too. The receiver replies and marks it acted on; the giver
shares it, makes it private or withdraws it. Each caller's own balance is at
/feedback/balance; nobody can read another person's.

Kudos are public (except in members-only partnerships you cannot see); the giver and admins
remove them. Values: everyone reads, admins change them.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, Ref, UUIDPath, paginate
from accord.comms import feedback_actions, kudos_actions, kudos_selectors
from accord.comms import feedback_selectors as selectors
from accord.comms.models import Feedback, Kudos, Value
from accord.org.models import Function, Person
from accord.partnerships.selectors import partnership_get
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    VisibilityChoice = str
    BoxChoice = str
else:
    VisibilityChoice = Literal[tuple(Feedback.Visibility.values)]
    BoxChoice = Literal[(*selectors.BOXES, "all")]

router = Router(tags=["Feedback and kudos"])

VISIBILITY_HELP = (
    "private: the giver and the receiver only (not admins); shared: everyone who can see the "
    "subject (the workspace, or the partnership's readers)."
)


# --- shapes ---------------------------------------------------------------------------------


class FeedbackPartnershipRef(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class PersonRef(Schema):
    id: UUID
    name: str
    function: str | None = Field(description="The person's function, if any.")

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_function(obj: Any) -> str | None:
        return obj.function.name if obj.function_id else None


class FeedbackSubject(Schema):
    """Who the feedback is for: a person, a function or a partnership."""

    kind: Literal["person", "function", "partnership"]
    id: UUID
    name: str


class FeedbackOut(Schema):
    id: UUID
    giver: PersonRef
    to: FeedbackSubject
    situation: str
    behaviour: str
    impact: str
    request: str
    visibility: VisibilityChoice = Field(description=VISIBILITY_HELP)
    reply: str
    replied_by: Ref | None
    replied_at: datetime | None
    acted_on_at: datetime | None
    can_respond: bool = Field(description="You receive it: you may reply and mark it acted on.")
    is_giver: bool = Field(description="You gave it: you may share, hide or withdraw it.")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_to(obj: Any) -> dict[str, Any]:
        if obj.to_person is not None:
            return {"kind": "person", "id": obj.to_person.uuid, "name": obj.to_person.name}
        if obj.to_function is not None:
            return {"kind": "function", "id": obj.to_function.uuid, "name": obj.to_function.name}
        partnership = obj.to_partnership
        return {"kind": "partnership", "id": partnership.uuid, "name": partnership.name}


class FeedbackIn(Schema):
    """Exactly one of to_person, to_function and to_partnership."""

    to_person: UUID | None = Field(None, description="Id of the person it is for.")
    to_function: UUID | None = Field(None, description="Id of the function it is for.")
    to_partnership: str | None = Field(None, description="Slug of the partnership it is for.")
    situation: str = Field(max_length=4000, description="When and where it happened.")
    behaviour: str = Field(max_length=4000, description="What they did or said.")
    impact: str = Field(max_length=4000, description="What it changed.")
    request: str = Field("", max_length=4000, description="What to keep, start or change.")
    visibility: VisibilityChoice = Field(
        Feedback.Visibility.PRIVATE.value, description=VISIBILITY_HELP
    )


class FeedbackUpdate(PatchSchema):
    """The giver changes who can read it."""

    visibility: VisibilityChoice | None = Field(None, description=VISIBILITY_HELP)
    version: int | None = Field(None, description="The version you read: 409 if it changed.")


class ReplyIn(Schema):
    reply: str = Field(max_length=4000)
    version: int | None = Field(None, description="The version you read: 409 if it changed.")


class ActedOnIn(Schema):
    acted_on: bool = Field(description="True once something changed because of it.")


class FeedbackFilterParams(Schema):
    box: BoxChoice = Field(
        "all",
        description="received (to you or what you answer for), given, shared, or all you may read.",
    )
    q: str = Field("", description="Search in the situation, behaviour, impact and request.")


class FunctionBalanceOut(Schema):
    function: str
    given: int
    received: int
    acted_on: int


class BalanceOut(Schema):
    """Your own feedback balance (nobody else's is available)."""

    given: int
    received: int = Field(description="Addressed to you.")
    received_for_teams: int = Field(description="To functions and partnerships you answer for.")
    received_total: int
    replied: int
    acted_on: int
    acted_on_rate: float | None = Field(description="acted_on / received_total; null if none.")
    by_function: list[FunctionBalanceOut]


# --- helpers --------------------------------------------------------------------------------


def _feedback_get(membership: Membership, feedback_id: str) -> Feedback:
    return selectors.feedback_get(membership=membership, uuid=feedback_id)


def _feedback_answer(membership: Membership, feedback: Feedback, response: HttpResponse) -> Any:
    fresh = _feedback_get(membership, str(feedback.uuid))
    etag_set(response, fresh.version)
    (row,) = selectors.feedback_rows(membership=membership, feedback=[fresh])
    return row


def _feedback_targets(membership: Membership, payload: FeedbackIn) -> dict[str, Any]:
    errors: dict[str, str] = {}
    targets: dict[str, Any] = {}
    if payload.to_person is not None:
        try:
            targets["to_person"] = object_get(
                Person, workspace=membership.workspace, uuid=payload.to_person
            )
        except Http404:
            errors["to_person"] = f"No person with id {payload.to_person} in this workspace."
    if payload.to_function is not None:
        try:
            targets["to_function"] = object_get(
                Function, workspace=membership.workspace, uuid=payload.to_function
            )
        except Http404:
            errors["to_function"] = f"No function with id {payload.to_function} here."
    if payload.to_partnership is not None:
        try:
            targets["to_partnership"] = partnership_get(
                membership=membership, slug=payload.to_partnership
            )
        except Http404:
            errors["to_partnership"] = f"No partnership “{payload.to_partnership}” you can see."
    if errors:
        raise ValidationError(errors)
    return targets


# --- feedback -------------------------------------------------------------------------------


@router.get("/feedback", response=Page[FeedbackOut])
def list_feedback(
    request: HttpRequest, filters: Query[FeedbackFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """List the feedback you may read, newest first."""
    membership = membership_of(request)
    rows = selectors.feedback_list(membership=membership, box=filters.box, search=filters.q.strip())
    answer = paginate(request, rows, page)
    answer["results"] = selectors.feedback_rows(membership=membership, feedback=answer["results"])
    return answer


@router.post("/feedback", response={201: FeedbackOut})
def give_feedback(request: HttpRequest, payload: FeedbackIn, response: HttpResponse) -> Any:
    """Give feedback to one person, function or partnership. Needs member and a person.

    The receivers are notified. Private unless `visibility` is shared.
    """
    membership = role_require(request, "member")
    targets = _feedback_targets(membership, payload)
    given = feedback_actions.feedback_give(
        membership=membership,
        situation=payload.situation,
        behaviour=payload.behaviour,
        impact=payload.impact,
        request=payload.request,
        visibility=payload.visibility,
        **targets,
    )
    row = _feedback_answer(membership, given, response)
    response["Location"] = reverse("api:get_feedback", args=[given.uuid])
    return Status(201, row)


@router.get("/feedback/balance", response=BalanceOut)
def feedback_balance(request: HttpRequest) -> Any:
    """Your own given/received balance, acted-on rate and split by function."""
    balance = selectors.feedback_balance(membership=membership_of(request))
    return {
        "given": balance.given,
        "received": balance.received,
        "received_for_teams": balance.received_for_teams,
        "received_total": balance.received_total,
        "replied": balance.replied,
        "acted_on": balance.acted_on,
        "acted_on_rate": balance.acted_on_rate,
        "by_function": balance.by_function,
    }


@router.get("/feedback/{feedback_id}", response=FeedbackOut)
def get_feedback(request: HttpRequest, feedback_id: UUIDPath, response: HttpResponse) -> Any:
    """One feedback you may read. The ETag header carries its version."""
    membership = membership_of(request)
    return _feedback_answer(membership, _feedback_get(membership, feedback_id), response)


@router.patch("/feedback/{feedback_id}", response=FeedbackOut)
def update_feedback(
    request: HttpRequest, feedback_id: UUIDPath, payload: FeedbackUpdate, response: HttpResponse
) -> Any:
    """Share your feedback openly or make it private again. Needs its giver."""
    membership = role_require(request, "member")
    feedback = _feedback_get(membership, feedback_id)
    if_match_check(request, feedback.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, feedback.version)
    feedback_actions.feedback_visibility_set(
        membership=membership,
        feedback=feedback,
        visibility=changes.get("visibility", feedback.visibility),
        expected_version=expected,
    )
    return _feedback_answer(membership, feedback, response)


@router.delete("/feedback/{feedback_id}", response={204: None})
def withdraw_feedback(request: HttpRequest, feedback_id: UUIDPath) -> Status[None]:
    """Withdraw (delete) your feedback with any reply. Needs its giver."""
    membership = role_require(request, "member")
    feedback = _feedback_get(membership, feedback_id)
    if_match_check(request, feedback.version)
    feedback_actions.feedback_withdraw(membership=membership, feedback=feedback)
    return Status(204, None)


@router.post("/feedback/{feedback_id}/reply", response=FeedbackOut)
def reply_to_feedback(
    request: HttpRequest, feedback_id: UUIDPath, payload: ReplyIn, response: HttpResponse
) -> Any:
    """Reply to feedback you received (again to rewrite the reply). The giver is told."""
    membership = role_require(request, "member")
    feedback = _feedback_get(membership, feedback_id)
    feedback_actions.feedback_reply(
        membership=membership,
        feedback=feedback,
        reply=payload.reply,
        expected_version=payload.version,
    )
    return _feedback_answer(membership, feedback, response)


@router.post("/feedback/{feedback_id}/acted-on", response=FeedbackOut)
def mark_feedback_acted_on(
    request: HttpRequest, feedback_id: UUIDPath, payload: ActedOnIn, response: HttpResponse
) -> Any:
    """Mark feedback you received as acted on (or not). Needs its receiver."""
    membership = role_require(request, "member")
    feedback = _feedback_get(membership, feedback_id)
    feedback_actions.feedback_acted_on_set(
        membership=membership, feedback=feedback, acted_on=payload.acted_on
    )
    return _feedback_answer(membership, feedback, response)


# --- kudos ----------------------------------------------------------------------------------


class ValueRef(Schema):
    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class KudosOut(Schema):
    id: UUID
    giver: PersonRef
    receiver: PersonRef
    value: ValueRef | None
    partnership: FeedbackPartnershipRef | None
    message: str
    can_delete: bool = Field(description="You gave it, or you are an admin.")
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class KudosIn(Schema):
    receiver: UUID = Field(description="Id of the person you recognise.")
    message: str = Field(max_length=1000, description="What they did and why it mattered.")
    value: UUID | None = Field(
        None, description="Id of one of the workspace's values (required when it has any)."
    )
    partnership: str | None = Field(None, description="Slug of the partnership it belongs to.")


class KudosFilterParams(Schema):
    partnership: str | None = Field(None, description="Partnership slug.")
    value: UUID | None = Field(None, description="Value id.")
    person: UUID | None = Field(None, description="Person id: kudos they gave or received.")


class MatrixCellOut(Schema):
    giver_function: str
    receiver_function: str
    count: int


class KudosMatrixOut(Schema):
    """Kudos counted from the giver's function to the receiver's."""

    functions: list[str]
    cells: list[MatrixCellOut] = Field(description="Only pairs with at least one kudos.")
    total: int
    cross_function: int = Field(description="Kudos between two different functions.")
    within_function: int
    cross_share: float | None = Field(
        description="cross / (cross + within), over kudos where both people have a function."
    )


def _kudos_answer(membership: Membership, kudos: Kudos) -> Kudos:
    fresh = kudos_selectors.kudos_get(membership=membership, uuid=kudos.uuid)
    (row,) = kudos_selectors.kudos_rows(membership=membership, kudos=[fresh])
    return row


@router.get("/kudos", response=Page[KudosOut])
def list_kudos(
    request: HttpRequest, filters: Query[KudosFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """The kudos feed, newest first."""
    membership = membership_of(request)
    rows = kudos_selectors.kudos_list(
        membership=membership,
        partnership=filters.partnership or None,
        value=str(filters.value) if filters.value else None,
        person=str(filters.person) if filters.person else None,
    )
    answer = paginate(request, rows, page)
    answer["results"] = kudos_selectors.kudos_rows(membership=membership, kudos=answer["results"])
    return answer


@router.post("/kudos", response={201: KudosOut})
def give_kudos(request: HttpRequest, payload: KudosIn, response: HttpResponse) -> Any:
    """Recognise someone. Needs member and a person. The receiver is notified and the
    partnership's Slack, Teams and webhooks hear about it."""
    membership = role_require(request, "member")
    errors: dict[str, str] = {}
    fields: dict[str, Any] = {"message": payload.message}
    try:
        fields["receiver"] = object_get(
            Person, workspace=membership.workspace, uuid=payload.receiver
        )
    except Http404:
        errors["receiver"] = f"No person with id {payload.receiver} in this workspace."
    if payload.value is not None:
        try:
            fields["value"] = object_get(Value, workspace=membership.workspace, uuid=payload.value)
        except Http404:
            errors["value"] = f"No value with id {payload.value} in this workspace."
    if payload.partnership:
        try:
            fields["partnership"] = partnership_get(membership=membership, slug=payload.partnership)
        except Http404:
            errors["partnership"] = f"No partnership “{payload.partnership}” you can see."
    if errors:
        raise ValidationError(errors)
    given = kudos_actions.kudos_give(membership=membership, **fields)
    response["Location"] = reverse("api:get_kudos", args=[given.uuid])
    return Status(201, _kudos_answer(membership, given))


@router.get("/kudos/matrix", response=KudosMatrixOut)
def kudos_matrix(request: HttpRequest, partnership: str | None = None) -> Any:
    """Who recognises whom: kudos by giver function and receiver function."""
    matrix = kudos_selectors.kudos_matrix(
        membership=membership_of(request), partnership=partnership or None
    )
    return {
        "functions": matrix.functions,
        "cells": [
            {"giver_function": giver, "receiver_function": receiver, "count": count}
            for (giver, receiver), count in sorted(matrix.counts.items())
        ],
        "total": matrix.total,
        "cross_function": matrix.cross,
        "within_function": matrix.within,
        "cross_share": matrix.cross_share,
    }


@router.get("/kudos/{kudos_id}", response=KudosOut)
def get_kudos(request: HttpRequest, kudos_id: UUIDPath) -> Any:
    """One kudos."""
    membership = membership_of(request)
    found = kudos_selectors.kudos_get(membership=membership, uuid=kudos_id)
    return _kudos_answer(membership, found)


@router.delete("/kudos/{kudos_id}", response={204: None})
def delete_kudos(request: HttpRequest, kudos_id: UUIDPath) -> Status[None]:
    """Remove kudos. Needs the giver or an admin."""
    membership = role_require(request, "member")
    found = kudos_selectors.kudos_get(membership=membership, uuid=kudos_id)
    kudos_actions.kudos_delete(membership=membership, kudos=found)
    return Status(204, None)


# --- values ---------------------------------------------------------------------------------


class ValueOut(Schema):
    id: UUID
    name: str
    description: str
    kudos_count: int
    version: int

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_kudos_count(obj: Any) -> int:
        return int(getattr(obj, "kudos_count", 0) or 0)


class ValueIn(Schema):
    name: str = Field(max_length=80)
    description: str = Field("", max_length=300)


class ValueUpdate(PatchSchema):
    name: str | None = Field(None, max_length=80)
    description: str | None = Field(None, max_length=300)
    version: int | None = Field(None, description="The version you read: 409 if it changed.")


def _value_answer(membership: Membership, value: Value, response: HttpResponse) -> Value:
    fresh = kudos_selectors.value_get(workspace=membership.workspace, uuid=value.uuid)
    etag_set(response, fresh.version)
    return fresh


@router.get("/values", response=Page[ValueOut])
def list_values(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The workspace's values, which kudos are given for."""
    membership = membership_of(request)
    return paginate(request, kudos_selectors.value_list(workspace=membership.workspace), page)


@router.post("/values", response={201: ValueOut})
def create_value(request: HttpRequest, payload: ValueIn, response: HttpResponse) -> Any:
    """Add a value. Needs admin."""
    membership = role_require(request, "admin")
    created = kudos_actions.value_create(
        membership=membership, name=payload.name, description=payload.description
    )
    response["Location"] = reverse("api:get_value", args=[created.uuid])
    return Status(201, _value_answer(membership, created, response))


@router.get("/values/{value_id}", response=ValueOut)
def get_value(request: HttpRequest, value_id: UUIDPath, response: HttpResponse) -> Any:
    """One value. The ETag header carries its version."""
    membership = membership_of(request)
    found = kudos_selectors.value_get(workspace=membership.workspace, uuid=value_id)
    etag_set(response, found.version)
    return found


@router.patch("/values/{value_id}", response=ValueOut)
def update_value(
    request: HttpRequest, value_id: UUIDPath, payload: ValueUpdate, response: HttpResponse
) -> Any:
    """Rename or describe a value. Needs admin. Guard with If-Match or `version`."""
    membership = role_require(request, "admin")
    found = kudos_selectors.value_get(workspace=membership.workspace, uuid=value_id)
    if_match_check(request, found.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, found.version)
    kudos_actions.value_update(
        membership=membership, value=found, expected_version=expected, **changes
    )
    return _value_answer(membership, found, response)


@router.delete("/values/{value_id}", response={204: None})
def delete_value(request: HttpRequest, value_id: UUIDPath) -> Status[None]:
    """Remove a value; kudos given for it keep their message. Needs admin."""
    membership = role_require(request, "admin")
    found = kudos_selectors.value_get(workspace=membership.workspace, uuid=value_id)
    if_match_check(request, found.version)
    kudos_actions.value_delete(membership=membership, value=found)
    return Status(204, None)
