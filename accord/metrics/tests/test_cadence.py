"""Cadence compliance: due dates, windows with grace, matching events, the missed streak and
the next due date."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.metrics.cadence import (
    LATE,
    MET,
    MISSED,
    OPEN,
    CadenceRule,
    cadence_check,
    due_date,
)

FRIDAY = date(2026, 3, 6)
WEEKLY = CadenceRule(interval=1, unit="week", starts_on=FRIDAY, grace_days=2)


def test_weekly_due_dates_step_by_seven_days():
    assert [due_date(WEEKLY, k) for k in range(3)] == [
        FRIDAY,
        date(2026, 3, 13),
        date(2026, 3, 20),
    ]


def test_monthly_due_dates_keep_the_day_and_clamp_to_the_month_end():
    rule = CadenceRule(interval=1, unit="month", starts_on=date(2026, 1, 31))
    assert [due_date(rule, k) for k in range(4)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]
    quarterly = CadenceRule(interval=3, unit="month", starts_on=date(2026, 11, 15))
    assert due_date(quarterly, 1) == date(2027, 2, 15)
    assert due_date(quarterly, -1) == date(2026, 8, 15)


def test_every_due_date_met_is_full_compliance_and_advances_the_next_due_date():
    """An update every Thursday meets every Friday due date; the next due date is the coming
    Friday."""
    today = date(2026, 4, 1)  # a Wednesday
    events = [FRIDAY - timedelta(days=1) + timedelta(weeks=k) for k in range(4)]
    report = cadence_check(WEEKLY, events, today=today)
    assert report.compliance == 1.0
    assert report.missed_streak == 0
    assert report.overdue is False
    assert report.next_due == date(2026, 4, 3)


def test_an_update_posted_early_meets_the_coming_due_date():
    today = date(2026, 3, 11)  # the Wednesday before the second due date
    report = cadence_check(WEEKLY, [FRIDAY, today], today=today)
    assert [p.status for p in report.periods] == [MET, MET]
    assert report.next_due == date(2026, 3, 20)


def test_a_late_update_within_grace_still_meets_the_due_date():
    """Posted on Sunday for a Friday due date with two grace days: met."""
    report = cadence_check(WEEKLY, [date(2026, 3, 8)], today=date(2026, 3, 9))
    assert report.periods[0].status == MET
    assert report.periods[0].met_on == date(2026, 3, 8)


def test_past_due_within_grace_is_late_not_missed():
    report = cadence_check(WEEKLY, [], today=date(2026, 3, 7))
    assert report.periods[0].status == LATE
    assert report.missed == 0
    assert report.compliance is None
    assert report.late is True
    assert report.next_due == FRIDAY
    assert report.overdue is False


def test_nothing_posted_past_grace_is_missed_and_flags_inadequate_communication():
    today = date(2026, 3, 21)  # after the 6th's and 13th's grace; the 20th still in grace
    report = cadence_check(WEEKLY, [], today=today)
    assert [p.status for p in report.periods] == [MISSED, MISSED, LATE, OPEN]
    assert report.missed_streak == 2
    assert report.overdue is True
    assert report.last_missed == date(2026, 3, 13)
    assert report.compliance == 0.0
    assert report.next_due == date(2026, 3, 20)
    assert any("Missed the last 2 due dates" in reason for reason in report.reasons)


def test_the_next_update_clears_the_flag_but_the_ratio_remembers():
    today = date(2026, 3, 19)
    report = cadence_check(WEEKLY, [FRIDAY, today], today=today)
    assert [p.status for p in report.periods] == [MET, MISSED, MET]
    assert report.missed_streak == 0
    assert report.met == 2
    assert report.missed == 1
    assert report.compliance == pytest.approx(2 / 3)
    assert report.next_due == date(2026, 3, 27)


def test_one_event_meets_only_one_due_date():
    """Two due dates and one update between them: one met, one missed."""
    report = cadence_check(WEEKLY, [date(2026, 3, 7)], today=date(2026, 3, 17))
    assert [p.status for p in report.periods] == [MET, MISSED, OPEN]


def test_a_future_start_has_nothing_due_yet():
    report = cadence_check(WEEKLY, [], today=date(2026, 2, 1))
    assert report.periods == ()
    assert report.next_due == FRIDAY
    assert report.compliance is None


def test_since_limits_the_figures_but_not_the_streak():
    today = date(2026, 4, 30)
    report = cadence_check(WEEKLY, [], today=today, since=date(2026, 4, 1))
    assert all(p.due >= date(2026, 4, 1) for p in report.periods)
    assert report.missed == 4  # 3, 10, 17 and 24 April (its grace ended on the 26th)
    assert report.missed_streak > report.missed


def test_events_in_the_future_do_not_count():
    report = cadence_check(WEEKLY, [date(2026, 3, 20)], today=date(2026, 3, 10))
    assert report.periods[0].status == MISSED


def test_invalid_rules_are_refused():
    with pytest.raises(ValueError, match="interval"):
        CadenceRule(interval=0, unit="week", starts_on=FRIDAY)
    with pytest.raises(ValueError, match="unit"):
        CadenceRule(interval=1, unit="year", starts_on=FRIDAY)


rules = st.builds(
    CadenceRule,
    interval=st.integers(min_value=1, max_value=6),
    unit=st.sampled_from(["day", "week", "month"]),
    starts_on=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 6, 1)),
    grace_days=st.integers(min_value=0, max_value=5),
)
days = st.dates(min_value=date(2024, 12, 1), max_value=date(2026, 7, 1))


@settings(max_examples=200)
@given(rules, st.lists(days, max_size=30), days, days)
def test_another_event_never_lowers_the_number_met(rule, events, extra, today):
    before = cadence_check(rule, events, today=today)
    after = cadence_check(rule, [*events, extra], today=today)
    assert sum(p.status == MET for p in after.periods) >= sum(
        p.status == MET for p in before.periods
    )


@settings(max_examples=200)
@given(rules, st.lists(days, max_size=30), days)
def test_figures_are_consistent(rule, events, today):
    report = cadence_check(rule, events, today=today)
    if report.compliance is not None:
        assert 0.0 <= report.compliance <= 1.0
    assert report.met + report.missed <= len(report.periods)
    assert report.next_due >= min([today, *(p.due for p in report.periods)])
    assert all(p.status != MISSED or p.closes < today for p in report.periods)
    assert report.missed_streak >= 0
    assert report.overdue is (report.missed_streak > 0)
