"""Collaboration metadata for `accord generate`: one finished CSV-style import, an identity
per person (all mapped) and `events` interactions per person over the history, written as
plain rows. Only metadata, as DESIGN requires: who, to whom, when, over which channel.

The contact network has structure the network pages can show: everyone keeps a few contacts
in their own function and near their manager, partnership members keep contacts with each
other across functions (so partnerships visibly bridge functions), and a few random
cross-function contacts exist as well. Traffic falls in working hours of the sender's time
zone, with a little after hours.
"""

import datetime
import hashlib
import zoneinfo
from typing import Any

import numpy as np
from django.utils import timezone

from accord.network.models import Channel, Identity, Interaction, NetworkImport, Source
from accord.ops.generate_bulk import rows_insert, utc_texts
from accord.ops.generate_org import Organization
from accord.ops.generate_partnerships import Portfolio
from accord.workspaces.models import Workspace

INTERNAL_CONTACTS = 4
RANDOM_CONTACTS = 1.0  # mean per person (Poisson), anywhere in the company
RATE_INTERNAL = 3.0
RATE_MANAGER = 4.0
RATE_PARTNERSHIP = 2.0
RATE_RANDOM = 0.8
AFTER_HOURS = 0.06
CHANNELS = (Channel.EMAIL, Channel.CHAT, Channel.MEETING)
CHANNEL_SHARES = (0.45, 0.4, 0.15)


def _contacts(
    organization: Organization, portfolio: Portfolio, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Undirected contacts as (u, v, weekly rate) arrays over people positions, u < v."""
    people = organization.people
    position = {p.pk: i for i, p in enumerate(people)}
    n = len(people)
    pairs: list[np.ndarray] = []
    rates: list[np.ndarray] = []

    # Manager ↔ report.
    reports = np.array(
        [(i, position[p.manager_id]) for i, p in enumerate(people) if p.manager_id], dtype=np.int64
    ).reshape(-1, 2)
    pairs.append(reports)
    rates.append(np.full(len(reports), RATE_MANAGER))

    # Colleagues in the same function: people of a function sit next to each other in the
    # insert order (layer by layer), so pick partners among nearby positions of the same group.
    group = np.array([p.function_id or 0 for p in people], dtype=np.int64)
    for function in organization.functions:
        members = np.flatnonzero(group == function.pk)
        if members.size < 2:
            continue
        for _ in range(INTERNAL_CONTACTS):
            partners = members[rng.integers(0, members.size, members.size)]
            pairs.append(np.stack([members, partners], axis=1))
            rates.append(np.full(members.size, RATE_INTERNAL))

    # Partnership members: each keeps contact with a few others in the partnership.
    cross: list[tuple[int, int]] = []
    for group_members in portfolio.members.values():
        ids = [position[m.person_id] for m in group_members]
        for index, u in enumerate(ids):
            for v in ids[index + 1 : index + 4]:
                cross.append((u, v))
    cross_array = np.array(cross, dtype=np.int64).reshape(-1, 2)
    pairs.append(cross_array)
    rates.append(np.full(len(cross_array), RATE_PARTNERSHIP))

    # Random acquaintances anywhere.
    count = rng.poisson(RANDOM_CONTACTS * n)
    pairs.append(np.stack([rng.integers(0, n, count), rng.integers(0, n, count)], axis=1))
    rates.append(np.full(count, RATE_RANDOM))

    every = np.concatenate(pairs)
    rate = np.concatenate(rates)
    u = np.minimum(every[:, 0], every[:, 1])
    v = np.maximum(every[:, 0], every[:, 1])
    keep = u != v
    return u[keep], v[keep], rate[keep]


def _utc_offsets(zones: list[str], days: list[datetime.date]) -> np.ndarray:
    """Seconds between local time and UTC, per (zone, day), daylight saving included."""
    offsets = np.zeros((len(zones), len(days)), dtype=np.int64)
    for i, name in enumerate(zones):
        zone = zoneinfo.ZoneInfo(name or "UTC")
        for j, day in enumerate(days):
            noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=zone)
            offset = noon.utcoffset()
            offsets[i, j] = int(offset.total_seconds()) if offset else 0
    return offsets


def network_create(
    *,
    workspace: Workspace,
    organization: Organization,
    portfolio: Portfolio,
    weeks: int,
    today: datetime.date,
    events: int,
    seed: int,
) -> dict[str, int]:
    """Write the import, identities and about `events` × people interactions; counts."""
    people = organization.people
    rng = np.random.default_rng(seed)
    u, v, rate = _contacts(organization, portfolio, rng)
    total = events * len(people)
    first_day = today - datetime.timedelta(days=7 * weeks - 1)
    workdays = [
        first_day + datetime.timedelta(days=d)
        for d in range(7 * weeks)
        if (first_day + datetime.timedelta(days=d)).weekday() < 5
    ]
    # Each event picks a contact by rate, a direction, a working day and a local time.
    edge = (
        rng.choice(u.size, size=total, p=rate / rate.sum())
        if total and u.size
        else np.array([], dtype=np.int64)
    )
    flip = rng.random(edge.size) < 0.5
    sender = np.where(flip, v[edge], u[edge])
    recipient = np.where(flip, u[edge], v[edge])
    day = rng.integers(0, len(workdays), edge.size)
    late = rng.random(edge.size) < AFTER_HOURS
    local_seconds = np.where(
        late,
        rng.integers(19 * 3600, 23 * 3600, edge.size),
        rng.integers(8 * 3600 + 1800, 18 * 3600, edge.size),
    )
    zones = sorted({p.timezone or "UTC" for p in people})
    zone_of = np.array([zones.index(p.timezone or "UTC") for p in people], dtype=np.int64)
    offsets = _utc_offsets(zones, workdays)
    day_epoch = np.array(
        [
            int(datetime.datetime.combine(d, datetime.time(), tzinfo=datetime.UTC).timestamp())
            for d in workdays
        ],
        dtype=np.int64,
    )
    occurred = day_epoch[day] + local_seconds - offsets[zone_of[sender], day]
    channel = rng.choice(len(CHANNELS), size=edge.size, p=CHANNEL_SHARES)
    order = np.argsort(occurred, kind="stable")
    sender, recipient, occurred, channel = (
        sender[order],
        recipient[order],
        occurred[order],
        channel[order],
    )

    now = timezone.now()
    sha256 = hashlib.sha256(f"accord-generate:{workspace.uuid}".encode()).hexdigest()
    batch = NetworkImport.objects.create(
        workspace=workspace,
        source=Source.CSV,
        filename="generated-collaboration.csv",
        sha256=sha256,
        size_bytes=int(edge.size) * 64,
        status=NetworkImport.Status.DONE,
        progress=1.0,
        progress_label="Done",
        rows_read=int(edge.size),
        events_added=int(edge.size),
        pairs_added=int(edge.size),
        started_at=now,
        finished_at=now,
    )
    touched = np.bincount(sender, minlength=len(people)) + np.bincount(
        recipient, minlength=len(people)
    )
    rows_insert(
        Identity,
        ("workspace_id", "kind", "value", "person_id", "events"),
        (
            (workspace.pk, "email", person.email.lower(), person.pk, int(touched[i]))
            for i, person in enumerate(people)
        ),
    )
    identity_of = dict(Identity.objects.filter(workspace=workspace).values_list("person_id", "pk"))
    identity = np.array([identity_of[p.pk] for p in people], dtype=np.int64)
    sender_ids = identity[sender].tolist()
    recipient_ids = identity[recipient].tolist()
    channels = [str(CHANNELS[c]) for c in range(len(CHANNELS))]
    moments = utc_texts(occurred)

    def rows() -> Any:
        for i, (moment, s, r, c) in enumerate(
            zip(moments, sender_ids, recipient_ids, channel.tolist(), strict=True)
        ):
            yield (
                workspace.pk,
                batch.pk,
                moment,
                s,
                r,
                channels[c],
                f"g{i:031d}",
            )

    written = rows_insert(
        Interaction,
        ("workspace_id", "batch_id", "occurred_at", "sender_id", "recipient_id", "channel", "key"),
        rows(),
    )
    return {"identities": len(people), "interactions": written}
