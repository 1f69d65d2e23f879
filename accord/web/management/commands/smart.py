"""`accord smart`: check goals against SMART (Doran 1981) from the command line, no database.

    accord smart "Cut churn from 4% to 3% by Q4 2026" [--today 2026-06-15] [--json]
    accord smart --file goals.jsonl [--today …] --json

With --file, every input line is {"id": …, "text": …}; every output line carries the same id,
in input order. A bad line prints {"id": …, "error": "line N: …"} and the command exits
non-zero after the last line.
"""

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser

from accord.metrics.smart import CRITERIA, SmartAssessment, assessment_json, smart_assess

LABELS = {
    "specific": "Specific",
    "measurable": "Measurable",
    "achievable": "Achievable",
    "relevant": "Relevant",
    "time_bound": "Time-bound",
    "owner": "Owner",
}


def _today(raw: str | None) -> date:
    if raw is None:
        return date.today()  # noqa: DTZ011 - a calendar date the user means, not an instant
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise CommandError(f"--today={raw!r} is not a date; use YYYY-MM-DD.") from None


def assessment_table(assessment: SmartAssessment) -> str:
    """A readable per-criterion table with ✓/✗, evidence and the suggested fix."""
    lines = [assessment.text, ""]
    for name in (*CRITERIA, "owner"):
        criterion = assessment.criteria.get(name)
        if criterion is None:
            continue
        mark = "✓" if criterion.passed else "✗"
        evidence = "; ".join(criterion.evidence) or "-"
        lines.append(f"  {mark} {LABELS[name]:<11} {criterion.score:>4.2f}  {evidence}")
        if criterion.suggestion:
            lines.append(f"    {'':<11}       → {criterion.suggestion}")
    extracted = assessment.extracted
    found = {
        "metric": extracted.metric,
        "baseline": extracted.baseline,
        "target": extracted.target,
        "unit": extracted.unit,
        "direction": extracted.direction,
        "deadline": extracted.deadline.isoformat() if extracted.deadline else None,
    }
    shown = ", ".join(f"{key} {value}" for key, value in found.items() if value is not None)
    lines += ["", f"  Found: {shown or 'nothing'}"]
    lines.append(f"  SMART: {'yes' if assessment.is_smart else 'no'}")
    return "\n".join(lines)


def _file_lines(path: str) -> Iterator[tuple[int, str]]:
    handle: TextIO
    if path == "-":
        handle = sys.stdin
        yield from enumerate(handle, start=1)
        return
    try:
        with Path(path).open(encoding="utf-8") as handle:
            yield from enumerate(handle, start=1)
    except OSError as error:
        raise CommandError(f"--file {path}: {error.strerror or error}.") from None


class Command(BaseCommand):
    help = (
        "Check goal texts against the SMART criteria and show the evidence behind each "
        "verdict. Works without a database."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("text", nargs="?", help="The goal text to check.")
        parser.add_argument(
            "--file",
            help='A JSON-lines file of {"id": …, "text": …} objects ("-" reads stdin).',
        )
        parser.add_argument(
            "--today", help="Date to judge deadlines against (YYYY-MM-DD); default today."
        )
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")

    def handle(self, *args: Any, **options: Any) -> None:
        today = _today(options["today"])
        text: str | None = options["text"]
        path: str | None = options["file"]
        if (text is None) == (path is None):
            raise CommandError(
                'Give either a goal text or --file goals.jsonl, e.g. accord smart "…".'
            )
        if text is not None:
            assessment = smart_assess(text, today=today)
            if options["json"]:
                self.stdout.write(json.dumps(assessment_json(assessment), ensure_ascii=False))
            else:
                self.stdout.write(assessment_table(assessment))
            return
        assert path is not None
        errors = self._assess_file(path, today, as_json=options["json"])
        if errors:
            raise CommandError(f"{errors} line{'s' if errors > 1 else ''} could not be read.")

    def _assess_file(self, path: str, today: date, *, as_json: bool) -> int:
        errors = 0
        for number, raw in _file_lines(path):
            if not raw.strip():
                continue
            item_id: object = None
            try:
                item = json.loads(raw)
                if not isinstance(item, dict):
                    raise ValueError("expected a JSON object")
                item_id = item.get("id")
                goal = item.get("text")
                if not isinstance(goal, str):
                    raise ValueError('"text" must be a string')
            except ValueError as error:
                errors += 1
                message = f"line {number}: {error}"
                if as_json:
                    self.stdout.write(json.dumps({"id": item_id, "error": message}))
                else:
                    self.stderr.write(message)
                continue
            assessment = smart_assess(goal, today=today)
            if as_json:
                self.stdout.write(
                    json.dumps(assessment_json(assessment, item_id), ensure_ascii=False)
                )
            else:
                self.stdout.write(f"[{item_id}] " + assessment_table(assessment) + "\n")
        return errors
