"""Shapes shared by every area's API: pages, problems, references and audit entries."""

from datetime import datetime, time
from typing import Annotated, Any, ClassVar
from uuid import UUID

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import AfterValidator, ValidationInfo, WithJsonSchema, field_validator

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Past this no page has rows; larger numbers overflow the databases' integer types.
MAX_OFFSET = 2**31 - 1

# Path ids are taken as text so a malformed one is simply "not found" (404), like a foreign
# one, while the schema still documents them as UUIDs.
UUIDPath = Annotated[str, WithJsonSchema({"type": "string", "format": "uuid"})]


def _wall_clock(value: time) -> time:
    if value.tzinfo is not None:
        raise ValueError("Give a local time of day (HH:MM) without a UTC offset.")
    return value


# A time of day on the workspace's clock: "09:30". A UTC offset has no meaning without a date
# (summer time), so it is refused rather than silently dropped.
LocalTime = Annotated[
    time,
    AfterValidator(_wall_clock),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "Local time of day, HH:MM (or HH:MM:SS), without a UTC offset.",
            "examples": ["09:30"],
        }
    ),
]


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (≤ 200).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Rows to skip.")


class Page[T](Schema):
    count: int = Field(description="Rows matching the filters, on all pages.")
    next: str | None = Field(description="URL of the next page, or null on the last.")
    previous: str | None = Field(description="URL of the previous page, or null on the first.")
    results: list[T]


def paginate(request: HttpRequest, rows: QuerySet[Any], page: PageParams) -> dict[str, Any]:
    """One COUNT and one page query (plus the queryset's prefetches), whatever the total."""
    count = rows.count()
    results = list(rows[page.offset : page.offset + page.limit])
    return {
        "count": count,
        "next": _page_url(request, page.offset + page.limit, page.limit)
        if page.offset + page.limit < count
        else None,
        "previous": _page_url(request, max(page.offset - page.limit, 0), page.limit)
        if page.offset > 0
        else None,
        "results": results,
    }


def _page_url(request: HttpRequest, offset: int, limit: int) -> str:
    query = request.GET.copy()
    query["offset"] = str(offset)
    query["limit"] = str(limit)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


class PatchSchema(Schema):
    """A partial update: fields left out keep their value; null is refused unless it clears a
    reference (the fields in NULLABLE)."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset({"version"})

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_it_clears(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError("This field cannot be null; leave it out to keep its value.")
        return value


class ValidationErrorItem(Schema):
    field: str | None = Field(description="Payload field (dotted for nested), or null.")
    message: str
    code: str


class ProblemOut(Schema):
    """RFC 9457 problem details. `type` is stable; match on it, not on `detail`."""

    type: str = Field(examples=["https://accord.dev/problems/validation"])
    title: str
    status: int
    detail: str
    errors: list[ValidationErrorItem] | None = Field(
        None, description="For `validation` problems: one entry per invalid field."
    )
    current_version: int | None = Field(
        None, description="For `precondition-failed` and `edit-conflict`: the stored version."
    )


class Ref(Schema):
    """A reference to another record: its id and what people call it."""

    id: UUID
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid if hasattr(obj, "uuid") else obj["id"]


class UserRef(Schema):
    email: str
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(getattr(obj, "display_name", "") or obj.email)


class AuditEntryOut(Schema):
    at: datetime
    actor: UserRef | None = Field(description="Null for changes made by the system or CLI.")
    actor_label: str
    action: str = Field(description="create, update or delete")
    object_type: str = Field(description="e.g. person, function, membership")
    object_id: UUID
    object_label: str
    changes: dict[str, Any] = Field(description="field: [before, after]")

    @staticmethod
    def resolve_object_type(obj: Any) -> str:
        return str(obj.object_type).split(".")[-1]

    @staticmethod
    def resolve_object_id(obj: Any) -> Any:
        return obj.object_uuid
