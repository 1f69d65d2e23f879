"""Reads for reports: the review a report URL names (404 outside the caller's reach), its
frozen pack, the review the `accord report` command defaults to, and the quarterly report
over the partnerships a member may see."""

import datetime
from typing import Any

from django.http import Http404

from accord.insights.models import Review
from accord.insights.pack_types import ReviewPack
from accord.insights.quarterly import Quarter, QuarterlyReport, quarterly_report
from accord.insights.report_render import pack_complete
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

# Reviews whose pack a report shows by default: prepared (pack ready) or completed.
REPORTED_STATUSES = (Review.Status.COMPLETED, Review.Status.PREPARED)


def report_review_get(*, membership: Membership, partnership: str, review: Any) -> Review:
    """The review with this uuid of this visible partnership, or 404 (another partnership's
    or another workspace's review is as unknown as a made-up uuid)."""
    found_partnership = partnership_get(membership=membership, slug=partnership)
    found: Review = object_get(
        Review.objects.select_related("partnership"),
        workspace=membership.workspace,
        partnership=found_partnership,
        uuid=review,
    )
    return found


def report_pack_get(*, review: Review) -> ReviewPack:
    """The pack frozen into the review; 404 with the reason when none was generated yet.

    A report shows what the review meeting saw, so a page never builds a pack on a GET;
    preparing the review (or `accord report`, which builds one on the fly) does."""
    if not review.pack:
        raise Http404(
            "This review has no pack yet: prepare the review to generate its pack, "
            "then open the report."
        )
    return pack_complete(review.pack)


def report_review_latest(*, partnership: Partnership) -> Review | None:
    """The partnership's latest review with a pack, completed or prepared."""
    return (
        Review.objects.filter(
            workspace_id=partnership.workspace_id,
            partnership=partnership,
            status__in=REPORTED_STATUSES,
        )
        .exclude(pack={})
        .order_by("-period_end", "-scheduled_for", "-pk")
        .first()
    )


def quarterly_report_for(
    *, membership: Membership, quarter: Quarter, today: datetime.date
) -> QuarterlyReport:
    """The quarterly report over the partnerships the member may see."""
    return quarterly_report(
        workspace=membership.workspace,
        partnerships=partnership_visible_list(membership=membership),
        quarter=quarter,
        today=today,
    )
