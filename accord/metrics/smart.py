"""SMART goal assessment: Specific, Measurable, Achievable, Relevant, Time-bound (Doran 1981).

Doran, G. T. (1981), "There's a S.M.A.R.T. way to write management's goals and objectives",
Management Review 70(11). Each criterion is checked on its own and returns the evidence it
found and one concrete fix, never one opaque score (METRICS.md §6). The checks are rules over
a small grammar, not a model:

* dates come from accord.metrics.smart_dates (deadline, start, cadence, service levels);
* numbers and units from accord.metrics.smart_numbers;
* verbs from lexicons: change verbs (increase, cut…), deliverable verbs (launch, hire…), vague
  verbs (improve, leverage…); a purpose clause ("so that…", "to reduce…") marks relevance.

Achievable follows "not contradicted": a goal passes unless the text (or, for saved goals, the
metric's history and the owner's load) shows it cannot or will very likely not be met. History
pace is the least-squares slope of (day, value); the goal is flagged when the required slope is
more than 3x the best slope seen over the whole history or any three consecutive check-ins.
"""

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from accord.metrics.smart_dates import (
    VAGUE_TIME,
    DateFindings,
    date_findings,
    deadline_pick,
    quarter_end_after,
)
from accord.metrics.smart_numbers import Quantity, in_seconds, quantities

CRITERIA = ("specific", "measurable", "achievable", "relevant", "time_bound")
HISTORY_PACE_LIMIT = 3.0  # required pace above 3x the best historical pace is flagged
MONTHLY_MULTIPLE_LIMIT = 3.0  # growing faster than 3x per month is flagged
DAYS_PER_MONTH = 30.44
DELIVERABLE_PER_DAY_LIMIT = 20  # "hire 500 engineers by tomorrow"


def _words(text: str) -> tuple[str, ...]:
    """Split a lexicon written as one block of words."""
    return tuple(text.split())


@dataclass(frozen=True)
class Extracted:
    metric: str | None
    baseline: float | None
    target: float | None
    unit: str | None
    direction: str | None  # "increase" | "decrease" | "maintain" | "range" | None
    deadline: date | None
    relative_change: float | None = None  # +0.15 for "by 15%", -0.5 for "in half"
    deliverable: str | None = None  # "launch the partner portal", "hire 12 engineers"


@dataclass(frozen=True)
class Criterion:
    passed: bool
    score: float
    evidence: tuple[str, ...]
    suggestion: str | None


@dataclass(frozen=True)
class GoalContext:
    """Structured fields of a saved goal; every field is optional."""

    metric: str | None = None
    unit: str | None = None
    baseline: float | None = None
    target: float | None = None
    direction: str | None = None
    start: date | None = None
    due: date | None = None
    owner_count: int | None = None
    linked: bool | None = None
    history: tuple[tuple[date, float], ...] = ()
    owner_active_goals: int | None = None
    owner_load_cap: int = 7


@dataclass(frozen=True)
class SmartAssessment:
    text: str
    criteria: dict[str, Criterion]
    extracted: Extracted
    is_smart: bool


# ---------------------------------------------------------------------------------------------
# Lexicons. Base forms; inflections are generated below.

INCREASE_VERBS = _words(
    """
    increase raise grow lift boost expand improve accelerate scale gain add double triple
    quadruple maximize maximise extend strengthen drive up push up climb
    """
)
DECREASE_VERBS = _words(
    """
    reduce cut lower decrease shorten halve minimize minimise bring down drop trim shrink
    eliminate slash lessen decrease consolidate compress contain curb
    """
)
MAINTAIN_VERBS = _words(
    """
    maintain keep hold sustain stay remain preserve protect defend
    """
)
REACH_VERBS = ["reach", "hit", "achieve", "attain", "get", "exceed", "surpass", "bring"]
DELIVERABLE_VERBS = _words(
    """
    launch ship publish release deliver hire recruit sign complete finish migrate implement
    roll deploy go open close obtain certify train onboard decommission retire sunset
    replace upgrade build document translate conduct run hold host interview produce file
    submit move enforce introduce establish set install automate consolidate win book
    generate enter negotiate renew integrate send resolve patch write draft design pilot
    announce appoint select procure purchase acquire finalize finalise approve adopt
    standardize standardise centralize centralise digitize digitise outsource audit create
    add recover answer deploy roll set go sell convert collect process contact pitch demo
    """
)
VAGUE_VERBS = _words(
    """
    improve enhance streamline foster leverage optimize optimise synergize synergise drive
    empower delight boost modernize modernise transform align partner collaborate focus
    support encourage promote facilitate strive ensure be become make do get work engage
    deal tighten move embrace champion elevate unlock revolutionize revolutionise
    """
)
VAGUE_WORDS = frozenset(
    _words(
        """
        things thing stuff everything anything something areas area board culture
        collaboration alignment communication efficiency efficiencies effectiveness
        performance processes process morale sustainable sustainability innovation
        innovative outcomes outcome value results success needle people team teams intuitive
        posture data-driven modern mess excellence synergies synergy better best more great
        good world-class best-in-class cross-functional holistic strategic strategy
        initiatives capabilities impact content markets new relationships relationship ways
        working transformation agility agile journey mindset ownership overall general key
        really very much lot lots level way partners partner closely it us we our everyone
        everybody users stakeholders alignment engagement-driven excellent high quality
        higher faster stronger smarter leaner whole across wider happy happier happiness
        feel feels valued motivated empowered aligned inspired fun awesome amazing nice
        """
    )
)
STOPWORDS = frozenset(
    _words(
        """
        a an the of for to in on at by with and or our we i you they their its this that
        these those is are be been will would should must can could may might shall all each
        every any some from into onto per as than so such very really just also then there
        here it us me my your his her them who whom which what when where how why not no nor
        only own same too again further once both few other over under about above below up
        down out off while during before after until through across within without between
        including via vs etc kr kr1 kr2 kr3 kr4 okr o objective target goal key result let
        lets let's want need aim plan going try have has had am do does did get got
        """
    )
)
# Business metrics of obvious value: naming one is specific evidence and half of relevance.
METRIC_TERMS = (
    *_words(
    """
        revenue arr mrr margin churn retention nps enps csat profit ebitda cost costs
        spend cac ltv conversion pipeline bookings sales deals dso dpo cash attrition
        turnover engagement uptime availability latency mttr incidents defects downtime
        on-time nrr grr aov gmv leads mqls sqls signups activation adoption customers
        satisfaction tickets backlog resolution throughput inventory stockouts oee scrap
        yield emissions energy headcount time-to-hire quota forecast traffic renewal
        expenses opex capex savings budget win-rate utilization utilisation productivity
        coverage deflection escalations returns complaints injuries accidents rating
        reviews awareness traffic visits sessions followers subscribers onboarding
        payback burn runway
    """
    ),
    "win rate", "market share", "active users", "response time", "handle time", "cycle time",
    "lead time", "time to hire", "time to fill", "open rate", "error rate", "crash rate",
    "pipeline coverage", "deployment frequency", "change failure rate", "order value",
    "deal size", "sales cycle", "gross margin", "operating margin", "inventory turns",
    "fill rate", "on-time delivery",
)  # fmt: skip
_METRIC_TERM = re.compile(r"\b(" + "|".join(re.escape(t) for t in METRIC_TERMS) + r")\b")
LOWER_IS_BETTER = re.compile(
    r"\b(churn|attrition|turnover|cost|costs|spend|expenses?|opex|cac|latency|time|times|"
    r"dso|defects?|bugs?|errors?|incidents?|outages?|downtime|mttr|backlog|escalations?|"
    r"returns?|complaints?|injuries|accidents|scrap|waste|emissions|stockouts?|crash|"
    r"failures?|lead time|cycle time|overtime|days|tickets|findings|debt|risk)\b"
)
BOUNDED_PERCENT = re.compile(
    r"\b(share|margin|rate|coverage|conversion|churn|completion|adoption|attainment|accuracy|"
    r"availability|uptime|utili[sz]ation|satisfaction|csat|percentage|penetration|compliance|"
    r"occupancy|yield|oee|fcr|resolution|deflection|awareness|recall|on[- ]time|"
    r"probability|proportion|ratio of|share of|% of|percent of|of (?:all|our|the) )"
)
UNBOUNDED_PERCENT = re.compile(
    r"\b(growth|grow|increase|net revenue retention|nrr|net dollar retention|ndr|roi|roas|yoy|"
    r"year[- ]over[- ]year|of plan|of target|of budget|of quota|index|markup|mark-up|return)\b"
)
PERFECT_QUALITY = re.compile(
    r"\b(satisfaction|csat|uptime|availability|accuracy|on[- ]time|quality|retention|renewal|"
    r"success|resolution|first contact|sla|compliance|happy|happiness|delivered|nps)\b"
)
NEGATIVE_EVENTS = re.compile(
    r"\b(defects?|churn|incidents?|bugs?|errors?|outages?|complaints?|injuries|injury|"
    r"accidents?|downtime|failures?|breaches|breach|misses|missed|returns?|escalations?|"
    r"attrition|turnover|mistakes?|crash(?:es)?|vulnerabilit(?:y|ies)|delays?|late)\b"
)
ABSOLUTE_WORDS = re.compile(
    r"\b(ever|never|always|forever|every single|all (?:of )?(?:our )?(?:customers|clients|"
    r"users|orders|deliveries|tickets)|every (?:customer|client|user|order|time)|"
    r"each and every|perfect|perfection|flawless|100% of the time|no (?:\w+ )?(?:ever|again))\b"
)
PLAN_WORDS = re.compile(
    r"\b(?:through (?:the |a |an |our )?[a-z]|via [a-z]|by (?:implementing|introducing|"
    r"adding|automating|rolling|running|hiring|training|using|moving|deploying|building|"
    r"launching|creating|replacing|adopting|investing|doubling)|plan\b|playbook|roadmap|"
    r"programme|program\b|by means of|thanks to|using [a-z])"
)
PURPOSE = re.compile(
    r"(?:\b|(?<=,))(?:so that|so as to|so (?!far\b|much\b|many\b|on\b|called\b|as\b|that\b)(?=\w)|"
    r"in order to|in order for|because|which (?:will|would|should|helps?|lets?|enables?|"
    r"allows?|means|reduces?|increases?|lifts?|drives?|frees?|cuts?)|as part of|"
    r"in support of|to support|contribut(?:es|ing) to|thereby|leading to|resulting in|"
    r"aligned (?:with|to) (?:our|the) [\w\s-]{0,30}(?:objective|okr|strategy|goal|plan|kpi)|"
    r"for the purpose of|for the sake of|with the aim of|with the goal of|in line with|"
    r"(?<=,)\s*(?:thus\s+|thereby\s+)?(?:enabling|allowing|helping|reducing|improving|increasing|"
    r"freeing|cutting|lowering|protecting|supporting|ensuring|giving|letting|saving|"
    r"unlocking|lifting|raising)\b|"
    r"(?<![\w-])to (?=(?:"
    + "|".join(
        [
            "reduce",
            "increase",
            "improve",
            "protect",
            "fund",
            "enable",
            "support",
            "hit",
            "meet",
            "lower",
            "free",
            "capture",
            "prove",
            "grow",
            "expand",
            "cover",
            "catch",
            "test",
            "stop",
            "lift",
            "deflect",
            "offset",
            "attract",
            "staff",
            "bid",
            "sell",
            "reach",
            "keep",
            "avoid",
            "ensure",
            "comply",
            "qualify",
            "win",
            "retain",
            "boost",
            "cut",
            "drive",
            "unlock",
            "accelerate",
            "speed",
            "spot",
            "allow",
            "help",
            "give",
            "let",
            "save",
            "secure",
            "prepare",
            "position",
            "strengthen",
            "demonstrate",
            "validate",
            "learn",
            "understand",
            "inform",
            "serve",
            "satisfy",
            "sustain",
            "minimi[sz]e",
            "maximi[sz]e",
            "mitigate",
            "prevent",
            "eliminate",
            "address",
            "scale",
            "handle",
            "absorb",
            "finance",
            "afford",
            "justify",
            "differentiate",
            "compete",
            "gain",
            "earn",
            "shorten",
            "decrease",
            "limit",
            "de-risk",
            "derisk",
            "restore",
            "recover",
            "diversify",
            "hedge",
            "match",
            "close",
            "open",
            "lay",
            "create",
            "build",
            "establish",
            "stay",
            "remain",
            "raise",
            "make",
            "bring",
            "get",
            "become",
            "avoid",
            "pass",
            "clear",
            "release",
            "cushion",
            "shield",
            "safeguard",
            "preserve",
            "lock",
            "unblock",
            "simplify",
        ]
    )
    + r")\b))"
)
NOT_PURPOSE_BEFORE = re.compile(
    r"\b(want|wants|need|needs|aim|aims|plan|plans|is|are|going|try|tries|have|has|expect|"
    r"continue|strive|commit|committed|like|ought|how|able|used|goal|objective|mission)\s*$"
)
LABEL_PREFIX = re.compile(
    r"^\s*(?:[-*•·>]+\s*|\d+[.)]\s+|(?:kr|okr|o|objective|key result|goal|target|kpi)\s*\d*"
    r"\s*[:.)\-]\s*)+"
)
LEAD_IN = re.compile(
    r"^\s*(?:(?:we|i|the team|our team|team)\s+(?:will|shall|should|must|need to|want to|aim to|"
    r"plan to|are going to|commit to)\s+(?:really\s+)?|(?:our|my|the)\s+(?:goal|aim|objective|"
    r"target)\s+is\s+to\s+|aim to\s+|(?:let's|lets)\s+)"
)
WORD = re.compile(r"[a-z][a-z0-9'&/+-]*|[0-9][\w.,%]*|[,;:()]|->|>")
_ALL_VERBS: dict[str, str] = {}


def _inflections(verb: str) -> tuple[str, ...]:
    stem = verb[:-1] if verb.endswith("e") else verb
    return (verb, verb + "s", verb + "es", stem + "ed", verb + "d", stem + "ing", verb + "ing")


# Later kinds win for words in several lexicons ("improve" is vague but still an increase).
for _kind, _verbs in (
    ("vague", VAGUE_VERBS),
    ("deliverable", DELIVERABLE_VERBS),
    ("reach", REACH_VERBS),
    ("maintain", MAINTAIN_VERBS),
    ("decrease", DECREASE_VERBS),
    ("increase", INCREASE_VERBS),
):
    for _verb in _verbs:
        for _form in _inflections(_verb):
            _ALL_VERBS[_form] = _kind
_VAGUE_VERB_FORMS = frozenset(form for verb in VAGUE_VERBS for form in _inflections(verb))
# Irregular and -e forms.
_ALL_VERBS.update(
    {"raising": "increase", "reducing": "decrease", "cutting": "decrease", "halving": "decrease",
     "doubling": "increase", "tripling": "increase", "growing": "increase", "kept": "maintain",
     "held": "maintain", "got": "reach", "won": "deliverable", "ran": "deliverable",
     "shipping": "deliverable", "hiring": "deliverable", "launching": "deliverable",
     "moving": "deliverable", "making": "vague", "being": "vague", "bringing": "decrease"}
)  # fmt: skip
NOUN_AFTER = frozenset(
    _words(
        """
        rate rates time times cycle cost costs frequency date dates velocity speed quality
        process pipeline plan cadence window notes volume count share value funnel ratio
        readiness success stage
        """
    )
)
DELIVERABLE_OBJECT = re.compile(
    r"\b(compliance|certification|certified|accreditation|audit|approval|go-live|sign-off)\b"
)
ZERO_TARGET = re.compile(
    r"\b(?:zero|no)\s+(?:\w+\s+){0,2}?(" + NEGATIVE_EVENTS.pattern[3:-3] + r")"
)
NEVER = re.compile(r"\bnever\s+(?:again\s+)?(?:miss|breach|exceed|lose|drop|fail|have|ship|let)")
MULTIPLE_WORDS = {
    "double": 1.0, "doubles": 1.0, "doubling": 1.0, "triple": 2.0, "triples": 2.0,
    "tripling": 2.0, "treble": 2.0, "quadruple": 3.0, "halve": -0.5, "halving": -0.5,
    "halves": -0.5, "in half": -0.5, "by half": -0.5, "by 50 percent": -0.5,
}  # fmt: skip
_MULTIPLE_WORD = re.compile(r"\b(in half|by half|doubl\w*|tripl\w*|treble|quadruple|halv\w*)\b")
FRACTIONS = {"half": 0.5, "third": 1 / 3, "quarter": 0.25, "fifth": 0.2, "tenth": 0.1}
_FRACTION = re.compile(r"\bby (?:a|one) (half|third|quarter|fifth|tenth)\b")
# Noun-form deliverables at the start: "Roll-out of the new CRM", "Go-live of the WMS".
_DELIVERABLE_NOUN = re.compile(
    r"^(?:the\s+)?(?:roll-?out|launch|go-live|delivery|completion|implementation|migration|"
    r"release|rollout|deployment|publication|opening|introduction|signature|signing)\s+of\s+"
    r"[a-z]|\b(?:go|get|put|bring|take)s?\s+(?:\w+\s+){0,4}?live\b"
)
_NORMALIZE = str.maketrans({"→": ">", "⇒": ">", "–": "-", "—": "-", "’": "'", "‘": "'",
                            "×": "x", "\u00a0": " ", "“": '"', "”": '"'})  # fmt: skip
_SCORE_UNITS = re.compile(r"\(?\bout of (\d+(?:\.\d+)?)\)?|/\s?(?:5|10|100)\b")


@dataclass(frozen=True)
class _Parse:
    """Everything the criteria need, computed once per goal."""

    text: str
    low: str
    work: str  # lower-cased, dates blanked
    main_end: int  # where the purpose clause starts (len(text) when none)
    purpose: str | None
    dates: DateFindings
    quantities: tuple[Quantity, ...]
    verb: str | None
    verb_kind: str | None
    verb_at: int
    extracted: Extracted
    change_amount: Quantity | None  # "by $5", "by 3 pp"
    concrete: tuple[str, ...]
    vague_found: tuple[str, ...]
    metric_terms: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Parsing


def _mask(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for begin, end in spans:
        for index in range(begin, min(end, len(chars))):
            chars[index] = " "
    return "".join(chars)


def _prefix_end(low: str) -> int:
    """Skip bullet/label prefixes ("KR1:", "- ", "O: … KR:") and lead-ins ("we will")."""
    last_label = 0
    for found in re.finditer(r"\b(?:kr\s*\d*|key result\s*\d*)\s*[:\-]\s*", low):
        last_label = found.end()
    position = last_label
    while True:
        label = LABEL_PREFIX.match(low, position)
        if label and label.end() > position:
            position = label.end()
            continue
        lead = LEAD_IN.match(low, position)
        if lead and lead.end() > position:
            position = lead.end()
            continue
        return position


def _purpose_start(low: str, work: str, after: int) -> tuple[int, str] | None:
    for found in PURPOSE.finditer(work):
        if found.start() < after:
            continue
        if found[0].startswith("to ") and NOT_PURPOSE_BEFORE.search(work[: found.start()]):
            continue
        return found.start(), low[found.start() :].strip()
    return None


def _tokens(work: str, start: int, end: int) -> list[tuple[str, int]]:
    return [(m[0], m.start()) for m in WORD.finditer(work, start, end)]


def _find_verb(tokens: list[tuple[str, int]]) -> tuple[str | None, str | None, int, int]:
    """The main verb: the first lexicon verb at a clause start (or the first lexicon verb)."""
    clause_start = True
    fallback: tuple[str | None, str | None, int, int] = (None, None, -1, -1)
    for index, (token, position) in enumerate(tokens):
        kind = _ALL_VERBS.get(token)
        following = tokens[index + 1][0] if index + 1 < len(tokens) else ""
        noun_use = kind in {"deliverable", "reach"} and following in NOUN_AFTER
        if kind is not None and not noun_use:
            if clause_start:
                return token, kind, position, index
            if fallback[0] is None and kind != "vague":
                fallback = (token, kind, position, index)
        clause_start = token in {",", ";", ":", "(", "and", "then", "to", "will", "-"} or (
            clause_start and token in STOPWORDS | {"by", "in", "within", "over", "starting"}
        )
    return fallback


def _phrase(low: str, text: str, start: int, stop_at: int) -> str | None:
    """Noun phrase from `start` up to a preposition, number or punctuation; original casing."""
    words: list[tuple[int, int]] = []
    for found in re.finditer(r"[^\s()]+", low[start:stop_at]):
        word = found[0].strip(".!?\"',;:")
        if not word:
            continue
        if word in {
            "from", "to", "by", "under", "below", "above", "over", "at", "between", "through",
            "throughout", "via", "until", "before", "within", "so", "because", "which", "while",
            "->", ">", ">=", "<=", "<", "≥", "≤", "starting", "during", "and/or", "across", "than",
            "with", "into", "is", "are", "was", "in",
        } or re.match(r"^[+\-±~$€£¥₹]?\d(?![\d.]*-[a-z])", word):  # fmt: skip
            if word == "in" and words and low[start + found.end() :].lstrip()[:1].isalpha():
                words.append((start + found.start(), start + found.end()))
                continue
            break
        words.append((start + found.start(), start + found.end()))
        if low[start + found.end() : start + found.end() + 1] in {".", ",", ";", ":", "!"}:
            break
        if len(words) >= 8:
            break
    while words and low[words[-1][0] : words[-1][1]].strip(".") in STOPWORDS:
        words.pop()
    while words and low[words[0][0] : words[0][1]] in {
        "the", "our", "a", "an", "their", "its", "on", "at", "with", "of", "for", "better",
        "more", "up", "down",
    }:  # fmt: skip
        words.pop(0)
    if not words:
        return None
    phrase = text[words[0][0] : words[-1][1]].strip(" .!?\"'")
    return phrase or None


_CONNECTORS = frozenset(
    _words(
        """
        from to by under below above over at less than more fewer greater up down reach hit
        of between and -> >= <= < > ≥ ≤ achieve only maximum minimum max min all each every
        approx approximately about around the our a an exceed beat
        """
    )
) | {
    "at least", "at most", "at or above", "at or below", "less than", "more than",
    "fewer than", "greater than", "no more than", "no less than", "up to", "down to",
}  # fmt: skip


def _connector(work: str, start: int) -> str:
    """The word(s) right before a quantity: 'from', 'to', 'under', 'at least'…"""
    words = work[max(0, start - 40) : start].split()[-3:]
    for size in (3, 2, 1):
        if len(words) >= size:
            candidate = " ".join(words[-size:])
            if candidate in _CONNECTORS:
                return candidate
    return ""


def _parse(text: str, today: date, fiscal_year_start_month: int) -> _Parse:
    low = text.translate(_NORMALIZE).lower()
    dates = date_findings(low, today=today, fiscal_year_start_month=fiscal_year_start_month)
    vague_spans = [m.span() for m in VAGUE_TIME.finditer(low)]
    score_scale = [m.span() for m in _SCORE_UNITS.finditer(low)]
    work = _mask(low, [*dates.spans, *vague_spans, *score_scale])
    start = _prefix_end(work)
    purpose = _purpose_start(low, work, start + 1)
    main_end = purpose[0] if purpose else len(low)
    if purpose and dates.deadline is not None:
        # A date inside the purpose clause ("to cover the Q3 target") is not the deadline.
        picked = deadline_pick(list(dates.candidates), before=main_end)
        if picked is not None and picked[1] != dates.deadline:
            dates = replace(dates, deadline=picked[1], deadline_phrase=picked[2])
    tokens = _tokens(work, start, main_end)
    verb, verb_kind, verb_at, verb_index = _find_verb(tokens)
    found_quantities = tuple(q for q in quantities(work) if q.start < main_end)

    baseline: Quantity | None = None
    target: Quantity | None = None
    change: Quantity | None = None
    direction: str | None = None
    relative: float | None = None
    range_pair: tuple[Quantity, Quantity] | None = None
    for index, quantity in enumerate(found_quantities):
        link = _connector(work, quantity.start)
        nxt = found_quantities[index + 1] if index + 1 < len(found_quantities) else None
        if link == "between" and nxt is not None and _connector(work, nxt.start) == "and":
            range_pair = (quantity, nxt)
            break
        if link in {"all", "each", "every", "approx", "approximately", "the", "our"}:
            continue
        if link == "from" and baseline is None:
            baseline = quantity
            continue
        if nxt is not None and baseline is None and target is None and link in {"", "an", "a"}:
            nxt_link = _connector(work, nxt.start)
            if nxt_link in {"to", "->", ">"} and quantity.unit not in {"x"}:
                baseline = quantity
                continue
        if quantity.unit == "x" and link in {"by", "", "a", "an", "of", "up", "only"}:
            relative = quantity.value - 1.0
            continue
        if link == "by" or (
            link in {"", "down", "up"}
            and verb_kind in {"increase", "decrease"}
            and target is None
            and quantity.start > verb_at >= 0
        ):
            if change is None and target is None:
                change = quantity
                if link == "down":
                    direction = "decrease"
                elif link == "up":
                    direction = "increase"
            continue
        if link in {"under", "below", "less than", "fewer than", "<", "<=", "≤", "at most",
                    "no more than", "at or below", "max", "maximum", "down to"}:  # fmt: skip
            target = target or quantity
            direction = direction or "decrease"
            continue
        if link in {"above", "over", "more than", "greater than", ">=", "≥", "at least",
                    "no less than", "at or above", "min", "minimum", "exceed", "beat"}:  # fmt: skip
            target = target or quantity
            direction = direction or "increase"
            continue
        if target is None:
            target = quantity

    # "a 7% price reduction", "20% YoY growth"
    if change is None and target is not None and target.unit == "%":
        after = work[target.end : target.end + 40]
        noun = re.match(
            r"\s*(?:[\w-]+\s+){0,2}?(reduction|decrease|cut|drop|savings?|increase|"
            r"growth|uplift|improvement|rise|gain|lift)\b",
            after,
        )
        if noun:
            change, target = target, None
            direction = direction or (
                "decrease" if noun[1] in {"reduction", "decrease", "cut", "drop", "saving",
                                          "savings"} else "increase"
            )  # fmt: skip

    multiple_word = _MULTIPLE_WORD.search(work, 0, main_end)
    if multiple_word and relative is None:
        word = multiple_word[1]
        key = next((k for k in MULTIPLE_WORDS if word.startswith(k[:5]) or word == k), None)
        if key is not None:
            relative = MULTIPLE_WORDS[key]

    fraction = _FRACTION.search(work, 0, main_end)
    if fraction and relative is None:
        relative = FRACTIONS[fraction[1]]

    zero = ZERO_TARGET.search(work, 0, main_end) or NEVER.search(work, 0, main_end)
    if target is None and change is None and zero:
        target = Quantity(0.0, None, zero.start(), zero.end(), zero[0])

    # Direction.
    if range_pair is not None:
        direction = "range"
    elif (
        verb_kind in {"increase", "decrease", "maintain"}
        and verb != "improve"
        and (verb_kind == "maintain" or direction is None)
    ):
        direction = verb_kind
    improving = verb in {"improve", "improves", "improving"}
    if (
        (direction is None or (improving and baseline))
        and baseline is not None
        and target is not None
        and baseline.value != target.value
    ):
        direction = "increase" if target.value > baseline.value else "decrease"
    if direction is None and relative is not None:
        direction = "increase" if relative > 0 else "decrease"
    if direction is None and verb_kind == "reach" and target is not None:
        lower = target.value == 0 or LOWER_IS_BETTER.search(work, verb_at, main_end)
        direction = "decrease" if lower else "increase"
    if direction is None and verb is not None and verb.startswith("improv"):
        direction = "decrease" if LOWER_IS_BETTER.search(work, verb_at, main_end) else "increase"

    if change is not None and change.unit == "%":
        sign = -1.0 if direction == "decrease" else 1.0
        relative = sign * abs(change.value) / 100
    if relative is not None and direction == "decrease" and relative > 0:
        relative = (
            1.0 / (1.0 + relative) - 1.0
            if found_quantities and any(q.unit == "x" for q in found_quantities)
            else -relative
        )

    if target is None and change is not None and baseline is not None and change.unit != "%":
        signed = -abs(change.value) if direction == "decrease" else abs(change.value)
        target = Quantity(baseline.value + signed, baseline.unit or change.unit, change.start,
                          change.end, change.text)  # fmt: skip

    unit = None
    for candidate in (target, baseline, change):
        if candidate is not None and candidate.unit is not None and candidate.unit != "x":
            unit = candidate.unit
            break
    if baseline is not None and baseline.unit is None and target is not None and target.unit:
        baseline = replace(baseline, unit=target.unit)

    # Metric phrase.
    metric: str | None = None
    verb_end = verb_at + len(verb) if verb is not None else start
    if verb_kind in {"increase", "decrease", "maintain", "vague"} and verb is not None:
        metric = _phrase(work, text, verb_end, main_end)
    if metric is None or verb_kind in {"reach", "deliverable"}:
        first_q = next((q for q in found_quantities if q.start >= verb_end), None)
        if verb_kind in {"reach", "deliverable"} and first_q is not None:
            metric = _phrase(work, text, first_q.end, main_end)
        elif metric is None:
            lead = _phrase(work, text, start, main_end)
            if lead and (found_quantities or ":" in low):
                metric = lead
    if metric is not None:
        metric = re.sub(r"^(?:a|an|the|our)\s+", "", metric, flags=re.IGNORECASE)
        if metric.lower() in STOPWORDS or not re.search(r"[a-zA-Z]", metric):
            metric = None
    if unit is None and metric is not None:
        metric_low = metric.lower()
        if re.search(r"\be?nps\b|net promoter", metric_low):
            unit = "NPS"
        elif re.search(r"\b(csat|rating|score|stars?)\b", metric_low) or score_scale:
            unit = "score"
    if unit is None and (target is not None or baseline is not None):
        unit = "count"

    # Deliverable: a deliverable verb at a clause start with a concrete object.
    deliverable: str | None = None
    concrete_object = False
    next_token = tokens[verb_index + 1][0] if 0 <= verb_index < len(tokens) - 1 else ""
    if (
        verb_kind == "deliverable"
        or (verb_kind == "reach" and DELIVERABLE_OBJECT.search(work))
        or (verb_kind == "maintain" and next_token in {"a", "an"})
        or _DELIVERABLE_NOUN.search(work, start, main_end)
    ):
        obj_words = [
            token for token, position in tokens[verb_index + 1 :]
            if token[0].isalpha() and token not in STOPWORDS
        ]  # fmt: skip
        first_obj = tokens[verb_index + 1][0] if verb_index + 1 < len(tokens) else ""
        concrete_object = first_obj not in {"more", "better", "great", "good"} and any(
            word not in VAGUE_WORDS for word in obj_words
        )
        if concrete_object:
            begin = verb_at if verb_at >= 0 else start
            deliverable_end = main_end
            for stop in re.finditer(
                r"[.;,(](?:\s|$)|\s(?:so|because|which|by|before|within)\s", work + " "
            ):
                if stop.start() > begin:
                    deliverable_end = min(deliverable_end, stop.start())
                    break
            deliverable = re.sub(r"\s+", " ", text[begin:deliverable_end]).strip(" .") or None

    # Specific: concrete words left once verbs, stop words, vague words and dates are removed.
    main_tokens = tokens
    relational = verb in {"align", "partner", "collaborate", "work", "engage", "leverage"}
    concrete: list[str] = []
    vague_found: list[str] = []
    skip_with = False
    for token, _ in main_tokens:
        if not token[0].isalpha():
            continue
        if token == "with" and relational:
            skip_with = True
        if skip_with:
            continue
        kind = _ALL_VERBS.get(token)
        if token in _VAGUE_VERB_FORMS or token in VAGUE_WORDS:
            vague_found.append(token)
            continue
        if kind is not None or token in STOPWORDS or len(token) < 2:
            continue
        concrete.append(token)
    metric_terms = tuple(dict.fromkeys(m[1] for m in _METRIC_TERM.finditer(work, 0, main_end)))

    extracted = Extracted(
        metric=metric,
        baseline=baseline.value if baseline else None,
        target=(
            target.value
            if target
            else (baseline.value * (1 + relative) if baseline and relative is not None else None)
        ),
        unit=unit,
        direction=direction,
        deadline=dates.deadline,
        relative_change=relative,
        deliverable=deliverable,
    )
    if range_pair is not None:
        extracted = replace(extracted, target=None, unit=range_pair[1].unit or unit)
    return _Parse(
        text=text,
        low=low,
        work=work,
        main_end=main_end,
        purpose=purpose[1] if purpose else None,
        dates=dates,
        quantities=found_quantities,
        verb=verb,
        verb_kind=verb_kind,
        verb_at=verb_at,
        extracted=extracted,
        change_amount=change if change is not None and change.unit != "%" else None,
        concrete=tuple(dict.fromkeys(concrete)),
        vague_found=tuple(dict.fromkeys(vague_found)),
        metric_terms=metric_terms,
    )


def goal_extract(text: str, *, today: date, fiscal_year_start_month: int = 1) -> Extracted:
    """Metric, baseline, target, unit, direction, deadline and deliverable of a goal text."""
    return _parse(text, today, fiscal_year_start_month).extracted


# ---------------------------------------------------------------------------------------------
# Criteria


def _fmt(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 1000 else f"{value:g}"


def _with_unit(value: float | None, unit: str | None) -> str:
    if unit in {None, "count"}:
        return _fmt(value)
    if unit in {"%", "pp"}:
        return f"{_fmt(value)}{'%' if unit == '%' else ' pp'}"
    return f"{_fmt(value)} {unit}"


def _specific(parse: _Parse, context: GoalContext | None) -> Criterion:
    evidence: list[str] = []
    extracted = parse.extracted
    if context is not None and context.metric:
        return Criterion(True, 1.0, (f"metric '{context.metric}' set on the goal",), None)
    if parse.metric_terms:
        evidence.append("names the metric " + ", ".join(f"'{t}'" for t in parse.metric_terms))
    if extracted.deliverable:
        evidence.append(f"names the outcome '{extracted.deliverable}'")
    elif extracted.metric and any(w in extracted.metric.lower() for w in parse.concrete):
        evidence.append(f"object '{extracted.metric}'")
    if not evidence and parse.concrete:
        evidence.append("object: " + " ".join(parse.concrete[:6]))
    if evidence:
        return Criterion(True, 1.0, tuple(evidence), None)
    vague = ", ".join(f"'{w}'" for w in parse.vague_found[:4]) or "no object"
    return Criterion(
        False,
        0.0,
        (f"only general wording: {vague}",),
        "Name what will change and for whom, e.g. 'customer churn in the SMB segment' "
        "instead of a general verb such as 'improve'.",
    )


def _measurable(parse: _Parse, context: GoalContext | None) -> Criterion:
    extracted = parse.extracted
    target = context.target if context and context.target is not None else extracted.target
    unit = context.unit if context and context.unit else extracted.unit
    evidence: list[str] = []
    if target is not None:
        text = f"target {_with_unit(target, unit)}"
        if extracted.baseline is not None:
            text = f"from {_with_unit(extracted.baseline, unit)} to {_with_unit(target, unit)}"
        evidence.append(text)
    elif extracted.relative_change is not None:
        evidence.append(f"relative change {extracted.relative_change:+.0%}")
    elif parse.change_amount is not None:
        change = parse.change_amount
        evidence.append(f"change of {_with_unit(change.value, change.unit)}")
    elif extracted.direction == "range":
        evidence.append("a range to stay within")
    if extracted.deliverable:
        evidence.append(f"verifiable deliverable '{extracted.deliverable}'")
    if parse.dates.service_level_phrase and not evidence:
        evidence.append(f"service level '{parse.dates.service_level_phrase}'")
    if evidence:
        return Criterion(True, 1.0, tuple(evidence), None)
    metric = extracted.metric if extracted.metric and parse.concrete else "the metric"
    if parse.quantities:
        return Criterion(
            False,
            0.5,
            (f"a number ('{parse.quantities[0].text}') but no target",),
            f"Say where {metric} should end up, e.g. 'from 42% to 50%'.",
        )
    return Criterion(
        False,
        0.0,
        ("no number, unit or verifiable deliverable found",),
        f"Name the number you will reach for {metric}, e.g. 'from 42% to 50%', or a "
        "deliverable you can check off, e.g. 'launch the partner portal'.",
    )


def _least_squares_slope(points: list[tuple[float, float]]) -> float | None:
    """Ordinary least-squares slope of y on x (Legendre 1805); None for fewer than 2 points."""
    if len(points) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def _history_issue(
    history: tuple[tuple[date, float], ...], target: float, due: date, today: date
) -> str | None:
    ordered = sorted(history)
    if len(ordered) < 2 or due <= today:
        return None
    first = ordered[0][0]
    points = [(float((day - first).days), value) for day, value in ordered]
    current = ordered[-1][1]
    days_left = (due - max(today, ordered[-1][0])).days or 1
    required = (target - current) / days_left
    if required == 0:
        return None
    sign = 1.0 if required > 0 else -1.0
    slopes = [_least_squares_slope(points)]
    slopes += [_least_squares_slope(points[i : i + 3]) for i in range(len(points) - 2)]
    best = max((sign * s for s in slopes if s is not None), default=0.0)
    if best <= 0:
        return (
            f"needs {abs(required) * 30:.3g}/month but the history has not moved toward the target"
        )
    if abs(required) > HISTORY_PACE_LIMIT * best:
        return (
            f"needs {abs(required) * 30:.3g}/month, {abs(required) / best:.1f}x the best pace "
            f"in its history ({best * 30:.3g}/month)"
        )
    return None


def _achievable(parse: _Parse, today: date, context: GoalContext | None) -> Criterion:
    extracted = parse.extracted
    issues: list[tuple[str, str]] = []  # (evidence, suggestion)
    notes: list[str] = []
    deadline = context.due if context and context.due else extracted.deadline
    target = context.target if context and context.target is not None else extracted.target
    baseline = context.baseline if context and context.baseline is not None else extracted.baseline
    unit = context.unit if context and context.unit else extracted.unit
    example = quarter_end_after(today)
    metric_text = (extracted.metric or "").lower() or parse.work[: parse.main_end]
    main = parse.work[: parse.main_end]

    if deadline is not None and deadline < today:
        issues.append(
            (f"deadline {deadline.isoformat()} is already past (today {today.isoformat()})",
             f"Move the deadline to a future date, e.g. 'by {example.isoformat()}'.")
        )  # fmt: skip

    bounded = BOUNDED_PERCENT.search(metric_text) or BOUNDED_PERCENT.search(main)
    unbounded = UNBOUNDED_PERCENT.search(metric_text)
    if unit == "%" and not unbounded:
        for label, value in (("target", target), ("baseline", baseline)):
            if (
                value is not None
                and (value > 100 or value < 0)
                and (bounded or extracted.relative_change is None)
            ):
                issues.append(
                    (f"{label} {_fmt(value)}% is outside 0–100% for a share or rate",
                     "Use a value between 0% and 100%, e.g. 'to 45%'.")
                )  # fmt: skip
    if extracted.relative_change is not None and extracted.relative_change < -1.0:
        issues.append(
            (f"a reduction of {-extracted.relative_change:.0%} removes more than everything",
             "A reduction can be at most 100%; name the end value instead, e.g. 'to 400'.")
        )  # fmt: skip
    change = parse.change_amount
    if change is not None and change.unit == "pp":
        signed = -abs(change.value) if extracted.direction == "decrease" else abs(change.value)
        end = (baseline + signed) if baseline is not None else None
        if (end is not None and not 0 <= end <= 100) or abs(change.value) > 100:
            issues.append(
                (f"a change of {_fmt(change.value)} pp leaves the 0–100% range",
                 "Pick a percentage-point change that keeps the value between 0% and 100%.")
            )  # fmt: skip

    # Absolutes as targets: perfection, zero bad events, "ever/never/always".
    absolute: str | None = None
    if unit == "%" and target == 100 and PERFECT_QUALITY.search(main):
        absolute = "100% target"
    elif target == 0 and NEGATIVE_EVENTS.search(main):
        absolute = "zero target"
    words = ABSOLUTE_WORDS.search(parse.low, 0, parse.main_end)
    if words:
        absolute = f"absolute '{words[0]}'"
    if absolute is not None:
        plan = PLAN_WORDS.search(parse.work)
        if plan:
            notes.append(f"{absolute} backed by a stated plan ('{plan[0].strip()}…')")
        else:
            issues.append(
                (f"{absolute} with no plan stated",
                 "Replace the absolute with a realistic level (e.g. '98%' or 'under 2 per "
                 "month'), or state the plan that makes it possible.")
            )  # fmt: skip

    # Implied rate of change for the window.
    if deadline is not None and deadline > today:
        months = max((deadline - today).days / DAYS_PER_MONTH, 0.1)
        multiple: float | None = None
        fraction: float | None = None
        base_s = in_seconds(baseline, _quantity_unit(parse, "baseline")) if baseline else None
        target_s = in_seconds(target, _quantity_unit(parse, "target")) if target else None
        base_v = base_s if base_s is not None and target_s is not None else baseline
        target_v = target_s if base_s is not None and target_s is not None else target
        if base_v is not None and target_v is not None and base_v > 0 and target_v >= 0:
            if target_v > base_v:
                multiple = target_v / base_v
            else:
                fraction = 1 - target_v / base_v
        elif extracted.relative_change is not None:
            if extracted.relative_change > 0:
                multiple = 1 + extracted.relative_change
            else:
                fraction = -extracted.relative_change
        if multiple is not None and multiple >= 2:
            monthly = multiple ** (1 / months)
            if monthly >= MONTHLY_MULTIPLE_LIMIT:
                issues.append(
                    (f"{multiple:.3g}x in {months:.1f} months is {monthly:.3g}x per month",
                     "Give it more time or a smaller target: growth above 3x per month is "
                     "rarely sustained.")
                )  # fmt: skip
        if fraction is not None and fraction >= 0.9 and months < 2:
            issues.append(
                (f"a {fraction:.0%} cut in {months:.1f} months",
                 "Give it more time or a smaller cut, e.g. half of the way first.")
            )  # fmt: skip

    if (
        extracted.deliverable
        and target is not None
        and baseline is None
        and deadline is not None
        and deadline >= today
        and target / max((deadline - today).days, 1) > DELIVERABLE_PER_DAY_LIMIT
    ):
        days = max((deadline - today).days, 1)
        issues.append(
            (f"{_fmt(target)} in {days} day{'s' if days > 1 else ''} is more than "
             f"{DELIVERABLE_PER_DAY_LIMIT} a day",
             "Spread the deliverable over a realistic window or split it into stages.")
        )  # fmt: skip

    if context is not None:
        if context.history and target is not None and deadline is not None:
            problem = _history_issue(context.history, target, deadline, today)
            if problem:
                issues.append(
                    (problem, "Lower the target or move the deadline so the required pace is "
                     "within 3x of the best pace so far.")
                )  # fmt: skip
            else:
                notes.append("required pace is in line with the metric's history")
        if context.owner_active_goals is not None:
            load = context.owner_active_goals
            if load > context.owner_load_cap:
                issues.append(
                    (f"owner already has {load} active goals (cap {context.owner_load_cap})",
                     "Give the goal to someone with capacity or close one of the owner's "
                     "goals first.")
                )  # fmt: skip
            else:
                notes.append(f"owner load {load} of {context.owner_load_cap}")

    if issues:
        score = max(0.0, 1.0 - 0.5 * len(issues))
        return Criterion(False, score, tuple(e for e, _ in issues) + tuple(notes), issues[0][1])
    evidence = ("no contradiction found (deadline, values, absolutes, pace)", *notes)
    return Criterion(True, 1.0, tuple(evidence), None)


def _quantity_unit(parse: _Parse, which: str) -> str | None:
    value = parse.extracted.baseline if which == "baseline" else parse.extracted.target
    for quantity in parse.quantities:
        if quantity.value == value:
            return quantity.unit
    return parse.extracted.unit


def _relevant(parse: _Parse, context: GoalContext | None) -> Criterion:
    if context is not None and context.linked is not None:
        if context.linked:
            return Criterion(
                True, 1.0, ("linked to a partnership objective, parent goal or KPI",), None
            )
        return Criterion(
            False,
            0.0,
            ("not linked to a partnership objective, parent goal or KPI",),
            "Link the goal to the partnership objective or parent goal it serves.",
        )
    if parse.purpose:
        purpose = parse.purpose if len(parse.purpose) <= 80 else parse.purpose[:77] + "…"
        return Criterion(True, 1.0, (f"states a purpose: '{purpose}'",), None)
    if parse.metric_terms:
        return Criterion(
            False,
            0.5,
            (f"names a business metric ({parse.metric_terms[0]}) but not why it matters",),
            "Say why it matters, e.g. add '… so that we protect recurring revenue'.",
        )
    return Criterion(
        False,
        0.0,
        ("no stated purpose or link to an objective",),
        "Add the outcome it serves, e.g. '… to reduce churn in the SMB segment', or link it "
        "to a partnership objective.",
    )


def _time_bound(parse: _Parse, today: date, context: GoalContext | None) -> Criterion:
    dates = parse.dates
    example = quarter_end_after(today).isoformat()
    if context is not None and context.due is not None:
        return Criterion(True, 1.0, (f"due date {context.due.isoformat()} set on the goal",), None)
    if dates.deadline is not None:
        return Criterion(
            True,
            1.0,
            (f"deadline {dates.deadline.isoformat()} from '{dates.deadline_phrase}'",),
            None,
        )
    start = context.start if context and context.start else dates.start
    start_text = start.isoformat() if start else None
    rhythm = dates.cadence_phrase or dates.service_level_phrase
    if start_text and rhythm:
        return Criterion(
            True,
            1.0,
            (f"starts {start_text}" + (f" ('{dates.start_phrase}')" if dates.start_phrase else "")
             + f" with cadence '{rhythm}'",),
        None,
        )  # fmt: skip
    evidence: list[str] = [f"'{word}' is not a deadline" for word in dates.vague]
    if rhythm:
        evidence.append(f"cadence '{rhythm}' but no start date")
        return Criterion(
            False, 0.5, tuple(evidence), f"Add when it starts, e.g. 'starting {example}'."
        )
    if start_text:
        evidence.append(f"start {start_text} but no deadline or cadence")
        return Criterion(False, 0.5, tuple(evidence), f"Add a deadline such as 'by {example}'.")
    evidence.append("no deadline found")
    if dates.vague:
        return Criterion(
            False,
            0.0,
            tuple(evidence),
            f"Replace '{dates.vague[0]}' with a date, e.g. 'by {example}'.",
        )
    return Criterion(False, 0.0, tuple(evidence), f"Add a deadline such as 'by {example}'.")


def _owner(count: int) -> Criterion:
    if count == 1:
        return Criterion(True, 1.0, ("one accountable owner",), None)
    if count == 0:
        return Criterion(False, 0.0, ("no accountable owner",), "Name one accountable owner.")
    return Criterion(
        False,
        0.5,
        (f"{count} accountable owners",),
        "Keep one accountable owner (the A in RACI); the others can be responsible.",
    )


def smart_assess(
    text: str = "",
    *,
    today: date,
    context: GoalContext | None = None,
    fiscal_year_start_month: int = 1,
) -> SmartAssessment:
    """Assess one goal against the five SMART criteria (plus owner when the count is given)."""
    parse = _parse(text, today, fiscal_year_start_month)
    criteria = {
        "specific": _specific(parse, context),
        "measurable": _measurable(parse, context),
        "achievable": _achievable(parse, today, context),
        "relevant": _relevant(parse, context),
        "time_bound": _time_bound(parse, today, context),
    }
    if context is not None and context.owner_count is not None:
        criteria["owner"] = _owner(context.owner_count)
    extracted = parse.extracted
    if context is not None:
        extracted = replace(
            extracted,
            metric=context.metric or extracted.metric,
            unit=context.unit or extracted.unit,
            baseline=context.baseline if context.baseline is not None else extracted.baseline,
            target=context.target if context.target is not None else extracted.target,
            direction=context.direction or extracted.direction,
            deadline=context.due or extracted.deadline,
        )
    return SmartAssessment(
        text=text,
        criteria=criteria,
        extracted=extracted,
        is_smart=all(criterion.passed for criterion in criteria.values()),
    )


def smart_assess_many(
    items: Iterable[tuple[str, str]], *, today: date, fiscal_year_start_month: int = 1
) -> Iterator[tuple[str, SmartAssessment]]:
    """Assess (id, text) pairs in order; a generator, so large batches stream."""
    for item_id, text in items:
        yield (
            item_id,
            smart_assess(text, today=today, fiscal_year_start_month=fiscal_year_start_month),
        )


def assessment_json(assessment: SmartAssessment, id: object = None) -> dict[str, Any]:
    """The assessment as plain JSON types (the CLI's and the API's shape)."""
    extracted = assessment.extracted
    return {
        "id": id,
        "text": assessment.text,
        "criteria": {
            name: {
                "pass": criterion.passed,
                "score": round(criterion.score, 3),
                "evidence": list(criterion.evidence),
                "suggestion": criterion.suggestion,
            }
            for name, criterion in assessment.criteria.items()
        },
        "extracted": {
            "metric": extracted.metric,
            "baseline": extracted.baseline,
            "target": extracted.target,
            "unit": extracted.unit,
            "direction": extracted.direction,
            "deadline": extracted.deadline.isoformat() if extracted.deadline else None,
        },
        "is_smart": assessment.is_smart,
    }
