import copy
import json
from typing import Any

import pytest

from accord.metrics.catalog import (
    CATEGORIES,
    FUNCTIONS,
    CatalogError,
    _shipped_document,
    catalog_load,
)


def _metric(key: str, **fields: Any) -> dict[str, Any]:
    entry = {
        "key": key,
        "name": key.replace("_", " ").title(),
        "unit": "count",
        "good_direction": "increase",
        "category": "efficiency",
        "function": "operations",
    }
    entry.update(fields)
    return entry


# --- the shipped catalog --------------------------------------------------------------------


def test_shipped_catalog_is_large_enough_and_covers_every_function():
    """At least 80 metrics and 40 tensions; every function owns metrics and appears in a tension."""
    catalog = catalog_load()
    assert len(catalog.metrics) >= 80
    assert len(catalog.tensions) >= 40
    assert set(catalog.functions()) == set(FUNCTIONS)
    in_tensions = set()
    for tension in catalog.tensions:
        for key in (tension.a, tension.b):
            metric = catalog.metric_get(key)
            assert metric is not None
            in_tensions.add(metric.function)
    assert in_tensions == set(FUNCTIONS)
    assert {metric.category for metric in catalog.metrics} == set(CATEGORIES)


def test_shipped_catalog_declares_its_format_version():
    """The data file states the format version the loader reads."""
    assert _shipped_document()["format_version"] == 1
    assert catalog_load().format_version == 1


def test_shipped_catalog_is_cached():
    """Loading the shipped catalog twice returns the same object."""
    assert catalog_load() is catalog_load()


def test_every_tension_has_a_sentence_and_push_directions():
    """Each tension explains itself in one sentence and uses increase/decrease only."""
    for tension in catalog_load().tensions:
        assert tension.explanation.endswith(".")
        assert tension.a_direction in {"increase", "decrease"}
        assert tension.b_direction in {"increase", "decrease"}


def test_common_abbreviations_are_known():
    """The usual abbreviations resolve to their metrics."""
    catalog = catalog_load()
    expected = {
        "DSO": "days_sales_outstanding",
        "NPS": "nps",
        "CSAT": "csat",
        "ARR": "annual_recurring_revenue",
        "MRR": "monthly_recurring_revenue",
        "MQL": "marketing_qualified_leads",
        "SQL": "sales_qualified_leads",
        "AHT": "average_handle_time",
        "FCR": "first_contact_resolution",
        "CAC": "customer_acquisition_cost",
        "LTV": "customer_lifetime_value",
        "OTIF": "otif",
        "MTTR": "mean_time_to_restore",
        "eNPS": "enps",
    }
    for abbreviation, key in expected.items():
        metric = catalog.metric_match(f"Move {abbreviation} by Q3")
        assert metric is not None, abbreviation
        assert metric.key == key


def test_tensions_of_lists_both_sides():
    """A metric's tensions include those where it is the pushed and the harmed metric."""
    catalog = catalog_load()
    sides = {(t.a, t.b) for t in catalog.tensions_of("gross_margin")}
    assert ("discount_rate", "gross_margin") in sides
    assert catalog.tensions_of("no_such_metric") == ()


def test_metric_get_returns_none_for_unknown_keys():
    """An unknown key is None, a known one its metric."""
    catalog = catalog_load()
    metric = catalog.metric_get("days_sales_outstanding")
    assert metric is not None
    assert metric.unit == "days"
    assert metric.good_direction == "decrease"
    assert catalog.metric_get("nope") is None


# --- metric_match -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("Reduce days sales outstanding to 40", "days_sales_outstanding"),
        ("reduce dso", None),  # abbreviations are matched with their case
        ("Increase net revenue retention to 110%", "net_revenue_retention"),
        ("Grow revenue 20%", "revenue"),
        ("Cut time-to-hire to 30 days", "time_to_hire"),
        ("Raise average discounts to 15%", "discount_rate"),
        ("Improve MQL→SQL conversion", "mql_to_sql_conversion"),
        ("Keep LTV:CAC above 3", "ltv_to_cac"),
        ("Double SQLs from webinars", "sales_qualified_leads"),
        ("Migrate SQL Server to PostgreSQL", None),
        ("Speed up SQL queries", None),
        ("Improve supplier OTIF to 97%", "supplier_otif"),
        ("Improve OTIF to 97%", "otif"),
        ("Capacity utilisation at 90%", "capacity_utilization"),
        ("Staff utilisation at 80%", "employee_utilization"),
        ("Launch the partner portal", None),
        ("The sales lead owns this", None),
        ("Lower the DORA change failure rate", "change_failure_rate"),
    ],
)
def test_metric_match(text, key):
    """Names match case-insensitively on word boundaries; the longest phrase wins."""
    metric = catalog_load().metric_match(text)
    assert (metric.key if metric else None) == key


def test_metric_match_prefers_the_longest_phrase():
    """Of two metrics in one text, the one named by more words is chosen."""
    metric = catalog_load().metric_match("CSAT matters, but first contact resolution matters more")
    assert metric is not None
    assert metric.key == "first_contact_resolution"


def test_metric_find_reports_inverse_phrases():
    """A phrase naming a metric's opposite is found with inverse=True."""
    (mention,) = catalog_load().metric_find("Improve customer retention to 95%")
    assert mention.metric.key == "customer_churn_rate"
    assert mention.inverse is True
    assert mention.phrase == "customer retention"


def test_metric_find_does_not_match_inside_words():
    """ "Margin" does not match inside "margins-of-error" style compounds or other words."""
    catalog = catalog_load()
    assert catalog.metric_find("Marginalia and churned butter") == ()


# --- validation rules ---------------------------------------------------------------------------


def test_workspace_extension_adds_metrics_and_tensions():
    """A workspace document adds its metrics and tensions to the shipped ones."""
    extra = {
        "metrics": [_metric("demo_requests", synonyms=["demo requests"], function="marketing")],
        "tensions": [
            {
                "a": "demo_requests",
                "b": "win_rate",
                "pattern": {"a": "increase", "b": "decrease"},
                "explanation": "Pushing demo volume lowers the share that close.",
            }
        ],
    }
    catalog = catalog_load(extra=extra)
    metric = catalog.metric_match("Grow demo requests by 40%")
    assert metric is not None
    assert metric.source == "workspace"
    assert len(catalog.metrics) == len(catalog_load().metrics) + 1
    assert any(t.a == "demo_requests" for t in catalog.tensions_of("win_rate"))


def test_catalog_can_be_loaded_from_a_path(tmp_path):
    """A catalog file at a path replaces the shipped one."""
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"format_version": 1, "metrics": [_metric("widgets")]}))
    catalog = catalog_load(path)
    assert [m.key for m in catalog.metrics] == ["widgets"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"metrics": [_metric("revenue")]}, "duplicate key 'revenue'"),
        ({"metrics": [_metric("x_y", category="vibes")]}, "category 'vibes' is not one of"),
        ({"metrics": [_metric("x_y", unit="furlongs")]}, "unit 'furlongs' is not one of"),
        ({"metrics": [_metric("x_y", function="legal")]}, "function 'legal' is not one of"),
        ({"metrics": [_metric("x_y", good_direction="up")]}, "good_direction 'up' is not one of"),
        ({"metrics": [_metric("X-Y")]}, "key must be snake_case"),
        ({"metrics": [_metric("x_y", name="")]}, "'name' is required"),
        ({"metrics": [_metric("x_y", colour="red")]}, "unknown field(s) colour"),
        ({"metrics": [_metric("x_y", synonyms="churn")]}, "synonyms must be a list"),
        ({"metrics": [_metric("x_y", synonyms=["churn"])]}, "already names metric"),
        ({"metrics": ["revenue"]}, "each metric must be an object"),
        (
            {
                "tensions": [
                    {
                        "a": "revenue",
                        "b": "ghost",
                        "pattern": {"a": "increase", "b": "decrease"},
                        "explanation": "x.",
                    }
                ]
            },
            "'b' names unknown metric 'ghost'",
        ),
        (
            {
                "tensions": [
                    {
                        "a": "revenue",
                        "b": "gross_margin",
                        "pattern": {"a": "up", "b": "decrease"},
                        "explanation": "x.",
                    }
                ]
            },
            "pattern.a 'up' is not a direction",
        ),
        (
            {
                "tensions": [
                    {
                        "a": "revenue",
                        "b": "gross_margin",
                        "pattern": {"a": "increase"},
                        "explanation": "x.",
                    }
                ]
            },
            "pattern must be an object with exactly 'a' and 'b'",
        ),
        (
            {
                "tensions": [
                    {
                        "a": "revenue",
                        "b": "revenue",
                        "pattern": {"a": "increase", "b": "decrease"},
                        "explanation": "x.",
                    }
                ]
            },
            "two different metrics",
        ),
        (
            {
                "tensions": [
                    {
                        "a": "revenue",
                        "b": "gross_margin",
                        "pattern": {"a": "increase", "b": "decrease"},
                        "explanation": " ",
                    }
                ]
            },
            "explanation is required",
        ),
        (
            {
                "tensions": [
                    {
                        "a": "discount_rate",
                        "b": "gross_margin",
                        "pattern": {"a": "increase", "b": "decrease"},
                        "explanation": "Again.",
                    }
                ]
            },
            "duplicate tension",
        ),
        ({"format_version": 2}, "format_version 2 is not supported"),
        ({"metrics": {"key": "x"}}, "'metrics' must be a list"),
    ],
)
def test_bad_workspace_entries_are_rejected_with_the_rule(extra, message):
    """Each validation rule names the entry and the rule it breaks."""
    with pytest.raises(CatalogError) as caught:
        catalog_load(extra=extra)
    assert message in str(caught.value)
    assert "workspace" in str(caught.value)


def test_error_names_the_entry_position_and_key():
    """The message points at the entry by number and key."""
    extra = {"metrics": [_metric("fine_one"), _metric("bad_one", unit="parsecs")]}
    with pytest.raises(CatalogError, match=r"workspace metric #2 \(bad_one\)"):
        catalog_load(extra=extra)


def test_bad_json_file_is_reported(tmp_path):
    """A catalog path that is not JSON fails with the line number."""
    path = tmp_path / "catalog.json"
    path.write_text("{not json")
    with pytest.raises(CatalogError, match="not valid JSON"):
        catalog_load(path)


def test_shipped_document_is_not_modified_by_extensions():
    """Extending the catalog leaves the cached shipped document untouched."""
    before = copy.deepcopy(_shipped_document())
    catalog_load(extra={"metrics": [_metric("temp_metric")]})
    assert _shipped_document() == before
