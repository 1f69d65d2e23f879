"""Exports of survey results: aggregates only, never an individual response, with the same
suppression as the pages (a withheld aggregate has no value and no n, only its reason).

CSV cells that start with = + - @ get a leading apostrophe (CSV injection, OWASP); numbers
are written as numbers.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from accord.org.importing import escape_cell
from accord.surveys.results_selectors import ExportRow, Rollup

CYCLE_COLUMNS = (
    "cycle",
    "cycle_title",
    "instrument",
    "group",
    "group_label",
    "measure",
    "target",
    "statistic",
    "value",
    "n",
    "status",
    "reason",
)
ROLLUP_COLUMNS = (
    "partnership",
    "instrument",
    "cycle",
    "cycle_title",
    "closed",
    "measure",
    "value",
    "n",
    "status",
    "reason",
    "change",
    "change_low",
    "change_high",
    "verdict",
)
NUMBER_COLUMNS = frozenset({"value", "n", "change", "change_low", "change_high"})


def _cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name in NUMBER_COLUMNS:
        return f"{value:.4f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return escape_cell(str(value))


def _csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheets open accents correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(name, row.get(name)) for name in columns])
    return buffer.getvalue().encode("utf-8-sig")


def cycle_results_json(rows: Iterable[ExportRow]) -> list[dict[str, Any]]:
    return [asdict(row) for row in rows]


def cycle_results_csv(rows: Iterable[ExportRow]) -> bytes:
    return _csv(CYCLE_COLUMNS, cycle_results_json(rows))


def rollup_json(rollup: Rollup) -> list[dict[str, Any]]:
    """One row per partnership × instrument × headline number of its latest results."""
    found = []
    for row in rollup.rows:
        for summary in row.instruments:
            latest = summary.latest
            for figure in summary.headline:
                change = figure.change if figure.change and figure.change.shown else None
                found.append(
                    {
                        "partnership": row.partnership.name if row.partnership else "",
                        "instrument": summary.instrument,
                        "cycle": str(latest.uuid) if latest else "",
                        "cycle_title": latest.title if latest else "",
                        "closed": latest.closes_at.date().isoformat() if latest else "",
                        "measure": figure.label,
                        "value": figure.value,
                        "n": figure.n,
                        "status": "shown" if figure.shown else "withheld",
                        "reason": "" if figure.shown else figure.reason,
                        "change": change.diff if change else None,
                        "change_low": change.low if change else None,
                        "change_high": change.high if change else None,
                        "verdict": change.verdict if change else "",
                    }
                )
    return found


def rollup_csv(rollup: Rollup) -> bytes:
    return _csv(ROLLUP_COLUMNS, rollup_json(rollup))
