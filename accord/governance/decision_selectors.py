"""Reads for the decision log: visibility, permissions, lists, the timeline, input coverage.

A decision of a partnership is visible to whoever may see the partnership (members-only
partnerships hide their decisions too); decisions without a partnership are visible to the
whole workspace.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accord.governance.models import (
    ChangeProposal,
    Concern,
    Decision,
    DecisionOption,
    DecisionResponse,
    DecisionStakeholder,
)
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_can_manage, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

# Positions that the decider must answer in writing before deciding.
NEEDS_ANSWER = (DecisionResponse.Position.BLOCK, DecisionResponse.Position.DISAGREE)
CONSENT_POSITIONS = [
    DecisionResponse.Position.AGREE,
    DecisionResponse.Position.ABSTAIN,
    DecisionResponse.Position.DISAGREE,
    DecisionResponse.Position.BLOCK,
]
LOCKED_STATUSES = (
    Decision.Status.DECIDED,
    Decision.Status.SUPERSEDED,
    Decision.Status.REVERSED,
)


def responder_hash(decision: Decision, person: Person) -> str:
    """A keyed hash that lets one stakeholder respond once, even anonymously."""
    message = f"{decision.uuid}:{person.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def rater_hash(proposal: ChangeProposal, person: Person) -> str:
    """The same idea for readiness ratings: one rating per rater and phase."""
    message = f"{proposal.uuid}:readiness:{person.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def person_ids_of(membership: Membership) -> set[int]:
    """The directory entries linked to the member's login (usually one), cached per request."""
    cached = getattr(membership, "_decision_person_ids", None)
    if cached is None:
        cached = set(
            Person.objects.filter(workspace=membership.workspace, user=membership.user).values_list(
                "pk", flat=True
            )
        )
        membership._decision_person_ids = cached  # type: ignore[attr-defined]
    return cached


# --- visibility and permissions -------------------------------------------------------------


def decision_visible_list(*, membership: Membership) -> QuerySet[Decision]:
    decisions = Decision.objects.filter(workspace=membership.workspace)
    if membership.can_admin:
        return decisions
    visible = partnership_visible_list(membership=membership).values("pk")
    return decisions.filter(Q(partnership__isnull=True) | Q(partnership__in=visible))


def decision_detail_queryset(*, membership: Membership) -> QuerySet[Decision]:
    return (
        decision_visible_list(membership=membership)
        .select_related(
            "partnership", "decider", "decider__function", "superseded_by", "change_proposal"
        )
        .prefetch_related(
            Prefetch("consulted", queryset=Person.objects.order_by("name")),
            Prefetch("informed", queryset=Person.objects.order_by("name")),
            Prefetch("affected_functions", queryset=Function.objects.order_by("name")),
            "goals",
            "deliverables",
            Prefetch("options", queryset=DecisionOption.objects.order_by("position", "pk")),
            Prefetch("supersedes", queryset=Decision.objects.only("uuid", "title", "status")),
        )
    )


def decision_get(*, membership: Membership, uuid: Any, detail: bool = False) -> Decision:
    """One visible decision, or 404."""
    source = (
        decision_detail_queryset(membership=membership)
        if detail
        else decision_visible_list(membership=membership).select_related("partnership")
    )
    found: Decision = object_get(source, workspace=membership.workspace, uuid=uuid)
    return found


def decision_can_create(*, membership: Membership, partnership: Partnership | None) -> bool:
    if not membership.can_edit:
        return False
    if partnership is None or membership.can_admin:
        return True
    from accord.partnerships.selectors import partnership_can_contribute

    return partnership_can_contribute(membership=membership, partnership=partnership)


def decision_can_manage(*, membership: Membership, decision: Decision) -> bool:
    """The decider, the partnership's lead and sponsor, and admins edit a decision; without a
    partnership, any member may (the log is shared)."""
    if not membership.can_edit:
        return False
    if membership.can_admin or decision.decider_id in person_ids_of(membership):
        return True
    if decision.partnership_id is None:
        return True
    return partnership_can_manage(
        membership=membership,
        partnership=decision.partnership,  # type: ignore[arg-type]
    )


def decision_is_decider(*, membership: Membership, decision: Decision) -> bool:
    return membership.can_edit and decision.decider_id in person_ids_of(membership)


def decision_stakeholder_of(
    *, membership: Membership, decision: Decision
) -> DecisionStakeholder | None:
    """The member's stakeholder row on the decision (None when they were not asked)."""
    if not membership.can_edit:
        return None
    return (
        DecisionStakeholder.objects.filter(
            workspace=decision.workspace, decision=decision, person_id__in=person_ids_of(membership)
        )
        .select_related("person", "function")
        .first()
    )


def decision_has_responded(*, decision: Decision, person: Person) -> bool:
    return DecisionResponse.objects.filter(
        decision=decision, responder_hash=responder_hash(decision, person)
    ).exists()


def decision_responses_visible(*, decision: Decision, now: datetime.datetime | None = None) -> bool:
    """Positions and reasons show once input closes when responses are hidden until close."""
    if not decision.hide_responses_until_close or decision.status in LOCKED_STATUSES:
        return True
    closes = decision.input_closes_at
    return closes is not None and (now or timezone.now()) >= closes


def decision_input_closed(*, decision: Decision, now: datetime.datetime | None = None) -> bool:
    closes = decision.input_closes_at
    return closes is not None and (now or timezone.now()) >= closes


# --- lists ----------------------------------------------------------------------------------


def _unanswered_count() -> Coalesce:
    rows = (
        DecisionResponse.objects.filter(
            decision=OuterRef("pk"), position__in=NEEDS_ANSWER, answer=""
        )
        .order_by()
        .values("decision")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0))


def _response_count() -> Coalesce:
    rows = (
        DecisionResponse.objects.filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows), Value(0))


def decision_list(
    *,
    membership: Membership,
    search: str = "",
    partnership: str | None = None,
    function: str | None = None,
    status: str | None = None,
    kind: str | None = None,
) -> QuerySet[Decision]:
    """Visible decisions, newest first, with their people and counts (constant queries).

    Text search looks in the title, context, decision and rationale (icontains: the same on
    SQLite and PostgreSQL)."""
    decisions = (
        decision_visible_list(membership=membership)
        .select_related("partnership", "decider", "superseded_by")
        .prefetch_related(
            Prefetch("affected_functions", queryset=Function.objects.order_by("name"))
        )
        .annotate(response_count=_response_count(), unanswered_count=_unanswered_count())
    )
    if search:
        decisions = decisions.filter(
            Q(title__icontains=search)
            | Q(context__icontains=search)
            | Q(decision_text__icontains=search)
            | Q(rationale__icontains=search)
            | Q(outcome_statement__icontains=search)
        )
    if partnership:
        decisions = decisions.filter(partnership__uuid=partnership)
    if function:
        decisions = decisions.filter(
            pk__in=Decision.affected_functions.through.objects.filter(
                function__uuid=function
            ).values("decision_id")
        )
    if status:
        decisions = decisions.filter(status=status)
    if kind:
        decisions = decisions.filter(kind=kind)
    return decisions.order_by("-created_at", "-pk")


def decision_timeline(**filters: Any) -> QuerySet[Decision]:
    """The same decisions in chronological order: when decided, else when recorded."""
    return (
        decision_list(**filters)
        .annotate(happened_at=Coalesce("decided_at", "created_at"))
        .order_by(F("happened_at").asc(), "pk")
    )


def decision_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    return partnership_visible_list(membership=membership).only("uuid", "name").order_by("name")


def decision_function_choices(*, workspace: Workspace) -> QuerySet[Function]:
    return Function.objects.filter(workspace=workspace).only("uuid", "name").order_by("name")


# --- input: stakeholders, responses and coverage -------------------------------------------


def decision_default_stakeholders(*, decision: Decision) -> list[tuple[Person, Function | None]]:
    """The consulted people, the C's (and DACI contributors) of the deliverables the decision
    is linked to, plus one member representing every affected function (taken from the
    partnership's members), each with the function they speak for."""
    chosen: dict[int, tuple[Person, Function | None]] = {}
    for person in decision.consulted.select_related("function").order_by("name"):
        chosen[person.pk] = (person, person.function)
    for person in raci_people(decision=decision, letter="C"):
        chosen.setdefault(person.pk, (person, person.function))
    affected = list(decision.affected_functions.order_by("name"))
    covered = {function.pk for _person, function in chosen.values() if function is not None}
    if decision.partnership_id is not None:
        from accord.partnerships.models import PartnershipMember

        members = (
            PartnershipMember.objects.filter(
                workspace=decision.workspace, partnership_id=decision.partnership_id
            )
            .select_related("person", "function")
            .order_by("role", "person__name", "pk")
        )
        by_function: dict[int, PartnershipMember] = {}
        for member in members:
            by_function.setdefault(member.function_id, member)
        for function in affected:
            representative = by_function.get(function.pk)
            if (
                function.pk in covered
                or representative is None
                or representative.person_id in chosen
            ):
                continue
            chosen[representative.person_id] = (representative.person, representative.function)
            covered.add(function.pk)
    return list(chosen.values())


def raci_people(*, decision: Decision, letter: str) -> list[Person]:
    """People holding `letter` on the deliverables linked to the decision (RACI drives who is
    asked for input (C) and who is told of the outcome (I))."""
    from accord.governance.models import RaciAssignment

    return [
        cell.person
        for cell in RaciAssignment.objects.filter(
            workspace=decision.workspace,
            deliverable__in=decision.deliverables.all(),
            letter=letter,
        )
        .select_related("person", "person__function")
        .order_by("person__name", "pk")
    ]


def decision_stakeholder_list(*, decision: Decision) -> QuerySet[DecisionStakeholder]:
    return (
        DecisionStakeholder.objects.filter(workspace=decision.workspace, decision=decision)
        .select_related("person", "function")
        .order_by("function__name", "person__name", "pk")
    )


def decision_response_list(*, decision: Decision) -> QuerySet[DecisionResponse]:
    return (
        DecisionResponse.objects.filter(workspace=decision.workspace, decision=decision)
        .select_related("person", "function")
        .order_by("created_at", "pk")
    )


@dataclass
class FunctionCoverage:
    """Who has and has not responded for one affected function."""

    function: Function
    responded: list[Person] = field(default_factory=list)
    waiting: list[Person] = field(default_factory=list)
    anonymous: int = 0
    waiting_count: int = 0

    @property
    def has_response(self) -> bool:
        return bool(self.responded) or self.anonymous > 0


@dataclass
class InputSummary:
    visible: bool
    closed: bool
    responses: list[DecisionResponse]
    responded_people: list[Person]
    coverage: list[FunctionCoverage]
    counts: dict[str, int]
    unanswered: int

    @property
    def silent_functions(self) -> list[Function]:
        return [row.function for row in self.coverage if not row.has_response]


def decision_input_summary(
    *, decision: Decision, now: datetime.datetime | None = None
) -> InputSummary:
    """Responses as the viewer may see them, and coverage by affected function.

    While responses are hidden until close, only who has responded shows (and nothing at all
    of anonymous responses); after close, positions, reasons and answers show."""
    visible = decision_responses_visible(decision=decision, now=now)
    stakeholders = list(decision_stakeholder_list(decision=decision))
    responses = list(decision_response_list(decision=decision))
    counted = responses if visible else [r for r in responses if not r.anonymous]
    responded_ids = {r.person_id for r in counted if r.person_id is not None}
    coverage: dict[int, FunctionCoverage] = {
        f.pk: FunctionCoverage(function=f) for f in decision.affected_functions.all()
    }
    for stakeholder in stakeholders:
        if stakeholder.function_id is None or stakeholder.function_id not in coverage:
            continue
        row = coverage[stakeholder.function_id]
        target = row.responded if stakeholder.person_id in responded_ids else row.waiting
        target.append(stakeholder.person)
    for response in counted:
        if response.anonymous and response.function_id in coverage:
            coverage[response.function_id].anonymous += 1
    for row in coverage.values():
        if row.anonymous:
            # Who answered anonymously is unknown (and must stay so): only a count of those
            # still to respond, never their names.
            row.waiting_count = max(len(row.waiting) - row.anonymous, 0)
            row.waiting = []
        else:
            row.waiting_count = len(row.waiting)
    counts = dict.fromkeys(DecisionResponse.Position.values, 0)
    for response in counted:
        counts[response.position] += 1
    return InputSummary(
        visible=visible,
        closed=decision_input_closed(decision=decision, now=now),
        responses=counted if visible else [],
        responded_people=[s.person for s in stakeholders if s.person_id in responded_ids],
        coverage=list(coverage.values()),
        counts=counts if visible else {},
        unanswered=sum(1 for r in responses if r.position in NEEDS_ANSWER and not r.answer),
    )


def decision_open_concern_count(*, decision: Decision) -> int:
    if decision.kind != Decision.Kind.CHANGE:
        return 0
    return Concern.objects.filter(
        workspace=decision.workspace,
        proposal__decision=decision,
        status=Concern.Status.OPEN,
    ).count()


def decisions_revisit_list(*, workspace: Workspace, today: datetime.date) -> QuerySet[Decision]:
    """Decided decisions whose revisit-by date has come."""
    return (
        Decision.objects.filter(
            workspace=workspace, status=Decision.Status.DECIDED, revisit_by__lte=today
        )
        .select_related("decider")
        .order_by("revisit_by", "pk")
    )


# --- change proposals -----------------------------------------------------------------------

READINESS_DIMENSIONS = ["awareness", "desire", "knowledge", "ability", "reinforcement"]


def change_affected_person(*, membership: Membership, decision: Decision) -> Person | None:
    """The member's directory entry when they are affected by the change: their function is
    affected, or they are a stakeholder, consulted, or the decider. Admins always count."""
    if not membership.can_edit:
        return None
    ids = person_ids_of(membership)
    if not ids:
        return None
    people = list(Person.objects.filter(pk__in=ids).select_related("function").order_by("pk"))
    affected = {f.pk for f in decision.affected_functions.all()}
    stakeholder_ids = set(
        DecisionStakeholder.objects.filter(decision=decision).values_list("person_id", flat=True)
    )
    consulted_ids = {p.pk for p in decision.consulted.all()}
    for person in people:
        if (
            person.function_id in affected
            or person.pk in stakeholder_ids
            or person.pk in consulted_ids
            or person.pk == decision.decider_id
        ):
            return person
    return people[0] if membership.can_admin else None


def change_concern_list(*, proposal: ChangeProposal) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(workspace=proposal.workspace, proposal=proposal)
        .select_related("raised_by", "function", "responded_by")
        .order_by("created_at", "pk")
    )


@dataclass
class ReadinessRow:
    """Average readiness of one function in one phase, per dimension."""

    function: Function
    phase: str
    raters: int
    averages: dict[str, float]

    @property
    def overall(self) -> float:
        return round(sum(self.averages.values()) / len(self.averages), 2)

    @property
    def weakest(self) -> str:
        return min(READINESS_DIMENSIONS, key=lambda name: (self.averages[name], name))

    @property
    def cells(self) -> list[tuple[str, float, bool]]:
        weakest = self.weakest
        return [(name, self.averages[name], name == weakest) for name in READINESS_DIMENSIONS]


@dataclass
class ReadinessSummary:
    rows: list[ReadinessRow]
    by_dimension: dict[str, dict[str, float]]

    def for_phase(self, phase: str) -> list[ReadinessRow]:
        return [row for row in self.rows if row.phase == phase]

    @property
    def before(self) -> list[ReadinessRow]:
        return self.for_phase("before")

    @property
    def follow_up(self) -> list[ReadinessRow]:
        return self.for_phase("follow_up")

    def weakest_dimension(self, phase: str) -> str | None:
        averages = self.by_dimension.get(phase)
        if not averages:
            return None
        return min(READINESS_DIMENSIONS, key=lambda name: (averages[name], name))


def _average(row: Any, name: str) -> float:
    return round(float(row[name]), 2)


def change_readiness_summary(*, proposal: ChangeProposal) -> ReadinessSummary:
    """Average ratings per function and phase, and per dimension across functions
    (ADKAR: awareness, desire, knowledge, ability, reinforcement; Hiatt 2006)."""
    from django.db.models import Avg

    from accord.governance.models import ReadinessRating

    ratings = ReadinessRating.objects.filter(workspace=proposal.workspace, proposal=proposal)
    grouped = (
        ratings.values("function_id", "phase")
        .annotate(raters=Count("pk"), **{name: Avg(name) for name in READINESS_DIMENSIONS})
        .order_by("phase", "function_id")
    )
    functions = {
        f.pk: f
        for f in Function.objects.filter(pk__in=ratings.values("function_id")).order_by("name")
    }
    rows = [
        ReadinessRow(
            function=functions[row["function_id"]],
            phase=row["phase"],
            raters=row["raters"],
            averages={name: _average(row, name) for name in READINESS_DIMENSIONS},
        )
        for row in grouped
    ]
    rows.sort(key=lambda row: (row.phase != "before", row.function.name))
    overall = ratings.values("phase").annotate(**{n: Avg(n) for n in READINESS_DIMENSIONS})
    by_dimension = {
        row["phase"]: {name: _average(row, name) for name in READINESS_DIMENSIONS}
        for row in overall.order_by("phase")
    }
    return ReadinessSummary(rows=rows, by_dimension=by_dimension)
