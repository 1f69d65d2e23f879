"""Number and unit grammar for SMART goals: "$1.2M", "42 %", "3 pp", "10x", "48 hours".

A quantity is a number that stands on its own (not glued to letters as in "Q3", "p95", "KR1",
"v3.0", nor part of a compound adjective as in "7-day"), with an optional sign, currency
(symbol or ISO code, before or after), scale suffix (k, M, bn, million…) and unit. Numbers right
after a product or standard name ("ISO 27001", "Windows 11", "tier 2", "top 10") are
identifiers, not quantities.
"""

import re
from dataclasses import dataclass


def _words(text: str) -> tuple[str, ...]:
    """Split a lexicon written as one block of words."""
    return tuple(text.split())


CURRENCY_SYMBOLS: dict[str, str] = {
    "us$": "USD", "a$": "AUD", "c$": "CAD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY",
    "₹": "INR", "chf": "CHF",
}  # fmt: skip
CURRENCY_CODES = (
    "usd", "eur", "gbp", "jpy", "chf", "cad", "aud", "inr", "cny", "rmb", "sek", "nok", "dkk",
    "brl", "mxn", "sgd", "hkd", "nzd", "zar", "pln", "czk", "huf", "krw", "aed", "sar",
)  # fmt: skip
SCALES: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "million": 1e6, "b": 1e9,
    "bn": 1e9, "billion": 1e9,
}  # fmt: skip
UNITS: dict[str, str] = {
    "%": "%", "percent": "%", "per cent": "%", "pct": "%", "pp": "pp", "p.p.": "pp",
    "percentage point": "pp", "percentage points": "pp", "pts": "points", "pt": "points",
    "points": "points", "point": "points", "x": "x", "times": "x", "fold": "x", "-fold": "x",
    "business days": "days", "working days": "days", "days": "days", "day": "days",
    "weeks": "weeks", "week": "weeks", "wks": "weeks", "months": "months", "month": "months",
    "hours": "hours", "hour": "hours", "hrs": "hours", "hr": "hours", "h": "hours",
    "minutes": "minutes", "minute": "minutes", "mins": "minutes", "min": "minutes",
    "seconds": "seconds", "second": "seconds", "secs": "seconds", "sec": "seconds",
    "s": "seconds", "ms": "ms", "milliseconds": "ms", "stars": "score", "star": "score",
}  # fmt: skip
SECONDS: dict[str, float] = {
    "ms": 0.001, "seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800,
    "months": 2629800,
}  # fmt: skip
# Words after which a number names a thing rather than counts it.
IDENTIFIER_WORDS = frozenset(
    _words(
        """
        iso soc wcag python java node postgresql postgres mysql windows macos ios android
        tier line scope version level phase stage step sprint wave release type class series
        model gen generation priority severity sev top v rev chapter section article
        building room floor squad cohort kr okr pillar objective item no number region zone
        plant site store gate wcag2 ipv http tls pci iec nist gdpr article hipaa rule form
        """
    )
)
NUMBER_WORDS: dict[str, float] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
    "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100, "dozen": 12,
}  # fmt: skip

_SYMBOL = r"(?P<sym>us\$|a\$|c\$|[$€£¥₹])"
_CODE = "|".join(CURRENCY_CODES)
_UNIT_ALT = "|".join(
    re.escape(unit) + (r"(?![a-z])" if unit[-1].isalpha() else "")
    for unit in sorted(UNITS, key=len, reverse=True)
)
QUANTITY = re.compile(
    r"(?<![\w.\-/#])(?P<sign>[+\-±~])?" + _SYMBOL + r"?\s?"
    r"(?:(?P<pre>" + _CODE + r")\s?)?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+|(?:"
    + "|".join(NUMBER_WORDS)
    + r")(?=\s))"
    r"(?:\s?(?P<scale>k|mm|mn|m|bn|b)(?![a-z])|\s(?P<scaleword>thousand|million|billion)\b)?"
    r"(?:\s?(?P<post>" + _CODE + r")(?![a-z]))?"
    r"(?:\s?(?P<unit>" + _UNIT_ALT + r"))?"
    r"(?![\w-]|\.\d)"
)
_PREVIOUS_WORD = re.compile(r"([a-z][\w]*)\W{0,2}$")


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str | None  # "%", "pp", "points", "x", "USD"…, "days"…, "score" or None (a count)
    start: int
    end: int
    text: str

    @property
    def is_currency(self) -> bool:
        return self.unit is not None and self.unit.isupper() and len(self.unit) == 3


def quantities(work: str) -> list[Quantity]:
    """Quantities in lower-cased text whose dates were blanked out."""
    found: list[Quantity] = []
    for match in QUANTITY.finditer(work):
        raw = match["num"]
        value = NUMBER_WORDS[raw] if raw in NUMBER_WORDS else float(raw.replace(",", ""))
        scale = match["scale"] or match["scaleword"]
        currency = match["sym"] or match["pre"] or match["post"]
        if scale:
            value *= SCALES[scale]
        if match["sign"] == "-":
            value = -value
        unit: str | None
        if currency:
            unit = CURRENCY_SYMBOLS.get(currency, currency.upper())
        elif match["unit"]:
            unit = UNITS[match["unit"]]
        else:
            unit = None
        before = work[max(0, match.start() - 20) : match.start()]
        previous = _PREVIOUS_WORD.search(before)
        if previous and previous[1] in IDENTIFIER_WORDS and unit is None:
            continue
        # Number words count only before a noun phrase ("two partners", "zero defects").
        if raw in NUMBER_WORDS and unit is None and not re.match(r"\s[a-z]", work[match.end() :]):
            continue
        found.append(Quantity(value, unit, match.start(), match.end(), match[0].strip()))
    return found


def in_seconds(value: float, unit: str | None) -> float | None:
    """A duration in seconds, or None when the unit is not a duration."""
    if unit is None or unit not in SECONDS:
        return None
    return value * SECONDS[unit]
