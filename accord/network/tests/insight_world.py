"""A small collaboration network in acme for the snapshot, page and API tests: Sales (6
people, talk among themselves), Finance (6, a chain, with one bridge to Sales) and Tiny (2,
under the minimum group size of 5), plus interactions that must not count (an unmapped and an
ignored identity, a failed import, a day outside the window)."""

import datetime
import hashlib
import itertools
from dataclasses import dataclass

from accord.network.models import Identity, Interaction, NetworkImport
from accord.org.models import Function, Person

WINDOW_END = datetime.date(2026, 3, 27)  # a Friday


@dataclass
class World:
    sales: list[Person]
    finance: list[Person]
    tiny: list[Person]
    batch: NetworkImport
    identities: dict[int, Identity]
    counted: int  # interactions that count in the window


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=datetime.UTC)


def build_world(tenant, *, prefix: str = "") -> World:
    workspace = tenant.workspace
    tag = prefix.strip().lower().replace(" ", "-") + "-" if prefix else ""
    tiny_function = Function.objects.create(workspace=workspace, name=f"{prefix}Tiny")

    def person(name: str, function: Function, zone: str = "UTC") -> Person:
        return Person.objects.create(
            workspace=workspace,
            name=f"{prefix}{name}",
            email=f"{name.lower().replace(' ', '.')}@{workspace.slug}.test",
            function=function,
            timezone=zone,
        )

    sales = [tenant.alice] + [person(f"Seller {i}", tenant.sales) for i in range(5)]
    finance = [tenant.bob] + [
        person(f"Counter {i}", tenant.finance, "Europe/Dublin") for i in range(5)
    ]
    tiny = [person(f"Tiny {i}", tiny_function) for i in range(2)]
    batch = NetworkImport.objects.create(
        workspace=workspace,
        source="csv",
        filename="world.csv",
        sha256=hashlib.sha256(f"{prefix}world".encode()).hexdigest(),
        status="done",
    )
    failed = NetworkImport.objects.create(
        workspace=workspace,
        source="csv",
        filename="bad.csv",
        sha256=hashlib.sha256(f"{prefix}bad".encode()).hexdigest(),
        status="failed",
    )
    identities = {
        p.pk: Identity.objects.create(
            workspace=workspace, kind="email", value=tag + p.email, person=p
        )
        for p in sales + finance + tiny
    }
    stranger = Identity.objects.create(workspace=workspace, kind="email", value=f"{tag}x@else.test")
    ignored = Identity.objects.create(
        workspace=workspace,
        kind="email",
        value=f"{tag}bot@else.test",
        person=sales[0],
        ignored=True,
    )
    day = WINDOW_END - datetime.timedelta(days=3)
    rows: list[tuple] = []
    for group in (sales,):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                rows.append((a, b, at(day)))
    for a, b in itertools.pairwise(finance):
        rows.append((a, b, at(day, 22)))  # after hours in UTC and in Dublin
    rows.append((finance[0], sales[1], at(day)))  # the one bridge
    rows.append((tiny[0], sales[2], at(day)))
    rows.append((tiny[1], tiny[0], at(day)))
    rows.append((sales[1], finance[0], at(day)))  # reciprocated
    counted = len(rows)
    interactions = [
        Interaction(
            workspace=workspace,
            batch=batch,
            occurred_at=moment,
            sender=identities[a.pk],
            recipient=identities[b.pk],
            channel="email",
            key=f"{prefix}k{n}",
        )
        for n, (a, b, moment) in enumerate(rows)
    ]
    extra = [
        (batch, identities[sales[0].pk], stranger, at(day)),
        (batch, ignored, identities[finance[1].pk], at(day)),
        (failed, identities[finance[1].pk], identities[sales[3].pk], at(day)),
        (
            batch,
            identities[finance[2].pk],
            identities[sales[4].pk],
            at(WINDOW_END + datetime.timedelta(days=1)),
        ),
        (
            batch,
            identities[finance[2].pk],
            identities[sales[4].pk],
            at(WINDOW_END - datetime.timedelta(days=40)),
        ),
    ]
    interactions += [
        Interaction(
            workspace=workspace,
            batch=b,
            occurred_at=moment,
            sender=s,
            recipient=r,
            key=f"{prefix}x{n}",
        )
        for n, (b, s, r, moment) in enumerate(extra)
    ]
    Interaction.objects.bulk_create(interactions)
    return World(sales, finance, tiny, batch, identities, counted)
