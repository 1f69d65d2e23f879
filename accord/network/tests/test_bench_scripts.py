"""The benchmark's pieces at a small size: the synthetic generator writes what
`accord network analyze` reads, and the pandas + networkx baseline (scripts/
network_baseline.py) gives the same answer as Accord — E-I, matrix, modularity, betweenness
(exact, and from pivots) — so the 1M comparison in scripts/bench_network.py cannot drift."""

import functools
import importlib.util
import json
from io import StringIO
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
import pytest
from django.core.management import call_command

from accord.metrics import network
from accord.network import analysis
from accord.network.files import events_pairs, people_read

SCRIPTS = Path(__file__).resolve().parents[3] / "scripts"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = _script("network_generate")
baseline = _script("network_baseline")


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("network-bench")
    return generator.generate(folder, people=240, events=6000, functions=4, seed=3)


def _accord(people: Path, events: Path) -> dict[str, Any]:
    out = StringIO()
    call_command(
        "network", "analyze", "--people", str(people), "--events", str(events), "--json", stdout=out
    )
    answer: dict[str, Any] = json.loads(out.getvalue())
    return answer


def _same(accord: dict[str, Any], base: dict[str, Any]) -> None:
    for key in (
        "people",
        "events",
        "ties",
        "unmatched",
        "ei_index",
        "functions",
        "function_matrix",
        "modularity",
        "brokers",
        "betweenness_exact",
        "overload",
    ):
        assert accord[key] == base[key], key


def test_generator_writes_the_documented_columns_and_structure(files):
    people_path, events_path = files
    people = pl.read_csv(people_path)
    events = pl.read_csv(events_path)
    assert people.columns == ["email", "function", "name", "level", "timezone"]
    assert events.columns == ["timestamp", "sender", "recipients", "channel"]
    assert people.height == 240
    assert people["function"].n_unique() == 4
    assert events.height == 6000
    assert set(events["channel"].unique()) <= {"email", "chat", "meeting"}
    recipients = events["recipients"].fill_null("").str.split(";")
    sizes = recipients.list.len()
    assert sizes.max() <= 5
    assert (sizes >= 1).mean() > 0.99
    for sender, listed in zip(events["sender"][:500], recipients[:500], strict=True):
        assert sender not in listed
        assert len(set(listed)) == len(listed)
    stamps = events["timestamp"].str.to_datetime("%Y-%m-%dT%H:%M:%SZ")
    assert (stamps.max() - stamps.min()).days >= 40  # spread over weeks
    # Most ties stay inside a function: the E-I index is clearly negative.
    answer = _accord(people_path, events_path)
    assert answer["ei_index"] < -0.2
    assert answer["unmatched"] == 1  # the one external address


def test_generator_is_repeatable_and_can_leave_out_time_zones(tmp_path):
    first = generator.generate(tmp_path / "a", people=60, events=500, functions=3, seed=9)
    second = generator.generate(
        tmp_path / "b", people=60, events=500, functions=3, seed=9, timezones=False
    )
    assert first[1].read_bytes() == second[1].read_bytes()
    assert "timezone" not in pl.read_csv(second[0]).columns


def test_baseline_and_accord_agree_with_exact_betweenness(files):
    people, events = files
    accord = _accord(people, events)
    base = baseline.baseline(people, events)
    assert accord["betweenness_exact"] is True
    _same(accord, base)
    # Unrounded modularity, both ways.
    mine = network.modularity(*_ties(people, events))
    assert mine == pytest.approx(base["raw"]["modularity"], abs=1e-9)
    assert len(accord["brokers"]) == 10


def test_baseline_and_accord_agree_when_both_sample_pivots(files, monkeypatch):
    people, events = files
    monkeypatch.setattr(
        analysis.network,
        "betweenness",
        functools.partial(network.betweenness, exact_max=50, pivots=40),
    )
    accord = _accord(people, events)
    base = baseline.baseline(people, events, exact_max=50, pivots=40)
    assert accord["betweenness_exact"] is False
    assert base["betweenness_exact"] is False
    _same(accord, base)


def test_baseline_honours_min_weight_like_accord(files):
    people, events = files
    out = StringIO()
    call_command(
        "network",
        "analyze",
        "--people",
        str(people),
        "--events",
        str(events),
        "--min-weight",
        "3",
        "--json",
        stdout=out,
    )
    accord = json.loads(out.getvalue())
    base = baseline.baseline(people, events, min_weight=3)
    _same(accord, base)
    assert accord["ties"] < _accord(people, events)["ties"]


def _ties(people_path: Path, events_path: Path) -> tuple[network.Ties, Any]:
    people = people_read(people_path)
    pairs = events_pairs(events_path, people)
    ties = network.ties_from_events(pairs.sender, pairs.recipient, n=len(people.emails))
    return ties, people.function_of
