"""Partnerships, their members and functions, goals with key results and weekly check-ins,
and KPIs with measurements, for `accord generate`. Bulk inserts only."""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from accord.goals.models import CheckIn, Goal, Kpi, Measurement
from accord.metrics.catalog import Metric, catalog_load
from accord.ops.generate_bulk import rows_insert
from accord.ops.generate_org import BATCH, Organization
from accord.org.models import Person, Seniority
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember, Privacy
from accord.workspaces.models import Workspace

THEMES = (
    "Quote-to-Cash",
    "Customer Onboarding",
    "Demand Planning",
    "Pricing Discipline",
    "Launch Readiness",
    "Renewals",
    "Lead Quality",
    "Returns Reduction",
    "Supplier Resilience",
    "Hiring Velocity",
    "Self-Service Support",
    "Forecast Accuracy",
    "Account Expansion",
    "Order Accuracy",
    "Cost-to-Serve",
    "Data Quality",
    "Release Quality",
    "Contract Cycle Time",
    "Field Enablement",
    "Churn Prevention",
    "Inventory Health",
    "Partner Channel",
    "Service Levels",
    "Working Capital",
    "Employee Onboarding",
    "Brand Consistency",
    "Packaging Redesign",
    "Platform Migration",
    "Regional Expansion",
    "Compliance Readiness",
)
KINDS = ("Initiative", "Program", "Squad", "Council", "Task Force", "Sprint", "Working Group")
OBJECTIVE_VERBS = ("Make", "Get", "Turn", "Keep", "Build")
OBJECTIVE_ENDS = (
    "{theme} predictable for every customer",
    "{theme} a shared win for {a} and {b}",
    "{theme} measurable end to end",
    "{theme} ready for next year's volume",
    "{theme} simple enough to run weekly",
)
STATUS_MIX = (
    [Lifecycle.ACTIVE] * 11
    + [Lifecycle.FORMING] * 3
    + [Lifecycle.PROPOSED] * 2
    + [Lifecycle.PAUSED] * 2
    + [Lifecycle.CLOSED] * 2
)
# How fast a goal moves compared with the pace its dates ask for, and how often.
PACES = ((1.25, 2), (1.0, 5), (0.7, 3), (0.4, 2))
BASELINES = {
    "%": (15.0, 70.0),
    "currency": (50_000.0, 2_000_000.0),
    "days": (10.0, 60.0),
    "hours": (4.0, 48.0),
    "count": (40.0, 4_000.0),
    "score": (20.0, 70.0),
    "ratio": (1.0, 4.0),
}
ROLES = (
    [PartnershipMember.Role.CORE] * 6
    + [PartnershipMember.Role.CONTRIBUTOR] * 3
    + [PartnershipMember.Role.ADVISOR]
)

CHECKIN_COLUMNS = (
    "workspace_id",
    "goal_id",
    "date",
    "value",
    "confidence",
    "confidence_score",
    "note",
)
MEASUREMENT_COLUMNS = ("workspace_id", "kpi_id", "date", "value", "source")


@dataclass
class Portfolio:
    """What later stages need: the partnerships, their members and goals, in insert order."""

    partnerships: list[Partnership]
    members: dict[int, list[PartnershipMember]]  # partnership pk → members (lead first)
    functions: dict[int, list[int]]  # partnership pk → function pks
    goals: dict[int, list[Goal]] = field(default_factory=dict)  # partnership pk → goals
    kpis: list[Kpi] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _metrics_by_function() -> dict[str, list[Metric]]:
    grouped: dict[str, list[Metric]] = {}
    for metric in catalog_load().metrics:
        if metric.good_direction in {"increase", "decrease"}:
            grouped.setdefault(metric.function, []).append(metric)
    return grouped


def _target(metric: Metric, baseline: float, rng: random.Random) -> float:
    if metric.good_direction == "increase":
        target = baseline * rng.uniform(1.15, 1.5)
        return round(min(target, 100.0) if metric.unit == "%" else target, 1)
    return round(baseline * rng.uniform(0.55, 0.85), 1)


def _baseline(metric: Metric, rng: random.Random) -> float:
    low, high = BASELINES.get(metric.unit, (10.0, 100.0))
    return round(rng.uniform(low, high), 1)


def partnerships_create(
    *,
    workspace: Workspace,
    organization: Organization,
    count: int,
    weeks: int,
    today: date,
    rng: random.Random,
) -> Portfolio:
    """`count` partnerships of 2–4 functions and 5–15 members each (the lead a manager or
    above), with charter text, a lifecycle mix and 10% kept to members only."""
    functions = organization.functions
    specs = {f.pk: s for f, s in zip(functions, organization.specs, strict=True)}
    pools = organization.by_function
    seniors = {
        pk: [p for p in people if p.seniority >= Seniority.DIRECTOR] for pk, people in pools.items()
    }
    member_person = organization.users["member-1"].pk
    member_self = next(p for p in organization.people if p.user_id == member_person)
    rows: list[Partnership] = []
    chosen_functions: list[list[int]] = []
    chosen_people: list[list[tuple[Person, int]]] = []
    for index in range(count):
        width = min(rng.choices((2, 3, 4), weights=(6, 3, 1))[0], len(functions))
        picked = rng.sample(functions, width)
        people: list[tuple[Person, int]] = []
        if index % 40 == 0 and member_self.function is not None:
            # The "member" login belongs to some partnerships, so members-only ones show.
            if member_self.function not in picked:
                picked[0] = member_self.function
            people.append((member_self, member_self.function.pk))
        size = rng.randint(5, 15)
        seen = {id(p) for p, _ in people}
        available = sum(len(pools[f.pk]) for f in picked)
        draws = 0
        while len(people) < min(size, available) and draws < 20 * size:
            function = picked[draws % width]
            draws += 1
            pool = pools[function.pk]
            # Managers are a little likelier to be picked than their share of the headcount.
            person = pool[min(int(rng.random() ** 1.6 * len(pool)), len(pool) - 1)]
            if id(person) in seen:
                continue
            seen.add(id(person))
            people.append((person, function.pk))
        theme = THEMES[index % len(THEMES)]
        kind = KINDS[(index // len(THEMES)) % len(KINDS)]
        cohort = index // (len(THEMES) * len(KINDS))
        name = f"{theme} {kind}" + (f" {cohort + 1}" if cohort else "")
        names = [specs[f.pk].name for f in picked]
        status = rng.choice(STATUS_MIX)
        started = (
            None
            if status == Lifecycle.PROPOSED
            else today
            - timedelta(
                weeks=rng.randint(1, weeks)
                if status == Lifecycle.FORMING
                else weeks + rng.randint(0, 26)
            )
        )
        lead = max(people, key=lambda item: (item[0].seniority, -people.index(item)))[0]
        sponsor_pool = seniors[picked[0].pk] or pools[picked[0].pk]
        rows.append(
            Partnership(
                workspace=workspace,
                name=name,
                slug=f"{name.lower().replace(' ', '-')}-{index + 1}",
                purpose=f"{' and '.join(names)} work on {theme.lower()} as one team.",
                problem=f"{theme} is handled in separate steps by {', '.join(names)}; "
                "hand-offs are slow and nobody owns the whole result.",
                scope_in=f"The {theme.lower()} process from request to result.",
                scope_out="Tooling replacements and reorganizations.",
                success_criteria="The shared goals below reach their targets by their due dates.",
                working_agreements="Weekly update by Friday; decisions logged within a day; "
                "disagreements raised in the open.",
                sponsor=sponsor_pool[rng.randrange(len(sponsor_pool))],
                lead=lead,
                status=status,
                start_date=started,
                end_date=today - timedelta(weeks=1) if status == Lifecycle.CLOSED else None,
                privacy=Privacy.MEMBERS if rng.random() < 0.1 else Privacy.WORKSPACE,
            )
        )
        chosen_functions.append([f.pk for f in picked])
        chosen_people.append(people)
    Partnership.objects.bulk_create(rows, batch_size=BATCH)

    through = Partnership.functions.through
    links = [(p.pk, pk) for p, pks in zip(rows, chosen_functions, strict=True) for pk in pks]
    rows_insert(through, ("partnership_id", "function_id"), links)
    members: dict[int, list[PartnershipMember]] = {}
    for partnership, people in zip(rows, chosen_people, strict=True):
        members[partnership.pk] = [
            PartnershipMember(
                workspace=workspace,
                partnership=partnership,
                person=person,
                function_id=function_pk,
                role=PartnershipMember.Role.LEAD
                if person is partnership.lead
                else ROLES[rng.randrange(len(ROLES))],
            )
            for person, function_pk in people
        ]
        members[partnership.pk].sort(key=lambda m: m.role != PartnershipMember.Role.LEAD)
    # Nobody needs the members' keys: they go in as plain rows, the objects stay in memory.
    rows_insert(
        PartnershipMember,
        ("workspace_id", "partnership_id", "person_id", "function_id", "role"),
        (
            (workspace.pk, m.partnership_id, m.person_id, m.function_id, m.role)
            for group in members.values()
            for m in group
        ),
    )
    portfolio = Portfolio(
        partnerships=rows,
        members=members,
        functions={p.pk: pks for p, pks in zip(rows, chosen_functions, strict=True)},
    )
    portfolio.counts.update(
        {
            "partnerships": len(rows),
            "partnership functions": len(links),
            "partnership members": sum(len(g) for g in members.values()),
        }
    )
    return portfolio


def home_of(row: Any) -> int:
    """The partnership key of a generated row (every generated row belongs to one)."""
    key = row.partnership_id
    assert key is not None
    return int(key)


def _pace(rng: random.Random) -> float:
    return rng.choices([p for p, _ in PACES], weights=[w for _, w in PACES])[0]


def goals_create(
    *,
    workspace: Workspace,
    organization: Organization,
    portfolio: Portfolio,
    weeks: int,
    today: date,
    rng: random.Random,
) -> None:
    """Per partnership: one or two objectives with 2–3 key results each and up to two single
    measurable goals, from the catalog metrics of its functions; a check-in every week since
    the start (at most `weeks`) on each measurable one; 2–4 KPIs with weekly measurements."""
    catalog = _metrics_by_function()
    everything = [m for group in catalog.values() for m in group]
    keys = {f.pk: s.key for f, s in zip(organization.functions, organization.specs, strict=True)}
    names = {f.pk: f.name for f in organization.functions}
    objectives: list[Goal] = []
    children: list[Goal] = []
    child_parent: list[int] = []  # index into objectives, or -1 for a standalone goal
    contributing: list[tuple[Goal, list[int]]] = []
    kpis: list[tuple[Kpi, Metric, float]] = []
    for partnership in portfolio.partnerships:
        pks = portfolio.functions[partnership.pk]
        pool = [m for pk in pks for m in catalog.get(keys[pk], [])] or everything
        people = [m.person for m in portfolio.members[partnership.pk]]
        metrics = rng.sample(pool, min(len(pool), 10))
        theme = partnership.name.split(" ")[0]
        start = partnership.start_date or today
        closed = partnership.status == Lifecycle.CLOSED
        status = {
            Lifecycle.PROPOSED: Goal.Status.DRAFT,
            Lifecycle.CLOSED: Goal.Status.ACHIEVED,
        }.get(Lifecycle(partnership.status), Goal.Status.ACTIVE)
        due = today + timedelta(weeks=rng.randint(4, 20)) if not closed else today
        taken = 0
        for _ in range(rng.choice((1, 1, 2))):
            template = rng.choice(OBJECTIVE_ENDS)
            title = f"{rng.choice(OBJECTIVE_VERBS)} " + template.format(
                theme=theme.lower(), a=names[pks[0]], b=names[pks[1]]
            )
            objective = Goal(
                workspace=workspace,
                kind=Goal.Kind.OBJECTIVE,
                partnership=partnership,
                title=title[:300],
                description=f"Why it matters: {partnership.purpose}",
                start_date=start,
                due_date=due,
                owner=people[0],
                status=status,
            )
            objectives.append(objective)
            contributing.append((objective, pks))
            for _ in range(rng.randint(2, 3)):
                if taken >= len(metrics):
                    break
                metric = metrics[taken]
                taken += 1
                children.append(
                    _measurable(
                        workspace,
                        partnership,
                        metric,
                        Goal.Kind.KEY_RESULT,
                        people,
                        start,
                        due,
                        status,
                        rng,
                    )
                )
                child_parent.append(len(objectives) - 1)
        for _ in range(rng.randint(0, 2)):
            if taken >= len(metrics):
                break
            metric = metrics[taken]
            taken += 1
            children.append(
                _measurable(
                    workspace, partnership, metric, Goal.Kind.GOAL, people, start, due, status, rng
                )
            )
            child_parent.append(-1)
        for metric in rng.sample(pool, min(len(pool), rng.randint(2, 4))):
            baseline = _baseline(metric, rng)
            kpi = Kpi(
                workspace=workspace,
                partnership=partnership,
                metric_key=metric.key,
                name=metric.name,
                unit=metric.unit,
                direction=metric.good_direction,
                category=metric.category,
                target=_target(metric, baseline, rng),
            )
            kpis.append((kpi, metric, baseline))
    Goal.objects.bulk_create(objectives, batch_size=BATCH)
    for child, parent in zip(children, child_parent, strict=True):
        if parent >= 0:
            child.parent = objectives[parent]
    Goal.objects.bulk_create(children, batch_size=BATCH)
    for child in children:
        contributing.append((child, portfolio.functions[home_of(child)][:2]))
    rows_insert(
        Goal.contributing_functions.through,
        ("goal_id", "function_id"),
        [(goal.pk, pk) for goal, pks in contributing for pk in pks],
    )
    for goal in [*objectives, *children]:
        portfolio.goals.setdefault(home_of(goal), []).append(goal)

    checkins = _checkins(workspace, children, weeks, today, rng)
    rows_insert(CheckIn, CHECKIN_COLUMNS, checkins)
    Kpi.objects.bulk_create([kpi for kpi, _, _ in kpis], batch_size=BATCH)
    measurements = _measurements(workspace, kpis, weeks, today, rng)
    rows_insert(Measurement, MEASUREMENT_COLUMNS, measurements)
    portfolio.kpis = [kpi for kpi, _, _ in kpis]
    portfolio.counts.update(
        {
            "goals": len(objectives) + len(children),
            "check-ins": len(checkins),
            "KPIs": len(kpis),
            "measurements": len(measurements),
        }
    )


def _measurable(
    workspace: Workspace,
    partnership: Partnership,
    metric: Metric,
    kind: str,
    people: list[Person],
    start: date,
    due: date,
    status: str,
    rng: random.Random,
) -> Goal:
    baseline = _baseline(metric, rng)
    target = _target(metric, baseline, rng)
    verb = "Raise" if metric.good_direction == "increase" else "Cut"
    return Goal(
        workspace=workspace,
        kind=kind,
        partnership=partnership,
        title=f"{verb} {metric.name.lower()} from {baseline:g} to {target:g}",
        metric_key=metric.key,
        metric_name=metric.name,
        unit=metric.unit,
        baseline=baseline,
        target=target,
        direction=metric.good_direction,
        start_date=start,
        due_date=due,
        owner=people[rng.randrange(len(people))],
        status=status,
    )


def _checkins(
    workspace: Workspace, goals: list[Goal], weeks: int, today: date, rng: random.Random
) -> list[tuple[Any, ...]]:
    """Weekly values moving from the baseline towards the target at the goal's own pace."""
    rows: list[tuple[Any, ...]] = []
    for goal in goals:
        if goal.status == Goal.Status.DRAFT or goal.start_date is None:
            continue
        assert goal.baseline is not None
        assert goal.target is not None
        assert goal.due_date is not None
        pace = _pace(rng)
        span = goal.target - goal.baseline
        length = max((goal.due_date - goal.start_date).days, 7)
        first = max(goal.start_date, today - timedelta(weeks=weeks))
        day = first + timedelta(days=7)
        while day <= today:
            share = min((day - goal.start_date).days / length * pace, 1.0)
            value = goal.baseline + span * share + rng.uniform(-0.03, 0.03) * abs(span)
            expected = max((day - goal.start_date).days / length, 1e-9)
            ratio = share / expected
            confidence = (
                CheckIn.Confidence.ON_TRACK
                if ratio >= 0.9
                else CheckIn.Confidence.AT_RISK
                if ratio >= 0.6
                else CheckIn.Confidence.OFF_TRACK
            )
            rows.append(
                (
                    workspace.pk,
                    goal.pk,
                    day,
                    round(value, 2),
                    str(confidence),
                    max(0, min(10, round(ratio * 7 + rng.uniform(-1, 1)))),
                    "" if rng.random() < 0.7 else "Discussed at the weekly sync.",
                )
            )
            day += timedelta(days=7)
    return rows


def _measurements(
    workspace: Workspace,
    kpis: list[tuple[Kpi, Metric, float]],
    weeks: int,
    today: date,
    rng: random.Random,
) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for kpi, metric, baseline in kpis:
        started = kpi.partnership.start_date
        if started is None:
            continue
        drift = rng.uniform(-0.02, 0.04) * (1 if metric.good_direction == "increase" else -1)
        for week in range(weeks, 0, -1):
            day = today - timedelta(weeks=week - 1)
            if day < started:
                continue
            value = baseline * (1 + drift * (weeks - week)) * rng.uniform(0.97, 1.03)
            if metric.unit == "%":
                value = min(value, 100.0)
            rows.append((workspace.pk, kpi.pk, day, round(value, 2), "import"))
    return rows
