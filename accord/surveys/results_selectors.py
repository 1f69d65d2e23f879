"""Survey results: aggregates of a cycle's anonymous answers, released through the anonymity
engine (accord/metrics/anonymity.py), scored with accord/metrics.

What a viewer may see:
- Results of the cycles they can see (the partnership's visibility; workspace-wide cycles for
  everyone in the workspace).
- A cycle's results once it has closed (status closed, or its closing time passed) and at
  least k people answered. While a cycle is open its numbers would change with every answer,
  and two looks one answer apart would give that answer away; so only the count shows.
- Every aggregate — the whole group, a function, a seniority band, a function × band, a
  coordination cell, a change since the last cycle — goes through one release decision per
  cycle that covers every filter a viewer could pick, so the same numbers are withheld on the
  pages, in the API and in the exports.

Reads load a cycle's answers (and its series') in a constant number of queries into polars
frames; everything after that is computation.
"""

import datetime
import json
import math
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Literal, NamedTuple

import numpy as np
import polars as pl
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, TextField
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from numpy.typing import NDArray

from accord.metrics.anonymity import (
    Aggregate,
    ChangeDecision,
    Decision,
    Family,
    Release,
    atom_key,
    breakdown_aggregates,
    change_decide,
    comments_release,
    group_key,
    release_decide,
)
from accord.metrics.coordination import DIMENSIONS, coordination_score
from accord.metrics.health_check import health_compare, health_indicator
from accord.metrics.psych_safety import (
    AGREEMENT_THRESHOLD,
    NOT_ENOUGH_AGREEMENT,
    psych_safety_scored,
    psych_safety_team,
)
from accord.metrics.psychometrics import cronbach_alpha, omega_total
from accord.metrics.survey_change import mean_change
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.surveys.models import (
    Answer,
    Cycle,
    InstrumentKind,
    Item,
    ItemKind,
    Response,
    SeniorityBand,
)
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership

State = Literal["draft", "open", "too_few", "ready"]

BANDS: tuple[tuple[str, str], ...] = tuple(SeniorityBand.choices)
BAND_VALUES = tuple(value for value, _label in BANDS)
BAND_LABELS = dict(BANDS)
HEALTH_VOTES = ("green", "yellow", "red")
HEALTH_VOTE_LABELS = ("Green", "Yellow", "Red")
HEALTH_TRENDS = ("better", "same", "worse")
HEALTH_TREND_LABELS = ("Getting better", "About the same", "Getting worse")
COMMUNICATION = DIMENSIONS[:4]
RELATIONSHIP = DIMENSIONS[4:]
DIMENSION_LABELS = {
    "frequent": "Frequent communication",
    "timely": "Timely communication",
    "accurate": "Accurate communication",
    "problem_solving": "Problem-solving communication",
    "shared_goals": "Shared goals",
    "shared_knowledge": "Shared knowledge",
    "mutual_respect": "Mutual respect",
}
HEADLINE_LABELS = {
    "overall": "Coordination score",
    "communication": "Communication",
    "relationship": "Relationship",
    "scale": "Psychological safety",
}
CHANGE_CONFIDENCE = 0.95
COORDINATION_FAMILY = "coordination"
COORDINATION_MEASURES = ("overall", "communication", "relationship")
MISSING_POLICY = (
    "Cronbach's alpha uses complete rows only (listwise): a row that skipped any item is "
    "left out of alpha, though its answers count everywhere else."
)
SERIES_LIMIT = 24
ALPHA_FLOOR = 0.70  # Nunnally 1978: the conventional floor for research comparisons


# --- visibility -----------------------------------------------------------------------------


def _response_count() -> Coalesce:
    rows = (
        Response.objects.filter(cycle=OuterRef("pk"))
        .order_by()
        .values("cycle")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def results_cycle_visible(*, membership: Membership) -> QuerySet[Cycle]:
    """Cycles whose results the member may read: workspace-wide ones and those of the
    partnerships they can see (members-only partnerships: members, lead, sponsor, admins)."""
    visible = partnership_visible_list(membership=membership).values("pk")
    return (
        Cycle.objects.filter(workspace=membership.workspace)
        .filter(Q(partnership__isnull=True) | Q(partnership__in=visible))
        .select_related("version", "version__instrument", "partnership")
        .annotate(response_count=_response_count())
    )


def results_cycle_get(*, membership: Membership, uuid: Any) -> Cycle:
    """One cycle whose results the member may read, or 404."""
    found: Cycle = object_get(
        results_cycle_visible(membership=membership), workspace=membership.workspace, uuid=uuid
    )
    return found


class _CycleRow(NamedTuple):
    """What the roll-up needs of every visible cycle, read as plain values (thousands of
    cycles, no model instances); enough for ``cycle_state`` and ``snapshot_fingerprint``."""

    pk: int
    partnership_id: int | None
    instrument_id: int
    kind: str
    partnership_name: str | None
    status: str
    closes_at: datetime.datetime
    min_group: int
    min_comments: int
    version_id: int
    response_count: int


def cycle_state(cycle: Cycle | _CycleRow, *, now: datetime.datetime | None = None) -> State:
    """draft / open (results wait for the close) / too_few (closed under k) / ready."""
    now = now or timezone.now()
    if cycle.status == Cycle.Status.DRAFT:
        return "draft"
    if cycle.status == Cycle.Status.OPEN and now < cycle.closes_at:
        return "open"
    if (getattr(cycle, "response_count", 0) or 0) < cycle.min_group:
        return "too_few"
    return "ready"


# --- what the pages and the API show ----------------------------------------------------------


@dataclass(frozen=True)
class FunctionRef:
    uuid: str
    name: str


@dataclass(frozen=True)
class Group:
    """The breakdown a viewer picked: everyone, one function, one band, or both."""

    function: str | None = None  # function uuid
    band: str | None = None

    @property
    def key(self) -> str:
        return group_key(function=self.function, band=self.band)

    @property
    def is_everyone(self) -> bool:
        return not self.function and not self.band


def _closed(cycle: Cycle) -> datetime.date:
    return timezone.localtime(cycle.closes_at).date()


def _signed(number: float) -> str:
    """+0.42 / −0.25; three decimals when two would round away the sign (−0.003)."""
    text = f"{number:+.2f}"
    if number and abs(number) < 0.005:
        text = f"{number:+.3f}"
    return text.replace("-", "−")


@dataclass(frozen=True)
class ChangeView:
    """The change of a number since the previous cycle of the series."""

    shown: bool
    previous_title: str
    previous_closed: datetime.date | None = None
    diff: float | None = None
    low: float | None = None
    high: float | None = None
    verdict: str = ""
    sentence: str = ""
    reason: str = ""

    @property
    def interval(self) -> str:
        """ "+0.42 (95% CI +0.10 to +0.74)", or "" without an interval."""
        if self.diff is None or self.low is None or self.high is None:
            return ""
        return f"{_signed(self.diff)} (95% CI {_signed(self.low)} to {_signed(self.high)})"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: float | None
    n: int | None
    shown: bool
    reason: str = ""
    scale: str = ""
    change: ChangeView | None = None
    note: str = ""


@dataclass(frozen=True)
class Cell:
    rater: FunctionRef
    rated: FunctionRef
    score: float | None
    n: int | None
    shown: bool
    reason: str = ""
    level: int = 0  # colour step 1..8 of the heatmap; 0 when withheld or empty
    diagonal: bool = False
    rule: str = ""  # why withheld: min_group, complement, sibling or combination


@dataclass(frozen=True)
class MatrixRow:
    rater: FunctionRef
    cells: list[Cell]


@dataclass(frozen=True)
class Matrix:
    columns: list[FunctionRef]
    rows: list[MatrixRow]


@dataclass(frozen=True)
class OptionCount:
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class ItemResult:
    key: str
    text: str
    kind: str
    shown: bool
    n: int | None
    reason: str = ""
    options: list[OptionCount] = field(default_factory=list)
    mean: float | None = None
    scale: str = ""
    reverse: bool = False
    disagreement: float | None = None
    trends: list[OptionCount] = field(default_factory=list)
    change: ChangeView | None = None


@dataclass(frozen=True)
class Comments:
    key: str
    text: str
    shown: bool
    n: int
    comments: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class Reliability:
    label: str
    value: float | None
    shown: bool
    low: float | None = None
    high: float | None = None
    n: int | None = None
    note: str = ""


@dataclass(frozen=True)
class TrendPoint:
    cycle: str  # uuid
    title: str
    date: datetime.date
    value: float | None
    n: int | None
    shown: bool
    reason: str = ""


@dataclass(frozen=True)
class TrendSeries:
    key: str
    label: str
    scale: str
    points: list[TrendPoint]


@dataclass(frozen=True)
class TieTrend:
    """One coordination tie (rater → rated) across the cycles of the series."""

    rater: FunctionRef
    rated: FunctionRef
    points: list[TrendPoint]
    change: ChangeView | None = None


@dataclass
class CycleResults:
    cycle: Cycle
    kind: str
    state: State
    responses: int
    k: int
    min_comments: int
    group: Group
    group_label: str
    group_shown: bool = True
    group_reason: str = ""
    functions: list[FunctionRef] = field(default_factory=list)
    bands: list[tuple[str, str]] = field(default_factory=list)
    headline: list[Figure] = field(default_factory=list)
    matrix: Matrix | None = None
    dimensions: list[Figure] = field(default_factory=list)
    reliability: list[Reliability] = field(default_factory=list)
    agreement: str = ""
    items: list[ItemResult] = field(default_factory=list)
    comments: list[Comments] = field(default_factory=list)
    trends: list[TrendSeries] = field(default_factory=list)
    ties: list[TieTrend] = field(default_factory=list)
    previous: Cycle | None = None
    withheld: int = 0

    @property
    def ready(self) -> bool:
        return self.state == "ready"


# --- loading --------------------------------------------------------------------------------


@dataclass
class _CycleData:
    """One cycle's items and answers, ready to score."""

    cycle: Cycle
    kind: str
    items: list[Item]
    frame: pl.DataFrame  # one row per answer
    functions: list[FunctionRef]  # breakdown functions, in display order
    rated: list[FunctionRef]  # coordination columns
    _release: Release | None = None
    _families: list[Family] | None = None

    @property
    def item_by_key(self) -> dict[str, Item]:
        return {item.key: item for item in self.items}

    def release(self) -> Release:
        if self._release is None:
            self._release = release_decide(self.families(), k=self.cycle.min_group)
        return self._release

    def families(self) -> list[Family]:
        if self._families is None:
            self._families = _families_build(self)
        return self._families


_FRAME_SCHEMA: dict[str, Any] = {
    "cycle": pl.Int64,
    "respondent": pl.String,
    "function": pl.String,
    "band": pl.String,
    "item": pl.String,
    "kind": pl.String,
    "target": pl.String,
    "value": pl.Float64,
    "position": pl.Int64,
    "trend": pl.String,
    "text": pl.String,
    "choices": pl.List(pl.Int64),
}


def _choices(raw: Any, item: Item) -> list[int]:
    """Multiple-choice answers as display positions (1-based), whatever form they were
    stored in (positions, or option labels)."""
    if not isinstance(raw, list):
        return []
    positions = []
    for choice in raw:
        if isinstance(choice, bool):
            continue
        if isinstance(choice, int):
            positions.append(choice)
        elif isinstance(choice, str):
            if choice.isdigit():
                positions.append(int(choice))
            elif choice in item.options:
                positions.append(item.options.index(choice) + 1)
    return positions


_RAW_SCHEMA: dict[str, Any] = {
    "cycle": pl.Int64,
    "respondent": pl.String,
    "function_id": pl.Int64,
    "band": pl.String,
    "item_id": pl.Int64,
    "target_id": pl.Int64,
    "value": pl.Float64,
    "position": pl.Int64,
    "trend": pl.String,
    "text": pl.String,
    "choices_raw": pl.String,
}


def _answers_raw(cycles: Sequence[Cycle], items: dict[int, Item]) -> pl.DataFrame:
    """Every answer of the cycles (one query) as plain columns: ids, not uuids, and the
    multiple-choice JSON as text, so 100,000 answers load without a Python object each."""
    if not cycles:
        return pl.DataFrame(schema=_RAW_SCHEMA)
    rows = (
        Answer.objects.filter(
            response__workspace_id=cycles[0].workspace_id,
            response__cycle_id__in=[c.pk for c in cycles],
            item_id__in=list(items),
        )
        # The response's uuid as text is an opaque respondent key (its form differs by
        # database, its order does not): no uuid object per answer.
        .annotate(
            respondent=Cast("response_id", TextField()), choices_raw=Cast("choices", TextField())
        )
        .values_list(
            "response__cycle_id",
            "respondent",
            "response__function_id",
            "response__band",
            "item_id",
            "target_id",
            "value",
            "position",
            "trend",
            "text",
            "choices_raw",
        )
    )
    return pl.DataFrame(list(rows), schema=_RAW_SCHEMA, orient="row")


def _answers_frame(
    raw: pl.DataFrame, items: dict[int, Item], uuids: dict[int, str]
) -> pl.DataFrame:
    """The answers with the respondent's function and band, items by key and functions by
    uuid (`uuids`: function id → uuid)."""
    if raw.is_empty():
        return pl.DataFrame(schema=_FRAME_SCHEMA)
    keys = {pk: item.key for pk, item in items.items()}
    kinds = {pk: str(item.kind) for pk, item in items.items()}
    frame = raw.with_row_index("row").with_columns(
        pl.col("function_id").replace_strict(uuids, default=None, return_dtype=pl.String),
        pl.when(pl.col("band") == "").then(None).otherwise(pl.col("band")).alias("band"),
        pl.col("item_id").replace_strict(keys, return_dtype=pl.String).alias("item"),
        pl.col("item_id").replace_strict(kinds, return_dtype=pl.String).alias("kind"),
        pl.col("target_id").replace_strict(uuids, default=None, return_dtype=pl.String),
        pl.col("value").fill_nan(None),
        pl.col("trend").fill_null(""),
        pl.col("text").fill_null(""),
    )
    # Multiple-choice answers (a few) are read one by one: stored as positions or labels.
    multiple = frame.filter(pl.col("kind") == str(ItemKind.MULTIPLE)).select(
        "row", "item_id", "choices_raw"
    )
    chosen = pl.DataFrame(
        {
            "row": multiple["row"],
            "choices": [
                _choices(json.loads(text) if text else [], items[item_id])
                for item_id, text in zip(
                    multiple["item_id"].to_list(), multiple["choices_raw"].to_list(), strict=True
                )
            ],
        },
        schema={"row": pl.UInt32, "choices": pl.List(pl.Int64)},
    )
    frame = frame.join(chosen, on="row", how="left", maintain_order="left").with_columns(
        pl.col("choices").fill_null(pl.lit([], dtype=pl.List(pl.Int64)))
    )
    return frame.rename({"function_id": "function", "target_id": "target"}).select(
        [pl.col(name).cast(dtype) for name, dtype in _FRAME_SCHEMA.items()]
    )


def _functions_load(cycles: Sequence[Cycle], raw: pl.DataFrame) -> dict[int, FunctionRef]:
    """Functions that the cycles target or that answers mention (one query), by id."""
    ids = {
        value
        for column in ("function_id", "target_id")
        for value in raw[column].drop_nulls().unique().to_list()
    }
    partnerships = {c.partnership_id for c in cycles if c.partnership_id}
    rows = Function.objects.filter(workspace_id=cycles[0].workspace_id).filter(
        Q(pk__in=ids)
        | Q(partnerships__in=partnerships)
        | Q(
            pk__in=Cycle.functions.through.objects.filter(
                cycle_id__in=[c.pk for c in cycles]
            ).values("function_id")
        )
    )
    return {
        pk: FunctionRef(uuid=str(u), name=name)
        for pk, u, name in rows.distinct().values_list("pk", "uuid", "name")
    }


def _targets_load(cycles: Sequence[Cycle]) -> dict[int, set[str]]:
    """Per cycle, the uuids of the functions it is about (chosen ones, else the
    partnership's): one query."""
    chosen = Cycle.functions.through.objects.filter(
        cycle_id__in=[c.pk for c in cycles]
    ).values_list("cycle_id", "function__uuid")
    found: dict[int, set[str]] = {}
    for cycle_id, function in chosen:
        found.setdefault(cycle_id, set()).add(str(function))
    partnerships = {c.partnership_id for c in cycles if c.partnership_id and c.pk not in found}
    if partnerships:
        members = Partnership.functions.through.objects.filter(
            partnership_id__in=partnerships
        ).values_list("partnership_id", "function__uuid")
        by_partnership: dict[int, set[str]] = {}
        for partnership_id, function in members:
            by_partnership.setdefault(partnership_id, set()).add(str(function))
        for cycle in cycles:
            if cycle.pk not in found and cycle.partnership_id:
                found[cycle.pk] = by_partnership.get(cycle.partnership_id, set())
    return found


def _cycles_load(cycles: Sequence[Cycle]) -> dict[int, _CycleData]:
    """Items and answers of several cycles in a constant number of queries."""
    if not cycles:
        return {}
    versions = {c.version_id for c in cycles}
    items = list(
        Item.objects.filter(workspace_id=cycles[0].workspace_id, version_id__in=versions).order_by(
            "version_id", "position"
        )
    )
    by_id = {item.pk: item for item in items}
    raw = _answers_raw(cycles, by_id)
    by_pk = _functions_load(cycles, raw)
    frame = _answers_frame(raw, by_id, {pk: ref.uuid for pk, ref in by_pk.items()})
    functions = {ref.uuid: ref for ref in by_pk.values()}
    targets = _targets_load(cycles)
    loaded: dict[int, _CycleData] = {}
    for cycle in cycles:
        own = frame.filter(pl.col("cycle") == cycle.pk)
        mentioned = set(own["function"].drop_nulls().unique().to_list())
        rated = set(own["target"].drop_nulls().unique().to_list())
        aimed = targets.get(cycle.pk, set())
        breakdown = _sorted_refs(functions, aimed | mentioned)
        columns = _sorted_refs(functions, aimed | rated)
        loaded[cycle.pk] = _CycleData(
            cycle=cycle,
            kind=cycle.version.instrument.kind,
            items=[item for item in items if item.version_id == cycle.version_id],
            frame=own,
            functions=breakdown,
            rated=columns,
        )
    return loaded


def _sorted_refs(functions: dict[str, FunctionRef], uuids: Iterable[str]) -> list[FunctionRef]:
    refs = [functions[u] for u in uuids if u in functions]
    return sorted(refs, key=lambda ref: (ref.name.lower(), ref.uuid))


# --- families: every aggregate a viewer could see ---------------------------------------------


def _counts(frame: pl.DataFrame) -> dict[str, int]:
    """Distinct respondents per atom (function × band)."""
    if frame.is_empty():
        return {}
    grouped = frame.group_by("function", "band").agg(pl.col("respondent").n_unique().alias("n"))
    return {
        atom_key(row["function"], row["band"]): int(row["n"])
        for row in grouped.iter_rows(named=True)
    }


def _answered(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(
        pl.col("value").is_not_null()
        | pl.col("position").is_not_null()
        | (pl.col("choices").list.len() > 0)
    )


def _coordination_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.filter(
        (pl.col("kind") == ItemKind.COORDINATION)
        & pl.col("value").is_not_null()
        & pl.col("target").is_not_null()
    )


def _families_build(data: _CycleData) -> list[Family]:
    labels = {ref.uuid: ref.name for ref in data.functions} | BAND_LABELS
    aggregates = breakdown_aggregates(
        [ref.uuid for ref in data.functions], BAND_VALUES, labels=labels
    )
    frame = _answered(data.frame)
    families: list[Family] = []

    def add(key: str, rows: pl.DataFrame) -> None:
        families.append(Family(key=key, atom_counts=_counts(rows), aggregates=aggregates))

    if data.kind == InstrumentKind.COORDINATION:
        families.append(_coordination_family(data, frame, aggregates))
    if data.kind == InstrumentKind.PSYCH_SAFETY:
        add("scale", frame.filter(pl.col("kind") == ItemKind.LIKERT))
    for item in data.items:
        if item.kind in (ItemKind.TEXT, ItemKind.COORDINATION):
            continue
        add(f"item:{item.key}", frame.filter(pl.col("item") == item.key))
    return families


def _coordination_family(
    data: _CycleData, frame: pl.DataFrame, groups: Sequence[Aggregate]
) -> Family:
    """One family for everything coordination shows. A rater's ratings of several functions
    share the rater: atoms are rater function × band × function rated, people groups rater
    function × band. A group's numbers (score, sub-indices, dimension means) cover its
    ratings of every function; a cell covers its raters' ratings of one function. (The
    seven items of a rating are treated as one unit: item means are only shown for whole
    groups.)"""
    rows = _coordination_rows(frame)
    counts: dict[str, int] = {}
    people: dict[str, str] = {}
    if not rows.is_empty():
        grouped = rows.group_by("function", "band", "target").agg(
            pl.col("respondent").n_unique().alias("n")
        )
        for row in grouped.iter_rows(named=True):
            group = atom_key(row["function"], row["band"])
            atom = f"{group}>{row['target']}"
            counts[atom] = int(row["n"])
            people[atom] = group
    rated = [ref.uuid for ref in data.rated]
    aggregates: list[Aggregate] = []
    for base in groups:
        atoms = frozenset(f"{group}>{target}" for group in base.atoms for target in rated)
        aggregates.append(
            Aggregate(key=base.key, atoms=atoms, dimension=base.dimension, label=base.label)
        )
        if base.dimension not in ("function", "function×band"):
            continue
        for target in rated:
            aggregates.append(
                Aggregate(
                    key=_cell_key(target, base.key),
                    atoms=frozenset(f"{group}>{target}" for group in base.atoms),
                    dimension=f"cell:{target}:{base.dimension}",
                    label=f"{base.label} about {_name(data, target)}",
                )
            )
    return Family(
        key=COORDINATION_FAMILY,
        atom_counts=counts,
        aggregates=tuple(aggregates),
        people=people,
    )


def _cell_key(target: str, group: str) -> str:
    return f"about:{target}|{group}"


def _name(data: _CycleData, uuid: str) -> str:
    for ref in data.rated:
        if ref.uuid == uuid:
            return ref.name
    return uuid


def _keys(data: _CycleData, dimensions: Sequence[str]) -> list[str]:
    """Item keys of coordination dimensions: the built-in keys, or (in a copy that renamed
    them) the coordination items in display order."""
    coordination = [item.key for item in data.items if item.kind == ItemKind.COORDINATION]
    if set(DIMENSIONS) <= set(coordination):
        return list(dimensions)
    by_dimension = dict(zip(DIMENSIONS, coordination, strict=False))
    return [by_dimension.get(d, f"missing:{d}") for d in dimensions]


# --- scoring one group ------------------------------------------------------------------------


def _in_group(frame: pl.DataFrame, group: Group) -> pl.DataFrame:
    if group.function:
        frame = frame.filter(pl.col("function") == group.function)
    if group.band:
        frame = frame.filter(pl.col("band") == group.band)
    return frame


def _coordination_table(data: _CycleData, frame: pl.DataFrame) -> pl.DataFrame:
    """One row per respondent × rated function with the seven scored items as columns."""
    keys = _keys(data, DIMENSIONS)
    rows = _coordination_rows(frame).filter(pl.col("item").is_in(keys))
    base = rows.select("respondent", "function", "band", "target").unique(maintain_order=True)
    for dimension, key in zip(DIMENSIONS, keys, strict=True):
        column = (
            rows.filter(pl.col("item") == key)
            .group_by("respondent", "target")
            .agg(pl.col("value").mean().alias(dimension))
        )
        base = base.join(column, on=["respondent", "target"], how="left")
    return base.sort("respondent", "target")


def _row_means(table: pl.DataFrame, columns: Sequence[str]) -> NDArray[np.float64]:
    values = table.select(columns).to_numpy().astype(np.float64)
    with np.errstate(invalid="ignore"), _quiet():
        means: NDArray[np.float64] = np.nanmean(values, axis=1) if values.size else np.empty(0)
    return means


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence numpy's "mean of empty slice" for rows without answers (they become NaN)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


def _respondent_values(data: _CycleData, family: str, group: Group) -> NDArray[np.float64]:
    """Per-respondent values of a headline measure in a group (for means and changes)."""
    frame = _in_group(_answered(data.frame), group)
    if family in ("overall", "communication", "relationship"):
        table = _coordination_table(data, frame)
        if table.is_empty():
            return np.empty(0)
        columns = {
            "overall": DIMENSIONS,
            "communication": COMMUNICATION,
            "relationship": RELATIONSHIP,
        }[family]
        rc = table.select("respondent").with_columns(
            pl.Series("score", _row_means(table, columns)).fill_nan(None)
        )
        per = rc.group_by("respondent").agg(pl.col("score").mean()).drop_nulls()
        return per["score"].to_numpy().astype(np.float64)
    if family == "scale":
        rows, points, reverse = _psych_rows(data, frame)
        if not rows.size:
            return np.empty(0)
        flipped = psych_safety_scored(rows, points=points, reverse=reverse)
        kept = flipped[~np.isnan(flipped).all(axis=1)]
        with _quiet():
            means: NDArray[np.float64] = np.nanmean(kept, axis=1)
        return means
    if family.startswith("item:"):
        key = family.removeprefix("item:")
        values = frame.filter(pl.col("item") == key).drop_nulls("value")
        per = values.group_by("respondent").agg(pl.col("value").mean())
        return per["value"].to_numpy().astype(np.float64)
    raise ValueError(f"No per-respondent values for {family!r}.")


def _psych_rows(
    data: _CycleData, frame: pl.DataFrame
) -> tuple[NDArray[np.float64], int, list[bool]]:
    """Respondents × items of the agree scale, as answered (1..points, NaN missing)."""
    items = [item for item in data.items if item.kind == ItemKind.LIKERT]
    points = data.cycle.version.scale_points
    reverse = [item.reverse for item in items]
    likert = frame.filter(pl.col("kind") == ItemKind.LIKERT)
    if likert.is_empty() or not items:
        return np.empty((0, len(items))), points, reverse
    respondents = sorted(set(likert["respondent"].to_list()))
    index = {r: i for i, r in enumerate(respondents)}
    column = {item.key: j for j, item in enumerate(items)}
    rows = np.full((len(respondents), len(items)), np.nan)
    for respondent, key, value, position in likert.select(
        "respondent", "item", "value", "position"
    ).iter_rows():
        answer = position if position is not None else value
        if key in column and answer is not None:
            rows[index[respondent], column[key]] = float(answer)
    return rows, points, reverse


# --- building the results ---------------------------------------------------------------------


def _decision_view(decision: Decision | None, k: int) -> tuple[bool, str]:
    if decision is None:
        return False, f"Fewer than {k} respondents."
    return decision.shown, decision.reason


def _level(score: float | None) -> int:
    """Heatmap colour step: 1 (1.0–1.49) … 8 (4.5–5.0)."""
    if score is None or math.isnan(score):
        return 0
    return int(min(8, max(1, math.floor((score - 1) / 0.5) + 1)))


def _family_of(measure: str) -> str:
    """The release family a headline measure is decided in."""
    return COORDINATION_FAMILY if measure in COORDINATION_MEASURES else measure


def _change_view(
    *,
    family: str,
    group: Group,
    data: _CycleData,
    previous: _CycleData | None,
    changes: dict[tuple[str, str], ChangeDecision],
) -> ChangeView | None:
    """The change of a per-respondent mean since the previous cycle, if it may be shown.
    `family` names the measure (overall, scale, item:<key>, …)."""
    if previous is None:
        return None
    title = previous.cycle.title
    decision = changes.get((_family_of(family), group.key))
    if decision is None:
        return None
    if not decision.shown:
        return ChangeView(
            shown=False,
            previous_title=title,
            previous_closed=_closed(previous.cycle),
            reason=decision.reason,
        )
    result = mean_change(
        _respondent_values(previous, family, group),
        _respondent_values(data, family, group),
        confidence=CHANGE_CONFIDENCE,
    )
    return ChangeView(
        shown=True,
        previous_title=title,
        previous_closed=_closed(previous.cycle),
        diff=result.diff,
        low=result.low,
        high=result.high,
        verdict=result.verdict,
        sentence=result.sentence,
    )


def _figure(
    *,
    key: str,
    label: str,
    value: float | None,
    decision: Decision | None,
    k: int,
    scale: str,
    change: ChangeView | None = None,
    note: str = "",
    n: int | None = None,
) -> Figure:
    shown, reason = _decision_view(decision, k)
    return Figure(
        key=key,
        label=label,
        value=value if shown else None,
        n=(n if n is not None else decision.n) if shown and decision else None,
        shown=shown,
        reason=reason,
        scale=scale,
        change=change if shown else None,
        note=note if shown else "",
    )


def _coordination_results(
    results: CycleResults,
    data: _CycleData,
    previous: _CycleData | None,
    changes: dict[tuple[str, str], ChangeDecision],
) -> None:
    release = data.release()
    group = results.group
    k = results.k
    frame = _in_group(_answered(data.frame), group)
    table = _coordination_table(data, frame)
    score = None
    if not table.is_empty():
        score = coordination_score(
            respondent=table["respondent"],
            source=table["function"].fill_null("none"),
            target=table["target"],
            items=table.select(list(DIMENSIONS)).to_numpy().astype(np.float64),
            min_group=1,
        )
    headline = {
        "overall": score.overall if score else None,
        "communication": score.communication if score else None,
        "relationship": score.relationship if score else None,
    }
    decision = release.get(COORDINATION_FAMILY, group.key)
    raters = score.respondents if score else 0
    for key, value in headline.items():
        results.headline.append(
            _figure(
                key=key,
                label=HEADLINE_LABELS[key],
                value=value,
                decision=decision,
                n=raters,
                k=k,
                scale="1–5",
                change=_change_view(
                    family=key, group=group, data=data, previous=previous, changes=changes
                ),
            )
        )
    for dimension in DIMENSIONS:
        value = score.dimensions.get(dimension) if score else None
        results.dimensions.append(
            _figure(
                key=dimension,
                label=DIMENSION_LABELS[dimension],
                value=value,
                decision=decision,
                n=_dimension_raters(table, dimension),
                k=k,
                scale="1–5",
            )
        )
    results.matrix = _matrix(data, group, score, k)
    if group.is_everyone and release.shown(COORDINATION_FAMILY, "all") and not table.is_empty():
        items = table.select(list(DIMENSIONS)).to_numpy().astype(np.float64)
        results.reliability = _reliability(
            items, unit=f"{table.height} ratings (a person about one function)"
        )


def _dimension_raters(table: pl.DataFrame, dimension: str) -> int:
    if table.is_empty():
        return 0
    return int(table.filter(pl.col(dimension).is_not_null())["respondent"].n_unique())


def _matrix(data: _CycleData, group: Group, score: Any, k: int) -> Matrix:
    release = data.release()
    raters = [ref for ref in data.functions if not group.function or ref.uuid == group.function]

    def cell(rater: FunctionRef, rated: FunctionRef, value: float | None) -> Cell:
        key = _cell_key(rated.uuid, group_key(function=rater.uuid, band=group.band))
        decision = release.get(COORDINATION_FAMILY, key)
        shown, reason = _decision_view(decision, k)
        return Cell(
            rater=rater,
            rated=rated,
            score=value if shown else None,
            n=decision.n if shown and decision else None,
            shown=shown,
            reason=reason,
            level=_level(value) if shown else 0,
            diagonal=rater.uuid == rated.uuid,
            rule=decision.rule if decision is not None else "min_group",
        )

    rows = []
    for rater in raters:
        cells = []
        for rated in data.rated:
            value = None
            if score is not None and rater.uuid in score.matrix:
                found = score.matrix[rater.uuid].get(rated.uuid)
                value = found.score if found is not None else None
            cells.append(cell(rater, rated, value))
        rows.append(MatrixRow(rater=rater, cells=cells))
    return Matrix(columns=list(data.rated), rows=rows)


def _reliability(items: NDArray[np.float64], *, unit: str) -> list[Reliability]:
    found: list[Reliability] = []
    alpha = cronbach_alpha(items, missing="listwise") if items.shape[0] >= 2 else None
    if alpha is not None and alpha.alpha is not None:
        found.append(
            Reliability(
                label="Cronbach's alpha",
                value=alpha.alpha,
                shown=True,
                low=alpha.ci_low,
                high=alpha.ci_high,
                n=alpha.n,
                note=(
                    f"Feldt 95% interval; {alpha.n} complete rows of {unit}. "
                    + (
                        "At least 0.70, the usual floor for comparing groups. "
                        if alpha.alpha >= ALPHA_FLOOR
                        else "Below 0.70, the usual floor for comparing groups: the items do "
                        "not hang together well this time, so read the separate numbers "
                        "rather than the overall one. "
                    )
                    + MISSING_POLICY
                ),
            )
        )
    else:
        found.append(
            Reliability(
                label="Cronbach's alpha",
                value=None,
                shown=False,
                note="Not enough complete rows (or no variation) to compute it.",
            )
        )
    complete = items[~np.isnan(items).any(axis=1)]
    omega = omega_total(complete) if complete.shape[0] >= 3 else None
    found.append(
        Reliability(
            label="McDonald's omega",
            value=omega,
            shown=omega is not None,
            n=int(complete.shape[0]),
            note=(
                f"One factor, complete rows of {unit}."
                if omega is not None
                else "Not enough complete rows (or no variation) to compute it."
            ),
        )
    )
    return found


def _distribution(labels: Sequence[str], counts: Sequence[int]) -> list[OptionCount]:
    total = sum(counts)
    return [
        OptionCount(label=label, count=count, share=count / total if total else 0.0)
        for label, count in zip(labels, counts, strict=True)
    ]


def _item_results(
    results: CycleResults,
    data: _CycleData,
    previous: _CycleData | None,
    changes: dict[tuple[str, str], ChangeDecision],
) -> None:
    """Question-level distributions for the chosen group, and comments."""
    release = data.release()
    group = results.group
    frame = _in_group(_answered(data.frame), group)
    previous_frame = _in_group(_answered(previous.frame), group) if previous is not None else None
    for item in data.items:
        if item.kind == ItemKind.COORDINATION:
            continue
        if item.kind == ItemKind.TEXT:
            texts = data.frame.filter(pl.col("item") == item.key)["text"].to_list()
            released = comments_release(
                texts,
                min_comments=results.min_comments,
                seed=f"{data.cycle.uuid}:{item.key}",
            )
            results.comments.append(
                Comments(
                    key=item.key,
                    text=item.text,
                    shown=released.shown and results.ready,
                    n=released.n,
                    comments=released.comments if results.ready else (),
                    reason=released.reason,
                )
            )
            continue
        decision = release.get(f"item:{item.key}", group.key)
        shown, reason = _decision_view(decision, results.k)
        if not shown:
            results.items.append(
                ItemResult(
                    key=item.key,
                    text=item.text,
                    kind=item.kind,
                    shown=False,
                    n=None,
                    reason=reason,
                    reverse=item.reverse,
                )
            )
            continue
        assert decision is not None
        answers = frame.filter(pl.col("item") == item.key)
        results.items.append(
            _item_view(item, answers, decision.n, data, previous, previous_frame, changes, group)
        )


def _item_view(
    item: Item,
    answers: pl.DataFrame,
    n: int,
    data: _CycleData,
    previous: _CycleData | None,
    previous_frame: pl.DataFrame | None,
    changes: dict[tuple[str, str], ChangeDecision],
    group: Group,
) -> ItemResult:
    options = list(item.options)
    family = f"item:{item.key}"
    if item.kind == ItemKind.HEALTH:
        positions = answers["position"].drop_nulls().to_list()
        votes = [HEALTH_VOTES[p - 1] for p in positions if 1 <= p <= len(HEALTH_VOTES)]
        trends = [t for t in answers["trend"].to_list() if t in HEALTH_TRENDS]
        indicator = health_indicator(votes, trends)
        change = None
        if previous is not None and previous_frame is not None:
            decision = changes.get((family, group.key))
            if decision is not None and decision.shown:
                before = previous_frame.filter(pl.col("item") == item.key)
                old_votes = [
                    HEALTH_VOTES[p - 1]
                    for p in before["position"].drop_nulls().to_list()
                    if 1 <= p <= len(HEALTH_VOTES)
                ]
                comparison = health_compare(indicator, health_indicator(old_votes))
                sentence = ""
                if comparison.low is not None and comparison.high is not None:
                    sentence = (
                        f"{comparison.verdict.capitalize()}: mean vote "
                        f"{comparison.delta_mean:+.2f} (95% CI {comparison.low:+.2f} to "
                        f"{comparison.high:+.2f})."
                    )
                change = ChangeView(
                    shown=True,
                    previous_title=previous.cycle.title,
                    previous_closed=_closed(previous.cycle),
                    diff=comparison.delta_mean,
                    low=comparison.low,
                    high=comparison.high,
                    verdict=comparison.verdict,
                    sentence=sentence or "Not enough votes in both cycles to compare.",
                )
            elif decision is not None:
                change = ChangeView(
                    shown=False,
                    previous_title=previous.cycle.title,
                    previous_closed=_closed(previous.cycle),
                    reason=decision.reason,
                )
        return ItemResult(
            key=item.key,
            text=item.text,
            kind=item.kind,
            shown=True,
            n=n,
            options=_distribution(HEALTH_VOTE_LABELS, [indicator.counts[v] for v in HEALTH_VOTES]),
            mean=indicator.mean,
            scale="0 (red) – 2 (green)",
            disagreement=indicator.disagreement,
            trends=_distribution(
                HEALTH_TREND_LABELS, [indicator.trend_counts[t] for t in HEALTH_TRENDS]
            ),
            change=change,
        )
    if item.kind == ItemKind.MULTIPLE:
        chosen = [p for choices in answers["choices"].to_list() for p in choices]
        counts = [chosen.count(position) for position in range(1, len(options) + 1)]
        people = answers["respondent"].n_unique()
        return ItemResult(
            key=item.key,
            text=item.text,
            kind=item.kind,
            shown=True,
            n=n,
            options=[
                OptionCount(label=label, count=count, share=count / people if people else 0.0)
                for label, count in zip(options, counts, strict=True)
            ],
            scale="share of respondents choosing each option",
        )
    if item.kind == ItemKind.SCALE_0_10:
        values = [int(v) for v in answers["value"].drop_nulls().to_list()]
        labels = [str(number) for number in range(11)]
        counts = [values.count(number) for number in range(11)]
        mean = float(np.mean(values)) if values else None
        scale = "0–10"
    else:  # agree scale or single choice: counts by display position
        positions = answers["position"].drop_nulls().to_list()
        labels = options
        counts = [positions.count(p) for p in range(1, len(options) + 1)]
        scored = answers["value"].drop_nulls().to_list()
        mean = float(np.mean(scored)) if scored and item.kind == ItemKind.LIKERT else None
        scale = f"1–{len(options)}" if item.kind == ItemKind.LIKERT else ""
    change = None
    if item.kind in (ItemKind.LIKERT, ItemKind.SCALE_0_10) and data.kind == InstrumentKind.CUSTOM:
        change = _change_view(
            family=family, group=group, data=data, previous=previous, changes=changes
        )
    return ItemResult(
        key=item.key,
        text=item.text,
        kind=item.kind,
        shown=True,
        n=n,
        options=_distribution(labels, counts),
        mean=mean,
        scale=scale,
        reverse=item.reverse,
        change=change,
    )


def _psych_results(
    results: CycleResults,
    data: _CycleData,
    previous: _CycleData | None,
    changes: dict[tuple[str, str], ChangeDecision],
) -> None:
    release = data.release()
    group = results.group
    frame = _in_group(_answered(data.frame), group)
    rows, points, reverse = _psych_rows(data, frame)
    team = psych_safety_team(rows, points=points, reverse=reverse) if rows.size else None
    decision = release.get("scale", group.key)
    note = ""
    if team is not None and team.rwg_j is not None:
        note = f"Agreement rwg(j) {team.rwg_j:.2f}" + (
            f" (at least {AGREEMENT_THRESHOLD:.2f}): members agree enough to read the "
            "mean as the team's."
            if team.agreement_ok
            else f", below {AGREEMENT_THRESHOLD:.2f}: {NOT_ENOUGH_AGREEMENT}."
        )
    elif team is not None:
        note = f"Agreement cannot be checked: {NOT_ENOUGH_AGREEMENT}."
    results.headline.append(
        _figure(
            key="scale",
            label=HEADLINE_LABELS["scale"],
            value=team.mean if team else None,
            decision=decision,
            k=results.k,
            scale=f"1–{points}",
            change=_change_view(
                family="scale", group=group, data=data, previous=previous, changes=changes
            ),
            note=note,
        )
    )
    if decision is not None and decision.shown and team is not None:
        results.agreement = note
        if team.rwg_j is not None:
            results.reliability.append(
                Reliability(
                    label="Agreement rwg(j)",
                    value=team.rwg_j,
                    shown=True,
                    n=team.n,
                    note=(
                        f"James, Demaree & Wolf 1984 against a uniform null on {points} points; "
                        f"{AGREEMENT_THRESHOLD:.2f} or more reads as agreement "
                        "(LeBreton & Senter 2008)."
                    ),
                )
            )
    if group.is_everyone and release.shown("scale", "all") and rows.size:
        scored = psych_safety_scored(rows, points=points, reverse=reverse)
        results.reliability[:0] = _reliability(scored, unit="respondents")


def cycle_results(
    *, membership: Membership, cycle: Cycle, group: Group | None = None
) -> CycleResults:
    """A cycle's results for one breakdown (everyone by default), with its series' trend."""
    group = group or Group()
    series = _series(membership=membership, cycle=cycle)
    loaded = _cycles_load(series)
    return _cycle_results_build(cycle=cycle, group=group, series=series, loaded=loaded)


def _cycle_results_build(
    *,
    cycle: Cycle,
    group: Group,
    series: list[Cycle],
    loaded: dict[int, _CycleData],
    with_trends: bool = True,
) -> CycleResults:
    data = loaded[cycle.pk]
    state = cycle_state(cycle)
    results = CycleResults(
        cycle=cycle,
        kind=data.kind,
        state=state,
        responses=int(getattr(cycle, "response_count", 0) or 0),
        k=cycle.min_group,
        min_comments=cycle.min_comments,
        group=group,
        group_label=_group_label(group, data.functions),
        functions=data.functions,
        bands=list(BANDS),
    )
    earlier = [c for c in series if c.opens_at < cycle.opens_at and cycle_state(c) == "ready"]
    if state != "ready":
        results.previous = earlier[-1] if earlier else None
        return results
    release = data.release()
    results.withheld = sum(1 for d in release.withheld() if d.n > 0)
    previous = loaded[earlier[-1].pk] if earlier else None
    results.previous = previous.cycle if previous else None
    changes = change_decide(current=release, previous=previous.release()) if previous else {}
    # The group itself: its first family decides whether anything shows for it.
    decision = release.get(_group_family(data), group.key)
    results.group_shown, results.group_reason = _decision_view(decision, results.k)
    if group.function and group.function not in {ref.uuid for ref in data.functions}:
        results.group_shown, results.group_reason = False, "No such function in this cycle."
    if not results.group_shown:
        return results
    if data.kind == InstrumentKind.COORDINATION:
        _coordination_results(results, data, previous, changes)
    elif data.kind == InstrumentKind.PSYCH_SAFETY:
        _psych_results(results, data, previous, changes)
    _item_results(results, data, previous, changes)
    if with_trends:
        in_series = [loaded[c.pk] for c in series if c.pk in loaded]
        results.trends = _trends(data, group, in_series)
        if data.kind == InstrumentKind.COORDINATION and results.matrix is not None:
            results.ties = _ties(data, group, in_series, previous, changes, results.matrix)
    return results


def _group_family(data: _CycleData) -> str:
    if data.kind == InstrumentKind.COORDINATION:
        return COORDINATION_FAMILY
    if data.kind == InstrumentKind.PSYCH_SAFETY:
        return "scale"
    for item in data.items:
        if item.kind != ItemKind.TEXT:
            return f"item:{item.key}"
    return COORDINATION_FAMILY


def _group_label(group: Group, functions: Sequence[FunctionRef]) -> str:
    names = {ref.uuid: ref.name for ref in functions}
    parts = []
    if group.function:
        parts.append(names.get(group.function, "Unknown function"))
    if group.band:
        parts.append(BAND_LABELS.get(group.band, "Unknown band"))
    return ", ".join(parts) or "Everyone"


def _headline_families(data: _CycleData) -> list[tuple[str, str, str]]:
    """(family, label, scale) of the numbers followed across cycles."""
    if data.kind == InstrumentKind.COORDINATION:
        return [
            ("overall", HEADLINE_LABELS["overall"], "1–5"),
            ("communication", HEADLINE_LABELS["communication"], "1–5"),
            ("relationship", HEADLINE_LABELS["relationship"], "1–5"),
        ]
    if data.kind == InstrumentKind.PSYCH_SAFETY:
        return [("scale", HEADLINE_LABELS["scale"], f"1–{data.cycle.version.scale_points}")]
    found = []
    for item in data.items:
        if item.kind == ItemKind.HEALTH:
            found.append((f"item:{item.key}", item.text, "0–2"))
        elif item.kind in (ItemKind.LIKERT, ItemKind.SCALE_0_10):
            scale = "0–10" if item.kind == ItemKind.SCALE_0_10 else f"1–{len(item.options)}"
            found.append((f"item:{item.key}", item.text, scale))
    return found


def _trends(data: _CycleData, group: Group, series: list[_CycleData]) -> list[TrendSeries]:
    """The headline numbers of every released cycle of the series, for the chosen group."""
    trends = []
    for family, label, scale in _headline_families(data):
        points = []
        for other in series:
            if cycle_state(other.cycle) != "ready" or other.cycle.opens_at > data.cycle.opens_at:
                continue
            decision = other.release().get(_family_of(family), group.key)
            shown, reason = _decision_view(decision, other.cycle.min_group)
            value = None
            count = None
            if shown:
                values = _respondent_values(other, family, group)
                value = float(values.mean()) if values.size else None
                count = int(values.size)
            points.append(
                TrendPoint(
                    cycle=str(other.cycle.uuid),
                    title=other.cycle.title,
                    date=timezone.localtime(other.cycle.closes_at).date(),
                    value=value,
                    n=count,
                    shown=shown and value is not None,
                    reason=reason,
                )
            )
        trends.append(TrendSeries(key=family, label=label, scale=scale, points=points))
    if all(len(series.points) < 2 for series in trends):
        return []  # one cycle is not a trend
    return trends


def _tie_values(data: _CycleData, group: Group) -> dict[tuple[str, str], NDArray[np.float64]]:
    """Per tie (rater function, rated function): each rater's mean rating, in the group."""
    table = _coordination_table(data, _in_group(_answered(data.frame), group))
    if table.is_empty():
        return {}
    rated = table.select("respondent", "function", "target").with_columns(
        pl.Series("score", _row_means(table, DIMENSIONS)).fill_nan(None)
    )
    found: dict[tuple[str, str], NDArray[np.float64]] = {}
    for (rater, target), rows in rated.drop_nulls("score").group_by("function", "target"):
        if rater is not None and target is not None:
            found[(str(rater), str(target))] = rows["score"].to_numpy().astype(np.float64)
    return found


def _ties(
    data: _CycleData,
    group: Group,
    series: list[_CycleData],
    previous: _CycleData | None,
    changes: dict[tuple[str, str], ChangeDecision],
    matrix: Matrix,
) -> list[TieTrend]:
    """Each tie of the matrix (off the diagonal) through the released cycles of the series,
    with its change since the previous cycle when the anonymity rules allow it."""
    earlier = [
        other
        for other in series
        if cycle_state(other.cycle) == "ready" and other.cycle.opens_at <= data.cycle.opens_at
    ]
    if len(earlier) < 2:
        return []
    values = {other.cycle.pk: _tie_values(other, group) for other in earlier}
    ties = []
    for row in matrix.rows:
        for cell in row.cells:
            if cell.diagonal:
                continue
            place = (row.rater.uuid, cell.rated.uuid)
            key = _cell_key(cell.rated.uuid, group_key(function=row.rater.uuid, band=group.band))
            points = []
            for other in earlier:
                decision = other.release().get(COORDINATION_FAMILY, key)
                shown, reason = _decision_view(decision, other.cycle.min_group)
                ratings = values[other.cycle.pk].get(place) if shown else None
                points.append(
                    TrendPoint(
                        cycle=str(other.cycle.uuid),
                        title=other.cycle.title,
                        date=timezone.localtime(other.cycle.closes_at).date(),
                        value=float(ratings.mean())
                        if ratings is not None and ratings.size
                        else None,
                        n=int(ratings.size) if ratings is not None else None,
                        shown=ratings is not None and bool(ratings.size),
                        reason=reason,
                    )
                )
            if not any(point.shown for point in points):
                continue
            change = None
            if previous is not None:
                moved = changes.get((COORDINATION_FAMILY, key))
                if moved is not None and moved.shown:
                    result = mean_change(
                        values[previous.cycle.pk].get(place, np.empty(0)),
                        values[data.cycle.pk].get(place, np.empty(0)),
                        confidence=CHANGE_CONFIDENCE,
                    )
                    change = ChangeView(
                        shown=True,
                        previous_title=previous.cycle.title,
                        previous_closed=_closed(previous.cycle),
                        diff=result.diff,
                        low=result.low,
                        high=result.high,
                        verdict=result.verdict,
                        sentence=result.sentence,
                    )
                elif moved is not None:
                    change = ChangeView(
                        shown=False,
                        previous_title=previous.cycle.title,
                        previous_closed=_closed(previous.cycle),
                        reason=moved.reason,
                    )
            ties.append(TieTrend(rater=row.rater, rated=cell.rated, points=points, change=change))
    return ties


def _series(*, membership: Membership, cycle: Cycle) -> list[Cycle]:
    """The cycle and the other cycles of its instrument for the same partnership (for a
    workspace-wide cycle: those linked through `previous`), oldest first; one query."""
    same = results_cycle_visible(membership=membership).filter(
        version__instrument_id=cycle.version.instrument_id
    )
    if cycle.partnership_id:
        rows = list(same.filter(partnership_id=cycle.partnership_id).order_by("opens_at", "pk"))
    else:
        candidates = {c.pk: c for c in same.filter(partnership__isnull=True)}
        chain = [cycle]
        current = candidates.get(cycle.pk, cycle)
        while current.previous_id in candidates and len(chain) < SERIES_LIMIT:
            current = candidates[current.previous_id]
            if current in chain:
                break
            chain.append(current)
        rows = list(reversed(chain))
    if not any(c.pk == cycle.pk for c in rows):
        rows.append(cycle)
    rows = [c if c.pk != cycle.pk else cycle for c in rows]
    rows = [c for c in rows if c.status != Cycle.Status.DRAFT or c.pk == cycle.pk]
    return rows[-SERIES_LIMIT:] if len(rows) > SERIES_LIMIT else rows


# --- a partnership's results and the workspace roll-up ----------------------------------------


@dataclass
class InstrumentSummary:
    """The latest released cycle of one instrument for a partnership: headline numbers
    (everyone), their change since the previous cycle, and the trend."""

    instrument: str
    kind: str
    latest: Cycle | None
    cycles: list[Cycle]
    headline: list[Figure] = field(default_factory=list)
    trends: list[TrendSeries] = field(default_factory=list)
    state_note: str = ""


def _summary(
    instrument_name: str,
    kind: str,
    cycles: list[Cycle],
    loaded: dict[int, _CycleData],
    *,
    with_trends: bool = True,
) -> InstrumentSummary:
    ready = [c for c in cycles if cycle_state(c) == "ready"]
    summary = InstrumentSummary(
        instrument=instrument_name, kind=kind, latest=ready[-1] if ready else None, cycles=cycles
    )
    if not ready:
        open_now = [c for c in cycles if cycle_state(c) == "open"]
        summary.state_note = (
            "Results appear when the open cycle closes."
            if open_now
            else "No cycle has closed with enough responses yet."
        )
        return summary
    latest = ready[-1]
    data = loaded[latest.pk]
    previous = loaded[ready[-2].pk] if len(ready) > 1 else None
    changes = change_decide(current=data.release(), previous=previous.release()) if previous else {}
    group = Group()
    for family, label, scale in _headline_families(data):
        values = _respondent_values(data, family, group)
        summary.headline.append(
            _figure(
                key=family,
                label=label,
                value=float(values.mean()) if values.size else None,
                decision=data.release().get(_family_of(family), "all"),
                n=int(values.size),
                k=latest.min_group,
                scale=scale,
                change=_change_view(
                    family=family, group=group, data=data, previous=previous, changes=changes
                ),
            )
        )
    if with_trends:
        summary.trends = _trends(data, group, [loaded[c.pk] for c in ready])
    return summary


@dataclass
class PartnershipResults:
    partnership: Partnership
    instruments: list[InstrumentSummary]


def partnership_results(*, membership: Membership, partnership: Partnership) -> PartnershipResults:
    """Every instrument the partnership ran: its latest released results and trends."""
    cycles = list(
        results_cycle_visible(membership=membership)
        .filter(partnership=partnership)
        .exclude(status=Cycle.Status.DRAFT)
        .order_by("opens_at", "pk")
    )
    loaded = _cycles_load(cycles)
    by_instrument: dict[int, list[Cycle]] = {}
    for cycle in cycles:
        by_instrument.setdefault(cycle.version.instrument_id, []).append(cycle)
    summaries = [
        _summary(rows[0].version.instrument.name, rows[0].version.instrument.kind, rows, loaded)
        for rows in by_instrument.values()
    ]
    summaries.sort(key=lambda s: (_KIND_ORDER.get(s.kind, 9), s.instrument.lower()))
    return PartnershipResults(partnership=partnership, instruments=summaries)


_KIND_ORDER: dict[str, int] = {
    InstrumentKind.COORDINATION: 0,
    InstrumentKind.PSYCH_SAFETY: 1,
    InstrumentKind.HEALTH_CHECK: 2,
    InstrumentKind.CUSTOM: 3,
}


@dataclass
class RollupRow:
    """One partnership (or the workspace-wide cycles) with its latest headline numbers."""

    partnership: Partnership | None
    instruments: list[InstrumentSummary]


@dataclass
class Rollup:
    rows: list[RollupRow]
    icc1: float | None = None
    icc2: float | None = None
    icc_teams: int = 0
    icc_note: str = ""
    page: int = 1
    pages: int = 1
    total: int = 0


ROLLUP_PAGE_SIZE = 25


def workspace_rollup(*, membership: Membership, page: int | None = None) -> Rollup:
    """Each visible partnership's latest headline numbers, in alphabetical order (never a
    ranking), ``ROLLUP_PAGE_SIZE`` partnerships a page (``page=None``, the default: all),
    and the ICCs of psychological safety across all partnerships (from stored snapshots).
    Every cycle is read as plain values; only the page's cycles are loaded as objects."""
    visible = results_cycle_visible(membership=membership).exclude(status=Cycle.Status.DRAFT)
    rows = [
        _CycleRow(*values)
        for values in visible.order_by("opens_at", "pk").values_list(  # type: ignore[misc]  # response_count: annotated
            "pk",
            "partnership_id",
            "version__instrument_id",
            "version__instrument__kind",
            "partnership__name",
            "status",
            "closes_at",
            "min_group",
            "min_comments",
            "version_id",
            "response_count",
        )
    ]
    grouped: dict[tuple[int | None, int], list[_CycleRow]] = {}
    for row in rows:
        grouped.setdefault((row.partnership_id, row.instrument_id), []).append(row)
    names = {row.partnership_id: row.partnership_name or "" for row in rows}
    order = sorted(
        {pid for pid, _instrument in grouped}, key=lambda pid: (pid is None, names.get(pid, ""))
    )
    total = len(order)
    pages = max(1, math.ceil(total / ROLLUP_PAGE_SIZE))
    if page is not None:
        page = min(max(1, page), pages)
        order = order[(page - 1) * ROLLUP_PAGE_SIZE : page * ROLLUP_PAGE_SIZE]
    shown_ids = set(order)
    # Per series on the page: its two latest released cycles, else its latest cycle.
    kept_ids: dict[tuple[int | None, int], list[int]] = {}
    for key, series in grouped.items():
        if key[0] in shown_ids:
            ready = [c for c in series if cycle_state(c) == "ready"][-2:]
            kept_ids[key] = [c.pk for c in ready or series[-1:]]
    wanted = [pk for pks in kept_ids.values() for pk in pks]
    cycles = {c.pk: c for c in visible.filter(pk__in=wanted)}
    kept = {key: [cycles[pk] for pk in pks] for key, pks in kept_ids.items()}
    loaded = released_load([c for chosen in kept.values() for c in chosen])
    loaded.live_for([c for chosen in kept.values() for c in released_summary_needs(chosen, loaded)])
    partnerships: dict[int | None, list[InstrumentSummary]] = {pid: [] for pid in order}
    by_id: dict[int, Partnership] = {}
    for (partnership_id, _instrument), chosen in kept.items():
        instrument = chosen[0].version.instrument
        partnerships[partnership_id].append(
            released_summary(
                name=instrument.name, kind=instrument.kind, series=chosen, loaded=loaded
            )
        )
        if chosen[0].partnership is not None:
            by_id[chosen[0].partnership.pk] = chosen[0].partnership
    loaded.change_memos_save()
    result_rows = [
        RollupRow(
            partnership=by_id.get(pid) if pid else None,
            instruments=sorted(
                summaries, key=lambda s: (_KIND_ORDER.get(s.kind, 9), s.instrument.lower())
            ),
        )
        for pid, summaries in partnerships.items()
    ]
    rollup = Rollup(rows=result_rows, page=page or 1, pages=pages if page else 1, total=total)
    _rollup_icc(rollup, grouped, membership=membership)
    return rollup


# One-way ANOVA ICC(1)/ICC(2) (Bliese 2000) from each group's n, mean and within sum of
# squares, the same figures as accord.metrics.psychometrics.icc_oneway on the raw means.
def _icc_from_stats(stats: Sequence[dict[str, Any]]) -> tuple[float | None, float | None]:
    sizes = np.array([s["n"] for s in stats], dtype=np.float64)
    means = np.array([s["mean"] for s in stats], dtype=np.float64)
    n, count = float(sizes.sum()), len(stats)
    if count < 2 or n - count < 1:
        return None, None
    grand = float(np.sum(sizes * means) / n)
    msb = float(np.sum(sizes * (means - grand) ** 2)) / (count - 1)
    msw = float(sum(s["ssw"] for s in stats)) / (n - count)
    k_mean = float(sizes.mean())
    denominator = msb + (k_mean - 1) * msw
    icc1 = (msb - msw) / denominator if denominator > 0 else None
    icc2 = (msb - msw) / msb if msb > 0 else None
    if icc1 is None or icc2 is None:
        return None, None
    return icc1, icc2


def _psych_stats_get(rows: Sequence[_CycleRow], *, membership: Membership) -> list[dict[str, Any]]:
    """The stored psychological-safety statistics of the cycles (their snapshots' "psych"
    part only); stale or missing snapshots are recomputed, in bulk."""
    from accord.surveys.models import ResultSnapshot

    if not rows:
        return []
    by_pk = {row.pk: row for row in rows}
    found: dict[int, Any] = {}
    stored = ResultSnapshot.objects.filter(
        workspace=membership.workspace, cycle_id__in=list(by_pk)
    ).values_list("cycle_id", "fingerprint", "payload__psych")
    for cycle_id, fingerprint, stats in stored:
        if fingerprint == snapshot_fingerprint(by_pk[cycle_id]):
            found[cycle_id] = stats
    stale = [pk for pk in by_pk if pk not in found]
    if stale:
        cycles = results_cycle_visible(membership=membership).filter(pk__in=stale)
        for cycle_id, payload in result_snapshots_get(list(cycles)).items():
            found[cycle_id] = payload.get("psych")
    return [found[row.pk] for row in rows if found.get(row.pk) is not None]


def _rollup_icc(
    rollup: Rollup,
    grouped: dict[tuple[int | None, int], list[_CycleRow]],
    *,
    membership: Membership,
) -> None:
    """ICC(1)/ICC(2) of psychological safety across partnerships (their latest released
    cycles whose whole-group result is shown), when there are at least two."""
    latest: dict[int, _CycleRow] = {}
    for (partnership_id, _instrument), rows in grouped.items():
        if partnership_id is None or rows[0].kind != InstrumentKind.PSYCH_SAFETY:
            continue
        ready = [c for c in rows if cycle_state(c) == "ready"]
        if ready:
            latest[partnership_id] = ready[-1]
    teams: list[dict[str, Any]] = []
    for stats in _psych_stats_get(list(latest.values()), membership=membership):
        if teams and (
            stats["points"] != teams[0]["points"] or stats["reverse"] != teams[0]["reverse"]
        ):
            rollup.icc_note = "Partnerships used different scales, so no ICC is computed."
            return
        teams.append(stats)
    rollup.icc_teams = len(teams)
    if len(teams) < 2:
        rollup.icc_note = (
            "ICC(1) and ICC(2) need at least two partnerships with released psychological "
            "safety results."
        )
        return
    rollup.icc1, rollup.icc2 = _icc_from_stats(teams)
    rollup.icc_note = (
        f"Across {len(teams)} partnerships' latest psychological safety results (Bliese 2000)."
    )


# --- export: every group's aggregates, same suppression ------------------------------------


@dataclass(frozen=True)
class ExportRow:
    cycle: str
    cycle_title: str
    instrument: str
    group: str
    group_label: str
    measure: str
    target: str
    statistic: str
    value: float | None
    n: int | None
    status: str  # shown | withheld
    reason: str


def cycle_results_groups(data_cycle: CycleResults) -> list[Group]:
    groups = [Group()]
    groups += [Group(function=ref.uuid) for ref in data_cycle.functions]
    groups += [Group(band=band) for band, _label in BANDS]
    groups += [
        Group(function=ref.uuid, band=band) for ref in data_cycle.functions for band, _ in BANDS
    ]
    return groups


def cycle_results_all_groups(*, membership: Membership, cycle: Cycle) -> list[CycleResults]:
    """The results of every breakdown of a cycle (for exports): one load, many views."""
    series = _series(membership=membership, cycle=cycle)
    loaded = _cycles_load(series)
    first = _cycle_results_build(
        cycle=cycle, group=Group(), series=series, loaded=loaded, with_trends=False
    )
    if not first.ready:
        return [first]
    return [first] + [
        _cycle_results_build(
            cycle=cycle, group=group, series=series, loaded=loaded, with_trends=False
        )
        for group in cycle_results_groups(first)[1:]
    ]


def export_rows(results: Sequence[CycleResults]) -> list[ExportRow]:
    """Aggregates as flat rows: a withheld one has no value and no n, only its reason."""
    rows: list[ExportRow] = []
    for view in results:
        cycle = view.cycle
        base = {
            "cycle": str(cycle.uuid),
            "cycle_title": cycle.title,
            "instrument": cycle.version.instrument.name,
            "group": view.group.key,
            "group_label": view.group_label,
        }

        def add(
            measure: str,
            statistic: str,
            value: float | None,
            n: int | None,
            shown: bool,
            reason: str,
            target: str = "",
            base: dict[str, str] = base,
        ) -> None:
            rows.append(
                ExportRow(
                    **base,
                    measure=measure,
                    target=target,
                    statistic=statistic,
                    value=value if shown else None,
                    n=n if shown else None,
                    status="shown" if shown else "withheld",
                    reason="" if shown else reason,
                )
            )

        if not view.ready:
            continue
        if not view.group_shown:
            add(view.group_label, "results", None, None, False, view.group_reason)
            continue
        for figure in [*view.headline, *view.dimensions]:
            add(figure.label, "mean", figure.value, figure.n, figure.shown, figure.reason)
            if figure.change is not None and figure.change.shown and figure.change.diff is not None:
                add(figure.label, "change", figure.change.diff, figure.n, True, "")
                if figure.change.low is not None and figure.change.high is not None:
                    add(figure.label, "change_low", figure.change.low, figure.n, True, "")
                    add(figure.label, "change_high", figure.change.high, figure.n, True, "")
        if view.matrix is not None:
            for row in view.matrix.rows:
                rater = row.rater.name
                for cell in row.cells:
                    add(
                        f"Coordination: {rater} → {cell.rated.name}",
                        "mean",
                        cell.score,
                        cell.n,
                        cell.shown,
                        cell.reason,
                        target=cell.rated.name,
                    )
        for reliability in view.reliability:
            if reliability.shown:
                add(reliability.label, "coefficient", reliability.value, reliability.n, True, "")
        for item in view.items:
            if not item.shown:
                add(item.text, "distribution", None, None, False, item.reason)
                continue
            if item.mean is not None:
                add(item.text, "mean", item.mean, item.n, True, "")
            for option in item.options:
                add(item.text, f"count: {option.label}", option.count, item.n, True, "")
            if item.disagreement is not None:
                add(item.text, "disagreement", item.disagreement, item.n, True, "")
            for trend in item.trends:
                add(item.text, f"trend: {trend.label}", trend.count, item.n, True, "")
    return rows


# --- for other areas (insights): the same release, read without a member ------------------
# Health snapshots, playbook signals, review packs and the function view need the released
# survey figures of many partnerships at once, outside any request. They go through these,
# so every number they use passed the same anonymity release as the results pages.

SNAPSHOT_FORMAT = 1


def with_response_count(cycles: QuerySet[Cycle]) -> QuerySet[Cycle]:
    """Annotate what ``cycle_state`` needs (the number of responses)."""
    return cycles.annotate(response_count=_response_count())


def latest_ready_cycles(
    cycles: Iterable[Cycle],
    *,
    key: Callable[[Cycle], Any],
    now: datetime.datetime | None = None,
) -> dict[Any, Cycle]:
    """The last cycle per ``key`` (cycles in close order) whose results are released."""
    latest: dict[Any, Cycle] = {}
    for cycle in cycles:
        if cycle_state(cycle, now=now) == "ready":
            latest[key(cycle)] = cycle  # ordered: the last one wins
    return latest


def snapshot_fingerprint(cycle: Cycle | _CycleRow) -> str:
    """Everything a closed cycle's released figures depend on: a snapshot whose fingerprint
    differs from this is stale (k or comment k, version, close, responses, format)."""
    return ":".join(
        str(part)
        for part in (
            SNAPSHOT_FORMAT,
            cycle.status,
            cycle.closes_at.isoformat(),
            cycle.min_group,
            cycle.min_comments,
            cycle.version_id,
            int(getattr(cycle, "response_count", 0) or 0),
        )
    )


def _snapshotable(cycle: Cycle) -> bool:
    # Only results that no longer change: closed (or past closing) and released.
    return cycle_state(cycle) == "ready"


def _figure_dump(figure: Figure) -> dict[str, Any]:
    shown = figure.shown
    return {
        "key": figure.key,
        "label": figure.label,
        "value": figure.value if shown else None,
        "n": figure.n if shown else None,
        "shown": shown,
        "reason": figure.reason,
        "scale": figure.scale,
        "note": figure.note if shown else "",
    }


def _figure_from(raw: dict[str, Any]) -> Figure:
    return Figure(
        key=raw["key"],
        label=raw["label"],
        value=raw["value"],
        n=raw["n"],
        shown=raw["shown"],
        reason=raw["reason"],
        scale=raw["scale"],
        note=raw["note"],
    )


def _ref_dump(ref: FunctionRef) -> list[str]:
    return [ref.uuid, ref.name]


def _matrix_dump(matrix: Matrix | None) -> dict[str, Any] | None:
    if matrix is None:
        return None
    return {
        "columns": [_ref_dump(ref) for ref in matrix.columns],
        "rows": [
            {
                "rater": _ref_dump(row.rater),
                "cells": [
                    {
                        "rated": _ref_dump(cell.rated),
                        "score": cell.score if cell.shown else None,
                        "n": cell.n if cell.shown else None,
                        "shown": cell.shown,
                        "reason": cell.reason,
                        "level": cell.level if cell.shown else 0,
                        "diagonal": cell.diagonal,
                        "rule": cell.rule,
                    }
                    for cell in row.cells
                ],
            }
            for row in matrix.rows
        ],
    }


def _matrix_from(raw: dict[str, Any] | None) -> Matrix | None:
    if raw is None:
        return None
    rows = []
    for row in raw["rows"]:
        rater = FunctionRef(*row["rater"])
        cells = [
            Cell(
                rater=rater,
                rated=FunctionRef(*cell["rated"]),
                score=cell["score"],
                n=cell["n"],
                shown=cell["shown"],
                reason=cell["reason"],
                level=cell["level"],
                diagonal=cell["diagonal"],
                rule=cell["rule"],
            )
            for cell in row["cells"]
        ]
        rows.append(MatrixRow(rater=rater, cells=cells))
    return Matrix(columns=[FunctionRef(*ref) for ref in raw["columns"]], rows=rows)


def _psych_stats(data: _CycleData) -> dict[str, Any] | None:
    """Sufficient statistics of the everyone-group psychological safety scale (n, mean, sum
    of squares within), for the ICC across partnerships; only when that group is released."""
    if data.kind != InstrumentKind.PSYCH_SAFETY or not data.release().shown("scale", "all"):
        return None
    rows, points, reverse = _psych_rows(data, _answered(data.frame))
    if not rows.size:
        return None
    means = _scored_means(rows, points, reverse)
    if not means.size:
        return None
    mean = float(means.mean())
    return {
        "n": int(means.size),
        "mean": mean,
        "ssw": float(np.sum((means - mean) ** 2)),
        "points": points,
        "reverse": list(reverse),
    }


def _scored_means(rows: NDArray[np.float64], points: int, reverse: Sequence[bool]) -> Any:
    from accord.metrics.psych_safety import _respondent_means

    means = np.asarray(
        _respondent_means(psych_safety_scored(rows, points=points, reverse=list(reverse))),
        dtype=np.float64,
    )
    return means[~np.isnan(means)]


def _snapshot_payload(cycle: Cycle, loaded: dict[int, _CycleData]) -> dict[str, Any]:
    data = loaded[cycle.pk]
    results = _cycle_results_build(
        cycle=cycle, group=Group(), series=[cycle], loaded=loaded, with_trends=False
    )
    instrument = cycle.version.instrument
    summary = _summary(instrument.name, instrument.kind, [cycle], loaded, with_trends=False)
    return {
        "kind": data.kind,
        "functions": [_ref_dump(ref) for ref in data.functions],
        "group_shown": results.group_shown,
        "group_reason": results.group_reason,
        "withheld": results.withheld,
        "agreement": results.agreement,
        "headline": [_figure_dump(f) for f in results.headline],
        "dimensions": [_figure_dump(f) for f in results.dimensions],
        "matrix": _matrix_dump(results.matrix),
        "summary": [_figure_dump(f) for f in summary.headline],
        "psych": _psych_stats(data),
    }


class Loaded:
    """Released figures of many cycles: stored snapshots where they are current, the live
    answers (loaded on demand, in one batch) for anything else."""

    def __init__(self, cycles: Sequence[Cycle]) -> None:
        self.cycles = {c.pk: c for c in cycles}
        self.snapshots: dict[int, dict[str, Any]] = {}
        self.live: dict[int, _CycleData] = {}
        self.pending: dict[int, Cycle] = {}

    def live_for(self, cycles: Sequence[Cycle]) -> dict[int, _CycleData]:
        missing = [c for c in cycles if c.pk not in self.live]
        if missing:
            self.live.update(_cycles_load(missing))
        return self.live

    def change_memo(self, latest: Cycle, previous: Cycle) -> dict[str, Any] | None:
        """The stored changes of `latest`'s headline since `previous`, if still current."""
        memo = self.snapshots.get(latest.pk, {}).get("summary_change")
        if memo and memo.get("previous") == [previous.pk, snapshot_fingerprint(previous)]:
            return dict(memo["changes"])
        return None

    def change_memo_keep(self, latest: Cycle, previous: Cycle, summary: InstrumentSummary) -> None:
        payload = self.snapshots.get(latest.pk)
        if payload is None:
            return
        payload["summary_change"] = {
            "previous": [previous.pk, snapshot_fingerprint(previous)],
            "changes": {f.key: _change_dump(f.change) for f in summary.headline},
        }
        self.pending[latest.pk] = latest

    def change_memos_save(self) -> None:
        """Store the changes worked out since loading (one statement)."""
        from accord.surveys.models import ResultSnapshot

        if not self.pending:
            return
        now = timezone.now()
        ResultSnapshot.objects.bulk_create(
            [
                ResultSnapshot(
                    workspace_id=c.workspace_id,
                    cycle_id=c.pk,
                    fingerprint=snapshot_fingerprint(c),
                    payload=self.snapshots[c.pk],
                    computed_at=now,
                )
                for c in self.pending.values()
            ],
            update_conflicts=True,
            unique_fields=["cycle"],
            update_fields=["payload"],
        )
        self.pending = {}


def result_snapshots_get(cycles: Sequence[Cycle]) -> dict[int, dict[str, Any]]:
    """The current snapshot payload of each released cycle, computing and storing (in bulk)
    the missing or stale ones: a constant number of queries for any number of cycles."""
    from accord.surveys.models import ResultSnapshot

    wanted = {c.pk: c for c in cycles if _snapshotable(c)}
    if not wanted:
        return {}
    found: dict[int, dict[str, Any]] = {}
    stored = ResultSnapshot.objects.filter(
        workspace_id=next(iter(wanted.values())).workspace_id, cycle_id__in=list(wanted)
    ).values_list("cycle_id", "fingerprint", "payload")
    for cycle_id, fingerprint, payload in stored:
        if fingerprint == snapshot_fingerprint(wanted[cycle_id]):
            found[cycle_id] = payload
    stale = [c for pk, c in wanted.items() if pk not in found]
    if stale:
        found.update(result_snapshots_write(stale))
    return found


def result_snapshots_write(cycles: Sequence[Cycle]) -> dict[int, dict[str, Any]]:
    """Compute the released figures of the cycles (those released) and upsert their
    snapshots in one statement; returns the payloads by cycle id."""
    from accord.surveys.models import ResultSnapshot

    ready = [c for c in cycles if _snapshotable(c)]
    if not ready:
        return {}
    loaded = _cycles_load(ready)
    now = timezone.now()
    payloads = {c.pk: _snapshot_payload(c, loaded) for c in ready}
    ResultSnapshot.objects.bulk_create(
        [
            ResultSnapshot(
                workspace_id=c.workspace_id,
                cycle_id=c.pk,
                fingerprint=snapshot_fingerprint(c),
                payload=payloads[c.pk],
                computed_at=now,
            )
            for c in ready
        ],
        update_conflicts=True,
        unique_fields=["cycle"],
        update_fields=["fingerprint", "payload", "computed_at"],
    )
    return payloads


def result_snapshots_refresh(*, workspace: Any, cycle_ids: Sequence[int]) -> int:
    """(Re)compute and store the snapshots of the given cycles that are released (on close,
    or after anything they depend on changed); returns how many were written."""
    cycles = list(
        with_response_count(
            Cycle.objects.filter(workspace=workspace, pk__in=list(cycle_ids)).select_related(
                "version", "version__instrument", "partnership"
            )
        )
    )
    return len(result_snapshots_write(cycles))


def released_load(cycles: Sequence[Cycle]) -> Loaded:
    """The released figures of the cycles, once, for ``released_results`` /
    ``released_summary``: stored snapshots, read in bulk (stale ones recomputed)."""
    loaded = Loaded(cycles)
    loaded.snapshots = result_snapshots_get(cycles)
    return loaded


def _results_from(cycle: Cycle, payload: dict[str, Any]) -> CycleResults:
    functions = [FunctionRef(*ref) for ref in payload["functions"]]
    group = Group()
    return CycleResults(
        cycle=cycle,
        kind=payload["kind"],
        state=cycle_state(cycle),
        responses=int(getattr(cycle, "response_count", 0) or 0),
        k=cycle.min_group,
        min_comments=cycle.min_comments,
        group=group,
        group_label=_group_label(group, functions),
        group_shown=payload["group_shown"],
        group_reason=payload["group_reason"],
        functions=functions,
        bands=list(BANDS),
        headline=[_figure_from(f) for f in payload["headline"]],
        matrix=_matrix_from(payload["matrix"]),
        dimensions=[_figure_from(f) for f in payload["dimensions"]],
        agreement=payload["agreement"],
        withheld=payload["withheld"],
    )


def released_results(*, cycle: Cycle, loaded: Loaded) -> CycleResults:
    """One cycle's results for everyone (no breakdown), as released to the pages: the
    headline, dimension and coordination-matrix figures (from the cycle's snapshot)."""
    payload = loaded.snapshots.get(cycle.pk)
    if payload is not None:
        return _results_from(cycle, payload)
    live = loaded.live_for([cycle])
    return _cycle_results_build(
        cycle=cycle, group=Group(), series=[cycle], loaded=live, with_trends=False
    )


def released_summary(
    *, name: str, kind: str, series: list[Cycle], loaded: Loaded
) -> InstrumentSummary:
    """The headline figures of an instrument's latest released cycle in ``series`` (with the
    change since the one before, when there is one): from the latest cycle's snapshot, the
    change from the memo stored beside it; worked out live (and kept in ``loaded`` for
    ``change_memos_save``) when either is missing."""
    ready = [c for c in series if cycle_state(c) == "ready"]
    if ready and ready[-1].pk in loaded.snapshots:
        latest = ready[-1]
        previous = ready[-2] if len(ready) > 1 else None
        headline = [_figure_from(f) for f in loaded.snapshots[latest.pk]["summary"]]
        changes = loaded.change_memo(latest, previous) if previous else {}
        if changes is not None:
            return InstrumentSummary(
                instrument=name,
                kind=kind,
                latest=latest,
                cycles=series,
                headline=[
                    replace(f, change=_change_from(changes.get(f.key), previous))
                    if f.shown and previous
                    else f
                    for f in headline
                ],
            )
    live = loaded.live_for(ready[-2:])
    summary = _summary(name, kind, series, live, with_trends=False)
    if len(ready) > 1:
        loaded.change_memo_keep(ready[-1], ready[-2], summary)
    return summary


def released_summary_needs(series: list[Cycle], loaded: Loaded) -> list[Cycle]:
    """The cycles ``released_summary`` would read answers of (none when stored): to load
    them for many series at once (``loaded.live_for``)."""
    ready = [c for c in series if cycle_state(c) == "ready"]
    if not ready:
        return []
    if ready[-1].pk in loaded.snapshots and (
        len(ready) == 1 or loaded.change_memo(ready[-1], ready[-2]) is not None
    ):
        return []
    return ready[-2:]


def _change_dump(change: ChangeView | None) -> dict[str, Any] | None:
    if change is None:
        return None
    return {
        "shown": change.shown,
        "diff": change.diff,
        "low": change.low,
        "high": change.high,
        "verdict": change.verdict,
        "sentence": change.sentence,
        "reason": change.reason,
    }


def _change_from(raw: dict[str, Any] | None, previous: Cycle) -> ChangeView | None:
    if raw is None:
        return None
    return ChangeView(previous_title=previous.title, previous_closed=_closed(previous), **raw)


def cycle_closed_on(cycle: Cycle) -> datetime.date:
    return _closed(cycle)
