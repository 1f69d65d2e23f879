"""Meetings for the tenancy walk: a held meeting with agenda, attendees, notes, a tally and a
captured decision and action, a cadence with its scheduled meeting, and a calendar feed token,
all made through the actions."""

import datetime
from typing import Any

from django.utils import timezone

from accord.comms import meeting_actions
from accord.comms.models_plan import Cadence

PARAM_MODELS = {
    "meeting": "comms.meeting",
    "agenda_item": "comms.agendaitem",
    "cadence": "comms.cadence",
}


def seed(world: Any) -> None:
    owner = world.owner
    today = timezone.localdate()
    meeting = meeting_actions.meeting_create(
        membership=owner,
        partnership=world.partnership,
        title="Acme Rocketry launch review",
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        location="Acme Rocketry mesa",
        attendees=[world.person],
        agenda=[meeting_actions.AgendaSpec("Acme Rocketry fuel", owner=world.person, minutes=10)],
        notes="Acme Rocketry notes",
    )
    item = meeting.agenda.get()
    meeting_actions.contribution_change(
        membership=owner, meeting=meeting, agenda_item=item, person=world.person, delta=3
    )
    meeting_actions.meeting_status_change(
        membership=owner, meeting=meeting, status="held", today=today
    )
    meeting_actions.meeting_decision_capture(
        membership=owner,
        meeting=meeting,
        title="Acme Rocketry: launch at dawn",
        decider=world.person,
        decision_text="Acme Rocketry launches at dawn.",
    )
    meeting_actions.meeting_action_capture(
        membership=owner,
        meeting=meeting,
        title="Acme Rocketry: fill the tanks",
        owner=world.person,
        due_date=today + datetime.timedelta(days=3),
    )
    cadence = Cadence.objects.create(
        workspace=world.acme.workspace,
        partnership=world.partnership,
        kind=Cadence.Kind.MONTHLY_REVIEW,
        name="Acme Rocketry monthly review",
        unit=Cadence.Unit.MONTH,
        starts_on=today,
        next_due=today + datetime.timedelta(days=10),
        owner=world.person,
    )
    meeting_actions.meeting_schedule_next(membership=owner, cadence=cadence, today=today)
    meeting_actions.calendar_token_reset(membership=owner)
