"""Voice equity of a partnership: whose voice is heard (../shared/METRICS.md §9).

Contributions per member come from `accord.insights.contributions` (silent members as 0).
Over them:

- Gini G, the small-group Gini G* = G·n/(n−1) and Pielou's evenness J = H/ln n
  (`accord.metrics.participation`); [20, 10, 5, 5] → G 0.3125, J 0.875.
- The voice share of each seniority level and each function (the function a member
  represents in the partnership) against its share of the members. A group heard at less
  than half its share (`participation.UNDER_HEARD_RATIO`, the playbook's
  `VOICE_SHARE_THRESHOLD`) is flagged, once at least `participation.MIN_CONTRIBUTIONS`
  contributions were made (fewer swing on one remark).
- "Anonymous only": a group of at least k members whose members made no attributed
  contribution in the window while the group did give anonymous input (anonymous decision
  input or concerns recorded with their function, votes on ideas with anonymous voting, or
  at least k survey responses of a closed cycle of the partnership from the function or
  seniority band): a sign people do not feel safe speaking openly. Decision input and
  concerns record a function only, survey responses a band (individual contributors,
  managers, directors and executives), so seniority is judged per band.
- Minimum group size: the voice share of a level or function with fewer members than the
  workspace's k (survey settings) is withheld, and so is any share that would let someone
  subtract their way to fewer than k members (`accord.metrics.anonymity.release_decide`).
- Per meeting in the window: G*, evenness and the senior (director and executive) share.

Reads only; who may see individual counts is decided in `equity_selectors`.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from django.db.models import Count
from django.utils import timezone

from accord.comms.meeting_selectors import SENIORITY_GROUPS, meeting_levels
from accord.comms.models_feedback import IdeaVote
from accord.comms.models_meetings import Meeting, MeetingAttendee
from accord.governance.models import Concern, DecisionResponse
from accord.insights.contributions import (
    SOURCES,
    Breakdown,
    contribution_breakdown,
    source_totals,
    window_bounds,
)
from accord.metrics.anonymity import Aggregate, Family, Release, release_decide
from accord.metrics.participation import (
    MIN_CONTRIBUTIONS,
    GroupVoice,
    Level,
    Participant,
    ParticipationResult,
    gini_normalised,
    participation_summarise,
)
from accord.metrics.playbook import Signal
from accord.org.models import Seniority
from accord.partnerships.models import Partnership, PartnershipMember
from accord.surveys.cycle_selectors import survey_thresholds_default
from accord.surveys.instruments import band_for
from accord.surveys.models import Cycle, Response, SeniorityBand
from accord.workspaces.models import Workspace

Dimension = Literal["seniority", "function"]

WINDOW_DAYS = (30, 90, 180)
DEFAULT_DAYS = 90
# Directors and executives: "senior" in the per-meeting senior share (the survey's leader band).
SENIOR_FROM = Seniority.DIRECTOR
SENIORITY_KEYS = {level.value: level.name.lower() for level in Seniority}
BAND_LABELS = dict(SeniorityBand.choices)
NO_FUNCTION = "No function"
CHANNEL_LABELS = {
    "decision_input": "anonymous decision input",
    "concerns": "anonymous change concerns",
    "idea_votes": "anonymous idea votes",
    "surveys": "survey responses",
}


@dataclass(frozen=True)
class Member:
    person_id: int
    uuid: str
    name: str
    seniority: int
    function_id: int  # 0: no function
    function: str
    member: bool = True  # False: not a member, present at a meeting in the window


@dataclass(frozen=True)
class EquityGroup:
    """A seniority level or function of the partnership: its seats and (unless withheld)
    its voice."""

    dimension: Dimension
    key: str  # "seniority:director", "function:Sales" (the playbook signal key)
    label: str
    headcount: int
    headcount_share: float
    shown: bool
    # Why the share is (or, for a viewer who sees individual counts, would be) withheld.
    withheld_reason: str
    # Shown only because the viewer sees individual counts anyway (a group under k).
    restricted: bool
    contributions: int | None  # None when withheld
    voice_share: float | None
    ratio: float | None  # voice share ÷ headcount share
    judged: bool
    under_heard: bool
    over_heard: bool
    sentence: str


@dataclass(frozen=True)
class AnonymousOnly:
    """A group whose only input in the window was anonymous."""

    key: str  # "function:Sales" or "band:contributor"
    label: str
    headcount: int
    channels: tuple[str, ...]
    sentence: str


@dataclass(frozen=True)
class MeetingEquity:
    meeting: Meeting
    people: int
    total: int
    gini_normalised: float | None
    evenness: float | None
    level: Level
    senior_seats: int
    senior_share: float | None  # of the contributions; None when nobody spoke or no seniors


@dataclass(frozen=True)
class EquityResult:
    partnership: Partnership
    since: datetime.date
    until: datetime.date
    k: int
    members: tuple[Member, ...]
    contributors: int
    total: int
    gini: float | None
    gini_normalised: float | None
    evenness: float | None
    level: Level
    reading: tuple[str, ...]  # plain language, names nobody
    by_seniority: tuple[EquityGroup, ...]
    by_function: tuple[EquityGroup, ...]
    anonymous_only: tuple[AnonymousOnly, ...]
    flags: tuple[str, ...]
    meetings: tuple[MeetingEquity, ...]
    sources: Mapping[str, int]  # totals per source (a group figure)
    people: Mapping[int, Mapping[str, int]] = field(repr=False)  # individual: person → source
    revealed: bool = False  # groups under k shown (restricted) for a privileged viewer

    @property
    def groups(self) -> tuple[EquityGroup, ...]:
        return (*self.by_seniority, *self.by_function)

    @property
    def under_heard(self) -> tuple[EquityGroup, ...]:
        return tuple(g for g in self.groups if g.under_heard)

    def counts(self) -> dict[int, int]:
        """Person id → contributions (individual figures)."""
        return {person: sum(sources.values()) for person, sources in self.people.items()}


# --- small pure helpers ------------------------------------------------------------------------


def equity_gini_star(counts: Mapping[int, int]) -> float | None:
    """G* of person → contributions (silent members as 0): 0 shared equally, 1 one voice.
    None without contributions or with fewer than two members."""
    return gini_normalised(counts.values())


def window_for(days: int, *, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last `days` days up to and including today."""
    return today - datetime.timedelta(days=days - 1), today


def _seniority_label(level: int) -> str:
    return SENIORITY_GROUPS.get(level, "Unknown level")


def _pct(share: float) -> str:
    return f"{round(share * 100)}%"


# --- reads -------------------------------------------------------------------------------------


def _members(
    *,
    workspace: Workspace,
    partnership_ids: Sequence[int],
    start: datetime.datetime,
    end: datetime.datetime,
) -> dict[int, list[Member]]:
    """Partnership id → its members (level, represented function) and the other people
    present at its meetings in the window (their own level and function); two queries."""
    rows = PartnershipMember.objects.filter(
        workspace=workspace, partnership_id__in=partnership_ids
    ).values_list(
        "partnership_id",
        "person_id",
        "person__uuid",
        "person__name",
        "person__seniority",
        "function_id",
        "function__name",
    )
    members: dict[int, list[Member]] = {pk: [] for pk in partnership_ids}
    known: set[tuple[int, int]] = set()
    for partnership_id, person_id, uuid, name, seniority, function_id, function in rows:
        members[partnership_id].append(
            Member(person_id, str(uuid), name, seniority, function_id, function, True)
        )
        known.add((partnership_id, person_id))
    guests = (
        MeetingAttendee.objects.filter(
            workspace=workspace,
            meeting__partnership_id__in=partnership_ids,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
            attended=True,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list(
            "meeting__partnership_id",
            "person_id",
            "person__uuid",
            "person__name",
            "person__seniority",
            "person__function_id",
            "person__function__name",
        )
        .distinct()
    )
    for partnership_id, person_id, uuid, name, seniority, function_id, function in guests:
        if (partnership_id, person_id) in known:
            continue
        known.add((partnership_id, person_id))
        members[partnership_id].append(
            Member(
                person_id,
                str(uuid),
                name,
                seniority,
                function_id or 0,
                function or NO_FUNCTION,
                False,
            )
        )
    for people in members.values():
        people.sort(key=lambda m: (m.name, m.person_id))
    return members


# partnership id → group key ("function:<id>" / "band:<band>") → channels
AnonymousInput = dict[int, dict[str, set[str]]]


def _anonymous_input(
    *,
    workspace: Workspace,
    partnership_ids: Sequence[int],
    start: datetime.datetime,
    end: datetime.datetime,
    k: int,
) -> AnonymousInput:
    """Which groups gave anonymous input in the window, by channel (four aggregate queries).
    Only groups are ever derived; no anonymous input is tied to a person."""
    found: AnonymousInput = defaultdict(lambda: defaultdict(set))
    # Anonymous decision input and concerns record the function only: (channel, model,
    # its partnership).
    for channel, model, partnership_path in (
        ("decision_input", DecisionResponse, "decision__partnership_id"),
        ("concerns", Concern, "proposal__decision__partnership_id"),
    ):
        rows = (
            model._default_manager.filter(
                workspace=workspace,
                anonymous=True,
                function__isnull=False,
                created_at__gte=start,
                created_at__lt=end,
                **{f"{partnership_path}__in": partnership_ids},
            )
            .values_list(partnership_path, "function_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for partnership_id, function_id, _n in rows:
            found[partnership_id][f"function:{function_id}"].add(channel)
    votes = (
        IdeaVote.objects.filter(
            workspace=workspace,
            idea__partnership_id__in=partnership_ids,
            idea__anonymous_voting=True,
            created_at__gte=start,
            created_at__lt=end,
        )
        .values_list("idea__partnership_id", "person__function_id", "person__seniority")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for partnership_id, function_id, seniority, _n in votes:
        if function_id is not None:
            found[partnership_id][f"function:{function_id}"].add("idea_votes")
        band = band_for(seniority)
        if band:
            found[partnership_id][f"band:{band}"].add("idea_votes")
    # Surveys: closed cycles of the partnership that ran in the window; a group counts only
    # with at least k responses in a cycle (what its released results would show anyway).
    surveys = (
        Response.objects.filter(
            workspace=workspace,
            cycle__partnership_id__in=partnership_ids,
            cycle__status=Cycle.Status.CLOSED,
            cycle__closes_at__gte=start,
            cycle__opens_at__lt=end,
        )
        .values_list("cycle__partnership_id", "cycle_id", "function_id", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_function: Counter[tuple[int, int, int]] = Counter()
    by_band: Counter[tuple[int, int, str]] = Counter()
    for partnership_id, cycle_id, function_id, band, n in surveys:
        if function_id is not None:
            by_function[(partnership_id, cycle_id, function_id)] += n
        if band:
            by_band[(partnership_id, cycle_id, band)] += n
    for (partnership_id, _cycle, function_id), n in by_function.items():
        if n >= k:
            found[partnership_id][f"function:{function_id}"].add("surveys")
    for (partnership_id, _cycle, band), n in by_band.items():
        if n >= k:
            found[partnership_id][f"band:{band}"].add("surveys")
    return found


# --- group figures -----------------------------------------------------------------------------


def _release(members: Sequence[Member], k: int) -> Release:
    """Which level and function shares may be shown: fewer than k members, or a share that
    would let someone subtract down to fewer than k, is withheld."""
    atoms = Counter(f"{m.function_id}|{m.seniority}" for m in members)
    aggregates = [Aggregate("all", frozenset(atoms), "partnership", "the partnership")]
    for level in sorted({m.seniority for m in members}):
        aggregates.append(
            Aggregate(
                f"seniority:{level}",
                frozenset(a for a in atoms if a.endswith(f"|{level}")),
                "seniority",
                _seniority_label(level),
            )
        )
    for function_id, name in sorted({(m.function_id, m.function) for m in members}):
        aggregates.append(
            Aggregate(
                f"function:{function_id}",
                frozenset(a for a in atoms if a.startswith(f"{function_id}|")),
                "function",
                name,
            )
        )
    return release_decide([Family("members", atoms, tuple(aggregates))], k=k)


def _withheld_reason(rule: str, k: int, voice: GroupVoice) -> str:
    if rule == "min_group" or voice.headcount < k:
        return (
            f"Withheld: {voice.headcount} member{'s' if voice.headcount != 1 else ''}, fewer "
            f"than the minimum group size of {k}."
        )
    return f"Withheld: together with the other shares it would single out fewer than {k} members."


def _group(
    voice: GroupVoice,
    *,
    dimension: Dimension,
    key: str,
    release_key: str,
    release: Release,
    k: int,
    reveal: bool,
) -> EquityGroup:
    """The group's figures; withheld under the release unless `reveal` (a viewer who sees
    every member's count anyway), in which case they are marked restricted."""
    decision = release.get("members", release_key)
    released = bool(decision and decision.shown)
    reason = "" if released else _withheld_reason(decision.rule if decision else "", k, voice)
    if not released and not reveal:
        return EquityGroup(
            dimension=dimension,
            key=key,
            label=voice.group,
            headcount=voice.headcount,
            headcount_share=voice.headcount_share,
            shown=False,
            withheld_reason=reason,
            restricted=False,
            contributions=None,
            voice_share=None,
            ratio=None,
            judged=False,
            under_heard=False,
            over_heard=False,
            sentence=f"{voice.group}: {reason}",
        )
    return EquityGroup(
        dimension=dimension,
        key=key,
        label=voice.group,
        headcount=voice.headcount,
        headcount_share=voice.headcount_share,
        shown=True,
        withheld_reason=reason,
        restricted=not released,
        contributions=voice.contributions,
        voice_share=voice.voice_share,
        ratio=voice.ratio,
        judged=voice.judged,
        under_heard=voice.under_heard,
        over_heard=voice.over_heard,
        sentence=voice.sentence.replace(" of the seats ", " of the people "),
    )


@dataclass(frozen=True)
class _Figures:
    summary: ParticipationResult
    by_seniority: tuple[EquityGroup, ...]
    by_function: tuple[EquityGroup, ...]
    anonymous_only: tuple[AnonymousOnly, ...]


def _figures(
    members: Sequence[Member],
    counts: Mapping[int, int],
    anonymous: Mapping[str, set[str]],
    k: int,
    *,
    reveal: bool = False,
) -> _Figures:
    summary = participation_summarise(
        [
            Participant(
                id=m.uuid,
                name=m.name,
                contributions=counts.get(m.person_id, 0),
                seniority=_seniority_label(m.seniority),
                seniority_rank=m.seniority,
                function=m.function,
            )
            for m in members
        ]
    )
    release = _release(members, k)
    level_of = {_seniority_label(m.seniority): m.seniority for m in members}
    function_of = {m.function: m.function_id for m in members}
    by_seniority = tuple(
        _group(
            voice,
            dimension="seniority",
            key=f"seniority:{SENIORITY_KEYS.get(level_of[voice.group], 'unknown')}",
            release_key=f"seniority:{level_of[voice.group]}",
            release=release,
            k=k,
            reveal=reveal,
        )
        for voice in summary.by_seniority
    )
    by_function = tuple(
        _group(
            voice,
            dimension="function",
            key=f"function:{voice.group}",
            release_key=f"function:{function_of[voice.group]}",
            release=release,
            k=k,
            reveal=reveal,
        )
        for voice in summary.by_function
    )
    # Anonymous only: attributed contributions of the group are 0, anonymous input is not.
    groups: dict[str, tuple[str, list[Member]]] = {}
    for m in members:
        groups.setdefault(f"function:{m.function_id}", (m.function, []))[1].append(m)
        band = band_for(m.seniority)
        groups.setdefault(f"band:{band}", (BAND_LABELS.get(band, band), []))[1].append(m)
    flagged = []
    for group_key, (label, people) in groups.items():
        channels = anonymous.get(group_key)
        if not channels or len(people) < k:
            continue
        if any(counts.get(m.person_id, 0) for m in people):
            continue
        names = tuple(CHANNEL_LABELS[c] for c in sorted(channels))
        public_key = f"function:{label}" if group_key.startswith("function:") else group_key
        flagged.append(
            AnonymousOnly(
                key=public_key,
                label=label,
                headcount=len(people),
                channels=names,
                sentence=(
                    f"{label} ({len(people)} members) gave input only anonymously "
                    f"({', '.join(names)}) and made no contribution under their own names: "
                    "people may not feel safe speaking openly."
                ),
            )
        )
    flagged.sort(key=lambda a: (not a.key.startswith("band:"), a.label))
    return _Figures(summary, by_seniority, by_function, tuple(flagged))


def _reading(summary: ParticipationResult, contributors: int) -> tuple[str, ...]:
    """The headline in plain words, naming nobody."""
    n, total = summary.people, summary.total
    if n == 0:
        return ("The partnership has no members yet, so there is nothing to measure.",)
    if total == 0:
        return (f"None of the {n} people made a contribution in this window.",)
    if n == 1:
        return ("The partnership has one member, so there is no sharing to measure.",)
    g_star, evenness = summary.gini_normalised, summary.evenness
    assert g_star is not None
    assert evenness is not None
    top = summary.voices[0]
    lines = {
        "even": "Voices are shared evenly",
        "uneven": "Voices are shared unevenly",
        "dominated": "A few voices dominate",
    }
    lines_text = lines.get(summary.level, "")
    reading = [
        f"{lines_text}: G* is {g_star:.2f} (0 when everyone contributes equally, 1 when one "
        f"person does it all) and evenness is {evenness:.2f} (1 is perfectly even).",
        f"{contributors} of {n} people contributed ({total} contributions); the most active "
        f"person made {_pct(top.share)} of them.",
    ]
    if contributors < n:
        silent = n - contributors
        reading.append(
            f"{silent} silent {'person counts' if silent == 1 else 'people count'} as 0."
        )
    return tuple(reading)


def _flags(figures: _Figures) -> tuple[str, ...]:
    flags = [g.sentence for g in (*figures.by_seniority, *figures.by_function) if g.under_heard]
    flags += [a.sentence for a in figures.anonymous_only]
    return tuple(flags)


def _meetings(
    *, partnership: Partnership, start: datetime.datetime, end: datetime.datetime
) -> tuple[MeetingEquity, ...]:
    """Meetings of the window that took place (not cancelled, already started), most recent
    first, with G*, evenness and the senior share (three queries)."""
    now = timezone.now()
    meetings = list(
        Meeting.objects.filter(
            workspace=partnership.workspace_id,
            partnership=partnership,
            starts_at__gte=start,
            starts_at__lt=min(end, now),
        )
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("-starts_at", "-pk")
    )
    levels = meeting_levels(meetings=meetings)
    senior_labels = {label for level, label in SENIORITY_GROUPS.items() if level >= SENIOR_FROM}
    rows = []
    for meeting in meetings:
        result = levels[meeting.pk]
        seniors = [g for g in result.by_seniority if g.group in senior_labels]
        seats = sum(g.headcount for g in seniors)
        share = sum(g.voice_share for g in seniors) if result.total and seats else None
        rows.append(
            MeetingEquity(
                meeting=meeting,
                people=result.people,
                total=result.total,
                gini_normalised=result.gini_normalised,
                evenness=result.evenness,
                level=result.level,
                senior_seats=seats,
                senior_share=share,
            )
        )
    return tuple(rows)


def partnership_equity(
    *,
    workspace: Workspace,
    partnership: Partnership,
    since: datetime.date,
    until: datetime.date,
    reveal_small_groups: bool = False,
) -> EquityResult:
    """Voice equity of one partnership over [since, until] (a constant number of queries).

    Level and function shares under the minimum group size are withheld, unless
    `reveal_small_groups` (for viewers who see every member's count anyway: the partnership's
    leads), which shows them marked restricted. The anonymous-only flag
    always needs k members: revealing it for a smaller group would point at people."""
    k = survey_thresholds_default(workspace=workspace).min_group
    start, end = window_bounds(since, until)
    members = _members(workspace=workspace, partnership_ids=[partnership.pk], start=start, end=end)[
        partnership.pk
    ]
    breakdown: Breakdown = contribution_breakdown(
        workspace=workspace,
        partnership_ids=[partnership.pk],
        since=since,
        until=until,
        members={partnership.pk: {m.person_id for m in members}},
    )
    people = breakdown[partnership.pk]
    counts = {person: sum(sources.values()) for person, sources in people.items()}
    anonymous = _anonymous_input(
        workspace=workspace, partnership_ids=[partnership.pk], start=start, end=end, k=k
    )
    figures = _figures(
        members, counts, anonymous.get(partnership.pk, {}), k, reveal=reveal_small_groups
    )
    summary = figures.summary
    contributors = sum(1 for n in counts.values() if n)
    return EquityResult(
        partnership=partnership,
        since=since,
        until=until,
        k=k,
        members=tuple(members),
        contributors=contributors,
        total=summary.total,
        gini=summary.gini,
        gini_normalised=summary.gini_normalised,
        evenness=summary.evenness,
        level=summary.level,
        reading=_reading(summary, contributors),
        by_seniority=figures.by_seniority,
        by_function=figures.by_function,
        anonymous_only=figures.anonymous_only,
        flags=_flags(figures),
        meetings=_meetings(partnership=partnership, start=start, end=end),
        sources=source_totals(people) if people else dict.fromkeys(SOURCES, 0),
        people=people,
        revealed=reveal_small_groups,
    )


def equity_signals(
    *,
    workspace: Workspace,
    partnerships: Iterable[Partnership],
    since: datetime.date,
    until: datetime.date,
) -> dict[int, list[Signal]]:
    """Playbook signals per partnership id, in a constant number of queries:

    - ``voice_share`` keyed ``seniority:<level>`` / ``function:<name>``, value the voice share
      ÷ headcount share, for every level and function whose share is shown (at least k
      members) and judged (at least `MIN_CONTRIBUTIONS` contributions in the window);
    - ``anonymous_only`` keyed ``function:<name>`` / ``band:<band>``, value 1.0, for each
      group whose only input was anonymous."""
    chosen = list(partnerships)
    ids = [p.pk for p in chosen]
    signals: dict[int, list[Signal]] = {pk: [] for pk in ids}
    if not ids:
        return signals
    k = survey_thresholds_default(workspace=workspace).min_group
    start, end = window_bounds(since, until)
    members = _members(workspace=workspace, partnership_ids=ids, start=start, end=end)
    breakdown = contribution_breakdown(
        workspace=workspace,
        partnership_ids=ids,
        since=since,
        until=until,
        members={pk: {m.person_id for m in people} for pk, people in members.items()},
    )
    anonymous = _anonymous_input(
        workspace=workspace, partnership_ids=ids, start=start, end=end, k=k
    )
    for pk in ids:
        people = members.get(pk, [])
        if not people:
            continue
        counts = {person: sum(s.values()) for person, s in breakdown[pk].items()}
        figures = _figures(people, counts, anonymous.get(pk, {}), k)
        for group in (*figures.by_seniority, *figures.by_function):
            if group.shown and group.judged and group.ratio is not None:
                signals[pk].append(
                    Signal("voice_share", group.key, round(group.ratio, 4), group.sentence)
                )
        for flag in figures.anonymous_only:
            signals[pk].append(Signal("anonymous_only", flag.key, 1.0, flag.sentence))
    return signals


__all__ = [
    "DEFAULT_DAYS",
    "MIN_CONTRIBUTIONS",
    "WINDOW_DAYS",
    "AnonymousOnly",
    "EquityGroup",
    "EquityResult",
    "MeetingEquity",
    "Member",
    "equity_gini_star",
    "equity_signals",
    "partnership_equity",
    "window_for",
]
