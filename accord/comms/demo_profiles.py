"""Demo function profiles for Brightwater: every function says how to work with it, with
genuinely different priorities, rhythms and channels, so the partnership pages have real
differences to show (Sales' discounting vs Finance's margin, Finance's close vs Operations'
stock count, chat-and-quick-replies vs email-and-documents). People's profile was last
reviewed months ago and Product's never was: both show as stale."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accord.comms.models_profiles import FunctionPriority, FunctionProfile
from accord.org.models import Function
from accord.workspaces.models import Workspace

QUARTER_ENDS = (3, 6, 9, 12)


@dataclass(frozen=True)
class DemoProfile:
    function: str
    mission: str
    role: str
    kpis: tuple[str, ...]
    planning: str
    methods: str
    busy_text: str
    busy: tuple[tuple[str, tuple[int, ...], int, int], ...]  # label, months, from, to
    approvals: tuple[str, ...]
    channels: tuple[str, ...]
    response_hours: int
    how_to_ask: str
    priorities: tuple[tuple[str, str, str], ...]  # title, detail, metric key
    reviewed_days_ago: int | None  # None: never reviewed


PROFILES: tuple[DemoProfile, ...] = (
    DemoProfile(
        function="Sales",
        mission="Win and grow the retailers, grocers and marketplaces that sell Brightwater.",
        role=(
            "We own every wholesale account from the first call to the signed purchase order "
            "and each reorder after it. We set deal terms within the pricing guardrails and "
            "are the voice of the buyer inside Brightwater."
        ),
        kpis=(
            "new_bookings",
            "win_rate",
            "quota_attainment",
            "discount_rate",
            "customer_payment_terms",
        ),
        planning="monthly",
        methods=(
            "Monday pipeline review, Thursday deal desk. Targets are set per month and rolled "
            "up per quarter; the last two weeks of a quarter are all about closing."
        ),
        busy_text="Quarter-end crunch: the last two weeks of March, June, September, December.",
        busy=(("Quarter-end crunch", QUARTER_ENDS, 15, 31),),
        approvals=("Discounts above 10%: regional sales lead",),
        channels=("chat", "meeting"),
        response_hours=4,
        how_to_ask=(
            "Post in #sales-desk with the account name and what you need by when. For a "
            "customer escalation, call the account owner directly."
        ),
        priorities=(
            ("Hit the quarter's new bookings target", "$4.2M this quarter", "new_bookings"),
            ("Close the three grocery chains in late-stage pipeline", "", "win_rate"),
            ("Offer 60-day terms to win the marketplaces", "", "customer_payment_terms"),
        ),
        reviewed_days_ago=12,
    ),
    DemoProfile(
        function="Marketing",
        mission="Make Brightwater the bottle people ask for, online and on the shelf.",
        role=(
            "We build the brand, run campaigns and trade promotions, and bring shoppers to "
            "brightwater.example and to our retail partners."
        ),
        kpis=(
            "website_traffic",
            "website_conversion_rate",
            "marketing_qualified_leads",
            "customer_acquisition_cost",
            "brand_awareness",
        ),
        planning="monthly",
        methods="Campaign calendar planned a month ahead; creative reviews on Wednesdays.",
        busy_text="Holiday campaign in October–November; spring launch in March.",
        busy=(("Holiday campaign", (10, 11), 1, 31), ("Spring launch", (3,), 1, 31)),
        approvals=("External copy: brand review", "Paid media over $10k: CMO"),
        channels=("chat", "shared_doc"),
        response_hours=24,
        how_to_ask=(
            "Use the marketing request form for anything customer-facing; give us two weeks "
            "for new creative and four for a campaign."
        ),
        priorities=(
            ("Grow store traffic 30% before the holidays", "", "website_traffic"),
            ("Lower acquisition cost on paid social", "", "customer_acquisition_cost"),
            ("Launch the refill range", "", ""),
        ),
        reviewed_days_ago=35,
    ),
    DemoProfile(
        function="Operations",
        mission="Get every order out the door on time, complete and undamaged, at a sane cost.",
        role=(
            "We buy materials, work with our manufacturers, run the Chicago warehouse and "
            "ship every order. Stock levels and lead times are ours."
        ),
        kpis=("otif", "fill_rate", "inventory_days", "order_accuracy", "logistics_cost"),
        planning="weekly",
        methods=(
            "Weekly supply plan on Mondays; monthly sales-and-operations planning with Sales "
            "and Finance."
        ),
        busy_text="Holiday peak in November–December; annual stock count in the first days "
        "of January.",
        busy=(("Holiday peak", (11, 12), 1, 31), ("Annual stock count", (1,), 1, 10)),
        approvals=("New SKUs: demand planner and warehouse lead",),
        channels=("chat", "email_list"),
        response_hours=24,
        how_to_ask=(
            "Order and stock questions: #ops-help. Anything that changes the supply plan "
            "must reach us by Friday for the Monday plan."
        ),
        priorities=(
            ("Ship 97% of orders on time and in full", "", "otif"),
            ("Cut days of inventory from 84 to 60", "", "inventory_days"),
            ("Renegotiate the freight contract", "", "logistics_cost"),
        ),
        reviewed_days_ago=48,
    ),
    DemoProfile(
        function="Finance",
        mission="Keep the books right, the cash flowing and every price worth selling at.",
        role=(
            "We close the books every month, plan the budget with each team, set prices with "
            "Sales and watch cash, margin and the cost of every promotion."
        ),
        kpis=(
            "gross_margin",
            "days_sales_outstanding",
            "budget_variance",
            "operating_expenses",
            "free_cash_flow",
        ),
        planning="quarterly",
        methods=(
            "Month-end close in the first five working days; quarterly forecast; annual "
            "budget built in October and November. Requests go in the finance queue."
        ),
        busy_text="Month-end close (first working days of each month); annual budget in "
        "October–November.",
        busy=(("Month-end close", (), 1, 6), ("Annual budget", (10, 11), 1, 31)),
        approvals=(
            "Discounts over 15%: controller review",
            "Spend over $25k: CFO sign-off",
            "New payment terms: credit review",
        ),
        channels=("email_list", "shared_doc"),
        response_hours=48,
        how_to_ask=(
            "Email finance@brightwater.example or add a comment in the pricing tracker. "
            "Include the numbers you are working from; we answer within two working days."
        ),
        priorities=(
            ("Protect gross margin at 38% or better", "", "gross_margin"),
            ("Bring DSO under 40 days", "", "days_sales_outstanding"),
            ("Hold operating expenses to budget", "", "budget_variance"),
        ),
        reviewed_days_ago=20,
    ),
    DemoProfile(
        function="People",
        mission="Hire, grow and look after the people who make Brightwater.",
        role="We recruit, onboard, pay and support everyone, and help managers grow teams.",
        kpis=("time_to_hire", "employee_turnover", "employee_engagement", "offer_acceptance_rate"),
        planning="annual",
        methods="Annual headcount plan; performance reviews twice a year.",
        busy_text="Performance reviews in January and July; compensation round in March.",
        busy=(("Performance reviews", (1, 7), 1, 31), ("Compensation round", (3,), 1, 31)),
        approvals=("New roles: budget holder and People partner",),
        channels=("email_list", "meeting"),
        response_hours=72,
        how_to_ask="Open a ticket in the People portal; for anything sensitive, book a call.",
        priorities=(
            ("Hire 14 people in Operations and Engineering by summer", "", "time_to_hire"),
            ("Lift engagement above 75", "", "employee_engagement"),
        ),
        reviewed_days_ago=140,
    ),
    DemoProfile(
        function="Engineering",
        mission="Build and run the store, the wholesale portal and the systems behind them.",
        role=(
            "We own the online store, the wholesale ordering portal and the integrations with "
            "the warehouse, marketplaces and finance systems."
        ),
        kpis=(
            "deployment_frequency",
            "change_failure_rate",
            "mean_time_to_restore",
            "incident_count",
        ),
        planning="sprints",
        methods=(
            "Two-week sprints, planning every other Monday; requests land in the backlog and "
            "are ranked with Product."
        ),
        busy_text="Holiday code freeze from mid-November through December.",
        busy=(("Pre-peak code freeze", (11,), 15, 30), ("Holiday code freeze", (12,), 1, 31)),
        approvals=("Checkout changes: Product review and security review",),
        channels=("chat", "shared_doc"),
        response_hours=24,
        how_to_ask=(
            "File it in the Engineering board with the problem, not the solution; urgent "
            "production issues go to #eng-oncall."
        ),
        priorities=(
            ("Deploy daily without breaking checkout", "", "deployment_frequency"),
            ("Keep the change failure rate under 10%", "", "change_failure_rate"),
            ("Replace the warehouse integration before peak", "", ""),
        ),
        reviewed_days_ago=9,
    ),
    DemoProfile(
        function="Customer Success",
        mission="Make every shopper and retail buyer glad they chose Brightwater.",
        role=(
            "We answer shoppers and buyers in the US and Europe, fix what went wrong with "
            "their orders and tell the company what customers keep asking for."
        ),
        kpis=("csat", "first_response_time", "ticket_backlog", "renewal_rate", "nps"),
        planning="weekly",
        methods="Daily stand-up; weekly review of top contact reasons with Product.",
        busy_text="Black Friday week and post-holiday returns in January.",
        busy=(("Black Friday week", (11,), 20, 30), ("Post-holiday returns", (1,), 1, 20)),
        approvals=("Refunds over $500: team lead",),
        channels=("chat", "email_list"),
        response_hours=8,
        how_to_ask="Ask in #cs-help; for a customer escalation, tag the duty lead.",
        priorities=(
            ("Keep CSAT above 92%", "", "csat"),
            ("First response within 2 hours", "", "first_response_time"),
            ("Renew every wholesale account that is up this year", "", "renewal_rate"),
        ),
        reviewed_days_ago=27,
    ),
    DemoProfile(
        function="Product",
        mission="Decide what the store and the wholesale portal do next, and why.",
        role="We research how shoppers and buyers use our products, set the roadmap and design.",
        kpis=("feature_adoption", "active_users", "self_service_rate", "time_to_market"),
        planning="quarterly",
        methods="Quarterly roadmap; discovery interviews every week.",
        busy_text="Quarterly planning in the first two weeks of each quarter.",
        busy=(("Quarterly planning", (1, 4, 7, 10), 1, 14),),
        approvals=("Roadmap changes: head of Product",),
        channels=("shared_doc", "meeting"),
        response_hours=24,
        how_to_ask="Add an opportunity to the product board with the customer evidence.",
        priorities=(
            ("Move half of order questions to self-service", "", "self_service_rate"),
            ("Ship the reorder flow for wholesale buyers", "", "feature_adoption"),
        ),
        reviewed_days_ago=None,
    ),
)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def demo_profiles_build(workspace: Workspace, *, today: date) -> None:
    """A profile with ranked priorities for every Brightwater function (bulk writes)."""
    functions = {f.name: f for f in Function.objects.filter(workspace=workspace)}
    specs = {spec.function: spec for spec in PROFILES}
    profiles: list[FunctionProfile] = []
    for name, function in sorted(functions.items()):
        spec = specs.get(name)
        if spec is None:
            continue
        reviewed = (
            _moment(today - timedelta(days=spec.reviewed_days_ago))
            if spec.reviewed_days_ago is not None
            else None
        )
        profiles.append(
            FunctionProfile(
                workspace=workspace,
                function=function,
                mission=spec.mission,
                role_in_business=spec.role,
                owned_kpis=list(spec.kpis),
                planning_cycle=spec.planning,
                working_methods=spec.methods,
                busy_periods=spec.busy_text,
                busy_windows=[
                    {"label": label, "months": list(months), "day_from": start, "day_to": end}
                    for label, months, start, end in spec.busy
                ],
                approval_steps="\n".join(spec.approvals),
                preferred_channels=list(spec.channels),
                response_time_hours=spec.response_hours,
                how_to_ask=spec.how_to_ask,
                reviewed_at=reviewed,
                reviewed_by=function.lead if reviewed else None,
            )
        )
    created = FunctionProfile.objects.bulk_create(profiles)
    priorities = [
        FunctionPriority(
            workspace=workspace,
            profile=profile,
            rank=rank,
            title=title,
            detail=detail,
            metric_key=key,
        )
        for profile in created
        for rank, (title, detail, key) in enumerate(
            specs[profile.function.name].priorities, start=1
        )
    ]
    FunctionPriority.objects.bulk_create(priorities)
