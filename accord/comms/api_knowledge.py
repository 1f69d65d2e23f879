"""Knowledge over the API: skills directory, expert finder, "ask me about" topics, resource
libraries and learning opportunities with sign-ups — with the pages' permissions.

Every role reads. A member edits their own skills and topics (admins anyone's); partnership
contributors add and edit resources (the adder, the lead and sponsor and admins delete them);
members offer learning opportunities they host and sign up for others'; the host and admins
edit, close and reopen them and see every sign-up. Anything in a partnership you cannot see
answers 404.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.schemas import Page, PageParams, PatchSchema, Ref, UUIDPath, paginate
from accord.comms import knowledge_actions as actions
from accord.comms import knowledge_selectors as selectors
from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.org.models import Person
from accord.partnerships.selectors import partnership_get
from accord.workspaces.models import Membership

if TYPE_CHECKING:
    ResourceKind = str
    LearningKind = str
    LearningStatus = str
else:
    ResourceKind = Literal[tuple(Resource.Kind.values)]
    LearningKind = Literal[tuple(LearningOpportunity.Kind.values)]
    LearningStatus = Literal[tuple(LearningOpportunity.Status.values)]

router = Router(tags=["Knowledge"])


# --- shapes ---------------------------------------------------------------------------------


class KnowledgePartnershipLink(Schema):
    id: UUID
    slug: str
    name: str

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class PersonCard(Schema):
    """Who someone is and how to reach them."""

    id: UUID
    name: str
    title: str
    email: str
    function: Ref | None

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class SkillLevel(Schema):
    name: str = Field(max_length=80)
    proficiency: int = Field(ge=1, le=5, description="1 learning, 3 working, 5 expert.")


class ExpertiseOut(Schema):
    person: PersonCard
    skills: list[SkillLevel] = Field(description="Strongest first.")
    topics: list[str] = Field(description='"Ask me about" topics.')
    version: int = Field(description="The person's version; also the ETag.")


class ExpertiseIn(Schema):
    """Replace skills and/or topics; a list left out keeps its current value."""

    skills: list[SkillLevel] | None = None
    topics: list[str] | None = Field(None, description="Up to 20, each up to 120 characters.")
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class TopicOut(Schema):
    id: UUID
    topic: str
    person: Ref

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class TopicIn(Schema):
    topic: str = Field(max_length=120)
    person: UUID | None = Field(None, description="Whose topic; yours when left out (admins).")


class TopicFilterParams(Schema):
    q: str = Field("", description="Part of a topic, any case.")
    person: UUID | None = Field(None, description="Only this person's topics.")


class ExpertOut(Schema):
    person: PersonCard
    skills: list[SkillLevel] = Field(description="The matching skills, strongest first.")
    topics: list[str] = Field(description="The matching topics.")
    terms_matched: int = Field(description="How many of the search terms this person covers.")


class ExpertParams(Schema):
    q: str = Field(
        "",
        description="Skills or topics: several separated by commas or spaces, a phrase in "
        "quotes. Partial, case-insensitive.",
    )
    function: str = Field(
        "", description="`others` for every function but yours, or a function id."
    )
    min_proficiency: int = Field(1, ge=1, le=5, description="Only skills at this level or up.")


class FunctionCountOut(Schema):
    function: Ref | None = Field(description="Null for people without a function.")
    people: int


class SkillSummaryOut(Schema):
    id: UUID
    name: str
    holders: int
    experts: int = Field(description="People at level 4 or 5.")
    distribution: list[int] = Field(description="People at levels 1, 2, 3, 4 and 5.")
    by_function: list[FunctionCountOut]

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.skill.uuid

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.skill.name)


class SkillParams(Schema):
    q: str = Field("", description="Part of a skill name.")
    function: UUID | None = Field(None, description="Only holders in this function.")


class ResourceOut(Schema):
    id: UUID
    partnership: KnowledgePartnershipLink
    kind: ResourceKind
    title: str
    url: str
    note: str
    tags: list[str]
    added_by: Ref | None
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class ResourceCreate(Schema):
    partnership: str = Field(description="Slug of the partnership whose library it joins.")
    kind: ResourceKind = Resource.Kind.LINK.value
    title: str = Field(max_length=200)
    url: str = Field("", max_length=500, description="http:// or https:// only.")
    note: str = ""
    tags: list[str] = Field(default_factory=list, description="Stored as lowercase slugs.")


class ResourceUpdate(PatchSchema):
    title: str | None = Field(None, max_length=200)
    kind: ResourceKind | None = None
    url: str | None = Field(None, max_length=500)
    note: str | None = None
    tags: list[str] | None = None
    partnership: str | None = Field(None, description="Move to another library (slug).")
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class ResourceParams(Schema):
    q: str = Field("", description="Search title, note, address and tags.")
    partnership: str | None = Field(None, description="Partnership slug.")
    kind: ResourceKind | None = None
    tag: str | None = None


class LearningOut(Schema):
    id: UUID
    kind: LearningKind
    title: str
    description: str
    host: PersonCard
    function: Ref | None
    partnership: KnowledgePartnershipLink | None
    starts_on: date | None
    ends_on: date | None
    capacity: int
    places_taken: int
    status: LearningStatus = Field(description="open, full (every place taken) or closed.")
    signed_up: bool = Field(description="Whether you hold a place.")
    version: int
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid

    @staticmethod
    def resolve_places_taken(obj: Any) -> int:
        return int(getattr(obj, "signup_count", 0) or 0)

    @staticmethod
    def resolve_signed_up(obj: Any) -> bool:
        return bool(getattr(obj, "signed_up", False))


class LearningCreate(Schema):
    kind: LearningKind
    title: str = Field(max_length=200)
    description: str = ""
    host: UUID | None = Field(None, description="Person id; you when left out (admins only).")
    function: UUID | None = Field(None, description="The function people learn about.")
    partnership: str | None = Field(None, description="Partnership slug.")
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: int = Field(1, ge=1, le=100)


class LearningUpdate(PatchSchema):
    NULLABLE = frozenset({"function", "partnership", "starts_on", "ends_on", "version"})

    kind: LearningKind | None = None
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    host: UUID | None = None
    function: UUID | None = None
    partnership: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    capacity: int | None = Field(None, ge=1, le=100)
    version: int | None = Field(None, description="The version you edited: 409 if it changed.")


class LearningParams(Schema):
    q: str = ""
    kind: LearningKind | None = None
    status: LearningStatus | None = None
    function: UUID | None = None
    partnership: str | None = None
    mine: bool = Field(False, description="Only those you host or signed up for.")


class SignupOut(Schema):
    id: UUID
    person: Ref
    note: str
    created_at: datetime

    @staticmethod
    def resolve_id(obj: Any) -> Any:
        return obj.uuid


class SignupIn(Schema):
    note: str = Field("", max_length=300)


# --- helpers --------------------------------------------------------------------------------


class _RankedRows(list[Any]):
    """A list computed in Python (a ranking) that paginate() can count like a queryset."""

    def count(self, *args: Any) -> int:
        return len(self)


def _list_page(request: HttpRequest, rows: list[Any], page: PageParams) -> dict[str, Any]:
    return paginate(request, _RankedRows(rows), page)  # type: ignore[arg-type]


def _person(membership: Membership, person_id: Any, field: str = "person") -> Person:
    try:
        return selectors.person_get(membership=membership, uuid=person_id)
    except Http404:
        raise ValidationError(
            {field: f"No person with id {person_id} in this workspace."}
        ) from None


def _expertise(person: Person, response: HttpResponse) -> dict[str, Any]:
    person.refresh_from_db(fields=["version"])
    skills, topics = selectors.person_expertise(person=person)
    etag_set(response, person.version)
    return {
        "person": person,
        "skills": [{"name": s.skill.name, "proficiency": s.proficiency} for s in skills],
        "topics": [t.topic for t in topics],
        "version": person.version,
    }


def _references(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids and slugs for visible records, reporting every unknown one at once."""
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}
    if resolved.get("partnership") is not None:
        try:
            resolved["partnership"] = partnership_get(
                membership=membership, slug=resolved["partnership"]
            )
        except Http404:
            errors["partnership"] = [f"No partnership “{fields['partnership']}” you can see."]
    if resolved.get("host") is not None:
        try:
            resolved["host"] = selectors.person_get(membership=membership, uuid=resolved["host"])
        except Http404:
            errors["host"] = [f"No person with id {fields['host']} in this workspace."]
    if resolved.get("function") is not None:
        found = (
            selectors.function_choices(workspace=membership.workspace)
            .filter(uuid=resolved["function"])
            .first()
        )
        if found is None:
            errors["function"] = [f"No function with id {fields['function']} in this workspace."]
        resolved["function"] = found
    if errors:
        raise ValidationError(errors)
    return resolved


# --- skills, topics and experts -------------------------------------------------------------


@router.get("/knowledge/skills", response=Page[SkillSummaryOut])
def list_knowledge_skills(
    request: HttpRequest, filters: Query[SkillParams], page: Query[PageParams]
) -> dict[str, Any]:
    """The skills directory: skills someone holds, most-held first, with per-function counts
    and the spread of proficiency."""
    membership = membership_of(request)
    function = None
    if filters.function is not None:
        function = (
            selectors.function_choices(workspace=membership.workspace)
            .filter(uuid=filters.function)
            .first()
        )
        if function is None:
            return {"count": 0, "next": None, "previous": None, "results": []}
    rows = selectors.skill_directory(
        workspace=membership.workspace, search=filters.q.strip()[:80], function=function
    )
    return _list_page(request, rows, page)


@router.get("/knowledge/experts", response=Page[ExpertOut])
def search_knowledge_experts(
    request: HttpRequest, filters: Query[ExpertParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Find people by skill or topic, ranked by how many terms they cover, then proficiency,
    then topic matches. Without `q` the list is empty."""
    search = selectors.expert_search(
        membership=membership_of(request),
        query=filters.q[:200],
        function=filters.function,
        min_proficiency=filters.min_proficiency,
    )
    rows = [
        {
            "person": r.person,
            "skills": [{"name": s.name, "proficiency": s.proficiency} for s in r.skills],
            "topics": r.topics,
            "terms_matched": r.terms_matched,
        }
        for r in search.results
    ]
    return _list_page(request, rows, page)


@router.get("/knowledge/people/{person_id}/expertise", response=ExpertiseOut)
def get_knowledge_expertise(
    request: HttpRequest, person_id: UUIDPath, response: HttpResponse
) -> dict[str, Any]:
    """A person's skills and topics. The ETag is the person's version."""
    person = selectors.person_get(membership=membership_of(request), uuid=person_id)
    return _expertise(person, response)


@router.put("/knowledge/people/{person_id}/expertise", response=ExpertiseOut)
def set_knowledge_expertise(
    request: HttpRequest, person_id: UUIDPath, payload: ExpertiseIn, response: HttpResponse
) -> dict[str, Any]:
    """Replace skills and/or topics. Yours with the member role; anyone's as an admin.

    Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    person = selectors.person_get(membership=membership, uuid=person_id)
    if_match_check(request, person.version)
    version_check(payload.version, person.version)
    skills: dict[str, int] | None = None
    if payload.skills is not None:
        skills = {}
        for row in payload.skills:
            name = " ".join(row.name.split())
            if name.lower() in {n.lower() for n in skills}:
                raise ValidationError({"skills": f"{name} is listed twice."})
            skills[name] = row.proficiency
    actions.expertise_set(
        membership=membership,
        person=person,
        skills=skills,
        topics=payload.topics,
        expected_version=payload.version,
    )
    return _expertise(person, response)


@router.get("/knowledge/topics", response=Page[TopicOut])
def list_knowledge_topics(
    request: HttpRequest, filters: Query[TopicFilterParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Everyone's "ask me about" topics, by topic."""
    membership = membership_of(request)
    rows = ExpertiseTopic.objects.filter(workspace=membership.workspace).select_related("person")
    if filters.q.strip():
        rows = rows.filter(topic__icontains=filters.q.strip()[:120])
    if filters.person is not None:
        rows = rows.filter(person__uuid=filters.person)
    return paginate(request, rows.order_by("topic", "pk"), page)


@router.post("/knowledge/topics", response={201: TopicOut})
def add_knowledge_topic(request: HttpRequest, payload: TopicIn) -> Status[ExpertiseTopic]:
    """Add a topic to your list (an admin may name another person)."""
    membership = role_require(request, "member")
    if payload.person is not None:
        person = _person(membership, payload.person)
    else:
        me = selectors.my_person(membership=membership)
        if me is None:
            raise ValidationError(
                {"person": "Your login is not linked to a person; name the person."}
            )
        person = me
    topic = actions.topic_add(membership=membership, person=person, topic=payload.topic)
    return Status(201, topic)


@router.delete("/knowledge/topics/{expertise_topic_id}", response={204: None})
def delete_knowledge_topic(request: HttpRequest, expertise_topic_id: UUIDPath) -> Status[None]:
    """Remove a topic (yours; admins anyone's)."""
    membership = role_require(request, "member")
    topic = selectors.topic_get(membership=membership, uuid=expertise_topic_id)
    actions.topic_remove(membership=membership, topic=topic)
    return Status(204, None)


# --- resources ------------------------------------------------------------------------------


def _resource(membership: Membership, resource_id: str) -> Resource:
    return selectors.resource_get(membership=membership, uuid=resource_id)


@router.get("/knowledge/resources", response=Page[ResourceOut])
def list_knowledge_resources(
    request: HttpRequest, filters: Query[ResourceParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Resources of the partnerships you can see, by partnership then title."""
    rows = selectors.resource_list(
        membership=membership_of(request),
        filters=selectors.ResourceFilters(
            partnership=filters.partnership or None,
            kind=filters.kind,
            tag=(filters.tag or "").strip().lower() or None,
            search=filters.q.strip()[:100],
        ),
    )
    return paginate(request, rows, page)


@router.post("/knowledge/resources", response={201: ResourceOut})
def create_knowledge_resource(
    request: HttpRequest, payload: ResourceCreate, response: HttpResponse
) -> Status[Resource]:
    """Add to a partnership's library. Needs to be one of its contributors (or an admin)."""
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    created = actions.resource_create(membership=membership, **fields)
    resource = _resource(membership, str(created.uuid))
    etag_set(response, resource.version)
    response["Location"] = reverse("api:get_knowledge_resource", args=[resource.uuid])
    return Status(201, resource)


@router.get("/knowledge/resources/{resource_id}", response=ResourceOut)
def get_knowledge_resource(
    request: HttpRequest, resource_id: UUIDPath, response: HttpResponse
) -> Resource:
    """One resource. The ETag header carries its version."""
    resource = _resource(membership_of(request), resource_id)
    etag_set(response, resource.version)
    return resource


@router.patch("/knowledge/resources/{resource_id}", response=ResourceOut)
def update_knowledge_resource(
    request: HttpRequest, resource_id: UUIDPath, payload: ResourceUpdate, response: HttpResponse
) -> Resource:
    """Change a resource. Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    resource = _resource(membership, resource_id)
    if_match_check(request, resource.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, resource.version)
    changes = _references(membership, changes)
    actions.resource_update(
        membership=membership, resource=resource, expected_version=expected, **changes
    )
    fresh = _resource(membership, resource_id)
    etag_set(response, fresh.version)
    return fresh


@router.delete("/knowledge/resources/{resource_id}", response={204: None})
def delete_knowledge_resource(request: HttpRequest, resource_id: UUIDPath) -> Status[None]:
    """Delete a resource: the person who added it, the partnership's lead or sponsor, admins."""
    membership = role_require(request, "member")
    resource = _resource(membership, resource_id)
    if_match_check(request, resource.version)
    actions.resource_delete(membership=membership, resource=resource)
    return Status(204, None)


# --- learning -------------------------------------------------------------------------------


def _learning(membership: Membership, opportunity_id: str) -> LearningOpportunity:
    return selectors.learning_get(membership=membership, uuid=opportunity_id)


def _learning_answer(
    membership: Membership, opportunity: LearningOpportunity, response: HttpResponse
) -> LearningOpportunity:
    fresh = _learning(membership, str(opportunity.uuid))
    etag_set(response, fresh.version)
    return fresh


@router.get("/knowledge/learning", response=Page[LearningOut])
def list_knowledge_learning(
    request: HttpRequest, filters: Query[LearningParams], page: Query[PageParams]
) -> dict[str, Any]:
    """Learning opportunities you can see: open first, then full, then closed."""
    rows = selectors.learning_list(
        membership=membership_of(request),
        filters=selectors.LearningFilters(
            kind=filters.kind,
            status=filters.status,
            function=str(filters.function) if filters.function else None,
            partnership=filters.partnership or None,
            mine=filters.mine,
            search=filters.q.strip()[:100],
        ),
    )
    return paginate(request, rows, page)


@router.post("/knowledge/learning", response={201: LearningOut})
def create_knowledge_learning(
    request: HttpRequest, payload: LearningCreate, response: HttpResponse
) -> Status[LearningOpportunity]:
    """Offer an opportunity you host (admins may name another host). Needs member."""
    membership = role_require(request, "member")
    fields = _references(membership, payload.model_dump())
    created = actions.learning_create(membership=membership, **fields)
    opportunity = _learning_answer(membership, created, response)
    response["Location"] = reverse("api:get_knowledge_learning", args=[opportunity.uuid])
    return Status(201, opportunity)


@router.get("/knowledge/learning/{opportunity_id}", response=LearningOut)
def get_knowledge_learning(
    request: HttpRequest, opportunity_id: UUIDPath, response: HttpResponse
) -> LearningOpportunity:
    """One opportunity. The ETag header carries its version (it moves when it fills up)."""
    opportunity = _learning(membership_of(request), opportunity_id)
    etag_set(response, opportunity.version)
    return opportunity


@router.patch("/knowledge/learning/{opportunity_id}", response=LearningOut)
def update_knowledge_learning(
    request: HttpRequest, opportunity_id: UUIDPath, payload: LearningUpdate, response: HttpResponse
) -> LearningOpportunity:
    """Change an opportunity (host or admin). Capacity cannot drop below the places taken.
    Guard with If-Match (412) or a body `version` (409)."""
    membership = role_require(request, "member")
    opportunity = _learning(membership, opportunity_id)
    if_match_check(request, opportunity.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, opportunity.version)
    changes = _references(membership, changes)
    actions.learning_update(
        membership=membership, opportunity=opportunity, expected_version=expected, **changes
    )
    return _learning_answer(membership, opportunity, response)


@router.post("/knowledge/learning/{opportunity_id}/close", response=LearningOut)
def close_knowledge_learning(
    request: HttpRequest, opportunity_id: UUIDPath, response: HttpResponse
) -> LearningOpportunity:
    """Stop taking sign-ups (host or admin); places already taken are kept."""
    membership = role_require(request, "member")
    opportunity = _learning(membership, opportunity_id)
    if_match_check(request, opportunity.version)
    actions.learning_close(membership=membership, opportunity=opportunity)
    return _learning_answer(membership, opportunity, response)


@router.post("/knowledge/learning/{opportunity_id}/reopen", response=LearningOut)
def reopen_knowledge_learning(
    request: HttpRequest, opportunity_id: UUIDPath, response: HttpResponse
) -> LearningOpportunity:
    """Take sign-ups again (host or admin); full if every place is taken."""
    membership = role_require(request, "member")
    opportunity = _learning(membership, opportunity_id)
    if_match_check(request, opportunity.version)
    actions.learning_reopen(membership=membership, opportunity=opportunity)
    return _learning_answer(membership, opportunity, response)


@router.get("/knowledge/learning/{opportunity_id}/signups", response=Page[SignupOut])
def list_knowledge_signups(
    request: HttpRequest, opportunity_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Everyone's sign-ups for the host and admins; only your own for anyone else."""
    membership = membership_of(request)
    opportunity = _learning(membership, opportunity_id)
    rows = selectors.learning_signup_list(membership=membership, opportunity=opportunity)
    return paginate(request, rows, page)


@router.post("/knowledge/learning/{opportunity_id}/signups", response={201: SignupOut})
def create_knowledge_signup(
    request: HttpRequest, opportunity_id: UUIDPath, payload: SignupIn
) -> Status[LearningSignup]:
    """Take a place for yourself. 422 when it is full, closed, yours, or you already have
    one; the host is notified."""
    membership = role_require(request, "member")
    opportunity = _learning(membership, opportunity_id)
    signup = actions.learning_signup(
        membership=membership, opportunity=opportunity, note=payload.note
    )
    return Status(201, signup)


@router.delete(
    "/knowledge/learning/{opportunity_id}/signups/{learning_signup_id}", response={204: None}
)
def delete_knowledge_signup(
    request: HttpRequest, opportunity_id: UUIDPath, learning_signup_id: UUIDPath
) -> Status[None]:
    """Withdraw (your own sign-up; the host and admins may remove anyone's). A full
    opportunity opens again."""
    membership = role_require(request, "member")
    opportunity = _learning(membership, opportunity_id)
    signup = selectors.learning_signup_get(
        membership=membership, opportunity=opportunity, uuid=learning_signup_id
    )
    actions.learning_withdraw(membership=membership, signup=signup)
    return Status(204, None)
