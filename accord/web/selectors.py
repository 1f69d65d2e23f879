"""Reads behind the dashboard: a fixed number of queries whatever the workspace's size."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q

from accord.metrics.org_structure import OrgStructure, org_structure
from accord.org.models import Function, Person, Seniority
from accord.org.selectors import function_headcount
from accord.workspaces.models import AuditEntry, Invitation, Membership


@dataclass(frozen=True)
class Share:
    label: str
    count: int
    percent: float
    url: str = ""
    scale: int = 1  # the largest count among its siblings: bars fill relative to it


@dataclass(frozen=True)
class DashboardSummary:
    people: int
    functions: int
    members: int
    pending_invitations: int
    without_function: int
    without_manager: int
    by_function: list[Share]
    by_seniority: list[Share]
    structure: OrgStructure
    recent: list[AuditEntry]
    partnerships_by_status: list[Share]
    partnerships: int
    active_goals: int

    @property
    def partnership_note(self) -> str:
        return ", ".join(
            f"{share.count} {share.label.lower()}"
            for share in self.partnerships_by_status
            if share.count
        )


def _shares(rows: list[tuple[str, int, str]], total: int) -> list[Share]:
    scale = max((count for _label, count, _url in rows), default=0) or 1
    return [
        Share(
            label=label,
            count=count,
            percent=round(100 * count / total, 1) if total else 0.0,
            url=url,
            scale=scale,
        )
        for label, count, url in rows
    ]


def _hidden_from(membership: Membership) -> Q:
    """Audit entries about things the member may not see: feedback (private between giver
    and receiver, so never in a shared feed), and for non-admins private conflicts outside
    their reach, members-only partnerships they are not in, and every record inside those
    partnerships. Subqueries only, so the feed stays one query."""
    from django.apps import apps

    from accord.governance.conflict_selectors import conflict_visible_list
    from accord.governance.models import Conflict
    from accord.partnerships.models import Partnership
    from accord.partnerships.selectors import partnership_visible_list

    hidden = Q(object_type="comms.feedback")
    if membership.can_admin:
        return hidden
    workspace = membership.workspace
    unseen = Partnership.objects.filter(workspace=workspace).exclude(
        pk__in=partnership_visible_list(membership=membership).values("pk")
    )
    conflicts = Conflict.objects.filter(workspace=workspace).exclude(
        pk__in=conflict_visible_list(membership=membership).values("pk")
    )
    hidden |= Q(object_uuid__in=unseen.values("uuid")) | Q(object_uuid__in=conflicts.values("uuid"))
    for model in apps.get_models():
        fields = {f.name: f for f in model._meta.get_fields()}
        link = fields.get("partnership")
        if (
            "uuid" in fields
            and "workspace" in fields
            and getattr(link, "related_model", None) is Partnership
        ):
            rows = model._default_manager.filter(workspace=workspace, partnership__in=unseen)
            hidden |= Q(object_uuid__in=rows.values("uuid"))
    return hidden


def _recent_activity(membership: Membership, *, shown: int = 8) -> list[AuditEntry]:
    """The latest changes the member may know about, one line per object: a burst of edits
    to one record (say a conflict walked through its stages) shows once, as its latest
    change."""
    seen: set[object] = set()
    recent: list[AuditEntry] = []
    entries = AuditEntry.objects.filter(workspace=membership.workspace).exclude(
        _hidden_from(membership)
    )
    for entry in entries.order_by("-at", "-id")[:80]:
        if entry.object_uuid in seen:
            continue
        seen.add(entry.object_uuid)
        recent.append(entry)
        if len(recent) == shown:
            break
    return recent


@dataclass(frozen=True)
class ForYou:
    """What waits for the signed-in member: asks and updates to answer or read, their
    meetings in the coming week, and their open actions."""

    linked: bool
    needs_response: int
    meetings_soon: int
    open_actions: int


def dashboard_for_you(*, membership: Membership, now: datetime.datetime) -> ForYou:
    """Four COUNT queries (and one for the member's directory entry), however much data."""
    from accord.comms.models_meetings import Meeting
    from accord.comms.update_selectors import needs_me_count
    from accord.goals.permissions import person_ids_of
    from accord.governance.models import ActionItem

    people = person_ids_of(membership)
    if not people:
        return ForYou(linked=False, needs_response=0, meetings_soon=0, open_actions=0)
    meetings_soon = (
        Meeting.objects.filter(
            workspace=membership.workspace,
            status=Meeting.Status.SCHEDULED,
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=7),
            attendees__person_id__in=people,
        )
        .distinct()
        .count()
    )
    open_actions = ActionItem.objects.filter(
        workspace=membership.workspace,
        owner_id__in=people,
        status__in=[ActionItem.Status.OPEN, ActionItem.Status.IN_PROGRESS],
    ).count()
    return ForYou(
        linked=True,
        needs_response=needs_me_count(membership=membership),
        meetings_soon=meetings_soon,
        open_actions=open_actions,
    )


def dashboard_summary(*, membership: Membership) -> DashboardSummary:
    from django.urls import reverse

    from accord.goals.models import Goal
    from accord.goals.selectors import goal_visible
    from accord.partnerships.models import Lifecycle
    from accord.partnerships.selectors import partnership_visible_list

    workspace = membership.workspace
    visible = partnership_visible_list(membership=membership)
    status_counts = dict(
        visible.order_by().values_list("status").annotate(n=Count("pk", distinct=True))
    )
    partnership_url = reverse("partnership_list", args=[workspace.slug])
    partnership_total = sum(status_counts.values())

    links = list(
        # No ORDER BY: the default (by name) would sort every person for nothing.
        Person.objects.filter(workspace=workspace)
        .order_by()
        .values_list("id", "manager_id", "function_id", "seniority")
    )
    total = len(links)
    functions = list(
        Function.objects.filter(workspace=workspace)
        .annotate(headcount=function_headcount())
        .values_list("uuid", "name", "headcount")
    )
    people_url = reverse("person_list", args=[workspace.slug])
    by_function = _shares(
        sorted(
            (
                (name, headcount, f"{people_url}?function={uuid}")
                for uuid, name, headcount in functions
            ),
            key=lambda row: -row[1],
        ),
        total,
    )
    seniority_counts: dict[int, int] = {}
    for _id, _manager, _function, level in links:
        seniority_counts[level] = seniority_counts.get(level, 0) + 1
    by_seniority = _shares(
        [
            (label, seniority_counts.get(value, 0), f"{people_url}?seniority={value}")
            for value, label in Seniority.choices
        ],
        total,
    )
    return DashboardSummary(
        people=total,
        functions=len(functions),
        members=Membership.objects.filter(workspace=workspace).count(),
        pending_invitations=Invitation.objects.filter(
            workspace=workspace, status=Invitation.Status.PENDING
        ).count(),
        without_function=sum(1 for row in links if row[2] is None),
        without_manager=sum(1 for row in links if row[1] is None),
        by_function=by_function,
        by_seniority=by_seniority,
        structure=org_structure((row[0], row[1]) for row in links),
        partnerships=partnership_total,
        partnerships_by_status=_shares(
            [
                (label, status_counts.get(value, 0), f"{partnership_url}?status={value}")
                for value, label in Lifecycle.choices
            ],
            partnership_total,
        ),
        active_goals=goal_visible(membership=membership).filter(status=Goal.Status.ACTIVE).count(),
        recent=_recent_activity(membership),
    )
