"""Deadline grammar for SMART goals: finds the date a goal is due, a start and a cadence.

Time-bound (Doran 1981) means "a deadline, or a start plus a cadence" (METRICS.md §6). Every
expression resolves against an injected `today`, never the clock. Conventions:

* A month, quarter or half without a year is its next occurrence that has not ended yet
  ("by June" on 2026-07-01 is 2027-06-30). Quarters and halves resolve to their last day.
* Fiscal years are named after the calendar year they end in. With the default
  `fiscal_year_start_month=1` the fiscal year is the calendar year; with 7, "FY2027" runs from
  2026-07-01 to 2027-06-30 and "Q1 FY2027" ends 2026-09-30. Bare quarters and halves follow the
  fiscal calendar too.
* Numeric dates: ISO (2027-03-31) always; "31/03/2027" vs "03/31/2027" is decided by whichever
  part is above 12; when both parts are 12 or less, month first unless `day_first=True`.
* Relative spans ("within 90 days", "in the next two quarters") count from `today`; quarter
  spans end on the last day of the quarter they land in.
* A span tied to an event ("within 5 days of signing") is a service level, not a deadline.

Several deadlines in one goal: explicit dates win over spans, hour/minute spans count only when
nothing else is found, and among equals the latest date is the deadline.
"""

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "tuesday": 1, "tue": 1, "tues": 1, "wednesday": 2, "wed": 2,
    "thursday": 3, "thu": 3, "thurs": 3, "friday": 4, "fri": 4, "saturday": 5, "sat": 5,
    "sunday": 6, "sun": 6,
}  # fmt: skip
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2, "eighteen": 18, "fifteen": 15, "thirty": 30,
    "sixty": 60, "ninety": 90,
}  # fmt: skip
ORDINALS: dict[str, int] = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
}  # fmt: skip

_MONTH = (
    r"(january|february|march|april|may|june|july|august|september|october|november|"
    r"december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)"
)
_WEEKDAY = (
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|"
    r"thurs|thu|fri|sat|sun)"
)
_NUM = r"(\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + ")"
_UNIT = r"(hours?|hrs?|minutes?|mins?|days?|weeks?|wks?|months?|mos?|quarters?|years?|yrs?)"
# A year after a quarter/half: "Q3 2026", "Q3'26", "Q3 FY2027", "Q3 of FY27", "Q3 next year".
_PERIOD_YEAR = (
    r"(?:\s*'(\d{2})\b|\s*(?:of\s+)?(?:the\s+)?(?:fy|fiscal(?:\s+year)?)\s*'?(\d{4}|\d{2})\b"
    r"|\s+(?:of\s+)?(\d{4})\b|\s+(next|this|last)\s+(?:fiscal\s+)?year\b)?"
)

START_BEFORE = re.compile(
    r"(?:starting|beginning|commencing|effective|as of|from|start(?:s|ed)?|kick(?:ing)? off)"
    r"(?:\s+(?:in|on|from|with|by))?\s*$"
)
VAGUE_TIME = re.compile(
    r"\b(soon|asap|as soon as possible|going forward|moving forward|regularly|at some point|"
    r"eventually|in the future|ongoing|on an ongoing basis|over time|in due course|"
    r"when possible|someday|some day|shortly|in the near future|continuously|continually|"
    r"always|forever|(?:ever )?again|ever|in the long run|long[- ]term|later)\b"
)
CADENCE = re.compile(
    r"\b(?:every|each|per|once a|twice a|once per)\s+(?:other\s+)?(?:\d+\s+|two\s+|three\s+)?"
    r"(?:days?|weeks?|months?|quarters?|years?|sprints?|business days?|working days?|"
    r"monday|tuesday|wednesday|thursday|friday)\b|"
    r"\b(?:daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly|annually|yearly|"
    r"semi-?annually)\b"
)


@dataclass(frozen=True)
class DateFindings:
    """What the date grammar found in one goal."""

    deadline: date | None
    deadline_phrase: str | None
    start: date | None
    start_phrase: str | None
    cadence_phrase: str | None
    service_level_phrase: str | None
    vague: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]  # character ranges used by dates, for the number grammar
    candidates: tuple[tuple[int, date, str, int], ...] = ()  # (rank, date, phrase, position)


@dataclass(frozen=True)
class _Calendar:
    today: date
    fy_start: int
    day_first: bool


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    value = int(raw)
    return 2000 + value if value < 100 else value


def fiscal_year_of(day: date, fy_start: int) -> int:
    """The fiscal year containing `day`, named after the calendar year it ends in."""
    if fy_start == 1:
        return day.year
    return day.year + 1 if day.month >= fy_start else day.year


def _fy_first_month_index(fiscal_year: int, fy_start: int) -> int:
    """Month index (year*12 + month-1) of the first month of a fiscal year."""
    if fy_start == 1:
        return fiscal_year * 12
    return (fiscal_year - 1) * 12 + fy_start - 1


def _index_end(index: int) -> date:
    year, month = divmod(index, 12)
    return month_end(year, month + 1)


def period_end(fiscal_year: int, months: int, number: int, fy_start: int) -> date:
    """Last day of period `number` (1-based) of `months` months in a fiscal year."""
    return _index_end(_fy_first_month_index(fiscal_year, fy_start) + months * number - 1)


def _next_period_end(cal: _Calendar, months: int, number: int) -> date:
    fiscal_year = fiscal_year_of(cal.today, cal.fy_start)
    end = period_end(fiscal_year, months, number, cal.fy_start)
    if end < cal.today:
        end = period_end(fiscal_year + 1, months, number, cal.fy_start)
    return end


def _period_year(cal: _Calendar, groups: tuple[str | None, ...]) -> int | None:
    """Fiscal year from the _PERIOD_YEAR groups (quote-year, fy-year, plain year, relative)."""
    quote, fiscal, plain, relative = groups
    year = _year(quote) or _year(fiscal) or _year(plain)
    if year is not None:
        return year
    current = fiscal_year_of(cal.today, cal.fy_start)
    if relative == "next":
        return current + 1
    if relative == "this":
        return current
    if relative == "last":
        return current - 1
    return None


def _period(cal: _Calendar, months: int, number: int, groups: tuple[str | None, ...]) -> date:
    year = _period_year(cal, groups)
    if year is None:
        return _next_period_end(cal, months, number)
    return period_end(year, months, number, cal.fy_start)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_month_day(cal: _Calendar, month: int, day: int | None) -> date | None:
    year = cal.today.year
    found = month_end(year, month) if day is None else _safe_date(year, month, day)
    if found is not None and found < cal.today:
        found = month_end(year + 1, month) if day is None else _safe_date(year + 1, month, day)
    return found


def _g(*groups: str | None) -> "_G":
    """Reshaped match groups: index 0 is the whole match (unused by handlers)."""
    return ("", *(group or "" for group in groups))


def _number(raw: str) -> int:
    return NUMBER_WORDS[raw] if raw in NUMBER_WORDS else int(raw)


def _add_business_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def _span(cal: _Calendar, amount: int, unit: str, business: bool) -> date:
    today = cal.today
    if unit.startswith(("hour", "hr", "min")):
        hours = amount if unit.startswith(("hour", "hr")) else amount / 60
        return today + timedelta(days=int(hours // 24))
    if unit.startswith("day"):
        return _add_business_days(today, amount) if business else today + timedelta(days=amount)
    if unit.startswith(("week", "wk")):
        return today + timedelta(weeks=amount)
    if unit.startswith("mo"):
        return add_months(today, amount)
    if unit.startswith("quarter"):
        index = _fy_first_month_index(fiscal_year_of(today, cal.fy_start), cal.fy_start)
        current = (today.year * 12 + today.month - 1 - index) // 3
        return _index_end(index + 3 * (current + amount) + 2)
    return add_months(today, 12 * amount)


def _relative(cal: _Calendar, which: str, unit: str) -> date:
    """End of this/next/last week, month, quarter or year."""
    today = cal.today
    shift = {"this": 0, "current": 0, "the": 0, "next": 1, "coming": 1, "following": 1}.get(
        which, -1
    )
    if unit == "week":
        return today + timedelta(days=6 - today.weekday() + 7 * shift)
    if unit == "month":
        return _index_end(today.year * 12 + today.month - 1 + shift)
    if unit == "quarter":
        index = _fy_first_month_index(fiscal_year_of(today, cal.fy_start), cal.fy_start)
        current = (today.year * 12 + today.month - 1 - index) // 3
        return _index_end(index + 3 * (current + shift) + 2)
    fiscal_year = fiscal_year_of(today, cal.fy_start) + shift
    if unit == "fiscal year":
        return period_end(fiscal_year, 12, 1, cal.fy_start)
    return date(today.year + shift, 12, 31)


_G = tuple[str, ...]
Handler = Callable[[_Calendar, _G], date | None]


def _iso(cal: _Calendar, m: _G) -> date | None:
    return _safe_date(int(m[1]), int(m[2]), int(m[3]))


def _numeric(cal: _Calendar, m: _G) -> date | None:
    first, second, year = int(m[1]), int(m[2]), _year(m[3]) or 0
    if first > 12 or (second <= 12 and cal.day_first):
        return _safe_date(year, second, first)
    return _safe_date(year, first, second)


def _day_month(cal: _Calendar, m: _G) -> date | None:
    year = _year(m[3].lstrip("'") if m[3] else None)
    if year is None:
        return _next_month_day(cal, MONTHS[m[2]], int(m[1]))
    return _safe_date(year, MONTHS[m[2]], int(m[1]))


def _month_day(cal: _Calendar, m: _G) -> date | None:
    year = _year(m[3])
    if year is None:
        return _next_month_day(cal, MONTHS[m[1]], int(m[2]))
    return _safe_date(year, MONTHS[m[1]], int(m[2]))


def _month_year(cal: _Calendar, m: _G) -> date | None:
    year = _year(m[3].lstrip("'")) or 0
    month = MONTHS[m[2]]
    if m[1] and m[1].strip() in {"mid", "mid-", "middle of", "the middle of"}:
        return _safe_date(year, month, 15)
    if m[1] and ("start" in m[1] or "beginning" in m[1] or "early" in m[1]):
        return _safe_date(year, month, 1)
    return month_end(year, month)


def _month_alone(cal: _Calendar, m: _G) -> date | None:
    if m[2] and m[2].startswith(("start", "beginning")):
        found = _next_month_day(cal, MONTHS[m[3]], None)
        return found.replace(day=1) if found else None
    return _next_month_day(cal, MONTHS[m[3]], None)


def _quarter(cal: _Calendar, m: _G) -> date | None:
    end = _period(cal, 3, int(m[2]), (m[3], m[4], m[5], m[6]))
    if m[1] and m[1].startswith("mid"):
        return add_months(end.replace(day=15), -1)
    return end


def _quarter_words(cal: _Calendar, m: _G) -> date | None:
    return _period(cal, 3, ORDINALS[m[1]], (None, m[2], m[3], m[4]))


def _half(cal: _Calendar, m: _G) -> date | None:
    return _period(cal, 6, int(m[1]), (m[2], m[3], m[4], m[5]))


def _half_words(cal: _Calendar, m: _G) -> date | None:
    return _period(cal, 6, 1 if m[1] == "first" else 2, (None, m[2], m[3], m[4]))


def _fiscal_year(cal: _Calendar, m: _G) -> date | None:
    year = _year(m[1]) or 0
    return period_end(year, 12, 1, cal.fy_start)


def _fiscal_relative(cal: _Calendar, m: _G) -> date | None:
    return _relative(cal, m[1] or "this", "fiscal year")


def _end_of(cal: _Calendar, m: _G) -> date | None:
    unit = {"y": "year", "q": "quarter", "m": "month", "w": "week"}.get(m[1] or "", m[1] or "")
    return _relative(cal, m[2] or "this", unit)


def _named_end(cal: _Calendar, m: _G) -> date | None:
    return _relative(cal, "this", m[1])


def _this_next(cal: _Calendar, m: _G) -> date | None:
    return _relative(cal, m[1], m[2])


def _day_word(cal: _Calendar, m: _G) -> date | None:
    if m[1] == "tomorrow":
        return cal.today + timedelta(days=1)
    if m[1] == "yesterday":
        return cal.today - timedelta(days=1)
    return cal.today


def _weekday(cal: _Calendar, m: _G) -> date | None:
    target = WEEKDAYS[m[3]]
    today = cal.today
    if m[2] == "next":
        # "next Friday" is the Friday of next week.
        return today + timedelta(days=7 - today.weekday() + target)
    ahead = (target - today.weekday()) % 7
    return today + timedelta(days=ahead or 7)


def _year_only(cal: _Calendar, m: _G) -> date | None:
    return date(int(m[2]), 12, 31)


def _relative_span(cal: _Calendar, m: _G) -> date | None:
    return _span(cal, _number(m[1]), m[3], m[2].strip() in {"business", "working"})


def _from_now(cal: _Calendar, m: _G) -> date | None:
    return _span(cal, _number(m[1]), m[3], m[2].strip() in {"business", "working"})


_SLA = re.compile(
    r"\b(?:within|in(?: under)?|under|inside(?: of)?)\s+(?:the\s+first\s+)?"
    + _NUM
    + r"[\s-]+(?:business\s+|working\s+|calendar\s+)?"
    + _UNIT
    + r"\s+(?:of|after|from|following)\s+(?:the\s+|a\s+|an\s+|each\s+|every\s+|their\s+)?"
    r"[\w-]+(?:\s+(?!(?:by|in|within|before|until|starting|every|each|per|and|or|for|to|from|"
    r"on|at|of|with)\b)[a-z][\w-]*)?"
)
_G_NUMERIC = re.compile(r"\d[-/.]\d")
_G_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_G_QUARTER = re.compile(r"q[1-4]\b")
_G_QUARTER_WORD = re.compile(r"quarter")
_G_HALF = re.compile(r"\bh[12]\b")
_G_HALF_WORD = re.compile(r"half")
_G_FISCAL = re.compile(r"fy|fiscal")
_G_END = re.compile(r"\beo[yqmw]|end")
_G_THIS_NEXT = re.compile(r"\b(?:this|next|last|coming|following|current)\b")
_G_DAY = re.compile(r"tomorrow|today|tonight|yesterday|\beod\b|end of")
_G_WEEKDAY = re.compile(r"\b(?:mon|tue|wed|thu|fri|sat|sun)")
_G_YEAR = re.compile(r"20\d\d")
_G_ANY = re.compile(r"\b(?:within|in|over|during|inside|for)\b")
_G_FROM_NOW = re.compile(r"from now|from today|\bout\b")
# Ordered most specific first; each match masks its characters from the later patterns.
_PATTERNS: tuple[tuple[re.Pattern[str], Handler, int, re.Pattern[str]], ...] = (
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), _iso, 2, _G_NUMERIC),
    (re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})\b"), _numeric, 2, _G_NUMERIC),
    (
        re.compile(
            r"\b(\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?\s+"
            + _MONTH
            + r"\b\.?(?:,?\s+(\d{4}|'\d{2})\b)?"
        ),
        _day_month,
        2,
        _G_MONTH,
    ),
    (
        re.compile(
            r"\b" + _MONTH + r"\.?\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?"
            r"(?!\s*(?:%|percent|days|weeks|months|hours|customers|\w+s\b))"
        ),
        _month_day,
        2,
        _G_MONTH,
    ),
    (
        re.compile(
            r"\b(eo|(?:the\s+)?end\s+of\s+(?:the\s+)?|mid-?\s*|(?:the\s+)?start\s+of\s+"
            r"(?:the\s+)?|(?:the\s+)?beginning\s+of\s+(?:the\s+)?)?q([1-4])\b" + _PERIOD_YEAR
        ),
        _quarter,
        2,
        _G_QUARTER,
    ),
    (
        re.compile(
            r"\b(first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:fiscal\s+)?quarter\b"
            + _PERIOD_YEAR.replace(r"(?:\s*'(\d{2})\b|", "(?:")
        ),
        _quarter_words,
        2,
        _G_QUARTER_WORD,
    ),
    (re.compile(r"\bh([12])\b" + _PERIOD_YEAR), _half, 2, _G_HALF),
    (
        re.compile(
            r"\b(first|second)\s+half(?:\s+of\s+the\s+(?:fiscal\s+)?year)?"
            + _PERIOD_YEAR.replace(r"(?:\s*'(\d{2})\b|", "(?:")
        ),
        _half_words,
        2,
        _G_HALF_WORD,
    ),
    (re.compile(r"\b(?:fy|fiscal\s+year|fiscal)\s*'?(\d{4}|\d{2})\b"), _fiscal_year, 2, _G_FISCAL),
    (
        re.compile(
            r"\b(?:(?:the\s+)?end\s+of\s+(?:the\s+)?(this|next|current)?\s*fiscal\s+year|"
            r"fiscal\s+year[- ]end|(this|next|current)\s+fiscal\s+year)\b"
        ),
        _fiscal_relative,
        2,
        _G_FISCAL,
    ),
    (
        re.compile(
            r"\b(?:(?:the\s+)?(end|middle|mid|start|beginning)\s+of\s+(?:the\s+)?|"
            r"(mid)-?|(early|late)\s+)?" + _MONTH + r"\.?,?\s+(\d{4}|'\d{2})\b"
        ),
        lambda cal, m: _month_year(cal, _g((m[1] or m[2] or m[3] or "") or None, m[4], m[5])),
        2,
        _G_MONTH,
    ),
    (
        re.compile(
            r"\b(by|in|until|till|before|through|thru|during|due|on|for|starting|"
            r"beginning|from|of|next|this|coming)\s+(?:the\s+)?(?:next\s+|coming\s+)?"
            r"((?:end|start|beginning)\s+of\s+)?" + _MONTH + r"\b(?!\s*\d)"
        ),
        _month_alone,
        2,
        _G_MONTH,
    ),
    (
        re.compile(
            r"\beo(y|q|m|w)\b|\b(?:the\s+)?end\s+of\s+(?:the\s+)?(this|next|last|"
            r"current|coming|following)?\s*(year|quarter|month|week)\b"
        ),
        lambda cal, m: _end_of(cal, _g(m[1] or m[3], m[2])),
        2,
        _G_END,
    ),
    (
        re.compile(r"\b(year|quarter|month|week)[- ]end\b|\bend[- ]of[- ](year|quarter|month)\b"),
        lambda cal, m: _named_end(cal, _g(m[1] or m[2])),
        2,
        _G_END,
    ),
    (
        re.compile(
            r"\b(this|next|last|the\s+coming|the\s+following|current)\s+"
            r"(week|month|quarter|year)\b"
        ),
        lambda cal, m: _this_next(cal, _g(m[1].split()[-1], m[2])),
        2,
        _G_THIS_NEXT,
    ),
    (
        re.compile(r"\b(tomorrow|today|tonight|yesterday|end\s+of\s+(?:the\s+)?day|eod)\b"),
        lambda cal, m: _day_word(cal, _g(m[1].split()[0] if m[1] != "eod" else "today")),
        2,
        _G_DAY,
    ),
    (
        re.compile(r"\b(by|on|until|before|due|till)?\s*(next|this|coming)?\s*" + _WEEKDAY + r"\b"),
        lambda cal, m: _weekday(cal, _g(m[1], m[2], m[3])) if (m[1] or m[2]) else None,
        2,
        _G_WEEKDAY,
    ),
    (
        re.compile(
            r"\b(by|in|for|during|through|throughout|until|till|before|of|within|"
            r"across|end\s+of|year|calendar\s+year|cy)\s+(?:the\s+(?:end\s+of\s+)?)?"
            r"(?:calendar\s+year\s+|year\s+)?(20\d{2})\b(?![-/.]\d)"
        ),
        _year_only,
        2,
        _G_YEAR,
    ),
    (
        re.compile(
            r"\b(?:within|in|over|during|inside|for)\s+(?:the\s+)?(?:next|coming|"
            r"following|first)?\s*"
            + _NUM
            + r"[\s-]+(business\s+|working\s+|calendar\s+)?"
            + _UNIT
            + r"\b"
        ),
        _relative_span,
        1,
        _G_ANY,
    ),
    (
        re.compile(
            r"\b"
            + _NUM
            + r"\s+(business\s+|working\s+|calendar\s+)?"
            + _UNIT
            + r"\s+(?:from\s+(?:now|today)|out)\b"
        ),
        _from_now,
        1,
        _G_FROM_NOW,
    ),
)


def date_findings(
    low: str, *, today: date, fiscal_year_start_month: int = 1, day_first: bool = False
) -> DateFindings:
    """Find deadline, start, cadence and vague time words in lower-cased goal text."""
    cal = _Calendar(today, fiscal_year_start_month, day_first)
    work = low
    spans: list[tuple[int, int]] = []
    deadlines: list[tuple[int, date, str, int]] = []
    start: tuple[date, str] | None = None

    service_level = None
    for found in _SLA.finditer(work):
        service_level = found[0]
        spans.append(found.span())
    for begin, end in spans:
        work = work[:begin] + " " * (end - begin) + work[end:]

    for pattern, handler, rank, gate in _PATTERNS:
        if gate.search(low) is None:
            continue
        for found in pattern.finditer(work):
            day = handler(cal, tuple(x or "" for x in (found[0], *found.groups())))
            if day is None:
                continue
            begin, end = found.span()
            phrase = low[begin:end].strip()
            spans.append((begin, end))
            work = work[:begin] + " " * (end - begin) + work[end:]
            if re.match(r"(?:starting|beginning|from)\b", phrase) or START_BEFORE.search(
                low[max(0, begin - 30) : begin]
            ):
                if start is None:
                    start = (day, phrase)
                continue
            deadlines.append((0 if rank == 1 and _hour_unit(phrase) else rank, day, phrase, begin))

    deadline = deadline_pick(deadlines)

    cadence = CADENCE.search(work)
    vague = tuple(dict.fromkeys(m[0] for m in VAGUE_TIME.finditer(work)))
    return DateFindings(
        deadline=deadline[1] if deadline else None,
        deadline_phrase=deadline[2] if deadline else None,
        start=start[0] if start else None,
        start_phrase=start[1] if start else None,
        cadence_phrase=cadence[0] if cadence else None,
        service_level_phrase=service_level.strip() if service_level else None,
        vague=vague,
        spans=tuple(sorted(spans)),
        candidates=tuple(deadlines),
    )


def deadline_pick(
    candidates: list[tuple[int, date, str, int]], before: int | None = None
) -> tuple[int, date, str, int] | None:
    """Highest-ranked, then latest candidate; those before `before` first when any exist."""
    if before is not None and any(item[3] < before for item in candidates):
        candidates = [item for item in candidates if item[3] < before]
    if not candidates:
        return None
    best_rank = max(item[0] for item in candidates)
    return max((item for item in candidates if item[0] == best_rank), key=lambda item: item[1])


def _hour_unit(phrase: str) -> bool:
    return _HOURS.search(phrase) is not None


_HOURS = re.compile(r"\b(?:hours?|hrs?|minutes?|mins?)\b")


def quarter_end_after(today: date, days: int = 90) -> date:
    """The quarter end on or after `today + days`: a sensible example deadline."""
    target = today + timedelta(days=days)
    quarter_month = ((target.month - 1) // 3) * 3 + 3
    return month_end(target.year, quarter_month)
