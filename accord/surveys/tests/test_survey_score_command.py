"""`accord survey-score`: scoring a CSV export from the command line, without any database."""

import importlib
import json
import os
import subprocess
import sys
from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from accord.metrics.coordination import DIMENSIONS, coordination_items_score, coordination_score

HEADER = "respondent_id,respondent_group,target_group," + ",".join(DIMENSIONS)
ROWS = [
    # frequent is a display position: 3 = just the right amount (5), 1 = not nearly enough (1)
    "r1,Sales,Finance,3,4,4,4,5,4,5",
    "r1,Sales,Sales,3,5,5,5,5,5,5",
    "r2,Sales,Finance,1,2,,3,3,2,3",
    "r3,Finance,Sales,5,3,3,3,4,4,4",
    "r4,Finance,Sales,4,4,4,4,4,,4",
    "r5,Finance,Sales,2,1,2,1,2,1,2",
]
PSYCH_HEADER = "respondent_id,team," + ",".join(f"item{i}" for i in range(1, 8))

command_module = importlib.import_module("accord.surveys.management.commands.survey-score")


def write(tmp_path, lines, name="responses.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return str(path)


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("survey-score", *args, stdout=out, stderr=err)
    return out.getvalue()


def fails(*args):
    with pytest.raises(CommandError) as caught:
        run(*args)
    return str(caught.value)


def expected_json(rows, min_group):
    """The same file scored directly by the pure function."""
    cells = [row.split(",") for row in rows]
    positions = np.array(
        [[float(v) if v else np.nan for v in row[3:]] for row in cells], dtype=float
    )
    return coordination_score(
        respondent=[row[0] for row in cells],
        source=[row[1] for row in cells],
        target=[row[2] for row in cells],
        items=coordination_items_score(positions),
        min_group=min_group,
    ).as_json()


# --- the answer -----------------------------------------------------------------------------------


def test_json_has_the_documented_shape_and_values(tmp_path):
    """--json prints the issue's keys; the numbers are the pure scoring's."""
    answer = json.loads(run("--instrument", "coordination", write(tmp_path, ROWS), "--json"))
    assert list(answer) == [
        "respondents",
        "groups",
        "matrix",
        "overall",
        "communication",
        "relationship",
        "dimensions",
        "cronbach_alpha",
    ]
    assert answer == expected_json(ROWS, 5)
    assert answer["respondents"] == 5
    assert answer["groups"] == ["Finance", "Sales"]
    # Default --min-group 5: every cell here has fewer respondents, so all are withheld.
    assert answer["matrix"]["Finance"]["Sales"] == {"score": None, "n": 3, "suppressed": True}


def test_frequency_display_positions_are_scored_on_adequacy(tmp_path):
    """Positions 1..5 of `frequent` score 1, 3, 5, 4, 2; the other items keep their position."""
    rows = [f"r{p},A,B,{p},{p},{p},{p},{p},{p},{p}" for p in range(1, 6)]
    answer = json.loads(run(write(tmp_path, rows), "--groups", "A,B", "--min-group", "1", "--json"))
    assert answer["dimensions"]["frequent"] == pytest.approx((1 + 3 + 5 + 4 + 2) / 5)
    assert answer["dimensions"]["timely"] == pytest.approx(3.0)
    one = json.loads(
        run(write(tmp_path, [rows[2]]), "--groups", "A,B", "--min-group", "1", "--json")
    )
    assert one["matrix"]["A"]["B"]["score"] == pytest.approx((5 + 3 * 6) / 7)


def test_min_group_reveals_cells_that_reach_it(tmp_path):
    """--min-group 3 shows Finance→Sales (3 respondents) and withholds Sales→Finance (2)."""
    answer = json.loads(run(write(tmp_path, ROWS), "--min-group", "3", "--json"))
    assert answer == expected_json(ROWS, 3)
    finance_sales = answer["matrix"]["Finance"]["Sales"]
    assert finance_sales["suppressed"] is False
    assert finance_sales["n"] == 3
    assert answer["matrix"]["Sales"]["Finance"] == {"score": None, "n": 2, "suppressed": True}


def test_table_without_json(tmp_path):
    """The readable table shows rater rows, own-function cells in brackets, and the indices."""
    table = run(write(tmp_path, ROWS), "--min-group", "2")
    assert "Coordination between functions: 5 respondents, 2 groups, 6 rows." in table
    assert "Rater → rated" in table
    assert "[— n=0]" in table  # Finance about itself: nobody
    assert "[— n=1]" in table  # Sales about itself: one respondent, withheld
    assert "Cronbach's alpha" in table
    assert "mutual_respect" in table


def test_tolerant_of_bom_crlf_header_case_extra_columns_blank_lines_and_quotes(tmp_path):
    """A spreadsheet export still reads: BOM, CRLF, spaced header names, extra columns,
    blank lines, quoted fields and values with spaces around them."""
    header = "\ufeff Respondent_ID ,respondent_group,target_group,comment," + ",".join(DIMENSIONS)
    lines = [
        'r1,"Sales, EMEA",Finance,"fine, thanks",3,4,4,4,5,4,5',
        "",
        "r2,Finance, Sales, EMEA ,x, 2 ,3,3,3,3,3,3".replace(" Sales, EMEA ", '"Sales, EMEA"'),
        "r3,Finance,Finance,,5,5,5,5,5,5,5",
    ]
    path = tmp_path / "export.csv"
    path.write_bytes(("\r\n".join([header, *lines]) + "\r\n").encode("utf-8"))
    answer = json.loads(run(str(path), "--min-group", "1", "--json"))
    assert answer["groups"] == ["Finance", "Sales, EMEA"]
    assert answer["matrix"]["Sales, EMEA"]["Finance"]["n"] == 1
    assert answer["respondents"] == 3


def test_groups_option_allows_targets_nobody_belongs_to(tmp_path):
    """--groups lists the partnership's functions: Legal may be rated though nobody from
    Legal answered, and it gets a row of empty cells."""
    rows = [*ROWS, "r1,Sales,Legal,3,3,3,3,3,3,3"]
    answer = json.loads(
        run(write(tmp_path, rows), "--groups", "Sales,Finance,Legal", "--min-group", "1",
            "--json")
    )  # fmt: skip
    assert answer["groups"] == ["Finance", "Legal", "Sales"]
    assert answer["matrix"]["Sales"]["Legal"]["n"] == 1
    assert answer["matrix"]["Legal"]["Sales"] == {"score": None, "n": 0, "suppressed": True}


def test_reads_stdin(tmp_path, monkeypatch):
    """'-' reads the CSV from standard input."""
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode()
    monkeypatch.setattr(sys, "stdin", type("In", (), {"buffer": __import__("io").BytesIO(data)}))
    assert json.loads(run("-", "--json")) == expected_json(ROWS, 5)


# --- malformed files: every message names the row and the column -------------------------------


def test_missing_columns_are_named(tmp_path):
    """A header without some item columns lists them and what the header has."""
    path = write(tmp_path, ["r1,A,B,1,2,3"], header="respondent_id,respondent_group,target_group,"
                 "frequent,timely,accurate")  # fmt: skip
    message = fails(path)
    assert "line 1 (header): missing columns problem_solving, shared_goals" in message
    assert "the header has: respondent_id" in message


def test_values_outside_one_to_five(tmp_path):
    """0 and 6 are outside the scale; the row, line and column are named."""
    rows = [*ROWS, "r6,Sales,Finance,0,3,3,3,3,3,3", "r7,Sales,Finance,3,3,3,3,3,3,6"]
    message = fails(write(tmp_path, rows))
    assert "row 7 (line 8), column frequent: '0' is outside 1–5." in message
    assert "row 8 (line 9), column mutual_respect: '6' is outside 1–5." in message
    assert message.startswith("The file cannot be scored (2 problems)")


def test_non_integers_and_words(tmp_path):
    """Fractions, words, NaN and negative numbers are refused with the rule."""
    rows = [
        "r1,A,A,3.5,3,3,3,3,3,3",
        "r2,A,A,3,three,3,3,3,3,3",
        "r3,A,A,3,3,-1,3,3,3,3",
        "r4,A,A,3,3,3,nan,inf,3,3",
    ]
    message = fails(write(tmp_path, rows))
    assert "row 1 (line 2), column frequent: '3.5' is not a whole number" in message
    assert "row 2 (line 3), column timely: 'three' is not a number" in message
    assert "row 3 (line 4), column accurate: '-1' is outside 1–5." in message
    assert "row 4 (line 5), column problem_solving: 'nan' is not a whole number" in message
    assert "row 4 (line 5), column shared_goals: 'inf' is outside 1–5." in message


def test_whole_numbers_written_as_decimals_are_read(tmp_path):
    """A spreadsheet's "3.0" or "03" is the position 3."""
    rows = ["r1,A,A,3.0,03,3,3,3,3,3", "r2,A,A,3,3,3,3,3,3,3"]
    answer = json.loads(run(write(tmp_path, rows), "--min-group", "1", "--json"))
    assert answer["dimensions"]["frequent"] == 5.0
    assert answer["dimensions"]["timely"] == 3.0


def test_unknown_target_group(tmp_path):
    """A target group no respondent belongs to is taken for a typo (Finanse)."""
    message = fails(write(tmp_path, [*ROWS, "r1,Sales,Finanse,3,3,3,3,3,3,3"]))
    assert "row 7 (line 8), column target_group: unknown group 'Finanse'" in message
    assert "--groups" in message


def test_groups_option_rejects_unlisted_groups(tmp_path):
    """With --groups, rater and target groups must both be listed."""
    message = fails(write(tmp_path, ROWS), "--groups", "Sales")
    assert "row 4 (line 5), column respondent_group: unknown group 'Finance'; it is not in" in (
        message
    )
    assert "column target_group: unknown group 'Finance'" in message


def test_blank_labels(tmp_path):
    """respondent_id, respondent_group and target_group cannot be blank."""
    message = fails(
        write(tmp_path, [*ROWS, ",Sales,Finance,3,3,3,3,3,3,3", "r9,Sales, ,3,3,3,3,3,3,3"])
    )
    assert "row 7 (line 8), column respondent_id: is blank." in message
    assert "row 8 (line 9), column target_group: is blank." in message


def test_respondent_in_two_groups(tmp_path):
    """A respondent id seen in two groups is refused, naming where it first appeared."""
    message = fails(write(tmp_path, [*ROWS, "r1,Finance,Sales,3,3,3,3,3,3,3"]))
    assert (
        "row 7 (line 8), column respondent_group: respondent 'r1' is in 'Finance' here but in "
        "'Sales' on row 1" in message
    )


def test_rows_with_too_few_or_too_many_fields(tmp_path):
    """A short or long row is a broken file, not missing answers; with or without quotes."""
    message = fails(
        write(tmp_path, [*ROWS, "r6,Sales,Finance,3,3", "r7,Sales,Finance,3,3,3,3,3,3,3,3"])
    )
    assert (
        "row 7 (line 8): 5 fields where the header has 10 (columns from accurate on are missing)"
        in message
    )
    assert (
        "row 8 (line 9): 11 fields where the header has 10 "
        "(extra fields after column mutual_respect)" in message
    )
    quoted = fails(write(tmp_path, ['"r1",Sales,Finance,3,3']))
    assert "row 1 (line 2): 5 fields where the header has 10" in quoted


def test_empty_header_only_and_not_utf8(tmp_path):
    """Empty file, header without rows, and a non-UTF-8 file each get a plain message."""
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert "the file is empty" in fails(str(empty))
    assert "has a header but no answers" in fails(write(tmp_path, []))
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + "\nr1,Ventes,Fran\xe7ais,3,3,3,3,3,3,3\n").encode("latin-1"))
    assert "is not UTF-8 text" in fails(str(latin))


def test_missing_file_and_bad_options(tmp_path):
    """A path that does not exist and --min-group 0 are refused before any work."""
    assert "No such file or directory" in fails(str(tmp_path / "nope.csv"))
    assert "--min-group must be at least 1" in fails(write(tmp_path, ROWS), "--min-group", "0")
    assert "--groups: give at least one group name" in fails(write(tmp_path, ROWS), "--groups", ",")


def test_many_problems_are_listed_then_counted(tmp_path):
    """Every problem is found; the first 20 are listed and the rest counted."""
    rows = [f"r{i},A,A,9,3,3,3,3,3,3" for i in range(30)]
    message = fails(write(tmp_path, [*rows, "r99,A,A,3,3,3,3,3,3,0"]))
    assert message.startswith("The file cannot be scored (31 problems)")
    assert "… and 11 more problems." in message
    assert "row 31" not in message  # only the first 20 by row are listed
    short = [f"r{i},A,A,3" for i in range(25)]
    assert "(25 problems)" in fails(write(tmp_path, short))
    quoted = [f'"r{i}",A,A,3' for i in range(25)]
    assert "(25 problems)" in fails(write(tmp_path, quoted))


# --- psychological safety -------------------------------------------------------------------------

PSYCH_ROWS = [
    "p1,North,2,6,2,6,2,6,6",
    "p2,North,3,6,2,6,2,5,6",
    "p3,North,2,5,2,6,3,6,6",
    "p4,South,5,3,5,3,5,3,3",
    "p5,South,6,3,5,2,5,3,3",
    "p6,South,5,2,6,3,5,3,2",
]


def test_psych_safety_json(tmp_path):
    """Per-team mean, n, rwg(j) and agreement; ICC(1)/ICC(2) across teams; alpha and omega."""
    path = write(tmp_path, PSYCH_ROWS, header=PSYCH_HEADER)
    answer = json.loads(
        run("--instrument", "psych_safety", path, "--reverse", "1,3,5", "--min-group", "3",
            "--json")
    )  # fmt: skip
    assert answer["respondents"] == 6
    assert answer["reverse"] == [1, 3, 5]
    north = answer["teams"]["North"]
    assert north["n"] == 3
    assert north["suppressed"] is False
    assert north["mean"] > answer["teams"]["South"]["mean"]
    assert north["agreement_ok"] is True
    assert answer["icc1"] > 0.5
    assert set(answer) >= {"icc2", "cronbach_alpha", "omega", "points"}
    table = run("--instrument", "psych_safety", path, "--reverse", "1,3,5", "--min-group", "3")
    assert "enough to read as a team score" in table


def test_psych_safety_suppresses_small_teams(tmp_path):
    """Teams under --min-group show n only."""
    path = write(tmp_path, PSYCH_ROWS, header=PSYCH_HEADER)
    answer = json.loads(run("--instrument", "psych_safety", path, "--reverse", "none", "--json"))
    assert answer["teams"]["North"] == {
        "mean": None, "n": 3, "rwg_j": None, "agreement_ok": False, "suppressed": True,
    }  # fmt: skip


def test_psych_safety_options_and_scale(tmp_path):
    """--reverse is required and checked; answers above --points are refused."""
    path = write(tmp_path, PSYCH_ROWS, header=PSYCH_HEADER)
    assert "--reverse is required" in fails("--instrument", "psych_safety", path)
    assert "item 9 is not between 1 and 7" in fails(
        "--instrument", "psych_safety", path, "--reverse", "1,9"
    )
    assert "'x' is not an item number" in fails(
        "--instrument", "psych_safety", path, "--reverse", "x"
    )
    assert "row 5 (line 6), column item1: '6' is outside 1–5." in fails(
        "--instrument", "psych_safety", path, "--reverse", "1", "--points", "5"
    )
    assert "--points must be between 2 and 11" in fails(
        "--instrument", "psych_safety", path, "--reverse", "1", "--points", "1"
    )


# --- a real process, no database ------------------------------------------------------------------


def test_real_process_without_a_database(tmp_path):
    """`python -m accord survey-score` works when the database cannot even exist; a broken
    file exits 1 with the message and no traceback."""
    env = {
        **os.environ,
        "ACCORD_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/missing/dir/accord.sqlite3",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    good = subprocess.run(
        [sys.executable, "-m", "accord", "survey-score", "--instrument", "coordination",
         write(tmp_path, ROWS), "--min-group", "3", "--json"],
        capture_output=True, text=True, env=env, check=True, timeout=60,
    )  # fmt: skip
    assert json.loads(good.stdout) == expected_json(ROWS, 3)

    bad = subprocess.run(
        [sys.executable, "-m", "accord", "survey-score", "--instrument", "coordination",
         write(tmp_path, [*ROWS, "r9,Sales,Finance,3,3,7,3,3,3,3"], name="bad.csv"), "--json"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 1
    assert bad.stdout == ""
    assert "row 7 (line 8), column accurate: '7' is outside 1–5." in bad.stderr
    assert "Traceback" not in bad.stderr
    assert not (tmp_path / "missing").exists()


def test_module_reads_and_scores_bytes_directly():
    """coordination_from_csv is the same path the command takes, usable by the benchmark."""
    data = ("\n".join([HEADER, *ROWS]) + "\n").encode()
    result = command_module.coordination_from_csv(data, min_group=3)
    assert result.as_json() == expected_json(ROWS, 3)
