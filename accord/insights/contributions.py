"""Contributions per person per partnership: the raw material of voice equity.

A contribution is something a member of the partnership said or did *under their own name*
in the window [since, until] (both days included, in the current time zone):

==================  ================================================================
source              counted
==================  ================================================================
``updates``         status updates of the partnership they authored (by ``posted_at``)
``comments``        comments they wrote on the partnership's updates (``created_at``)
``asks_answered``   asks in the partnership's updates they answered (``answered_at``)
``decision_input``  their attributed responses to the partnership's decisions and change
                    proposals (``created_at``); anonymous responses keep no person and are
                    never counted here
``concerns``        concerns they raised under their name on the partnership's change
                    proposals (``created_at``); anonymous concerns are never attributed
``meetings``        the note-taker's tally (``Contribution.count``) in the partnership's
                    meetings that were not cancelled (by the meeting's ``starts_at``)
``feedback``        feedback they gave (``created_at``) to the partnership itself, or to
                    another current member of the partnership; only the number, never the
                    content or the visibility
==================  ================================================================

Everyone around the partnership's table is present, silent ones as 0: every current member
(a ``PartnershipMember`` row) and everyone marked present at one of its meetings in the
window (an analyst invited to the reviews who never speaks counts, as in the meeting's own
participation summary). Leaving the silent out would make a partnership where two directors
talk and four analysts listen look perfectly even.

Feedback to a person counts for every partnership both giver and receiver are members of:
it is part of working together there, and the count never reveals what was said or to whom.

All of it takes two queries for the people plus one aggregate query per source (grouped
by partnership and person), however many partnerships are asked for.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

from accord.comms.models_feedback import Feedback
from accord.comms.models_meetings import Contribution, Meeting, MeetingAttendee
from accord.comms.models_updates import Ask, StatusUpdate, UpdateComment
from accord.governance.models import Concern, DecisionResponse
from accord.partnerships.models import PartnershipMember
from accord.workspaces.models import Workspace

SOURCES: tuple[str, ...] = (
    "updates",
    "comments",
    "asks_answered",
    "decision_input",
    "concerns",
    "meetings",
    "feedback",
)
SOURCE_LABELS: dict[str, str] = {
    "updates": "Status updates posted",
    "comments": "Comments on updates",
    "asks_answered": "Asks answered",
    "decision_input": "Decision and proposal input",
    "concerns": "Change concerns raised",
    "meetings": "Meeting contributions",
    "feedback": "Feedback given",
}

# partnership id → person id → source → count
Breakdown = dict[int, dict[int, dict[str, int]]]


def window_bounds(
    since: datetime.date, until: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """[start of `since`, start of the day after `until`) in the current time zone."""
    if until < since:
        raise ValueError("The window ends before it starts.")
    start = timezone.make_aware(datetime.datetime.combine(since, datetime.time.min))
    end = timezone.make_aware(
        datetime.datetime.combine(until + datetime.timedelta(days=1), datetime.time.min)
    )
    return start, end


def partnership_members(
    *,
    workspace: Workspace,
    partnership_ids: Iterable[int],
    since: datetime.date,
    until: datetime.date,
) -> dict[int, set[int]]:
    """Partnership id → ids of its current members and of everyone present at one of its
    meetings (not cancelled) in the window (two queries)."""
    ids = list(partnership_ids)
    members: dict[int, set[int]] = {pk: set() for pk in ids}
    rows = PartnershipMember.objects.filter(
        workspace=workspace, partnership_id__in=ids
    ).values_list("partnership_id", "person_id")
    for partnership_id, person_id in rows:
        members[partnership_id].add(person_id)
    start, end = window_bounds(since, until)
    present = (
        MeetingAttendee.objects.filter(
            workspace=workspace,
            meeting__partnership_id__in=ids,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
            attended=True,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list("meeting__partnership_id", "person_id")
        .distinct()
    )
    for partnership_id, person_id in present:
        members[partnership_id].add(person_id)
    return members


def contribution_breakdown(
    *,
    workspace: Workspace,
    partnership_ids: Iterable[int],
    since: datetime.date,
    until: datetime.date,
    members: dict[int, set[int]] | None = None,
) -> Breakdown:
    """Partnership id → person id → source → count in [since, until], every current member
    and meeting attendee present with every source (0 when silent). Nine queries whatever
    the number of partnerships (seven when `members` is passed in, as from
    `partnership_members`)."""
    ids = list(dict.fromkeys(partnership_ids))
    if members is None:
        members = partnership_members(
            workspace=workspace, partnership_ids=ids, since=since, until=until
        )
    result: Breakdown = {
        pk: {person: dict.fromkeys(SOURCES, 0) for person in sorted(members.get(pk, ()))}
        for pk in ids
    }
    if not ids:
        return result
    start, end = window_bounds(since, until)

    def add(source: str, partnership_id: int, person_id: int | None, n: int | None) -> None:
        if person_id is None or not n:
            return
        row = result.get(partnership_id, {}).get(person_id)
        if row is not None:
            row[source] += int(n)

    # Attributed sources counted the same way: (source, model, its partnership, its person,
    # its moment, what else must hold). Anonymous input never names a person, so it never
    # counts as anyone's contribution.
    counted: tuple[tuple[str, Any, str, str, str, dict[str, Any]], ...] = (
        ("updates", StatusUpdate, "partnership_id", "author_id", "posted_at", {}),
        ("comments", UpdateComment, "update__partnership_id", "author_id", "created_at", {}),
        (
            "asks_answered",
            Ask,
            "update__partnership_id",
            "answered_by_id",
            "answered_at",
            {"answered_by__isnull": False},
        ),
        (
            "decision_input",
            DecisionResponse,
            "decision__partnership_id",
            "person_id",
            "created_at",
            {"anonymous": False, "person__isnull": False},
        ),
        (
            "concerns",
            Concern,
            "proposal__decision__partnership_id",
            "raised_by_id",
            "created_at",
            {"anonymous": False, "raised_by__isnull": False},
        ),
    )
    for source, model, partnership_path, person_field, moment, extra in counted:
        rows = (
            model._default_manager.filter(
                workspace=workspace,
                **{
                    f"{partnership_path}__in": ids,
                    f"{moment}__gte": start,
                    f"{moment}__lt": end,
                },
                **extra,
            )
            .values_list(partnership_path, person_field)
            .annotate(n=Count("pk"))
            .order_by()
        )
        for partnership_id, person_id, n in rows:
            add(source, partnership_id, person_id, n)

    spoken = (
        Contribution.objects.filter(
            workspace=workspace,
            meeting__partnership_id__in=ids,
            meeting__starts_at__gte=start,
            meeting__starts_at__lt=end,
        )
        .exclude(meeting__status=Meeting.Status.CANCELLED)
        .values_list("meeting__partnership_id", "person_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for partnership_id, person_id, n in spoken:
        add("meetings", partnership_id, person_id, n)

    # Feedback: to one of the partnerships, or between two people who are members of one.
    everyone = set().union(*members.values()) if members else set()
    feedback = (
        Feedback.objects.filter(
            workspace=workspace,
            giver_id__in=everyone,
            created_at__gte=start,
            created_at__lt=end,
        )
        .filter(Q(to_partnership_id__in=ids) | Q(to_person_id__in=everyone))
        .values_list("giver_id", "to_partnership_id", "to_person_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    shared: dict[int, set[int]] = defaultdict(set)  # person id → their partnerships
    for partnership_id, people in members.items():
        for person_id in people:
            shared[person_id].add(partnership_id)
    for giver_id, to_partnership_id, to_person_id, n in feedback:
        places: set[int] = set()
        if to_partnership_id is not None:
            places.add(to_partnership_id)
        if to_person_id is not None and to_person_id != giver_id:
            places |= shared[giver_id] & shared[to_person_id]
        for partnership_id in places:  # once per partnership, even when both apply
            add("feedback", partnership_id, giver_id, n)
    return result


def contribution_counts(
    *,
    workspace: Workspace,
    partnership_ids: Iterable[int],
    since: datetime.date,
    until: datetime.date,
) -> dict[int, dict[int, int]]:
    """Partnership id → {person id → contributions in [since, until]}, every current member
    and everyone present at its meetings in the window included (silent ones as 0). Nine
    queries whatever the number of partnerships."""
    breakdown = contribution_breakdown(
        workspace=workspace, partnership_ids=partnership_ids, since=since, until=until
    )
    return {
        pk: {person: sum(sources.values()) for person, sources in people.items()}
        for pk, people in breakdown.items()
    }


def contribution_sources(
    *, workspace: Workspace, partnership_id: int, since: datetime.date, until: datetime.date
) -> dict[int, dict[str, int]]:
    """One partnership's person id → {source → count}, silent members with zeros."""
    return contribution_breakdown(
        workspace=workspace, partnership_ids=[partnership_id], since=since, until=until
    )[partnership_id]


def source_totals(people: dict[int, dict[str, int]]) -> dict[str, int]:
    """Source → total over the people, in SOURCES order."""
    totals = dict.fromkeys(SOURCES, 0)
    for sources in people.values():
        for source, n in sources.items():
            totals[source] += n
    return totals
