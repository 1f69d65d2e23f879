"""Builders for the report tests: partnerships and reviews carrying a frozen sample pack."""

import datetime
from typing import Any

from django.utils import timezone

from accord.insights.models import HealthSnapshot, Review
from accord.insights.tests.report_pack_sample import sample_pack
from accord.partnerships.models import Partnership, PartnershipMember, Privacy


def partnership_make(
    tenant: Any, name: str = "Checkout Revamp", *, privacy: str = Privacy.WORKSPACE, **fields: Any
) -> Partnership:
    fields.setdefault("status", "active")
    partnership = Partnership.objects.create(
        workspace=tenant.workspace,
        name=name,
        slug=fields.pop("slug", name.lower().replace(" ", "-")),
        privacy=privacy,
        lead=fields.pop("lead", tenant.alice),
        **fields,
    )
    partnership.functions.set([tenant.sales, tenant.finance])
    PartnershipMember.objects.create(
        workspace=tenant.workspace,
        partnership=partnership,
        person=tenant.bob,
        function=tenant.finance,
    )
    return partnership


def review_make(
    tenant: Any,
    partnership: Partnership,
    *,
    pack: dict[str, Any] | None = None,
    status: str = Review.Status.COMPLETED,
    period_end: datetime.date = datetime.date(2026, 10, 31),
    **fields: Any,
) -> Review:
    if pack is None:
        pack = dict(sample_pack())
        pack["partnership"] = {
            **pack["partnership"],
            "name": partnership.name,
            "slug": partnership.slug,
        }
    return Review.objects.create(
        workspace=tenant.workspace,
        partnership=partnership,
        title=fields.pop("title", f"{partnership.name} · October 2026"),
        period_start=fields.pop("period_start", period_end.replace(day=1)),
        period_end=period_end,
        scheduled_for=fields.pop("scheduled_for", period_end),
        status=status,
        pack=pack,
        pack_generated_at=timezone.now() if pack else None,
        **fields,
    )


def snapshot_make(partnership: Partnership, day: datetime.date, score: float | None, **fields: Any):
    return HealthSnapshot.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        date=day,
        score=score,
        covered_share=fields.pop("covered_share", 0.8),
        computed_at=timezone.now(),
        **fields,
    )
