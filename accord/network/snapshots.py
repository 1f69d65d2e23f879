"""Network snapshots: load one window's interactions from the database into arrays, compute
every metric with accord/metrics/network.py, and store the answer per window.

Loading is one streamed SQL query on the interactions table alone — (time, sender identity,
recipient identity, channel) of the window's interactions in finished imports — turned into
numpy arrays chunk by chunk, with identities resolved to people (mapped, not ignored) by a
sorted lookup in numpy; nothing loops over rows in Python, so a million interactions load and
compute in seconds.

``results`` holds function-level figures only, with every function whose active people in the
window are fewer than the minimum group size k (the survey k) withheld: its row says so and
why, and every matrix cell, graph edge and per-function figure involving it is left out.
``people_results`` holds the person-level lists (brokers, overloaded people) that only
workspace admins see.
"""

import datetime
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from accord.metrics import network
from accord.network.models import (
    Identity,
    Interaction,
    NetworkImport,
    NetworkSettings,
    NetworkSnapshot,
)
from accord.org.models import Function, Person
from accord.workspaces.models import Workspace

IntArray = network.IntArray

RESULTS_VERSION = 1
TOP_BROKERS = 10
HISTORY_WEEKS = 12  # a first refresh fills in this many weekly snapshots where data covers them
CHUNK_ROWS = 200_000
NO_FUNCTION = "No function"
CHANNELS = ("email", "chat", "meeting", "other")


# --- loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonIndex:
    """Everyone in the workspace as array positions: index i is person ``ids[i]``."""

    ids: IntArray
    uuids: list[str]
    names: list[str]
    zones: list[str]
    group: IntArray  # function code per person
    functions: list[str]  # function name per code (NO_FUNCTION last, if anyone lacks one)
    function_uuids: list[str | None]

    @property
    def n(self) -> int:
        return int(self.ids.size)

    def positions(self, person_ids: IntArray) -> IntArray:
        """Array positions of person ids (−1 for ids not in the workspace)."""
        if person_ids.size == 0 or self.ids.size == 0:
            return np.full(person_ids.size, -1, dtype=np.int64)
        order = np.argsort(self.ids, kind="stable")
        sorted_ids = self.ids[order]
        at = np.clip(np.searchsorted(sorted_ids, person_ids), 0, sorted_ids.size - 1)
        found = sorted_ids[at] == person_ids
        return np.where(found, order[at], -1).astype(np.int64)


@dataclass(frozen=True)
class WindowData:
    people: PersonIndex
    occurred: IntArray  # epoch seconds, UTC
    sender: IntArray  # person positions
    recipient: IntArray
    channel: IntArray  # index into CHANNELS


def people_index(*, workspace: Workspace) -> PersonIndex:
    """Two queries: the workspace's functions and people."""
    functions = list(
        Function.objects.filter(workspace=workspace)
        .order_by("name")
        .values_list("pk", "uuid", "name")
    )
    rows = list(
        Person.objects.filter(workspace=workspace)
        .order_by("pk")
        .values_list("pk", "uuid", "name", "function_id", "timezone")
    )
    code = {pk: i for i, (pk, _, _) in enumerate(functions)}
    names = [name for _, _, name in functions]
    uuids: list[str | None] = [str(uuid) for _, uuid, _ in functions]
    fallback = len(functions)
    if any(row[3] is None or row[3] not in code for row in rows):
        names.append(NO_FUNCTION)
        uuids.append(None)
    default_zone = settings.TIME_ZONE or "UTC"
    return PersonIndex(
        ids=np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows)),
        uuids=[str(row[1]) for row in rows],
        names=[row[2] for row in rows],
        zones=[_zone(row[4], default_zone) for row in rows],
        group=np.fromiter(
            (code.get(row[3], fallback) for row in rows), dtype=np.int64, count=len(rows)
        ),
        functions=names,
        function_uuids=uuids,
    )


def _zone(name: str, default: str) -> str:
    import zoneinfo

    if not name:
        return default
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return default
    return name


def _bounds(
    window_start: datetime.date, window_end: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    zone = timezone.get_default_timezone()
    start = datetime.datetime.combine(window_start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        window_end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


def _interactions_sql(batches: int) -> str:
    """Time (epoch seconds), sender and recipient identity and channel code of the window's
    interactions in the given imports. Identities resolve to people in numpy afterwards:
    two B-tree lookups per row in SQL cost more than the whole rest of the load."""
    interaction = Interaction._meta.db_table
    if connection.vendor == "postgresql":
        epoch = "CAST(EXTRACT(EPOCH FROM occurred_at) AS BIGINT)"
    else:
        epoch = "CAST(strftime('%%s', occurred_at) AS INTEGER)"
    channel = " ".join(f"WHEN '{name}' THEN {code}" for code, name in enumerate(CHANNELS))
    other = len(CHANNELS) - 1
    marks = ", ".join(["%s"] * batches)
    # Only table names from the models and constants are formatted in; values are parameters.
    return (
        f"SELECT {epoch}, sender_id, recipient_id, CASE channel {channel} ELSE {other} END "  # noqa: S608
        f"FROM {interaction} "
        "WHERE workspace_id = %s AND occurred_at >= %s AND occurred_at < %s "
        f"AND batch_id IN ({marks})"
    )


def _identity_people(*, workspace: Workspace, people: PersonIndex) -> tuple[IntArray, IntArray]:
    """Sorted identity ids and, for each, the person position (−1: unmapped or ignored)."""
    rows = list(
        Identity.objects.filter(workspace=workspace)
        .order_by("pk")
        .values_list("pk", "person_id", "ignored")
    )
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    person = np.fromiter(
        (row[1] if row[1] is not None and not row[2] else -1 for row in rows),
        dtype=np.int64,
        count=len(rows),
    )
    positions = people.positions(person)
    positions[person < 0] = -1
    return ids, positions


def _resolve(identity_ids: IntArray, identity_person: IntArray, values: IntArray) -> IntArray:
    if values.size == 0 or identity_ids.size == 0:
        return np.full(values.size, -1, dtype=np.int64)
    at = np.clip(np.searchsorted(identity_ids, values), 0, identity_ids.size - 1)
    return np.where(identity_ids[at] == values, identity_person[at], -1).astype(np.int64)


def window_load(
    *, workspace: Workspace, window_start: datetime.date, window_end: datetime.date
) -> WindowData:
    """The window's countable interactions as arrays: those of finished imports whose sender
    and recipient identities are mapped to people and not ignored (five queries; the
    interactions streamed in chunks)."""
    people = people_index(workspace=workspace)
    identity_ids, identity_person = _identity_people(workspace=workspace, people=people)
    batches = list(
        NetworkImport.objects.filter(
            workspace=workspace, status=NetworkImport.Status.DONE
        ).values_list("pk", flat=True)
    )
    start, end = _bounds(window_start, window_end)
    chunks: list[np.ndarray[Any, Any]] = []
    if batches:
        params = [
            workspace.pk,
            connection.ops.adapt_datetimefield_value(start),
            connection.ops.adapt_datetimefield_value(end),
            *batches,
        ]
        with connection.cursor() as cursor:
            cursor.execute(_interactions_sql(len(batches)), params)
            while True:
                rows = cursor.fetchmany(CHUNK_ROWS)
                if not rows:
                    break
                chunk = np.array(rows, dtype=np.int64).reshape(len(rows), 4)
                sender = _resolve(identity_ids, identity_person, chunk[:, 1])
                recipient = _resolve(identity_ids, identity_person, chunk[:, 2])
                keep = (sender >= 0) & (recipient >= 0)
                chunk[:, 1] = sender
                chunk[:, 2] = recipient
                chunks.append(chunk[keep])
    table = np.concatenate(chunks) if chunks else np.zeros((0, 4), dtype=np.int64)
    return WindowData(
        people=people,
        occurred=table[:, 0].copy(),
        sender=table[:, 1].copy(),
        recipient=table[:, 2].copy(),
        channel=table[:, 3].copy(),
    )


# --- computing ------------------------------------------------------------------------------


def _clean(value: float | None, digits: int = 4) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(float(value), digits)


def ei_reading(name: str, value: float | None) -> str:
    """A plain-language reading of a function's E-I index."""
    if value is None:
        return f"{name} has no ties in this window."
    if value <= -0.5:
        return f"{name} talks mostly to itself."
    if value < -0.1:
        return f"{name} talks more inside than out."
    if value <= 0.1:
        return f"{name} balances inside and outside ties."
    if value < 0.5:
        return f"{name} reaches out more than it talks inside."
    return f"{name} talks mostly with other functions."


def nmi_reading(value: float | None) -> str:
    if value is None:
        return "No communities: there are no ties in this window."
    if value >= 0.6:
        return (
            "The communities are mostly the functions: communication follows the org chart "
            "closely, a sign of silos."
        )
    if value >= 0.3:
        return "Communication partly follows the org chart: some communities mix functions."
    return (
        "The communities cut across functions: people work in cross-functional clusters "
        "more than in their own function."
    )


def modularity_reading(value: float | None) -> str:
    if value is None:
        return "No ties in this window."
    if value >= 0.3:
        return "Ties cluster strongly inside functions."
    if value >= 0.1:
        return "Ties cluster somewhat inside functions."
    return "Functions are hardly more connected inside than across."


def _expected_ei(size: int, total: int) -> float | None:
    """E-I a function of this size would have if ties fell at random among all pairs: its
    possible outside pairs n(N − n) against inside pairs n(n − 1)/2."""
    outside = size * (total - size)
    inside = size * (size - 1) / 2
    if outside + inside == 0:
        return None
    return (outside - inside) / (outside + inside)


@dataclass(frozen=True)
class Computed:
    results: dict[str, Any]
    people_results: dict[str, Any]
    people: int
    interactions: int
    ties: int


def snapshot_compute(
    data: WindowData,
    *,
    min_weight: int,
    min_group: int,
    workday_start: int,
    workday_end: int,
    exact_max: int = network.EXACT_BETWEENNESS_MAX,
) -> Computed:
    """Every metric of one window, function-level in ``results`` (small functions withheld),
    person-level in ``people_results``."""
    people = data.people
    n = people.n
    g = len(people.functions)
    groups = people.group
    known = (data.sender >= 0) & (data.recipient >= 0) & (data.sender != data.recipient)
    sender, recipient, occurred = data.sender[known], data.recipient[known], data.occurred[known]
    ties = network.ties_from_events(sender, recipient, n=n, min_weight=min_weight)

    seen = np.zeros(n, dtype=bool)
    seen[sender] = True
    seen[recipient] = True
    active_by = np.bincount(groups[seen], minlength=g) if n else np.zeros(g, dtype=np.int64)
    withheld = [bool(active_by[code] < min_group) for code in range(g)]

    ei = network.ei_index(ties, groups, g)
    matrix = network.function_matrix(ties, groups, g)
    dens = network.density(ties, groups, g)
    modularity = network.modularity(ties, groups) if n else None
    found = network.communities(ties, groups) if n else None
    hours = network.after_hours(
        occurred,
        sender,
        people.zones,
        start_hour=workday_start,
        end_hour=workday_end,
        groups=groups,
        n_groups=g,
    )
    recip = network.reciprocity(sender, recipient, n=n)
    load = network.overload(ties)
    between = network.betweenness(ties, exact_max=exact_max)
    rank_check = None if between.exact else network.betweenness_check(ties)
    degree = network.weighted_degree(ties)
    channels = (
        np.bincount(data.channel[known], minlength=len(CHANNELS))
        if known.any()
        else np.zeros(len(CHANNELS), dtype=np.int64)
    )

    functions: list[dict[str, Any]] = []
    for code, name in enumerate(people.functions):
        base = {"name": name, "uuid": people.function_uuids[code]}
        if withheld[code]:
            functions.append(
                {
                    **base,
                    "withheld": True,
                    "reason": (
                        f"Fewer than {min_group} people of {name} appear in this window, "
                        "the minimum group size for any figure."
                    ),
                }
            )
            continue
        row = ei.groups[code]
        functions.append(
            {
                **base,
                "withheld": False,
                "people": row.people,
                "active": int(active_by[code]),
                "internal_ties": row.internal,
                "external_ties": row.external,
                "ei_index": _clean(row.ei_index),
                "expected_ei_index": _clean(_expected_ei(row.people, n)),
                "reading": ei_reading(name, row.ei_index),
                "density_within": _clean(float(dens.matrix[code, code])),
                "interactions_sent": int(hours.groups_total[code]),
                "after_hours_share": _clean(hours.group_share(code)),
            }
        )

    shown = [code for code in range(g) if not withheld[code]]
    matrix_ties = [
        [None if withheld[i] or withheld[j] else int(matrix[i, j]) for j in range(g)]
        for i in range(g)
    ]
    matrix_density = [
        [
            None if withheld[i] or withheld[j] else _clean(float(dens.matrix[i, j]), 6)
            for j in range(g)
        ]
        for i in range(g)
    ]
    graph = {
        "nodes": [
            {
                "name": people.functions[code],
                "people": int(ei.groups[code].people),
                "internal_ties": int(matrix[code, code]),
            }
            for code in shown
        ],
        "edges": [
            {
                "source": people.functions[i],
                "target": people.functions[j],
                "ties": int(matrix[i, j]),
            }
            for x, i in enumerate(shown)
            for j in shown[x + 1 :]
            if matrix[i, j] > 0
        ],
    }

    communities = _communities(found, groups, people.functions, withheld, min_group)
    summary: dict[str, Any] = {
        "people": n,
        "active_people": int(seen.sum()),
        "interactions": int(sender.size),
        "ties": ties.count,
        "ei_index": _clean(ei.overall),
        "modularity": _clean(modularity),
        "modularity_reading": modularity_reading(modularity),
        "density": _clean(dens.overall, 6),
        "reciprocity": _clean(recip),
        "after_hours_share": _clean(hours.share),
        "after_hours_interactions": hours.after,
        "gini_weighted_degree": _clean(load.gini_weighted_degree),
        "top5pct_share": _clean(load.top_share),
        "top5pct_people": load.top_people,
        "communities": communities["count"],
        "nmi_with_functions": communities["nmi"],
        "withheld_functions": sum(withheld),
        "betweenness_exact": between.exact,
    }
    if not any(withheld):
        # Organisation-wide counts would let a reader subtract a withheld function's own.
        summary["internal_ties"] = ei.internal
        summary["external_ties"] = ei.external

    results = {
        "version": RESULTS_VERSION,
        "min_group": min_group,
        "min_weight": min_weight,
        "workday": [workday_start, workday_end],
        "summary": summary,
        "functions": functions,
        "matrix": {
            "functions": list(people.functions),
            "withheld": withheld,
            "ties": matrix_ties,
            "density": matrix_density,
        },
        "graph": graph,
        "communities": communities,
        "channels": {name: int(channels[code]) for code, name in enumerate(CHANNELS)},
        "change": None,
    }
    people_results = _people_results(people, ties, between, rank_check, degree, load)
    return Computed(results, people_results, n, int(sender.size), ties.count)


def _communities(
    found: network.Communities | None,
    groups: IntArray,
    functions: list[str],
    withheld: list[bool],
    min_group: int,
) -> dict[str, Any]:
    """Each community of at least k people with its function mix (withheld functions pooled
    as "Smaller functions"); smaller communities counted together."""
    if found is None or found.count == 0:
        return {
            "count": 0,
            "nmi": None,
            "reading": nmi_reading(None),
            "clusters": [],
            "small": {"count": 0, "people": 0},
        }
    member = found.membership
    g = len(functions)
    table = np.zeros((found.count, g), dtype=np.int64)
    inside = member >= 0
    np.add.at(table, (member[inside], groups[inside]), 1)
    sizes = table.sum(axis=1)
    order = np.argsort(-sizes, kind="stable")
    clusters: list[dict[str, Any]] = []
    small_count = small_people = 0
    for community in order.tolist():
        size = int(sizes[community])
        if size < min_group:
            small_count += 1
            small_people += size
            continue
        mix: list[dict[str, Any]] = []
        pooled = 0
        for code in np.argsort(-table[community], kind="stable").tolist():
            count = int(table[community, code])
            if count == 0:
                continue
            if withheld[code]:
                pooled += count
            else:
                mix.append(
                    {"function": functions[code], "people": count, "share": _clean(count / size, 3)}
                )
        if pooled:
            mix.append(
                {
                    "function": "Smaller functions",
                    "people": pooled,
                    "share": _clean(pooled / size, 3),
                }
            )
        top = mix[0] if mix else None
        top_share = float(top["share"]) if top else 0.0
        clusters.append(
            {
                "label": f"Community {len(clusters) + 1}",
                "people": size,
                "mix": mix,
                "largest_function": top["function"] if top else None,
                "largest_share": top_share,
                "functions": len(mix),
                # No function holds a clear majority: a cluster that cuts across functions.
                "cross_functional": top_share < 0.6 and len(mix) >= 2,
            }
        )
    nmi = _clean(found.nmi_with_groups)
    return {
        "count": found.count,
        "nmi": nmi,
        "reading": nmi_reading(nmi),
        "clusters": clusters,
        "small": {"count": small_count, "people": small_people},
    }


def _people_results(
    people: PersonIndex,
    ties: network.Ties,
    between: network.Betweenness,
    rank_check: float | None,
    degree: network.FloatArray,
    load: network.Overload,
) -> dict[str, Any]:
    order = [
        i
        for i in np.argsort(-between.values, kind="stable")[:TOP_BROKERS].tolist()
        if between.values[i] > 0
    ]
    heavy = [
        i for i in np.argsort(-degree, kind="stable")[: load.top_people].tolist() if degree[i] > 0
    ]
    # Constraint only for the people listed: the whole vector is slow on dense networks.
    listed = sorted(set(order) | set(heavy))
    values = network.constraint(ties, people=listed) if ties.count and listed else np.zeros(0)
    constraint = dict(zip(listed, values.tolist(), strict=True))

    def person(i: int) -> dict[str, Any]:
        return {
            "uuid": people.uuids[i],
            "name": people.names[i],
            "function": people.functions[int(people.group[i])],
            "betweenness": _clean(float(between.values[i]), 6),
            "constraint": _clean(constraint.get(i)),
            "weighted_degree": int(degree[i]),
        }

    total = float(degree.sum())
    return {
        "brokers": [person(i) for i in order],
        "overloaded": [{**person(i), "share": _clean(float(degree[i]) / total)} for i in heavy],
        "betweenness_exact": between.exact,
        "pivots": between.pivots,
        "rank_correlation_check": _clean(rank_check),
    }


# --- storing --------------------------------------------------------------------------------


def network_settings_of(*, workspace: Workspace) -> NetworkSettings:
    """The workspace's settings, or the defaults (unsaved) before anyone changed them."""
    found = NetworkSettings.objects.filter(workspace=workspace).first()
    return found if found is not None else NetworkSettings(workspace=workspace)


def _figures(results: dict[str, Any]) -> network.WindowFigures:
    summary = results.get("summary") or {}
    return network.WindowFigures(
        summary.get("ei_index"),
        summary.get("modularity"),
        summary.get("density"),
        {
            row["name"]: row.get("ei_index")
            for row in results.get("functions", [])
            if not row.get("withheld")
        },
    )


def _change(previous: NetworkSnapshot | None, results: dict[str, Any]) -> dict[str, Any] | None:
    if previous is None:
        return None
    delta = network.window_change(_figures(previous.results), _figures(results))
    return {
        "since_window_end": previous.window_end.isoformat(),
        "since_uuid": str(previous.uuid),
        "ei_index": _clean(delta.ei_index),
        "modularity": _clean(delta.modularity),
        "density": _clean(delta.density, 6),
        "functions": {name: _clean(value) for name, value in delta.groups_ei.items()},
    }


def _previous(
    *, workspace: Workspace, window_end: datetime.date, days: int, min_weight: int
) -> NetworkSnapshot | None:
    """The snapshot to measure change against: of the same window length and minimum weight,
    the newest that does not overlap this window, else the newest ending at least a week
    earlier."""
    candidates = [
        (pk, end)
        for pk, start, end in NetworkSnapshot.objects.filter(
            workspace=workspace,
            min_weight=min_weight,
            window_end__lte=window_end - datetime.timedelta(days=7),
        )
        .order_by("-window_end")
        .values_list("pk", "window_start", "window_end")[:60]
        if (end - start).days == days - 1
    ]
    if not candidates:
        return None
    apart = window_end - datetime.timedelta(days=days)
    chosen = next((pk for pk, end in candidates if end <= apart), candidates[0][0])
    return NetworkSnapshot.objects.only("uuid", "window_start", "window_end", "results").get(
        pk=chosen
    )


def snapshot_take(
    *,
    workspace: Workspace,
    window_end: datetime.date,
    window_days: int | None = None,
    min_weight: int | None = None,
) -> NetworkSnapshot:
    """Compute the window of ``window_days`` ending on ``window_end`` (inclusive) and store it,
    replacing an earlier computation of the same window. Change is measured against an earlier
    window of the same length (see ``_previous``)."""
    from accord.surveys.cycle_selectors import survey_thresholds_default

    found = network_settings_of(workspace=workspace)
    days = window_days or found.window_days
    weight = min_weight or found.min_weight
    if days < 1:
        raise ValueError("window_days must be at least 1")
    window_start = window_end - datetime.timedelta(days=days - 1)
    data = window_load(workspace=workspace, window_start=window_start, window_end=window_end)
    computed = snapshot_compute(
        data,
        min_weight=weight,
        min_group=survey_thresholds_default(workspace=workspace).min_group,
        workday_start=found.workday_start,
        workday_end=found.workday_end,
    )
    results = {**computed.results, "window_days": days}
    previous = _previous(workspace=workspace, window_end=window_end, days=days, min_weight=weight)
    results["change"] = _change(previous, results)
    with transaction.atomic():
        snapshot, _ = NetworkSnapshot.objects.update_or_create(
            workspace=workspace,
            window_start=window_start,
            window_end=window_end,
            min_weight=weight,
            defaults={
                "computed_at": timezone.now(),
                "people": computed.people,
                "interactions": computed.interactions,
                "ties": computed.ties,
                "results": results,
                "people_results": computed.people_results,
            },
        )
    return snapshot


def _week(day: datetime.date) -> tuple[int, int]:
    iso = day.isocalendar()
    return iso.year, iso.week


def snapshots_refresh(*, workspace: Workspace, today: datetime.date) -> list[NetworkSnapshot]:
    """The daily refresh: the window ending today, plus history. One snapshot per ISO week is
    kept (the week's latest), so the trend has weekly points; weeks of the last
    ``HISTORY_WEEKS`` that have no snapshot yet and whose whole window lies after the first
    imported interaction are filled in, oldest first, so a first import shows a trend at once.
    Returns the snapshots taken (none when nothing has been imported)."""
    found = network_settings_of(workspace=workspace)
    days = found.window_days
    weight = found.min_weight
    first = (
        Interaction.objects.filter(workspace=workspace, batch__status=NetworkImport.Status.DONE)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    if first is None:
        return []
    first_day = timezone.localtime(first).date()
    existing = {
        _week(end)
        for end, start in NetworkSnapshot.objects.filter(
            workspace=workspace, min_weight=weight
        ).values_list("window_end", "window_start")
        if (end - start).days == days - 1
    }
    ends = []
    for weeks_back in range(HISTORY_WEEKS, 0, -1):
        end = today - datetime.timedelta(days=7 * weeks_back)
        start = end - datetime.timedelta(days=days - 1)
        if _week(end) not in existing and start >= first_day:
            ends.append(end)
    ends.append(today)
    taken = [
        snapshot_take(workspace=workspace, window_end=end, window_days=days, min_weight=weight)
        for end in ends
    ]
    # Keep one snapshot per week: today's replaces earlier ones of this same week.
    monday = today - datetime.timedelta(days=today.weekday())
    stale = [
        pk
        for pk, end, start in NetworkSnapshot.objects.filter(
            workspace=workspace, min_weight=weight, window_end__gte=monday, window_end__lt=today
        ).values_list("pk", "window_end", "window_start")
        if (end - start).days == days - 1
    ]
    NetworkSnapshot.objects.filter(pk__in=stale).delete()
    return taken
