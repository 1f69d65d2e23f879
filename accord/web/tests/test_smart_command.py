"""`accord smart`: the SMART check from the command line, without any database.

The command lives in accord.web; its tests sit next to the assessor they exercise.
"""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

GOAL = "Cut churn from 4% to 3% by Q4 2026 to protect recurring revenue."


def run(*args: str) -> str:
    out = StringIO()
    call_command("smart", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_single_goal_json():
    """--json prints one assessment object with the documented shape."""
    payload = json.loads(run(GOAL, "--today", "2026-06-15", "--json"))
    assert payload["is_smart"] is True
    assert payload["extracted"]["deadline"] == "2026-12-31"
    assert payload["id"] is None


def test_single_goal_table_shows_marks_evidence_and_suggestions():
    """The human table marks each criterion ✓/✗ and prints the suggested fix."""
    table = run("Improve things soon", "--today", "2026-06-15")
    assert "✗ Specific" in table
    assert "✓ Achievable" in table
    assert "'soon' is not a deadline" in table
    assert "→ Replace 'soon' with a date, e.g. 'by 2026-09-30'." in table


def test_file_mode_keeps_ids_order_and_reports_bad_lines(tmp_path):
    """Each line answers with its id, in order; a bad line names its number and fails."""
    goals = tmp_path / "goals.jsonl"
    goals.write_text(
        json.dumps({"id": "a", "text": GOAL}) + "\n"
        + "{not json\n"
        + json.dumps({"id": 3, "text": 42}) + "\n"
        + json.dumps({"id": "d", "text": "Launch the partner portal by 2026-11-30."}) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    out = StringIO()
    with pytest.raises(CommandError, match="2 lines"):
        call_command("smart", "--file", str(goals), "--today", "2026-06-15", "--json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["id"] for line in lines] == ["a", None, 3, "d"]
    assert lines[1]["error"].startswith("line 2:")
    assert lines[2]["error"] == 'line 3: "text" must be a string'
    assert lines[3]["criteria"]["time_bound"]["pass"] is True


def test_bad_today_and_missing_input_are_explained():
    """Errors name the option and the rule."""
    with pytest.raises(CommandError, match="--today='tomorrow' is not a date"):
        run(GOAL, "--today", "tomorrow")
    with pytest.raises(CommandError, match="either a goal text or --file"):
        run()


def test_real_process_without_a_database(tmp_path):
    """`python -m accord smart` works when the database path cannot even exist."""
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/accord.sqlite3",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    single = subprocess.run(
        [sys.executable, "-m", "accord", "smart", GOAL, "--today", "2026-06-15", "--json"],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(single.stdout)["is_smart"] is True

    goals = tmp_path / "goals.jsonl"
    goals.write_text(json.dumps({"id": 1, "text": GOAL}) + "\n[]\n", encoding="utf-8")
    batch = subprocess.run(
        [sys.executable, "-m", "accord", "smart", "--file", str(goals), "--json",
         "--today", "2026-06-15"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert batch.returncode != 0
    lines = [json.loads(line) for line in batch.stdout.splitlines()]
    assert lines[0]["id"] == 1
    assert lines[1] == {"id": None, "error": "line 2: expected a JSON object"}
    assert not (tmp_path / "missing").exists()
