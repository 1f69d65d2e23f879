"""Reads for partnerships. Members-only partnerships are visible to their members, lead,
sponsor and workspace admins; everyone else gets a 404 as if they did not exist."""

from typing import Any

from django.db.models import Q, QuerySet

from accord.partnerships.models import Partnership, Privacy
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership


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
    return object_get(source.filter(pk__in=visible), workspace=membership.workspace, slug=slug)


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
