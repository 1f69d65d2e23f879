"""Server-side SVG charts for the review pack and the quarterly report.

The PDF renderer (WeasyPrint) runs no JavaScript, so report charts are plain SVG strings
drawn here: the same markup shows in the browser page and in the PDF. Every chart carries a
<title> and a <desc> that says in words what it shows (role="img" + aria-labelledby), and the
report puts the same numbers in a table next to it. Colours are presentation attributes, not
style attributes, so the page's Content-Security-Policy (no inline styles) does not strip them.

Every piece of text is escaped before it goes into the markup; the functions return
SafeStrings only because of that.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#1f2933"
MUTED = "#6b7785"
GRID = "#d9dee4"
ACCENT = "#2f6fb0"
GOOD = "#2e7d4f"
WARN = "#b7791f"
BAD = "#b83b3b"
TRACK = "#eef1f4"


def _fmt(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "no data"
    text = f"{value:.{digits}f}"
    return "0" if text in {"-0", "-0.0"} else text


def _svg(
    *, ident: str, width: float, height: float, title: str, desc: str, body: list[str]
) -> SafeString:
    """Wrap drawn elements in an accessible <svg> (text already escaped by the callers)."""
    ident = escape(ident)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="report-chart" role="img" '
        f'viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'aria-labelledby="{ident}-title {ident}-desc" font-family="sans-serif">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    # Safe: ident, title and desc are escaped above; body elements escape their own text.
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308


def _text(
    x: float, y: float, text: str, *, size: float = 10, fill: str = INK, anchor: str = "start"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size:g}" fill="{fill}" '
        f'text-anchor="{anchor}">{escape(text)}</text>'
    )


def _tone(value: float | None) -> str:
    if value is None:
        return MUTED
    if value >= 70:
        return GOOD
    if value >= 45:
        return WARN
    return BAD


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text[:10])
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class TrendPoint:
    date: str
    score: float | None


def health_trend_svg(
    points: Sequence[TrendPoint],
    *,
    ident: str,
    period_start: str | None = None,
    title: str = "Health score over time",
    width: float = 640,
    height: float = 200,
) -> SafeString | None:
    """A 0–100 line of the health score by date (gaps where a day had no score), the review
    period shaded; None when no point has a score."""
    dated = [(d, p.score) for p in points if (d := _date(p.date)) is not None]
    scored = [(d, s) for d, s in dated if s is not None]
    if not scored:
        return None
    left, right, top, bottom = 34.0, 12.0, 12.0, 26.0
    plot_w, plot_h = width - left - right, height - top - bottom
    first, last = dated[0][0], dated[-1][0]
    span = max((last - first).days, 1)

    def x_of(day: datetime.date) -> float:
        if first == last:
            return left + plot_w / 2
        return left + plot_w * (day - first).days / span

    def y_of(score: float) -> float:
        return top + plot_h * (1 - max(0.0, min(100.0, score)) / 100)

    body: list[str] = []
    start = _date(period_start) if period_start else None
    if start is not None and first < start <= last:
        x0 = x_of(start)
        body.append(
            f'<rect x="{x0:.1f}" y="{top:.1f}" width="{left + plot_w - x0:.1f}" '
            f'height="{plot_h:.1f}" fill="{TRACK}"/>'
        )
        body.append(_text(x0 + 4, top + 11, "review period", size=9, fill=MUTED))
    for tick in (0, 25, 50, 75, 100):
        y = y_of(tick)
        body.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        body.append(_text(left - 6, y + 3.5, str(tick), size=9, fill=MUTED, anchor="end"))
    body.append(_text(left, height - 8, f"{first.day} {first:%b %Y}", size=9, fill=MUTED))
    if last != first:
        body.append(
            _text(
                left + plot_w,
                height - 8,
                f"{last.day} {last:%b %Y}",
                size=9,
                fill=MUTED,
                anchor="end",
            )
        )
    # One polyline per run of consecutive scored points: a day without a score is a gap.
    runs: list[list[tuple[float, float]]] = [[]]
    for day, score in dated:
        if score is None:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((x_of(day), y_of(score)))
    for run in runs:
        if len(run) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            body.append(
                f'<polyline points="{coords}" fill="none" stroke="{ACCENT}" stroke-width="2" '
                f'stroke-linejoin="round" stroke-linecap="round"/>'
            )
    last_day, last_score = scored[-1]
    body.append(
        f'<circle cx="{x_of(last_day):.1f}" cy="{y_of(last_score):.1f}" r="3.5" fill="{ACCENT}"/>'
    )
    body.append(
        _text(x_of(last_day) - 6, y_of(last_score) - 7, _fmt(last_score), size=10, anchor="end")
    )
    values = [s for _, s in scored]
    low = min(scored, key=lambda pair: pair[1])
    high = max(scored, key=lambda pair: pair[1])
    desc = (
        f"Line chart of the health score (0 to 100) from {first.isoformat()} to "
        f"{last.isoformat()}: {len(values)} scored day{'s' if len(values) != 1 else ''}, "
        f"first {_fmt(scored[0][1])}, latest {_fmt(last_score)}, lowest {_fmt(low[1])} "
        f"on {low[0].isoformat()}, highest {_fmt(high[1])} on {high[0].isoformat()}."
    )
    return _svg(ident=ident, width=width, height=height, title=title, desc=desc, body=body)


def meter_svg(
    value: float | None, *, ident: str, label: str, maximum: float = 100, width: float = 120
) -> SafeString:
    """A small horizontal bar for a 0–maximum value (a table cell's picture of its number);
    "no data" is drawn as an empty track with a dashed outline, never as zero."""
    height = 12.0
    body = [f'<rect x="0" y="1" width="{width:g}" height="10" rx="2" fill="{TRACK}"/>']
    if value is None:
        body.append(
            f'<rect x="0.5" y="1.5" width="{width - 1:g}" height="9" rx="2" fill="none" '
            f'stroke="{MUTED}" stroke-dasharray="3 2"/>'
        )
        desc = f"{label}: no data."
    else:
        share = max(0.0, min(1.0, value / maximum)) if maximum else 0.0
        tone = _tone(value / maximum * 100 if maximum else None)
        body.append(
            f'<rect x="0" y="1" width="{width * share:.1f}" height="10" rx="2" fill="{tone}"/>'
        )
        desc = f"{label}: {_fmt(value)} of {_fmt(maximum)}."
    return _svg(ident=ident, width=width, height=height, title=label, desc=desc, body=body)


@dataclass(frozen=True)
class SeriesPoint:
    date: str
    value: float


def sparkline_svg(
    series: Sequence[SeriesPoint],
    *,
    ident: str,
    label: str,
    target: float | None = None,
    width: float = 110,
    height: float = 28,
) -> SafeString | None:
    """A small line of a KPI's measurements in the period with its target dashed; None
    with fewer than two measurements (a single value is in the table already)."""
    dated = [(d, p.value) for p in series if (d := _date(p.date)) is not None]
    if len(dated) < 2:
        return None
    values = [v for _, v in dated]
    low = min([*values, target] if target is not None else values)
    high = max([*values, target] if target is not None else values)
    if high == low:
        high, low = high + 1, low - 1
    pad = 3.0
    first, last = dated[0][0], dated[-1][0]
    span = max((last - first).days, 1)

    def x_of(day: datetime.date) -> float:
        return pad + (width - 2 * pad) * (day - first).days / span

    def y_of(value: float) -> float:
        return pad + (height - 2 * pad) * (1 - (value - low) / (high - low))

    body: list[str] = []
    if target is not None:
        y = y_of(target)
        body.append(
            f'<line x1="{pad}" y1="{y:.1f}" x2="{width - pad:g}" y2="{y:.1f}" stroke="{MUTED}" '
            f'stroke-width="1" stroke-dasharray="3 2"/>'
        )
    coords = " ".join(f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in dated)
    body.append(
        f'<polyline points="{coords}" fill="none" stroke="{ACCENT}" stroke-width="1.5" '
        f'stroke-linejoin="round"/>'
    )
    body.append(
        f'<circle cx="{x_of(last):.1f}" cy="{y_of(values[-1]):.1f}" r="2" fill="{ACCENT}"/>'
    )
    desc = (
        f"{len(values)} measurements from {first.isoformat()} to {last.isoformat()}: "
        f"first {values[0]:g}, latest {values[-1]:g}, lowest {min(values):g}, "
        f"highest {max(values):g}"
        + (f"; target {target:g} (dashed line)." if target is not None else "; no target.")
    )
    return _svg(ident=ident, width=width, height=height, title=label, desc=desc, body=body)


@dataclass(frozen=True)
class ShareBar:
    label: str
    share: float | None  # 0–1, None when withheld
    reference: float | None  # 0–1, e.g. the headcount share
    flagged: bool = False


def share_bars_svg(
    bars: Sequence[ShareBar],
    *,
    ident: str,
    title: str,
    reference_label: str = "headcount share",
    width: float = 520,
) -> SafeString | None:
    """Horizontal bars of each group's share (voice share) with a marker at its reference
    share (headcount); a withheld share is written as such, never drawn."""
    if not bars:
        return None
    label_w, right, row_h, top = 150.0, 46.0, 22.0, 6.0
    plot_w = width - label_w - right
    height = top + row_h * len(bars) + 18
    body: list[str] = []
    parts: list[str] = []
    for index, bar in enumerate(bars):
        y = top + index * row_h
        name = bar.label if len(bar.label) <= 24 else bar.label[:23] + "…"
        body.append(_text(label_w - 8, y + 13, name, size=10, anchor="end"))
        body.append(
            f'<rect x="{label_w:g}" y="{y + 4:.1f}" width="{plot_w:.1f}" height="12" '
            f'fill="{TRACK}"/>'
        )
        if bar.share is None:
            body.append(
                _text(label_w + 6, y + 14, "withheld (group too small)", size=9, fill=MUTED)
            )
            parts.append(f"{bar.label}: withheld (group too small)")
            continue
        else:
            fill = BAD if bar.flagged else ACCENT
            length = plot_w * max(0.0, min(1.0, bar.share))
            body.append(
                f'<rect x="{label_w:g}" y="{y + 4:.1f}" width="{length:.1f}" '
                f'height="12" fill="{fill}"/>'
            )
            body.append(_text(width - right + 6, y + 14, f"{bar.share * 100:.0f}%", size=10))
            parts.append(
                f"{bar.label}: {bar.share * 100:.0f}%"
                + (
                    f" against {bar.reference * 100:.0f}% {reference_label}"
                    if bar.reference is not None
                    else ""
                )
                + (" (flagged)" if bar.flagged else "")
            )
        if bar.reference is not None:
            x = label_w + plot_w * max(0.0, min(1.0, bar.reference))
            body.append(
                f'<line x1="{x:.1f}" y1="{y + 1:.1f}" x2="{x:.1f}" y2="{y + 19:.1f}" '
                f'stroke="{INK}" stroke-width="2"/>'
            )
    legend_y = height - 5
    body.append(
        f'<rect x="{label_w:g}" y="{legend_y - 8:.1f}" width="10" height="8" fill="{ACCENT}"/>'
    )
    body.append(_text(label_w + 14, legend_y, "share of voice", size=9, fill=MUTED))
    body.append(
        f'<line x1="{label_w + 110:g}" y1="{legend_y - 9:.1f}" x2="{label_w + 110:g}" '
        f'y2="{legend_y + 1:.1f}" stroke="{INK}" stroke-width="2"/>'
    )
    body.append(_text(label_w + 116, legend_y, reference_label, size=9, fill=MUTED))
    desc = "Bar chart. " + "; ".join(parts) + "."
    return _svg(ident=ident, width=width, height=height, title=title, desc=desc, body=body)


@dataclass(frozen=True)
class ValueBar:
    label: str
    value: float | None
    note: str = ""


def value_bars_svg(
    bars: Sequence[ValueBar],
    *,
    ident: str,
    title: str,
    maximum: float = 100,
    width: float = 520,
    unit: str = "",
) -> SafeString | None:
    """Horizontal bars of values on 0–maximum (health components, partnerships' health);
    "no data" is written, never drawn as zero."""
    if not bars:
        return None
    label_w, right, row_h, top = 170.0, 48.0, 20.0, 4.0
    plot_w = width - label_w - right
    height = top + row_h * len(bars) + 4
    body: list[str] = []
    parts: list[str] = []
    for index, bar in enumerate(bars):
        y = top + index * row_h
        name = bar.label if len(bar.label) <= 28 else bar.label[:27] + "…"
        body.append(_text(label_w - 8, y + 12, name, size=10, anchor="end"))
        body.append(
            f'<rect x="{label_w:g}" y="{y + 3:.1f}" width="{plot_w:.1f}" height="12" '
            f'fill="{TRACK}"/>'
        )
        if bar.value is None:
            body.append(_text(label_w + 6, y + 13, "no data", size=9, fill=MUTED))
            parts.append(f"{bar.label}: no data")
            continue
        share = max(0.0, min(1.0, bar.value / maximum)) if maximum else 0.0
        body.append(
            f'<rect x="{label_w:g}" y="{y + 3:.1f}" width="{plot_w * share:.1f}" height="12" '
            f'fill="{_tone(bar.value / maximum * 100 if maximum else None)}"/>'
        )
        body.append(_text(width - right + 6, y + 13, f"{_fmt(bar.value)}{unit}", size=10))
        parts.append(
            f"{bar.label}: {_fmt(bar.value)}{unit}" + (f" ({bar.note})" if bar.note else "")
        )
    desc = f"Bar chart on a scale of 0 to {_fmt(maximum)}. " + "; ".join(parts) + "."
    return _svg(ident=ident, width=width, height=height, title=title, desc=desc, body=body)
