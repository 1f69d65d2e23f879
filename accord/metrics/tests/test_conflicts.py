import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from accord.metrics.catalog import catalog_load
from accord.metrics.conflicts import (
    ConflictReport,
    GoalFacts,
    conflicts_find,
    conflicts_json,
    goal_read,
)

CORPUS = Path(__file__).parent / "data" / "conflict_corpus.json"
TODAY = date(2026, 1, 15)


def _find(*goals: GoalFacts, **options: Any) -> ConflictReport:
    options.setdefault("today", TODAY)
    options.setdefault("extract", False)
    return conflicts_find(goals, **options)


def _kinds(report: ConflictReport) -> list[tuple[str, str, str | None]]:
    return [(f.kind, f.a, f.b) for f in report.conflicts]


def _reading(text: str) -> tuple[str | None, str | None]:
    reading = goal_read(
        GoalFacts(id="g", function="sales", text=text),
        0,
        catalog=catalog_load(),
        today=TODAY,
        extract=None,
    )
    return (reading.metric.key if reading.metric else None), reading.direction


# --- reading goals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "metric", "direction"),
    [
        ("Reduce churn to 3% by Q4", "customer_churn_rate", "decrease"),
        ("Cut time to hire to 30 days", "time_to_hire", "decrease"),
        ("Grow revenue 20% in 2026", "revenue", "increase"),
        ("Keep gross margin above 40%", "gross_margin", "floor"),
        ("Keep churn below 2%", "customer_churn_rate", "ceiling"),
        ("Raise discounts to 15%", "discount_rate", "increase"),
        ("Customer payment terms from 30 to 45 days", "customer_payment_terms", "increase"),
        ("Inventory days from 60 to 45", "inventory_days", "decrease"),
        ("Freeze headcount through 2026", "headcount", "hold"),
        ("Improve customer retention to 95%", "customer_churn_rate", "decrease"),
        ("Improve DSO", "days_sales_outstanding", "decrease"),
        ("Improve win rate", "win_rate", "increase"),
        ("Reduce AHT by 20% while keeping CSAT above 90%", "average_handle_time", "decrease"),
        ("Grow revenue by cutting discounts", "revenue", "increase"),
        ("Churn down to 2% by December", "customer_churn_rate", "decrease"),
        ("Protect gross margin", "gross_margin", "floor"),
        ("Maintain DSO", "days_sales_outstanding", "ceiling"),
        ("Cap discounts at 10%", "discount_rate", "ceiling"),
        ("Speed up hiring", "headcount", None),
        ("Improve collaboration", None, None),
    ],
)
def test_goal_reading(text, metric, direction):
    """Metric and direction come from the text, judged against the metric's good direction."""
    assert _reading(text) == (metric, direction)


def test_stated_metric_and_direction_win_over_text():
    """Fields given on the goal are used as stated."""
    reading = goal_read(
        GoalFacts(
            id="g", function="sales", text="whatever", metric="win_rate", direction="increase"
        ),
        0,
        catalog=catalog_load(),
        today=TODAY,
        extract=None,
    )
    assert reading.metric is not None
    assert (reading.metric.key, reading.direction) == ("win_rate", "increase")


# --- opposite_direction ------------------------------------------------------------------------


def test_same_metric_opposite_directions_across_functions():
    """Sales raising the discount while Finance lowers it is flagged, with both named."""
    report = _find(
        GoalFacts(id="s1", function="Sales", text="Increase average discount to 15%"),
        GoalFacts(id="f1", function="Finance", text="Reduce average discount to 8%"),
    )
    assert _kinds(report) == [("opposite_direction", "s1", "f1")]
    finding = report.conflicts[0]
    assert "Sales goal s1" in finding.explanation
    assert "Finance goal f1" in finding.explanation
    assert "Open a conflict record for Sales and Finance" in finding.next_step


def test_same_direction_is_not_a_conflict():
    """Two functions pushing a metric the same way support each other."""
    report = _find(
        GoalFacts(id="a", function="sales", text="Reduce churn to 4%"),
        GoalFacts(id="b", function="support", text="Improve customer retention to 96%"),
    )
    assert report.conflicts == ()


def test_same_function_is_not_a_conflict():
    """Opposite goals inside one function are that function's own trade-off."""
    report = _find(
        GoalFacts(id="a", function="sales", text="Increase average discount for SMB"),
        GoalFacts(id="b", function="sales", text="Reduce average discount for enterprise"),
    )
    assert report.conflicts == ()


def test_same_function_in_different_partnerships_is_a_conflict():
    """One function pulling two ways in two partnerships is flagged."""
    report = _find(
        GoalFacts(id="a", function="sales", text="Raise discounts", partnership="p1"),
        GoalFacts(id="b", function="sales", text="Lower discounts", partnership="p2"),
    )
    assert _kinds(report) == [("opposite_direction", "a", "b")]


def test_increase_within_a_ceiling_is_compatible():
    """Raising a number to a level under another side's cap is not a conflict."""
    report = _find(
        GoalFacts(id="a", function="sales", text="Increase average discount to 8%"),
        GoalFacts(id="b", function="finance", text="Keep average discount below 10%"),
    )
    assert report.conflicts == ()


def test_increase_past_a_ceiling_conflicts():
    """Raising a number past another side's cap is flagged."""
    report = _find(
        GoalFacts(id="a", function="sales", text="Increase average discount to 12%"),
        GoalFacts(id="b", function="finance", text="Keep average discount below 10%"),
    )
    assert _kinds(report) == [("opposite_direction", "a", "b")]


def test_freeze_conflicts_with_growth():
    """A freeze conflicts with a plan to grow the same number."""
    report = _find(
        GoalFacts(id="f", function="finance", text="Freeze headcount for the rest of the year"),
        GoalFacts(id="s", function="sales", text="Hire 12 account executives by Q3"),
    )
    assert _kinds(report) == [("opposite_direction", "s", "f")]


# --- tension ----------------------------------------------------------------------------------


def test_catalog_tension_between_functions():
    """Deeper discounts against a margin goal are flagged with the catalog's reason."""
    report = _find(
        GoalFacts(id="s", function="sales", text="Raise discounts to 15%", due=date(2026, 6, 30)),
        GoalFacts(
            id="f", function="finance", text="Grow gross margin to 60%", due=date(2026, 3, 31)
        ),
    )
    assert _kinds(report) == [("tension", "s", "f")]
    finding = report.conflicts[0]
    assert "Sales goal s wants average discount up (to 15%)" in finding.explanation
    assert "Finance goal f wants gross margin up (to 60%)" in finding.explanation
    assert "gross margin falls" in finding.explanation
    assert "before 2026-03-31" in finding.next_step


def test_tension_in_the_harmless_direction_is_not_flagged():
    """Cutting discounts while raising margin pulls the same way."""
    report = _find(
        GoalFacts(id="s", function="sales", text="Reduce average discount to 10%"),
        GoalFacts(id="f", function="finance", text="Raise gross margin to 60%"),
    )
    assert report.conflicts == ()


def test_tension_is_found_whichever_goal_comes_first():
    """The order of goals does not decide whether a tension is found."""
    first = _find(
        GoalFacts(id="f", function="finance", text="Grow gross margin to 60%"),
        GoalFacts(id="s", function="sales", text="Raise discounts to 15%"),
    )
    assert _kinds(first) == [("tension", "s", "f")]


def test_tension_against_a_protected_metric():
    """Cutting inventory while another side keeps fill rate above a floor is flagged."""
    report = _find(
        GoalFacts(id="f", function="finance", text="Cut inventory by 25%"),
        GoalFacts(id="o", function="operations", text="Keep fill rate at or above 98%"),
    )
    assert _kinds(report) == [("tension", "f", "o")]


def test_tension_inside_one_function_is_not_flagged():
    """A function's own trade-off between two of its goals is not a cross-functional conflict."""
    report = _find(
        GoalFacts(id="a", function="support", text="Reduce AHT to 5 minutes"),
        GoalFacts(id="b", function="support", text="Raise FCR to 75%"),
    )
    assert report.conflicts == ()


def test_unrelated_goals_are_not_flagged():
    """Goals on unrelated metrics produce nothing."""
    report = _find(
        GoalFacts(id="a", function="marketing", text="Grow website traffic 50%", owner="Ann"),
        GoalFacts(id="b", function="finance", text="Shorten month-end close to 4 days", owner="Bo"),
    )
    assert report == ConflictReport(conflicts=(), warnings=())


def test_closed_goals_are_ignored():
    """A goal that is done no longer conflicts with anything."""
    report = _find(
        GoalFacts(id="s", function="sales", text="Raise discounts to 15%", status="done"),
        GoalFacts(id="f", function="finance", text="Grow gross margin to 60%"),
    )
    assert report.conflicts == ()


# --- owner_overload, shared_budget, timeline_inversion, no_owner -------------------------------


def test_owner_over_the_cap_gets_one_finding():
    """An owner with more active goals than the cap is reported once, listing the goals."""
    goals = [
        GoalFacts(id=f"g{n}", function="sales", text="Publish the deck", owner="Priya")
        for n in range(1, 5)
    ]
    assert _find(*goals, owner_cap=4).conflicts == ()
    report = _find(*goals, owner_cap=3)
    assert _kinds(report) == [("owner_overload", "g1", None)]
    assert "Priya is the accountable owner of 4 active goals (g1, g2, g3, g4)" in (
        report.conflicts[0].explanation
    )


def test_owner_names_are_compared_without_case():
    """ "Priya" and "priya " are the same owner."""
    goals = [
        GoalFacts(id="a", function="sales", owner="Priya"),
        GoalFacts(id="b", function="sales", owner="priya "),
    ]
    assert _kinds(_find(*goals, owner_cap=1)) == [("owner_overload", "a", None)]


def test_shared_budget_across_functions():
    """Two functions drawing on one named budget are flagged; one function alone is not."""
    report = _find(
        GoalFacts(id="m", function="marketing", budget="Growth fund", owner="A"),
        GoalFacts(id="m2", function="marketing", budget="growth fund", owner="A"),
        GoalFacts(id="s", function="sales", budget="Growth Fund", owner="B"),
    )
    assert _kinds(report) == [("shared_budget", "m", "s")]
    assert "3 goals draw on the same budget" in report.conflicts[0].explanation
    alone = _find(
        GoalFacts(id="m", function="marketing", budget="Growth fund", owner="A"),
        GoalFacts(id="m2", function="marketing", budget="Growth fund", owner="A"),
    )
    assert alone.conflicts == ()


def test_goal_due_before_its_dependency():
    """A goal due before the goal it depends on is a timeline inversion."""
    report = _find(
        GoalFacts(id="a", function="marketing", due=date(2026, 3, 1), depends_on=("b",), owner="A"),
        GoalFacts(id="b", function="product", due=date(2026, 6, 1), owner="B"),
    )
    assert _kinds(report) == [("timeline_inversion", "a", "b")]
    assert "due 2026-03-01" in report.conflicts[0].explanation
    fine = _find(
        GoalFacts(id="a", function="marketing", due=date(2026, 9, 1), depends_on=("b",), owner="A"),
        GoalFacts(id="b", function="product", due=date(2026, 6, 1), owner="B"),
    )
    assert fine.conflicts == ()


def test_unknown_dependency_is_a_warning():
    """A dependency outside the set is reported as a warning, not a conflict."""
    report = _find(GoalFacts(id="a", function="sales", depends_on=("zzz",), owner="A"))
    assert report.conflicts == ()
    assert any("depends on zzz" in w for w in report.warnings)


def test_goal_without_owner_is_a_warning():
    """No owner is a warning naming the goal and its function."""
    report = _find(GoalFacts(id="a", function="finance", text="Grow revenue 10%"))
    assert report.conflicts == ()
    assert report.warnings == ("Finance goal a has no owner: name exactly one accountable person.",)


def test_goal_without_a_known_metric_is_a_warning():
    """A goal whose metric cannot be read is named in the warnings."""
    report = _find(GoalFacts(id="a", function="sales", text="Foster synergies", owner="A"))
    assert any(w.startswith("Goal a: no catalog metric") for w in report.warnings)


def test_duplicate_ids_are_warned_and_ignored():
    """The second goal with an id already seen is skipped."""
    report = _find(
        GoalFacts(id="a", function="sales", text="Raise discounts", owner="A"),
        GoalFacts(id="a", function="finance", text="Lower discounts", owner="B"),
    )
    assert report.conflicts == ()
    assert any("appears more than once" in w for w in report.warnings)


def test_conflicts_json_shape():
    """The JSON answer lists a, b, kind, explanation (and next_step) and the warnings."""
    report = _find(
        GoalFacts(id="s1", function="sales", text="Increase average discount to 15%", owner="A"),
        GoalFacts(id="f1", function="finance", text="Reduce average discount to 8%", owner="B"),
    )
    data = conflicts_json(report)
    assert data["warnings"] == []
    (item,) = data["conflicts"]
    assert set(item) == {"a", "b", "kind", "explanation", "next_step"}
    assert (item["a"], item["b"], item["kind"]) == ("s1", "f1", "opposite_direction")
    json.dumps(data)


def test_a_text_extractor_can_supply_the_direction():
    """Where the verb lexicon finds no direction, the supplied extractor's direction is used."""

    class Extracted:
        direction = "increase"
        target = 9.0

    def extract(text: str, *, today: date) -> Extracted:
        return Extracted()

    goals = [
        GoalFacts(id="a", function="sales", text="Churn of 9% by Q4", owner="A"),
        GoalFacts(id="b", function="support", text="Reduce churn to 3%", owner="B"),
    ]
    assert conflicts_find(goals, today=TODAY, extract=False).conflicts == ()
    report = conflicts_find(goals, today=TODAY, extract=extract)
    assert _kinds(report) == [("opposite_direction", "a", "b")]


def test_a_failing_extractor_does_not_stop_the_analysis():
    """An exception in the text extractor falls back to the lexicon."""

    def extract(text: str, *, today: date | None) -> None:
        raise RuntimeError("boom")

    report = conflicts_find(
        [
            GoalFacts(id="s", function="sales", text="Raise discounts to 15%", owner="A"),
            GoalFacts(id="f", function="finance", text="Grow gross margin to 60%", owner="B"),
        ],
        today=TODAY,
        extract=extract,
    )
    assert _kinds(report) == [("tension", "s", "f")]


def test_ten_thousand_goals_do_not_pair_everything():
    """Many goals on unrelated metrics produce no findings (indexing, not pair loops)."""
    goals = [
        GoalFacts(
            id=f"g{n}", function=f"team{n % 7}", text="Grow website traffic 5%", owner=f"o{n}"
        )
        for n in range(3000)
    ]
    assert _find(*goals).conflicts == ()


# --- the labelled corpus ----------------------------------------------------------------------


def _corpus_goal(item: dict[str, Any]) -> GoalFacts:
    return GoalFacts(
        id=item["id"],
        function=item.get("function"),
        text=item.get("text", ""),
        metric=item.get("metric"),
        direction=item.get("direction"),
        target=item.get("target"),
        due=date.fromisoformat(item["due"]) if item.get("due") else None,
        owner=item.get("owner"),
        depends_on=tuple(item.get("depends_on", ())),
        partnership=item.get("partnership"),
        budget=item.get("budget"),
        status=item.get("status", "active"),
    )


def _corpus_scores(extract: Any) -> dict[str, dict[str, int]]:
    corpus = json.loads(CORPUS.read_text(encoding="utf-8"))
    today = date.fromisoformat(corpus["today"])
    scores: dict[str, dict[str, int]] = {}
    for case in corpus["cases"]:
        report = conflicts_find(
            [_corpus_goal(g) for g in case["goals"]],
            today=today,
            owner_cap=case.get("owner_cap", 5),
            extract=extract,
        )
        found = {(f.kind, frozenset((f.a, f.b))) for f in report.conflicts}
        expected = {(e["kind"], frozenset((e["a"], e["b"]))) for e in case["expected"]}
        for split in (case["split"], "all"):
            row = scores.setdefault(split, {"cases": 0, "tp": 0, "fp": 0, "fn": 0})
            row["cases"] += 1
            row["tp"] += len(found & expected)
            row["fp"] += len(found - expected)
            row["fn"] += len(expected - found)
    return scores


def _table(title: str, scores: dict[str, dict[str, int]]) -> dict[str, tuple[float, float]]:
    print(f"\n{title}")
    print(f"{'split':<8} {'cases':>5} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7}")
    result = {}
    for split in ("tune", "holdout", "all"):
        row = scores[split]
        found, expected = row["tp"] + row["fp"], row["tp"] + row["fn"]
        precision = row["tp"] / found if found else 1.0
        recall = row["tp"] / expected if expected else 1.0
        result[split] = (precision, recall)
        print(
            f"{split:<8} {row['cases']:>5} {row['tp']:>4} {row['fp']:>4} {row['fn']:>4} "
            f"{precision:>9.3f} {recall:>7.3f}"
        )
    return result


def test_corpus_has_enough_labelled_cases():
    """The corpus holds 100+ cases, about half conflicting, about 30% held out."""
    cases = json.loads(CORPUS.read_text(encoding="utf-8"))["cases"]
    assert len(cases) >= 100
    conflicting = sum(1 for case in cases if case["expected"])
    assert 0.4 <= conflicting / len(cases) <= 0.6
    held_out = sum(1 for case in cases if case["split"] == "holdout")
    assert 0.25 <= held_out / len(cases) <= 0.35
    kinds = {e["kind"] for case in cases for e in case["expected"]}
    assert kinds == {
        "opposite_direction",
        "tension",
        "owner_overload",
        "shared_budget",
        "timeline_inversion",
    }


@pytest.mark.parametrize("extract", [False, True], ids=["lexicon", "default-reader"])
def test_corpus_precision_and_recall(extract):
    """Precision and recall are at least 0.9 on both the tuning and the held-out cases."""
    result = _table(
        f"conflict corpus ({'default reader' if extract else 'verb lexicon'})",
        _corpus_scores(extract),
    )
    for split in ("tune", "holdout"):
        precision, recall = result[split]
        assert precision >= 0.9, split
        assert recall >= 0.9, split
