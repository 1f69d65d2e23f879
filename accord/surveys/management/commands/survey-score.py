"""`accord survey-score`: score a survey export from a CSV file, without any database.

    accord survey-score --instrument coordination responses.csv [--min-group 5] [--json]
    accord survey-score --instrument psych_safety answers.csv --points 7 --reverse 1,3,5

Coordination: columns respondent_id, respondent_group, target_group, frequent, timely,
accurate, problem_solving, shared_goals, shared_knowledge, mutual_respect (other columns are
ignored). Each item holds the chosen answer's position in display order, 1–5; blank means
missing. ``frequent`` is shown as not nearly enough (1), not enough (2), just the right amount
(3), too often (4), much too often (5) and scored 1, 3, 5, 4, 2 (adequacy).

Every target group must be a group some respondent belongs to (otherwise it is taken for a
typo), unless --groups lists the partnership's groups; then every rater and target group
must be in that list.

Psychological safety: columns respondent_id, team, item1 … item7 with answers 1..--points.

A malformed file exits non-zero with one line per problem naming the row (1 = the first data
row; line = the file line, header = line 1) and the column. The scoring itself lives in
accord/metrics/coordination.py and accord/metrics/psych_safety.py.
"""

import csv
import io
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.core.management.base import BaseCommand, CommandError, CommandParser
from numpy.typing import NDArray

from accord.metrics.coordination import (
    DEFAULT_MIN_GROUP,
    DIMENSIONS,
    CoordinationResult,
    coordination_items_score,
    coordination_score,
)
from accord.metrics.psych_safety import ITEMS as PSYCH_SAFETY_ITEMS
from accord.metrics.psych_safety import psych_safety_scored, psych_safety_teams
from accord.metrics.psychometrics import cronbach_alpha, omega_total

INSTRUMENTS = ("coordination", "psych_safety")
COORDINATION_LABELS = ("respondent_id", "respondent_group", "target_group")
PSYCH_SAFETY_LABELS = ("respondent_id", "team")
PSYCH_SAFETY_COLUMNS = tuple(f"item{i}" for i in range(1, PSYCH_SAFETY_ITEMS + 1))
# A malformed file lists this many problems, then counts the rest.
MAX_PROBLEMS = 20
ABSOLUTE_MIN_GROUP = 1


class MalformedFile(Exception):
    """The file cannot be scored; ``problems`` are (row, message) pairs, row 0 = header."""

    def __init__(self, problems: Sequence[tuple[int, str]], unlisted: int = 0) -> None:
        self.problems = sorted(problems, key=lambda problem: problem[0])
        self.count = len(self.problems) + unlisted
        super().__init__(self.message())

    def message(self) -> str:
        shown = [text for _, text in self.problems[:MAX_PROBLEMS]]
        hidden = self.count - len(shown)
        if hidden:
            shown.append(f"… and {hidden} more problem{'s' if hidden > 1 else ''}.")
        count = self.count
        return (
            f"The file cannot be scored ({count} problem{'s' if count > 1 else ''}):\n  "
            + "\n  ".join(shown)
        )


def _where(row: int, column: str) -> str:
    return f"row {row} (line {row + 1}), column {column}"


def _read_bytes(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}.") from None


def _field_counts_plain(data: bytes) -> tuple[int, list[tuple[int, int]], int]:
    """Without quotes, fields per line = commas + 1; returns the header's count and every
    (line, fields) that differs, blank lines excepted. Vectorised: a million lines in ~0.1 s."""
    raw = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(raw == ord("\n"))
    ends = np.append(newlines, raw.size) if raw.size and raw[-1] != ord("\n") else newlines
    starts = np.concatenate(([0], ends[:-1] + 1))
    commas = np.flatnonzero(raw == ord(","))
    per_line = np.searchsorted(commas, ends) - np.searchsorted(commas, starts)
    lengths = ends - starts
    carriage = np.zeros(lengths.size, dtype=bool)
    nonempty = lengths > 0
    carriage[nonempty] = raw[ends[nonempty] - 1] == ord("\r")
    blank = (lengths - carriage) <= 0
    if not per_line.size:
        return 0, [], 0
    expected = int(per_line[0])
    wrong = np.flatnonzero((per_line != expected) & ~blank)
    listed = [(int(i) + 1, int(per_line[i]) + 1) for i in wrong[:MAX_PROBLEMS]]
    return expected + 1, listed, int(wrong.size) - len(listed)


def _field_counts_quoted(text: str) -> tuple[int, list[tuple[int, int]], int]:
    reader = csv.reader(io.StringIO(text))
    expected = 0
    wrong: list[tuple[int, int]] = []
    unlisted = 0
    for index, record in enumerate(reader):
        if index == 0:
            expected = len(record)
        elif record and len(record) != expected:
            if len(wrong) < MAX_PROBLEMS:
                wrong.append((reader.line_num, len(record)))
            else:
                unlisted += 1
    return expected, wrong, unlisted


def _check_shape(data: bytes, text: str) -> None:
    """Every non-blank line must have as many fields as the header."""
    try:
        expected, wrong, unlisted = (
            _field_counts_quoted(text) if b'"' in data else _field_counts_plain(data)
        )
        header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
    except csv.Error as error:
        raise MalformedFile([(0, f"the file is not valid CSV: {error}.")]) from None
    if not wrong:
        return
    problems = []
    for line, fields in wrong:
        if fields < expected:
            detail = f"columns from {header[fields].strip()} on are missing"
        else:
            detail = f"extra fields after column {header[-1].strip()}"
        problems.append(
            (
                line - 1,
                f"row {line - 1} (line {line}): {fields} fields where the header has "
                f"{expected} ({detail}).",
            )
        )
    raise MalformedFile(problems, unlisted)


def survey_csv_read(data: bytes, *, required: Sequence[str]) -> pl.DataFrame:
    """Parse the CSV as text columns (stripped, blank → null), keep the required columns
    plus ``row`` (1 = first data row), and drop blank lines. Header names are matched
    case- and space-insensitively."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise MalformedFile(
            [(0, f"the file is not UTF-8 text (byte {error.start} cannot be read).")]
        ) from None
    if not text.strip():
        raise MalformedFile([(0, "the file is empty; expected a header line with the columns.")])
    _check_shape(data, text)
    try:
        frame = pl.read_csv(
            data,
            infer_schema=False,
            raise_if_empty=True,
            row_index_name="__row",
            row_index_offset=1,
        )
    except (pl.exceptions.PolarsError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise MalformedFile([(0, f"the file is not valid CSV: {first}.")]) from None
    names: dict[str, str] = {}
    for name in frame.columns[1:]:
        names.setdefault(name.strip().lower(), name)
    missing = [column for column in required if column not in names]
    if missing:
        header = ", ".join(frame.columns[1:])
        raise MalformedFile(
            [
                (
                    0,
                    f"line 1 (header): missing column{'s' if len(missing) > 1 else ''} "
                    f"{', '.join(missing)}; the header has: {header}.",
                )
            ]
        )
    frame = frame.select(
        pl.col("__row").alias("row"),
        *[
            pl.col(names[column]).str.strip_chars().replace("", None).alias(column)
            for column in required
        ],
    )
    return frame.filter(~pl.all_horizontal(pl.col(column).is_null() for column in required))


class Problems:
    """Problems found so far: up to MAX_PROBLEMS per check listed, the rest counted."""

    def __init__(self) -> None:
        self.listed: list[tuple[int, str]] = []
        self.unlisted = 0

    def add(
        self, bad: pl.DataFrame, column: str, describe: Callable[[dict[str, Any]], str]
    ) -> None:
        """``bad`` has a ``row`` column; each listed problem reads "row …, column …: rule"."""
        for record in bad.head(MAX_PROBLEMS).iter_rows(named=True):
            self.listed.append(
                (record["row"], f"{_where(record['row'], column)}: {describe(record)}")
            )
        self.unlisted += max(0, bad.height - MAX_PROBLEMS)

    def raise_any(self) -> None:
        if self.listed:
            raise MalformedFile(self.listed, self.unlisted)


def _label_problems(frame: pl.DataFrame, columns: Sequence[str], problems: Problems) -> None:
    for column in columns:
        problems.add(
            frame.filter(pl.col(column).is_null()).select("row"),
            column,
            lambda record: "is blank.",
        )


def _answers_read(
    frame: pl.DataFrame, columns: Sequence[str], problems: Problems, *, points: int
) -> pl.DataFrame:
    """An answer is a whole number 1..points ("3", " 3 ", "3.0" and "03" all read as 3);
    returns the frame with those columns as numbers (null = blank)."""
    numbers = frame.with_columns(
        pl.col(column).cast(pl.Float64, strict=False).alias(f"__{column}") for column in columns
    )
    for column in columns:
        value = pl.col(f"__{column}")
        bad = pl.col(column).is_not_null() & (
            value.is_null()
            | value.is_nan()
            | (value != value.round(0))
            | (value < 1)
            | (value > points)
        )
        problems.add(
            numbers.filter(bad).select("row", pl.col(column).alias("value")),
            column,
            lambda record: _answer_rule(record["value"], points),
        )
    return numbers.drop(columns).rename({f"__{column}": column for column in columns})


def _answer_rule(value: str, points: int) -> str:
    shown = value if len(value) <= 20 else value[:20] + "…"
    try:
        number = float(value)
    except ValueError:
        return (
            f"{shown!r} is not a number; give the answer's position 1–{points}, or leave it blank."
        )
    if number != number or (abs(number) != float("inf") and number % 1):  # NaN or a fraction
        return f"{shown!r} is not a whole number; give the answer's position 1–{points}."
    return f"{shown!r} is outside 1–{points}."


def _positions(frame: pl.DataFrame, columns: Sequence[str]) -> NDArray[np.float64]:
    matrix = frame.select(pl.col(column).cast(pl.Float64) for column in columns).to_numpy()
    return np.asarray(matrix, dtype=np.float64)


def _split_problems(frame: pl.DataFrame, problems: Problems, group_column: str) -> None:
    """One respondent, one group: a second group for the same id is an error."""
    frame = frame.drop_nulls(["respondent_id", group_column])
    firsts = frame.group_by("respondent_id").agg(
        pl.col(group_column).first().alias("first"),
        pl.col("row").first().alias("at"),
        pl.col(group_column).n_unique().alias("groups"),
    )
    split = firsts.filter(pl.col("groups") > 1)
    clashes = (
        frame.join(split, on="respondent_id")
        .filter(pl.col(group_column) != pl.col("first"))
        .sort("row")
        .select("row", "respondent_id", pl.col(group_column).alias("group"), "first", "at")
    )
    problems.add(
        clashes,
        group_column,
        lambda record: (
            f"respondent {record['respondent_id']!r} is in {record['group']!r} here but in "
            f"{record['first']!r} on row {record['at']}; a respondent belongs to one group."
        ),
    )


def _unknown_group_problems(
    frame: pl.DataFrame, problems: Problems, known: Sequence[str] | None
) -> None:
    """Target groups must be groups some respondent belongs to, or listed in --groups."""
    frame = frame.drop_nulls(["respondent_group", "target_group"])
    if known is not None:
        allowed = list(known)
        hint = "it is not in --groups"
        checked: tuple[str, ...] = ("respondent_group", "target_group")
    else:
        allowed = frame["respondent_group"].unique().to_list()
        hint = "no respondent belongs to it (a typo? list every group with --groups)"
        checked = ("target_group",)
    for column in checked:
        problems.add(
            frame.filter(~pl.col(column).is_in(allowed)).select(
                "row", pl.col(column).alias("value")
            ),
            column,
            lambda record: f"unknown group {record['value']!r}; {hint}.",
        )


def coordination_from_csv(
    data: bytes, *, min_group: int = DEFAULT_MIN_GROUP, groups: Sequence[str] | None = None
) -> CoordinationResult:
    """Validate and score a coordination CSV (bytes); raises MalformedFile."""
    frame = survey_csv_read(data, required=(*COORDINATION_LABELS, *DIMENSIONS))
    if frame.is_empty():
        raise MalformedFile([(0, "the file has a header but no answers.")])
    problems = Problems()
    _label_problems(frame, COORDINATION_LABELS, problems)
    frame = _answers_read(frame, DIMENSIONS, problems, points=5)
    _unknown_group_problems(frame, problems, groups)
    problems.raise_any()
    try:
        return coordination_score(
            respondent=frame["respondent_id"],
            source=frame["respondent_group"],
            target=frame["target_group"],
            items=coordination_items_score(_positions(frame, DIMENSIONS)),
            min_group=min_group,
            groups=sorted(groups) if groups is not None else None,
        )
    except ValueError as error:
        # Only a respondent in two groups gets here; name every such row (a slower pass
        # that a valid file never pays for).
        _split_problems(frame, problems, "respondent_group")
        problems.raise_any()
        raise MalformedFile([(0, str(error))]) from None


def psych_safety_from_csv(
    data: bytes, *, points: int, reverse: Sequence[int], min_group: int = DEFAULT_MIN_GROUP
) -> dict[str, Any]:
    """Validate and score a psychological-safety CSV; the JSON-ready answer."""
    frame = survey_csv_read(data, required=(*PSYCH_SAFETY_LABELS, *PSYCH_SAFETY_COLUMNS))
    if frame.is_empty():
        raise MalformedFile([(0, "the file has a header but no answers.")])
    problems = Problems()
    _label_problems(frame, PSYCH_SAFETY_LABELS, problems)
    frame = _answers_read(frame, PSYCH_SAFETY_COLUMNS, problems, points=points)
    _split_problems(frame, problems, "team")
    problems.raise_any()
    flags = [i + 1 in reverse for i in range(PSYCH_SAFETY_ITEMS)]
    # One row per respondent: several rows of the same respondent are averaged item by item.
    averaged = (
        frame.with_columns(pl.col(c).cast(pl.Float64) for c in PSYCH_SAFETY_COLUMNS)
        .group_by("respondent_id", "team")
        .agg(pl.col(c).mean() for c in PSYCH_SAFETY_COLUMNS)
        .sort("team", "respondent_id")
    )
    teams = {
        str(team[0]): _positions(part, PSYCH_SAFETY_COLUMNS)
        for team, part in averaged.group_by("team", maintain_order=True)
    }
    result = psych_safety_teams(teams, points=points, reverse=flags)
    scored = psych_safety_scored(
        _positions(averaged, PSYCH_SAFETY_COLUMNS), points=points, reverse=flags
    )
    alpha = cronbach_alpha(scored, missing="listwise") if scored.shape[0] >= 2 else None
    respondents = sum(score.n for score in result.teams.values())
    return {
        "respondents": respondents,
        "points": points,
        "reverse": sorted(reverse),
        "teams": {
            name: {
                "mean": None if score.n < min_group else score.mean,
                "n": score.n,
                "rwg_j": None if score.n < min_group else score.rwg_j,
                "agreement_ok": score.agreement_ok and score.n >= min_group,
                "suppressed": score.n < min_group,
            }
            for name, score in sorted(result.teams.items())
        },
        "icc1": result.icc1,
        "icc2": result.icc2,
        "cronbach_alpha": alpha.alpha if alpha else None,
        "omega": omega_total(scored),
    }


def _cell_text(score: float | None, n: int, *, own: bool) -> str:
    value = "—" if score is None else f"{score:.2f}"
    text = f"{value} n={n}"
    return f"[{text}]" if own else text


def _number(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def coordination_table(result: CoordinationResult) -> str:
    """A readable matrix (rows rate columns; [own function] in brackets) and summary."""
    lines = [
        f"Coordination between functions: {result.respondents} respondents, "
        f"{len(result.groups)} groups, {result.rows} rows.",
        f"Cells rated by fewer than {result.min_group} respondents are withheld (—); "
        "[bracketed] cells are a function about itself, reported apart.",
        "",
    ]
    width = max([len("Rater → rated"), *(len(g) for g in result.groups)]) + 2
    cells = {
        (rater, rated): _cell_text(cell.score, cell.n, own=rater == rated)
        for rater, row in result.matrix.items()
        for rated, cell in row.items()
    }
    column = max([12, *(len(g) for g in result.groups), *(len(c) for c in cells.values())]) + 2
    lines.append("Rater → rated".ljust(width) + "".join(g.ljust(column) for g in result.groups))
    for rater in result.groups:
        lines.append(
            rater.ljust(width)
            + "".join(cells[rater, rated].ljust(column) for rated in result.groups)
        )
    lines += [
        "",
        f"Overall {_number(result.overall)}   Communication {_number(result.communication)}   "
        f"Relationship {_number(result.relationship)}",
        f"Cronbach's alpha {_number(result.cronbach_alpha, 3)} over {result.complete_rows} "
        "complete rows (listwise).",
        "",
        "Dimension means:",
    ]
    lines += [f"  {name:<18}{_number(value)}" for name, value in result.dimensions.items()]
    return "\n".join(line.rstrip() for line in lines)


def psych_safety_table(answer: dict[str, Any]) -> str:
    reverse = ", ".join(str(i) for i in answer["reverse"]) or "none"
    lines = [
        f"Psychological safety: {answer['respondents']} respondents on a {answer['points']}-point "
        f"scale; reverse-scored items: {reverse}.",
        "",
        f"{'Team':<20}{'mean':>8}{'n':>6}{'rwg(j)':>9}  agreement",
    ]
    for name, team in answer["teams"].items():
        if team["suppressed"]:
            verdict = "withheld (too few respondents)"
        elif team["agreement_ok"]:
            verdict = "enough to read as a team score"
        else:
            verdict = "not enough agreement to treat as a team score"
        lines.append(
            f"{name:<20}{_number(team['mean']):>8}{team['n']:>6}"
            f"{_number(team['rwg_j']):>9}  {verdict}"
        )
    lines += [
        "",
        f"ICC(1) {_number(answer['icc1'], 3)}   ICC(2) {_number(answer['icc2'], 3)}   "
        f"alpha {_number(answer['cronbach_alpha'], 3)}   omega {_number(answer['omega'], 3)}",
    ]
    return "\n".join(lines)


def _reverse_items(raw: str | None) -> list[int]:
    if raw is None:
        raise CommandError(
            "--reverse is required for psych_safety: the numbers of the negatively worded "
            "items, e.g. --reverse 1,3,5 (or --reverse none)."
        )
    if raw.strip().lower() in {"", "none"}:
        return []
    items: list[int] = []
    for part in raw.split(","):
        try:
            number = int(part.strip())
        except ValueError:
            raise CommandError(f"--reverse: {part.strip()!r} is not an item number.") from None
        if not 1 <= number <= PSYCH_SAFETY_ITEMS:
            raise CommandError(f"--reverse: item {number} is not between 1 and 7.")
        items.append(number)
    return sorted(set(items))


class Command(BaseCommand):
    help = (
        "Score survey answers from a CSV file: the coordination matrix between functions, or "
        "psychological safety per team. Works without a database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help='The CSV file ("-" reads stdin).')
        parser.add_argument(
            "--instrument",
            choices=INSTRUMENTS,
            default="coordination",
            help="Default: %(default)s.",
        )
        parser.add_argument(
            "--min-group",
            type=int,
            default=DEFAULT_MIN_GROUP,
            help="Withhold a cell rated by fewer respondents than this (default %(default)s).",
        )
        parser.add_argument(
            "--groups",
            help="Comma-separated list of every group (function) in the partnership; allows "
            "target groups nobody in the file belongs to.",
        )
        parser.add_argument(
            "--points", type=int, default=7, help="psych_safety: scale length (default 7)."
        )
        parser.add_argument(
            "--reverse", help="psych_safety: reverse-scored item numbers, e.g. 1,3,5, or none."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args: Any, **options: Any) -> None:
        min_group: int = options["min_group"]
        if min_group < ABSOLUTE_MIN_GROUP:
            raise CommandError(f"--min-group must be at least {ABSOLUTE_MIN_GROUP}.")
        data = _read_bytes(options["file"])
        try:
            if options["instrument"] == "coordination":
                groups = None
                if options["groups"] is not None:
                    groups = [g.strip() for g in options["groups"].split(",") if g.strip()]
                    if not groups:
                        raise CommandError("--groups: give at least one group name.")
                result = coordination_from_csv(data, min_group=min_group, groups=groups)
                answer: dict[str, Any] = result.as_json()
                table = coordination_table(result) if not options["json"] else ""
            else:
                points: int = options["points"]
                if not 2 <= points <= 11:
                    raise CommandError("--points must be between 2 and 11.")
                answer = psych_safety_from_csv(
                    data,
                    points=points,
                    reverse=_reverse_items(options["reverse"]),
                    min_group=min_group,
                )
                table = psych_safety_table(answer) if not options["json"] else ""
        except MalformedFile as error:
            raise CommandError(error.message()) from None
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, allow_nan=False))
        else:
            self.stdout.write(table)
