"""The built-in instruments: their items, option labels and scores, in our own words.

The constructs are public science (../shared/METRICS.md §1–3); the wording below is written
for Accord. Published item texts (the relational-coordination survey's in particular) are
licensed: an admin may paste such wording into a *copy* of an instrument, never here.

Scores are stored per option by display position (Item.scores), so scoring never assumes a
linear scale: the coordination frequency item is scored on adequacy, "just the right amount"
highest and both extremes lowest (Gittell's recode, METRICS.md §1).
"""

from dataclasses import dataclass, field

from accord.surveys.models import InstrumentKind, ItemKind, SeniorityBand

# --- keys the scoring and the results pages rely on -----------------------------------------

COORDINATION_KEY = "coordination"
PSYCH_SAFETY_KEY = "psychological-safety"
HEALTH_CHECK_KEY = "health-check"
# The optional open question each built-in ends with (kind text, never required).
COMMENT_KEYS = {
    COORDINATION_KEY: "one_change",
    PSYCH_SAFETY_KEY: "speak_up_easier",
    HEALTH_CHECK_KEY: "anything_else",
}

# The seven relational-coordination dimensions, in display order, with their sub-index.
COORDINATION_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("frequent", "communication"),
    ("timely", "communication"),
    ("accurate", "communication"),
    ("problem_solving", "communication"),
    ("shared_goals", "relationship"),
    ("shared_knowledge", "relationship"),
    ("mutual_respect", "relationship"),
)
COORDINATION_ITEM_KEYS = tuple(key for key, _dimension in COORDINATION_DIMENSIONS)
FREQUENT_OPTIONS = (
    "Not nearly enough",
    "Not enough",
    "Just the right amount",
    "Too often",
    "Much too often",
)
# Adequacy, not amount: display position 1..5 scores 1, 3, 5, 4, 2.
FREQUENT_SCORES = (1, 3, 5, 4, 2)
COORDINATION_OPTION_COUNT = 5

# Health check votes in display order, their ordinal scores, and the trend answers.
HEALTH_VOTES = ("green", "yellow", "red")
HEALTH_VOTE_LABELS = {"green": "Green", "yellow": "Yellow", "red": "Red"}
HEALTH_SCORES = (2, 1, 0)
HEALTH_TRENDS = ("better", "same", "worse")
HEALTH_TREND_LABELS = {
    "better": "Getting better",
    "same": "About the same",
    "worse": "Getting worse",
}
HEALTH_MIDDLE = "Somewhere in between: some of it works, some of it does not."

AGREE_5 = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
AGREE_7 = (
    "Strongly disagree",
    "Disagree",
    "Somewhat disagree",
    "Neither agree nor disagree",
    "Somewhat agree",
    "Agree",
    "Strongly agree",
)
SCALE_MIN, SCALE_MAX = 2, 11
TEXT_MAX = 2000


def agree_scale(points: int) -> list[str]:
    """Option labels of an agree scale with `points` options (5 and 7 are named)."""
    if points == 5:
        return list(AGREE_5)
    if points == 7:
        return list(AGREE_7)
    labels = [str(number) for number in range(1, points + 1)]
    labels[0] = "1 – strongly disagree"
    labels[-1] = f"{points} – strongly agree"
    return labels


def linear_scores(count: int) -> list[int]:
    return list(range(1, count + 1))


def band_for(seniority: int | None) -> str:
    """The anonymous seniority band of a response: levels 1–2 individual contributors,
    3 managers, 4–5 directors and executives."""
    if seniority is None:
        return ""
    if seniority <= 2:
        return SeniorityBand.CONTRIBUTOR
    if seniority == 3:
        return SeniorityBand.MANAGER
    return SeniorityBand.LEADER


# --- the definitions ------------------------------------------------------------------------

# Said under every built-in open question: who sees the comments and when.
COMMENT_HELP = (
    "Optional. Comments are shown only once enough people have written one, shuffled and "
    "without names or dates. Leave out anything that would identify you or a colleague."
)


@dataclass(frozen=True)
class ItemSpec:
    """One item as written (built-in) or as an admin composed it (a new version)."""

    key: str
    kind: str
    text: str
    help_text: str = ""
    dimension: str = ""
    reverse: bool = False
    options: tuple[str, ...] = ()
    scores: tuple[float, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class InstrumentSpec:
    key: str
    name: str
    kind: str
    description: str
    scale_points: int
    items: tuple[ItemSpec, ...] = field(default_factory=tuple)


def comment_item(key: str, text: str) -> ItemSpec:
    """The optional open question that closes a built-in instrument."""
    return ItemSpec(key=key, kind=ItemKind.TEXT, text=text, help_text=COMMENT_HELP)


def _coordination(key: str, text: str, options: tuple[str, ...], help_text: str) -> ItemSpec:
    dimension = dict(COORDINATION_DIMENSIONS)[key]
    scores = FREQUENT_SCORES if key == "frequent" else tuple(linear_scores(len(options)))
    return ItemSpec(
        key=key,
        kind=ItemKind.COORDINATION,
        text=text,
        help_text=help_text,
        dimension=dimension,
        options=options,
        scores=scores,
    )


COORDINATION = InstrumentSpec(
    key=COORDINATION_KEY,
    name="Coordination between functions",
    kind=InstrumentKind.COORDINATION,
    description=(
        "How well the functions of a partnership work with each other. Each person rates "
        "every other function on seven aspects: how often, how timely, how accurately and how "
        "constructively they communicate, and how far they share goals, understand each "
        "other's work and value each other's contribution. People describe the other "
        "functions, not themselves."
    ),
    scale_points=5,
    items=(
        _coordination(
            "frequent",
            "Is the amount of contact you have with each function about your shared work right?",
            FREQUENT_OPTIONS,
            "Too little and too much both get in the way; the middle answer is the best one.",
        ),
        _coordination(
            "timely",
            "When you need something from each function, does it reach you in time to act on it?",
            ("Almost never", "Rarely", "Sometimes", "Usually", "Almost always"),
            "Think of information, answers and hand-overs in the last couple of months.",
        ),
        _coordination(
            "accurate",
            "How often is what you get from each function correct and complete?",
            ("Almost never", "Rarely", "Sometimes", "Usually", "Almost always"),
            "Correct figures, complete requests, nothing you have to chase or redo.",
        ),
        _coordination(
            "problem_solving",
            "When the shared work goes wrong, how does each function respond?",
            (
                "Points at others",
                "Mostly points at others",
                "It varies",
                "Mostly helps fix it",
                "Fixes it together with us",
            ),
            "Think of the last few problems that involved both of you.",
        ),
        _coordination(
            "shared_goals",
            "How far does each function pursue the same outcomes as you in this work?",
            ("Not at all", "A little", "Partly", "Mostly", "Fully"),
            "",
        ),
        _coordination(
            "shared_knowledge",
            "How well does each function understand what your part of the work involves?",
            ("Not at all", "Slightly", "Moderately", "Well", "Thoroughly"),
            "",
        ),
        _coordination(
            "mutual_respect",
            "How much does each function value what you contribute?",
            ("Not at all", "A little", "Somewhat", "A lot", "Completely"),
            "",
        ),
        comment_item(
            COMMENT_KEYS[COORDINATION_KEY],
            "What one change would make working with the other functions easier?",
        ),
    ),
)


def _safety(key: str, text: str, *, reverse: bool = False) -> ItemSpec:
    return ItemSpec(
        key=key,
        kind=ItemKind.LIKERT,
        text=text,
        reverse=reverse,
        options=tuple(AGREE_7),
        scores=tuple(linear_scores(7)),
        required=True,
    )


# Three items are worded negatively (reverse-scored); they sit at positions 2, 4 and 7.
PSYCH_SAFETY = InstrumentSpec(
    key=PSYCH_SAFETY_KEY,
    name="Psychological safety",
    kind=InstrumentKind.PSYCH_SAFETY,
    description=(
        "Whether people in this team feel safe to speak up, admit mistakes, ask for help and "
        "try new things. Seven statements on an agree scale; three are worded the other way "
        "round on purpose and are reverse-scored."
    ),
    scale_points=7,
    items=(
        _safety(
            "speak_up", "I can raise a concern in this team without worrying how it will land."
        ),
        _safety(
            "mistakes_remembered",
            "When someone here makes an honest mistake, it is remembered against them.",
            reverse=True,
        ),
        _safety(
            "hard_topics", "People in this team can bring up problems and difficult questions."
        ),
        _safety("help_is_risky", "Asking someone in this team for help feels risky.", reverse=True),
        _safety("try_new", "I can try a new way of doing things here, even if it might not work."),
        _safety("skills_used", "What I know and can do is put to good use in this team."),
        _safety(
            "kept_at_the_edge",
            "People who think or work differently are kept at the edge of this team.",
            reverse=True,
        ),
        comment_item(
            COMMENT_KEYS[PSYCH_SAFETY_KEY],
            "What would make it easier to speak up, ask for help or try something new here?",
        ),
    ),
)


def health_item(key: str, name: str, good: str, bad: str, *, help_text: str = "") -> ItemSpec:
    """A health indicator: the options are what green, yellow and red look like."""
    return ItemSpec(
        key=key,
        kind=ItemKind.HEALTH,
        text=name,
        help_text=help_text,
        options=(good, HEALTH_MIDDLE, bad),
        scores=HEALTH_SCORES,
        required=True,
    )


HEALTH_CHECK = InstrumentSpec(
    key=HEALTH_CHECK_KEY,
    name="Team health check",
    kind=InstrumentKind.HEALTH_CHECK,
    description=(
        "A quick look at how the team is doing. For each indicator, vote green (it looks like "
        "the good description), red (it looks like the bad one) or yellow (in between), and "
        "say whether it is getting better or worse. Votes are compared with the team's own "
        "previous check, never ranked against other teams."
    ),
    scale_points=3,
    items=(
        health_item(
            "easy_to_release",
            "Easy to release",
            "Getting our work out to the people who use it is simple, safe and quick.",
            "Releasing is slow and risky, and takes a lot of manual effort and nerves.",
        ),
        health_item(
            "suitable_process",
            "Suitable process",
            "The way we work fits us, and we change it when it stops fitting.",
            "Our process gets in the way more than it helps, and nobody changes it.",
        ),
        health_item(
            "tech_quality",
            "Tech quality",
            "We are proud of the quality of what we build, and it is easy to change.",
            "What we build is fragile: every change feels like a gamble.",
        ),
        health_item(
            "value",
            "Value",
            "What we deliver clearly matters to our customers and colleagues.",
            "We spend our time on things nobody really needs.",
        ),
        health_item(
            "speed",
            "Speed",
            "Work flows: we finish things quickly and little gets stuck.",
            "Work keeps stalling while we wait on others and on each other.",
        ),
        health_item(
            "mission",
            "Mission",
            "We know why we are doing this, and it motivates us.",
            "We do not know why we are doing this, or we do not believe in it.",
        ),
        health_item(
            "fun",
            "Fun",
            "We enjoy working together and have a good time doing it.",
            "Working here is a drag.",
        ),
        health_item(
            "learning",
            "Learning",
            "We keep learning new things and get better at what we do.",
            "We never have the time or room to learn anything.",
        ),
        health_item(
            "support",
            "Support",
            "When we ask for help or backing, we get it.",
            "We are on our own: asking for help leads nowhere.",
        ),
        health_item(
            "pawns_or_players",
            "Pawns or players",
            "We decide what to work on and how; we are in control of our own destiny.",
            "We are told what to do and have no say in it.",
        ),
        health_item(
            "teamwork",
            "Teamwork",
            "We work as one team, share the load and cover for each other.",
            "We are individuals working side by side rather than a team.",
        ),
        comment_item(COMMENT_KEYS[HEALTH_CHECK_KEY], "Anything else the team should hear?"),
    ),
)

BUILT_INS: tuple[InstrumentSpec, ...] = (COORDINATION, PSYCH_SAFETY, HEALTH_CHECK)
BUILT_IN_BY_KEY = {spec.key: spec for spec in BUILT_INS}

# Item kinds each instrument kind may hold (the built-ins: their own kind, then the optional
# open question they end with; the first kind is what a new question defaults to).
KINDS_ALLOWED: dict[str, tuple[str, ...]] = {
    InstrumentKind.COORDINATION: (ItemKind.COORDINATION, ItemKind.TEXT),
    InstrumentKind.PSYCH_SAFETY: (ItemKind.LIKERT, ItemKind.TEXT),
    InstrumentKind.HEALTH_CHECK: (ItemKind.HEALTH, ItemKind.TEXT),
    InstrumentKind.CUSTOM: (
        ItemKind.LIKERT,
        ItemKind.SCALE_0_10,
        ItemKind.SINGLE,
        ItemKind.MULTIPLE,
        ItemKind.TEXT,
    ),
}
# Kinds whose answer is one option chosen by its display position.
POSITIONAL_KINDS = frozenset(
    {ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.COORDINATION, ItemKind.HEALTH}
)
CHOICE_KINDS = frozenset({ItemKind.LIKERT, ItemKind.SINGLE, ItemKind.MULTIPLE})
