"""Comparing function profiles: each check fires on the difference it describes and stays
quiet when the functions work alike."""

import pytest

from accord.metrics.profile_compare import (
    BusyWindow,
    PriorityFacts,
    ProfileFacts,
    TensionFacts,
    profiles_compare,
)

SALES = ProfileFacts(
    id="sales",
    name="Sales",
    planning_cycle="monthly",
    preferred_channels=("chat",),
    response_time_hours=4,
    busy_windows=(BusyWindow("Quarter-end crunch", (3, 6, 9, 12), 15, 31),),
    priorities=(PriorityFacts("Hit the quarter's bookings", ("new_bookings",)),),
    owned_kpis=("discount_rate", "win_rate"),
)
FINANCE = ProfileFacts(
    id="finance",
    name="Finance",
    planning_cycle="quarterly",
    preferred_channels=("email_list", "shared_doc"),
    response_time_hours=48,
    busy_windows=(
        BusyWindow("Month-end close", (), 1, 6),
        BusyWindow("Annual planning", (10, 11)),
    ),
    approval_steps=("Controller review", "CFO sign-off over $50k"),
    priorities=(PriorityFacts("Protect gross margin", ("gross_margin",)),),
    owned_kpis=("gross_margin", "days_sales_outstanding"),
)
OPERATIONS = ProfileFacts(
    id="operations",
    name="Operations",
    planning_cycle="monthly",
    preferred_channels=("chat", "email_list"),
    response_time_hours=24,
    busy_windows=(BusyWindow("Holiday peak", (11, 12)),),
    priorities=(PriorityFacts("Ship on time", ("otif",)),),
    owned_kpis=("otif",),
)
TENSIONS = (
    TensionFacts("discount_rate", "gross_margin", "Deeper discounts cut gross margin."),
    TensionFacts("inventory_level", "fill_rate", "Less stock means more stock-outs."),
)
LABELS = {"chat": "Chat", "email_list": "Email", "shared_doc": "Shared document"}


def kinds(comparison):
    return [(d.kind, d.severity) for d in comparison.differences]


def test_sales_and_finance_differ_in_everything_that_matters():
    comparison = profiles_compare([SALES, FINANCE], tensions=TENSIONS, channel_labels=LABELS)
    found = kinds(comparison)
    assert ("priorities", "high") in found
    assert ("channels", "high") in found
    assert ("response", "high") in found  # 48 h vs 4 h is 12×
    assert ("planning", "medium") in found  # quarterly vs monthly is 3×
    assert ("approvals", "info") in found
    assert comparison.differs("planning")
    assert not comparison.differs("busy")  # quarter-end days 15–31 vs close days 1–6
    assert comparison.differences[0].severity == "high"


def test_the_tension_names_both_metrics_and_who_pushes_which():
    comparison = profiles_compare([SALES, FINANCE], tensions=TENSIONS)
    (tension,) = [d for d in comparison.differences if d.title.startswith("Priorities pull")]
    assert "Sales pushes discount_rate; Finance answers for gross_margin" in tension.explanation
    assert "Deeper discounts cut gross margin." in tension.explanation
    assert tension.functions == ("sales", "finance")


def test_overlapping_busy_windows_are_reported_with_the_shared_months():
    comparison = profiles_compare([FINANCE, OPERATIONS])
    (busy,) = [d for d in comparison.differences if d.kind == "busy"]
    assert busy.explanation == (
        "Finance’s “Month-end close” and Operations’ “Holiday peak” overlap (Nov, Dec, "
        "days 1–6); Finance’s “Annual planning” and Operations’ “Holiday peak” overlap (Nov)."
    )


def test_a_shared_channel_is_not_a_difference_but_a_six_fold_response_gap_is():
    comparison = profiles_compare([SALES, OPERATIONS], channel_labels=LABELS)
    assert not comparison.differs("channels")
    assert comparison.shared_channels == ("chat",)
    (gap,) = [d for d in comparison.differences if d.kind == "response"]
    assert gap.severity == "high"
    assert gap.explanation.startswith("Sales expects to answer within 4 h; Operations within 24 h")


def test_response_gap_just_over_two_is_medium():
    one = ProfileFacts(id="a", name="A", response_time_hours=10)
    two = ProfileFacts(id="b", name="B", response_time_hours=21)
    (gap,) = profiles_compare([one, two]).differences
    assert (gap.kind, gap.severity) == ("response", "medium")
    two_exactly = ProfileFacts(id="b", name="B", response_time_hours=20)
    assert profiles_compare([one, two_exactly]).differences == ()


def test_same_planning_cycle_is_not_a_difference_and_unknown_is_ignored():
    one = ProfileFacts(id="a", name="A", planning_cycle="sprints")
    two = ProfileFacts(id="b", name="B", planning_cycle="sprints")
    three = ProfileFacts(id="c", name="C", planning_cycle="")
    assert profiles_compare([one, two, three]).differences == ()


def test_sprints_against_quarterly_planning_is_high():
    one = ProfileFacts(id="a", name="Engineering", planning_cycle="sprints")
    two = ProfileFacts(id="b", name="Finance", planning_cycle="quarterly")
    (planning,) = profiles_compare([one, two]).differences
    assert planning.severity == "high"
    assert "Bring requests for Finance to its planning window" in planning.suggestion


def test_a_plan_without_any_preferred_channel_of_a_function_is_reported():
    comparison = profiles_compare([SALES, OPERATIONS], plan_channel_kinds=["dashboard"])
    titles = [d.title for d in comparison.differences]
    assert "The plan uses none of Sales’ preferred channels" in titles
    quiet = profiles_compare([SALES, OPERATIONS], plan_channel_kinds=["chat"])
    assert not quiet.differs("channels")


def test_priorities_with_no_metric_in_common_are_reported_and_shared_ones_are_common_ground():
    one = ProfileFacts(id="a", name="A", priorities=(PriorityFacts("Grow", ("revenue",)),))
    two = ProfileFacts(id="b", name="B", priorities=(PriorityFacts("Retain", ("nps",)),))
    (apart,) = profiles_compare([one, two]).differences
    assert apart.title == "No priority in common: A and B"
    three = ProfileFacts(id="c", name="C", owned_kpis=("revenue",), priorities=one.priorities)
    together = profiles_compare([one, three])
    assert together.shared_metrics == ("revenue",)
    assert "Common ground" in together.reasons[0]


def test_a_pair_already_pulling_apart_is_not_also_told_it_has_nothing_in_common():
    comparison = profiles_compare([SALES, FINANCE], tensions=TENSIONS)
    titles = [d.title for d in comparison.differences]
    assert "No priority in common: Sales and Finance" not in titles


def test_both_functions_pushing_both_metrics_is_no_tension_between_them():
    one = ProfileFacts(id="a", name="A", owned_kpis=("discount_rate", "gross_margin"))
    two = ProfileFacts(id="b", name="B", owned_kpis=("discount_rate", "gross_margin"))
    assert not profiles_compare([one, two], tensions=TENSIONS).differs("priorities")


def test_one_profile_is_not_a_comparison():
    with pytest.raises(ValueError, match="at least two"):
        profiles_compare([SALES])


def test_busy_window_rules():
    with pytest.raises(ValueError, match="months"):
        BusyWindow("x", (13,))
    with pytest.raises(ValueError, match="days"):
        BusyWindow("x", (), 20, 10)
    assert BusyWindow("Close", (), 1, 6).describe() == "Close (every month, days 1–6)"
