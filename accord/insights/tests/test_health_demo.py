"""The demo's health: today's real snapshot of every demo partnership and sixteen weeks of
generated history that tell a story — order-to-cash recovering, another sliding — written in
bulk, with components that say they are generated."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.insights.demo_health import GENERATED, RECOVERING_SLUG, WEEKS, demo_health_build
from accord.insights.models import HealthSnapshot
from accord.metrics.health_index import COMPONENT_LABELS
from accord.partnerships.models import Lifecycle, Partnership
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def built():
    """The demo and its health (building the demo takes a while: two tests use it). `accord
    demo` builds the health history itself; it is rebuilt here to count its queries."""
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    assert HealthSnapshot.objects.filter(workspace=workspace, date__lt=today).exists()
    HealthSnapshot.objects.filter(workspace=workspace).delete()
    with CaptureQueriesContext(connection) as queries:
        summary = demo_health_build(workspace, today=today)
    return workspace, today, summary, len(queries)


def scores(workspace, slug):
    return list(
        HealthSnapshot.objects.filter(workspace=workspace, partnership__slug=slug)
        .order_by("date")
        .values_list("score", flat=True)
    )


def test_order_to_cash_recovers_and_another_slides_written_in_bulk(built):
    workspace, today, summary, queries = built
    assert queries <= 70
    partnerships = Partnership.objects.filter(workspace=workspace).exclude(status=Lifecycle.CLOSED)
    assert partnerships.count() >= 5
    for partnership in partnerships:
        rows = HealthSnapshot.objects.filter(partnership=partnership)
        assert rows.filter(date=today).count() == 1
        assert rows.filter(date__lt=today).count() == WEEKS
    assert summary["snapshots"] == partnerships.count() * (WEEKS + 1)
    assert summary["recovering"] == RECOVERING_SLUG
    rising = scores(workspace, RECOVERING_SLUG)
    assert rising[0] < 52
    assert rising[-1] > rising[0] + 10
    assert rising[-4] <= rising[-1] + 5  # still climbing toward today's real value
    falling = scores(workspace, summary["sliding"])
    assert summary["sliding"] != RECOVERING_SLUG
    assert falling[0] >= 70
    assert falling[-1] < falling[0] - 5


def test_history_components_are_plausible_and_marked_generated(built):
    workspace, today, _summary, _queries = built
    old = HealthSnapshot.objects.filter(
        workspace=workspace, partnership__slug=RECOVERING_SLUG, date__lt=today
    ).first()
    assert [row["key"] for row in old.components] == list(COMPONENT_LABELS)
    with_data = [row for row in old.components if row["status"] == "ok"]
    assert with_data
    assert all(row["evidence"] == GENERATED for row in with_data)
    assert all(0 <= row["value"] <= 100 for row in with_data)
    assert GENERATED in old.reasons
    latest = HealthSnapshot.objects.get(
        workspace=workspace, partnership__slug=RECOVERING_SLUG, date=today
    )
    assert GENERATED not in latest.reasons  # today's is the real index
    assert any(row["trend"] is not None for row in latest.components)
