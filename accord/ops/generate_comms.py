"""Weekly status updates with acknowledgements, and fortnightly meetings with attendees, an
agenda and contribution tallies, for `accord generate`."""

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.comms.models import (
    Acknowledgement,
    AgendaItem,
    Contribution,
    Meeting,
    MeetingAttendee,
    StatusUpdate,
)
from accord.ops.generate_bulk import rows_insert
from accord.ops.generate_org import BATCH, Organization
from accord.ops.generate_partnerships import Portfolio
from accord.partnerships.models import Lifecycle
from accord.workspaces.models import Workspace

PROGRESS = (
    "Closed the open items from last week and agreed the next pilot step.",
    "The shared report is live; numbers now match across teams.",
    "Slower week: two people out, the review moved to next week.",
    "Pilot region is running; first results look better than the baseline.",
    "Agreed the definitions; the dashboard is being rebuilt on them.",
)
BLOCKERS = (
    "",
    "",
    "",
    "Waiting on data access from IT.",
    "Budget sign-off still pending with the sponsor.",
)
AGENDA = ("Review last week's actions", "KPI walk-through", "Open decisions", "Risks and asks")
RAGS = ("green", "amber", "red")
RAG_WEIGHTS: dict[str, tuple[int, int, int]] = {
    Lifecycle.ACTIVE: (6, 3, 1),
    Lifecycle.FORMING: (5, 4, 1),
    Lifecycle.PAUSED: (1, 4, 5),
    Lifecycle.CLOSED: (7, 2, 1),
}


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def comms_create(
    *,
    workspace: Workspace,
    organization: Organization,
    portfolio: Portfolio,
    weeks: int,
    today: date,
    rng: random.Random,
) -> dict[str, int]:
    """Status updates each week (most members acknowledge them) and a meeting every other
    week, over the last `weeks` weeks of each started partnership; returns row counts."""
    ws = workspace.pk
    seniority = {p.pk: p.seniority for p in organization.people}
    updates: list[StatusUpdate] = []
    meetings: list[Meeting] = []
    for partnership in portfolio.partnerships:
        status = Lifecycle(partnership.status)
        if status == Lifecycle.PROPOSED or partnership.start_date is None:
            continue
        members = portfolio.members[partnership.pk]
        weights = RAG_WEIGHTS[status]
        last = partnership.end_date or today
        friday = last - timedelta(days=(last.weekday() - 4) % 7)
        for week in range(weeks, 0, -1):
            end = friday - timedelta(weeks=week - 1)
            start = end - timedelta(days=6)
            if start < partnership.start_date or end > today:
                continue
            if status == Lifecycle.PAUSED and week < weeks // 3:
                continue  # paused: the updates stop
            if rng.random() < 0.85:  # a week is missed now and then
                updates.append(
                    StatusUpdate(
                        workspace=workspace,
                        partnership=partnership,
                        author=members[0].person,
                        period_start=start,
                        period_end=end,
                        rag=rng.choices(RAGS, weights)[0],
                        progress=PROGRESS[rng.randrange(len(PROGRESS))],
                        next_steps="Finish the checklist and review it on Tuesday.",
                        blockers=BLOCKERS[rng.randrange(len(BLOCKERS))],
                        posted_at=_moment(end, 16),
                    )
                )
            if week % 2 == 0:
                day = end - timedelta(days=3)
                held = day < today
                meetings.append(
                    Meeting(
                        workspace=workspace,
                        partnership=partnership,
                        title=f"{partnership.name} sync",
                        starts_at=_moment(day, 15),
                        duration_minutes=rng.choice((30, 45, 60)),
                        location="Video call",
                        status=Meeting.Status.HELD if held else Meeting.Status.SCHEDULED,
                        organizer=members[0].person,
                        note_taker=members[-1].person,
                        notes="Actions and decisions captured below." if held else "",
                    )
                )
    StatusUpdate.objects.bulk_create(updates, batch_size=BATCH)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)

    acknowledgements: list[tuple[Any, ...]] = []
    for update in updates:
        for member in portfolio.members[update.partnership_id][1:]:
            if rng.random() < 0.6:
                acknowledgements.append((ws, update.pk, member.person_id))
    attendees: list[tuple[Any, ...]] = []
    agenda: list[tuple[Any, ...]] = []
    for meeting in meetings:
        members = portfolio.members[meeting.partnership_id]
        held = meeting.status == Meeting.Status.HELD
        for member in members:
            attended = not held or rng.random() < 0.85
            attendees.append(
                (
                    ws,
                    meeting.pk,
                    member.person_id,
                    member.function_id,
                    seniority[member.person_id],
                    attended,
                )
            )
        for position, title in enumerate(AGENDA):
            agenda.append(
                (ws, meeting.pk, position, title, members[0].person_id, 10 + 5 * (position % 2))
            )
    counts = {
        "status updates": len(updates),
        "acknowledgements": rows_insert(
            Acknowledgement, ("workspace_id", "update_id", "person_id"), acknowledgements
        ),
        "meetings": len(meetings),
        "meeting attendees": rows_insert(
            MeetingAttendee,
            ("workspace_id", "meeting_id", "person_id", "function_id", "seniority", "attended"),
            attendees,
        ),
        "agenda items": rows_insert(
            AgendaItem,
            ("workspace_id", "meeting_id", "position", "title", "owner_id", "minutes"),
            agenda,
        ),
    }
    # Contributions need the agenda items' keys: read them back in one query.
    first_items = dict(
        AgendaItem.objects.filter(
            workspace=workspace, position=1, meeting__status=Meeting.Status.HELD
        ).values_list("meeting_id", "pk")
    )
    contributions: list[tuple[Any, ...]] = []
    for meeting in meetings:
        item = first_items.get(meeting.pk)
        if item is None:
            continue
        for member in portfolio.members[meeting.partnership_id]:
            # Senior people tend to speak more: the voice-equity pages should have a story.
            count = min(30, int(rng.expovariate(1.0) * (1 + seniority[member.person_id])))
            contributions.append((ws, meeting.pk, item, member.person_id, count))
    counts["contributions"] = rows_insert(
        Contribution,
        ("workspace_id", "meeting_id", "agenda_item_id", "person_id", "count"),
        contributions,
    )
    return counts
