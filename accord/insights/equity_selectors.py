"""Reads for the voice page and API: who may see which figures.

- Everyone who can see the partnership reads the group figures: G*, evenness,
  contributors, per-meeting figures, and the voice share of each level and function with at
  least k members (the workspace's minimum group size) that does not let anyone subtract
  down to fewer than k. Source totals need the whole circle to reach k.
- A person sees their own contribution counts (by source).
- The partnership's leads (its lead, or a member with the lead role) see every person's
  counts, silent people as 0, and with them the shares of groups under k (marked: they
  could add them up from the table anyway). Nobody else does — not the sponsor, and not
  workspace admins or owners either: the issue reserves individual counts for the person
  and the partnership's leads, and an admin who needs them becomes a lead on the record.
"""

import datetime
from dataclasses import dataclass

from accord.comms.meeting_selectors import SENIORITY_GROUPS
from accord.goals.permissions import person_ids_of
from accord.insights.contributions import SOURCE_LABELS, SOURCES
from accord.insights.equity import (
    DEFAULT_DAYS,
    WINDOW_DAYS,
    EquityGroup,
    EquityResult,
    partnership_equity,
    window_for,
)
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Membership

DAYS_RULE = f"Choose a window of {', '.join(str(d) for d in WINDOW_DAYS)} days."


class EquityInputError(ValueError):
    """Bad window: the message names the field and the rule."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def equity_days_parse(raw: str | None) -> int:
    """The window in days: empty → the default (90); otherwise one of 30, 90, 180."""
    if raw is None or raw.strip() == "":
        return DEFAULT_DAYS
    try:
        days = int(raw.strip())
    except ValueError:
        raise EquityInputError("days", f"days must be a whole number. {DAYS_RULE}") from None
    if days not in WINDOW_DAYS:
        raise EquityInputError("days", f"days cannot be {days}. {DAYS_RULE}")
    return days


def equity_can_see_people(*, membership: Membership, partnership: Partnership) -> bool:
    """The partnership's leads (its lead, or a member with the lead role) only: not the
    sponsor, other members, or workspace admins and owners."""
    people = person_ids_of(membership)
    if not people:
        return False
    if partnership.lead_id in people:
        return True
    return PartnershipMember.objects.filter(
        workspace=membership.workspace,
        partnership=partnership,
        person_id__in=people,
        role=PartnershipMember.Role.LEAD,
    ).exists()


@dataclass(frozen=True)
class PersonRow:
    uuid: str
    name: str
    level: str
    function: str
    member: bool
    sources: dict[str, int]
    total: int
    is_you: bool

    @property
    def ordered(self) -> tuple[int, ...]:
        """The counts in SOURCES order (for the table's columns)."""
        return tuple(self.sources.get(key, 0) for key in SOURCES)


@dataclass(frozen=True)
class EquityPage:
    result: EquityResult
    days: int
    since: datetime.date
    until: datetime.date
    can_see_people: bool
    rows: tuple[PersonRow, ...]  # everyone (leads/admins), your own row, or nothing
    sources_shown: bool  # source totals (the whole circle reaches k, or the viewer sees all)
    source_rows: tuple[tuple[str, str, int], ...]  # (key, label, total)

    @property
    def own(self) -> PersonRow | None:
        return next((row for row in self.rows if row.is_you), None)


def equity_page(
    *, membership: Membership, partnership: Partnership, days: int, today: datetime.date
) -> EquityPage:
    """The voice page of a partnership the member can see (the caller checked visibility)."""
    since, until = window_for(days, today=today)
    can_see = equity_can_see_people(membership=membership, partnership=partnership)
    result = partnership_equity(
        workspace=membership.workspace,
        partnership=partnership,
        since=since,
        until=until,
        reveal_small_groups=can_see,
    )
    mine = person_ids_of(membership)
    rows = []
    for m in result.members:
        if not (can_see or m.person_id in mine):
            continue
        sources = dict(result.people.get(m.person_id, dict.fromkeys(SOURCES, 0)))
        rows.append(
            PersonRow(
                uuid=m.uuid,
                name=m.name,
                level=SENIORITY_GROUPS.get(m.seniority, "Unknown level"),
                function=m.function,
                member=m.member,
                sources=sources,
                total=sum(sources.values()),
                is_you=m.person_id in mine,
            )
        )
    rows.sort(key=lambda r: (-r.total, r.name))
    sources_shown = can_see or len(result.members) >= result.k
    return EquityPage(
        result=result,
        days=days,
        since=since,
        until=until,
        can_see_people=can_see,
        rows=tuple(rows),
        sources_shown=sources_shown,
        source_rows=tuple((key, SOURCE_LABELS[key], result.sources.get(key, 0)) for key in SOURCES)
        if sources_shown
        else (),
    )


def equity_chart(page: EquityPage) -> dict[str, list[dict[str, object]]]:
    """Bars for the chart: voice share and headcount share (percent) of each shown group."""

    def bars(groups: tuple[EquityGroup, ...]) -> list[dict[str, object]]:
        return [
            {
                "label": g.label,
                "voice": round(g.voice_share * 100, 1),
                "headcount": round(g.headcount_share * 100, 1),
                "flagged": g.under_heard,
            }
            for g in groups
            if g.shown and g.voice_share is not None
        ]

    return {
        "seniority": bars(page.result.by_seniority),
        "function": bars(page.result.by_function),
    }
