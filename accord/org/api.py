"""The directory over the API: functions and people (reads for every role, writes for admins)."""

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import AuditEntryOut, Page, PageParams, UUIDPath, paginate
from accord.org import actions, selectors
from accord.org.models import Function, Person, PersonSkill
from accord.org.schemas import (
    FunctionCreate,
    FunctionFilters,
    FunctionOut,
    FunctionUpdate,
    PersonCreate,
    PersonDetailOut,
    PersonFilters,
    PersonOut,
    PersonUpdate,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import AuditEntry, Workspace
from accord.workspaces.selectors import audit_list

router = Router()


def _history(instance: Any, workspace: Workspace) -> QuerySet[AuditEntry]:
    return audit_list(workspace=workspace, instance=instance).select_related("actor")


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
    """Swap function/manager/lead ids for records, reporting every unknown id at once."""
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}
    kinds: dict[str, type[Function] | type[Person]] = {
        "function": Function,
        "manager": Person,
        "lead": Person,
    }
    for field, source in kinds.items():
        if field in resolved:
            try:
                resolved[field] = _reference(source, workspace, resolved[field], field)
            except ValidationError as error:
                errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return resolved


# --- functions ------------------------------------------------------------------------------


def _function_get(workspace: Workspace, function_id: Any) -> Function:
    return object_get(
        selectors.function_list(workspace=workspace), workspace=workspace, uuid=function_id
    )


@router.get("/functions", response=Page[FunctionOut], tags=["functions"])
def list_functions(
    request: HttpRequest, filters: Query[FunctionFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """List functions, by name, with their lead and headcount."""
    workspace = membership_of(request).workspace
    rows = selectors.function_list(workspace=workspace, search=filters.q.strip())
    return paginate(request, rows, page)


@router.get("/functions/{function_id}", response=FunctionOut, tags=["functions"])
def get_function(request: HttpRequest, function_id: UUIDPath, response: HttpResponse) -> Function:
    """One function. The ETag header carries its version."""
    function = _function_get(membership_of(request).workspace, function_id)
    etag_set(response, function.version)
    return function


@router.post("/functions", response={201: FunctionOut}, tags=["functions"])
def create_function(
    request: HttpRequest, payload: FunctionCreate, response: HttpResponse
) -> Status[Function]:
    """Create a function. Needs admin."""
    membership = role_require(request, "admin")
    workspace = membership.workspace
    fields = _references(workspace, payload.model_dump())
    created = actions.function_create(workspace=workspace, actor=membership.user, **fields)
    function = _function_get(workspace, created.uuid)
    etag_set(response, function.version)
    response["Location"] = reverse("api:get_function", args=[function.uuid])
    return Status(201, function)


@router.patch("/functions/{function_id}", response=FunctionOut, tags=["functions"])
def update_function(
    request: HttpRequest, function_id: UUIDPath, payload: FunctionUpdate, response: HttpResponse
) -> Function:
    """Change a function's name, description or lead. Needs admin.

    Only the fields sent change. Guard with If-Match (412) or a body `version` (409).
    """
    membership = role_require(request, "admin")
    workspace = membership.workspace
    function = _function_get(workspace, function_id)
    if_match_check(request, function.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, function.version)
    actions.function_update(
        function=function,
        actor=membership.user,
        expected_version=expected,
        **_references(workspace, changes),
    )
    function = _function_get(workspace, function.uuid)
    etag_set(response, function.version)
    return function


@router.delete("/functions/{function_id}", response={204: None}, tags=["functions"])
def delete_function(request: HttpRequest, function_id: UUIDPath) -> Status[None]:
    """Delete a function; its people keep their records, without a function. Needs admin."""
    membership = role_require(request, "admin")
    function = _function_get(membership.workspace, function_id)
    if_match_check(request, function.version)
    actions.function_delete(function=function, actor=membership.user)
    return Status(204, None)


@router.get("/functions/{function_id}/history", response=Page[AuditEntryOut], tags=["functions"])
def function_history(
    request: HttpRequest, function_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Every recorded change to a function, newest first."""
    workspace = membership_of(request).workspace
    function = object_get(Function, workspace=workspace, uuid=function_id)
    return paginate(request, _history(function, workspace), page)


# --- people ---------------------------------------------------------------------------------


def _person_get(workspace: Workspace, person_id: Any) -> Person:
    return object_get(
        selectors.person_detail(workspace=workspace, uuid=person_id),
        workspace=workspace,
        uuid=person_id,
    )


def _skills_map(skills: list[dict[str, Any]]) -> dict[str, int]:
    return {skill["name"]: skill["proficiency"] for skill in skills}


@router.get("/people", response=Page[PersonOut], tags=["people"])
def list_people(
    request: HttpRequest, filters: Query[PersonFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """List people, filtered and sorted, with function, manager and skills."""
    workspace = membership_of(request).workspace
    rows = selectors.person_list(
        workspace=workspace,
        search=filters.q.strip(),
        function=filters.function,
        seniority=filters.seniority,
        manager=str(filters.manager) if filters.manager else None,
        sort=filters.sort,
    ).prefetch_related(
        Prefetch("person_skills", queryset=PersonSkill.objects.select_related("skill"))
    )
    return paginate(request, rows, page)


@router.get("/people/{person_id}", response=PersonDetailOut, tags=["people"])
def get_person(request: HttpRequest, person_id: UUIDPath, response: HttpResponse) -> Person:
    """One person, with skills and direct reports. The ETag header carries the version."""
    person = _person_get(membership_of(request).workspace, person_id)
    etag_set(response, person.version)
    return person


@router.post("/people", response={201: PersonDetailOut}, tags=["people"])
def create_person(
    request: HttpRequest, payload: PersonCreate, response: HttpResponse
) -> Status[Person]:
    """Add a person to the directory. Needs admin."""
    membership = role_require(request, "admin")
    workspace = membership.workspace
    fields = payload.model_dump()
    skills = _skills_map(fields.pop("skills"))
    fields = _references(workspace, fields)
    person = actions.person_create(
        workspace=workspace, actor=membership.user, skills=skills or None, **fields
    )
    person = _person_get(workspace, person.uuid)
    etag_set(response, person.version)
    response["Location"] = reverse("api:get_person", args=[person.uuid])
    return Status(201, person)


@router.patch("/people/{person_id}", response=PersonDetailOut, tags=["people"])
def update_person(
    request: HttpRequest, person_id: UUIDPath, payload: PersonUpdate, response: HttpResponse
) -> Person:
    """Change a person. Needs admin.

    Only the fields sent change; `skills`, when sent, replaces the list. Guard with If-Match
    (412) or a body `version` (409).
    """
    membership = role_require(request, "admin")
    workspace = membership.workspace
    person = _person_get(workspace, person_id)
    if_match_check(request, person.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, person.version)
    skills = changes.pop("skills", None)
    changes = _references(workspace, changes)
    actions.person_update(
        person=person,
        actor=membership.user,
        expected_version=expected,
        skills=_skills_map(skills) if skills is not None else None,
        **changes,
    )
    person = _person_get(workspace, person.uuid)
    etag_set(response, person.version)
    return person


@router.delete("/people/{person_id}", response={204: None}, tags=["people"])
def delete_person(request: HttpRequest, person_id: UUIDPath) -> Status[None]:
    """Remove a person from the directory; their reports lose this manager. Needs admin."""
    membership = role_require(request, "admin")
    person = object_get(Person, workspace=membership.workspace, uuid=person_id)
    if_match_check(request, person.version)
    actions.person_delete(person=person, actor=membership.user)
    return Status(204, None)


@router.get("/people/{person_id}/history", response=Page[AuditEntryOut], tags=["people"])
def person_history(
    request: HttpRequest, person_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Every recorded change to a person, newest first."""
    workspace = membership_of(request).workspace
    person = object_get(Person, workspace=workspace, uuid=person_id)
    return paginate(request, _history(person, workspace), page)
