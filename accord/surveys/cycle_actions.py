"""Writes for survey cycles: create and edit a draft, open it (invitations with one-time
tokens, notifications), close it, the recurring successor, and the daily advance with
reminders.

Thresholds (k for results, the comments threshold) and the audience freeze when a cycle
opens: results are computed under the rules people were promised when they answered.
"""

import datetime
import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accord.notifications.models import Event
from accord.notifications.service import notify
from accord.notifications.transports import site_link
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.surveys.cycle_selectors import (
    MIN_GROUP_FLOOR,
    cycle_audience,
    cycle_can_create,
    cycle_can_manage,
    survey_thresholds_default,
)
from accord.surveys.instrument_selectors import instrument_version_latest
from accord.surveys.models import Cycle, Instrument, InstrumentKind, Invitation
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

TITLE_MAX = 200
MIN_GROUP_MAX = 100
RECUR_MAX_WEEKS = 52
# Reminders go to people who have not answered: at half time, and two days before closing.
REMINDER_BEFORE_CLOSE = datetime.timedelta(days=2)
AUDITED_FIELDS = [
    "title",
    "partnership",
    "opens_at",
    "closes_at",
    "status",
    "rate_own_function",
    "min_group",
    "min_comments",
    "recur_weeks",
]
# What may still change once a cycle is open; everything else froze when it opened.
OPEN_EDITABLE = frozenset({"title", "closes_at"})
EDITABLE = frozenset(
    {
        "title",
        "instrument",
        "partnership",
        "functions",
        "opens_at",
        "closes_at",
        "recur_weeks",
        "min_group",
        "min_comments",
        "rate_own_function",
    }
)


def token_hash(token: str) -> str:
    """The SHA-256 of a survey token: all the database ever keeps of it."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_new() -> str:
    return secrets.token_urlsafe(32)


def survey_link_path(token: str) -> str:
    return reverse("survey_public_respond", args=[token])


# --- validation -----------------------------------------------------------------------------


def _frozen_message(cycle: Cycle) -> str:
    when = timezone.localtime(cycle.frozen_at).strftime("%-d %b %Y") if cycle.frozen_at else ""
    since = f" on {when}" if when else ""
    return (
        f"This survey opened{since}: its thresholds, audience and questions are frozen so "
        "results follow the rules people answered under. Only the title and the closing time "
        "can still change."
    )


def _cycle_validate(
    cycle: Cycle,
    *,
    functions: Sequence[Function],
    instrument: Instrument,
    now: datetime.datetime,
    new_instrument: bool,
    future_close: bool,
) -> None:
    errors: dict[str, str] = {}
    cycle.title = (cycle.title or "").strip()
    if not cycle.title:
        errors["title"] = "Name the survey, e.g. “Coordination pulse — spring”."
    elif len(cycle.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if instrument.workspace_id != cycle.workspace_id:
        errors["instrument"] = "Choose an instrument of this workspace."
    elif new_instrument and instrument.archived:
        errors["instrument"] = "This instrument is archived; choose another or restore it."
    if cycle.partnership is not None and cycle.partnership.workspace_id != cycle.workspace_id:
        errors["partnership"] = "Choose a partnership of this workspace."
    if any(f.workspace_id != cycle.workspace_id for f in functions):
        errors["functions"] = "Choose functions of this workspace."
    if cycle.partnership is None and not functions:
        errors["partnership"] = "Choose who is asked: a partnership, or one or more functions."
    if (
        instrument.kind == InstrumentKind.COORDINATION
        and "partnership" not in errors
        and "functions" not in errors
    ):
        count = (
            len(functions)
            if functions
            else (cycle.partnership.functions.count() if cycle.partnership is not None else 0)
        )
        if count < 2:
            errors["functions"] = (
                "Coordination needs at least two functions to rate each other; choose more."
            )
    if cycle.opens_at is None:
        errors["opens_at"] = "Choose when the survey opens."
    if cycle.closes_at is None:
        errors["closes_at"] = "Choose when the survey closes."
    if cycle.opens_at is not None and cycle.closes_at is not None:
        if cycle.closes_at <= cycle.opens_at:
            errors["closes_at"] = "The survey must close after it opens."
        elif future_close and cycle.closes_at <= now:
            errors["closes_at"] = "Choose a closing time in the future."
    if cycle.recur_weeks is not None and not 1 <= cycle.recur_weeks <= RECUR_MAX_WEEKS:
        errors["recur_weeks"] = f"Repeat every 1 to {RECUR_MAX_WEEKS} weeks, or leave it empty."
    if cycle.min_group is None or cycle.min_group < MIN_GROUP_FLOOR:
        errors["min_group"] = (
            f"The smallest group shown (k) cannot be below {MIN_GROUP_FLOOR}: smaller groups "
            "would let people work out who answered what."
        )
    elif cycle.min_group > MIN_GROUP_MAX:
        errors["min_group"] = f"Keep k at {MIN_GROUP_MAX} or below."
    if cycle.min_comments is None or cycle.min_comments < MIN_GROUP_FLOOR:
        errors["min_comments"] = f"Comments need at least {MIN_GROUP_FLOOR} respondents."
    elif cycle.min_group is not None and cycle.min_comments < cycle.min_group:
        errors["min_comments"] = (
            f"Comments are easier to recognise than numbers: their threshold cannot be below "
            f"k ({cycle.min_group})."
        )
    elif cycle.min_comments > MIN_GROUP_MAX:
        errors["min_comments"] = f"Keep the comments threshold at {MIN_GROUP_MAX} or below."
    if errors:
        raise ValidationError(errors)


def _create_require(
    membership: Membership, partnership: Partnership | None, functions: Sequence[Function] = ()
) -> None:
    if not cycle_can_create(membership=membership, partnership=partnership):
        raise PermissionDenied(
            "Only workspace admins, and the lead and sponsor of a partnership for its own "
            "surveys, can create survey cycles."
        )
    if functions and not membership.can_admin:
        raise PermissionDenied(
            "Only workspace admins can ask whole functions; a partnership's lead and sponsor "
            "survey its members."
        )


def _manage_require(membership: Membership | None, cycle: Cycle) -> None:
    if membership is not None and not cycle_can_manage(membership=membership, cycle=cycle):
        raise PermissionDenied(
            "Only workspace admins and the lead and sponsor of the survey's partnership can "
            "change this survey."
        )


# --- create, edit, delete -------------------------------------------------------------------


def cycle_create(
    *,
    membership: Membership,
    instrument: Instrument,
    title: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    partnership: Partnership | None = None,
    functions: Sequence[Function] = (),
    recur_weeks: int | None = None,
    min_group: int | None = None,
    min_comments: int | None = None,
    rate_own_function: bool = False,
    now: datetime.datetime | None = None,
) -> Cycle:
    """A draft cycle of the instrument's latest version, aimed at a partnership's members or
    at the people of chosen functions. k and the comments threshold default to the
    workspace's settings (5 and 10)."""
    workspace = membership.workspace
    now = now or timezone.now()
    defaults = survey_thresholds_default(workspace=workspace)
    cycle = Cycle(
        workspace=workspace,
        title=title,
        partnership=partnership,
        opens_at=opens_at,
        closes_at=closes_at,
        recur_weeks=recur_weeks,
        min_group=defaults.min_group if min_group is None else min_group,
        min_comments=defaults.min_comments if min_comments is None else min_comments,
        rate_own_function=rate_own_function,
        created_by=membership.user,
    )
    functions = list(functions)
    _cycle_validate(
        cycle,
        functions=functions,
        instrument=instrument,
        now=now,
        new_instrument=True,
        future_close=True,
    )
    _create_require(membership, partnership, functions)
    version = instrument_version_latest(instrument=instrument)
    if version is None:
        raise ValidationError({"instrument": "This instrument has no questions yet."})
    cycle.version = version
    with transaction.atomic():
        cycle.save()
        if functions:
            cycle.functions.set(functions)
        changes = diff({}, snapshot(cycle, AUDITED_FIELDS))
        changes["instrument"] = [None, f"{instrument.name} v{version.number}"]
        if functions:
            changes["functions"] = [None, ", ".join(sorted(f.name for f in functions))]
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=cycle,
            changes=changes,
        )
    return cycle


def cycle_update(
    *,
    membership: Membership,
    cycle: Cycle,
    now: datetime.datetime | None = None,
    **changes: Any,
) -> Cycle:
    """Change a draft freely; an open cycle only its title and closing time (the rest is
    frozen); a closed one not at all."""
    _manage_require(membership, cycle)
    now = now or timezone.now()
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    if cycle.status == Cycle.Status.CLOSED:
        raise ValidationError(
            {"__all__": "This survey is closed; its settings are kept as they were."}
        )
    current_functions = list(cycle.functions.all())
    instrument = cycle.version.instrument
    if cycle.status == Cycle.Status.OPEN:
        frozen = [
            name
            for name, value in changes.items()
            if name not in OPEN_EDITABLE and not _same(cycle, current_functions, name, value)
        ]
        if frozen:
            raise ValidationError({frozen[0]: _frozen_message(cycle)})
    before = snapshot(cycle, AUDITED_FIELDS)
    partnership_before = cycle.partnership_id
    before_instrument = f"{instrument.name} v{cycle.version.number}"
    functions = list(changes.pop("functions", current_functions) or [])
    new_instrument = changes.pop("instrument", None) or instrument
    for name, value in changes.items():
        setattr(cycle, name, value)
    _cycle_validate(
        cycle,
        functions=functions,
        instrument=new_instrument,
        now=now,
        new_instrument=new_instrument.pk != instrument.pk,
        future_close=cycle.status == Cycle.Status.DRAFT,
    )
    if cycle.status == Cycle.Status.OPEN and cycle.closes_at <= now:
        raise ValidationError(
            {"closes_at": "Choose a closing time in the future, or close the survey now."}
        )
    if cycle.partnership_id != partnership_before or (
        functions and {f.pk for f in functions} != {f.pk for f in current_functions}
    ):
        _create_require(membership, cycle.partnership, functions)
    changed = diff(before, snapshot(cycle, AUDITED_FIELDS))
    if new_instrument.pk != instrument.pk:
        version = instrument_version_latest(instrument=new_instrument)
        if version is None:
            raise ValidationError({"instrument": "This instrument has no questions yet."})
        cycle.version = version
        changed["instrument"] = [before_instrument, f"{new_instrument.name} v{version.number}"]
    names_before = sorted(f.name for f in current_functions)
    names_after = sorted(f.name for f in functions)
    if names_before != names_after:
        changed["functions"] = [", ".join(names_before), ", ".join(names_after)]
    if not changed:
        return cycle
    with transaction.atomic():
        cycle.save()
        if names_before != names_after:
            cycle.functions.set(functions)
        audit_record(
            workspace=cycle.workspace,
            actor=membership.user,
            action="update",
            instance=cycle,
            changes=changed,
        )
    return cycle


def _same(cycle: Cycle, functions: list[Function], name: str, value: Any) -> bool:
    """Whether an edit of a frozen field leaves it as it is (forms send every field)."""
    if name == "functions":
        return {f.pk for f in functions} == {f.pk for f in (value or [])}
    if name == "instrument":
        return value is None or value.pk == cycle.version.instrument_id
    if name == "partnership":
        return (value.pk if value is not None else None) == cycle.partnership_id
    return bool(getattr(cycle, name) == value)


def cycle_delete(*, membership: Membership, cycle: Cycle) -> None:
    """Delete a draft. Opened cycles are kept: people were asked and may have answered."""
    _manage_require(membership, cycle)
    if cycle.status != Cycle.Status.DRAFT:
        raise ValidationError(
            {"__all__": "Only a survey that has not opened can be deleted; close it instead."}
        )
    with transaction.atomic():
        audit_record(
            workspace=cycle.workspace,
            actor=membership.user,
            action="delete",
            instance=cycle,
            changes=diff(snapshot(cycle, AUDITED_FIELDS), {}),
        )
        cycle.delete()


# --- open, close, recur ---------------------------------------------------------------------


@dataclass(frozen=True)
class Opened:
    cycle: Cycle
    invited: int
    successor: Cycle | None


def _invitation_text(cycle: Cycle, link: str) -> str:
    closes = timezone.localtime(cycle.closes_at).strftime("%-d %B %Y")
    about = f" about {cycle.partnership.name}" if cycle.partnership is not None else ""
    return (
        f"You are invited to answer “{cycle.title}”{about} ({cycle.version.instrument.name}). "
        f"It takes a few minutes and closes on {closes}.\n\n"
        "Your answers are anonymous: Accord stores them without your name or account, and "
        f"results only show groups of at least {cycle.min_group} people.\n\n"
        f"Your personal link (it works once, no sign-in needed): {link}"
    )


def cycle_open(
    *,
    cycle: Cycle,
    membership: Membership | None = None,
    now: datetime.datetime | None = None,
) -> Opened:
    """Open a draft: freeze its thresholds, take the instrument's latest version, invite
    everyone in its audience with a one-time token (only the SHA-256 is stored) and notify
    each of them with their link. Opening early moves the opening time to now. A recurring
    cycle gets its successor as a new draft."""
    _manage_require(membership, cycle)
    now = now or timezone.now()
    if cycle.status != Cycle.Status.DRAFT:
        raise ValidationError({"__all__": "This survey has already been opened."})
    if cycle.closes_at <= now:
        raise ValidationError(
            {"closes_at": "The closing time has passed; move it later before opening."}
        )
    audience = cycle_audience(cycle=cycle)
    if not audience:
        raise ValidationError(
            {
                "__all__": "Nobody to invite: "
                + (
                    "the chosen functions have no people."
                    if cycle.partnership_id is None or cycle.functions.exists()
                    else "the partnership has no members yet."
                )
            }
        )
    workspace = cycle.workspace
    version = instrument_version_latest(instrument=cycle.version.instrument) or cycle.version
    tokens: list[tuple[Any, str]] = []
    with transaction.atomic():
        # The conditional update makes a second, concurrent opener fail instead of inviting
        # everyone twice.
        claimed = Cycle.objects.filter(pk=cycle.pk, status=Cycle.Status.DRAFT).update(
            status=Cycle.Status.OPEN,
            frozen_at=now,
            opens_at=min(cycle.opens_at, now),
            version=version,
            updated_at=now,
        )
        if not claimed:
            raise ValidationError({"__all__": "This survey has already been opened."})
        before_opens = cycle.opens_at
        cycle.status = Cycle.Status.OPEN
        cycle.frozen_at = now
        cycle.opens_at = min(cycle.opens_at, now)
        cycle.version = version
        invitations = []
        for invitee in audience:
            token = token_new()
            tokens.append((invitee.person, token))
            invitations.append(
                Invitation(
                    workspace=workspace,
                    cycle=cycle,
                    person=invitee.person,
                    function_id=invitee.function_id,
                    token_hash=token_hash(token),
                    sent_at=now,
                )
            )
        Invitation.objects.bulk_create(invitations)
        changes: dict[str, list[Any]] = {
            "status": ["Draft", "Open"],
            "invited": [None, len(invitations)],
            "frozen": [None, f"k = {cycle.min_group}, comments = {cycle.min_comments}"],
        }
        if before_opens != cycle.opens_at:
            changes["opens_at"] = [before_opens.isoformat(), cycle.opens_at.isoformat()]
        audit_record(
            workspace=workspace,
            actor=membership.user if membership is not None else None,
            action="update",
            instance=cycle,
            changes=changes,
        )
        for person, token in tokens:
            path = survey_link_path(token)
            notify(
                workspace=workspace,
                event=Event.SURVEY_INVITATION,
                recipients=[person],
                subject=f"Survey: {cycle.title}",
                key=f"survey-invitation:{cycle.uuid}",
                body=_invitation_text(cycle, site_link(path)),
                url=path,
                about=cycle,
                # The link answers without signing in: people without a login get it too.
                direct_link=True,
            )
        successor = cycle_next_create(cycle=cycle) if cycle.recur_weeks else None
    return Opened(cycle=cycle, invited=len(tokens), successor=successor)


def cycle_next_create(*, cycle: Cycle) -> Cycle | None:
    """The next cycle of a recurring one, as a draft `recur_weeks` later (once: a cycle that
    already has a successor gets none)."""
    if not cycle.recur_weeks or Cycle.objects.filter(previous=cycle).exists():
        return None
    step = datetime.timedelta(weeks=cycle.recur_weeks)
    functions = list(cycle.functions.all())
    successor = Cycle.objects.create(
        workspace=cycle.workspace,
        version=cycle.version,
        title=cycle.title,
        partnership=cycle.partnership,
        opens_at=cycle.opens_at + step,
        closes_at=cycle.closes_at + step,
        rate_own_function=cycle.rate_own_function,
        min_group=cycle.min_group,
        min_comments=cycle.min_comments,
        recur_weeks=cycle.recur_weeks,
        previous=cycle,
        created_by=cycle.created_by,
    )
    if functions:
        successor.functions.set(functions)
    audit_record(
        workspace=cycle.workspace,
        actor=None,
        action="create",
        instance=successor,
        changes={
            "title": [None, successor.title],
            "opens_at": [None, successor.opens_at.isoformat()],
            "previous": [None, str(cycle)],
        },
    )
    return successor


def cycle_close(
    *,
    cycle: Cycle,
    membership: Membership | None = None,
    now: datetime.datetime | None = None,
) -> Cycle:
    """Stop accepting answers. Closing early moves the closing time to now."""
    _manage_require(membership, cycle)
    now = now or timezone.now()
    if cycle.status != Cycle.Status.OPEN:
        raise ValidationError({"__all__": "Only an open survey can be closed."})
    closes_at = min(cycle.closes_at, now)
    with transaction.atomic():
        claimed = Cycle.objects.filter(pk=cycle.pk, status=Cycle.Status.OPEN).update(
            status=Cycle.Status.CLOSED, closes_at=closes_at, updated_at=now
        )
        if not claimed:
            raise ValidationError({"__all__": "This survey is already closed."})
        changes: dict[str, list[Any]] = {"status": ["Open", "Closed"]}
        if closes_at != cycle.closes_at:
            changes["closes_at"] = [cycle.closes_at.isoformat(), closes_at.isoformat()]
        cycle.status = Cycle.Status.CLOSED
        cycle.closes_at = closes_at
        audit_record(
            workspace=cycle.workspace,
            actor=membership.user if membership is not None else None,
            action="update",
            instance=cycle,
            changes=changes,
        )
    # The results of a closed cycle no longer change: store its released figures once.
    from accord.surveys.results_selectors import result_snapshots_refresh

    result_snapshots_refresh(workspace=cycle.workspace, cycle_ids=[cycle.pk])
    return cycle


# --- the daily advance ----------------------------------------------------------------------


def reminder_rounds(cycle: Cycle) -> list[datetime.datetime]:
    """When non-responders are reminded: half way through, and two days before closing
    (when that is at least a day after the first)."""
    middle = cycle.opens_at + (cycle.closes_at - cycle.opens_at) / 2
    rounds = [middle]
    late = cycle.closes_at - REMINDER_BEFORE_CLOSE
    if late >= middle + datetime.timedelta(days=1):
        rounds.append(late)
    return rounds


def cycle_remind(*, cycle: Cycle, now: datetime.datetime) -> int:
    """Remind the people who have not answered, once per reminder round. Returns how many
    were reminded now (0 when the round's reminders already went out)."""
    if cycle.status != Cycle.Status.OPEN or now >= cycle.closes_at:
        return 0
    due = [moment for moment in reminder_rounds(cycle) if moment <= now]
    if not due:
        return 0
    round_number, moment = len(due), due[-1]
    pending = list(
        Invitation.objects.filter(workspace=cycle.workspace, cycle=cycle, responded=False)
        .exclude(reminded_at__gte=moment)
        .select_related("person")
    )
    if not pending:
        return 0
    closes = timezone.localtime(cycle.closes_at).strftime("%-d %B %Y")
    path = reverse("survey_respond", args=[cycle.workspace.slug, cycle.uuid])
    with transaction.atomic():
        for invitation in pending:
            notify(
                workspace=cycle.workspace,
                event=Event.SURVEY_INVITATION,
                recipients=[invitation.person],
                subject=f"Reminder: “{cycle.title}” closes on {closes}",
                key=f"survey-reminder:{cycle.uuid}:{round_number}",
                body=(
                    f"You have not answered “{cycle.title}” yet; it closes on {closes}. Use "
                    "the personal link in your invitation, or sign in to Accord and open "
                    "Surveys. Your answers are anonymous."
                ),
                url=path,
                about=cycle,
            )
        # No timestamp beyond what reminders need; the responded flag itself carries none.
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(reminded_at=now)
    return len(pending)


@dataclass
class Advanced:
    opened: int = 0
    closed: int = 0
    created: int = 0
    reminded: int = 0


def cycles_advance(
    *, now: datetime.datetime, workspaces: Iterable[Workspace] | None = None
) -> Advanced:
    """Open due drafts, close cycles past their closing time, create the next cycle of
    recurring ones (when they open) and remind non-responders. Idempotent: running it twice
    opens, closes and reminds nothing twice."""
    result = Advanced()
    cycles = Cycle.objects.select_related(
        "workspace", "version", "version__instrument", "partnership"
    )
    if workspaces is not None:
        cycles = cycles.filter(workspace__in=list(workspaces))
    for cycle in cycles.filter(status=Cycle.Status.OPEN, closes_at__lte=now).order_by("pk"):
        try:
            cycle_close(cycle=cycle, now=now)
            result.closed += 1
        except ValidationError:
            continue
    for cycle in cycles.filter(
        status=Cycle.Status.DRAFT, opens_at__lte=now, closes_at__gt=now
    ).order_by("opens_at", "pk"):
        try:
            opened = cycle_open(cycle=cycle, now=now)
        except ValidationError:
            continue  # nobody to invite yet, or opened meanwhile; tried again tomorrow
        result.opened += 1
        result.created += 1 if opened.successor is not None else 0
    for cycle in cycles.filter(status=Cycle.Status.OPEN, closes_at__gt=now).order_by("pk"):
        result.reminded += cycle_remind(cycle=cycle, now=now)
    return result
