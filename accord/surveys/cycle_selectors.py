"""Reads for survey cycles, invitations and (for the results) anonymous answers.

Who sees what:
- Every member sees the cycles of the partnerships they can see and every workspace-wide
  cycle (one aimed at functions without a partnership): title, instrument, dates, status,
  thresholds and the overall response count.
- Cycle managers (workspace admins, and the lead and sponsor of the cycle's partnership) also
  see the response rate per function while it runs — counts of invitations, which say who
  was asked and how many answered, never what anyone answered.
- Admins, and the lead and sponsor of a partnership, create cycles for it; admins create
  workspace-wide ones.

No reader here returns an individual response with anything that could identify a person:
answers come out as arrays keyed by a response id that nothing else in the database knows.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from numpy.typing import NDArray

from accord.goals.permissions import person_ids_of
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.partnerships.selectors import partnership_visible_list
from accord.surveys.models import (
    Answer,
    Cycle,
    Instrument,
    Invitation,
    Item,
    Response,
    SurveySettings,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

DEFAULT_MIN_GROUP = 5
DEFAULT_MIN_COMMENTS = 10
MIN_GROUP_FLOOR = 3


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Thresholds:
    min_group: int
    min_comments: int


def survey_thresholds_default(*, workspace: Workspace) -> Thresholds:
    """The workspace's defaults for new cycles (k = 5 and comments 10 unless changed)."""
    found = (
        SurveySettings.objects.filter(workspace=workspace)
        .values_list("min_group", "min_comments")
        .first()
    )
    if found is None:
        return Thresholds(DEFAULT_MIN_GROUP, DEFAULT_MIN_COMMENTS)
    return Thresholds(max(found[0], MIN_GROUP_FLOOR), max(found[1], MIN_GROUP_FLOOR))


# --- visibility and permissions -------------------------------------------------------------


def cycle_visible(*, membership: Membership) -> QuerySet[Cycle]:
    """Workspace-wide cycles and those of partnerships the member can see."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return Cycle.objects.filter(workspace=membership.workspace).filter(
        Q(partnership__isnull=True) | Q(partnership__in=visible)
    )


def cycle_can_create(*, membership: Membership, partnership: Partnership | None) -> bool:
    """Admins always; the lead or sponsor of the partnership for its cycles."""
    if membership.can_admin:
        return True
    if not membership.can_edit or partnership is None:
        return False
    people = person_ids_of(membership)
    return partnership.lead_id in people or partnership.sponsor_id in people


def cycle_can_create_any(*, membership: Membership) -> bool:
    """Whether the member may create some cycle (to offer the button)."""
    if membership.can_admin:
        return True
    if not membership.can_edit:
        return False
    people = person_ids_of(membership)
    return (
        partnership_visible_list(membership=membership)
        .filter(Q(lead_id__in=people) | Q(sponsor_id__in=people))
        .exists()
    )


def cycle_can_manage(*, membership: Membership, cycle: Cycle) -> bool:
    """Edit, open, close, and see response rates per function: admins, and the lead and
    sponsor of the cycle's partnership (no query beyond the cached person ids)."""
    if membership.can_admin:
        return True
    if not membership.can_edit or cycle.partnership_id is None:
        return False
    partnership = cycle.partnership
    people = person_ids_of(membership)
    return partnership is not None and (
        partnership.lead_id in people or partnership.sponsor_id in people
    )


def cycle_partnership_choices(*, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the member may create a cycle for."""
    partnerships = partnership_visible_list(membership=membership)
    if not membership.can_admin:
        people = person_ids_of(membership)
        partnerships = partnerships.filter(Q(lead_id__in=people) | Q(sponsor_id__in=people))
    return Partnership.objects.filter(pk__in=partnerships.values("pk")).order_by("name")


def cycle_function_choices(*, workspace: Workspace) -> QuerySet[Function]:
    return Function.objects.filter(workspace=workspace).only("pk", "uuid", "name").order_by("name")


# --- counts ---------------------------------------------------------------------------------


def _invitation_count(**extra: Any) -> Coalesce:
    rows = (
        Invitation.objects.filter(cycle=OuterRef("pk"), **extra)
        .order_by()
        .values("cycle")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _with_links(cycles: QuerySet[Cycle]) -> QuerySet[Cycle]:
    return cycles.select_related(
        "version", "version__instrument", "partnership", "previous"
    ).annotate(
        invited_count=_invitation_count(),
        responded_count=_invitation_count(responded=True),
    )


def cycle_detail(*, membership: Membership) -> QuerySet[Cycle]:
    return _with_links(cycle_visible(membership=membership)).prefetch_related(
        "functions", "partnership__functions"
    )


def cycle_get(*, membership: Membership, uuid: Any) -> Cycle:
    found: Cycle = object_get(
        cycle_detail(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


# --- lists ----------------------------------------------------------------------------------


@dataclass
class CycleFilters:
    status: str | None = None  # draft | open | closed
    partnership: str | None = None  # slug, or "none" for workspace-wide cycles
    instrument: str | None = None  # instrument uuid
    search: str = ""

    def any(self) -> bool:
        return any((self.status, self.partnership, self.instrument, self.search))


def cycle_list(*, membership: Membership, filters: CycleFilters | None = None) -> QuerySet[Cycle]:
    """Visible cycles, open first then newest, with instrument, partnership and invitation
    counts (constant queries)."""
    filters = filters or CycleFilters()
    cycles = _with_links(cycle_visible(membership=membership)).prefetch_related(
        "functions", "partnership__functions"
    )
    if filters.status:
        cycles = cycles.filter(status=filters.status)
    if filters.partnership == "none":
        cycles = cycles.filter(partnership__isnull=True)
    elif filters.partnership:
        cycles = cycles.filter(partnership__slug=filters.partnership)
    if filters.instrument:
        cycles = cycles.filter(version__instrument__uuid=filters.instrument)
    if filters.search:
        cycles = cycles.filter(title__icontains=filters.search)
    return cycles.order_by("-opens_at", "-pk")


def cycle_rows(*, membership: Membership, cycles: Iterable[Cycle]) -> list[Cycle]:
    """Cycles for a table: each gets `can_manage` and `response_rate` (no query per row)."""
    rows = list(cycles)
    for cycle in rows:
        cycle.can_manage = cycle_can_manage(  # type: ignore[attr-defined]
            membership=membership, cycle=cycle
        )
        invited = getattr(cycle, "invited_count", 0) or 0
        responded = getattr(cycle, "responded_count", 0) or 0
        cycle.response_rate = responded / invited if invited else None  # type: ignore[attr-defined]
    return rows


def partnership_cycle_list(*, partnership: Partnership) -> QuerySet[Cycle]:
    """A partnership's cycles, newest first (for its pages and results)."""
    return _with_links(
        Cycle.objects.filter(workspace=partnership.workspace, partnership=partnership)
    ).order_by("-opens_at", "-pk")


def cycle_series(*, cycle: Cycle, limit: int = 24) -> list[Cycle]:
    """The cycle and its predecessors through `previous`, oldest first (one query per step,
    bounded by `limit`); recurring cycles and hand-linked ones both form a series."""
    series = [cycle]
    seen = {cycle.pk}
    current = cycle
    while current.previous_id and len(series) < limit:
        found = (
            Cycle.objects.filter(workspace=cycle.workspace, pk=current.previous_id)
            .select_related("version", "version__instrument")
            .first()
        )
        if found is None or found.pk in seen:
            break
        series.append(found)
        seen.add(found.pk)
        current = found
    return list(reversed(series))


# --- audience -------------------------------------------------------------------------------


def cycle_target_functions(*, cycle: Cycle) -> list[Function]:
    """The functions a cycle is about: the chosen functions, else the partnership's.
    Coordination respondents rate these (their own only if the cycle says so)."""
    chosen = list(cycle.functions.all())
    if not chosen and cycle.partnership is not None:
        chosen = list(cycle.partnership.functions.all())
    return sorted(chosen, key=lambda f: (f.name.lower(), f.pk))


@dataclass(frozen=True)
class Invitee:
    person: Person
    function_id: int | None


def cycle_audience(*, cycle: Cycle) -> list[Invitee]:
    """Who a cycle invites: with chosen functions, every person of those functions (their
    current function); else the partnership's members (the function they represent)."""
    chosen = [f.pk for f in cycle.functions.all()]
    if chosen:
        people = Person.objects.filter(workspace=cycle.workspace, function_id__in=chosen).order_by(
            "name", "pk"
        )
        return [Invitee(person, person.function_id) for person in people]
    if cycle.partnership_id is None:
        return []
    members = (
        PartnershipMember.objects.filter(
            workspace=cycle.workspace, partnership=cycle.partnership_id
        )
        .select_related("person")
        .order_by("person__name", "pk")
    )
    found: dict[int, Invitee] = {}
    for member in members:
        found.setdefault(member.person_id, Invitee(member.person, member.function_id))
    return list(found.values())


# --- response rates -------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionRate:
    function: str  # the function's name ("No function" for people without one)
    function_id: int | None
    invited: int
    responded: int

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None


@dataclass(frozen=True)
class ResponseRates:
    invited: int
    responded: int
    by_function: list[FunctionRate] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return self.responded / self.invited if self.invited else None


def cycle_response_rates(*, cycle: Cycle) -> ResponseRates:
    """Invited and responded counts overall and per function (one query). For cycle
    managers: the counts say how many answered, never what."""
    rows = (
        Invitation.objects.filter(workspace=cycle.workspace, cycle=cycle)
        .order_by()
        .values("function_id", "function__name")
        .annotate(invited=Count("pk"), responded=Count("pk", filter=Q(responded=True)))
    )
    by_function = sorted(
        (
            FunctionRate(
                function=row["function__name"] or "No function",
                function_id=row["function_id"],
                invited=row["invited"],
                responded=row["responded"],
            )
            for row in rows
        ),
        key=lambda rate: (rate.function_id is None, rate.function.lower()),
    )
    return ResponseRates(
        invited=sum(rate.invited for rate in by_function),
        responded=sum(rate.responded for rate in by_function),
        by_function=by_function,
    )


# --- invitations of the signed-in member ----------------------------------------------------


def my_invitation_list(
    *, membership: Membership, include_closed: bool = False
) -> QuerySet[Invitation]:
    """The member's own invitations (through the people linked to their login), open cycles
    first; answered ones stay listed so people see that their answer counted."""
    invitations = Invitation.objects.filter(
        workspace=membership.workspace, person_id__in=person_ids_of(membership)
    ).select_related("cycle", "cycle__version", "cycle__version__instrument", "cycle__partnership")
    if not include_closed:
        invitations = invitations.filter(cycle__status=Cycle.Status.OPEN)
    return invitations.order_by("cycle__closes_at", "pk")


def my_invitation_for(*, membership: Membership, cycle: Cycle) -> Invitation | None:
    return (
        Invitation.objects.filter(
            workspace=membership.workspace, cycle=cycle, person_id__in=person_ids_of(membership)
        )
        .select_related("person", "cycle", "cycle__workspace")
        .first()
    )


def cycle_accepts_answers(cycle: Cycle, now: datetime.datetime | None = None) -> bool:
    """Open, and inside its window."""
    now = now or timezone.now()
    return cycle.status == Cycle.Status.OPEN and cycle.opens_at <= now < cycle.closes_at


# --- answers for the results (aggregates only, computed elsewhere) ---------------------------


@dataclass(frozen=True)
class AnswerArrays:
    """Every scored answer of one cycle as parallel numpy arrays, ready for accord.metrics.

    `respondent` indexes `response_ids` (0..n-1, in random-UUID order: it carries no time);
    `function` / `target` are Function primary keys (-1 for none); `band` is the seniority
    band ("" unknown); `item` the item key; `value` the score (NaN when the item has none,
    e.g. multiple choice); `position` the chosen option's display position (0 when none);
    `trend` the health check's better/same/worse ("" when not given).
    Open-text answers are left out: read them with `cycle_text_answers`.
    """

    response_ids: list[str]
    respondent: NDArray[np.int64]
    function: NDArray[np.int64]
    band: NDArray[np.str_]
    target: NDArray[np.int64]
    item: NDArray[np.str_]
    value: NDArray[np.float64]
    position: NDArray[np.int64]
    trend: NDArray[np.str_]
    function_names: dict[int, str]

    def __len__(self) -> int:
        return int(self.respondent.shape[0])


def cycle_answer_arrays(*, cycle: Cycle, items: Iterable[str] | None = None) -> AnswerArrays:
    """The cycle's answers as arrays (one query for the answers, one for function names)."""
    answers = Answer.objects.filter(response__cycle=cycle, response__workspace=cycle.workspace)
    if items is not None:
        answers = answers.filter(item__key__in=list(items))
    rows = list(
        answers.exclude(item__kind="text")
        .order_by("response_id", "item__position", "target_id")
        .values_list(
            "response_id",
            "response__function_id",
            "response__band",
            "target_id",
            "item__key",
            "value",
            "position",
            "trend",
        )
    )
    response_ids = sorted({str(row[0]) for row in rows})
    index = {rid: number for number, rid in enumerate(response_ids)}
    count = len(rows)
    respondent = np.fromiter((index[str(r[0])] for r in rows), dtype=np.int64, count=count)
    function = np.fromiter((r[1] if r[1] is not None else -1 for r in rows), np.int64, count)
    target = np.fromiter((r[3] if r[3] is not None else -1 for r in rows), np.int64, count)
    value = np.fromiter(
        (r[5] if r[5] is not None else np.nan for r in rows), dtype=np.float64, count=count
    )
    position = np.fromiter((r[6] or 0 for r in rows), dtype=np.int64, count=count)
    band = np.array([r[2] or "" for r in rows], dtype=np.str_)
    item = np.array([r[4] for r in rows], dtype=np.str_)
    trend = np.array([r[7] or "" for r in rows], dtype=np.str_)
    ids = {int(x) for x in np.concatenate([function, target]) if x >= 0}
    names = dict(
        Function.objects.filter(workspace=cycle.workspace, pk__in=ids).values_list("pk", "name")
    )
    return AnswerArrays(
        response_ids=response_ids,
        respondent=respondent,
        function=function,
        band=band,
        target=target,
        item=item,
        value=value,
        position=position,
        trend=trend,
        function_names=names,
    )


@dataclass(frozen=True)
class TextAnswer:
    item: str
    function_id: int | None
    band: str
    text: str


def cycle_text_answers(*, cycle: Cycle) -> list[TextAnswer]:
    """Open-text answers with the respondent's function and band (no order worth keeping:
    the caller shuffles before showing, and shows nothing below the comments threshold)."""
    return [
        TextAnswer(item=key, function_id=function_id, band=band or "", text=text)
        for key, function_id, band, text in Answer.objects.filter(
            response__cycle=cycle, response__workspace=cycle.workspace, item__kind="text"
        )
        .exclude(text="")
        .order_by("id")
        .values_list("item__key", "response__function_id", "response__band", "text")
    ]


def cycle_respondent_counts(*, cycle: Cycle) -> dict[tuple[int | None, str], int]:
    """Responses per (function id, band): the group sizes the anonymity rules work on."""
    return {
        (row["function_id"], row["band"]): row["n"]
        for row in Response.objects.filter(workspace=cycle.workspace, cycle=cycle)
        .order_by()
        .values("function_id", "band")
        .annotate(n=Count("pk"))
    }


def cycle_items(*, cycle: Cycle) -> list[Item]:
    """The questions the cycle asked (its own version's), in display order."""
    return list(
        Item.objects.filter(workspace=cycle.workspace, version_id=cycle.version_id).order_by(
            "position"
        )
    )


def instrument_of(cycle: Cycle) -> Instrument:
    return cycle.version.instrument
