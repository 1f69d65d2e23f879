"""Taking snapshots: one row per partnership per day (a second run rewrites it), trends
against the previous snapshot, closed partnerships left out, and a bounded number of
queries however many partnerships there are."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.insights.health import snapshots_take
from accord.insights.models import HealthSnapshot
from accord.insights.tests.test_health_support import (
    TODAY,
    bare_partnership,
    components_of,
    rich_partnership,
)
from accord.partnerships.models import Lifecycle

pytestmark = pytest.mark.django_db


def test_one_snapshot_per_partnership_per_day(acme):
    """Running twice the same day rewrites the row instead of adding one."""
    rich = rich_partnership(acme)
    assert snapshots_take(workspace=acme.workspace, today=TODAY) == 1
    first = HealthSnapshot.objects.get(partnership=rich.partnership)
    assert snapshots_take(workspace=acme.workspace, today=TODAY) == 1
    assert HealthSnapshot.objects.filter(partnership=rich.partnership).count() == 1
    again = HealthSnapshot.objects.get(partnership=rich.partnership)
    assert again.uuid == first.uuid
    assert again.computed_at >= first.computed_at


def test_closed_partnerships_are_left_out_unless_asked_for(acme):
    bare_partnership(acme, name="Open one")
    closed = bare_partnership(acme, name="Closed one", status=Lifecycle.CLOSED)
    for status in (Lifecycle.PROPOSED, Lifecycle.FORMING, Lifecycle.PAUSED):
        bare_partnership(acme, name=f"In {status}", status=status)
    assert snapshots_take(workspace=acme.workspace, today=TODAY) == 4
    assert not HealthSnapshot.objects.filter(partnership=closed).exists()
    assert snapshots_take(workspace=acme.workspace, today=TODAY, partnerships=[closed]) == 1


def test_only_the_given_partnerships_of_this_workspace(acme, globex):
    mine = bare_partnership(acme, name="Mine")
    bare_partnership(acme, name="Other")
    theirs = bare_partnership(globex, name="Theirs")
    assert snapshots_take(workspace=acme.workspace, today=TODAY, partnerships=[mine, theirs]) == 1
    assert list(HealthSnapshot.objects.values_list("partnership", flat=True)) == [mine.pk]


def test_trend_is_the_change_since_the_previous_snapshot(acme):
    rich = rich_partnership(acme)
    earlier = TODAY - datetime.timedelta(days=7)
    HealthSnapshot.objects.create(
        workspace=acme.workspace,
        partnership=rich.partnership,
        date=earlier,
        score=40.0,
        covered_share=0.5,
        components=[
            {"key": "conflicts", "value": 70.0, "status": "ok"},
            {"key": "goal_progress", "value": None, "status": "no data"},
        ],
        computed_at=datetime.datetime(2026, 6, 8, tzinfo=datetime.UTC),
    )
    snapshots_take(workspace=acme.workspace, today=TODAY)
    rows = components_of(HealthSnapshot.objects.get(partnership=rich.partnership, date=TODAY))
    assert rows["conflicts"]["trend"] == pytest.approx(15.0)  # 70 → 85
    assert rows["goal_progress"]["trend"] is None  # no earlier value
    assert rows["coordination"]["trend"] is None  # no data today


def test_snapshot_components_carry_every_field(acme):
    rich = rich_partnership(acme)
    snapshots_take(workspace=acme.workspace, today=TODAY)
    snapshot = HealthSnapshot.objects.get(partnership=rich.partnership)
    for row in snapshot.components:
        assert set(row) == {
            "key",
            "label",
            "value",
            "weight",
            "effective_weight",
            "evidence",
            "status",
            "freshness_days",
            "trend",
        }
    assert snapshot.signals == []  # the playbook's to fill


def test_queries_do_not_grow_with_the_number_of_partnerships(acme):
    rich_partnership(acme, name="First")
    snapshots_take(workspace=acme.workspace, today=TODAY)  # creates the settings rows
    with CaptureQueriesContext(connection) as one:
        snapshots_take(workspace=acme.workspace, today=TODAY)
    for index in range(4):
        rich_partnership(acme, name=f"More {index}")
    with CaptureQueriesContext(connection) as five:
        assert snapshots_take(workspace=acme.workspace, today=TODAY) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
    assert len(one.captured_queries) <= 45
