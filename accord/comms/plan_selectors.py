"""Reads for communication plans: channels, cadences and contacts of a partnership, and how
well its cadences are kept (adherence).

Who may see a plan: whoever may see the partnership (partnership_get). Who may change it: the
partnership's lead and sponsor and workspace admins (partnership_can_manage); members read.

Adherence: an update cadence is met by status updates linked to it — or, while none is linked
to it, by any status update of the partnership; a meeting cadence (monthly review, QBR,
custom meeting) by meetings linked to it that were held. The math is
accord.metrics.cadence; figures cover the last ADHERENCE_WINDOW_DAYS days. Only forming and
active partnerships are flagged for inadequate communication.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accord.comms.models_meetings import Meeting
from accord.comms.models_plan import Cadence, CommChannel, ContactEntry
from accord.comms.models_updates import StatusUpdate
from accord.metrics.cadence import CadenceReport, CadenceRule, cadence_check
from accord.org.models import Function, Person
from accord.partnerships.models import Lifecycle, Partnership
from accord.partnerships.selectors import partnership_can_manage, partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership, Workspace

ADHERENCE_WINDOW_DAYS = 182
TRACKED_STATUSES = (Lifecycle.FORMING, Lifecycle.ACTIVE)
EDIT_DENIED = (
    "Only the partnership's lead and sponsor and workspace admins can change its "
    "communication plan."
)
# The usual rhythm of each kind: (interval, unit).
KIND_RHYTHM: dict[str, tuple[int, str]] = {
    Cadence.Kind.WEEKLY_UPDATE: (1, Cadence.Unit.WEEK),
    Cadence.Kind.MONTHLY_REVIEW: (1, Cadence.Unit.MONTH),
    Cadence.Kind.QBR: (3, Cadence.Unit.MONTH),
}


def plan_can_edit(*, membership: Membership, partnership: Partnership) -> bool:
    return partnership_can_manage(membership=membership, partnership=partnership)


# --- rows of a plan -------------------------------------------------------------------------


def comm_channel_list(*, partnership: Partnership) -> QuerySet[CommChannel]:
    return CommChannel.objects.filter(
        workspace=partnership.workspace, partnership=partnership
    ).order_by("position", "name", "pk")


def cadence_list(*, partnership: Partnership) -> QuerySet[Cadence]:
    return (
        Cadence.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("owner", "channel", "partnership")
        .order_by("-active", "next_due", "name", "pk")
    )


def contact_list(*, partnership: Partnership) -> QuerySet[ContactEntry]:
    return (
        ContactEntry.objects.filter(workspace=partnership.workspace, partnership=partnership)
        .select_related("function", "person")
        .order_by("function__name", "topic", "pk")
    )


def comm_channel_get(*, partnership: Partnership, uuid: Any) -> CommChannel:
    found: CommChannel = object_get(
        comm_channel_list(partnership=partnership).select_related("partnership"),
        workspace=partnership.workspace,
        uuid=uuid,
    )
    return found


def cadence_get(*, partnership: Partnership, uuid: Any) -> Cadence:
    found: Cadence = object_get(
        cadence_list(partnership=partnership), workspace=partnership.workspace, uuid=uuid
    )
    return found


def contact_get(*, partnership: Partnership, uuid: Any) -> ContactEntry:
    found: ContactEntry = object_get(
        contact_list(partnership=partnership).select_related("partnership"),
        workspace=partnership.workspace,
        uuid=uuid,
    )
    return found


@dataclass
class ContactGroup:
    function: Function
    contacts: list[ContactEntry] = field(default_factory=list)


def contacts_by_function(
    *, partnership: Partnership, contacts: Iterable[ContactEntry]
) -> list[ContactGroup]:
    """Every function of the partnership with its contacts (possibly none), by name."""
    groups = {f.pk: ContactGroup(function=f) for f in partnership.functions.all()}
    for contact in contacts:
        group = groups.setdefault(contact.function_id, ContactGroup(function=contact.function))
        group.contacts.append(contact)
    return sorted(groups.values(), key=lambda g: g.function.name.lower())


# --- choices for forms ----------------------------------------------------------------------


def plan_person_choices(*, workspace: Workspace) -> QuerySet[Person]:
    return (
        Person.objects.filter(workspace=workspace)
        .only("pk", "uuid", "name", "email", "workspace_id")
        .order_by("name")
    )


def plan_function_choices(*, partnership: Partnership) -> QuerySet[Function]:
    return partnership.functions.all().only("pk", "uuid", "name", "workspace_id").order_by("name")


# --- adherence ------------------------------------------------------------------------------


def cadence_rule(cadence: Cadence) -> CadenceRule:
    return CadenceRule(
        interval=max(cadence.interval, 1),
        unit=cadence.unit,
        starts_on=cadence.starts_on,
        grace_days=cadence.grace_days,
    )


def cadence_rhythm(cadence: Cadence) -> str:
    """'Every week', 'Every 2 weeks', 'Every 3 months'."""
    unit = {"day": "day", "week": "week", "month": "month"}.get(cadence.unit, cadence.unit)
    if cadence.interval <= 1:
        return f"Every {unit}"
    return f"Every {cadence.interval} {unit}s"


@dataclass(frozen=True)
class CadenceAdherence:
    cadence: Cadence
    report: CadenceReport
    source: str  # what counted as meeting it, in words

    @property
    def compliance_percent(self) -> int | None:
        value = self.report.compliance
        return None if value is None else round(100 * value)

    @property
    def rhythm(self) -> str:
        return cadence_rhythm(self.cadence)

    @property
    def flagged(self) -> bool:
        """Missed past grace, on an active cadence of a partnership that is tracked."""
        return (
            self.cadence.active
            and self.report.overdue
            and self.cadence.partnership.status in TRACKED_STATUSES
        )

    @property
    def status(self) -> str:
        """missed | late | ok | paused — for badges."""
        if not self.cadence.active:
            return "paused"
        if self.report.overdue:
            return "missed"
        if self.report.late:
            return "late"
        return "ok"


@dataclass
class PartnershipAdherence:
    partnership: Partnership
    cadences: list[CadenceAdherence]

    @property
    def active_cadences(self) -> list[CadenceAdherence]:
        return [c for c in self.cadences if c.cadence.active]

    @property
    def met(self) -> int:
        return sum(c.report.met for c in self.active_cadences)

    @property
    def judged(self) -> int:
        return sum(c.report.judged for c in self.active_cadences)

    @property
    def compliance_percent(self) -> int | None:
        """Due dates met over due dates judged, across the active cadences."""
        return round(100 * self.met / self.judged) if self.judged else None

    @property
    def flags(self) -> list[CadenceAdherence]:
        return [c for c in self.cadences if c.flagged]

    @property
    def tracked(self) -> bool:
        return self.partnership.status in TRACKED_STATUSES

    @property
    def next_due(self) -> datetime.date | None:
        dates = [c.report.next_due for c in self.active_cadences]
        return min(dates) if dates else None


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


@dataclass
class _Events:
    updates_by_cadence: dict[int, list[datetime.date]]
    updates_by_partnership: dict[int, list[datetime.date]]
    meetings_by_cadence: dict[int, list[datetime.date]]


def _events_load(workspace: Workspace, cadences: list[Cadence]) -> _Events:
    """Two queries, whatever the number of cadences and partnerships."""
    events = _Events(defaultdict(list), defaultdict(list), defaultdict(list))
    if not cadences:
        return events
    partnership_ids = {c.partnership_id for c in cadences}
    update_rows = StatusUpdate.objects.filter(
        workspace=workspace, partnership_id__in=partnership_ids
    ).values_list("partnership_id", "cadence_id", "posted_at")
    for partnership_id, cadence_id, posted_at in update_rows:
        day = _local_date(posted_at)
        events.updates_by_partnership[partnership_id].append(day)
        if cadence_id is not None:
            events.updates_by_cadence[cadence_id].append(day)
    meeting_rows = Meeting.objects.filter(
        workspace=workspace,
        cadence_id__in=[c.pk for c in cadences if not c.is_update],
        status=Meeting.Status.HELD,
    ).values_list("cadence_id", "starts_at")
    for cadence_id, starts_at in meeting_rows:
        events.meetings_by_cadence[cadence_id].append(_local_date(starts_at))
    return events


def _adherence(cadence: Cadence, events: _Events, today: datetime.date) -> CadenceAdherence:
    if cadence.is_update:
        linked = events.updates_by_cadence.get(cadence.pk)
        if linked:
            dates, source = linked, "Status updates posted for this cadence"
        else:
            dates = events.updates_by_partnership.get(cadence.partnership_id, [])
            source = "Any status update of the partnership"
    else:
        dates = events.meetings_by_cadence.get(cadence.pk, [])
        source = "Meetings of this cadence that were held"
    report = cadence_check(
        cadence_rule(cadence),
        dates,
        today=today,
        since=today - datetime.timedelta(days=ADHERENCE_WINDOW_DAYS),
    )
    return CadenceAdherence(cadence=cadence, report=report, source=source)


def cadence_adherence_list(
    *, workspace: Workspace, cadences: Iterable[Cadence], today: datetime.date | None = None
) -> list[CadenceAdherence]:
    """Each cadence with its compliance report (two queries for the events)."""
    today = today or timezone.localdate()
    rows = list(cadences)
    events = _events_load(workspace, rows)
    return [_adherence(cadence, events, today) for cadence in rows]


def partnership_adherence(
    *, partnership: Partnership, today: datetime.date | None = None
) -> PartnershipAdherence:
    cadences = list(cadence_list(partnership=partnership))
    for cadence in cadences:
        cadence.partnership = partnership  # already loaded: no query per row
    return PartnershipAdherence(
        partnership=partnership,
        cadences=cadence_adherence_list(
            workspace=partnership.workspace, cadences=cadences, today=today
        ),
    )


def adherence_overview(
    *,
    membership: Membership,
    today: datetime.date | None = None,
    flagged_only: bool = False,
) -> list[PartnershipAdherence]:
    """Every visible forming or active partnership with its cadences' adherence: flagged ones
    first, then the lowest compliance. Four queries, whatever the number of rows."""
    today = today or timezone.localdate()
    visible = partnership_visible_list(membership=membership).values("pk")
    partnerships = list(
        Partnership.objects.filter(
            workspace=membership.workspace, pk__in=visible, status__in=TRACKED_STATUSES
        )
        .select_related("lead")
        .order_by("name", "pk")
    )
    by_id = {p.pk: p for p in partnerships}
    cadences = list(
        Cadence.objects.filter(workspace=membership.workspace, partnership_id__in=by_id)
        .select_related("owner", "channel")
        .order_by("next_due", "name", "pk")
    )
    for cadence in cadences:
        cadence.partnership = by_id[cadence.partnership_id]
    grouped: dict[int, list[CadenceAdherence]] = defaultdict(list)
    for row in cadence_adherence_list(
        workspace=membership.workspace, cadences=cadences, today=today
    ):
        grouped[row.cadence.partnership_id].append(row)
    overview = [PartnershipAdherence(partnership=p, cadences=grouped[p.pk]) for p in partnerships]
    if flagged_only:
        overview = [row for row in overview if row.flags]
    overview.sort(
        key=lambda row: (
            not row.flags,
            not row.cadences,
            row.compliance_percent if row.compliance_percent is not None else 101,
            row.partnership.name.lower(),
        )
    )
    return overview
