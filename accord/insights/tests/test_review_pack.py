"""The review pack: each section gathered for the review's period from its source, privacy
kept (released survey aggregates only, private conflicts without their content), and a
constant number of queries however many rows the period holds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.goals.actions import checkin_create, goal_create
from accord.goals.models import Kpi, Measurement
from accord.governance.models import ActionItem, Conflict, Decision
from accord.insights import review_actions as actions
from accord.insights.models import HealthSnapshot, Review
from accord.insights.pack_types import PACK_VERSION, ReviewPack
from accord.insights.review_pack import review_pack_build
from accord.insights.tests.review_helpers import TODAY, partnership_make, review_make
from accord.org.models import Function, Person
from accord.partnerships.actions import partnership_member_add
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_close, cycle_create, cycle_open
from accord.surveys.instrument_actions import builtins_ensure
from accord.surveys.models import Instrument, Invitation
from accord.surveys.respond_actions import AnswerInput, response_submit

pytestmark = pytest.mark.django_db

START = datetime.date(2026, 4, 14)


def _moment(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def snapshot_make(partnership, day, score, components=None):
    return HealthSnapshot.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        date=day,
        score=score,
        covered_share=0.8,
        components=components or [],
        reasons=["Decision velocity has no data."],
        computed_at=_moment(day),
    )


def kpi_make(partnership, name="DSO", target=45.0, values=()):
    kpi = Kpi.objects.create(
        workspace=partnership.workspace,
        partnership=partnership,
        metric_key=name.lower(),
        name=name,
        unit="days",
        direction="decrease",
        category="efficiency",
        target=target,
    )
    for day, value in values:
        Measurement.objects.create(workspace=partnership.workspace, kpi=kpi, date=day, value=value)
    return kpi


def test_health_comes_from_the_latest_snapshot_by_the_period_end(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, period_start=START, period_end=TODAY)
    snapshot_make(partnership, datetime.date(2026, 4, 1), 50.0)
    snapshot_make(partnership, START, 55.0)
    component = {
        "key": "goals",
        "label": "Goal progress",
        "value": 70.0,
        "weight": 0.2,
        "effective_weight": 0.25,
        "evidence": "3 goals, 2 on track.",
        "status": "ok",
        "freshness_days": 2,
        "trend": 4.0,
    }
    snapshot_make(partnership, datetime.date(2026, 5, 10), 62.5, [component])
    snapshot_make(partnership, datetime.date(2026, 5, 20), 99.0)  # after the period
    health = review_pack_build(review=review, today=TODAY)["health"]
    assert health["score"] == 62.5
    assert health["as_of"] == "2026-05-10"
    assert health["change"] == 7.5
    assert [p["score"] for p in health["history"]] == [50.0, 55.0, 62.5]
    assert health["components"][0]["label"] == "Goal progress"
    assert "freshness_days" not in health["components"][0]
    assert health["reasons"] == ["Decision velocity has no data."]


def test_without_snapshots_health_says_so(acme):
    review = review_make(acme, partnership_make(acme))
    health = review_pack_build(review=review, today=TODAY)["health"]
    assert health["score"] is None
    assert health["history"] == []
    assert health["reasons"]


def test_kpis_show_the_before_the_latest_and_the_series_of_the_period(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, period_start=START, period_end=TODAY)
    kpi_make(
        partnership,
        values=[
            (datetime.date(2025, 12, 1), 62.0),
            (datetime.date(2026, 4, 20), 50.0),
            (datetime.date(2026, 5, 10), 44.0),
            (datetime.date(2026, 6, 1), 70.0),
        ],
    )
    kpi_make(partnership, name="Disputes", target=None)
    kpis = review_pack_build(review=review, today=TODAY)["kpis"]
    dso = kpis[0]
    assert (dso["first"], dso["latest"], dso["on_target"]) == (62.0, 44.0, True)
    assert [p["value"] for p in dso["series"]] == [50.0, 44.0]
    assert kpis[1]["name"] == "Disputes"
    assert kpis[1]["latest"] is None
    assert kpis[1]["on_target"] is None


def test_goals_carry_status_progress_expected_and_forecast(acme):
    partnership = partnership_make(acme)
    goal = goal_create(
        membership=acme.membership("admin"),
        title="Cut DSO to 45 days",
        partnership=partnership,
        owner=acme.alice,
        metric_name="DSO",
        unit="days",
        baseline=60,
        target=45,
        direction="decrease",
        start_date=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 9, 30),
    )
    for day, value in ((datetime.date(2026, 2, 1), 58), (datetime.date(2026, 3, 1), 55)):
        checkin_create(
            membership=acme.membership("admin"), goal=goal, value=value, date=day, today=TODAY
        )
    checkin_create(
        membership=acme.membership("admin"),
        goal=goal,
        value=52,
        date=datetime.date(2026, 4, 1),
        today=TODAY,
    )
    review = review_make(acme, partnership, period_start=START, period_end=TODAY)
    (row,) = review_pack_build(review=review, today=TODAY)["goals"]
    assert row["title"] == "Cut DSO to 45 days"
    assert row["owner"] == "Alice Archer"
    assert row["progress"] == pytest.approx(8 / 15)
    assert 0 < row["expected"] < 1
    assert row["forecast_probability"] is not None
    assert row["status"] in {"On track", "At risk", "Off track"}


def test_decisions_conflicts_and_actions_of_the_period(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, period_start=START, period_end=TODAY)
    workspace = acme.workspace
    Decision.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Dispute codes",
        decision_text="Use eight codes.",
        decider=acme.alice,
        status="decided",
        decided_at=_moment(datetime.date(2026, 4, 20)),
    )
    Decision.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Too early",
        status="decided",
        decided_at=_moment(datetime.date(2026, 3, 1)),
    )
    open_conflict = Conflict.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Credit holds",
        severity="high",
        stage="in_dialogue",
    )
    Conflict.objects.filter(pk=open_conflict.pk).update(
        created_at=_moment(datetime.date(2026, 4, 1))
    )
    private = Conflict.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Acme Rocketry secret grievance",
        description="Who said what",
        private=True,
        stage="resolved",
        resolved_at=_moment(datetime.date(2026, 5, 1)),
    )
    Conflict.objects.filter(pk=private.pk).update(created_at=_moment(datetime.date(2026, 4, 21)))
    old = Conflict.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Long gone",
        stage="resolved",
        resolved_at=_moment(datetime.date(2026, 1, 5)),
    )
    Conflict.objects.filter(pk=old.pk).update(created_at=_moment(datetime.date(2026, 1, 1)))
    ActionItem.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Late one",
        owner=acme.bob,
        due_date=datetime.date(2026, 5, 1),
    )
    ActionItem.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Fine one",
        due_date=datetime.date(2026, 6, 1),
    )
    ActionItem.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Done one",
        status="done",
        completed_at=_moment(datetime.date(2026, 5, 2)),
    )
    ActionItem.objects.create(
        workspace=workspace,
        partnership=partnership,
        title="Done long ago",
        status="done",
        completed_at=_moment(datetime.date(2026, 1, 2)),
    )
    pack = review_pack_build(review=review, today=TODAY)
    assert [d["title"] for d in pack["decisions"]] == ["Dispute codes"]
    assert pack["decisions"][0]["decider"] == "Alice Archer"
    assert pack["decisions"][0]["outcome"] == "Use eight codes."
    titles = [c["title"] for c in pack["conflicts"]]
    assert titles == ["Credit holds", "Private conflict"]
    assert "Acme Rocketry" not in str(pack)
    assert "Who said what" not in str(pack)
    assert pack["conflicts"][0]["days_open"] == 42
    assert pack["conflicts"][0]["resolved"] is None
    assert pack["conflicts"][1]["resolved"] == "2026-05-01"
    assert (pack["actions"]["open"], pack["actions"]["done"], pack["actions"]["overdue"]) == (
        2,
        1,
        1,
    )
    assert [a["title"] for a in pack["actions"]["items"]] == ["Late one", "Fine one", "Done one"]
    assert pack["actions"]["items"][0]["overdue"] is True


def test_the_previous_reviews_adjustments_are_carried_over(acme):
    partnership = partnership_make(acme)
    admin = acme.membership("admin")
    first = review_make(acme, partnership, scheduled_for=datetime.date(2026, 4, 13))
    actions.review_adjustment_add(
        membership=admin, review=first, kind="other", description="Shorter agenda."
    )
    actions.review_complete(
        membership=admin, review=first, summary="Fine.", today=datetime.date(2026, 4, 13)
    )
    second = review_make(acme, partnership)
    previous = review_pack_build(review=second, today=TODAY)["previous_review"]
    assert previous == {
        "title": first.title,
        "held_on": "2026-04-13",
        "adjustments": [{"kind": "Other", "description": "Shorter agenda."}],
    }
    assert review_pack_build(review=first, today=TODAY)["previous_review"] is None


def test_the_pack_has_every_section_of_the_contract_and_is_json(acme):
    import json

    review = review_make(acme, partnership_make(acme))
    pack = review_pack_build(review=review, today=TODAY)
    assert set(pack) == set(ReviewPack.__annotations__)
    assert pack["version"] == PACK_VERSION
    assert pack["period"] == {
        "start": review.period_start.isoformat(),
        "end": "2026-05-13",
        "rhythm": "monthly",
    }
    assert pack["partnership"]["functions"] == ["Finance", "Sales"]
    assert pack["partnership"]["lead"] == "Alice Archer"
    json.dumps(pack)


def _survey(tenant, partnership, *, people, min_group, title):
    """A closed psychological-safety cycle of the partnership answered by `people`."""
    owner = tenant.membership("owner")
    now = timezone.now()
    cycle = cycle_create(
        membership=owner,
        instrument=Instrument.objects.get(workspace=tenant.workspace, key=builtin.PSYCH_SAFETY_KEY),
        title=title,
        partnership=partnership,
        opens_at=now - datetime.timedelta(hours=2),
        closes_at=now + datetime.timedelta(days=7),
        min_group=min_group,
        min_comments=min_group,
    )
    cycle_open(cycle=cycle, membership=owner)
    invitations = Invitation.objects.filter(cycle=cycle).select_related(
        "cycle", "cycle__version", "cycle__partnership", "person"
    )[:people]
    for invitation in invitations:
        response_submit(
            invitation=invitation,
            answers=[AnswerInput(item=spec.key, position=5) for spec in builtin.PSYCH_SAFETY.items],
        )
    cycle_close(cycle=cycle, membership=owner)
    return cycle


def test_surveys_show_only_released_aggregates(acme):
    builtins_ensure(workspace=acme.workspace)
    fuel = Function.objects.create(workspace=acme.workspace, name="Fuel")
    partnership = partnership_make(acme, functions=[acme.sales, acme.finance, fuel])
    for function in (acme.sales, acme.finance, fuel):
        for number in range(2):
            person = Person.objects.create(
                workspace=acme.workspace,
                name=f"Respondent {function.pk}-{number}",
                email=f"r-{function.pk}-{number}@acme.test",
                function=function,
            )
            partnership_member_add(
                partnership=partnership, actor=acme.owner, person=person, function=function
            )
    _survey(acme, partnership, people=6, min_group=3, title="Safety, spring")
    _survey(acme, partnership, people=3, min_group=5, title="Safety, pulse")
    today = timezone.localdate()
    review = review_make(
        acme,
        partnership,
        scheduled_for=today,
        period_start=today - datetime.timedelta(days=20),
        period_end=today,
    )
    surveys = review_pack_build(review=review, today=today)["surveys"]
    assert [s["cycle"] for s in surveys] == ["Safety, spring", "Safety, pulse"]
    shown, withheld = surveys
    assert shown["respondents_shown"] is True
    figure = shown["figures"][0]
    assert figure["shown"] is True
    assert figure["value"] is not None
    assert (figure["label"], figure["scale"]) == ("Psychological safety", "1–7")
    assert withheld["respondents_shown"] is False
    assert withheld["figures"][0]["value"] is None
    assert "Fewer than 5" in withheld["figures"][0]["reason"]
    earlier = review_make(
        acme,
        partnership,
        scheduled_for=today - datetime.timedelta(days=40),
        period_start=today - datetime.timedelta(days=60),
        period_end=today - datetime.timedelta(days=30),
    )
    assert review_pack_build(review=earlier, today=today)["surveys"] == []


def _fill(partnership, tenant, index: int) -> None:
    workspace = tenant.workspace
    kpi_make(
        partnership,
        name=f"KPI {index}",
        values=[(datetime.date(2026, 4, 20 + i), 50.0 + i) for i in range(3)],
    )
    goal_create(
        membership=tenant.membership("admin"),
        title=f"Goal {index}",
        partnership=partnership,
        owner=tenant.alice,
        metric_name="DSO",
        unit="days",
        baseline=60,
        target=45,
        direction="decrease",
        start_date=datetime.date(2026, 1, 1),
        due_date=datetime.date(2026, 9, 30),
    )
    Decision.objects.create(
        workspace=workspace,
        partnership=partnership,
        title=f"D{index}",
        decider=tenant.alice,
        status="decided",
        decided_at=_moment(datetime.date(2026, 4, 20)),
    )
    Conflict.objects.create(workspace=workspace, partnership=partnership, title=f"C{index}")
    ActionItem.objects.create(
        workspace=workspace, partnership=partnership, title=f"A{index}", owner=tenant.bob
    )
    snapshot_make(
        partnership, datetime.date(2026, 4, 1) + datetime.timedelta(days=index), 50.0 + index
    )


def test_building_the_pack_keeps_its_query_count(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, period_start=START, period_end=TODAY)
    first = review_make(acme, partnership, scheduled_for=datetime.date(2026, 4, 1))
    Review.objects.filter(pk=first.pk).update(status="completed")
    _fill(partnership, acme, 0)
    review_pack_build(review=review, today=TODAY)
    with CaptureQueriesContext(connection) as few:
        review_pack_build(review=review, today=TODAY)
    for index in range(1, 6):
        _fill(partnership, acme, index)
    with CaptureQueriesContext(connection) as many:
        pack = review_pack_build(review=review, today=TODAY)
    assert len(pack["goals"]) == 6
    assert len(pack["kpis"]) == 6
    assert len(many) == len(few)


def test_equity_carries_group_figures_only(acme):
    partnership = partnership_make(acme)
    for person, function in ((acme.alice, acme.sales), (acme.bob, acme.finance)):
        partnership_member_add(
            partnership=partnership, actor=acme.owner, person=person, function=function
        )
    review = review_make(acme, partnership, period_start=START, period_end=TODAY)
    equity = review_pack_build(review=review, today=TODAY)["equity"]
    assert equity is not None
    assert equity["members"] == 2
    assert {g["label"] for g in equity["functions"]} == {"Sales", "Finance"}
    # Groups of one are under the minimum group size: their share of voice stays withheld.
    assert all(g["voice_share"] is None for g in [*equity["levels"], *equity["functions"]])
    assert "Alice" not in str(equity)
    assert "Bob" not in str(equity)


def test_a_partnership_without_members_has_no_equity_section(acme):
    review = review_make(acme, partnership_make(acme))
    assert review_pack_build(review=review, today=TODAY)["equity"] is None
