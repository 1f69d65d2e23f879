"""Render a review pack (pack_types.ReviewPack) as a report: the context the templates read,
the plain-words executive summary, the standalone HTML document and its PDF.

The same template body (insights/report_pack.html) serves the browser page (inside the app
shell) and the print document (insights/report_document.html, with the stylesheet inlined so
the file stands alone and WeasyPrint needs nothing else). Charts are SVG drawn on the server
(report_charts), because WeasyPrint runs no JavaScript. Every string from the pack is
autoescaped by the templates; the charts escape their own text.
"""

import datetime
import logging
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django.template.loader import render_to_string
from django.utils.text import slugify

from accord.insights import report_charts as charts
from accord.insights.pack_types import PACK_VERSION, ReviewPack

if TYPE_CHECKING:
    from accord.insights.quarterly import QuarterlyReport

STYLESHEET = Path(__file__).parent / "static" / "insights" / "report.css"
# Goal status labels that count as "behind" in the summary (goals.selectors HEALTH_LABELS).
BEHIND_STATUSES = frozenset({"at risk", "off track", "behind"})

EMPTY_HEALTH: dict[str, Any] = {
    "score": None,
    "covered_share": 0.0,
    "as_of": None,
    "reasons": [],
    "components": [],
    "history": [],
    "change": None,
}
EMPTY_ACTIONS: dict[str, Any] = {"open": 0, "done": 0, "overdue": 0, "items": []}


def pack_complete(raw: Mapping[str, Any]) -> ReviewPack:
    """A stored pack with every top-level section present (an older or partial pack gets
    empty sections, shown as "nothing recorded"), so a report never fails on a missing key."""
    pack: dict[str, Any] = dict(raw)
    pack.setdefault("version", PACK_VERSION)
    pack.setdefault("generated_at", "")
    partnership: dict[str, Any] = {"name": "", "slug": "", "purpose": "", "lead": None}
    partnership |= {"sponsor": None}
    partnership |= {"functions": [], "status": "", "start_date": None}
    pack["partnership"] = partnership | dict(pack.get("partnership") or {})
    pack["period"] = {"start": "", "end": "", "rhythm": ""} | dict(pack.get("period") or {})
    pack["health"] = EMPTY_HEALTH | dict(pack.get("health") or {})
    for key in ("kpis", "goals", "surveys", "decisions", "conflicts", "plays"):
        pack[key] = list(pack.get(key) or [])
    pack["actions"] = EMPTY_ACTIONS | dict(pack.get("actions") or {})
    pack.setdefault("equity", None)
    pack.setdefault("previous_review", None)
    return cast(ReviewPack, pack)


# --- words ----------------------------------------------------------------------------------


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def date_label(text: str | None) -> str:
    """ "2026-10-01" → "1 Oct 2026" (the text unchanged when it is not a date)."""
    day = _date(text)
    return f"{day.day} {day:%b %Y}" if day else (text or "")


def period_label(start: str, end: str) -> str:
    """ "1–31 Oct 2026", "1 Oct – 31 Dec 2026" or "1 Dec 2026 – 31 Jan 2027"."""
    first, last = _date(start), _date(end)
    if first is None or last is None:
        return f"{start} – {end}".strip(" –")
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{date_label(start)} – {date_label(end)}"


def _points(value: float) -> str:
    rounded = round(abs(value))
    return f"{rounded} point{'s' if rounded != 1 else ''}"


def _count(number: int, word: str, plural: str | None = None) -> str:
    return f"{number} {word if number == 1 else (plural or word + 's')}"


def number_label(value: float | None, unit: str = "") -> str:
    """A measurement for a table cell: up to two decimals, unit appended, "—" for none."""
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def health_sentence(pack: ReviewPack) -> str:
    health = pack["health"]
    score, change = health["score"], health["change"]
    if score is None:
        return (
            "There is not enough data for a health score "
            f"({round(health['covered_share'] * 100)}% of the weight has data)."
        )
    now = round(score)
    if change is None:
        return f"Health is {now}; there is no earlier score in the period to compare with."
    if round(change) == 0:
        return f"Health held steady at {now}."
    verb = "rose" if change > 0 else "fell"
    return f"Health {verb} {_points(change)} to {now}."


def report_summary(pack: ReviewPack) -> list[str]:
    """The executive summary: one plain sentence per thing a reader should know first."""
    sentences = [health_sentence(pack)]
    components = [c for c in pack["health"]["components"] if c["value"] is not None]
    if components:
        weakest = min(components, key=lambda c: cast(float, c["value"]))
        if cast(float, weakest["value"]) < 60:
            sentences.append(
                f"The weakest part is {weakest['label'].lower()} "
                f"({round(cast(float, weakest['value']))}): {weakest['evidence'].rstrip('.')}."
            )
    goals = pack["goals"]
    if goals:
        behind = sum(1 for g in goals if g["status"].strip().lower() in BEHIND_STATUSES)
        if behind:
            sentences.append(f"{behind} of {_count(len(goals), 'goal')} are behind or at risk.")
        else:
            sentences.append(f"None of the {_count(len(goals), 'goal')} is behind.")
    measured = [k for k in pack["kpis"] if k["on_target"] is not None]
    if measured:
        hit = sum(1 for k in measured if k["on_target"])
        verb = "meets" if len(measured) == 1 else "meet"
        sentences.append(f"{hit} of {_count(len(measured), 'KPI')} with a target {verb} it.")
    open_conflicts = sum(1 for c in pack["conflicts"] if not c["resolved"])
    resolved = len(pack["conflicts"]) - open_conflicts
    if pack["conflicts"]:
        sentences.append(
            f"{_count(open_conflicts, 'conflict')} open"
            + (f", {resolved} resolved in the period." if resolved else ".")
        )
    if pack["decisions"]:
        sentences.append(f"{_count(len(pack['decisions']), 'decision')} made.")
    actions = pack["actions"]
    if actions["open"] or actions["done"]:
        overdue = f" ({actions['overdue']} overdue)" if actions["overdue"] else ""
        sentences.append(
            f"{_count(actions['open'], 'action')} open{overdue}, {actions['done']} done."
        )
    if pack["plays"]:
        improved = sum(1 for play in pack["plays"] if play_verdict(play) == "improved")
        sentences.append(
            f"{_count(len(pack['plays']), 'accepted play')}; "
            f"{improved} improved the signal that prompted it."
        )
    equity = pack["equity"]
    if equity and equity["flags"]:
        sentences.append(equity["flags"][0])
    return sentences


def play_verdict(play: Any) -> str:
    """ "improved", "not yet" (no signal improved) or "too early to tell" (no comparable data)."""
    verdicts = [signal["improved"] for signal in play["signals"]]
    if any(verdict is True for verdict in verdicts):
        return "improved"
    if any(verdict is False for verdict in verdicts):
        return "not yet"
    return "too early to tell"


# --- context --------------------------------------------------------------------------------


def _component_rows(pack: ReviewPack) -> list[dict[str, Any]]:
    return [
        {
            **component,
            "meter": charts.meter_svg(
                component["value"], ident=f"component-{index}", label=component["label"]
            ),
        }
        for index, component in enumerate(pack["health"]["components"])
    ]


def _kpi_rows(pack: ReviewPack) -> list[dict[str, Any]]:
    rows = []
    for index, kpi in enumerate(pack["kpis"]):
        change = None
        if kpi["first"] is not None and kpi["latest"] is not None:
            change = kpi["latest"] - kpi["first"]
        better = None
        if change is not None and change != 0 and kpi["direction"] in ("increase", "decrease"):
            better = (change > 0) == (kpi["direction"] == "increase")
        rows.append(
            {
                **kpi,
                "first_label": number_label(kpi["first"], kpi["unit"]),
                "latest_label": number_label(kpi["latest"], kpi["unit"]),
                "target_label": number_label(kpi["target"], kpi["unit"]),
                "change_label": (
                    "—" if change is None else ("+" if change > 0 else "") + number_label(change)
                ),
                "better": better,
                "spark": charts.sparkline_svg(
                    [charts.SeriesPoint(p["date"], p["value"]) for p in kpi["series"]],
                    ident=f"kpi-{index}",
                    label=f"{kpi['name']} in the period",
                    target=kpi["target"],
                ),
            }
        )
    return rows


def _percent(value: float | None) -> int | None:
    return None if value is None else round(value * 100)


def _goal_rows(pack: ReviewPack) -> list[dict[str, Any]]:
    return [
        {
            **goal,
            "progress_percent": _percent(goal["progress"]),
            "expected_percent": _percent(goal["expected"]),
            "forecast_percent": _percent(goal["forecast_probability"]),
            "behind": goal["status"].strip().lower() in BEHIND_STATUSES,
            "due_label": date_label(goal["due_date"]),
        }
        for goal in pack["goals"]
    ]


def _voice_chart(groups: list[Any], *, ident: str, title: str) -> Any:
    return charts.share_bars_svg(
        [
            charts.ShareBar(g["label"], g["voice_share"], g["headcount_share"], g["flagged"])
            for g in groups
        ],
        ident=ident,
        title=title,
    )


def _play_rows(pack: ReviewPack) -> list[dict[str, Any]]:
    return [
        {
            **play,
            "verdict": play_verdict(play),
            "accepted_label": date_label(play["accepted_at"]),
        }
        for play in pack["plays"]
    ]


def report_title(pack: ReviewPack) -> str:
    return (
        f"{pack['partnership']['name']} · review of "
        f"{period_label(pack['period']['start'], pack['period']['end'])}"
    )


def report_filename(pack: ReviewPack, extension: str) -> str:
    """checkout-revamp-review-2026-10-01-to-2026-10-31.pdf (ASCII, safe in a header)."""
    slug = slugify(pack["partnership"]["slug"] or pack["partnership"]["name"])[:60] or "review"
    period = "-to-".join(
        slugify(day) for day in (pack["period"]["start"], pack["period"]["end"]) if day
    )
    return f"{slug}-review-{period}.{extension}" if period else f"{slug}-review.{extension}"


def report_context(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the report templates read, derived from the pack alone."""
    pack = pack_complete(raw)
    health = pack["health"]
    equity = pack["equity"]
    generated = pack["generated_at"]
    return {
        "pack": pack,
        "title": report_title(pack),
        "period_label": period_label(pack["period"]["start"], pack["period"]["end"]),
        "generated_label": date_label(generated),
        "summary": report_summary(pack),
        "score": None if health["score"] is None else round(health["score"]),
        "change": None if health["change"] is None else round(health["change"]),
        "change_abs": None if health["change"] is None else abs(round(health["change"])),
        "covered_percent": round(health["covered_share"] * 100),
        "health_chart": charts.health_trend_svg(
            [charts.TrendPoint(p["date"], p["score"]) for p in health["history"]],
            ident="health-trend",
            period_start=pack["period"]["start"],
        ),
        "components": _component_rows(pack),
        "kpis": _kpi_rows(pack),
        "goals": _goal_rows(pack),
        "goals_behind": sum(
            1 for g in pack["goals"] if g["status"].strip().lower() in BEHIND_STATUSES
        ),
        "plays": _play_rows(pack),
        "voice_levels_chart": (
            _voice_chart(
                equity["levels"], ident="voice-levels", title="Voice share by seniority level"
            )
            if equity
            else None
        ),
        "voice_functions_chart": (
            _voice_chart(
                equity["functions"], ident="voice-functions", title="Voice share by function"
            )
            if equity
            else None
        ),
        "open_conflicts": sum(1 for c in pack["conflicts"] if not c["resolved"]),
    }


# --- documents ------------------------------------------------------------------------------


@cache
def report_stylesheet() -> str:
    """The report stylesheet, inlined into standalone documents (the PDF and --format html)."""
    return STYLESHEET.read_text(encoding="utf-8")


def report_html(raw: Mapping[str, Any]) -> str:
    """The review pack as one standalone HTML document (print styles inlined)."""
    context = report_context(raw)
    context["stylesheet"] = report_stylesheet()
    return render_to_string("insights/report_document.html", context)


def pdf_render(html: str, *, base_url: str | None = None) -> bytes:
    """HTML → PDF with WeasyPrint (imported here: it loads fonts and Pango on first use)."""
    # WeasyPrint and fontTools log every layout step at INFO; a report needs none of it.
    for name in ("weasyprint", "weasyprint.progress", "fontTools"):
        logging.getLogger(name).setLevel(logging.WARNING)
    from weasyprint import HTML

    document: bytes = HTML(string=html, base_url=base_url).write_pdf()
    return document


def report_pdf(raw: Mapping[str, Any]) -> bytes:
    return pdf_render(report_html(raw))


# --- the quarterly report -------------------------------------------------------------------


def quarterly_context(report: "QuarterlyReport") -> dict[str, Any]:
    """Everything the quarterly templates read."""
    from accord.insights.quarterly import quarterly_summary

    quarter = report.quarter
    health_bars = [
        charts.ValueBar(
            p.name,
            p.health_end,
            ""
            if p.change is None
            else f"{'+' if p.change > 0 else ''}{round(p.change)} over the quarter",
        )
        for p in report.partnerships
    ]
    return {
        "report": report,
        "title": f"{report.workspace} · quarterly report {quarter.label}",
        "period_label": period_label(quarter.start.isoformat(), quarter.end.isoformat()),
        "as_of_label": date_label(report.as_of.isoformat()),
        "generated_label": date_label(report.generated_on.isoformat()),
        "summary": quarterly_summary(report),
        "totals": report.totals,
        "health_end": None if report.health_end is None else round(report.health_end),
        "health_start": None if report.health_start is None else round(report.health_start),
        "health_chart": charts.value_bars_svg(
            health_bars,
            ident="quarter-health",
            title=f"Health by partnership at the end of {quarter.label}",
        ),
    }


def quarterly_html(report: "QuarterlyReport") -> str:
    context = quarterly_context(report)
    context["stylesheet"] = report_stylesheet()
    return render_to_string("insights/report_quarterly_document.html", context)


def quarterly_pdf(report: "QuarterlyReport") -> bytes:
    return pdf_render(quarterly_html(report))


def quarterly_filename(report: "QuarterlyReport", extension: str) -> str:
    return f"quarterly-report-{report.quarter.key.lower()}.{extension}"
