"""Demo knowledge for Brightwater: "ask me about" topics for most people (what each function
really gets asked), a few skills people picked up in another function, a library for every
active partnership, and learning opportunities of every kind with sign-ups (one full, one
closed).

Deterministic: people are found by job title and walked in name order; dates are relative to
`today`.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.org.actions import person_skills_set
from accord.org.models import Function, Person, PersonSkill
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.workspaces.models import Workspace

MEMBER_LOGIN = "member@brightwater.example"

TOPICS: dict[str, tuple[str, ...]] = {
    "Sales": (
        "Retail buyer negotiations",
        "Grocery chain onboarding",
        "Wholesale price lists",
        "Marketplace listings on Amazon and Target+",
        "Pipeline reviews that work",
        "Reorder forecasts with buyers",
        "Trade show planning",
    ),
    "Marketing": (
        "Campaign briefs",
        "Brand voice",
        "Email deliverability",
        "Promotion calendars",
        "UTM tagging and attribution",
        "Product launch checklists",
        "Influencer agreements",
    ),
    "Operations": (
        "Safety stock levels",
        "3PL contracts",
        "Carrier rate negotiation",
        "Supplier quality audits",
        "NetSuite item setup",
        "Cycle counts",
        "Import duties and customs",
    ),
    "Finance": (
        "Quarter-end accruals",
        "Promotion ROI",
        "Gross margin bridges",
        "Credit terms for retailers",
        "Budget templates",
        "Cash forecasting",
        "Expense policy",
    ),
    "People": (
        "Hiring plans",
        "Onboarding checklists",
        "Performance reviews",
        "Work permits in Ireland",
        "Benefits enrollment",
        "Manager training",
        "Compensation bands",
    ),
    "Engineering": (
        "Shopify apps",
        "EDI with retailers",
        "Data warehouse queries",
        "API integrations",
        "Incident response",
        "Site performance",
        "NetSuite integration",
    ),
    "Customer Success": (
        "Returns and refunds policy",
        "Zendesk macros",
        "Retailer chargebacks",
        "Customer survey results",
        "Escalations",
        "Help centre articles",
        "Order tracking problems",
    ),
    "Product": (
        "Customer interviews",
        "A/B tests",
        "Roadmap trade-offs",
        "Wholesale portal feedback",
        "Prototyping in Figma",
        "Checkout UX",
        "Accessibility basics",
    ),
}
MEMBER_TOPICS = ("Brand voice", "Writing for product pages", "Product launch checklists")

# Skills people picked up working with another function (job title, skill, level): the expert
# finder's "across functions" results are more interesting with them.
CROSSOVER_SKILLS = (
    ("Senior Account Executive", "Pricing analysis", 4),
    ("Sales Operations Analyst", "SQL", 4),
    ("Senior Marketing Analyst", "SQL", 3),
    ("Senior Customer Success Manager", "Data analysis", 4),
    ("Senior Financial Analyst", "Python", 3),
    ("Demand Planner", "Excel", 5),
    ("Data Analyst", "Pricing analysis", 3),
    ("Senior Product Designer", "Customer insights", 4),
)


@dataclass(frozen=True)
class DemoResource:
    kind: str
    title: str
    url: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    days_ago: int = 0


WIKI = "https://wiki.brightwater.example"
DASH = "https://dashboards.brightwater.example"
DRIVE = "https://drive.brightwater.example"
L, N, T, P = (
    Resource.Kind.LINK,
    Resource.Kind.NOTE,
    Resource.Kind.TEMPLATE,
    Resource.Kind.PLAYBOOK,
)

LIBRARIES: dict[str, tuple[DemoResource, ...]] = {
    "wholesale-margin-recovery": (
        DemoResource(
            P,
            "Discount approval playbook",
            f"{WIKI}/sales/discount-approval-playbook",
            "Who approves which discount, how fast, and what to send Finance. Use it before "
            "quoting anything deeper than 12%.",
            ("pricing", "approvals"),
            40,
        ),
        DemoResource(
            L,
            "Account margin dashboard",
            f"{DASH}/finance/account-margin",
            "Gross margin by account and SKU, refreshed every night from NetSuite.",
            ("dashboard", "margin"),
            35,
        ),
        DemoResource(
            T,
            "Deal review template",
            f"{DRIVE}/templates/deal-review.xlsx",
            "Fill it in for any deal with a discount above 12%; Finance answers within two "
            "working days.",
            ("pricing", "template"),
            28,
        ),
        DemoResource(
            N,
            "Why promotional bundles hurt margin",
            note="Bundles looked profitable because freight was booked to Operations. With "
            "freight allocated per order, 7 of 11 bundles sold below the margin floor. Agreed "
            "in the March review: every bundle gets a floor price before it is quoted.",
            tags=("margin", "lessons-learned"),
            days_ago=21,
        ),
        DemoResource(
            L,
            "Price list for wholesale 2026",
            f"{DRIVE}/sales/price-list-2026.pdf",
            tags=("pricing",),
            days_ago=12,
        ),
    ),
    "faster-order-to-cash": (
        DemoResource(
            P,
            "Order-to-cash playbook",
            f"{WIKI}/finance/order-to-cash",
            "From purchase order to cash in the bank: owners of each step, the handoffs that "
            "stall, and who to call when an invoice is disputed.",
            ("process", "invoicing"),
            45,
        ),
        DemoResource(
            L,
            "DSO and disputes dashboard",
            f"{DASH}/finance/dso",
            "Days sales outstanding by customer and the open disputes behind them.",
            ("dashboard", "dso"),
            30,
        ),
        DemoResource(
            T,
            "Dispute reason codes",
            f"{DRIVE}/templates/dispute-reason-codes.xlsx",
            "The 9 codes Customer Success and Finance both use, so the Monday report adds up.",
            ("disputes", "template"),
            18,
        ),
        DemoResource(
            N,
            "E-mail invoices: what retailers asked for",
            note="Three of the top ten retailers need the PO number in the subject line; two "
            "want one PDF per invoice. The ERP template now does both.",
            tags=("invoicing", "retailers"),
            days_ago=9,
        ),
    ),
    "inventory-right-sizing": (
        DemoResource(
            P,
            "Safety stock method",
            f"{WIKI}/operations/safety-stock",
            "How safety stock is set per SKU class (A/B/C), and when Sales can ask for more.",
            ("inventory", "method"),
            50,
        ),
        DemoResource(
            L,
            "Fill rate and weeks of cover dashboard",
            f"{DASH}/operations/fill-rate",
            tags=("dashboard", "inventory"),
            days_ago=32,
        ),
        DemoResource(
            T,
            "Promotion demand request",
            f"{DRIVE}/templates/promo-demand-request.docx",
            "Send it six weeks before a promotion so Operations can buy in time.",
            ("promotions", "template"),
            20,
        ),
        DemoResource(
            N,
            "Slow movers we agreed to stop stocking",
            note="14 SKUs with under two sales a month: sold through by the end of the "
            "quarter, then made to order. Sales told the three retailers who still buy them.",
            tags=("inventory", "decisions"),
            days_ago=6,
        ),
    ),
    "storefront-conversion-sprint": (
        DemoResource(
            P,
            "Experiment playbook",
            f"{WIKI}/product/experiments",
            "How we size, run and read an A/B test on the storefront, and when to stop one.",
            ("experiments", "method"),
            38,
        ),
        DemoResource(
            L,
            "Checkout funnel dashboard",
            f"{DASH}/storefront/checkout-funnel",
            "Sessions to orders, step by step, by device and traffic source.",
            ("dashboard", "conversion"),
            30,
        ),
        DemoResource(
            T,
            "Product page copy template",
            f"{DRIVE}/templates/product-page-copy.docx",
            "Headline, three benefits, care instructions: the structure that tested best.",
            ("copy", "template"),
            15,
        ),
        DemoResource(
            N,
            "What shoppers told us in usability tests",
            note="Five of eight testers looked for delivery dates before adding to cart. "
            "Showing the date on the product page is the next experiment.",
            tags=("research", "checkout"),
            days_ago=8,
        ),
        DemoResource(
            L,
            "Brand voice guide",
            f"{WIKI}/marketing/brand-voice",
            tags=("copy", "brand"),
            days_ago=3,
        ),
    ),
}
GENERIC_LIBRARY = (
    DemoResource(
        L,
        "Partnership charter and working agreements",
        f"{WIKI}/partnerships/charter",
        tags=("charter",),
        days_ago=30,
    ),
    DemoResource(
        T,
        "Weekly update template",
        f"{DRIVE}/templates/weekly-update.docx",
        "Progress, next steps, blockers and asks: the same shape every week.",
        ("updates", "template"),
        14,
    ),
)


@dataclass(frozen=True)
class DemoOpportunity:
    kind: str
    title: str
    host_title: str
    function: str
    description: str
    capacity: int
    signups: int  # how many people take a place
    starts_in: int | None = None  # days from today
    length: int = 0  # days
    partnership: str = ""
    closed: bool = False
    member_signs_up: bool = False


OPPORTUNITIES = (
    DemoOpportunity(
        LearningOpportunity.Kind.SHADOWING,
        "Shadow the Finance month-end close",
        "Controller",
        "Finance",
        "Spend the first three working days of the month with the accounting team: accruals, "
        "reconciliations and the close checklist. You will see why invoices sent on the 31st "
        "matter so much to us.",
        capacity=3,
        signups=1,
        starts_in=12,
        length=2,
        member_signs_up=True,
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.ROTATION,
        "Four-week rotation into Customer Success",
        "Director of Customer Success",
        "Customer Success",
        "Answer shoppers and retail buyers alongside the support team for four weeks, then "
        "bring what you heard back to your own team. Best for people who build or sell what "
        "customers ask about.",
        capacity=2,
        signups=2,
        starts_in=21,
        length=27,
        partnership="support-deflection",
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.MENTORING,
        "Pricing and margin for non-finance managers",
        "Senior Pricing Analyst",
        "Finance",
        "Six fortnightly one-to-ones: how a price becomes a margin, what a discount really "
        "costs, and how to read the account margin dashboard.",
        capacity=4,
        signups=2,
        starts_in=7,
        length=84,
        partnership="wholesale-margin-recovery",
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.MENTORING,
        "Mentoring for first-time people managers",
        "Head of People Operations",
        "People",
        "Monthly mentoring for anyone who took on a team this year: one-to-ones, feedback, "
        "hiring and the first performance review.",
        capacity=3,
        signups=1,
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.SHADOWING,
        "A day in the Chicago warehouse",
        "Warehouse Operations Lead",
        "Operations",
        "Receive a container, pick and pack wholesale orders and see a carrier pickup. Wear "
        "closed shoes.",
        capacity=4,
        signups=2,
        starts_in=16,
        partnership="inventory-right-sizing",
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.TALK,
        "How a wholesale deal is priced, end to end",
        "Director of Wholesale Sales",
        "Sales",
        "A 45-minute lunch-and-learn from first call to signed purchase order, with Finance "
        "answering questions on margin.",
        capacity=30,
        signups=5,
        starts_in=9,
        partnership="wholesale-margin-recovery",
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.SHADOWING,
        "Sit in on customer research sessions",
        "UX Researcher",
        "Product",
        "Observe two remote usability sessions with shoppers and join the debrief.",
        capacity=3,
        signups=1,
        starts_in=5,
        partnership="storefront-conversion-sprint",
    ),
    DemoOpportunity(
        LearningOpportunity.Kind.ROTATION,
        "Two weeks with Platform and Integrations",
        "Engineering Manager, Platform and Integrations",
        "Engineering",
        "Pair with the integrations team on the EDI feeds that carry retailers' orders.",
        capacity=1,
        signups=1,
        starts_in=-30,
        length=13,
        closed=True,
    ),
)

SIGNUP_NOTES = (
    "I keep getting asked about this by our retailers.",
    "Any day that week works for me.",
    "Would love to understand the handoffs better.",
    "",
)


def demo_knowledge_build(workspace: Workspace, *, today: date) -> None:
    """Topics, crossover skills, libraries and learning opportunities (bulk writes)."""
    people = list(
        Person.objects.filter(workspace=workspace).select_related("function").order_by("name")
    )
    if not people:
        return
    _topics_build(workspace, people)
    _crossover_skills_build(workspace, people)
    _libraries_build(workspace, today)
    _learning_build(workspace, people, today)


def _topics_build(workspace: Workspace, people: list[Person]) -> None:
    rows: list[ExpertiseTopic] = []
    for index, person in enumerate(people):
        if person.email == MEMBER_LOGIN:
            chosen: tuple[str, ...] = MEMBER_TOPICS
        elif person.function is None or index % 3 == 2:
            continue  # about a third of people have not listed topics yet
        else:
            pool = TOPICS.get(person.function.name, ())
            if not pool:
                continue
            count = 1 + index % 3
            chosen = tuple(pool[(index + step * 3) % len(pool)] for step in range(count))
        rows += [
            ExpertiseTopic(workspace=workspace, person=person, topic=topic)
            for topic in dict.fromkeys(chosen)
        ]
    ExpertiseTopic.objects.bulk_create(rows, ignore_conflicts=True)


def _crossover_skills_build(workspace: Workspace, people: list[Person]) -> None:
    by_title = {p.title: p for p in people}
    for title, skill, level in CROSSOVER_SKILLS:
        person = by_title.get(title)
        if person is None:
            continue
        skills = dict(
            PersonSkill.objects.filter(person=person).values_list("skill__name", "proficiency")
        )
        if skill in skills:
            continue
        person_skills_set(person=person, actor=None, skills={**skills, skill: level})


def _members(partnership: Partnership) -> list[Person]:
    rows = (
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("person")
        .order_by("person__name")
    )
    people = [row.person for row in rows]
    if partnership.lead is not None and partnership.lead not in people:
        people.insert(0, partnership.lead)
    return people


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 30)))


def _libraries_build(workspace: Workspace, today: date) -> None:
    partnerships = Partnership.objects.filter(
        workspace=workspace, status=Lifecycle.ACTIVE
    ).select_related("lead")
    planned: list[tuple[Resource, int]] = []
    for partnership in partnerships.order_by("name"):
        members = _members(partnership)
        library = LIBRARIES.get(partnership.slug, GENERIC_LIBRARY)
        for number, spec in enumerate(library):
            planned.append(
                (
                    Resource(
                        workspace=workspace,
                        partnership=partnership,
                        kind=spec.kind,
                        title=spec.title,
                        url=spec.url,
                        note=spec.note,
                        tags=list(spec.tags),
                        added_by=members[number % len(members)] if members else None,
                    ),
                    spec.days_ago,
                )
            )
    created = Resource.objects.bulk_create([resource for resource, _ in planned])
    # Spread the "added on" dates: auto_now_add stamps today on insert.
    for resource, (_, days_ago) in zip(created, planned, strict=True):
        moment = _at(today - timedelta(days=days_ago))
        Resource.objects.filter(pk=resource.pk).update(created_at=moment, updated_at=moment)


def _learning_build(workspace: Workspace, people: list[Person], today: date) -> None:
    by_title = {p.title: p for p in people}
    functions = {f.name: f for f in Function.objects.filter(workspace=workspace)}
    partnerships = {p.slug: p for p in Partnership.objects.filter(workspace=workspace)}
    member = next((p for p in people if p.email == MEMBER_LOGIN), None)
    signups: list[LearningSignup] = []
    for number, spec in enumerate(OPPORTUNITIES):
        host = by_title.get(spec.host_title)
        if host is None:
            continue
        starts = today + timedelta(days=spec.starts_in) if spec.starts_in is not None else None
        opportunity = LearningOpportunity.objects.create(
            workspace=workspace,
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            host=host,
            function=functions.get(spec.function),
            partnership=partnerships.get(spec.partnership) if spec.partnership else None,
            starts_on=starts,
            ends_on=starts + timedelta(days=spec.length) if starts and spec.length else None,
            capacity=spec.capacity,
        )
        # Learners come from other functions than the host's, in a stable order.
        learners = [
            p
            for p in people[number * 7 :] + people[: number * 7]
            if p.function_id not in {None, host.function_id} and p.email != MEMBER_LOGIN
        ]
        chosen = learners[: spec.signups]
        if spec.member_signs_up and member is not None and member.pk != host.pk:
            chosen = [member, *learners[: max(spec.signups - 1, 0)]]
        signups += [
            LearningSignup(
                workspace=workspace,
                opportunity=opportunity,
                person=person,
                note=SIGNUP_NOTES[(number + position) % len(SIGNUP_NOTES)],
            )
            for position, person in enumerate(chosen)
        ]
        if spec.closed:
            status = LearningOpportunity.Status.CLOSED
        elif len(chosen) >= spec.capacity:
            status = LearningOpportunity.Status.FULL
        else:
            status = LearningOpportunity.Status.OPEN
        if status != opportunity.status:
            LearningOpportunity.objects.filter(pk=opportunity.pk).update(status=status)
        LearningOpportunity.objects.filter(pk=opportunity.pk).update(
            created_at=_at(today - timedelta(days=3 + 4 * number))
        )
    created = LearningSignup.objects.bulk_create(signups)
    for position, signup in enumerate(created):
        LearningSignup.objects.filter(pk=signup.pk).update(
            created_at=_at(today - timedelta(days=1 + position % 6))
        )
