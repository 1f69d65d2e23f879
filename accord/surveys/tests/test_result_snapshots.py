"""Stored snapshots of a closed cycle's released figures: written on close, recomputed when
what they depend on changes, read in bulk, and never holding a figure the live release
withholds."""

import dataclasses

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.partnerships.models import Privacy
from accord.surveys import instruments as builtin
from accord.surveys import results_selectors as selectors
from accord.surveys.models import Cycle, ResultSnapshot
from accord.surveys.tests.test_results_support import (
    coordination_answers,
    cycle_run,
    psych_answers,
    world_build,
)

# Operations has two people: every aggregate that isolates it must be withheld.
STAFFING = {"Sales": [1, 1, 1, 1, 1, 3, 3], "Finance": [1, 1, 2, 2, 2, 4], "Operations": [1, 2]}


@pytest.fixture
def world(acme):
    return world_build(acme, staffing=STAFFING)


def _fresh(acme, cycle):
    return selectors.results_cycle_visible(membership=acme.membership("owner")).get(pk=cycle.pk)


def _live(cycle):
    loaded = selectors._cycles_load([cycle])
    return selectors._cycle_results_build(
        cycle=cycle, group=selectors.Group(), series=[cycle], loaded=loaded, with_trends=False
    )


def _figures(figures):
    return [dataclasses.replace(f, change=None) for f in figures]


def test_closing_a_cycle_stores_its_released_figures(acme, world):
    """Closing a cycle with enough answers writes its snapshot, stamped with what it
    depends on."""
    cycle = cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))
    snapshot = ResultSnapshot.objects.get(cycle=cycle)
    assert snapshot.workspace_id == acme.workspace.pk
    assert snapshot.fingerprint == selectors.snapshot_fingerprint(_fresh(acme, cycle))
    assert snapshot.payload["kind"] == "coordination"
    assert snapshot.payload["headline"][0]["key"] == "overall"


def test_a_cycle_under_k_gets_no_snapshot(acme, world):
    """A cycle that closed with fewer than k answers releases nothing, so nothing is stored."""
    few = world.people[:3]
    cycle = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(5), who=few)
    assert not ResultSnapshot.objects.filter(cycle=cycle).exists()
    assert selectors.released_load([_fresh(acme, cycle)]).snapshots == {}


def test_snapshot_is_recomputed_when_k_changes(acme, world):
    """A snapshot taken under one minimum group size is not used under another: the next
    read recomputes it with the new k and stores that."""
    cycle = cycle_run(world, builtin.COORDINATION_KEY, answer=coordination_answers(4))
    before = ResultSnapshot.objects.get(cycle=cycle)
    Cycle.objects.filter(pk=cycle.pk).update(min_group=7)
    changed = _fresh(acme, cycle)
    assert selectors.snapshot_fingerprint(changed) != before.fingerprint
    loaded = selectors.released_load([changed])
    after = ResultSnapshot.objects.get(cycle=cycle)
    assert after.fingerprint == selectors.snapshot_fingerprint(changed)
    assert loaded.snapshots[cycle.pk] == after.payload
    released = selectors.released_results(cycle=changed, loaded=loaded)
    for row in released.matrix.rows:
        for cell in row.cells:
            assert not cell.shown or cell.n >= 7
    assert _figures(released.dimensions) == _figures(_live(changed).dimensions)


@pytest.mark.parametrize("kind", [builtin.COORDINATION_KEY, builtin.PSYCH_SAFETY_KEY])
def test_snapshot_holds_exactly_what_the_live_release_shows(acme, world, kind):
    """With a function of two people, the figures read from the snapshot equal the live
    release figure by figure and cell by cell: withheld ones carry no value and no n."""
    answer = coordination_answers(4) if kind == builtin.COORDINATION_KEY else psych_answers(5)
    cycle = _fresh(acme, cycle_run(world, kind, answer=answer))
    loaded = selectors.released_load([cycle])
    assert cycle.pk in loaded.snapshots
    stored = selectors.released_results(cycle=cycle, loaded=loaded)
    live = _live(cycle)
    assert _figures(stored.headline) == _figures(live.headline)
    assert _figures(stored.dimensions) == _figures(live.dimensions)
    assert stored.matrix == live.matrix
    assert (stored.group_shown, stored.withheld) == (live.group_shown, live.withheld)
    figures = [*stored.headline, *stored.dimensions]
    for figure in figures:
        if not figure.shown:
            assert (figure.value, figure.n) == (None, None)
    if stored.matrix is not None:
        cells = [cell for row in stored.matrix.rows for cell in row.cells]
        assert any(not cell.shown for cell in cells)
        for cell in cells:
            if not cell.shown:
                assert (cell.score, cell.n) == (None, None)
    summary = selectors.released_summary(name="x", kind=live.kind, series=[cycle], loaded=loaded)
    live_summary = selectors.released_summary(
        name="x", kind=live.kind, series=[cycle], loaded=selectors.Loaded([cycle])
    )
    assert summary.headline == live_summary.headline


def test_snapshots_are_read_in_a_constant_number_of_queries(acme, world):
    """Reading the snapshots of many cycles costs the same queries as reading one."""
    cycles = [
        cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(5), weeks_ago=weeks)
        for weeks in (6, 4, 2)
    ]
    fresh = [_fresh(acme, c) for c in cycles]
    with CaptureQueriesContext(connection) as one:
        selectors.released_load(fresh[:1])
    with CaptureQueriesContext(connection) as three:
        selectors.released_load(fresh)
    assert len(one) == len(three) == 1


def test_change_since_the_previous_cycle_is_stored_once_and_equals_the_live_one(acme, world):
    """The headline change between a series' two latest cycles is worked out from the
    answers once, stored beside the latest snapshot, then read back equal to the live
    figure without reading any answer; a change to the earlier cycle makes it stale."""
    earlier = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(3), weeks_ago=6)
    later = cycle_run(world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(6), weeks_ago=2)
    series = [_fresh(acme, earlier), _fresh(acme, later)]
    live = selectors._summary("x", "psych_safety", series, selectors._cycles_load(series))
    assert live.headline[0].change is not None
    assert live.headline[0].change.shown

    first = selectors.released_load(series)
    assert selectors.released_summary_needs(series, first) == series
    computed = selectors.released_summary(
        name="x", kind="psych_safety", series=series, loaded=first
    )
    first.change_memos_save()
    assert computed.headline == live.headline

    stored = ResultSnapshot.objects.get(cycle=later).payload["summary_change"]
    assert stored["previous"] == [earlier.pk, selectors.snapshot_fingerprint(series[0])]
    again = selectors.released_load(series)
    assert selectors.released_summary_needs(series, again) == []
    with CaptureQueriesContext(connection) as queries:
        read = selectors.released_summary(
            name="x", kind="psych_safety", series=series, loaded=again
        )
    assert len(queries) == 0
    assert read.headline == live.headline

    Cycle.objects.filter(pk=earlier.pk).update(min_group=7)
    series = [_fresh(acme, earlier), _fresh(acme, later)]
    assert selectors.released_summary_needs(series, selectors.released_load(series)) != []


def test_rollup_icc_from_snapshots_matches_the_raw_computation(acme):
    """The ICCs across partnerships computed from the stored per-partnership statistics
    equal those computed from every respondent's scale score."""
    from accord.metrics.psych_safety import psych_safety_teams

    worlds = [
        world_build(acme, staffing={"Sales": [1] * 6, "Finance": [2] * 5}, name=f"Team {n}")
        for n in range(3)
    ]
    cycles = [
        cycle_run(w, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(level))
        for w, level in zip(worlds, (3, 5, 6), strict=True)
    ]
    rollup = selectors.workspace_rollup(membership=acme.membership("owner"))
    fresh = [_fresh(acme, c) for c in cycles]
    loaded = selectors._cycles_load(fresh)
    teams, points, reverse = {}, 7, []
    for cycle in fresh:
        data = loaded[cycle.pk]
        rows, points, reverse = selectors._psych_rows(data, selectors._answered(data.frame))
        teams[str(cycle.pk)] = rows
    expected = psych_safety_teams(teams, points=points, reverse=reverse)
    assert rollup.icc_teams == 3
    assert rollup.icc1 == pytest.approx(expected.icc1)
    assert rollup.icc2 == pytest.approx(expected.icc2)


def _page_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_rollup_page_runs_a_constant_number_of_queries(acme, login):
    """Two cycles or six, over one partnership or three, the roll-up page costs the same."""
    client = login(acme.owner)
    url = f"/w/{acme.workspace.slug}/surveys/results/"
    first = world_build(acme, staffing={"Sales": [1] * 6, "Finance": [2] * 5}, name="Alpha")
    cycle_run(first, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(5), weeks_ago=4)
    cycle_run(first, builtin.COORDINATION_KEY, answer=coordination_answers(4), weeks_ago=4)
    two = _page_queries(client, url)
    for name in ("Beta", "Gamma"):
        other = world_build(
            acme,
            staffing={"Sales": [1] * 6, "Finance": [2] * 5},
            name=name,
            privacy=Privacy.WORKSPACE,
        )
        cycle_run(other, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(4), weeks_ago=2)
        cycle_run(other, builtin.COORDINATION_KEY, answer=coordination_answers(3), weeks_ago=2)
    six = _page_queries(client, url)
    assert six == two


def test_rollup_page_shows_one_page_of_partnerships(acme, login, monkeypatch):
    """With more partnerships than fit a page, the page lists the first ones by name and
    links to the next page, which lists the rest."""
    monkeypatch.setattr(selectors, "ROLLUP_PAGE_SIZE", 2)
    client = login(acme.owner)
    for name in ("Alpha", "Beta", "Gamma"):
        team = world_build(acme, staffing={"Sales": [1] * 3, "Finance": [2] * 3}, name=name)
        cycle_run(team, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(5))
    url = f"/w/{acme.workspace.slug}/surveys/results/"
    first = client.get(url).content.decode()
    assert "Alpha" in first
    assert "Beta" in first
    assert "Gamma" not in first
    assert "page=2" in first
    second = client.get(url + "?page=2").content.decode()
    assert "Gamma" in second
    assert "Alpha" not in second
