"""SMART goal assessment: date grammar, number grammar and each criterion's rules."""

from datetime import date

import pytest

from accord.metrics.smart import (
    Criterion,
    Extracted,
    GoalContext,
    assessment_json,
    goal_extract,
    smart_assess,
    smart_assess_many,
)
from accord.metrics.smart_dates import date_findings

TODAY = date(2026, 6, 15)  # a Monday in Q2


def deadline(text: str, today: date = TODAY, **kwargs: int) -> date | None:
    return goal_extract(f"Launch the partner portal {text}", today=today, **kwargs).deadline


# --- Time-bound: the date grammar -------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("by 2027-03-31", date(2027, 3, 31)),
        ("by March 31, 2027", date(2027, 3, 31)),
        ("by 31 March 2027", date(2027, 3, 31)),
        ("by the 31st of March 2027", date(2027, 3, 31)),
        ("by Mar 31", date(2027, 3, 31)),
        ("by Aug 1", date(2026, 8, 1)),
        ("by 31/03/2027", date(2027, 3, 31)),
        ("by 03/31/2027", date(2027, 3, 31)),
        ("by 31.12.2026", date(2026, 12, 31)),
        ("by June", date(2026, 6, 30)),
        ("by May", date(2027, 5, 31)),
        ("by end of June 2027", date(2027, 6, 30)),
        ("by Dec '26", date(2026, 12, 31)),
        ("by next March", date(2027, 3, 31)),
        ("by Q3", date(2026, 9, 30)),
        ("by Q1", date(2027, 3, 31)),
        ("in Q2 2027", date(2027, 6, 30)),
        ("by Q4'26", date(2026, 12, 31)),
        ("by the end of Q1", date(2027, 3, 31)),
        ("by EOQ3", date(2026, 9, 30)),
        ("by Q3 next year", date(2027, 9, 30)),
        ("in the third quarter of 2027", date(2027, 9, 30)),
        ("next quarter", date(2026, 9, 30)),
        ("this quarter", date(2026, 6, 30)),
        ("in H1 2027", date(2027, 6, 30)),
        ("in H2", date(2026, 12, 31)),
        ("in the first half of 2027", date(2027, 6, 30)),
        ("by FY2027", date(2027, 12, 31)),
        ("by FY27", date(2027, 12, 31)),
        ("in Q2 FY2027", date(2027, 6, 30)),
        ("by EOY", date(2026, 12, 31)),
        ("by EOM", date(2026, 6, 30)),
        ("by EOQ", date(2026, 6, 30)),
        ("by the end of the month", date(2026, 6, 30)),
        ("by end of quarter", date(2026, 6, 30)),
        ("by the end of the year", date(2026, 12, 31)),
        ("by year-end", date(2026, 12, 31)),
        ("by year end", date(2026, 12, 31)),
        ("within 90 days", date(2026, 9, 13)),
        ("in 6 weeks", date(2026, 7, 27)),
        ("in six weeks", date(2026, 7, 27)),
        ("within a month", date(2026, 7, 15)),
        ("over the next 12 months", date(2027, 6, 15)),
        ("in the next two quarters", date(2026, 12, 31)),
        ("within 10 business days", date(2026, 6, 29)),
        ("next week", date(2026, 6, 28)),
        ("next month", date(2026, 7, 31)),
        ("next year", date(2027, 12, 31)),
        ("tomorrow", date(2026, 6, 16)),
        ("this year", date(2026, 12, 31)),
        ("by Friday", date(2026, 6, 19)),
        ("by next Friday", date(2026, 6, 26)),
        ("by 2030", date(2030, 12, 31)),
        ("in 2027", date(2027, 12, 31)),
    ],
)
def test_deadline_grammar(phrase, expected):
    """Each supported deadline phrase resolves against the injected today."""
    assert deadline(phrase) == expected


def test_year_rollover_uses_next_occurrence():
    """A month or quarter without a year that already ended means next year's."""
    late = date(2026, 11, 20)
    assert deadline("by June", today=late) == date(2027, 6, 30)
    assert deadline("by Q3", today=late) == date(2027, 9, 30)
    assert deadline("next quarter", today=late) == date(2027, 3, 31)
    assert deadline("next month", today=date(2026, 12, 5)) == date(2027, 1, 31)
    assert deadline("by H1", today=late) == date(2027, 6, 30)


def test_today_is_injected_not_read_from_the_clock():
    """The same text gives different deadlines for different todays."""
    assert deadline("within 30 days", today=date(2020, 1, 1)) == date(2020, 1, 31)
    assert deadline("within 30 days", today=date(2031, 1, 1)) == date(2031, 1, 31)


def test_ambiguous_numeric_date_is_month_first_unless_day_first():
    """03/04/2027 is March 4 by default; a day above 12 disambiguates either way."""
    assert date_findings("by 03/04/2027", today=TODAY).deadline == date(2027, 3, 4)
    assert date_findings("by 03/04/2027", today=TODAY, day_first=True).deadline == date(2027, 4, 3)
    assert date_findings("by 13/04/2027", today=TODAY).deadline == date(2027, 4, 13)


def test_fiscal_year_start_month_shifts_fiscal_periods():
    """With a July fiscal year, FY2027 ends 2027-06-30 and its Q1 ends 2026-09-30."""
    assert deadline("by FY2027", fiscal_year_start_month=7) == date(2027, 6, 30)
    assert deadline("in Q1 FY2027", fiscal_year_start_month=7) == date(2026, 9, 30)
    assert deadline("by FY2027") == date(2027, 12, 31)


def test_service_level_span_is_not_the_deadline():
    """'within 24 hours' measures each ticket; the goal's deadline is Q3."""
    goal = "Answer 95% of emails within 24 hours by Q3 2026."
    assert goal_extract(goal, today=TODAY).deadline == date(2026, 9, 30)
    assert goal_extract("Kickoff within 5 days of signing", today=TODAY).deadline is None


def test_date_in_purpose_clause_is_not_the_deadline():
    """'this quarter' is the deadline; 'the Q3 target' belongs to the purpose."""
    goal = "Add $3M in qualified pipeline this quarter to cover the Q3 bookings target."
    assert goal_extract(goal, today=TODAY).deadline == date(2026, 6, 30)


@pytest.mark.parametrize(
    "word", ["soon", "ASAP", "going forward", "regularly", "at some point", "eventually",
             "in the future", "on an ongoing basis"],
)  # fmt: skip
def test_vague_time_words_are_not_deadlines(word):
    """Vague time words fail time-bound and the evidence names the word."""
    result = smart_assess(f"Reduce churn to 2% {word}", today=TODAY).criteria["time_bound"]
    assert result.passed is False
    assert any(word.lower() in line for line in result.evidence)
    assert result.suggestion == "Replace '" + word.lower() + "' with a date, e.g. 'by 2026-09-30'."


def test_start_plus_cadence_is_time_bound():
    """A start date and a cadence satisfy time-bound (METRICS.md §6)."""
    result = smart_assess(
        "Publish a monthly partner newsletter starting July 2026.", today=TODAY
    ).criteria["time_bound"]
    assert result.passed is True
    cadence_only = smart_assess("Publish a partner newsletter every month.", today=TODAY)
    assert cadence_only.criteria["time_bound"].passed is False
    assert cadence_only.criteria["time_bound"].score == 0.5


def test_missing_deadline_suggests_a_quarter_end_about_90_days_out():
    """The suggested date is the quarter end on or after today + 90 days."""
    result = smart_assess("Cut churn from 4% to 3%", today=date(2026, 8, 10))
    assert result.criteria["time_bound"].suggestion == "Add a deadline such as 'by 2026-12-31'."


def test_identifiers_are_not_dates_or_numbers():
    """ISO 27001, Windows 11, p95 and v3.0 are names, not quantities or years."""
    extracted = goal_extract("Obtain ISO 27001 certification by end of H1 2027", today=TODAY)
    assert extracted.deadline == date(2027, 6, 30)
    assert extracted.target is None
    assert goal_extract("Keep p95 latency below 300 ms", today=TODAY).target == 300


# --- Measurable: the number grammar ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "baseline", "target", "unit", "direction"),
    [
        ("Grow ARR from $8M to $12M by FY2027", 8e6, 12e6, "USD", "increase"),
        ("Cut AWS spend from $180k to $140k per month", 180e3, 140e3, "USD", "decrease"),
        ("Grow EMEA bookings to EUR 4.5M", None, 4.5e6, "EUR", "increase"),
        ("Increase partner revenue from £1.2m to £2m", 1.2e6, 2e6, "GBP", "increase"),
        ("Grow APAC bookings to ¥300M", None, 300e6, "JPY", "increase"),
        ("Increase deal size from 25k USD to 32k USD", 25e3, 32e3, "USD", "increase"),
        ("Reduce DSO from 52 to 45 days", 52, 45, "days", "decrease"),
        ("Raise NPS from 30 to 40", 30, 40, "NPS", "increase"),
        ("Churn 4% -> 2.5% by end of FY27", 4, 2.5, "%", "decrease"),
        ("Onboarding completion rate: 55% → 70%", 55, 70, "%", "increase"),
        ("Reach 1,000 paying customers", None, 1000, "count", "increase"),
        ("First response time under 30 minutes", None, 30, "minutes", "decrease"),
        ("Maintain uptime at or above 99.95%", None, 99.95, "%", "maintain"),
        ("Keep CAC between $400 and $600", None, None, "USD", "range"),
    ],
)
def test_number_and_unit_grammar(text, baseline, target, unit, direction):
    """Baseline, target, unit (with k/M scales and currencies) and direction are extracted."""
    extracted = goal_extract(text, today=TODAY)
    assert extracted.baseline == baseline
    assert extracted.target == target
    assert extracted.unit == unit
    assert extracted.direction == direction


@pytest.mark.parametrize(
    ("text", "relative", "direction"),
    [
        ("Increase online revenue by 15% by EOY", 0.15, "increase"),
        ("Reduce cost per lead by 20%", -0.2, "decrease"),
        ("Double qualified pipeline by Q4", 1.0, "increase"),
        ("Triple active integrations", 2.0, "increase"),
        ("Cut procurement cycle time in half", -0.5, "decrease"),
        ("Halve the defect escape rate", -0.5, "decrease"),
        ("Grow signups 3x in 2027", 2.0, "increase"),
        ("Decrease complaints by a third", -1 / 3, "decrease"),
        ("Negotiate a 7% price reduction with suppliers", -0.07, "decrease"),
    ],
)
def test_relative_changes(text, relative, direction):
    """'by 15%', 'double', 'in half', '3x' become a relative change with a direction."""
    extracted = goal_extract(text, today=TODAY)
    assert extracted.relative_change == pytest.approx(relative)
    assert extracted.direction == direction


def test_double_with_baseline_sets_the_target():
    """'double from 40' has target 80; without a baseline the target stays unknown."""
    assert goal_extract("Double signups from 40 per week", today=TODAY).target == 80
    assert goal_extract("Double signups", today=TODAY).target is None


def test_percentage_points_are_not_percent():
    """'by 3 pp' is a percentage-point change, with unit pp and no relative change."""
    extracted = goal_extract("Increase market share by 3 pp by year-end", today=TODAY)
    assert extracted.unit == "pp"
    assert extracted.relative_change is None
    assert goal_extract("Raise margin from 30% by 4 percentage points", today=TODAY).target == 34


def test_deliverable_counts_as_measurable():
    """A verifiable deliverable passes measurable without a number."""
    result = smart_assess("Decommission the legacy CRM by 2026-08-31.", today=TODAY)
    assert result.criteria["measurable"].passed is True
    assert result.extracted.deliverable == "Decommission the legacy CRM"
    hire = goal_extract("Hire 12 senior engineers by end of Q4", today=TODAY)
    assert (hire.target, hire.unit, hire.deliverable) == (12, "count", "Hire 12 senior engineers")


def test_vague_object_is_not_a_deliverable():
    """'Create more content' names no checkable outcome."""
    result = smart_assess("Create more content.", today=TODAY)
    assert result.criteria["measurable"].passed is False
    assert result.criteria["specific"].passed is False


# --- Specific -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["Improve things across the board.", "Leverage synergies with our partners.",
     "Drive excellence in everything we do.", "Be more sustainable.", "Delight users.",
     "Align better with the product team.", "Foster a culture of collaboration."],
)  # fmt: skip
def test_vague_verbs_alone_are_not_specific(text):
    """A vague verb with no concrete object fails specific with a suggestion."""
    result = smart_assess(text, today=TODAY).criteria["specific"]
    assert result.passed is False
    assert result.suggestion is not None


def test_named_metric_is_specific():
    """Naming the metric passes specific and the evidence names it."""
    result = smart_assess("Reduce voluntary attrition in engineering", today=TODAY)
    assert result.criteria["specific"].passed is True
    assert "attrition" in result.criteria["specific"].evidence[0]


# --- Achievable -----------------------------------------------------------------------------


def achievable(text: str, context: GoalContext | None = None) -> Criterion:
    return smart_assess(text, today=TODAY, context=context).criteria["achievable"]


def test_past_deadline_is_not_achievable():
    """A deadline before today fails, with a future date suggested."""
    result = achievable("Launch the partner portal by 2025-11-30.")
    assert result.passed is False
    assert "already past" in result.evidence[0]
    assert "2026-09-30" in (result.suggestion or "")


@pytest.mark.parametrize(
    "text",
    ["Increase gross margin to 120% by Q4 2026", "Raise market share from 8% to 130% by 2027",
     "Reduce support backlog by 150% by next month", "Increase test coverage to 110% by Q3",
     "Increase market share by 105 pp by year-end",
     "Reduce return rate from 30% by 40 percentage points by EOY"],
)  # fmt: skip
def test_impossible_values_are_flagged(text):
    """Shares above 100 %, cuts over 100 % and pp changes leaving 0–100 % fail."""
    assert achievable(text).passed is False


def test_values_above_100_percent_are_fine_when_unbounded():
    """Net revenue retention and growth rates can exceed 100 %."""
    assert achievable("Expand net revenue retention to 115% by end of 2027").passed is True
    assert achievable("Increase revenue by 150% by 2029").passed is True


@pytest.mark.parametrize(
    "text",
    ["Achieve 100% customer satisfaction by Q4 2026.", "Zero defects ever.",
     "Keep churn at zero for every customer, always.", "Never miss an SLA again."],
)  # fmt: skip
def test_absolutes_without_a_plan_are_flagged(text):
    """Perfection targets fail unless a plan is stated."""
    assert achievable(text).passed is False


def test_absolute_with_a_plan_passes():
    """A zero target backed by a stated plan is not contradicted."""
    text = "Reach zero critical incidents by year-end through weekly patch windows."
    result = achievable(text)
    assert result.passed is True
    assert any("plan" in line for line in result.evidence)


def test_full_scope_of_a_deliverable_is_not_an_absolute():
    """'Migrate 100% of services' is a scope, not a perfection target."""
    assert achievable("Migrate 100% of services to Kubernetes by Q2 2027.").passed is True


@pytest.mark.parametrize(
    "text",
    ["Grow weekly active users from 2,000 to 200,000 in 3 weeks",
     "Double qualified pipeline by next week.", "Increase revenue 10x by next month.",
     "Reduce MTTR from 4 hours to 1 minute by next week.", "Hire 500 engineers by tomorrow."],
)  # fmt: skip
def test_extreme_rates_are_flagged(text):
    """Many-fold jumps within weeks fail with the implied pace as evidence."""
    assert achievable(text).passed is False


def test_reasonable_rates_pass():
    """Doubling over six months or halving over nine is not flagged."""
    assert achievable("Double qualified pipeline by Q4 2026.").passed is True
    assert achievable("Halve the defect escape rate by end of Q1 2027.").passed is True
    assert achievable("Reduce ticket backlog from 1,200 to 400 by end of month.").passed is True


def test_required_pace_far_above_history_is_flagged():
    """Needing 10 points a month when the best month so far was 1 point fails."""
    history = tuple((date(2026, month, 1), 40.0 + month) for month in range(1, 7))
    context = GoalContext(history=history)
    slow = achievable("Raise NPS to 47 by 2026-12-31", context)
    assert slow.passed is True
    fast = achievable("Raise NPS to 90 by 2026-10-31", context)
    assert fast.passed is False
    assert "best pace" in fast.evidence[0]


def test_flat_history_flags_a_required_move():
    """A metric that never moved toward the target gives no evidence of pace."""
    history = tuple((date(2026, month, 1), 50.0) for month in range(1, 7))
    result = achievable("Raise NPS to 60 by 2026-12-31", GoalContext(history=history))
    assert result.passed is False


def test_owner_load_above_cap_is_flagged():
    """An owner with more active goals than the cap makes the goal unachievable."""
    text = "Launch the partner portal by 2026-11-30."
    assert achievable(text, GoalContext(owner_active_goals=8)).passed is False
    assert achievable(text, GoalContext(owner_active_goals=7)).passed is True
    assert achievable(text, GoalContext(owner_active_goals=3, owner_load_cap=2)).passed is False


# --- Relevant and owner ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "clause",
    ["so that partners can register deals", "to reduce churn", "in order to free cash",
     "because renewals drive growth", "which will lift signups", "as part of the retention plan",
     "to support the enterprise push", ", enabling faster onboarding"],
)  # fmt: skip
def test_purpose_clause_is_relevant(clause):
    """A stated purpose passes relevant in free text."""
    result = smart_assess(f"Launch the partner portal by Q3 {clause}", today=TODAY)
    assert result.criteria["relevant"].passed is True


def test_business_metric_without_purpose_is_half_relevant():
    """A clear business metric with no purpose scores 0.5 and fails with a suggestion."""
    result = smart_assess("Cut churn from 4% to 3% by Q4 2026", today=TODAY).criteria["relevant"]
    assert (result.passed, result.score) == (False, 0.5)
    assert result.suggestion is not None


def test_from_to_is_not_a_purpose():
    """'to 42%' and 'to the new provider' are not purpose clauses."""
    assert (
        smart_assess("Raise margin from 38% to 42%", today=TODAY).criteria["relevant"].passed
        is False
    )
    assert (
        smart_assess("Move payroll to the new provider", today=TODAY).criteria["relevant"].passed
        is False
    )


def test_in_app_relevance_follows_the_link():
    """With context.linked set, only a link makes a goal relevant, whatever the text says."""
    text = "Cut churn from 4% to 3% by Q4 2026 so that we keep recurring revenue"
    linked = smart_assess(text, today=TODAY, context=GoalContext(linked=True))
    unlinked = smart_assess(text, today=TODAY, context=GoalContext(linked=False))
    assert linked.criteria["relevant"].passed is True
    assert unlinked.criteria["relevant"].passed is False


def test_owner_is_assessed_only_when_counted():
    """'owner' appears only with owner_count and passes for exactly one owner."""
    text = "Launch the partner portal by 2026-11-30 so partners can self-serve."
    assert "owner" not in smart_assess(text, today=TODAY).criteria
    for count, passed in ((0, False), (1, True), (2, False)):
        result = smart_assess(text, today=TODAY, context=GoalContext(owner_count=count))
        assert result.criteria["owner"].passed is passed
    two = smart_assess(text, today=TODAY, context=GoalContext(owner_count=2))
    assert two.is_smart is False


def test_context_fields_fill_in_a_saved_goal():
    """Structured fields of a saved goal count as metric, target and due date."""
    context = GoalContext(
        metric="Partner-sourced revenue", unit="USD", baseline=1e6, target=1.4e6,
        due=date(2026, 12, 31), linked=True, owner_count=1,
    )  # fmt: skip
    result = smart_assess("", today=TODAY, context=context)
    assert result.is_smart is True
    assert result.extracted.deadline == date(2026, 12, 31)
    assert result.extracted.metric == "Partner-sourced revenue"


# --- Whole assessment, batch and JSON -------------------------------------------------------


def test_smart_goal_passes_everything():
    """A goal with metric, numbers, deadline and purpose is SMART."""
    result = smart_assess(
        "Increase gross margin from 38% to 42% by 2026-12-31 so that we can fund the "
        "partner enablement program.",
        today=TODAY,
    )
    assert result.is_smart is True
    assert result.extracted == Extracted(
        metric="gross margin", baseline=38, target=42, unit="%", direction="increase",
        deadline=date(2026, 12, 31), relative_change=None, deliverable=None,
    )  # fmt: skip


def test_batch_keeps_ids_and_order():
    """smart_assess_many yields (id, assessment) in input order."""
    items = [("a", "Improve things"), ("b", "Launch the portal by Q3"), ("c", "")]
    results = list(smart_assess_many(items, today=TODAY))
    assert [item_id for item_id, _ in results] == ["a", "b", "c"]
    assert results[1][1].criteria["time_bound"].passed is True


def test_assessment_json_shape():
    """assessment_json returns exactly the documented keys and JSON types."""
    result = smart_assess("Cut churn from 4% to 3% by Q4 2026", today=TODAY)
    payload = assessment_json(result, id=7)
    assert set(payload) == {"id", "text", "criteria", "extracted", "is_smart"}
    assert payload["id"] == 7
    assert set(payload["criteria"]) == {
        "specific", "measurable", "achievable", "relevant", "time_bound"
    }  # fmt: skip
    for criterion in payload["criteria"].values():
        assert set(criterion) == {"pass", "score", "evidence", "suggestion"}
        assert isinstance(criterion["evidence"], list)
    assert payload["extracted"] == {
        "metric": "churn", "baseline": 4.0, "target": 3.0, "unit": "%",
        "direction": "decrease", "deadline": "2026-12-31",
    }  # fmt: skip


def test_empty_text_fails_cleanly():
    """An empty goal fails every text criterion except achievable, without errors."""
    result = smart_assess("", today=TODAY)
    assert [c.passed for c in result.criteria.values()] == [False, False, True, False, False]
