"""Reads for ideas: who sees, proposes, votes on and moves them, the list with its filters, and
where ideas come from (by function and seniority, and how many cross a function line).

- An idea belongs to a partnership and is visible to whoever can see that partnership.
- The partnership's people (members, lead, sponsor) and admins propose ideas there.
- Anyone with the member role who can see the idea comments on it and votes for it (not its
  author, and not once it is adopted or parked).
- The partnership's lead and sponsor, and admins, move ideas through the stages. The author
  and they edit its text.
- Anonymous voting: voters are never shown, only the count — on pages, in the API and in the
  audit trail (votes are not audited at all). The database keeps who voted so that each person
  votes once and can take the vote back.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accord.comms.models import Idea, IdeaComment, IdeaVote
from accord.goals.models import Goal
from accord.goals.permissions import person_ids_of
from accord.org.models import Function, Person, Seniority
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

# Which stage an idea may move to from each stage. Adopted is final; a parked idea can be
# picked up again for discussion.
STAGE_MOVES: dict[str, tuple[str, ...]] = {
    Idea.Stage.PROPOSED: (
        Idea.Stage.DISCUSSING,
        Idea.Stage.EXPERIMENT,
        Idea.Stage.ADOPTED,
        Idea.Stage.PARKED,
    ),
    Idea.Stage.DISCUSSING: (Idea.Stage.EXPERIMENT, Idea.Stage.ADOPTED, Idea.Stage.PARKED),
    Idea.Stage.EXPERIMENT: (Idea.Stage.DISCUSSING, Idea.Stage.ADOPTED, Idea.Stage.PARKED),
    Idea.Stage.PARKED: (Idea.Stage.DISCUSSING,),
    Idea.Stage.ADOPTED: (),
}
CLOSED_STAGES = (Idea.Stage.ADOPTED, Idea.Stage.PARKED)
SORTS = {"votes": "Most votes", "newest": "Newest"}


def idea_visible(*, membership: Membership) -> QuerySet[Idea]:
    visible = partnership_visible_list(membership=membership).values("pk")
    return Idea.objects.filter(workspace=membership.workspace, partnership__in=visible)


def _count(model: Any) -> Coalesce:
    rows = (
        model.objects.filter(idea=OuterRef("pk"))
        .order_by()
        .values("idea")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_links(ideas: QuerySet[Idea], membership: Membership) -> QuerySet[Idea]:
    people = person_ids_of(membership)
    return (
        ideas.select_related("author", "author__function", "partnership", "goal")
        .prefetch_related(
            Prefetch("functions", queryset=Function.objects.order_by("name")),
            Prefetch(
                "votes",
                queryset=IdeaVote.objects.select_related("person").order_by("person__name"),
            ),
        )
        .annotate(
            vote_count=_count(IdeaVote),
            comment_count=_count(IdeaComment),
            voted=Exists(IdeaVote.objects.filter(idea=OuterRef("pk"), person_id__in=people)),
        )
    )


def idea_get(*, membership: Membership, uuid: Any) -> Idea:
    found: Idea = object_get(
        _with_links(idea_visible(membership=membership), membership),
        workspace=membership.workspace,
        uuid=uuid,
    )
    return found


@dataclass
class IdeaFilters:
    partnership: str | None = None  # slug
    stage: str | None = None  # a stage, or "open" for not adopted or parked
    sort: str = "votes"
    search: str = ""
    function: str | None = None  # uuid of an involved function

    def any(self) -> bool:
        return any((self.partnership, self.stage, self.search, self.function))


def idea_list(*, membership: Membership, filters: IdeaFilters | None = None) -> QuerySet[Idea]:
    """Visible ideas with author, partnership, functions, votes and comment counts (constant
    queries), filtered and sorted by votes or newest."""
    filters = filters or IdeaFilters()
    ideas = _with_links(idea_visible(membership=membership), membership)
    if filters.partnership:
        ideas = ideas.filter(partnership__slug=filters.partnership)
    if filters.stage == "open":
        ideas = ideas.exclude(stage__in=CLOSED_STAGES)
    elif filters.stage:
        ideas = ideas.filter(stage=filters.stage)
    if filters.function:
        ideas = ideas.filter(functions__uuid=filters.function)
    if filters.search:
        ideas = ideas.filter(
            Q(title__icontains=filters.search)
            | Q(problem__icontains=filters.search)
            | Q(proposal__icontains=filters.search)
        )
    if filters.sort == "newest":
        return ideas.order_by("-created_at", "-pk")
    return ideas.order_by(F("vote_count").desc(), "-created_at", "-pk")


# --- permissions ----------------------------------------------------------------------------


def idea_can_propose(*, membership: Membership, partnership: Partnership) -> bool:
    """The partnership's members, lead and sponsor, and admins."""
    if not membership.can_edit:
        return False
    people = person_ids_of(membership)
    if not people:
        return False
    if membership.can_admin or partnership.lead_id in people or partnership.sponsor_id in people:
        return True
    return partnership.members.filter(person_id__in=people).exists()


def idea_can_manage(*, membership: Membership, idea: Idea) -> bool:
    """The partnership's lead and sponsor, and admins, move the idea through its stages."""
    if not membership.can_edit:
        return False
    if membership.can_admin:
        return True
    people = person_ids_of(membership)
    partnership = idea.partnership
    return partnership.lead_id in people or partnership.sponsor_id in people


def idea_can_edit(*, membership: Membership, idea: Idea) -> bool:
    """The author and the idea's managers change its text."""
    if not membership.can_edit:
        return False
    return idea.author_id in person_ids_of(membership) or idea_can_manage(
        membership=membership, idea=idea
    )


def idea_can_delete(*, membership: Membership, idea: Idea) -> bool:
    """Its managers; its author only while nobody has voted or commented."""
    if idea_can_manage(membership=membership, idea=idea):
        return True
    if not membership.can_edit or idea.author_id not in person_ids_of(membership):
        return False
    return (
        not IdeaVote.objects.filter(idea=idea).exists()
        and not IdeaComment.objects.filter(idea=idea).exists()
    )


def idea_vote_refusal(*, membership: Membership, idea: Idea) -> str | None:
    """Why the member may not vote for this idea, or None when they may."""
    if not membership.can_edit:
        return "Viewers can read ideas but not vote."
    people = person_ids_of(membership)
    if not people:
        return "Your login is not linked to a person in the directory, so it cannot vote."
    if idea.author_id in people:
        return "You proposed this idea; votes are for others."
    if idea.stage in CLOSED_STAGES:
        return f"Voting has closed: the idea is {idea.get_stage_display().lower()}."
    return None


def idea_can_comment(*, membership: Membership) -> bool:
    return membership.can_edit and bool(person_ids_of(membership))


def idea_voters(idea: Idea) -> list[Person] | None:
    """Who voted, by name; None when voting is anonymous (only the count is ever shown)."""
    if idea.anonymous_voting:
        return None
    return [vote.person for vote in idea.votes.all()]


def idea_rows(*, membership: Membership, ideas: Any) -> list[Idea]:
    """Ideas as rows for the templates: each with `can_vote`, `vote_refusal`, `can_manage`
    and `crosses` (no query per row)."""
    rows = list(ideas)
    for idea in rows:
        refusal = idea_vote_refusal(membership=membership, idea=idea)
        idea.vote_refusal = refusal
        idea.can_vote = refusal is None
        idea.can_manage = idea_can_manage(membership=membership, idea=idea)
        idea.crosses = idea_crosses(idea)
    return rows


def idea_crosses(idea: Idea) -> bool:
    """The idea involves a function other than its author's: it crosses a function line."""
    own = idea.author.function_id
    return any(function.pk != own for function in idea.functions.all())


def idea_comment_list(*, idea: Idea) -> QuerySet[IdeaComment]:
    return (
        IdeaComment.objects.filter(workspace=idea.workspace, idea=idea)
        .select_related("author", "author__function")
        .order_by("created_at", "pk")
    )


# --- where ideas come from ------------------------------------------------------------------


@dataclass
class OriginRow:
    label: str
    ideas: int
    crossing: int = 0


@dataclass
class IdeaOrigins:
    """Ideas counted by the author's function and seniority; `crossing` counts those whose
    involved functions include one other than the author's."""

    total: int = 0
    crossing: int = 0
    by_function: list[OriginRow] = field(default_factory=list)
    by_seniority: list[OriginRow] = field(default_factory=list)

    @property
    def crossing_percent(self) -> int | None:
        return round(100 * self.crossing / self.total) if self.total else None

    @property
    def largest(self) -> int:
        counts = [row.ideas for row in (*self.by_function, *self.by_seniority)]
        return max(counts, default=0)


def idea_origins(*, ideas: QuerySet[Idea]) -> IdeaOrigins:
    """Where the given ideas come from (two queries, whatever the number of ideas)."""
    rows = list(
        ideas.order_by().values_list(
            "pk", "author__function_id", "author__function__name", "author__seniority"
        )
    )
    involved: dict[int, set[int]] = {}
    through = Idea.functions.through.objects.filter(idea_id__in=[row[0] for row in rows])
    for idea_id, function_id in through.values_list("idea_id", "function_id"):
        involved.setdefault(idea_id, set()).add(function_id)
    by_function: Counter[str] = Counter()
    crossing_by_function: Counter[str] = Counter()
    by_seniority: Counter[int] = Counter()
    result = IdeaOrigins(total=len(rows))
    for idea_id, function_id, function_name, seniority in rows:
        name = function_name or "No function"
        by_function[name] += 1
        by_seniority[seniority] += 1
        if involved.get(idea_id, set()) - {function_id}:
            result.crossing += 1
            crossing_by_function[name] += 1
    result.by_function = [
        OriginRow(label=name, ideas=count, crossing=crossing_by_function[name])
        for name, count in sorted(by_function.items(), key=lambda item: (-item[1], item[0]))
    ]
    result.by_seniority = [
        OriginRow(label=label, ideas=by_seniority[level]) for level, label in Seniority.choices
    ]
    return result


# --- choices --------------------------------------------------------------------------------


def idea_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the member may propose ideas in."""
    partnerships = partnership_visible_list(membership=membership)
    if not membership.can_admin:
        people = person_ids_of(membership)
        partnerships = partnerships.filter(
            Q(lead_id__in=people) | Q(sponsor_id__in=people) | Q(members__person_id__in=people)
        )
    return Partnership.objects.filter(pk__in=partnerships.values("pk")).order_by("name")


def idea_partnership_filter_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return (
        partnership_visible_list(membership=membership)
        .only("uuid", "slug", "name")
        .order_by("name")
    )


def idea_function_choices(*, membership: Membership) -> QuerySet[Function]:
    return Function.objects.filter(workspace=membership.workspace).order_by("name")


def idea_goal_choices(*, idea: Idea) -> QuerySet[Goal]:
    """Goals of the idea's partnership an adopted idea may be linked to."""
    return Goal.objects.filter(workspace=idea.workspace, partnership=idea.partnership).order_by(
        "title", "pk"
    )


def idea_owner_choices(*, idea: Idea) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace=idea.workspace)
        .only("pk", "uuid", "name", "email", "workspace_id")
        .order_by("name")
    )


def idea_followers(idea: Idea) -> list[Person]:
    """Who hears when the idea moves: its author, voters and commenters."""
    people = Person.objects.filter(
        Q(pk=idea.author_id)
        | Q(pk__in=IdeaVote.objects.filter(idea=idea).values("person_id"))
        | Q(pk__in=IdeaComment.objects.filter(idea=idea).values("author_id")),
        workspace=idea.workspace,
    )
    return list(people)
