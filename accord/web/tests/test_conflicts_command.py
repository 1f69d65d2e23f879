"""`accord conflicts`: the command-line face of accord.metrics.conflicts (no database)."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

GOALS = [
    {
        "id": "s1",
        "function": "sales",
        "text": "Raise the average discount to 15% on competitive deals",
        "owner": "Ana",
        "due": "2026-06-30",
    },
    {"id": "f1", "function": "finance", "text": "Lift gross margin to 62%", "owner": "Ben"},
    {"id": "f2", "function": "finance", "text": "Reduce average discount to 8%"},
]


def _write(tmp_path: Path, data: object, name: str = "goals.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _run(*args: str) -> str:
    out = StringIO()
    call_command("conflicts", *args, stdout=out)
    return out.getvalue()


def test_json_answer_lists_conflicts_and_warnings(tmp_path):
    """--json answers {"conflicts": [{a, b, kind, explanation}], "warnings": [...]}, no DB used."""
    data = json.loads(_run(str(_write(tmp_path, GOALS)), "--json", "--today", "2026-01-15"))
    pairs = [(c["a"], c["b"], c["kind"]) for c in data["conflicts"]]
    assert pairs == [("s1", "f2", "opposite_direction"), ("s1", "f1", "tension")]
    assert all(c["explanation"] and c["next_step"] for c in data["conflicts"])
    assert data["warnings"] == [
        "Finance goal f2 has no owner: name exactly one accountable person."
    ]


def test_readable_answer(tmp_path):
    """Without --json the answer is a numbered list a person can read."""
    text = _run(str(_write(tmp_path, GOALS)), "--today", "2026-01-15")
    assert text.startswith("3 goals checked: 2 conflicts, 1 warning.")
    assert "2. tension: s1 and f1" in text
    assert "Next step: Open a conflict record for Sales and Finance" in text
    assert "Warnings:" in text


def test_owner_cap_option(tmp_path):
    """--owner-cap lowers the number of goals one owner may hold."""
    goals = [{"id": f"g{n}", "function": "sales", "owner": "Ana"} for n in range(3)]
    data = json.loads(_run(str(_write(tmp_path, goals)), "--json", "--owner-cap", "2"))
    assert [(c["a"], c["b"], c["kind"]) for c in data["conflicts"]] == [
        ("g0", None, "owner_overload")
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ({"id": "a"}, "must hold a JSON list of goals, found an object"),
        ([{"function": "sales"}], "item 1: 'id' is required"),
        ([{"id": "a"}], "item 1 (id a): 'function' is required"),
        ([{"id": "a", "function": "x", "due": "2026-13-01"}], "item 1 (id a): 'due' is not a date"),
        ([{"id": "a", "function": "x", "direction": "sideways"}], "'direction' must be one of"),
        ([{"id": "a", "function": "x", "target": "ten"}], "'target' must be a number"),
        ([{"id": "a", "function": "x", "depends_on": "b"}], "'depends_on' must be a list"),
        ([{"id": "a", "function": "x"}, "oops"], "item 2: each goal must be a JSON object"),
    ],
)
def test_bad_files_name_the_item_and_field(tmp_path, content, message):
    """A bad file fails with a message naming the item and the field."""
    with pytest.raises(CommandError) as caught:
        _run(str(_write(tmp_path, content)))
    assert message in str(caught.value)


def test_every_bad_item_is_listed(tmp_path):
    """All problems are reported at once, not only the first."""
    goals = [{"id": "a"}, {"function": "x"}, {"id": "c", "function": "y", "due": "soon"}]
    with pytest.raises(CommandError) as caught:
        _run(str(_write(tmp_path, goals)))
    message = str(caught.value)
    assert "item 1 (id a)" in message
    assert "item 2:" in message
    assert "item 3 (id c)" in message


def test_missing_file(tmp_path):
    """A path that does not exist is named in the error."""
    with pytest.raises(CommandError, match="Cannot read goals file"):
        _run(str(tmp_path / "nope.json"))


def test_workspace_catalog_extension(tmp_path):
    """--catalog adds a workspace's own metrics and tensions."""
    extension = {
        "metrics": [
            {
                "key": "demo_requests",
                "name": "Demo requests",
                "unit": "count",
                "good_direction": "increase",
                "category": "revenue growth",
                "function": "marketing",
            }
        ],
        "tensions": [
            {
                "a": "demo_requests",
                "b": "win_rate",
                "pattern": {"a": "increase", "b": "decrease"},
                "explanation": "Pushing demo volume lowers the share that close.",
            }
        ],
    }
    goals = [
        {"id": "m", "function": "marketing", "text": "Double demo requests", "owner": "A"},
        {"id": "s", "function": "sales", "text": "Raise win rate to 30%", "owner": "B"},
    ]
    data = json.loads(
        _run(
            str(_write(tmp_path, goals)),
            "--json",
            "--catalog",
            str(_write(tmp_path, extension, "catalog.json")),
        )
    )
    assert [c["kind"] for c in data["conflicts"]] == ["tension"]
    bad = _write(tmp_path, {"metrics": [{"key": "x"}]}, "bad.json")
    with pytest.raises(CommandError, match="workspace metric #1"):
        _run(str(_write(tmp_path, goals)), "--catalog", str(bad))


def test_real_process_without_a_database(tmp_path):
    """`python -m accord conflicts` runs with an unreachable database; bad input exits 1."""
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": "sqlite:////nonexistent-dir/x.sqlite3",
    }
    command = [sys.executable, "-m", "accord", "conflicts"]
    ok = subprocess.run(
        [*command, str(_write(tmp_path, GOALS)), "--json", "--today", "2026-01-15"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert len(json.loads(ok.stdout)["conflicts"]) == 2
    assert not Path("/nonexistent-dir").exists()
    bad = subprocess.run(
        [*command, str(_write(tmp_path, [{"id": "a"}], "bad.json"))],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 1
    assert "item 1 (id a): 'function' is required" in bad.stderr
    today = subprocess.run(
        [*command, str(_write(tmp_path, GOALS)), "--today", "15/01/2026"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert today.returncode != 0
    assert "is not a date in YYYY-MM-DD form" in today.stderr
