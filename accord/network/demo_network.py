"""The demo's collaboration history: twelve weeks of metadata for Brightwater, as if an admin
had imported a CSV export — one finished import, an identity per person (all mapped), and
interactions written in bulk — then weekly snapshots so the trend shows.

The story the network pages should tell:
- Finance is the siloed function: its people talk almost only to each other (its E-I index
  stays clearly negative, easing a little in the last weeks as a pricing project starts).
- Two brokers bridge the functions: the Senior Business Operations Analyst (Operations) and
  the Product Manager of the wholesale portal (Product) keep contacts in every function, so
  they top the betweenness list.
- Most traffic is in working hours in each person's own time zone; Engineering and the Dublin
  office carry some after-hours traffic.

Everything is drawn from a seeded generator over a fixed contact network, so a rebuild tells
the same story.
"""

import datetime
import hashlib
import zoneinfo
from dataclasses import dataclass

import numpy as np
from django.utils import timezone

from accord.network.models import Channel, Identity, Interaction, NetworkImport, Source
from accord.network.snapshots import snapshots_refresh
from accord.org.models import Person
from accord.workspaces.models import Workspace

SEED = 8
WEEKS = 12
FILENAME = "demo-collaboration.csv"
SILOED_FUNCTION = "Finance"
BROKER_TITLES = ("Senior Business Operations Analyst", "Product Manager, Wholesale Portal")
# Which functions work together most (the rest still meet now and then).
AFFINITY = {
    ("Sales", "Marketing"): 3.0,
    ("Sales", "Customer Success"): 3.0,
    ("Sales", "Operations"): 2.0,
    ("Marketing", "Product"): 2.0,
    ("Engineering", "Product"): 4.0,
    ("Operations", "Engineering"): 1.5,
    ("Customer Success", "Product"): 1.5,
    ("Customer Success", "Operations"): 2.0,
    ("People", "Engineering"): 1.0,
    ("Finance", "Sales"): 1.0,
}
INTERNAL_CONTACTS = 5
EXTERNAL_CONTACTS = 1.6  # mean per person (Poisson); the siloed function's people keep 0.15
BROKER_CONTACTS_PER_FUNCTION = 3
RATE_INTERNAL = 3.0  # interactions per contact per week
RATE_EXTERNAL = 1.6
AFTER_HOURS = {"Engineering": 0.16}  # share of a person's traffic outside working hours
AFTER_HOURS_DEFAULT = 0.05
AFTER_HOURS_DUBLIN = 0.12  # Dublin works with the Americas late in its day
CHANNELS = (Channel.EMAIL, Channel.CHAT, Channel.MEETING)
CHANNEL_SHARES = (0.45, 0.4, 0.15)


@dataclass(frozen=True)
class DemoNetworkSummary:
    interactions: int
    identities: int
    snapshots: int


def _contacts(
    rng: np.random.Generator, group: np.ndarray, names: list[str], brokers: list[int]
) -> list[tuple[int, int, float, int, int]]:
    """The contact network: (person, person, weekly rate, first week, end week) with
    person < person; the tie is active in weeks [first, end)."""
    n = group.size
    members = {code: np.flatnonzero(group == code) for code in range(len(names))}
    weights = np.ones((len(names), len(names)))
    if SILOED_FUNCTION in names:
        # Others rarely reach into the siloed function either.
        silo = names.index(SILOED_FUNCTION)
        weights[silo, :] = weights[:, silo] = 0.15
    for (first, second), weight in AFFINITY.items():
        if first in names and second in names:
            i, j = names.index(first), names.index(second)
            weights[i, j] = weights[j, i] = weight
    edges: dict[tuple[int, int], float] = {}
    starts: dict[tuple[int, int], int] = {}

    def add(u: int, v: int, rate: float) -> None:
        if u != v:
            key = (min(u, v), max(u, v))
            edges[key] = max(edges.get(key, 0.0), rate)

    for person in range(n):
        own = int(group[person])
        colleagues = members[own][members[own] != person]
        for other in rng.choice(
            colleagues, size=min(INTERNAL_CONTACTS, colleagues.size), replace=False
        ):
            add(person, int(other), RATE_INTERNAL)
        siloed = names[own] == SILOED_FUNCTION
        count = rng.poisson(0.15 if siloed else EXTERNAL_CONTACTS)
        others = [code for code in range(len(names)) if code != own and members[code].size]
        if not others:
            continue
        p = weights[own, others] / weights[own, others].sum()
        for _ in range(count):
            code = int(rng.choice(others, p=p))
            add(person, int(rng.choice(members[code])), RATE_EXTERNAL)
    for broker in brokers:
        for code in range(len(names)):
            pool = members[code][members[code] != broker]
            wanted = 1 if names[code] == SILOED_FUNCTION else BROKER_CONTACTS_PER_FUNCTION
            take = min(wanted, pool.size)
            for other in rng.choice(pool, size=take, replace=False):
                add(broker, int(other), RATE_EXTERNAL * 1.5)
    # Finance's pricing project: new ties to Sales and Marketing from week 6 on.
    if SILOED_FUNCTION in names:
        silo = names.index(SILOED_FUNCTION)
        partners = [code for code in range(len(names)) if names[code] in ("Sales", "Marketing")]
        for number in range(5):
            code = partners[number % len(partners)] if partners else (silo + 1) % len(names)
            person = int(rng.choice(members[silo]))
            other = int(rng.choice(members[code]))
            starts[(min(person, other), max(person, other))] = 6 + number
            add(person, other, RATE_EXTERNAL)
    rows = []
    for (u, v), rate in sorted(edges.items()):
        start = starts.get((u, v), 0)
        end = WEEKS
        if (u, v) not in starts and group[u] != group[v] and u not in brokers and v not in brokers:
            # Cross-functional contacts come and go: some start late, some end early.
            draw = rng.random()
            if draw < 0.25:
                start = int(rng.integers(1, WEEKS - 2))
            elif draw < 0.4:
                end = int(rng.integers(3, WEEKS))
        rows.append((u, v, rate, start, end))
    return rows


def _utc_offsets(zones: list[str], days: list[datetime.date]) -> np.ndarray:
    """Seconds to subtract from local time to get UTC, per (zone, day) — DST included."""
    offsets = np.zeros((len(zones), len(days)), dtype=np.int64)
    for i, name in enumerate(zones):
        zone = zoneinfo.ZoneInfo(name or "UTC")
        for j, day in enumerate(days):
            noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)
            offset = noon.utcoffset()
            offsets[i, j] = int(offset.total_seconds()) if offset else 0
    return offsets


def demo_network_build(workspace: Workspace, *, today: datetime.date) -> DemoNetworkSummary:
    """Write the demo's collaboration history and its weekly snapshots (bulk writes)."""
    rng = np.random.default_rng(SEED)
    people = list(
        Person.objects.filter(workspace=workspace, function__isnull=False)
        .select_related("function")
        .order_by("pk")
    )
    sha256 = hashlib.sha256(f"accord-demo-network:{workspace.slug}".encode()).hexdigest()
    if len(people) < 3 or NetworkImport.objects.filter(workspace=workspace, sha256=sha256).exists():
        return DemoNetworkSummary(0, 0, 0)
    names = sorted({person.function.name for person in people if person.function})
    group = np.array([names.index(p.function.name) for p in people if p.function], dtype=np.int64)
    brokers = [i for i, person in enumerate(people) if person.title in BROKER_TITLES][:2]
    edges = _contacts(rng, group, names, brokers)

    first_day = today - datetime.timedelta(days=7 * WEEKS - 1)
    workdays = [
        first_day + datetime.timedelta(days=d)
        for d in range(7 * WEEKS)
        if (first_day + datetime.timedelta(days=d)).weekday() < 5
    ]
    zones = [person.timezone or "UTC" for person in people]
    offsets = _utc_offsets(zones, workdays)
    day_epoch = np.array(
        [
            int(datetime.datetime.combine(d, datetime.time(), tzinfo=datetime.UTC).timestamp())
            for d in workdays
        ],
        dtype=np.int64,
    )
    after_share = np.array(
        [
            AFTER_HOURS.get(
                p.function.name if p.function else "",
                AFTER_HOURS_DUBLIN if p.timezone == "Europe/Dublin" else AFTER_HOURS_DEFAULT,
            )
            for p in people
        ]
    )
    siloed = names.index(SILOED_FUNCTION) if SILOED_FUNCTION in names else -1

    u = np.array([e[0] for e in edges], dtype=np.int64)
    v = np.array([e[1] for e in edges], dtype=np.int64)
    rate = np.array([e[2] for e in edges], dtype=np.float64)
    active_from = np.array([e[3] for e in edges], dtype=np.int64)
    active_to = np.array([e[4] for e in edges], dtype=np.int64)
    crossing = group[u] != group[v]
    touches_silo = crossing & ((group[u] == siloed) | (group[v] == siloed))
    senders: list[np.ndarray] = []
    recipients: list[np.ndarray] = []
    days: list[np.ndarray] = []
    for week in range(WEEKS):
        weekly = np.where((active_from <= week) & (week < active_to), rate, 0.0)
        # Finance opens up a little over the last weeks (a pricing project with Sales).
        weekly[touches_silo] *= 0.6 + 0.8 * week / (WEEKS - 1)
        counts = rng.poisson(weekly)
        src = np.repeat(u, counts)
        dst = np.repeat(v, counts)
        flip = rng.random(src.size) < 0.45
        src, dst = np.where(flip, dst, src), np.where(flip, src, dst)
        week_days = [j for j, d in enumerate(workdays) if (d - first_day).days // 7 == week]
        senders.append(src)
        recipients.append(dst)
        days.append(rng.choice(week_days, size=src.size))
    sender = np.concatenate(senders)
    recipient = np.concatenate(recipients)
    day = np.concatenate(days)
    late = rng.random(sender.size) < after_share[sender]
    # Local hour: working hours 8:30–18:00, after hours 19:00–23:00 or 6:00–7:30.
    local_seconds = np.where(
        late,
        np.where(
            rng.random(sender.size) < 0.7,
            rng.integers(19 * 3600, 23 * 3600, sender.size),
            rng.integers(6 * 3600, 7 * 3600 + 1800, sender.size),
        ),
        rng.integers(8 * 3600 + 1800, 18 * 3600, sender.size),
    )
    occurred = day_epoch[day] + local_seconds - offsets[sender, day]
    channel = rng.choice(len(CHANNELS), size=sender.size, p=CHANNEL_SHARES)
    order = np.argsort(occurred, kind="stable")
    sender, recipient, occurred, channel = (
        sender[order],
        recipient[order],
        occurred[order],
        channel[order],
    )

    now = timezone.now()
    batch = NetworkImport.objects.create(
        workspace=workspace,
        source=Source.CSV,
        filename=FILENAME,
        sha256=sha256,
        size_bytes=int(sender.size) * 64,
        status=NetworkImport.Status.DONE,
        progress=1.0,
        progress_label="Done",
        rows_read=int(sender.size),
        events_added=int(sender.size),
        pairs_added=int(sender.size),
        started_at=now,
        finished_at=now,
    )
    sent = np.bincount(sender, minlength=len(people)) + np.bincount(
        recipient, minlength=len(people)
    )
    Identity.objects.bulk_create(
        [
            Identity(
                workspace=workspace,
                kind=Identity.Kind.EMAIL,
                value=person.email.lower(),
                person=person,
                events=int(sent[i]),
            )
            for i, person in enumerate(people)
        ],
        batch_size=500,
    )
    identity_of = dict(
        Identity.objects.filter(workspace=workspace, kind=Identity.Kind.EMAIL).values_list(
            "person_id", "pk"
        )
    )
    identity = np.array([identity_of[person.pk] for person in people], dtype=np.int64)
    moments = [datetime.datetime.fromtimestamp(int(t), tz=datetime.UTC) for t in occurred.tolist()]
    Interaction.objects.bulk_create(
        [
            Interaction(
                workspace=workspace,
                batch=batch,
                occurred_at=moment,
                sender_id=int(identity[s]),
                recipient_id=int(identity[r]),
                channel=CHANNELS[c],
                key=f"demo{i:028d}",
            )
            for i, (moment, s, r, c) in enumerate(
                zip(moments, sender.tolist(), recipient.tolist(), channel.tolist(), strict=True)
            )
        ],
        batch_size=2000,
    )
    snapshots = snapshots_refresh(workspace=workspace, today=today)
    return DemoNetworkSummary(int(sender.size), len(people), len(snapshots))
