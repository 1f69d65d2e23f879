"""Channel advice: which channel fits a message, following media-richness theory.

Daft, R. L. & Lengel, R. H. (1986), "Organizational information requirements, media richness
and structural design", Management Science 32(5): channels differ in richness — immediate
feedback, multiple cues (voice, face), natural language and personal focus. Equivocal
(ambiguous) and sensitive matters need rich channels, where people can question, read
reactions and converge; clear, routine matters travel best in lean written channels, which
are cheap, reach many and leave a record. Uncertainty (missing information, here
"complexity") is a different need: it calls for detail people can study, which lean written
channels carry well.

How the advice is computed:

1. Required richness R = max(ambiguity floor, sensitivity floor); ambiguity low/medium/high
   → 1/2/4, sensitivity → 1/2/4. Channels leaner than R do not fit (oversimplification).
2. Every channel gets integer points for how it suits the audience size, the urgency
   (speed), the amount of detail, whether people only need informing or must discuss or
   decide, the need for a record and, when the matter is highly sensitive, privacy (only the
   one-to-one, the richest channel, earns it). A channel richer than R loses one point per
   level above it (overcomplication: a rich channel for a routine message costs time).
3. The recommendation is the fitting channel with the most points; ties go to the cheaper
   channel (CHANNELS order). The other channels follow as ranked alternatives, fitting ones
   first.

Because ambiguity only raises R (and the overkill penalty falls hardest on lean channels as R
rises), raising ambiguity never makes the recommendation leaner; the same holds for
sensitivity. Pure: no Django here.
"""

from dataclasses import dataclass

LOW, MEDIUM, HIGH = "low", "medium", "high"
LEVELS = (LOW, MEDIUM, HIGH)
INFORM, DISCUSS, DECIDE = "inform", "discuss", "decide"
INTERACTIONS = (INFORM, DISCUSS, DECIDE)

CHAT, EMAIL, WRITTEN_UPDATE, DOCUMENT = "chat", "email", "written_update", "document"
MEETING, WORKSHOP, ONE_TO_ONE = "meeting", "workshop", "one_to_one"


@dataclass(frozen=True)
class Channel:
    key: str
    label: str
    richness: int  # 1 (lean, impersonal written) … 5 (face to face)
    synchronous: bool
    speed: int  # how soon an answer comes: -2 (needs preparing) … 3 (minutes)
    pace: str  # the speed, in words


# Cheapest first: the order ties are broken in.
CHANNELS: tuple[Channel, ...] = (
    Channel(CHAT, "Chat message", 3, True, 3, "answers come within minutes"),
    Channel(EMAIL, "Email", 2, False, 1, "replies usually come within the day"),
    Channel(WRITTEN_UPDATE, "Written update", 1, False, -1, "waits for the next update"),
    Channel(DOCUMENT, "Document for comments", 2, False, 0, "comments arrive over days"),
    Channel(ONE_TO_ONE, "One-to-one conversation", 5, True, 2, "a call can happen today"),
    Channel(MEETING, "Meeting", 4, True, 1, "a meeting needs a slot in calendars"),
    Channel(WORKSHOP, "Workshop", 5, True, -2, "a workshop needs preparing and a long slot"),
)
BY_KEY = {channel.key: channel for channel in CHANNELS}
ORDER = {channel.key: index for index, channel in enumerate(CHANNELS)}

AMBIGUITY_FLOOR = {LOW: 1, MEDIUM: 2, HIGH: 4}
SENSITIVITY_FLOOR = {LOW: 1, MEDIUM: 2, HIGH: 4}

# Audience sizes: one person, a few (2–4), a team (5–12), a group (13–40), a crowd (41+).
AUDIENCE_BANDS = ((1, "one person"), (4, "a few people"), (12, "a team"), (40, "a larger group"))
AUDIENCE_CROWD = "a broad audience"
AUDIENCE_FIT: dict[str, tuple[int, int, int, int, int]] = {
    CHAT: (2, 2, 1, -1, -3),
    EMAIL: (1, 1, 1, 2, 2),
    WRITTEN_UPDATE: (-3, 0, 1, 2, 3),
    DOCUMENT: (0, 2, 2, 1, 0),
    ONE_TO_ONE: (3, -2, -6, -10, -12),
    MEETING: (0, 3, 2, -2, -5),
    WORKSHOP: (-6, -1, 3, 3, 0),
}
URGENCY_WEIGHT = {LOW: 0, MEDIUM: 1, HIGH: 2}
COMPLEXITY_FIT: dict[str, dict[str, int]] = {
    CHAT: {LOW: 1, MEDIUM: -1, HIGH: -3},
    EMAIL: {LOW: 0, MEDIUM: 1, HIGH: 1},
    WRITTEN_UPDATE: {LOW: 1, MEDIUM: 1, HIGH: 0},
    DOCUMENT: {LOW: -2, MEDIUM: 1, HIGH: 3},
    ONE_TO_ONE: {LOW: 0, MEDIUM: 0, HIGH: 0},
    MEETING: {LOW: 0, MEDIUM: 0, HIGH: 1},
    WORKSHOP: {LOW: -2, MEDIUM: 0, HIGH: 2},
}
INTERACTION_FIT: dict[str, dict[str, int]] = {
    CHAT: {INFORM: 1, DISCUSS: 1, DECIDE: -1},
    EMAIL: {INFORM: 2, DISCUSS: -1, DECIDE: -1},
    WRITTEN_UPDATE: {INFORM: 3, DISCUSS: -3, DECIDE: -4},
    DOCUMENT: {INFORM: -1, DISCUSS: 3, DECIDE: 1},
    ONE_TO_ONE: {INFORM: -1, DISCUSS: 2, DECIDE: 2},
    MEETING: {INFORM: -2, DISCUSS: 2, DECIDE: 3},
    WORKSHOP: {INFORM: -3, DISCUSS: 2, DECIDE: 3},
}
RECORD_FIT = {
    CHAT: 0,
    EMAIL: 2,
    WRITTEN_UPDATE: 3,
    DOCUMENT: 3,
    ONE_TO_ONE: -1,
    MEETING: -1,
    WORKSHOP: -1,
}
PRIVACY_POINTS = 4  # highly sensitive: only the one-to-one is private enough to earn them

COMPLEXITY_REASONS: dict[tuple[str, str], str] = {
    (CHAT, LOW): "Simple enough for a short message.",
    (CHAT, HIGH): "Too much detail for chat, where messages scroll away.",
    (CHAT, MEDIUM): "Some detail is easily lost in a chat thread.",
    (EMAIL, MEDIUM): "Email has room for the detail, with attachments.",
    (EMAIL, HIGH): "Email has room for the detail, with attachments.",
    (WRITTEN_UPDATE, LOW): "Short enough to read in an update.",
    (WRITTEN_UPDATE, MEDIUM): "An update can carry a paragraph of detail.",
    (DOCUMENT, LOW): "A document is more than a simple message needs.",
    (DOCUMENT, MEDIUM): "A document lets people read at their own pace.",
    (DOCUMENT, HIGH): (
        "Lots of detail: a document lets people study it at their own pace and comment on "
        "the exact passage."
    ),
    (MEETING, HIGH): "The detail can be walked through together, with a pre-read.",
    (WORKSHOP, LOW): "A workshop is overkill for something simple.",
    (WORKSHOP, HIGH): "A workshop gives time to work through the detail together.",
}
INTERACTION_REASONS: dict[tuple[str, str], str] = {
    (CHAT, INFORM): "A quick heads-up fits chat.",
    (CHAT, DISCUSS): "Chat allows a quick back-and-forth.",
    (CHAT, DECIDE): "Decisions made in chat are easily missed or disputed later.",
    (EMAIL, INFORM): "Informing only: an email reaches everyone and can be kept.",
    (EMAIL, DISCUSS): "Reply-all threads are a poor place to discuss.",
    (EMAIL, DECIDE): "Email threads rarely converge on a decision.",
    (WRITTEN_UPDATE, INFORM): (
        "Informing only: a written update reaches everyone at once and stays findable."
    ),
    (WRITTEN_UPDATE, DISCUSS): "An update is one-way; it does not host a discussion.",
    (WRITTEN_UPDATE, DECIDE): "An update cannot collect a decision.",
    (DOCUMENT, INFORM): "Nothing to comment on, so a document for comments adds little.",
    (DOCUMENT, DISCUSS): "The discussion can happen in comments on the text, without a meeting.",
    (DOCUMENT, DECIDE): "Options can be laid out and commented on before someone decides.",
    (ONE_TO_ONE, INFORM): "Telling people one by one is slow for plain information.",
    (ONE_TO_ONE, DISCUSS): "A private back-and-forth where people speak freely.",
    (ONE_TO_ONE, DECIDE): "Two people can agree on the spot.",
    (MEETING, INFORM): "Gathering people only to inform them costs everyone's time.",
    (MEETING, DISCUSS): "A real back-and-forth, with tone and immediate questions.",
    (MEETING, DECIDE): "A decision can be reached and confirmed on the spot.",
    (WORKSHOP, INFORM): "A workshop only to inform people wastes a long slot.",
    (WORKSHOP, DISCUSS): "A facilitated session lets many voices be heard.",
    (WORKSHOP, DECIDE): "A group can weigh the options and decide together.",
}


@dataclass(frozen=True)
class MessageTraits:
    """What the message is like. Levels are low, medium or high."""

    urgency: str = LOW
    complexity: str = LOW
    ambiguity: str = LOW  # how likely people read it differently or disagree
    audience_size: int = 1  # people who receive it, the sender excluded
    interaction: str = INFORM  # inform, discuss or decide
    sensitivity: str = LOW
    record: bool = False  # must there be a record people can find later?

    def __post_init__(self) -> None:
        for name in ("urgency", "complexity", "ambiguity", "sensitivity"):
            if getattr(self, name) not in LEVELS:
                raise ValueError(f"{name} must be low, medium or high")
        if self.interaction not in INTERACTIONS:
            raise ValueError("interaction must be inform, discuss or decide")
        if self.audience_size < 1:
            raise ValueError("audience_size must be at least 1")


@dataclass(frozen=True)
class ChannelOption:
    channel: str
    label: str
    richness: int
    score: int
    fits: bool  # rich enough for the message
    reasons: tuple[str, ...]  # what speaks for it
    cautions: tuple[str, ...]  # what speaks against it


@dataclass(frozen=True)
class ChannelAdvice:
    channel: str
    label: str
    richness: int
    required_richness: int
    score: int
    rationale: str  # the media-richness reading of the message
    reasons: tuple[str, ...]
    cautions: tuple[str, ...]
    follow_up: tuple[str, ...]
    alternatives: tuple[ChannelOption, ...]


def audience_band(size: int) -> tuple[int, str]:
    """(index into AUDIENCE_FIT rows, words) for an audience of `size` people."""
    for index, (upper, words) in enumerate(AUDIENCE_BANDS):
        if size <= upper:
            return index, words
    return len(AUDIENCE_BANDS), AUDIENCE_CROWD


def required_richness(traits: MessageTraits) -> int:
    """The leanest richness that still fits: the stricter of the ambiguity and sensitivity
    floors (Daft & Lengel 1986)."""
    return max(AMBIGUITY_FLOOR[traits.ambiguity], SENSITIVITY_FLOOR[traits.sensitivity])


def _rationale(traits: MessageTraits, floor: int) -> str:
    if traits.ambiguity == HIGH and traits.sensitivity == HIGH:
        return (
            "Ambiguous and sensitive: talk it through in person or on video, where tone, "
            "reactions and immediate questions resolve what text cannot (media-richness "
            "theory, Daft & Lengel 1986)."
        )
    if traits.ambiguity == HIGH:
        return (
            "Highly ambiguous: people are likely to read it differently or disagree. Rich, "
            "synchronous channels — voices, faces, immediate feedback — resolve equivocality; "
            "written channels leave it open (Daft & Lengel 1986)."
        )
    if traits.sensitivity == HIGH:
        return (
            "Sensitive: deliver it in person or on video, privately, so the tone is right "
            "and you can see how it lands."
        )
    if floor >= 2:
        return (
            "Some ambiguity or sensitivity: choose a channel where people can ask questions "
            "and get answers, not a one-way broadcast."
        )
    return (
        "Clear and not sensitive: a lean, written channel carries it efficiently and leaves "
        "a record; a richer one would cost time without adding understanding (Daft & Lengel "
        "1986)."
    )


def _option(channel: Channel, traits: MessageTraits, floor: int) -> ChannelOption:
    points: list[tuple[int, str]] = []
    band, audience_words = audience_band(traits.audience_size)
    fit = AUDIENCE_FIT[channel.key][band]
    if fit > 0:
        points.append((fit, f"Suits {audience_words} ({traits.audience_size})."))
    elif fit < 0:
        points.append((fit, f"Does not suit {audience_words} ({traits.audience_size})."))

    weight = URGENCY_WEIGHT[traits.urgency]
    if weight and channel.speed:
        speed = channel.speed * weight
        urgent = "Urgent" if traits.urgency == HIGH else "Fairly urgent"
        points.append((speed, f"{urgent}: {channel.pace}."))
    if traits.urgency == LOW and channel.key == CHAT:
        points.append((-1, "A chat message interrupts people for something that can wait."))

    detail = COMPLEXITY_FIT[channel.key][traits.complexity]
    if detail:
        text = COMPLEXITY_REASONS.get((channel.key, traits.complexity))
        points.append((detail, text or "Fits the amount of detail."))

    purpose = INTERACTION_FIT[channel.key][traits.interaction]
    if purpose:
        points.append((purpose, INTERACTION_REASONS[(channel.key, traits.interaction)]))

    if traits.record:
        record = RECORD_FIT[channel.key]
        if record > 0:
            points.append((record, "Leaves a written record people can find later."))
        elif record < 0:
            points.append((record, "Leaves no record by itself (see the follow-up)."))

    if traits.sensitivity == HIGH and channel.key == ONE_TO_ONE:
        points.append((PRIVACY_POINTS, "Sensitive: a private conversation protects people."))

    if channel.richness > floor:
        excess = channel.richness - floor
        points.append((-excess, "Richer than the message needs, which costs people time."))

    fits = channel.richness >= floor
    cautions = [text for value, text in sorted(points, key=lambda p: p[0]) if value < 0]
    if not fits:
        why = "an ambiguous" if AMBIGUITY_FLOOR[traits.ambiguity] == floor else "a sensitive"
        cautions.insert(
            0, f"Too lean for {why} message: it carries no tone and no immediate feedback."
        )
    return ChannelOption(
        channel=channel.key,
        label=channel.label,
        richness=channel.richness,
        score=sum(value for value, _text in points),
        fits=fits,
        reasons=tuple(text for value, text in sorted(points, key=lambda p: -p[0]) if value > 0),
        cautions=tuple(cautions),
    )


def _follow_up(choice: Channel, traits: MessageTraits) -> tuple[str, ...]:
    notes: list[str] = []
    noun = choice.label.lower()
    if traits.record and choice.key == ONE_TO_ONE:
        notes.append(
            "Confirm what you agreed in a short written note afterwards, private if need be."
        )
    elif traits.record and choice.key in (MEETING, WORKSHOP):
        notes.append(
            f"Follow the {noun} with a written summary: what was decided, who does what, by when."
        )
    elif traits.record and choice.key == CHAT:
        notes.append(
            "Copy the outcome into the shared document or the next update, so it can be found."
        )
    if traits.interaction == DECIDE and not choice.synchronous:
        notes.append("Set a deadline for responses and say who decides.")
    if traits.sensitivity == HIGH and traits.audience_size > 1 and choice.key != ONE_TO_ONE:
        notes.append("Talk to the people most affected one-to-one before the group hears it.")
    if choice.synchronous and choice.key != CHAT and traits.complexity == HIGH:
        notes.append("Send a pre-read, so the time together goes to discussion, not reading.")
    if traits.urgency == HIGH and choice.speed <= 0:
        notes.append("As it is urgent, send a short chat heads-up that points to it.")
    return tuple(notes)


def _rank_key(option: ChannelOption) -> tuple[bool, int, int]:
    return (not option.fits, -option.score, ORDER[option.channel])


def channel_advise(traits: MessageTraits) -> ChannelAdvice:
    """The channel for a message with these traits, why, and the alternatives ranked."""
    floor = required_richness(traits)
    options = sorted((_option(c, traits, floor) for c in CHANNELS), key=_rank_key)
    best = options[0]
    chosen = BY_KEY[best.channel]
    return ChannelAdvice(
        channel=best.channel,
        label=best.label,
        richness=best.richness,
        required_richness=floor,
        score=best.score,
        rationale=_rationale(traits, floor),
        reasons=best.reasons,
        cautions=best.cautions,
        follow_up=_follow_up(chosen, traits),
        alternatives=tuple(options[1:]),
    )
