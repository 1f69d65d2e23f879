"""Partnerships, goals, check-ins and KPIs of the Brightwater demo.

Dates are relative to the day the demo is built, so the demo always looks current: every
partnership has twelve weeks of weekly check-ins up to last week. Three pairs of goals pull
functions against each other on purpose (discounts vs margin, payment terms vs DSO, leaner
inventory vs fill rate), so the conflict checks have something real to find.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.text import slugify

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.metrics.catalog import catalog_load
from accord.org.models import Function, Person, Seniority
from accord.partnerships.models import Partnership, PartnershipMember, StatusChange
from accord.workspaces.audit import audit_bulk
from accord.workspaces.models import Workspace

WEEKS = 12


@dataclass(frozen=True)
class DemoGoal:
    title: str
    owner: str  # a login email, or "function:<name>" for that function's first manager
    metric_key: str
    unit: str
    baseline: float
    target: float
    direction: str
    due_weeks: int  # weeks from today
    trajectory: str  # on_track | drifting | behind | anomaly | ahead
    home: str = "partnership"  # or "function:<name>" for a function goal supporting it
    kind: str = "goal"
    contributing: tuple[str, ...] = ()
    key_results: tuple["DemoGoal", ...] = ()
    description: str = ""


@dataclass(frozen=True)
class DemoKpi:
    metric_key: str
    name: str
    unit: str
    direction: str
    category: str
    start: float
    weekly_change: float
    target: float | None = None
    low: float | None = None
    high: float | None = None
    spike_week: int | None = None  # a Western Electric rule-1 point


@dataclass(frozen=True)
class DemoPartnership:
    name: str
    purpose: str
    problem: str
    scope_in: str
    scope_out: str
    success_criteria: str
    working_agreements: str
    functions: tuple[str, ...]
    sponsor: str  # function whose lead sponsors it, or a login email
    lead: str  # login email or "function:<name>"
    status: str
    started_weeks_ago: int
    runs_weeks: int
    privacy: str = "workspace"
    goals: tuple[DemoGoal, ...] = ()
    kpis: tuple[DemoKpi, ...] = ()
    extra_members: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (email, role)


PARTNERSHIPS: tuple[DemoPartnership, ...] = (
    DemoPartnership(
        name="Wholesale Margin Recovery",
        purpose="Win shelf space with grocery chains without giving away the margin we need.",
        problem=(
            "Wholesale revenue grew 18% last year while wholesale gross margin fell from 37% "
            "to 34%. Deals are priced one at a time and nobody sees the full picture."
        ),
        scope_in="Wholesale pricing, discount approval, promotional funding, cost-to-serve.",
        scope_out="E-commerce pricing; supplier renegotiation (Procurement runs that).",
        success_criteria="Gross margin back to 38% on wholesale by the end of the period.",
        working_agreements=(
            "Discounts above 10% need Finance's view within two working days. "
            "Weekly 30-minute deal review on Tuesdays."
        ),
        functions=("Sales", "Finance", "Operations"),
        sponsor="owner@brightwater.example",
        lead="function:Sales",
        status="active",
        started_weeks_ago=12,
        runs_weeks=26,
        goals=(
            DemoGoal(
                title=(
                    "Answer 95% of discount requests above 10% within two working days, up from 60%"
                ),
                owner="function:Finance",
                metric_key="sla_compliance",
                unit="%",
                baseline=60,
                target=95,
                direction="increase",
                due_weeks=10,
                trajectory="on_track",
            ),
            DemoGoal(
                title="Restore healthy wholesale margins",
                owner="function:Finance",
                metric_key="",
                unit="",
                baseline=0,
                target=0,
                direction="",
                due_weeks=14,
                trajectory="",
                kind="objective",
                contributing=("Sales", "Finance"),
                key_results=(
                    DemoGoal(
                        title="Lift wholesale gross margin from 34% to 38% by the end of Q2",
                        owner="function:Finance",
                        metric_key="gross_margin",
                        unit="%",
                        baseline=34,
                        target=38,
                        direction="increase",
                        due_weeks=14,
                        trajectory="drifting",
                        kind="key_result",
                    ),
                    DemoGoal(
                        title="Cut cost-to-serve per wholesale order from $41 to $35",
                        owner="function:Operations",
                        metric_key="logistics_cost",
                        unit="USD",
                        baseline=41,
                        target=35,
                        direction="decrease",
                        due_weeks=14,
                        trajectory="on_track",
                        kind="key_result",
                    ),
                ),
            ),
            DemoGoal(
                title=(
                    "Raise the average wholesale discount from 8% to 12% to win three new "
                    "grocery chains this half"
                ),
                owner="function:Sales",
                metric_key="discount_rate",
                unit="%",
                baseline=8,
                target=12,
                direction="increase",
                due_weeks=10,
                trajectory="ahead",
                home="function:Sales",
            ),
        ),
        kpis=(
            DemoKpi(
                "gross_margin",
                "Wholesale gross margin",
                "%",
                "increase",
                "revenue growth",
                34.2,
                0.12,
                target=38,
            ),
            DemoKpi(
                "discount_rate",
                "Average wholesale discount",
                "%",
                "decrease",
                "revenue growth",
                8.1,
                0.28,
                high=10,
            ),
        ),
    ),
    DemoPartnership(
        name="Faster Order to Cash",
        purpose="Get paid sooner for what we ship so we can fund growth without new debt.",
        problem=(
            "Days sales outstanding rose from 41 to 52 in a year. Invoices wait for proof of "
            "delivery and disputes sit in three inboxes."
        ),
        scope_in="Invoicing, delivery proof, dispute handling, collections, payment terms.",
        scope_out="Credit policy for new accounts (Finance keeps that).",
        success_criteria="DSO at 40 days or lower; disputes resolved within 10 days.",
        working_agreements="Disputes get an owner within one working day. Fortnightly review.",
        functions=("Finance", "Sales", "Customer Success"),
        sponsor="Finance",
        lead="function:Finance",
        status="active",
        started_weeks_ago=12,
        runs_weeks=24,
        extra_members=(("viewer@brightwater.example", "contributor"),),
        goals=(
            DemoGoal(
                title="Send 95% of invoices within 24 hours of delivery, up from 70%",
                owner="function:Finance",
                metric_key="sla_compliance",
                unit="%",
                baseline=70,
                target=95,
                direction="increase",
                due_weeks=12,
                trajectory="on_track",
            ),
            DemoGoal(
                title=(
                    "Lower bad-debt write-offs from 1.2% to 0.8% of wholesale revenue by year-end"
                ),
                owner="function:Finance",
                metric_key="bad_debt",
                unit="%",
                baseline=1.2,
                target=0.8,
                direction="decrease",
                due_weeks=20,
                trajectory="drifting",
            ),
            DemoGoal(
                title="Cut days sales outstanding from 52 to 40 days by the end of next quarter",
                owner="function:Finance",
                metric_key="days_sales_outstanding",
                unit="days",
                baseline=52,
                target=40,
                direction="decrease",
                due_weeks=16,
                trajectory="behind",
                contributing=("Finance", "Customer Success"),
            ),
            DemoGoal(
                title="Resolve invoice disputes within 10 days instead of 23",
                owner="function:Customer Success",
                metric_key="time_to_resolution",
                unit="days",
                baseline=23,
                target=10,
                direction="decrease",
                due_weeks=12,
                trajectory="on_track",
            ),
            DemoGoal(
                title=(
                    "Extend payment terms for our top 20 retailers from 30 to 60 days to lock in "
                    "annual contracts"
                ),
                owner="function:Sales",
                metric_key="customer_payment_terms",
                unit="days",
                baseline=30,
                target=60,
                direction="increase",
                due_weeks=8,
                trajectory="on_track",
                home="function:Sales",
            ),
        ),
        kpis=(
            DemoKpi(
                "days_sales_outstanding",
                "Days sales outstanding",
                "days",
                "decrease",
                "efficiency",
                52,
                -0.45,
                target=40,
                spike_week=7,
            ),
        ),
    ),
    DemoPartnership(
        name="Inventory Right-Sizing",
        purpose="Free cash tied up in slow stock while keeping shelves full for our retailers.",
        problem="We hold 75 days of inventory; a third of it moves fewer than ten units a month.",
        scope_in="Stock levels, reorder points, slow-mover clearance, demand forecasts.",
        scope_out="Warehouse automation (separate capital project).",
        success_criteria="55 days of inventory with fill rate at or above 96%.",
        working_agreements="Any SKU cut is agreed with Sales at the monthly S&OP meeting.",
        functions=("Operations", "Finance", "Sales"),
        sponsor="Operations",
        lead="function:Operations",
        status="active",
        started_weeks_ago=12,
        runs_weeks=30,
        goals=(
            DemoGoal(
                title="Cut slow-moving SKUs from 640 to 340 by the end of Q3",
                owner="function:Operations",
                metric_key="",
                unit="count",
                baseline=640,
                target=340,
                direction="decrease",
                due_weeks=14,
                trajectory="ahead",
            ),
            DemoGoal(
                title="Reduce inventory from 75 to 55 days of supply by year-end",
                owner="function:Operations",
                metric_key="inventory_days",
                unit="days",
                baseline=75,
                target=55,
                direction="decrease",
                due_weeks=18,
                trajectory="on_track",
                contributing=("Operations", "Finance"),
            ),
            DemoGoal(
                title="Improve demand forecast accuracy from 68% to 80% for the top 200 SKUs",
                owner="function:Operations",
                metric_key="demand_forecast_accuracy",
                unit="%",
                baseline=68,
                target=80,
                direction="increase",
                due_weeks=18,
                trajectory="anomaly",
            ),
            DemoGoal(
                title="Raise the wholesale fill rate from 94% to 98% before the holiday season",
                owner="function:Sales",
                metric_key="fill_rate",
                unit="%",
                baseline=94,
                target=98,
                direction="increase",
                due_weeks=9,
                trajectory="drifting",
                home="function:Sales",
            ),
        ),
        kpis=(
            DemoKpi(
                "inventory_days",
                "Days of inventory",
                "days",
                "decrease",
                "efficiency",
                75,
                -0.9,
                target=55,
            ),
            DemoKpi(
                "fill_rate",
                "Wholesale fill rate",
                "%",
                "increase",
                "customer satisfaction",
                94.5,
                0.05,
                low=96,
            ),
        ),
    ),
    DemoPartnership(
        name="Storefront Conversion Sprint",
        purpose="Turn more of the visitors we already pay for into customers.",
        problem="Mobile conversion is 1.4% against 3.1% on desktop; checkout takes 6 steps.",
        scope_in="Product pages, checkout, site speed, campaign landing pages.",
        scope_out="Wholesale ordering portal.",
        success_criteria="Store conversion at 2.8% with page loads under 2 seconds.",
        working_agreements=(
            "Marketing briefs Product before a campaign lands; experiments run two weeks; "
            "results are posted in the weekly update."
        ),
        functions=("Marketing", "Product", "Engineering"),
        sponsor="Marketing",
        lead="member@brightwater.example",
        status="active",
        started_weeks_ago=12,
        runs_weeks=20,
        goals=(
            DemoGoal(
                title="Run 8 checkout experiments with a written read-out by the end of Q1",
                owner="member@brightwater.example",
                metric_key="feature_throughput",
                unit="count",
                baseline=0,
                target=8,
                direction="increase",
                due_weeks=8,
                trajectory="on_track",
            ),
            DemoGoal(
                title="Increase online store conversion from 2.1% to 2.8% by the end of Q1",
                owner="member@brightwater.example",
                metric_key="website_conversion_rate",
                unit="%",
                baseline=2.1,
                target=2.8,
                direction="increase",
                due_weeks=8,
                trajectory="on_track",
                contributing=("Marketing", "Product"),
            ),
            DemoGoal(
                title="Bring product page load time (p75) from 3.2 s to 1.8 s on mobile",
                owner="function:Engineering",
                metric_key="system_latency",
                unit="seconds",
                baseline=3.2,
                target=1.8,
                direction="decrease",
                due_weeks=8,
                trajectory="behind",
            ),
            DemoGoal(
                title="Ship a three-step checkout to all mobile visitors within 8 weeks",
                owner="function:Product",
                metric_key="feature_adoption",
                unit="%",
                baseline=0,
                target=100,
                direction="increase",
                due_weeks=8,
                trajectory="on_track",
            ),
        ),
        kpis=(
            DemoKpi(
                "website_conversion_rate",
                "Store conversion rate",
                "%",
                "increase",
                "revenue growth",
                2.1,
                0.035,
                target=2.8,
            ),
        ),
    ),
    DemoPartnership(
        name="New Hire Ramp-Up",
        purpose="Help the 40 people we hire this year become productive and stay.",
        problem=(
            "New warehouse and engineering hires take 90 days to ramp; 1 in 5 leave in year one."
        ),
        scope_in="Onboarding plans, buddies, first-90-day check-ins, training paths.",
        scope_out="Compensation and hiring targets.",
        success_criteria="Ramp-up in 60 days and first-year attrition under 10%.",
        working_agreements="Hiring managers fill the day-30 check-in; People reports monthly.",
        functions=("People", "Engineering", "Operations"),
        sponsor="People",
        lead="admin@brightwater.example",
        status="forming",
        started_weeks_ago=12,
        runs_weeks=40,
        privacy="members",
        goals=(
            DemoGoal(
                title=(
                    "Give every new hire 16 hours of role training in their first month, up from 6"
                ),
                owner="function:People",
                metric_key="training_hours",
                unit="hours",
                baseline=6,
                target=16,
                direction="increase",
                due_weeks=24,
                trajectory="on_track",
            ),
            DemoGoal(
                title="Cut time to full productivity for new hires from 90 to 60 days this year",
                owner="admin@brightwater.example",
                metric_key="",
                unit="days",
                baseline=90,
                target=60,
                direction="decrease",
                due_weeks=30,
                trajectory="on_track",
                contributing=("People", "Engineering", "Operations"),
            ),
            DemoGoal(
                title="Lift new-hire eNPS from 12 to 30 by the end of the year",
                owner="admin@brightwater.example",
                metric_key="enps",
                unit="score",
                baseline=12,
                target=30,
                direction="increase",
                due_weeks=30,
                trajectory="drifting",
            ),
        ),
    ),
    DemoPartnership(
        name="Support Deflection",
        purpose="Answer customers' common questions before they need to write to us.",
        problem="Ticket volume grew 30% with orders; half the tickets ask where an order is.",
        scope_in="Order tracking, help centre, proactive delivery emails, returns self-service.",
        scope_out="Phone support staffing.",
        success_criteria="Tickets per 1,000 orders down to 45 with CSAT above 90%.",
        working_agreements=(
            "Support tags every ticket by reason; Product reviews the top 5 monthly."
        ),
        functions=("Customer Success", "Product", "Engineering"),
        sponsor="Customer Success",
        lead="function:Customer Success",
        status="proposed",
        started_weeks_ago=12,
        runs_weeks=26,
        goals=(
            DemoGoal(
                title=(
                    "Cut first response time on email tickets from 9 hours to 4 hours this quarter"
                ),
                owner="function:Customer Success",
                metric_key="first_response_time",
                unit="hours",
                baseline=9,
                target=4,
                direction="decrease",
                due_weeks=10,
                trajectory="behind",
            ),
            DemoGoal(
                title="Reduce tickets per 1,000 orders from 62 to 45 within 6 months",
                owner="function:Customer Success",
                metric_key="ticket_volume",
                unit="count",
                baseline=62,
                target=45,
                direction="decrease",
                due_weeks=20,
                trajectory="on_track",
            ),
            DemoGoal(
                title="Keep CSAT at or above 90% while self-service grows",
                owner="function:Customer Success",
                metric_key="csat",
                unit="%",
                baseline=88,
                target=92,
                direction="increase",
                due_weeks=20,
                trajectory="on_track",
            ),
            DemoGoal(
                title="Raise the self-service rate from 22% to 40% by the end of next quarter",
                owner="function:Product",
                metric_key="self_service_rate",
                unit="%",
                baseline=22,
                target=40,
                direction="increase",
                due_weeks=16,
                trajectory="ahead",
            ),
        ),
        kpis=(
            DemoKpi(
                "csat",
                "Customer satisfaction (CSAT)",
                "%",
                "increase",
                "customer satisfaction",
                88,
                0.2,
                low=90,
            ),
        ),
    ),
)


def _trajectory(goal: DemoGoal, start: date, today: date, rng: random.Random) -> list[float]:
    """Twelve weekly values from the baseline, shaped by the goal's story."""
    total_days = max((today + timedelta(weeks=goal.due_weeks) - start).days, 1)
    span = goal.target - goal.baseline
    values = []
    for week in range(1, WEEKS + 1):
        share = (week * 7) / total_days  # where the goal should be by now
        pace = {
            "on_track": 1.0,
            "ahead": 1.25,
            "drifting": 0.55,
            "behind": 0.3,
            "anomaly": 0.9,
        }[goal.trajectory]
        if goal.trajectory == "drifting" and week > 6:
            pace = 0.55 * 6 / week  # progress stalls halfway through
        noise = rng.uniform(-0.04, 0.04) * abs(span)
        value = goal.baseline + span * min(share * pace, 1.0) + noise
        if goal.trajectory == "anomaly" and week == 9:
            value -= abs(span) * 0.9  # a broken data feed week
        values.append(round(value, 2))
    return values


def _metric_name(key: str) -> str:
    if not key:
        return ""
    metric = catalog_load().metric_get(key)
    return metric.name if metric else ""


def _pick_people(workspace: Workspace) -> tuple[dict[str, Person], dict[str, Function]]:
    functions = {f.name: f for f in Function.objects.filter(workspace=workspace)}
    people = {p.email: p for p in Person.objects.filter(workspace=workspace)}
    return people, functions


def _function_manager(people: dict[str, Person], function: Function, taken: int = 0) -> Person:
    """The function's first manager-level person (not its lead), else its lead."""
    managers = sorted(
        (
            p
            for p in people.values()
            if p.function_id == function.pk and p.seniority == Seniority.MANAGER
        ),
        key=lambda p: p.name,
    )
    if managers:
        return managers[taken % len(managers)]
    return function.lead or next(p for p in people.values() if p.function_id == function.pk)


def _resolve(who: str, people: dict[str, Person], functions: dict[str, Function]) -> Person:
    if who.startswith("function:"):
        return _function_manager(people, functions[who.split(":", 1)[1]])
    if who in functions:
        lead = functions[who].lead
        assert lead is not None
        return lead
    return people[who]


@dataclass
class _GoalContext:
    workspace: Workspace
    partnership: Partnership
    start: date
    today: date
    people: dict[str, Person]
    functions: dict[str, Function]
    rng: random.Random
    checkins: list[CheckIn]
    audit: list[tuple[str, object, dict[str, list[object]]]]
    written: int = 0


def _goal_write(spec: DemoGoal, parent: Goal | None, context: _GoalContext) -> Goal:
    """One goal (and its key results) with twelve weekly check-ins."""
    functions, start, today = context.functions, context.start, context.today
    home_function = (
        functions[spec.home.split(":", 1)[1]] if spec.home.startswith("function:") else None
    )
    goal = Goal.objects.create(
        workspace=context.workspace,
        kind=spec.kind,
        partnership=None if home_function else context.partnership,
        function=home_function,
        parent=parent,
        title=spec.title,
        description=spec.description,
        metric_key=spec.metric_key,
        metric_name=_metric_name(spec.metric_key),
        unit=spec.unit,
        baseline=spec.baseline if spec.direction else None,
        target=spec.target if spec.direction else None,
        direction=spec.direction,
        start_date=start,
        due_date=today + timedelta(weeks=spec.due_weeks),
        owner=_resolve(spec.owner, context.people, functions),
        status="active",
    )
    context.written += 1
    if spec.contributing:
        goal.contributing_functions.set([functions[n] for n in spec.contributing])
    context.audit.append(("create", goal, {"title": [None, spec.title]}))
    if spec.direction:
        hopeful = spec.trajectory in {"on_track", "ahead"}
        for week, value in enumerate(_trajectory(spec, start, today, context.rng), start=1):
            context.checkins.append(
                CheckIn(
                    workspace=context.workspace,
                    goal=goal,
                    date=start + timedelta(weeks=week),
                    value=value,
                    confidence="on_track" if hopeful else ("at_risk" if week < 9 else "off_track"),
                    note="" if week % 4 else "Reviewed at the monthly partnership review.",
                )
            )
    for child in spec.key_results:
        _goal_write(child, goal, context)
    return goal


def demo_partnerships_build(workspace: Workspace, *, today: date, seed: int = 7) -> int:
    """Write the demo partnerships into `workspace`; returns the number of goals written."""
    rng = random.Random(seed)
    people, functions = _pick_people(workspace)
    audit_rows: list[tuple[str, object, dict[str, list[object]]]] = []
    goal_count = 0
    checkins: list[CheckIn] = []
    measurements: list[Measurement] = []
    for plan in PARTNERSHIPS:
        start = today - timedelta(weeks=plan.started_weeks_ago)
        partnership = Partnership.objects.create(
            workspace=workspace,
            name=plan.name,
            slug=slugify(plan.name),
            purpose=plan.purpose,
            problem=plan.problem,
            scope_in=plan.scope_in,
            scope_out=plan.scope_out,
            success_criteria=plan.success_criteria,
            working_agreements=plan.working_agreements,
            sponsor=_resolve(plan.sponsor, people, functions),
            lead=_resolve(plan.lead, people, functions),
            status=plan.status,
            start_date=start,
            end_date=start + timedelta(weeks=plan.runs_weeks),
            privacy=plan.privacy,
        )
        partnership.functions.set([functions[name] for name in plan.functions])
        StatusChange.objects.create(
            workspace=workspace,
            partnership=partnership,
            from_status="",
            to_status=plan.status,
            note="Set up for the demo.",
        )
        audit_rows.append(("create", partnership, {"name": [None, plan.name]}))
        members: dict[int, PartnershipMember] = {}
        for index, name in enumerate(plan.functions):
            function = functions[name]
            for person in {_function_manager(people, function, index), function.lead}:
                if person is not None and person.pk not in members:
                    role = "lead" if person.pk == partnership.lead_id else "core"
                    members[person.pk] = PartnershipMember(
                        workspace=workspace,
                        partnership=partnership,
                        person=person,
                        function=function,
                        role=role,
                    )
        for email, role in plan.extra_members:
            person = people[email]
            if person.pk not in members and person.function is not None:
                members[person.pk] = PartnershipMember(
                    workspace=workspace,
                    partnership=partnership,
                    person=person,
                    function=person.function,
                    role=role,
                )
        lead = partnership.lead
        if lead is not None and lead.pk not in members and lead.function is not None:
            members[lead.pk] = PartnershipMember(
                workspace=workspace,
                partnership=partnership,
                person=lead,
                function=lead.function,
                role="lead",
            )
        PartnershipMember.objects.bulk_create(members.values())

        context = _GoalContext(
            workspace=workspace,
            partnership=partnership,
            start=start,
            today=today,
            people=people,
            functions=functions,
            rng=rng,
            checkins=checkins,
            audit=audit_rows,
        )
        partnership_goals = [_goal_write(spec, None, context) for spec in plan.goals]
        goal_count += context.written
        # Function goals support the partnership's objective, else its first shared goal.
        shared = [goal for goal in partnership_goals if goal.partnership_id is not None]
        anchor = next((goal for goal in shared if goal.kind == "objective"), shared[0])
        for goal in partnership_goals[1:]:
            if goal.function_id is not None:
                goal.supports.add(anchor)

        for spec in plan.kpis:
            kpi = Kpi.objects.create(
                workspace=workspace,
                partnership=partnership,
                metric_key=spec.metric_key,
                name=spec.name,
                unit=spec.unit,
                direction=spec.direction,
                category=spec.category,
                target=spec.target,
                target_low=spec.low,
                target_high=spec.high,
            )
            for week in range(WEEKS + 1):
                value = spec.start + spec.weekly_change * week
                value += rng.uniform(-0.6, 0.6) * abs(spec.weekly_change or 0.1)
                if spec.spike_week == week:
                    value += 12 * abs(spec.weekly_change or 1)
                measurements.append(
                    Measurement(
                        workspace=workspace,
                        kpi=kpi,
                        date=start + timedelta(weeks=week),
                        value=round(value, 2),
                        source="demo",
                    )
                )
    CheckIn.objects.bulk_create(checkins)
    Measurement.objects.bulk_create(measurements)
    audit_bulk(workspace=workspace, actor=None, rows=audit_rows)  # type: ignore[arg-type]
    return goal_count
