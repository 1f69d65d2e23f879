"""Writes for communication plans: channels, cadences and contacts of a partnership; keeping
cadences' next due dates current; and the daily cadence reminders.

Each write takes the acting membership and refuses what that member may not do
(PermissionDenied): only the partnership's lead and sponsor and workspace admins change a plan.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.urls import reverse
from django.utils import timezone

from accord.comms import plan_selectors as selectors
from accord.comms.models_plan import Cadence, ChannelKind, CommChannel, ContactEntry
from accord.notifications.models import Event
from accord.notifications.service import notify
from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

CHANNEL_FIELDS = ["kind", "name", "url", "purpose", "position"]
CADENCE_FIELDS = [
    "kind",
    "name",
    "interval",
    "unit",
    "starts_on",
    "grace_days",
    "owner",
    "channel",
    "meeting_time",
    "meeting_minutes",
    "active",
]
CONTACT_FIELDS = ["function", "topic", "person", "contact", "notes"]
URL_SCHEMES = ("https://", "http://", "mailto:")
MAX_INTERVAL = 52
MAX_GRACE_DAYS = 30

__all__ = ["StaleVersion"]


def _edit_require(membership: Membership, partnership: Partnership) -> None:
    if not selectors.plan_can_edit(membership=membership, partnership=partnership):
        raise PermissionDenied(selectors.EDIT_DENIED)


def _version_claim(instance: Any, expected: int | None) -> None:
    """Take the next version, or fail if someone saved in between (or `expected` is old)."""
    if expected is not None and expected != instance.version:
        raise StaleVersion(instance.version)
    model = type(instance)
    updated = model.objects.filter(pk=instance.pk, version=instance.version).update(
        version=F("version") + 1
    )
    if not updated:
        raise StaleVersion(model.objects.get(pk=instance.pk).version)
    instance.version += 1


def _audit(
    membership: Membership, action: str, instance: Model, changes: dict[str, list[Any]]
) -> None:
    audit_record(
        workspace=membership.workspace,
        actor=membership.user,
        action=action,
        instance=instance,
        changes=changes,
    )


def _unknown_fields(changes: dict[str, Any], allowed: list[str]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})


# --- channels -------------------------------------------------------------------------------


def _channel_validate(channel: CommChannel) -> None:
    errors: dict[str, str] = {}
    channel.name = (channel.name or "").strip()
    channel.url = (channel.url or "").strip()
    channel.purpose = (channel.purpose or "").strip()
    if channel.kind not in ChannelKind.values:
        errors["kind"] = "Choose a kind: chat channel, email list, standing meeting, shared "
        errors["kind"] += "document, dashboard or other."
    if not channel.name:
        errors["name"] = "Name the channel the way people know it, e.g. “#margin-recovery”."
    elif len(channel.name) > 120:
        errors["name"] = "Keep the name to 120 characters or fewer."
    if channel.url and not channel.url.lower().startswith(URL_SCHEMES):
        errors["url"] = "Give a link starting with https://, http:// or mailto:."
    elif len(channel.url) > 500:
        errors["url"] = "Keep the link to 500 characters or fewer."
    elif any(ch.isspace() for ch in channel.url):
        errors["url"] = "A link cannot contain spaces."
    if len(channel.purpose) > 300:
        errors["purpose"] = "Keep the purpose to 300 characters or fewer."
    if errors:
        raise ValidationError(errors)


def comm_channel_create(
    *,
    membership: Membership,
    partnership: Partnership,
    kind: str,
    name: str,
    url: str = "",
    purpose: str = "",
    position: int | None = None,
) -> CommChannel:
    """Add a channel the partnership uses (a chat channel, an email list, a shared doc…)."""
    _edit_require(membership, partnership)
    if position is None:
        position = CommChannel.objects.filter(partnership=partnership).count()
    channel = CommChannel(
        workspace=partnership.workspace,
        partnership=partnership,
        kind=kind,
        name=name,
        url=url,
        purpose=purpose,
        position=position,
    )
    _channel_validate(channel)
    with transaction.atomic():
        channel.save()
        _audit(membership, "create", channel, diff({}, snapshot(channel, CHANNEL_FIELDS)))
    return channel


def comm_channel_update(
    *,
    membership: Membership,
    channel: CommChannel,
    expected_version: int | None = None,
    **changes: Any,
) -> CommChannel:
    _edit_require(membership, channel.partnership)
    _unknown_fields(changes, CHANNEL_FIELDS)
    before = snapshot(channel, CHANNEL_FIELDS)
    for name, value in changes.items():
        setattr(channel, name, value)
    _channel_validate(channel)
    changed = diff(before, snapshot(channel, CHANNEL_FIELDS))
    if not changed and expected_version in (None, channel.version):
        return channel
    with transaction.atomic():
        _version_claim(channel, expected_version)
        channel.save(update_fields=[*CHANNEL_FIELDS, "updated_at"])
        _audit(membership, "update", channel, changed)
    return channel


def comm_channel_delete(*, membership: Membership, channel: CommChannel) -> None:
    """Remove a channel; cadences that used it keep going without one."""
    _edit_require(membership, channel.partnership)
    with transaction.atomic():
        _audit(membership, "delete", channel, diff(snapshot(channel, CHANNEL_FIELDS), {}))
        channel.delete()


# --- cadences -------------------------------------------------------------------------------


def _cadence_snapshot(cadence: Cadence) -> dict[str, Any]:
    """snapshot() with the meeting time as text (the audit log stores JSON)."""
    values = snapshot(cadence, CADENCE_FIELDS)
    if isinstance(values.get("meeting_time"), datetime.time):
        values["meeting_time"] = values["meeting_time"].strftime("%H:%M")
    return values


def _cadence_validate(cadence: Cadence, *, starts_on_given: bool = True) -> None:
    errors: dict[str, str] = {}
    if cadence.kind not in Cadence.Kind.values:
        errors["kind"] = (
            "Choose a kind: weekly async update, monthly review, quarterly business review, "
            "or a custom update or meeting cadence."
        )
    else:
        rhythm = selectors.KIND_RHYTHM.get(cadence.kind)
        if rhythm is not None:
            cadence.interval = cadence.interval or rhythm[0]
            cadence.unit = cadence.unit or rhythm[1]
        cadence.name = (cadence.name or "").strip() or Cadence.Kind(cadence.kind).label
    if not cadence.interval:
        errors["interval"] = "Say how often: every how many days, weeks or months."
    elif not 1 <= cadence.interval <= MAX_INTERVAL:
        errors["interval"] = f"Choose an interval from 1 to {MAX_INTERVAL}."
    if cadence.unit not in Cadence.Unit.values:
        errors["unit"] = "Choose days, weeks or months."
    if not starts_on_given or cadence.starts_on is None:
        errors["starts_on"] = "Give the first due date; later ones follow the rhythm."
    if cadence.grace_days is None or not 0 <= cadence.grace_days <= MAX_GRACE_DAYS:
        errors["grace_days"] = f"Allow 0 to {MAX_GRACE_DAYS} grace days."
    if len(cadence.name or "") > 120:
        errors["name"] = "Keep the name to 120 characters or fewer."
    if cadence.owner is not None and cadence.owner.workspace_id != cadence.workspace_id:
        errors["owner"] = "Choose someone from this workspace."
    if cadence.channel is not None and cadence.channel.partnership_id != cadence.partnership_id:
        errors["channel"] = "Choose one of this partnership's channels."
    if not cadence.meeting_minutes or not 5 <= cadence.meeting_minutes <= 480:
        errors["meeting_minutes"] = "A meeting lasts 5 to 480 minutes."
    if cadence.kind in (Cadence.Kind.WEEKLY_UPDATE, Cadence.Kind.CUSTOM_UPDATE):
        cadence.meeting_time = None  # updates are written, not held at a time
    if errors:
        raise ValidationError(errors)


def _events_next_due(cadence: Cadence, today: datetime.date) -> datetime.date:
    (row,) = selectors.cadence_adherence_list(
        workspace=cadence.workspace, cadences=[cadence], today=today
    )
    return row.report.next_due


def cadence_create(
    *,
    membership: Membership,
    partnership: Partnership,
    kind: str,
    starts_on: datetime.date | None,
    name: str = "",
    interval: int | None = None,
    unit: str | None = None,
    grace_days: int = 2,
    owner: Person | None = None,
    channel: CommChannel | None = None,
    meeting_time: datetime.time | None = None,
    meeting_minutes: int = 60,
    active: bool = True,
    today: datetime.date | None = None,
) -> Cadence:
    """Agree a rhythm: a weekly update, a monthly review, a QBR or a custom one. Without an
    interval, the kind's usual rhythm applies (QBR: every 3 months)."""
    _edit_require(membership, partnership)
    today = today or timezone.localdate()
    cadence = Cadence(
        workspace=partnership.workspace,
        partnership=partnership,
        kind=kind,
        name=name,
        interval=interval or 0,
        unit=unit or "",
        starts_on=starts_on or today,
        next_due=starts_on or today,
        grace_days=grace_days,
        owner=owner,
        channel=channel,
        meeting_time=meeting_time,
        meeting_minutes=meeting_minutes,
        active=active,
    )
    _cadence_validate(cadence, starts_on_given=starts_on is not None)
    cadence.next_due = _events_next_due(cadence, today)
    with transaction.atomic():
        cadence.save()
        _audit(membership, "create", cadence, diff({}, _cadence_snapshot(cadence)))
    return cadence


def cadence_update(
    *,
    membership: Membership,
    cadence: Cadence,
    expected_version: int | None = None,
    today: datetime.date | None = None,
    **changes: Any,
) -> Cadence:
    _edit_require(membership, cadence.partnership)
    _unknown_fields(changes, CADENCE_FIELDS)
    before = _cadence_snapshot(cadence)
    for name, value in changes.items():
        setattr(cadence, name, value)
    if "interval" in changes and not changes["interval"]:
        cadence.interval = 0  # empty: the kind's usual rhythm
    _cadence_validate(cadence)
    changed = diff(before, _cadence_snapshot(cadence))
    if not changed and expected_version in (None, cadence.version):
        return cadence
    cadence.next_due = _events_next_due(cadence, today or timezone.localdate())
    with transaction.atomic():
        _version_claim(cadence, expected_version)
        cadence.save(update_fields=[*CADENCE_FIELDS, "next_due", "updated_at"])
        _audit(membership, "update", cadence, changed)
    return cadence


def cadence_delete(*, membership: Membership, cadence: Cadence) -> None:
    """Drop a cadence; updates and meetings linked to it stay, unlinked."""
    _edit_require(membership, cadence.partnership)
    with transaction.atomic():
        _audit(membership, "delete", cadence, diff(_cadence_snapshot(cadence), {}))
        cadence.delete()


def cadences_refresh(
    *,
    workspace: Workspace,
    partnership: Partnership | None = None,
    today: datetime.date | None = None,
) -> list[selectors.CadenceAdherence]:
    """Recompute every cadence's next due date from the updates and meetings so far (a met
    cadence moves on to its next due date) and store the ones that changed. Call after
    posting an update or holding a meeting; the daily reminder job calls it too."""
    today = today or timezone.localdate()
    cadences = Cadence.objects.filter(workspace=workspace).select_related("partnership", "owner")
    if partnership is not None:
        cadences = cadences.filter(partnership=partnership)
    rows = selectors.cadence_adherence_list(
        workspace=workspace, cadences=cadences.order_by("pk"), today=today
    )
    moved = []
    for row in rows:
        if row.cadence.next_due != row.report.next_due:
            row.cadence.next_due = row.report.next_due
            moved.append(row.cadence)
    if moved:
        Cadence.objects.bulk_update(moved, ["next_due"])
    return rows


def _plan_url(cadence: Cadence) -> str:
    return reverse("comm_plan", args=[cadence.workspace.slug, cadence.partnership.slug])


def cadence_reminders_send(*, workspace: Workspace, today: datetime.date) -> int:
    """Tell each active cadence's owner (else the partnership's lead) the day before a due
    date (UPDATE_DUE) and once the due date is missed past its grace days (UPDATE_OVERDUE).

    Keyed per cadence and due date, so running it any number of times a day tells each
    person once per due date. Only forming and active partnerships are reminded. Returns how
    many notifications are new.
    """
    sent = 0
    with transaction.atomic():
        rows = cadences_refresh(workspace=workspace, today=today)
        for row in rows:
            cadence = row.cadence
            if not cadence.active or cadence.partnership.status not in selectors.TRACKED_STATUSES:
                continue
            recipient = cadence.owner or cadence.partnership.lead
            if recipient is None:
                continue
            what = "update" if cadence.is_update else "meeting"
            name = f"{cadence.name} ({cadence.partnership.name})"
            due = row.report.next_due
            if due == today + datetime.timedelta(days=1):
                sent += len(
                    notify(
                        workspace=workspace,
                        event=Event.UPDATE_DUE,
                        recipients=[recipient],
                        subject=f"Due tomorrow: {name}",
                        body=(
                            f"The {cadence.name.lower()} of {cadence.partnership.name} is due on "
                            f"{due:%A %d %B}. You own this cadence: post the {what} by then."
                            if cadence.is_update
                            else f"The {cadence.name.lower()} of {cadence.partnership.name} "
                            f"is due on {due:%A %d %B}. You own this cadence: hold the "
                            "meeting and mark it held."
                        ),
                        key=f"cadence:{cadence.uuid}:{due.isoformat()}",
                        url=_plan_url(cadence),
                        about=cadence,
                    )
                )
            missed = row.report.last_missed
            if row.report.overdue and missed is not None:
                days = (today - missed).days
                sent += len(
                    notify(
                        workspace=workspace,
                        event=Event.UPDATE_OVERDUE,
                        recipients=[recipient],
                        subject=f"Missed: {name}",
                        body=(
                            f"The {cadence.name.lower()} due on {missed:%d %B} ({days} days "
                            f"ago) was not {'posted' if cadence.is_update else 'held'}, "
                            f"grace days included. {cadence.partnership.name} is flagged for "
                            f"inadequate communication until the next {what}."
                        ),
                        key=f"cadence:{cadence.uuid}:{missed.isoformat()}",
                        url=_plan_url(cadence),
                        about=cadence,
                    )
                )
    return sent


# --- contacts -------------------------------------------------------------------------------


def _contact_validate(contact: ContactEntry) -> None:
    errors: dict[str, str] = {}
    contact.topic = (contact.topic or "").strip()
    contact.contact = (contact.contact or "").strip()
    contact.notes = (contact.notes or "").strip()
    function: Function | None = contact.function if contact.function_id else None
    if function is None:
        errors["function"] = "Choose the function this contact speaks for."
    elif not contact.partnership.functions.filter(pk=function.pk).exists():
        errors["function"] = "Choose one of the partnership's functions."
    if not contact.topic:
        errors["topic"] = "Say what to contact them for, e.g. “Discount approvals”."
    elif len(contact.topic) > 200:
        errors["topic"] = "Keep the topic to 200 characters or fewer."
    if contact.person is not None and contact.person.workspace_id != contact.workspace_id:
        errors["person"] = "Choose someone from this workspace."
    if contact.person is None and not contact.contact:
        errors["person"] = "Choose a person, or give an alias, queue or channel below."
    if len(contact.contact) > 200:
        errors["contact"] = "Keep the alias to 200 characters or fewer."
    if len(contact.notes) > 300:
        errors["notes"] = "Keep the notes to 300 characters or fewer."
    if errors:
        raise ValidationError(errors)


def contact_create(
    *,
    membership: Membership,
    partnership: Partnership,
    function: Function | None,
    topic: str,
    person: Person | None = None,
    contact: str = "",
    notes: str = "",
) -> ContactEntry:
    """Add a "who to contact for what" row for one of the partnership's functions."""
    _edit_require(membership, partnership)
    entry = ContactEntry(
        workspace=partnership.workspace,
        partnership=partnership,
        function=function,
        topic=topic,
        person=person,
        contact=contact,
        notes=notes,
    )
    _contact_validate(entry)
    with transaction.atomic():
        entry.save()
        _audit(membership, "create", entry, diff({}, snapshot(entry, CONTACT_FIELDS)))
    return entry


def contact_update(
    *,
    membership: Membership,
    entry: ContactEntry,
    expected_version: int | None = None,
    **changes: Any,
) -> ContactEntry:
    """Change a contact row (`entry`; its field `contact` is the alias)."""
    _edit_require(membership, entry.partnership)
    _unknown_fields(changes, CONTACT_FIELDS)
    before = snapshot(entry, CONTACT_FIELDS)
    for name, value in changes.items():
        setattr(entry, name, value)
    _contact_validate(entry)
    changed = diff(before, snapshot(entry, CONTACT_FIELDS))
    if not changed and expected_version in (None, entry.version):
        return entry
    with transaction.atomic():
        _version_claim(entry, expected_version)
        entry.save(update_fields=[*CONTACT_FIELDS, "updated_at"])
        _audit(membership, "update", entry, changed)
    return entry


def contact_delete(*, membership: Membership, entry: ContactEntry) -> None:
    _edit_require(membership, entry.partnership)
    with transaction.atomic():
        _audit(membership, "delete", entry, diff(snapshot(entry, CONTACT_FIELDS), {}))
        entry.delete()
