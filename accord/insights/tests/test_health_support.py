"""Building blocks for the health tests: a partnership with something recorded for every
component (with known answers), and a bare one with nothing recorded.

No tests here; the test_health_* modules import these helpers."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from accord.comms.models_plan import Cadence
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate
from accord.goals.models import CheckIn, Goal
from accord.governance.models import Conflict, Decision, Deliverable, RaciAssignment
from accord.org.models import Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.models import Lifecycle, Partnership

TODAY = datetime.date(2026, 6, 15)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def ago(days: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=days)


@dataclass
class Rich:
    partnership: Partnership
    people: list[Person]
    functions: dict[str, Any]


def bare_partnership(tenant: Any, name: str = "Bare bones", **fields: Any) -> Partnership:
    """Two functions, nobody and nothing else."""
    fields.setdefault("status", Lifecycle.ACTIVE)
    status = fields.pop("status")
    partnership = partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=name,
        functions=[tenant.sales, tenant.finance],
        **fields,
    )
    Partnership.objects.filter(pk=partnership.pk).update(status=status)
    partnership.status = status
    return partnership


def rich_partnership(tenant: Any, name: str = "Quote to cash") -> Rich:
    """Every component has data, each with a known value on TODAY:

    - goal progress 50 (one goal ahead of pace, one behind), check-in freshness ≈ 53.6
      (one goal checked in 3 days ago, one 20 days ago, both on a 7-day cadence);
    - cadence adherence 66.7 (a weekly update cadence: two due dates met, one missed);
    - acknowledgement 50 (two updates; only one read by another function);
    - asks answered 50 (two asks ten days old, one answered; a fresh one not yet due);
    - RACI completeness 50 (one deliverable with an A and an R, one without an A);
    - decision velocity 50 (two proposals open, one older than 14 days);
    - conflicts 85 (one open; one resolved in 14 days).
    """
    workspace = tenant.workspace
    partnership = bare_partnership(tenant, name=name)
    sales2 = Person.objects.create(
        workspace=workspace,
        name="Sam Sales",
        email=f"sam.{partnership.slug}@acme.test",
        function=tenant.sales,
    )
    finance2 = Person.objects.create(
        workspace=workspace,
        name="Fay Finance",
        email=f"fay.{partnership.slug}@acme.test",
        function=tenant.finance,
    )
    people = [tenant.alice, tenant.bob, sales2, finance2]
    for person in people:  # Alice and Bob may be members of several test partnerships
        partnership_member_add(
            partnership=partnership, actor=tenant.owner, person=person, function=person.function
        )
    # Goals: one ahead of expected progress, one behind and stale.
    for title, points in (
        ("Ahead", [(45, 15.0), (30, 30.0), (3, 60.0)]),
        ("Behind", [(50, 2.0), (40, 5.0), (20, 10.0)]),
    ):
        goal = Goal.objects.create(
            workspace=workspace,
            partnership=partnership,
            title=title,
            direction="increase",
            baseline=0,
            target=100,
            start_date=ago(60),
            due_date=TODAY + datetime.timedelta(days=60),
            cadence_days=7,
        )
        for days, value in points:
            CheckIn.objects.create(workspace=workspace, goal=goal, date=ago(days), value=value)
    # Communication: a weekly cadence, two updates, acknowledgements and asks.
    Cadence.objects.create(
        workspace=workspace,
        partnership=partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name="Weekly update",
        starts_on=ago(14),
        next_due=TODAY,
    )
    first, second = (
        StatusUpdate.objects.create(
            workspace=workspace,
            partnership=partnership,
            author=tenant.alice,
            period_start=ago(days + 7),
            period_end=ago(days),
            rag="green",
            progress="Acme Rocketry shipped.",
            posted_at=at(ago(days)),
        )
        for days in (14, 1)
    )
    for update, reader in ((first, tenant.bob), (second, sales2)):
        ack = Acknowledgement.objects.create(workspace=workspace, update=update, person=reader)
        Acknowledgement.objects.filter(pk=ack.pk).update(created_at=update.posted_at)
    answered = Ask.objects.create(
        workspace=workspace,
        update=first,
        text="Approve?",
        to_person=tenant.bob,
        answer="Yes",
        answered_at=at(ago(9)),
        answered_by=tenant.bob,
    )
    waiting = Ask.objects.create(
        workspace=workspace, update=first, text="Budget?", to_person=finance2
    )
    fresh = Ask.objects.create(workspace=workspace, update=second, text="Data?", to_person=finance2)
    Ask.objects.filter(pk__in=[answered.pk, waiting.pk]).update(created_at=at(ago(10)))
    Ask.objects.filter(pk=fresh.pk).update(created_at=at(ago(1)))
    # Roles: one clean deliverable, one without an Accountable.
    clean = Deliverable.objects.create(workspace=workspace, partnership=partnership, name="Clean")
    broken = Deliverable.objects.create(workspace=workspace, partnership=partnership, name="No A")
    for deliverable, person, letter in (
        (clean, tenant.alice, "A"),
        (clean, tenant.bob, "R"),
        (clean, sales2, "C"),
        (clean, finance2, "I"),
        (broken, tenant.bob, "R"),
    ):
        RaciAssignment.objects.create(
            workspace=workspace, deliverable=deliverable, person=person, letter=letter
        )
    # Decisions: two open for input, one past the 14-day target.
    for title, days in (("Old proposal", 20), ("New proposal", 3)):
        decision = Decision.objects.create(
            workspace=workspace, partnership=partnership, title=title, status=Decision.Status.OPEN
        )
        Decision.objects.filter(pk=decision.pk).update(created_at=at(ago(days)))
    # Conflicts: one open, one resolved after exactly 14 days.
    still_open = Conflict.objects.create(
        workspace=workspace, partnership=partnership, title="Open one"
    )
    Conflict.objects.filter(pk=still_open.pk).update(created_at=at(ago(5)))
    resolved = Conflict.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Settled",
        stage=Conflict.Stage.RESOLVED,
    )
    Conflict.objects.filter(pk=resolved.pk).update(created_at=at(ago(30)), resolved_at=at(ago(16)))
    return Rich(
        partnership=partnership,
        people=people,
        functions={"Sales": tenant.sales, "Finance": tenant.finance},
    )


def components_of(snapshot: Any) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in snapshot.components}
