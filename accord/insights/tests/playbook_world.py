"""Builders for the playbook tests: a partnership with people in two functions, and the
records each kind of signal reads (snapshots, a coordination cycle, conflicts, goals,
cadences, change proposals), written through the real models and actions."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accord.comms.models import Cadence
from accord.governance.models import ChangeImpact, ChangeProposal, Concern, Conflict, Decision
from accord.insights.models import HealthSnapshot
from accord.org.models import Function, Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.models import Lifecycle, Partnership
from accord.workspaces.models import Membership

TODAY = datetime.date(2027, 3, 15)


@dataclass
class Team:
    partnership: Partnership
    lead: Person
    members: list[Person]
    functions: list[Function]


def team_build(tenant: Any, *, name: str = "Pricing Council", people: int = 3) -> Team:
    """A partnership of Sales and Finance with ``people`` members in each; Alice leads it
    and is the lead's login (the tenant's member user)."""
    owner = tenant.owner
    functions = [tenant.sales, tenant.finance]
    lead = tenant.alice
    lead.user = tenant.member
    lead.save(update_fields=["user"])
    partnership = partnership_create(
        workspace=tenant.workspace,
        actor=owner,
        name=name,
        functions=functions,
        lead=lead,
        start_date=TODAY - datetime.timedelta(days=200),
    )
    Partnership.objects.filter(pk=partnership.pk).update(status=Lifecycle.ACTIVE)
    partnership.refresh_from_db()
    members = []
    for function in functions:
        for number in range(people):
            person = Person.objects.create(
                workspace=tenant.workspace,
                name=f"{function.name} person {number} of {name}",
                email=f"{function.name.lower()}-{number}-{partnership.pk}@{tenant.workspace.slug}.test",
                function=function,
                seniority=1 + number % 3,
            )
            partnership_member_add(
                partnership=partnership, actor=owner, person=person, function=function
            )
            members.append(person)
    partnership_member_add(partnership=partnership, actor=owner, person=lead, function=tenant.sales)
    return Team(partnership=partnership, lead=lead, members=members, functions=functions)


def snapshot_write(
    partnership: Partnership,
    *,
    day: datetime.date = TODAY,
    components: dict[str, float | None],
    signals: list[dict[str, Any]] | None = None,
) -> HealthSnapshot:
    rows = [
        {
            "key": key,
            "label": key.replace("_", " ").capitalize(),
            "value": value,
            "weight": 10.0,
            "effective_weight": 10.0,
            "evidence": f"evidence for {key}",
            "status": "no data" if value is None else "ok",
            "freshness_days": 1,
            "trend": None,
        }
        for key, value in components.items()
    ]
    found, _ = HealthSnapshot.objects.update_or_create(
        workspace=partnership.workspace,
        partnership=partnership,
        date=day,
        defaults={
            "score": 50.0,
            "covered_share": 1.0,
            "components": rows,
            "signals": signals or [],
            "computed_at": timezone.now(),
        },
    )
    return found


def conflict_write(
    partnership: Partnership,
    *,
    title: str,
    days: int,
    private: bool = False,
    stage: str = "",
    today: datetime.date = TODAY,
) -> Conflict:
    conflict = Conflict.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        title=title,
        private=private,
        stage=stage or Conflict.Stage.RAISED,
    )
    raised = timezone.make_aware(
        datetime.datetime.combine(today - datetime.timedelta(days=days), datetime.time(12))
    )
    Conflict.objects.filter(pk=conflict.pk).update(created_at=raised)
    return conflict


def cadence_write(
    partnership: Partnership, *, weeks_ago: int, name: str = "Weekly update"
) -> Cadence:
    """A weekly update cadence that started ``weeks_ago`` weeks before TODAY; nothing was
    posted for it, so every due date since is missed."""
    start = TODAY - datetime.timedelta(weeks=weeks_ago)
    return Cadence.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name=name,
        interval=1,
        unit=Cadence.Unit.WEEK,
        starts_on=start,
        next_due=start,
        grace_days=2,
    )


def change_write(
    partnership: Partnership,
    *,
    title: str,
    affected: list[Function],
    heard: list[Function],
    status: str = Decision.Status.OPEN,
) -> Decision:
    decision = Decision.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        kind=Decision.Kind.CHANGE,
        title=title,
        status=status,
    )
    proposal = ChangeProposal.objects.create(
        workspace=partnership.workspace, decision=decision, what_changes=title
    )
    for function in affected:
        ChangeImpact.objects.create(
            workspace=partnership.workspace, proposal=proposal, function=function, impact="Some"
        )
    for function in heard:
        Concern.objects.create(
            workspace=partnership.workspace, proposal=proposal, function=function, body="Worry"
        )
    return decision


def membership(tenant: Any, role: str) -> Membership:
    return Membership.objects.select_related("workspace", "user").get(
        workspace=tenant.workspace, user=tenant.user(role)
    )


def coordination_write(tenant: Any, team: Team, *, position: int, min_group: int = 3) -> Any:
    """A closed coordination cycle in which every member rates the other function
    ``position`` (1–5) on every dimension."""
    from accord.surveys import instruments as builtin
    from accord.surveys.cycle_actions import cycle_close, cycle_create, cycle_open
    from accord.surveys.instrument_actions import builtins_ensure
    from accord.surveys.models import Instrument, Invitation
    from accord.surveys.respond_actions import AnswerInput, response_submit

    owner = membership(tenant, "owner")
    builtins_ensure(workspace=tenant.workspace)
    now = timezone.now()
    cycle = cycle_create(
        membership=owner,
        instrument=Instrument.objects.get(workspace=tenant.workspace, key=builtin.COORDINATION_KEY),
        title=f"Coordination of {team.partnership.name}",
        partnership=team.partnership,
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=7),
        min_group=min_group,
        min_comments=min_group,
    )
    cycle_open(cycle=cycle, membership=owner)
    invitations = Invitation.objects.filter(cycle=cycle).select_related(
        "cycle", "cycle__version", "cycle__partnership", "person"
    )
    for invitation in invitations:
        answers = [
            AnswerInput(item=item, target=str(function.uuid), position=position)
            for function in team.functions
            if function.pk != invitation.function_id
            for item in builtin.COORDINATION_ITEM_KEYS
        ]
        response_submit(invitation=invitation, answers=answers)
    cycle_close(cycle=cycle, membership=owner)
    return cycle
