"""iCalendar (RFC 5545) for meetings: one meeting as an .ics file, and each person's
subscription feed of their meetings, review dates and due dates.

Written with the `icalendar` library, which folds long lines and escapes commas, semicolons
and newlines in text. Times are in UTC; deadlines are all-day events. UIDs are derived from
the record's UUID, so a calendar client updates an event instead of duplicating it, and
SEQUENCE grows whenever a meeting's time, place, agenda or status changes.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import icalendar
from django.conf import settings
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from accord.comms import meeting_selectors as selectors
from accord.comms.meeting_actions import calendar_token_digest
from accord.comms.models_meetings import AgendaItem, Meeting, MeetingAttendee
from accord.comms.models_plan import Cadence
from accord.governance.action_selectors import OPEN_STATUSES, action_visible
from accord.governance.decision_selectors import decision_visible_list
from accord.governance.models import ActionItem, Decision
from accord.notifications.models import Subscription
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.models import Membership

PRODID = "-//Accord//Accord meetings and deadlines//EN"
UID_DOMAIN = "accord"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# How far back the feed goes (clients keep older events they already have).
FEED_PAST_DAYS = 90
# Suggested refresh for subscribing clients (RFC 7986 REFRESH-INTERVAL, and Outlook's X-).
REFRESH = datetime.timedelta(hours=1)


def _uid(kind: str, uuid: Any, suffix: str = "") -> str:
    return f"{kind}-{uuid}{suffix}@{UID_DOMAIN}"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC)


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(name))
    return calendar


def _address(person: Any, role: str | None = None) -> icalendar.vCalAddress:
    address = icalendar.vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = icalendar.vText(person.name)
    if role:
        address.params["role"] = icalendar.vText(role)
    return address


def meeting_description(meeting: Meeting, agenda: Sequence[AgendaItem], url: str) -> str:
    """The agenda as plain text, then the link back to Accord."""
    lines = [f"{meeting.partnership.name}"]
    if agenda:
        lines += ["", "Agenda:"]
        for number, item in enumerate(agenda, start=1):
            details = [
                part
                for part in (
                    item.owner.name if item.owner else "",
                    f"{item.minutes} min" if item.minutes else "",
                )
                if part
            ]
            suffix = f" ({', '.join(details)})" if details else ""
            lines.append(f"{number}. {item.title}{suffix}")
    lines += ["", f"Open in Accord: {url}"]
    return "\n".join(lines)


def meeting_event(
    *,
    meeting: Meeting,
    attendees: Iterable[MeetingAttendee],
    agenda: Sequence[AgendaItem],
    now: datetime.datetime,
) -> icalendar.Event:
    url = absolute_url(reverse("meeting_detail", args=[meeting.workspace.slug, meeting.uuid]))
    start = _utc(meeting.starts_at)
    event = icalendar.Event()
    event.add("uid", _uid("meeting", meeting.uuid))
    event.add("dtstamp", _utc(now))
    event.add("dtstart", start)
    event.add("dtend", start + datetime.timedelta(minutes=meeting.duration_minutes))
    event.add("sequence", meeting.sequence)
    event.add("created", _utc(meeting.created_at))
    event.add("last-modified", _utc(meeting.updated_at))
    event.add("summary", meeting.title)
    event.add("description", meeting_description(meeting, agenda, url))
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("categories", [meeting.partnership.name])
    if meeting.organizer is not None and meeting.organizer.email:
        event.add("organizer", _address(meeting.organizer), encode=False)
    for attendee in attendees:
        if attendee.person.email:
            event.add("attendee", _address(attendee.person, "REQ-PARTICIPANT"), encode=False)
    return event


def _all_day(
    *,
    uid: str,
    day: datetime.date,
    summary: str,
    description: str,
    url: str,
    now: datetime.datetime,
) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", _utc(now))
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", f"{description}\n\nOpen in Accord: {url}")
    event.add("url", url)
    event.add("transp", "TRANSPARENT")
    return event


def meeting_ics(
    *,
    meeting: Meeting,
    attendees: Iterable[MeetingAttendee],
    agenda: Sequence[AgendaItem],
    now: datetime.datetime | None = None,
) -> bytes:
    """One meeting as a calendar file to download and open."""
    calendar = _calendar(f"{meeting.title} · Accord")
    calendar.add_component(
        meeting_event(
            meeting=meeting, attendees=attendees, agenda=agenda, now=now or timezone.now()
        )
    )
    return bytes(calendar.to_ical())


# --- the personal feed ----------------------------------------------------------------------


def calendar_subscription_get(raw: str) -> Subscription | None:
    """The subscription behind a feed token, if the token is known and its user is still an
    active member of the workspace."""
    if not raw or len(raw) > 100:
        return None
    subscription = (
        Subscription.objects.select_related("workspace", "user")
        .filter(calendar_token_hash=calendar_token_digest(raw))
        .first()
    )
    if subscription is None or not subscription.user.is_active:
        return None
    return subscription


def calendar_feed_url(raw: str) -> str:
    return absolute_url(reverse("calendar_feed", args=[raw]))


@dataclass
class FeedEntries:
    meetings: list[Meeting]
    cadences: list[tuple[Cadence, datetime.date]]
    actions: list[ActionItem]
    decisions: list[Decision]


def calendar_feed_entries(*, membership: Membership, today: datetime.date) -> FeedEntries:
    """What goes in the member's feed (a constant number of queries):

    - meetings they attend, organize or take notes for, from 90 days back;
    - the next review date of each meeting cadence of the partnerships they belong to (lead,
      sponsor or member), unless a meeting already covers it;
    - the due dates of their open actions;
    - the revisit-by dates of the decisions they decide."""
    people = list(
        membership.user.people.filter(workspace=membership.workspace).values_list("pk", flat=True)
    )
    visible = partnership_visible_list(membership=membership).values("pk")
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    meetings = list(
        Meeting.objects.filter(workspace=membership.workspace, partnership__in=visible)
        .filter(
            Q(attendees__person_id__in=people)
            | Q(organizer_id__in=people)
            | Q(note_taker_id__in=people)
        )
        .filter(starts_at__gte=since)
        .distinct()
        .select_related("workspace", "partnership", "organizer")
        .prefetch_related(
            Prefetch(
                "attendees",
                queryset=MeetingAttendee.objects.select_related("person").order_by("pk"),
            ),
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.select_related("owner").order_by("position", "pk"),
            ),
        )
        .order_by("starts_at", "pk")
    )
    cadences = list(
        Cadence.objects.filter(
            workspace=membership.workspace,
            partnership__in=visible,
            kind__in=selectors.MEETING_KINDS,
            active=True,
        )
        .filter(
            Q(partnership__members__person_id__in=people)
            | Q(partnership__lead_id__in=people)
            | Q(partnership__sponsor_id__in=people)
        )
        .distinct()
        .select_related("partnership")
        .order_by("next_due", "pk")
    )
    covered = {
        (cadence_id, timezone.localtime(starts_at).date())
        for cadence_id, starts_at in Meeting.objects.filter(
            workspace=membership.workspace, cadence__in=[c.pk for c in cadences]
        ).values_list("cadence_id", "starts_at")
    }
    review_dates = []
    for cadence in cadences:
        day = selectors.cadence_next_occurrence(cadence=cadence, today=today)
        if (cadence.pk, day) not in covered:
            review_dates.append((cadence, day))
    actions = list(
        action_visible(membership=membership)
        .filter(owner_id__in=people, status__in=OPEN_STATUSES, due_date__isnull=False)
        .select_related("partnership")
        .order_by("due_date", "pk")
    )
    decisions = list(
        decision_visible_list(membership=membership)
        .filter(decider_id__in=people, revisit_by__isnull=False, status=Decision.Status.DECIDED)
        .select_related("partnership")
        .order_by("revisit_by", "pk")
    )
    return FeedEntries(
        meetings=meetings, cadences=review_dates, actions=actions, decisions=decisions
    )


def calendar_feed_ics(
    *,
    membership: Membership,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> bytes:
    """The member's subscription feed as iCalendar text."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    entries = calendar_feed_entries(membership=membership, today=today)
    workspace = membership.workspace
    calendar = _calendar(f"Accord · {workspace.name}")
    calendar.add(
        "x-wr-caldesc", icalendar.vText("Your meetings, review dates and due dates in Accord.")
    )
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for meeting in entries.meetings:
        calendar.add_component(
            meeting_event(
                meeting=meeting,
                attendees=meeting.attendees.all(),
                agenda=list(meeting.agenda.all()),
                now=now,
            )
        )
    for cadence, day in entries.cadences:
        url = absolute_url(
            reverse("meeting_list", args=[workspace.slug])
            + f"?partnership={cadence.partnership.slug}"
        )
        calendar.add_component(
            _all_day(
                uid=_uid("review", cadence.uuid, f"-{day:%Y%m%d}"),
                day=day,
                summary=f"{cadence.name} due · {cadence.partnership.name}",
                description=f"{cadence.get_kind_display()} of {cadence.partnership.name} is "
                "due; no meeting is scheduled for it yet.",
                url=url,
                now=now,
            )
        )
    for action in entries.actions:
        url = absolute_url(reverse("action_detail", args=[workspace.slug, action.uuid]))
        where = f" ({action.partnership.name})" if action.partnership else ""
        calendar.add_component(
            _all_day(
                uid=_uid("action", action.uuid, f"-{action.due_date:%Y%m%d}"),
                day=action.due_date,  # type: ignore[arg-type]
                summary=f"Due: {action.title}",
                description=f"Your action{where} is due.",
                url=url,
                now=now,
            )
        )
    for decision in entries.decisions:
        url = absolute_url(reverse("decision_detail", args=[workspace.slug, decision.uuid]))
        calendar.add_component(
            _all_day(
                uid=_uid("decision", decision.uuid, f"-{decision.revisit_by:%Y%m%d}"),
                day=decision.revisit_by,  # type: ignore[arg-type]
                summary=f"Revisit: {decision.title}",
                description="You decided this; it is due for a second look.",
                url=url,
                now=now,
            )
        )
    return bytes(calendar.to_ical())
