"""Reads for shared knowledge: the skills directory, the expert finder, resource libraries and
learning opportunities. Every read is scoped to the member's workspace; resources and learning
tied to a partnership follow the partnership's visibility (404 for anyone who cannot see it).

Who may do what (the actions enforce it, pages and the API ask here first):

- Everyone reads the skills directory, the expert finder and people's "ask me about" topics.
- A member (role member or above) edits their own skills and topics; admins edit anyone's.
- Resources: the partnership's contributors (members, lead, sponsor) and admins add and edit
  them; the person who added one, the partnership's lead and sponsor and admins delete it.
- Learning: any member offers an opportunity (hosted by themselves; admins choose the host)
  and signs up for others'; the host and admins edit, close and reopen it and see who signed up.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.goals.permissions import person_ids_of
from accord.org.models import Function, Person, PersonSkill, Skill
from accord.partnerships.models import Partnership, PartnershipMember
from accord.partnerships.selectors import (
    partnership_can_contribute,
    partnership_visible_list,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

PROFICIENCY_LABELS = {1: "Learning", 2: "Beginner", 3: "Working", 4: "Advanced", 5: "Expert"}
# "Other functions than mine": the expert finder's default way of looking across the org.
OTHER_FUNCTIONS = "others"
MAX_TERMS = 8
# Words that match half the catalog when searched alone ("and" is inside "Brand strategy").
STOPWORDS = frozenset({"a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with"})
_TERM = re.compile(r'"([^"]+)"|([^\s,;"]+)')


# --- who is who -----------------------------------------------------------------------------


def my_person(*, membership: Membership) -> Person | None:
    """The directory entry linked to the member's login (the first, if several)."""
    ids = person_ids_of(membership)
    if not ids:
        return None
    return (
        Person.objects.filter(workspace=membership.workspace, pk=min(ids))
        .select_related("function")
        .first()
    )


def expertise_can_edit(*, membership: Membership, person: Person) -> bool:
    """A member edits their own skills and topics; admins edit anyone's."""
    if not membership.can_edit:
        return False
    return membership.can_admin or person.pk in person_ids_of(membership)


def person_get(*, membership: Membership, uuid: Any) -> Person:
    found: Person = object_get(
        Person.objects.select_related("function"), workspace=membership.workspace, uuid=uuid
    )
    return found


def person_expertise(*, person: Person) -> tuple[list[PersonSkill], list[ExpertiseTopic]]:
    """A person's skills (strongest first) and "ask me about" topics."""
    skills = list(
        PersonSkill.objects.filter(workspace=person.workspace, person=person)
        .select_related("skill")
        .order_by("-proficiency", "skill__name", "pk")
    )
    topics = list(
        ExpertiseTopic.objects.filter(workspace=person.workspace, person=person).order_by(
            "topic", "pk"
        )
    )
    return skills, topics


def topic_list(
    *, workspace: Workspace, search: str = "", person: Any = None
) -> QuerySet[ExpertiseTopic]:
    """Everyone's topics (everyone may read them), by topic, with their person."""
    topics = ExpertiseTopic.objects.filter(workspace=workspace).select_related("person")
    if search:
        topics = topics.filter(topic__icontains=search)
    if person is not None:
        topics = topics.filter(person__uuid=person)
    return topics.order_by("topic", "pk")


def topic_get(*, membership: Membership, uuid: Any) -> ExpertiseTopic:
    found: ExpertiseTopic = object_get(
        ExpertiseTopic.objects.select_related("person"),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


def skill_catalog(*, workspace: Workspace) -> QuerySet[Skill]:
    """Every skill name of the workspace, for suggestions while typing."""
    return Skill.objects.filter(workspace=workspace).only("uuid", "name").order_by("name")


def topic_catalog(*, workspace: Workspace, limit: int = 200) -> list[str]:
    """The most-used topics of the workspace, for suggestions while typing."""
    rows = (
        ExpertiseTopic.objects.filter(workspace=workspace)
        .values("topic")
        .annotate(people=Count("pk"))
        .order_by("-people", "topic")[:limit]
    )
    return [row["topic"] for row in rows]


def function_choices(*, workspace: Workspace) -> QuerySet[Function]:
    return Function.objects.filter(workspace=workspace).only("uuid", "name").order_by("name")


# --- skills directory -----------------------------------------------------------------------


@dataclass
class FunctionCount:
    function: Function | None
    people: int


@dataclass
class SkillSummary:
    """One skill of the directory: who holds it, where, and how well."""

    skill: Skill
    holders: int = 0
    # People at proficiency 1..5 (index 0 is level 1).
    distribution: list[int] = field(default_factory=lambda: [0] * 5)
    by_function: list[FunctionCount] = field(default_factory=list)

    @property
    def experts(self) -> int:
        """People at level 4 or 5."""
        return self.distribution[3] + self.distribution[4]

    @property
    def bars(self) -> list[tuple[int, int, int, int, int]]:
        """(level, people, x, y, height) of the small histogram: 5 bars in a 74×26 box."""
        top = max(self.distribution) or 1
        bars = []
        for level, count in enumerate(self.distribution, start=1):
            height = round(24 * count / top) if count else 0
            bars.append((level, count, (level - 1) * 15, 26 - height, height))
        return bars

    @property
    def distribution_label(self) -> str:
        return "; ".join(
            f"level {level}: {count}" for level, count in enumerate(self.distribution, start=1)
        )


def skill_directory(
    *, workspace: Workspace, search: str = "", function: Function | None = None
) -> list[SkillSummary]:
    """Skills that someone holds, most-held first, with per-function counts and the spread of
    proficiency. Three queries whatever the number of people and skills."""
    holdings = PersonSkill.objects.filter(workspace=workspace)
    skills = Skill.objects.filter(workspace=workspace).only("uuid", "name")
    if search:
        holdings = holdings.filter(skill__name__icontains=search)
        skills = skills.filter(name__icontains=search)
    if function is not None:
        holdings = holdings.filter(person__function=function)
    rows = holdings.values("skill_id", "person__function_id", "proficiency").annotate(
        people=Count("pk")
    )
    summaries: dict[int, SkillSummary] = {}
    per_function: dict[int, dict[int | None, int]] = defaultdict(lambda: defaultdict(int))
    by_id = {s.pk: s for s in skills}
    for row in rows:
        skill = by_id.get(row["skill_id"])
        if skill is None:
            continue
        summary = summaries.setdefault(skill.pk, SkillSummary(skill=skill))
        summary.holders += row["people"]
        summary.distribution[row["proficiency"] - 1] += row["people"]
        per_function[skill.pk][row["person__function_id"]] += row["people"]
    functions = {f.pk: f for f in function_choices(workspace=workspace)}
    for skill_id, counts in per_function.items():
        summaries[skill_id].by_function = sorted(
            (
                FunctionCount(function=functions.get(pk) if pk else None, people=n)
                for pk, n in counts.items()
            ),
            key=_function_count_key,
        )
    return sorted(summaries.values(), key=lambda s: (-s.holders, s.skill.name.lower()))


def _function_count_key(item: FunctionCount) -> tuple[int, str]:
    return (-item.people, item.function.name.lower() if item.function else "~")


def people_directory(
    *, workspace: Workspace, search: str = "", function: Function | None = None
) -> QuerySet[Person]:
    """People with their skills (strongest first) and topics prefetched: constant queries.

    The search matches a name, a title, a skill or a topic."""
    people = (
        Person.objects.filter(workspace=workspace)
        .select_related("function")
        .only("uuid", "name", "email", "title", "seniority", "function__uuid", "function__name")
        .prefetch_related(
            Prefetch(
                "person_skills",
                queryset=PersonSkill.objects.select_related("skill").order_by(
                    "-proficiency", "skill__name"
                ),
            ),
            Prefetch("topics", queryset=ExpertiseTopic.objects.order_by("topic")),
        )
    )
    if function is not None:
        people = people.filter(function=function)
    if search:
        skilled = PersonSkill.objects.filter(
            workspace=workspace, skill__name__icontains=search
        ).values("person_id")
        topical = ExpertiseTopic.objects.filter(
            workspace=workspace, topic__icontains=search
        ).values("person_id")
        people = people.filter(
            Q(name__icontains=search)
            | Q(title__icontains=search)
            | Q(pk__in=skilled)
            | Q(pk__in=topical)
        )
    return people.order_by("name", "pk")


# --- expert finder --------------------------------------------------------------------------


def search_terms(text: str) -> list[str]:
    """'pricing, SQL "month-end close"' → ['pricing', 'sql', 'month-end close'].

    Commas, semicolons and spaces separate terms; quotes keep a phrase together. Filler words
    are dropped when other terms remain."""
    terms: list[str] = []
    for quoted, word in _TERM.findall(text or ""):
        term = " ".join((quoted or word).split()).lower()[:80]
        if term and term not in terms:
            terms.append(term)
    meaningful = [t for t in terms if t not in STOPWORDS]
    return (meaningful or terms)[:MAX_TERMS]


@dataclass
class SkillMatch:
    name: str
    proficiency: int

    @property
    def label(self) -> str:
        return PROFICIENCY_LABELS.get(self.proficiency, "")


@dataclass
class ExpertResult:
    """One person the expert finder found, with what matched."""

    person: Person
    skills: list[SkillMatch]
    topics: list[str]
    terms_matched: int

    @property
    def best(self) -> int:
        return max((s.proficiency for s in self.skills), default=0)

    def rank_key(self) -> tuple[int, int, int, int, str]:
        # More of the searched terms, then stronger skills, then topic matches.
        return (
            -self.terms_matched,
            -self.best,
            -sum(s.proficiency for s in self.skills),
            -len(self.topics),
            self.person.name.lower(),
        )


@dataclass
class ExpertSearch:
    terms: list[str]
    results: list[ExpertResult]  # every match, best first
    my_function: Function | None


def _any_term(field_name: str, terms: list[str]) -> Q:
    match = Q()
    for term in terms:
        match |= Q(**{f"{field_name}__icontains": term})
    return match


def _terms_in(text: str, terms: list[str]) -> set[str]:
    lowered = text.lower()
    return {term for term in terms if term in lowered}


def expert_search(
    *,
    membership: Membership,
    query: str,
    function: str = "",
    min_proficiency: int = 1,
) -> ExpertSearch:
    """People whose skills or "ask me about" topics match the terms, best first.

    `function` is "" for any function, "others" for every function but mine, or a function's
    uuid. With a minimum proficiency above 1, only people holding a matching skill at that
    level or higher are found (a topic says nothing about level). Four queries at most,
    whatever the number of people; callers page through `results`."""
    workspace = membership.workspace
    me = my_person(membership=membership)
    my_function = me.function if me is not None else None
    terms = search_terms(query)
    empty = ExpertSearch(terms=terms, results=[], my_function=my_function)
    if not terms:
        return empty
    min_proficiency = min(max(int(min_proficiency or 1), 1), 5)
    skill_rows = PersonSkill.objects.filter(
        Q(workspace=workspace) & _any_term("skill__name", terms),
        proficiency__gte=min_proficiency,
    )
    topic_rows = ExpertiseTopic.objects.filter(Q(workspace=workspace) & _any_term("topic", terms))
    if function == OTHER_FUNCTIONS:
        if my_function is not None:
            skill_rows = skill_rows.exclude(person__function=my_function)
            topic_rows = topic_rows.exclude(person__function=my_function)
    elif function:
        skill_rows = skill_rows.filter(person__function__uuid=function)
        topic_rows = topic_rows.filter(person__function__uuid=function)
    matched_skills: dict[int, list[SkillMatch]] = defaultdict(list)
    matched_topics: dict[int, list[str]] = defaultdict(list)
    covered: dict[int, set[str]] = defaultdict(set)
    for person_id, name, level in skill_rows.values_list("person_id", "skill__name", "proficiency"):
        matched_skills[person_id].append(SkillMatch(name=name, proficiency=level))
        covered[person_id] |= _terms_in(name, terms)
    for person_id, topic in topic_rows.values_list("person_id", "topic"):
        matched_topics[person_id].append(topic)
        covered[person_id] |= _terms_in(topic, terms)
    candidates = set(matched_skills)
    if min_proficiency <= 1:
        candidates |= set(matched_topics)
    if not candidates:
        return empty
    people = (
        Person.objects.filter(workspace=workspace, pk__in=candidates)
        .select_related("function")
        .only("uuid", "name", "email", "title", "seniority", "function__uuid", "function__name")
    )
    ranking = sorted(
        (
            ExpertResult(
                person=person,
                skills=sorted(
                    matched_skills[person.pk], key=lambda s: (-s.proficiency, s.name.lower())
                ),
                topics=sorted(matched_topics[person.pk], key=str.lower),
                terms_matched=len(covered[person.pk]),
            )
            for person in people
        ),
        key=ExpertResult.rank_key,
    )
    return ExpertSearch(terms=terms, results=ranking, my_function=my_function)


# --- resources ------------------------------------------------------------------------------


def resource_visible(*, membership: Membership) -> QuerySet[Resource]:
    """Resources of the partnerships the member can see."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return Resource.objects.filter(workspace=membership.workspace, partnership__in=visible)


def resource_detail(*, membership: Membership) -> QuerySet[Resource]:
    return resource_visible(membership=membership).select_related(
        "partnership", "added_by", "workspace"
    )


def resource_get(*, membership: Membership, uuid: Any) -> Resource:
    found: Resource = object_get(
        resource_detail(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


@dataclass
class ResourceFilters:
    partnership: str | None = None  # slug
    kind: str | None = None
    tag: str | None = None
    search: str = ""

    def any(self) -> bool:
        return any((self.kind, self.tag, self.search))


def tag_lookup(tag: str) -> Q:
    """Tags are stored slugified in a JSON list; '"tag"' appears verbatim in its text form on
    SQLite and PostgreSQL alike (JSONField's `contains` does not exist on SQLite)."""
    return Q(tags__icontains=f'"{tag}"')


def resource_list(
    *, membership: Membership, filters: ResourceFilters | None = None
) -> QuerySet[Resource]:
    """Visible resources, filtered, with their partnership and adder (constant queries)."""
    filters = filters or ResourceFilters()
    resources = resource_detail(membership=membership)
    if filters.partnership:
        resources = resources.filter(partnership__slug=filters.partnership)
    if filters.kind:
        resources = resources.filter(kind=filters.kind)
    if filters.tag:
        resources = resources.filter(tag_lookup(filters.tag))
    if filters.search:
        term = filters.search
        resources = resources.filter(
            Q(title__icontains=term)
            | Q(note__icontains=term)
            | Q(url__icontains=term)
            | tag_lookup(term.lower())
        )
    return resources.order_by("partnership__name", "title", "pk")


def resource_tags(*, resources: QuerySet[Resource]) -> list[tuple[str, int]]:
    """Tags used by these resources with how often, most-used first (one query)."""
    counts: dict[str, int] = defaultdict(int)
    for tags in resources.values_list("tags", flat=True):
        for tag in tags or []:
            counts[str(tag)] += 1
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def resource_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the member can see (filter choices)."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return (
        Partnership.objects.filter(workspace=membership.workspace, pk__in=visible)
        .only("uuid", "slug", "name", "status")
        .order_by("name")
    )


def resource_partnership_create_choices(*, membership: Membership) -> list[Partnership]:
    """Partnerships the member may add resources to (one query)."""
    if not membership.can_edit:
        return []
    partnerships = resource_partnership_choices(membership=membership)
    if membership.can_admin:
        return list(partnerships)
    people = person_ids_of(membership)
    if not people:
        return []
    member_of = PartnershipMember.objects.filter(
        workspace=membership.workspace, person_id__in=people
    ).values("partnership_id")
    return list(
        partnerships.filter(Q(lead_id__in=people) | Q(sponsor_id__in=people) | Q(pk__in=member_of))
    )


def resource_can_add(*, membership: Membership, partnership: Partnership) -> bool:
    """The partnership's contributors (members, lead, sponsor) and admins."""
    if not membership.can_edit:
        return False
    if membership.can_admin:
        return True
    people = person_ids_of(membership)
    if partnership.lead_id in people or partnership.sponsor_id in people:
        return True
    return partnership_can_contribute(membership=membership, partnership=partnership)


def resource_can_edit(*, membership: Membership, resource: Resource) -> bool:
    """Anyone who may add to its partnership may also correct it."""
    if resource.added_by_id is not None and resource.added_by_id in person_ids_of(membership):
        return membership.can_edit
    return resource_can_add(membership=membership, partnership=resource.partnership)


def resource_can_delete(*, membership: Membership, resource: Resource) -> bool:
    """The person who added it, the partnership's lead and sponsor, and admins."""
    if not membership.can_edit:
        return False
    if membership.can_admin:
        return True
    people = person_ids_of(membership)
    partnership = resource.partnership
    return (
        resource.added_by_id in people
        or partnership.lead_id in people
        or partnership.sponsor_id in people
    )


def resource_rows(*, membership: Membership, resources: Any) -> list[Resource]:
    """Resources with `can_edit` / `can_delete` set for the member, without a query per row
    (partnership membership is read once for the partnerships on the page)."""
    rows = list(resources)
    people = person_ids_of(membership)
    contributing: set[int] = set()
    if membership.can_edit and not membership.can_admin and people and rows:
        contributing = set(
            PartnershipMember.objects.filter(
                workspace=membership.workspace,
                person_id__in=people,
                partnership_id__in={r.partnership_id for r in rows},
            ).values_list("partnership_id", flat=True)
        )
    for row in rows:
        manager = row.partnership.lead_id in people or row.partnership.sponsor_id in people
        mine = row.added_by_id is not None and row.added_by_id in people
        row.can_delete = membership.can_edit and (membership.can_admin or mine or manager)
        row.can_edit = membership.can_edit and (
            membership.can_admin or mine or manager or row.partnership_id in contributing
        )
    return rows


# --- learning -------------------------------------------------------------------------------

STATUS_ORDER = Case(
    When(status=LearningOpportunity.Status.OPEN, then=Value(0)),
    When(status=LearningOpportunity.Status.FULL, then=Value(1)),
    default=Value(2),
    output_field=IntegerField(),
)


def learning_visible(*, membership: Membership) -> QuerySet[LearningOpportunity]:
    """Workspace-wide opportunities, and those of partnerships the member can see."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return LearningOpportunity.objects.filter(workspace=membership.workspace).filter(
        Q(partnership__isnull=True) | Q(partnership__in=visible)
    )


def _signup_count() -> Coalesce:
    rows = (
        LearningSignup.objects.filter(opportunity=OuterRef("pk"))
        .order_by()
        .values("opportunity")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_details(
    opportunities: QuerySet[LearningOpportunity], membership: Membership
) -> QuerySet[LearningOpportunity]:
    mine = LearningSignup.objects.filter(
        opportunity=OuterRef("pk"), person_id__in=person_ids_of(membership)
    )
    return opportunities.select_related(
        "host", "host__function", "function", "partnership"
    ).annotate(signup_count=_signup_count(), signed_up=Exists(mine))


def learning_detail(*, membership: Membership) -> QuerySet[LearningOpportunity]:
    return _with_details(learning_visible(membership=membership), membership).select_related(
        "workspace"
    )


def learning_get(*, membership: Membership, uuid: Any) -> LearningOpportunity:
    found: LearningOpportunity = object_get(
        learning_detail(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


@dataclass
class LearningFilters:
    kind: str | None = None
    status: str | None = None  # a status, or "available" for open only
    function: str | None = None  # function uuid
    partnership: str | None = None  # slug
    mine: bool = False  # hosted by me or signed up by me
    search: str = ""

    def any(self) -> bool:
        return any(
            (self.kind, self.status, self.function, self.partnership, self.mine, self.search)
        )


def learning_list(
    *, membership: Membership, filters: LearningFilters | None = None
) -> QuerySet[LearningOpportunity]:
    """Visible opportunities, open first, then full, then closed; soonest start first."""
    filters = filters or LearningFilters()
    rows = _with_details(learning_visible(membership=membership), membership)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.function:
        rows = rows.filter(function__uuid=filters.function)
    if filters.partnership:
        rows = rows.filter(partnership__slug=filters.partnership)
    if filters.mine:
        people = person_ids_of(membership)
        signed = LearningSignup.objects.filter(person_id__in=people).values("opportunity_id")
        rows = rows.filter(Q(host_id__in=people) | Q(pk__in=signed))
    if filters.search:
        rows = rows.filter(
            Q(title__icontains=filters.search) | Q(description__icontains=filters.search)
        )
    return rows.annotate(status_order=STATUS_ORDER).order_by(
        "status_order", F("starts_on").asc(nulls_last=True), "-created_at", "-pk"
    )


def learning_can_manage(*, membership: Membership, opportunity: LearningOpportunity) -> bool:
    """The host and admins edit, close and reopen an opportunity and see its sign-ups."""
    if not membership.can_edit:
        return False
    return membership.can_admin or opportunity.host_id in person_ids_of(membership)


def learning_can_sign_up(*, membership: Membership, opportunity: LearningOpportunity) -> bool:
    """Open, with room, not my own, and I have a directory entry to sign up with."""
    people = person_ids_of(membership)
    return (
        membership.can_edit
        and bool(people)
        and opportunity.status == LearningOpportunity.Status.OPEN
        and opportunity.host_id not in people
    )


def learning_signup_list(
    *, membership: Membership, opportunity: LearningOpportunity
) -> QuerySet[LearningSignup]:
    """Everyone's sign-ups for the host and admins; only your own for anyone else."""
    signups = LearningSignup.objects.filter(
        workspace=opportunity.workspace, opportunity=opportunity
    ).select_related("person", "person__function", "opportunity")
    if not learning_can_manage(membership=membership, opportunity=opportunity):
        signups = signups.filter(person_id__in=person_ids_of(membership))
    return signups.order_by("created_at", "pk")


def learning_signup_get(
    *, membership: Membership, opportunity: LearningOpportunity, uuid: Any
) -> LearningSignup:
    found: LearningSignup = object_get(
        learning_signup_list(membership=membership, opportunity=opportunity),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


def learning_host_choices(*, membership: Membership) -> QuerySet[Person]:
    """Who may host: anyone for admins, yourself for everyone else."""
    people = Person.objects.filter(workspace=membership.workspace).only("uuid", "name", "email")
    if not membership.can_admin:
        people = people.filter(pk__in=person_ids_of(membership))
    return people.order_by("name", "pk")


def my_signups(*, membership: Membership, limit: int = 10) -> QuerySet[LearningSignup]:
    """The opportunities the member signed up for, soonest first."""
    visible = learning_visible(membership=membership).values("pk")
    return (
        LearningSignup.objects.filter(
            workspace=membership.workspace,
            person_id__in=person_ids_of(membership),
            opportunity__in=visible,
        )
        .select_related("opportunity", "opportunity__host")
        .order_by(F("opportunity__starts_on").asc(nulls_last=True), "pk")[:limit]
    )


# --- home -----------------------------------------------------------------------------------


@dataclass
class KnowledgeOverview:
    skills_held: int
    people_with_topics: int
    resources: int
    open_learning: int


def knowledge_overview(*, membership: Membership) -> KnowledgeOverview:
    """The home page's key figures, in one query."""
    workspace = membership.workspace
    counts = (
        Workspace.objects.filter(pk=workspace.pk)
        .annotate(
            skills_held=Subquery(
                PersonSkill.objects.filter(workspace=workspace)
                .order_by()
                .values("workspace")
                .annotate(n=Count("skill", distinct=True))
                .values("n"),
                output_field=IntegerField(),
            ),
            people_with_topics=Subquery(
                ExpertiseTopic.objects.filter(workspace=workspace)
                .order_by()
                .values("workspace")
                .annotate(n=Count("person", distinct=True))
                .values("n"),
                output_field=IntegerField(),
            ),
            resources=Subquery(
                resource_visible(membership=membership)
                .order_by()
                .values("workspace")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            open_learning=Subquery(
                learning_visible(membership=membership)
                .filter(status=LearningOpportunity.Status.OPEN)
                .order_by()
                .values("workspace")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
        )
        .values("skills_held", "people_with_topics", "resources", "open_learning")
        .get()
    )
    return KnowledgeOverview(
        skills_held=counts["skills_held"] or 0,
        people_with_topics=counts["people_with_topics"] or 0,
        resources=counts["resources"] or 0,
        open_learning=counts["open_learning"] or 0,
    )
