"""Snapshots from the database: only countable interactions load (finished imports, mapped
and not ignored identities, inside the window), the figures match the metrics, small
functions are withheld, person-level results are kept apart, windows upsert, the daily
refresh keeps one snapshot per week and measures change, and a million interactions load and
compute in seconds."""

import datetime
import time

import numpy as np
import pytest

from accord.metrics import network
from accord.network.models import NetworkSnapshot
from accord.network.snapshots import (
    PersonIndex,
    WindowData,
    ei_reading,
    snapshot_compute,
    snapshot_take,
    snapshots_refresh,
    window_load,
)
from accord.network.tasks_snapshots import network_snapshots_daily
from accord.network.tests.insight_world import WINDOW_END, build_world

pytestmark = pytest.mark.django_db


def test_only_countable_interactions_load(acme):
    world = build_world(acme)
    data = window_load(
        workspace=acme.workspace,
        window_start=WINDOW_END - datetime.timedelta(days=27),
        window_end=WINDOW_END,
    )
    assert data.sender.size == world.counted
    assert (data.sender >= 0).all()
    assert (data.recipient >= 0).all()
    assert set(data.channel.tolist()) == {0}  # e-mail


def test_snapshot_figures_match_the_metrics_and_withhold_the_small_function(acme):
    world = build_world(acme)
    snapshot = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    assert snapshot.window_start == WINDOW_END - datetime.timedelta(days=27)
    assert (snapshot.people, snapshot.interactions, snapshot.ties) == (14, world.counted, 23)
    results = snapshot.results
    functions = {row["name"]: row for row in results["functions"]}
    sales, finance, tiny = functions["Sales"], functions["Finance"], functions["Tiny"]
    assert (sales["internal_ties"], sales["external_ties"]) == (15, 2)
    assert sales["ei_index"] == pytest.approx(-13 / 17, abs=1e-4)
    assert finance["ei_index"] == pytest.approx(-4 / 6, abs=1e-4)
    assert finance["reading"] == "Finance talks mostly to itself."
    assert tiny["withheld"] is True
    assert tiny["reason"].startswith("Fewer than 5 people of Tiny appear")
    assert set(tiny) == {"name", "uuid", "withheld", "reason"}
    names = results["matrix"]["functions"]
    t = names.index("Tiny")
    s, f = names.index("Sales"), names.index("Finance")
    assert results["matrix"]["ties"][s][f] == 1
    assert results["matrix"]["ties"][s][s] == 15
    assert all(row[t] is None for row in results["matrix"]["ties"])
    assert all(value is None for value in results["matrix"]["density"][t])
    assert results["matrix"]["density"][s][s] == pytest.approx(1.0)
    assert {node["name"] for node in results["graph"]["nodes"]} == {"Sales", "Finance"}
    assert all("Tiny" not in (e["source"], e["target"]) for e in results["graph"]["edges"])
    summary = results["summary"]
    assert summary["after_hours_share"] == pytest.approx(5 / world.counted, abs=1e-4)
    assert finance["after_hours_share"] == pytest.approx(5 / 6, abs=1e-4)
    assert sales["after_hours_share"] == 0.0
    assert summary["reciprocity"] == pytest.approx(2 / 24, abs=1e-4)
    assert summary["withheld_functions"] == 1
    assert "internal_ties" not in summary  # it would let a reader subtract Tiny's own
    assert summary["density"] == pytest.approx(23 / (14 * 13 / 2), abs=1e-5)
    # No person appears in the function-level results.
    text = str(results)
    for person in world.sales + world.finance + world.tiny:
        assert person.name not in text
        assert str(person.uuid) not in text
    brokers = snapshot.people_results["brokers"]
    assert brokers[0]["name"] in {world.sales[1].name, world.finance[0].name}
    assert snapshot.people_results["betweenness_exact"] is True


def test_taking_the_same_window_again_replaces_it(acme):
    build_world(acme)
    first = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    again = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    assert first.pk == again.pk
    assert NetworkSnapshot.objects.filter(workspace=acme.workspace).count() == 1
    other = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END, min_weight=2)
    assert other.pk != first.pk
    assert other.ties == 1  # only the reciprocated bridge has two interactions


def test_change_is_measured_against_an_earlier_window(acme):
    build_world(acme)
    earlier = snapshot_take(
        workspace=acme.workspace, window_end=WINDOW_END - datetime.timedelta(days=28)
    )
    assert earlier.results["change"] is None
    # The earlier window holds one Finance → Sales interaction: one tie, across functions.
    assert earlier.results["summary"]["ei_index"] == 1.0
    latest = snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    change = latest.results["change"]
    assert change["since_uuid"] == str(earlier.uuid)
    assert change["ei_index"] == pytest.approx((2 - 21) / 23 - 1.0, abs=1e-3)
    # Every function was under k people in the earlier window: none is compared.
    assert change["functions"] == {}


def test_daily_refresh_keeps_one_snapshot_per_week_and_fills_in_history(acme):
    build_world(acme)
    monday = WINDOW_END + datetime.timedelta(days=3)
    snapshots_refresh(workspace=acme.workspace, today=monday)
    snapshots_refresh(workspace=acme.workspace, today=monday + datetime.timedelta(days=1))
    ends = sorted(
        NetworkSnapshot.objects.filter(workspace=acme.workspace).values_list(
            "window_end", flat=True
        )
    )
    # The first interaction is 40 days before the window's end: weekly windows of 28 days
    # fit from then on; this week keeps only Tuesday's.
    assert ends[-1] == monday + datetime.timedelta(days=1)
    assert monday not in ends
    weeks = [end.isocalendar()[:2] for end in ends]
    assert len(weeks) == len(set(weeks))
    assert len(ends) >= 2


def test_refresh_without_a_finished_import_takes_nothing(acme):
    assert snapshots_refresh(workspace=acme.workspace, today=WINDOW_END) == []


def test_daily_task_covers_workspaces_with_data(acme, globex):
    build_world(acme)
    answer = network_snapshots_daily.call(today=WINDOW_END.isoformat())
    assert answer["workspaces"] == 1
    assert answer["snapshots"] >= 1
    assert not NetworkSnapshot.objects.filter(workspace=globex.workspace).exists()


def test_readings_are_plain_language():
    assert ei_reading("Finance", -0.8) == "Finance talks mostly to itself."
    assert ei_reading("Sales", 0.3) == "Sales reaches out more than it talks inside."
    assert ei_reading("Ops", 0.0) == "Ops balances inside and outside ties."
    assert ei_reading("HR", None) == "HR has no ties in this window."


def _synthetic(n_people: int, n_events: int, n_functions: int) -> WindowData:
    rng = np.random.default_rng(3)
    group = rng.integers(0, n_functions, n_people)
    sender = rng.integers(0, n_people, n_events)
    # Mostly inside the sender's function, like real traffic.
    same = rng.random(n_events) < 0.7
    members = [np.flatnonzero(group == g) for g in range(n_functions)]
    recipient = rng.integers(0, n_people, n_events)
    for g in range(n_functions):
        pick = same & (group[sender] == g)
        recipient[pick] = rng.choice(members[g], size=int(pick.sum()))
    people = PersonIndex(
        ids=np.arange(1, n_people + 1, dtype=np.int64),
        uuids=[str(i) for i in range(n_people)],
        names=[f"P{i}" for i in range(n_people)],
        zones=["UTC", "Europe/Dublin", "America/Chicago"] * (n_people // 3)
        + ["UTC"] * (n_people % 3),
        group=group.astype(np.int64),
        functions=[f"F{g}" for g in range(n_functions)],
        function_uuids=[None] * n_functions,
    )
    return WindowData(
        people=people,
        occurred=rng.integers(1_770_000_000, 1_772_400_000, n_events),
        sender=sender.astype(np.int64),
        recipient=recipient.astype(np.int64),
        channel=rng.integers(0, 4, n_events),
    )


def test_compute_on_a_synthetic_network_matches_the_metrics():
    data = _synthetic(300, 20_000, 6)
    computed = snapshot_compute(data, min_weight=2, min_group=5, workday_start=8, workday_end=19)
    ties = network.ties_from_events(data.sender, data.recipient, n=300, min_weight=2)
    ei = network.ei_index(ties, data.people.group, 6)
    assert computed.ties == ties.count
    assert computed.results["summary"]["ei_index"] == pytest.approx(ei.overall, abs=1e-4)
    assert computed.results["summary"]["modularity"] == pytest.approx(
        network.modularity(ties, data.people.group), abs=1e-4
    )


def test_two_hundred_thousand_interactions_compute_quickly_with_sampled_pivots():
    data = _synthetic(4000, 200_000, 10)
    started = time.perf_counter()
    computed = snapshot_compute(data, min_weight=1, min_group=5, workday_start=8, workday_end=19)
    elapsed = time.perf_counter() - started
    assert computed.interactions > 190_000
    assert computed.people_results["betweenness_exact"] is False
    assert computed.people_results["rank_correlation_check"] is not None
    assert elapsed < 30  # seconds, on a shared CI machine (about 2–4 s on one core)
