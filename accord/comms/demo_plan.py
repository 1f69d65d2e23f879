"""Demo communication plans for Brightwater: channels with links, cadences (weekly update,
monthly review, QBR, a few custom ones) and "who to contact for what" for every forming or
active partnership.

Some cadences are set up to be missed so the inadequate-communication flags show: the
Inventory Right-Sizing stock-cover note and monthly review, and the Wholesale Margin Recovery
QBR, fall due before any meeting or note of theirs exists. Weekly updates are met by the
updates the demo posts afterwards (any update of the partnership counts while none is linked).
"""

from dataclasses import dataclass
from datetime import date, time, timedelta

from accord.comms.models_plan import Cadence, CommChannel, ContactEntry
from accord.comms.plan_actions import cadences_refresh
from accord.org.models import Function, Person
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.workspaces.models import Workspace

CHAT_BASE = "https://chat.brightwater.example/channels/"
DOCS_BASE = "https://docs.brightwater.example/d/"
RHYTHM: dict[str, tuple[int, str]] = {
    Cadence.Kind.WEEKLY_UPDATE: (1, Cadence.Unit.WEEK),
    Cadence.Kind.MONTHLY_REVIEW: (1, Cadence.Unit.MONTH),
    Cadence.Kind.QBR: (3, Cadence.Unit.MONTH),
}


@dataclass(frozen=True)
class DemoCadence:
    kind: str
    name: str
    first_due_days: int  # days from today of the first due date (negative: in the past)
    owner: str = "lead"  # "lead", or "function:<name>" for that function's member or lead
    channel: int | None = None  # index into the plan's channels
    interval: int | None = None
    unit: str | None = None
    meeting_time: time | None = None
    minutes: int = 60
    grace: int = 2


@dataclass(frozen=True)
class DemoPlan:
    slug: str
    channels: tuple[tuple[str, str, str, str], ...]  # kind, name, url, purpose
    cadences: tuple[DemoCadence, ...]
    contacts: tuple[tuple[str, str, str, str], ...]  # function, topic, alias, notes


def _last_friday(today: date, weeks_back: int) -> date:
    days = (today.weekday() - 4) % 7
    return today - timedelta(days=days + 7 * weeks_back)


PLANS: tuple[DemoPlan, ...] = (
    DemoPlan(
        slug="wholesale-margin-recovery",
        channels=(
            (
                "chat",
                "#margin-recovery",
                CHAT_BASE + "margin-recovery",
                "Day-to-day questions and heads-ups; nothing binding.",
            ),
            (
                "shared_doc",
                "Pricing tracker",
                DOCS_BASE + "pricing-tracker",
                "Every wholesale deal above 10% discount, with Finance's comments.",
            ),
            (
                "meeting",
                "Tuesday deal review",
                "https://meet.brightwater.example/deal-review",
                "30 minutes, deals that need a margin call.",
            ),
            (
                "dashboard",
                "Wholesale margin dashboard",
                "https://bi.brightwater.example/margin",
                "Gross margin by account, refreshed nightly.",
            ),
        ),
        cadences=(
            DemoCadence(Cadence.Kind.WEEKLY_UPDATE, "Weekly margin update", -70, channel=0),
            DemoCadence(
                Cadence.Kind.MONTHLY_REVIEW,
                "Monthly margin review",
                -60,
                owner="function:Finance",
                channel=2,
                meeting_time=time(14, 0),
            ),
            DemoCadence(
                Cadence.Kind.QBR,
                "Quarterly business review",
                -12,
                meeting_time=time(10, 0),
                minutes=90,
            ),
        ),
        contacts=(
            ("Sales", "Deal terms and customer context", "#sales-desk", ""),
            ("Sales", "Discounts above 10%", "", "Regional sales lead approves first."),
            (
                "Finance",
                "Discount approvals over 15%",
                "finance@brightwater.example",
                "Controller review within two working days.",
            ),
            ("Finance", "Margin and cost-to-serve numbers", "", ""),
            ("Operations", "Cost-to-serve and delivery promises", "#ops-help", ""),
        ),
    ),
    DemoPlan(
        slug="faster-order-to-cash",
        channels=(
            ("chat", "#order-to-cash", CHAT_BASE + "order-to-cash", "Questions and blockers."),
            (
                "email_list",
                "o2c@brightwater.example",
                "mailto:o2c@brightwater.example",
                "Weekly updates and anything customers must not see in chat.",
            ),
            (
                "dashboard",
                "DSO and disputes",
                "https://bi.brightwater.example/dso",
                "Days sales outstanding and open disputes by reason.",
            ),
        ),
        cadences=(
            DemoCadence(Cadence.Kind.WEEKLY_UPDATE, "Weekly async update", -56, channel=1),
            DemoCadence(
                Cadence.Kind.MONTHLY_REVIEW,
                "Monthly cash review",
                -45,
                owner="function:Finance",
                meeting_time=time(15, 0),
            ),
        ),
        contacts=(
            ("Finance", "Credit checks and payment terms", "credit@brightwater.example", ""),
            ("Sales", "Customer context for disputes", "", "The account owner first."),
            ("Customer Success", "Invoice disputes raised by customers", "#cs-help", ""),
        ),
    ),
    DemoPlan(
        slug="inventory-right-sizing",
        channels=(
            ("chat", "#inventory", CHAT_BASE + "inventory", "Stock questions and alerts."),
            (
                "shared_doc",
                "Slow-mover list",
                DOCS_BASE + "slow-movers",
                "SKUs above 120 days of cover, with the clearance plan.",
            ),
        ),
        cadences=(
            DemoCadence(Cadence.Kind.WEEKLY_UPDATE, "Weekly stock update", -63, channel=0),
            DemoCadence(
                Cadence.Kind.CUSTOM_UPDATE,
                "Stock-cover note to Finance",
                -40,
                owner="function:Operations",
                channel=1,
                interval=2,
                unit=Cadence.Unit.WEEK,
                grace=1,
            ),
            DemoCadence(
                Cadence.Kind.MONTHLY_REVIEW,
                "Monthly inventory review",
                -75,
                owner="function:Operations",
                meeting_time=time(11, 0),
            ),
        ),
        contacts=(
            ("Operations", "Stock levels and reorder points", "#ops-help", ""),
            ("Finance", "Write-downs and cash tied up in stock", "", ""),
            ("Sales", "Demand signals from key accounts", "", ""),
        ),
    ),
    DemoPlan(
        slug="storefront-conversion-sprint",
        channels=(
            ("chat", "#storefront", CHAT_BASE + "storefront", "The sprint's working channel."),
            (
                "shared_doc",
                "Experiment log",
                DOCS_BASE + "experiments",
                "Every A/B test: hypothesis, result, decision.",
            ),
            ("dashboard", "Conversion funnel", "https://bi.brightwater.example/funnel", ""),
        ),
        cadences=(
            DemoCadence(Cadence.Kind.WEEKLY_UPDATE, "Sprint update", -42, channel=0),
            DemoCadence(
                Cadence.Kind.CUSTOM_MEETING,
                "Sprint review",
                -28,
                owner="function:Product",
                interval=2,
                unit=Cadence.Unit.WEEK,
                meeting_time=time(16, 0),
                minutes=45,
            ),
        ),
        contacts=(
            ("Marketing", "Campaign landing pages", "", ""),
            ("Product", "What ships next and why", "", ""),
            ("Engineering", "Releases and incidents", "#eng-oncall", "Urgent production issues."),
        ),
    ),
    DemoPlan(
        slug="new-hire-ramp-up",
        channels=(
            ("chat", "#ramp-up", CHAT_BASE + "ramp-up", ""),
            ("shared_doc", "Onboarding plan", DOCS_BASE + "onboarding", ""),
        ),
        cadences=(DemoCadence(Cadence.Kind.WEEKLY_UPDATE, "Weekly async update", 3, channel=0),),
        contacts=(
            ("People", "Start dates and paperwork", "people@brightwater.example", ""),
            ("Engineering", "Laptops and accounts", "#it-help", ""),
        ),
    ),
)


def _people_by_function(partnership: Partnership) -> dict[int, list[Person]]:
    found: dict[int, list[Person]] = {}
    for member in (
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("person")
        .order_by("person__name")
    ):
        found.setdefault(member.function_id or 0, []).append(member.person)
    return found


def _person_of(
    functions: dict[str, Function], members: dict[int, list[Person]], name: str, index: int = 0
) -> Person | None:
    """The index-th member representing the function, else its lead."""
    function = functions.get(name)
    if function is None:
        return None
    people = members.get(function.pk) or []
    return people[index % len(people)] if people else function.lead


def demo_plan_build(workspace: Workspace, *, today: date) -> None:
    """Channels, cadences and contacts for each forming or active demo partnership."""
    partnerships = {
        p.slug: p
        for p in Partnership.objects.filter(
            workspace=workspace, status__in=[Lifecycle.FORMING, Lifecycle.ACTIVE]
        ).select_related("lead")
    }
    functions = {f.name: f for f in Function.objects.filter(workspace=workspace)}
    for plan in PLANS:
        partnership = partnerships.get(plan.slug)
        if partnership is None:
            continue
        members = _people_by_function(partnership)

        channels = CommChannel.objects.bulk_create(
            CommChannel(
                workspace=workspace,
                partnership=partnership,
                kind=kind,
                name=name,
                url=url,
                purpose=purpose,
                position=position,
            )
            for position, (kind, name, url, purpose) in enumerate(plan.channels)
        )
        cadences = []
        for spec in plan.cadences:
            interval, unit = RHYTHM.get(spec.kind, (spec.interval or 1, spec.unit or "week"))
            first = today + timedelta(days=spec.first_due_days)
            if spec.kind == Cadence.Kind.WEEKLY_UPDATE and spec.first_due_days < 0:
                first = _last_friday(today, -spec.first_due_days // 7)
            owner = (
                _person_of(functions, members, spec.owner.removeprefix("function:"))
                if spec.owner.startswith("function:")
                else partnership.lead
            )
            cadences.append(
                Cadence(
                    workspace=workspace,
                    partnership=partnership,
                    kind=spec.kind,
                    name=spec.name,
                    interval=spec.interval or interval,
                    unit=spec.unit or unit,
                    starts_on=first,
                    next_due=first,
                    grace_days=spec.grace,
                    owner=owner,
                    channel=channels[spec.channel] if spec.channel is not None else None,
                    meeting_time=spec.meeting_time,
                    meeting_minutes=spec.minutes,
                )
            )
        Cadence.objects.bulk_create(cadences)
        contacts = []
        for index, (function_name, topic, alias, notes) in enumerate(plan.contacts):
            function = functions.get(function_name)
            if function is None or not partnership.functions.filter(pk=function.pk).exists():
                continue
            shared = alias.startswith("#") and index % 2
            person = None if shared else _person_of(functions, members, function_name, index)
            contacts.append(
                ContactEntry(
                    workspace=workspace,
                    partnership=partnership,
                    function=function,
                    topic=topic,
                    person=person,
                    contact=alias,
                    notes=notes,
                )
            )
        ContactEntry.objects.bulk_create(contacts)
    # Due dates already missed move on (the updates and meetings built later may meet more;
    # the daily reminder job keeps next_due current from then on).
    cadences_refresh(workspace=workspace, today=today)
