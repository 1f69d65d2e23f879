"""Building blocks for the portfolio tests: partnerships with a health history, open work and
goals, made directly (the snapshot task is the health area's; here only its rows matter).

No tests here; the test_portfolio_* modules import these."""

from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.governance.models import Conflict, Decision
from accord.insights.models import HealthSnapshot, Review
from accord.partnerships.models import Lifecycle, Partnership, Privacy


def today() -> date:
    return timezone.localdate()


def snapshots_add(partnership: Partnership, scores: list[float | None], *, every: int = 7) -> None:
    """Scores oldest first, the last one today, one every `every` days."""
    now = timezone.now()
    end = today()
    count = len(scores)
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(
                workspace=partnership.workspace,
                partnership=partnership,
                date=end - timedelta(days=every * (count - 1 - index)),
                score=score,
                covered_share=0.8 if score is not None else 0.1,
                computed_at=now,
            )
            for index, score in enumerate(scores)
        ]
    )


def partnership_add(
    tenant: Any,
    name: str,
    *,
    functions: list[Any] | None = None,
    status: str = Lifecycle.ACTIVE,
    privacy: str = Privacy.WORKSPACE,
    lead: Any = None,
    sponsor: Any = None,
    start: date | None = None,
) -> Partnership:
    slug = name.lower().replace(" ", "-")[:60]
    partnership = Partnership.objects.create(
        workspace=tenant.workspace,
        name=name,
        slug=slug,
        status=status,
        privacy=privacy,
        lead=lead if lead is not None else tenant.alice,
        sponsor=sponsor if sponsor is not None else tenant.bob,
        start_date=start or today() - timedelta(days=200),
    )
    partnership.functions.set(
        functions if functions is not None else [tenant.sales, tenant.finance]
    )
    return partnership


def open_work_add(partnership: Partnership, *, conflicts: int = 1, decisions: int = 1) -> None:
    """Open, private and closed conflicts; pending and decided decisions; a scheduled review;
    a goal well behind its expected progress and one on track."""
    workspace = partnership.workspace
    for number in range(conflicts):
        Conflict.objects.create(
            workspace=workspace, partnership=partnership, title=f"Open conflict {number}"
        )
    Conflict.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Secret salary dispute",
        private=True,
        stage=Conflict.Stage.IN_DIALOGUE,
    )
    Conflict.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Old conflict",
        stage=Conflict.Stage.RESOLVED,
    )
    for number in range(decisions):
        Decision.objects.create(
            workspace=workspace,
            partnership=partnership,
            title=f"Pending decision {number}",
            status=Decision.Status.OPEN,
        )
    Decision.objects.create(
        workspace=workspace, partnership=partnership, title="Done", status=Decision.Status.DECIDED
    )
    Review.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Next review",
        period_start=today() - timedelta(days=30),
        period_end=today(),
        scheduled_for=today() + timedelta(days=10),
    )
    Review.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Last review",
        period_start=today() - timedelta(days=60),
        period_end=today() - timedelta(days=30),
        scheduled_for=today() - timedelta(days=25),
        status=Review.Status.COMPLETED,
    )
    behind = goal_add(partnership, title="Behind")
    on_track = goal_add(partnership, title="On track")
    CheckIn.objects.bulk_create(
        [
            CheckIn(workspace=workspace, goal=behind, date=today() - timedelta(days=2), value=5),
            CheckIn(workspace=workspace, goal=on_track, date=today() - timedelta(days=2), value=60),
        ]
    )


def goal_add(partnership: Partnership, *, title: str, **fields: Any) -> Goal:
    """A goal from 0 to 100, half-way through its time (expected progress 50 %)."""
    values: dict[str, Any] = {
        "direction": "increase",
        "baseline": 0,
        "target": 100,
        "start_date": today() - timedelta(days=100),
        "due_date": today() + timedelta(days=100),
        "cadence_days": 30,
        **fields,
    }
    return Goal.objects.create(
        workspace=partnership.workspace, partnership=partnership, title=title, **values
    )


def kpi_add(
    partnership: Partnership,
    *,
    name: str,
    category: str,
    direction: str = "increase",
    values: list[tuple[date, float]] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Kpi:
    kpi = Kpi.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        metric_key=name.lower().replace(" ", "_"),
        name=name,
        category=category,
        direction=direction,
        **fields,
    )
    Measurement.objects.bulk_create(
        [
            Measurement(workspace=partnership.workspace, kpi=kpi, date=when, value=value)
            for when, value in values
        ]
    )
    return kpi


def portfolio_build(tenant: Any, count: int, *, prefix: str = "Partnership") -> list[Partnership]:
    """`count` partnerships, each with a 12-week history, open work and goals."""
    made = []
    for number in range(count):
        partnership = partnership_add(tenant, f"{prefix} {number:03d}")
        snapshots_add(partnership, [40.0 + number % 50 + week for week in range(12)])
        open_work_add(partnership)
        made.append(partnership)
    return made


def queries_of(client: Client, url: str, **extra: Any) -> tuple[int, Any]:
    client.get(url, **extra)  # warm per-process caches (catalog, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.status_code
    return len(queries), response
