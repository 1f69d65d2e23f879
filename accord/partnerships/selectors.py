"""Reads for partnerships. Members-only partnerships are visible to their members, lead,
sponsor and workspace admins; everyone else gets a 404 as if they did not exist."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember, Privacy, StatusChange
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace


def partnership_visible_list(*, membership: Membership) -> QuerySet[Partnership]:
    """Partnerships the member may see in their workspace."""
    partnerships = Partnership.objects.filter(workspace=membership.workspace)
    if membership.can_admin:
        return partnerships
    person_ids = list(
        membership.user.people.filter(workspace=membership.workspace).values_list("pk", flat=True)
    )
    return partnerships.filter(
        Q(privacy=Privacy.WORKSPACE)
        | Q(lead_id__in=person_ids)
        | Q(sponsor_id__in=person_ids)
        | Q(members__person_id__in=person_ids)
    ).distinct()


def partnership_get(*, membership: Membership, slug: str, queryset: Any = None) -> Partnership:
    """One visible partnership by slug, or 404."""
    source = queryset if queryset is not None else Partnership.objects.all()
    visible = partnership_visible_list(membership=membership).values("pk")
    found: Partnership = object_get(
        source.filter(pk__in=visible), workspace=membership.workspace, slug=slug
    )
    return found


def partnership_can_manage(*, membership: Membership, partnership: Partnership) -> bool:
    """Admins, the lead and the sponsor may edit the charter, members and lifecycle."""
    if membership.can_admin:
        return True
    if not membership.can_edit:
        return False
    person_ids = set(
        membership.user.people.filter(workspace=membership.workspace).values_list("pk", flat=True)
    )
    return partnership.lead_id in person_ids or partnership.sponsor_id in person_ids


def partnership_can_contribute(*, membership: Membership, partnership: Partnership) -> bool:
    """Managers and any partnership member (role member or above) may add goals and check-ins."""
    if partnership_can_manage(membership=membership, partnership=partnership):
        return True
    if not membership.can_edit:
        return False
    return partnership.members.filter(
        person__user=membership.user, person__workspace=membership.workspace
    ).exists()


# --- lists and the home page ----------------------------------------------------------------


def _count(model: Any, field: str) -> Coalesce:
    """A correlated COUNT: unlike Count() over joins, it is not multiplied by other joins."""
    rows = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def partnership_list(
    *,
    membership: Membership,
    search: str = "",
    function: str | None = None,
    status: str | None = None,
    lead: str | None = None,
) -> QuerySet[Partnership]:
    """Visible partnerships with their people, functions and counts (constant queries)."""
    visible = partnership_visible_list(membership=membership).values("pk")
    partnerships = (
        Partnership.objects.filter(workspace=membership.workspace, pk__in=visible)
        .select_related("lead", "sponsor")
        .prefetch_related(Prefetch("functions", queryset=Function.objects.order_by("name")))
        .annotate(
            member_count=_count(PartnershipMember, "partnership"),
            goal_count=_count(Goal, "partnership"),
        )
    )
    if search:
        partnerships = partnerships.filter(Q(name__icontains=search) | Q(purpose__icontains=search))
    if function:
        partnerships = partnerships.filter(functions__uuid=function)
    if status:
        partnerships = partnerships.filter(status=status)
    if lead:
        partnerships = partnerships.filter(lead__uuid=lead)
    return partnerships.order_by("name", "pk")


def partnership_detail(*, membership: Membership) -> QuerySet[Partnership]:
    """The queryset a partnership's home page and API record resolve from."""
    return (
        Partnership.objects.filter(workspace=membership.workspace)
        .select_related("lead", "sponsor", "lead__function", "sponsor__function")
        .prefetch_related(Prefetch("functions", queryset=Function.objects.order_by("name")))
        .annotate(
            member_count=_count(PartnershipMember, "partnership"),
            goal_count=_count(Goal, "partnership"),
        )
    )


def partnership_leads(*, membership: Membership) -> QuerySet[Person]:
    """People who lead a visible partnership: the choices of the list's lead filter."""
    visible = partnership_visible_list(membership=membership).values("lead_id")
    return (
        Person.objects.filter(workspace=membership.workspace, pk__in=visible)
        .only("uuid", "name")
        .order_by("name")
    )


def partnership_member_list(*, partnership: Partnership) -> QuerySet[PartnershipMember]:
    return (
        PartnershipMember.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("person", "function")
        .order_by("function__name", "person__name", "pk")
    )


@dataclass
class FunctionGroup:
    """The members who represent one function of the partnership."""

    function: Function
    members: list[PartnershipMember] = field(default_factory=list)


def partnership_members_by_function(
    *, partnership: Partnership, members: list[PartnershipMember]
) -> list[FunctionGroup]:
    """Every function of the partnership, with its members (possibly none)."""
    groups = {f.pk: FunctionGroup(function=f) for f in partnership.functions.all()}
    for member in members:
        group = groups.setdefault(member.function_id, FunctionGroup(function=member.function))
        group.members.append(member)
    return list(groups.values())


def partnership_goal_list(*, partnership: Partnership) -> QuerySet[Goal]:
    return (
        Goal.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("owner")
        .order_by(F("due_date").asc(nulls_last=True), "title", "pk")
    )


def partnership_kpi_list(*, partnership: Partnership) -> QuerySet[Kpi]:
    """KPIs with their latest measurement (value and date) annotated."""
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-date", "-pk")
    return (
        Kpi.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("name", "pk")
    )


def partnership_checkin_list(*, partnership: Partnership, limit: int = 8) -> QuerySet[CheckIn]:
    """The latest check-ins on the partnership's goals, newest first."""
    return (
        CheckIn.objects.filter(workspace=partnership.workspace, goal__partnership=partnership)
        .select_related("goal", "author")
        .order_by("-date", "-created_at", "-pk")[:limit]
    )


def partnership_status_change_list(*, partnership: Partnership) -> QuerySet[StatusChange]:
    return (
        StatusChange.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("changed_by")
        .order_by("-created_at", "-pk")
    )


def partnership_function_list(*, workspace: Workspace) -> QuerySet[Function]:
    return Function.objects.filter(workspace=workspace).only("uuid", "name").order_by("name")
