"""API shapes for functions and people. Ids are UUIDs; references are by id."""

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from ninja import Field, Schema
from pydantic import field_validator

from accord.api.schemas import PatchSchema, Ref
from accord.org.models import Seniority
from accord.org.selectors import PERSON_SORTS

SENIORITY_HELP = "; ".join(f"{value} = {label}" for value, label in Seniority.choices)

if TYPE_CHECKING:
    PersonSort = str
else:
    # The sort keys the people selector knows, as an enum in the OpenAPI document.
    PersonSort = Literal[tuple(PERSON_SORTS)]


# --- functions ------------------------------------------------------------------------------


class FunctionOut(Schema):
    id: UUID
    name: str
    description: str
    lead: Ref | None
    headcount: int = Field(description="People in this function.")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_headcount(obj: Any) -> int:
        return int(getattr(obj, "headcount", 0) or 0)


class FunctionCreate(Schema):
    name: str = Field(max_length=80)
    description: str = ""
    lead: UUID | None = Field(None, description="Id of the person who leads it.")


class FunctionUpdate(PatchSchema):
    """Only the fields sent change; null clears `lead` and is refused elsewhere."""

    NULLABLE = frozenset({"lead", "version"})

    name: str | None = Field(None, max_length=80)
    description: str | None = None
    lead: UUID | None = Field(None, description="Id of the person who leads it; null clears.")
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class FunctionFilters(Schema):
    q: str = Field("", description="Search in the name.")


# --- people ---------------------------------------------------------------------------------


class SkillOut(Schema):
    name: str
    proficiency: int = Field(description="1 = learning, 3 = working, 5 = expert")


class SkillIn(Schema):
    name: str = Field(min_length=1, max_length=80)
    proficiency: int = Field(3, ge=1, le=5, description="1 = learning, 3 = working, 5 = expert")

    @field_validator("name")
    @classmethod
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("A skill needs a name.")
        return value.strip()


def _skills_unique(skills: list[SkillIn] | None) -> list[SkillIn] | None:
    if skills is None:
        return None
    seen: set[str] = set()
    for skill in skills:
        key = skill.name.lower()
        if key in seen:
            raise ValueError(f"“{skill.name}” is listed twice.")
        seen.add(key)
    return skills


class PersonOut(Schema):
    id: UUID
    name: str
    email: str
    title: str
    seniority: int = Field(description=SENIORITY_HELP)
    seniority_label: str
    function: Ref | None
    manager: Ref | None
    location: str
    timezone: str
    skills: list[SkillOut]
    has_login: bool = Field(description="Whether this person signs in to the workspace.")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_seniority_label(obj: Any) -> str:
        return str(obj.get_seniority_display())

    @staticmethod
    def resolve_skills(obj: Any) -> list[dict[str, Any]]:
        return [
            {"name": row.skill.name, "proficiency": row.proficiency}
            for row in obj.person_skills.all()
        ]

    @staticmethod
    def resolve_has_login(obj: Any) -> bool:
        return obj.user_id is not None


class PersonDetailOut(PersonOut):
    reports: list[Ref] = Field(description="People who report to this person directly.")

    @staticmethod
    def resolve_reports(obj: Any) -> list[Any]:
        return list(obj.reports.all())


class PersonCreate(Schema):
    name: str = Field(max_length=150)
    email: str = Field(max_length=254)
    title: str = Field("", max_length=120)
    seniority: int = Field(Seniority.IC.value, ge=1, le=5, description=SENIORITY_HELP)
    function: UUID | None = Field(None, description="Id of the person's function.")
    manager: UUID | None = Field(None, description="Id of the person's manager.")
    location: str = Field("", max_length=120)
    timezone: str = Field("", max_length=64)
    skills: list[SkillIn] = Field(default_factory=list)

    @field_validator("skills")
    @classmethod
    def _skills_listed_once(cls, skills: list[SkillIn] | None) -> list[SkillIn] | None:
        return _skills_unique(skills)


class PersonUpdate(PatchSchema):
    """Only the fields sent change; `skills`, when sent, replaces the whole list. Null clears
    `function` and `manager` and is refused elsewhere."""

    NULLABLE = frozenset({"function", "manager", "version"})

    name: str | None = Field(None, max_length=150)
    email: str | None = Field(None, max_length=254)
    title: str | None = Field(None, max_length=120)
    seniority: int | None = Field(None, ge=1, le=5, description=SENIORITY_HELP)
    function: UUID | None = Field(None, description="Id of the function; null clears it.")
    manager: UUID | None = Field(None, description="Id of the manager; null clears it.")
    location: str | None = Field(None, max_length=120)
    timezone: str | None = Field(None, max_length=64)
    skills: list[SkillIn] | None = None
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")

    @field_validator("skills")
    @classmethod
    def _skills_listed_once(cls, skills: list[SkillIn] | None) -> list[SkillIn] | None:
        return _skills_unique(skills)


class PersonFilters(Schema):
    q: str = Field("", description="Search in name, email and title.")
    function: str | None = Field(None, description='Function id, or "none" for people without.')
    seniority: int | None = Field(None, ge=1, le=5, description=SENIORITY_HELP)
    manager: UUID | None = Field(None, description="Manager's id: their direct reports.")
    sort: PersonSort = Field("name", description="Sort key; prefix - for descending.")

    @field_validator("function")
    @classmethod
    def _function_is_id_or_none(cls, value: str | None) -> str | None:
        if value not in (None, "", "none"):
            try:
                UUID(str(value))
            except ValueError:
                raise ValueError('Use a function id, or "none" for people without.') from None
        return value or None
