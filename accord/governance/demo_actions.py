"""Demo action items for the Brightwater workspace: open, in progress, overdue, done and
dropped follow-ups across the partnerships, some on goals, some with comments.

The demo login "member@…" owns a few, so My actions has something to show.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accord.goals.models import Goal
from accord.governance.models import ActionComment, ActionItem
from accord.org.models import Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Membership, Workspace

MEMBER_LOGIN = "member@brightwater.example"


@dataclass(frozen=True)
class DemoAction:
    partnership: str  # slug; "" for workspace-wide
    title: str
    due_in: int | None  # days from today; negative is past
    status: str = ActionItem.Status.OPEN
    owner: int | str = 0  # index into the partnership's members, or "member" for the login
    on_goal: bool = False
    comments: tuple[str, ...] = ()


OPEN, BUSY, DONE, DROPPED = (
    ActionItem.Status.OPEN,
    ActionItem.Status.IN_PROGRESS,
    ActionItem.Status.DONE,
    ActionItem.Status.DROPPED,
)

ACTIONS = (
    DemoAction(
        "wholesale-margin-recovery",
        "Publish the revised discount approval matrix",
        -6,
        BUSY,
        owner="member",
        on_goal=True,
        comments=(
            "Draft shared with Finance; waiting on the regional sales leads.",
            "Two regions signed off, one to go.",
        ),
    ),
    DemoAction(
        "wholesale-margin-recovery",
        "List the 20 accounts with the deepest discounts",
        -20,
        DONE,
        owner=1,
        on_goal=True,
        comments=("Done: the list is in the partnership folder.",),
    ),
    DemoAction(
        "wholesale-margin-recovery",
        "Agree a floor price for promotional bundles",
        9,
        OPEN,
        owner=2,
    ),
    DemoAction(
        "faster-order-to-cash",
        "Switch invoices to e-mail delivery for the top 50 customers",
        -3,
        OPEN,
        owner=0,
        on_goal=True,
        comments=("Blocked on the ERP template; IT has a ticket.",),
    ),
    DemoAction(
        "faster-order-to-cash",
        "Send dispute reasons report to Sales every Monday",
        14,
        BUSY,
        owner="member",
    ),
    DemoAction(
        "faster-order-to-cash",
        "Map the credit-check steps and their waiting times",
        -30,
        DONE,
        owner=1,
        on_goal=True,
    ),
    DemoAction(
        "inventory-right-sizing",
        "Flag SKUs with more than 120 days of cover",
        -10,
        OPEN,
        owner=0,
        on_goal=True,
        comments=("Needs the new demand forecast first.",),
    ),
    DemoAction(
        "inventory-right-sizing",
        "Propose a clearance plan for slow movers",
        21,
        OPEN,
        owner=1,
    ),
    DemoAction(
        "storefront-conversion-sprint",
        "Run the checkout A/B test for two weeks",
        5,
        BUSY,
        owner=0,
        on_goal=True,
        comments=("Test is live since Monday.", "Early numbers look good; keep it running."),
    ),
    DemoAction(
        "storefront-conversion-sprint",
        "Rewrite product pages for the 30 best sellers",
        -1,
        OPEN,
        owner="member",
    ),
    DemoAction(
        "new-hire-ramp-up",
        "Pair every new hire with a buddy from another function",
        12,
        OPEN,
        owner=0,
        on_goal=True,
    ),
    DemoAction(
        "new-hire-ramp-up",
        "Record the onboarding walkthrough video",
        -15,
        DROPPED,
        owner=1,
        comments=("Dropped: the live sessions work better.",),
    ),
    DemoAction(
        "support-deflection",
        "Publish help articles for the ten most asked questions",
        -4,
        BUSY,
        owner=0,
        on_goal=True,
    ),
    DemoAction(
        "support-deflection",
        "Tag tickets by root cause for a month",
        -25,
        DONE,
        owner=1,
    ),
    DemoAction(
        "",
        "Book the quarterly partnership review rooms",
        30,
        OPEN,
        owner="member",
    ),
)


def _members_of(partnership: Partnership) -> list[Person]:
    rows = (
        PartnershipMember.objects.filter(partnership=partnership)
        .select_related("person")
        .order_by("person__name")
    )
    people = [row.person for row in rows]
    for extra in (partnership.lead, partnership.sponsor):
        if extra is not None and extra not in people:
            people.append(extra)
    return people


def demo_actions_build(workspace: Workspace, *, today: date) -> None:
    """Add the demo action items and their comments (bulk writes, deterministic)."""
    partnerships = {p.slug: p for p in Partnership.objects.filter(workspace=workspace)}
    me = Person.objects.filter(workspace=workspace, user__email=MEMBER_LOGIN).first()
    fallback = Person.objects.filter(workspace=workspace).order_by("name").first()
    authors = [
        m.user
        for m in Membership.objects.filter(
            workspace=workspace, role__in=["owner", "admin", "member"]
        )
        .select_related("user")
        .order_by("user__email")
    ]
    goals: dict[int, list[Goal]] = {}
    for goal in Goal.objects.filter(workspace=workspace, partnership__isnull=False).order_by(
        "title"
    ):
        goals.setdefault(goal.partnership_id or 0, []).append(goal)

    rows: list[ActionItem] = []
    notes: list[tuple[int, tuple[str, ...]]] = []
    for index, spec in enumerate(ACTIONS):
        partnership = partnerships.get(spec.partnership) if spec.partnership else None
        if spec.partnership and partnership is None:
            continue
        members = _members_of(partnership) if partnership else []
        if spec.owner == "member" and me is not None:
            owner: Person | None = me
        elif members:
            owner = (
                members[spec.owner % len(members)] if isinstance(spec.owner, int) else members[0]
            )
        else:
            owner = me or fallback
        due = today + timedelta(days=spec.due_in) if spec.due_in is not None else None
        completed = None
        if spec.status == DONE and due is not None:
            completed = timezone.make_aware(datetime.combine(min(due, today), time(16, 0)))
        goal_choices = goals.get(partnership.pk, []) if partnership else []
        rows.append(
            ActionItem(
                workspace=workspace,
                partnership=partnership,
                title=spec.title,
                owner=owner,
                due_date=due,
                status=spec.status,
                goal=goal_choices[index % len(goal_choices)]
                if spec.on_goal and goal_choices
                else None,
                completed_at=completed,
            )
        )
        notes.append((len(rows) - 1, spec.comments))
    created = ActionItem.objects.bulk_create(rows)
    comments = [
        ActionComment(
            workspace=workspace,
            action=created[position],
            author=authors[number % len(authors)] if authors else None,
            body=body,
        )
        for position, bodies in notes
        for number, body in enumerate(bodies)
    ]
    ActionComment.objects.bulk_create(comments)
