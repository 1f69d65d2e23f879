"""`accord network analyze` on files alone: the karate club as people and events, with an
unknown recipient, against the METRICS.md §10 reference values and networkx."""

import csv
import json
from io import StringIO
from pathlib import Path

import networkx as nx
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def _files(tmp_path: Path) -> tuple[Path, Path]:
    graph = nx.karate_club_graph()
    people = tmp_path / "people.csv"
    events = tmp_path / "events.csv"
    with people.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["email", "function", "name"])
        for node in graph:
            writer.writerow([f"p{node}@club.test", graph.nodes[node]["club"], f"Member {node}"])
    with events.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["timestamp", "sender", "recipients", "channel", "subject"])
        for u, v in graph.edges:
            writer.writerow(
                [
                    "2026-03-02T09:00:00Z",
                    f" P{u}@Club.test",
                    f"p{v}@club.test;outsider@else.test",
                    "email",
                    "never read",
                ]
            )
        writer.writerow(["2026-03-02T09:00:00Z", "p1@club.test", "p1@club.test", "chat", ""])
    return people, events


def test_analyze_answers_the_documented_json(tmp_path):
    people, events = _files(tmp_path)
    out = StringIO()
    err = StringIO()
    call_command(
        "network",
        "analyze",
        "--people",
        str(people),
        "--events",
        str(events),
        "--json",
        stdout=out,
        stderr=err,
    )
    answer = json.loads(out.getvalue())
    assert err.getvalue() == ""  # no progress bar with --json
    assert (answer["people"], answer["events"], answer["ties"]) == (34, 79, 78)
    assert answer["unmatched"] == 1
    assert answer["ei_index"] == pytest.approx(-0.71795, abs=1e-5)
    assert answer["modularity"] == pytest.approx(0.35823, abs=1e-5)
    hi = answer["functions"]["Mr. Hi"]
    assert hi["people"] == 17
    assert hi["external_ties"] == 11
    assert answer["function_matrix"]["Mr. Hi"]["Officer"] == 11
    assert answer["function_matrix"]["Officer"]["Mr. Hi"] == 11
    assert (
        answer["function_matrix"]["Mr. Hi"]["Mr. Hi"]
        + answer["function_matrix"]["Officer"]["Officer"]
        == 67
    )
    oracle = nx.betweenness_centrality(nx.karate_club_graph(), normalized=True)
    top = sorted(oracle, key=lambda node: -oracle[node])[:10]
    assert [b["email"] for b in answer["brokers"]] == [f"p{node}@club.test" for node in top]
    assert answer["brokers"][0]["betweenness"] == pytest.approx(oracle[top[0]], abs=1e-6)
    assert 0 < answer["overload"]["top5pct_share"] < 1
    assert answer["communities"]["count"] >= 2


def test_analyze_without_json_prints_a_progress_bar_and_a_summary(tmp_path):
    people, events = _files(tmp_path)
    out = StringIO()
    err = StringIO()
    call_command(
        "network",
        "analyze",
        "--people",
        str(people),
        "--events",
        str(events),
        stdout=out,
        stderr=err,
    )
    assert "3/3" in err.getvalue()
    assert "34 people, 79 events, 78 ties, 1 unmatched" in out.getvalue()


def test_bad_files_are_named_with_the_problem(tmp_path):
    people, events = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("mail,team\na@b.test,Sales\n")
    with pytest.raises(CommandError, match=r"bad.csv: missing columns email, function"):
        call_command("network", "analyze", "--people", str(bad), "--events", str(events))
    with pytest.raises(CommandError, match="no such file"):
        call_command(
            "network", "analyze", "--people", str(people), "--events", str(tmp_path / "x.csv")
        )
    duplicate = tmp_path / "dup.csv"
    duplicate.write_text("email,function\na@b.test,Sales\nA@b.test,Finance\n")
    with pytest.raises(CommandError, match="appears more than once"):
        call_command("network", "analyze", "--people", str(duplicate), "--events", str(events))
    with pytest.raises(CommandError, match="min-weight"):
        call_command(
            "network",
            "analyze",
            "--people",
            str(people),
            "--events",
            str(events),
            "--min-weight",
            "0",
        )


def test_a_real_process_needs_no_database(tmp_path):
    """`python -m accord network analyze` runs on the files alone: the database it is pointed
    at cannot even exist, and nothing is created for it."""
    import os
    import subprocess
    import sys

    people, events = _files(tmp_path)
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/accord.sqlite3",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run(
        [sys.executable, "-m", "accord", "network", "analyze", "--people", str(people),
         "--events", str(events), "--json"],
        capture_output=True, text=True, env=env, check=True, timeout=120,
    )  # fmt: skip
    answer = json.loads(done.stdout)
    assert (answer["people"], answer["ties"]) == (34, 78)
    assert answer["ei_index"] == pytest.approx(-0.71795, abs=1e-5)
    assert not (tmp_path / "missing").exists()
