"""Voice equity over the API, with the page's privacy: group figures for whoever sees the
partnership (levels and functions under the minimum group size withheld); individual rows
for the partnership's leads, or just the caller's own."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema

from accord.api.auth import membership_of
from accord.api.problems import Problem
from accord.insights.contributions import SOURCES
from accord.insights.equity import EquityGroup
from accord.insights.equity_selectors import EquityInputError, equity_days_parse, equity_page
from accord.partnerships.selectors import partnership_get

router = Router(tags=["Voice equity"])


class EquityGroupOut(Schema):
    key: str = Field(description='"seniority:<level>" or "function:<name>".')
    label: str
    headcount: int
    headcount_share: float
    withheld: bool
    withheld_reason: str = Field(description="Why the share is (or, for you, would be) withheld.")
    restricted: bool = Field(
        description="Under the minimum group size, shown only because you see every count."
    )
    contributions: int | None
    voice_share: float | None
    ratio: float | None = Field(description="Voice share ÷ headcount share.")
    under_heard: bool
    sentence: str


class AnonymousOnlyOut(Schema):
    key: str
    label: str
    headcount: int
    channels: list[str]
    sentence: str


class EquityMeetingOut(Schema):
    uuid: str
    title: str
    starts_at: str
    people: int
    contributions: int
    gini_normalised: float | None
    evenness: float | None
    senior_share: float | None


class ContributorOut(Schema):
    uuid: str
    name: str
    level: str
    function: str
    member: bool = Field(description="False: present at a meeting but not a member.")
    sources: dict[str, int]
    total: int


class EquityOut(Schema):
    partnership: str
    since: date
    until: date
    days: int
    min_group: int
    people: int
    contributors: int
    contributions: int
    gini: float | None
    gini_normalised: float | None
    evenness: float | None
    level: str
    reading: list[str]
    seniority: list[EquityGroupOut]
    functions: list[EquityGroupOut]
    anonymous_only: list[AnonymousOnlyOut]
    flags: list[str]
    meetings: list[EquityMeetingOut]
    sources: dict[str, int] | None = Field(
        description="Totals per source; null when withheld (fewer than k people)."
    )
    individuals: list[ContributorOut] = Field(
        description="Every person (the partnership's leads), only your own row, or none."
    )


def _group(group: EquityGroup) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "headcount": group.headcount,
        "headcount_share": group.headcount_share,
        "withheld": not group.shown,
        "withheld_reason": group.withheld_reason,
        "restricted": group.restricted,
        "contributions": group.contributions,
        "voice_share": group.voice_share,
        "ratio": group.ratio,
        "under_heard": group.under_heard,
        "sentence": group.sentence,
    }


@router.get("/partnerships/{slug}/equity", response=EquityOut)
def get_equity(request: HttpRequest, slug: str, days: str | None = None) -> dict[str, Any]:
    """Voice equity over the last `days` (30, 90 or 180; default 90): G*, evenness, voice
    share per level and function against headcount, flags, per-meeting figures; individual
    rows only for the partnership's leads (others get their
    own row). A constant number of queries."""
    membership = membership_of(request)
    try:
        window = equity_days_parse(days)
    except EquityInputError as bad:
        raise Problem(
            "validation",
            bad.message,
            errors=[{"field": bad.field, "message": bad.message, "code": "invalid"}],
        ) from None
    partnership = partnership_get(membership=membership, slug=slug)
    page = equity_page(
        membership=membership, partnership=partnership, days=window, today=timezone.localdate()
    )
    result = page.result
    return {
        "partnership": partnership.slug,
        "since": page.since,
        "until": page.until,
        "days": page.days,
        "min_group": result.k,
        "people": len(result.members),
        "contributors": result.contributors,
        "contributions": result.total,
        "gini": result.gini,
        "gini_normalised": result.gini_normalised,
        "evenness": result.evenness,
        "level": result.level,
        "reading": list(result.reading),
        "seniority": [_group(g) for g in result.by_seniority],
        "functions": [_group(g) for g in result.by_function],
        "anonymous_only": [
            {
                "key": a.key,
                "label": a.label,
                "headcount": a.headcount,
                "channels": list(a.channels),
                "sentence": a.sentence,
            }
            for a in result.anonymous_only
        ],
        "flags": list(result.flags),
        "meetings": [
            {
                "uuid": str(m.meeting.uuid),
                "title": m.meeting.title,
                "starts_at": m.meeting.starts_at.isoformat(),
                "people": m.people,
                "contributions": m.total,
                "gini_normalised": m.gini_normalised,
                "evenness": m.evenness,
                "senior_share": m.senior_share,
            }
            for m in result.meetings
        ],
        "sources": {key: result.sources.get(key, 0) for key in SOURCES}
        if page.sources_shown
        else None,
        "individuals": [
            {
                "uuid": row.uuid,
                "name": row.name,
                "level": row.level,
                "function": row.function,
                "member": row.member,
                "sources": row.sources,
                "total": row.total,
            }
            for row in page.rows
        ],
    }
