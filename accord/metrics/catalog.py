"""The metric catalog: common business metrics, their synonyms, and the tensions between them.

A tension records a trade-off that practitioners know well: pushing one metric one way tends
to push another metric the harmful way (deeper discounts lower gross margin; shipping more
often without more testing raises the change failure rate). The shipped catalog lives in
``accord/metrics/data/metric_catalog.json``; a workspace may extend it with its own metrics and
tensions (see docs/catalog.md). Every entry is validated, and a bad entry is reported by its
position, its key and the rule it breaks.
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

FORMAT_VERSION = 1
CATEGORIES = (
    "efficiency",
    "customer satisfaction",
    "revenue growth",
    "quality",
    "cost",
    "people",
    "speed",
)
UNITS = ("%", "currency", "days", "hours", "count", "score", "ratio")
GOOD_DIRECTIONS = ("increase", "decrease", "target")
PUSH_DIRECTIONS = ("increase", "decrease")
FUNCTIONS: Mapping[str, str] = {
    "sales": "Sales",
    "marketing": "Marketing",
    "finance": "Finance",
    "operations": "Operations",
    "people": "People",
    "support": "Support",
    "product": "Product",
    "engineering": "Engineering",
    "procurement": "Procurement",
    "quality": "Quality",
    "it": "IT",
}
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# A token is a run of letters/digits; "&" and ":" join runs so "SG&A" and "LTV:CAC" stay whole.
TOKEN_PATTERN = re.compile(r"[^\W_]+(?:[&:][^\W_]+)*")
METRIC_FIELDS = {
    "key",
    "name",
    "synonyms",
    "abbreviations",
    "inverse_synonyms",
    "not_followed_by",
    "unit",
    "good_direction",
    "category",
    "function",
    "description",
}
MAX_PHRASE_TOKENS = 8


class CatalogError(ValueError):
    """A catalog entry breaks a rule; the message names the entry and the rule."""


@dataclass(frozen=True)
class Metric:
    key: str
    name: str
    unit: str
    good_direction: str
    category: str
    function: str
    description: str = ""
    synonyms: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    # Phrases naming the metric's opposite ("customer retention" for churn): a goal to raise
    # them is a goal to lower the metric.
    inverse_synonyms: tuple[str, ...] = ()
    not_followed_by: tuple[str, ...] = ()
    source: str = "shipped"


@dataclass(frozen=True)
class Tension:
    """Pushing ``a`` towards ``a_direction`` tends to move ``b`` towards ``b_direction``,
    which is the harmful way for ``b``."""

    a: str
    b: str
    a_direction: str
    b_direction: str
    explanation: str
    source: str = "shipped"


@dataclass(frozen=True)
class MetricMention:
    """Where a metric is named in a text, by which phrase, and whether the phrase names its
    opposite (``inverse``)."""

    metric: Metric
    phrase: str
    start: int
    end: int
    inverse: bool = False


@dataclass(frozen=True)
class _Phrase:
    key: str
    inverse: bool


@dataclass(frozen=True)
class Catalog:
    format_version: int
    metrics: tuple[Metric, ...]
    tensions: tuple[Tension, ...]
    _by_key: Mapping[str, Metric] = field(repr=False, compare=False, default_factory=dict)
    _phrases: Mapping[tuple[str, ...], _Phrase] = field(
        repr=False, compare=False, default_factory=dict
    )
    _abbreviations: Mapping[tuple[str, ...], _Phrase] = field(
        repr=False, compare=False, default_factory=dict
    )
    _tensions_by_metric: Mapping[str, tuple[Tension, ...]] = field(
        repr=False, compare=False, default_factory=dict
    )
    # First words of all phrases: most words start no phrase, so they are skipped at once.
    _starts: frozenset[str] = field(repr=False, compare=False, default=frozenset())

    def metric_get(self, key: str) -> Metric | None:
        """The metric with this key, or None."""
        return self._by_key.get(key)

    def tensions_of(self, key: str) -> tuple[Tension, ...]:
        """Every tension that names the metric, on either side."""
        return self._tensions_by_metric.get(key, ())

    def functions(self) -> tuple[str, ...]:
        return tuple(sorted({metric.function for metric in self.metrics}))

    def metric_find(self, text: str) -> tuple[MetricMention, ...]:
        """All metrics named in ``text``, in reading order, without overlaps.

        Names and synonyms match case-insensitively on whole words (a trailing plural "s" is
        accepted); abbreviations match with their exact case, so "SQL" (sales-qualified leads)
        is not found in "sql" or in "SQL Server". Where phrases overlap, the longer one wins
        ("net revenue retention" over "revenue").
        """
        tokens = [(m.group(0), m.start(), m.end()) for m in TOKEN_PATTERN.finditer(text)]
        lowered = [token.lower() for token, _, _ in tokens]
        candidates: list[tuple[int, int, _Phrase]] = []
        starts = self._starts
        for i in range(len(tokens)):
            if tokens[i][0] not in starts and lowered[i] not in starts:
                continue
            for size in range(min(MAX_PHRASE_TOKENS, len(tokens) - i), 0, -1):
                exact = tuple(token for token, _, _ in tokens[i : i + size])
                hit = self._abbreviations.get(exact) or self._phrases.get(
                    tuple(lowered[i : i + size])
                )
                if hit is None:
                    continue
                following = lowered[i + size] if i + size < len(tokens) else ""
                if following and following in self._by_key[hit.key].not_followed_by:
                    continue
                candidates.append((i, size, hit))
                break
        chosen: list[tuple[int, int, _Phrase]] = []
        taken: set[int] = set()
        for start, size, hit in sorted(candidates, key=lambda c: (-c[1], c[0])):
            span = set(range(start, start + size))
            if span & taken:
                continue
            taken |= span
            chosen.append((start, size, hit))
        mentions = []
        for start, size, hit in sorted(chosen, key=lambda c: c[0]):
            begin, end = tokens[start][1], tokens[start + size - 1][2]
            mentions.append(
                MetricMention(
                    metric=self._by_key[hit.key],
                    phrase=text[begin:end],
                    start=begin,
                    end=end,
                    inverse=hit.inverse,
                )
            )
        return tuple(mentions)

    def metric_match(self, text: str) -> Metric | None:
        """The metric named in ``text`` by the longest phrase (the earliest on a tie)."""
        mentions = self.metric_find(text)
        if not mentions:
            return None
        best = max(mentions, key=lambda m: (len(TOKEN_PATTERN.findall(m.phrase)), -m.start))
        return best.metric


def _tokens(phrase: str) -> tuple[str, ...]:
    return tuple(TOKEN_PATTERN.findall(phrase))


def _where(kind: str, index: int, entry: Mapping[str, Any], origin: str) -> str:
    key = entry.get("key") if kind == "metric" else f"{entry.get('a')} / {entry.get('b')}"
    return f"{origin} {kind} #{index + 1} ({key!s})"


def _strings(value: Any, label: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise CatalogError(f"{where}: {label} must be a list of non-empty strings.")
    return tuple(v.strip() for v in value)


def _metric_parse(entry: Any, index: int, origin: str) -> Metric:
    if not isinstance(entry, Mapping):
        raise CatalogError(f"{origin} metric #{index + 1}: each metric must be an object.")
    where = _where("metric", index, entry, origin)
    unknown = set(entry) - METRIC_FIELDS
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    for name in ("key", "name", "unit", "good_direction", "category", "function"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise CatalogError(f"{where}: '{name}' is required and must be a non-empty string.")
    key = entry["key"]
    if not KEY_PATTERN.match(key):
        raise CatalogError(f"{where}: key must be snake_case (lower-case letters, digits, _).")
    rules = (
        ("unit", UNITS),
        ("good_direction", GOOD_DIRECTIONS),
        ("category", CATEGORIES),
        ("function", tuple(FUNCTIONS)),
    )
    for name, allowed in rules:
        if entry[name] not in allowed:
            raise CatalogError(
                f"{where}: {name} {entry[name]!r} is not one of: {', '.join(allowed)}."
            )
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise CatalogError(f"{where}: description must be a string.")
    return Metric(
        key=key,
        name=entry["name"].strip(),
        unit=entry["unit"],
        good_direction=entry["good_direction"],
        category=entry["category"],
        function=entry["function"],
        description=description.strip(),
        synonyms=_strings(entry.get("synonyms"), "synonyms", where),
        abbreviations=_strings(entry.get("abbreviations"), "abbreviations", where),
        inverse_synonyms=_strings(entry.get("inverse_synonyms"), "inverse_synonyms", where),
        not_followed_by=tuple(
            word.lower()
            for word in _strings(entry.get("not_followed_by"), "not_followed_by", where)
        ),
        source=origin,
    )


def _tension_parse(entry: Any, index: int, origin: str, metrics: Mapping[str, Metric]) -> Tension:
    if not isinstance(entry, Mapping):
        raise CatalogError(f"{origin} tension #{index + 1}: each tension must be an object.")
    where = _where("tension", index, entry, origin)
    unknown = set(entry) - {"a", "b", "pattern", "explanation"}
    if unknown:
        raise CatalogError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}.")
    for side in ("a", "b"):
        if entry.get(side) not in metrics:
            raise CatalogError(f"{where}: '{side}' names unknown metric {entry.get(side)!r}.")
    if entry["a"] == entry["b"]:
        raise CatalogError(f"{where}: a tension needs two different metrics.")
    pattern = entry.get("pattern")
    if not isinstance(pattern, Mapping) or set(pattern) != {"a", "b"}:
        raise CatalogError(f"{where}: pattern must be an object with exactly 'a' and 'b'.")
    for side in ("a", "b"):
        if pattern[side] not in PUSH_DIRECTIONS:
            raise CatalogError(
                f"{where}: pattern.{side} {pattern[side]!r} is not a direction "
                f"(use {' or '.join(PUSH_DIRECTIONS)})."
            )
    explanation = entry.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip():
        raise CatalogError(f"{where}: explanation is required (one plain sentence).")
    return Tension(
        a=entry["a"],
        b=entry["b"],
        a_direction=pattern["a"],
        b_direction=pattern["b"],
        explanation=explanation.strip(),
        source=origin,
    )


def _section(document: Any, name: str, origin: str) -> list[Any]:
    if not isinstance(document, Mapping):
        raise CatalogError(f"{origin} catalog must be an object with 'metrics' and 'tensions'.")
    value = document.get(name, [])
    if not isinstance(value, list):
        raise CatalogError(f"{origin} catalog: '{name}' must be a list.")
    return value


def _with_plural(words: tuple[str, ...]) -> Iterable[tuple[str, ...]]:
    yield words
    last = words[-1]
    if last[-1:].isalpha() and not last.endswith("s"):
        yield (*words[:-1], last + "s")


def catalog_build(documents: Sequence[tuple[str, Any]]) -> Catalog:
    """Validate and index catalog documents given as (origin, parsed JSON) pairs, in order."""
    metrics: dict[str, Metric] = {}
    phrases: dict[tuple[str, ...], _Phrase] = {}
    abbreviations: dict[tuple[str, ...], _Phrase] = {}
    owner_of_phrase: dict[tuple[str, ...], str] = {}
    plural_of: dict[tuple[str, ...], str] = {}
    version = FORMAT_VERSION
    for origin, document in documents:
        declared = document.get("format_version") if isinstance(document, Mapping) else None
        if declared is not None and declared != FORMAT_VERSION:
            raise CatalogError(
                f"{origin} catalog: format_version {declared!r} is not supported "
                f"(this Accord reads version {FORMAT_VERSION})."
            )
        for index, entry in enumerate(_section(document, "metrics", origin)):
            metric = _metric_parse(entry, index, origin)
            where = _where("metric", index, entry, origin)
            if metric.key in metrics:
                raise CatalogError(
                    f"{where}: duplicate key {metric.key!r} "
                    f"(already defined by the {metrics[metric.key].source} catalog)."
                )
            metrics[metric.key] = metric
            named: list[tuple[str, bool, bool]] = [(metric.name, False, False)]
            named += [(s, False, False) for s in metric.synonyms]
            named += [(s, True, False) for s in metric.inverse_synonyms]
            named += [(s, False, True) for s in metric.abbreviations]
            for phrase, inverse, exact in named:
                words = _tokens(phrase)
                if not words:
                    raise CatalogError(f"{where}: {phrase!r} has no letters or digits to match.")
                if len(words) > MAX_PHRASE_TOKENS:
                    raise CatalogError(
                        f"{where}: {phrase!r} is longer than {MAX_PHRASE_TOKENS} words."
                    )
                index_for = abbreviations if exact else phrases
                variants = [words] if exact else list(_with_plural(tuple(w.lower() for w in words)))
                for number, variant in enumerate(variants):
                    slot = ("=" if exact else "~", *variant)
                    claimed = owner_of_phrase.get(slot)
                    if number > 0:
                        # A generated plural never displaces a phrase someone wrote down.
                        if slot not in owner_of_phrase and slot not in plural_of:
                            plural_of[slot] = metric.key
                            index_for[variant] = _Phrase(key=metric.key, inverse=inverse)
                        continue
                    if claimed is not None and claimed != metric.key:
                        raise CatalogError(
                            f"{where}: {phrase!r} already names metric {claimed!r}; "
                            "a phrase may name only one metric."
                        )
                    owner_of_phrase[slot] = metric.key
                    index_for[variant] = _Phrase(key=metric.key, inverse=inverse)
    tensions: list[Tension] = []
    seen_pairs: set[tuple[str, str, str, str]] = set()
    for origin, document in documents:
        for index, entry in enumerate(_section(document, "tensions", origin)):
            tension = _tension_parse(entry, index, origin, metrics)
            signature = (tension.a, tension.b, tension.a_direction, tension.b_direction)
            if signature in seen_pairs:
                raise CatalogError(
                    f"{_where('tension', index, entry, origin)}: duplicate tension "
                    "(same metrics and pattern)."
                )
            seen_pairs.add(signature)
            tensions.append(tension)
    by_metric: dict[str, list[Tension]] = {}
    for tension in tensions:
        by_metric.setdefault(tension.a, []).append(tension)
        by_metric.setdefault(tension.b, []).append(tension)
    return Catalog(
        format_version=version,
        metrics=tuple(metrics.values()),
        tensions=tuple(tensions),
        _by_key=metrics,
        _phrases=phrases,
        _abbreviations=abbreviations,
        _tensions_by_metric={key: tuple(items) for key, items in by_metric.items()},
        _starts=frozenset(words[0] for words in (*phrases, *abbreviations)),
    )


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CatalogError(f"Cannot read catalog {path}: {error.strerror}.") from None
    except json.JSONDecodeError as error:
        raise CatalogError(
            f"Catalog {path} is not valid JSON (line {error.lineno}: {error.msg})."
        ) from None


@lru_cache(maxsize=1)
def _shipped_document() -> Any:
    text = (
        resources.files("accord.metrics.data")
        .joinpath("metric_catalog.json")
        .read_text(encoding="utf-8")
    )
    return json.loads(text)


@lru_cache(maxsize=1)
def _shipped_catalog() -> Catalog:
    return catalog_build([("shipped", _shipped_document())])


def catalog_load(
    path: str | Path | None = None,
    extra: Mapping[str, Any] | Sequence[Mapping[str, Any]] | None = None,
) -> Catalog:
    """The shipped catalog (or the one at ``path``), extended by workspace documents.

    ``extra`` is one document or a list of documents shaped like the shipped file
    (``{"metrics": [...], "tensions": [...]}``). Raises CatalogError naming the entry and rule.
    """
    if path is None and not extra:
        return _shipped_catalog()
    base = ("shipped", _shipped_document()) if path is None else (str(path), _read(Path(path)))
    extras: list[Mapping[str, Any]]
    if extra is None:
        extras = []
    elif isinstance(extra, Mapping):
        extras = [extra]
    else:
        extras = list(extra)
    documents = [base]
    for number, document in enumerate(extras, start=1):
        origin = "workspace" if len(extras) == 1 else f"workspace #{number}"
        documents.append((origin, document))
    return catalog_build(documents)
