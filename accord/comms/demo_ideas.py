"""Demo ideas for Brightwater: ideas in every stage across the partnerships — one adopted into
a goal, experiments running, one under discussion with anonymous voting, proposals and a
parked one — with votes and comments from several functions and levels, so the ideas page
shows where ideas come from and how many cross function lines.

People are found by role (see demo_feedback.DemoPeople), never by generated names.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from accord.comms.demo_feedback import DemoPeople, at
from accord.comms.models import Idea, IdeaComment, IdeaVote
from accord.goals.models import Goal
from accord.workspaces.models import Workspace


@dataclass(frozen=True)
class DemoIdea:
    partnership: str
    author: str  # a DemoPeople key
    title: str
    problem: str
    proposal: str
    expected_impact: str
    functions: tuple[str, ...]
    stage: str
    days_ago: int
    voters: tuple[str, ...] = ()
    comments: tuple[tuple[str, str], ...] = ()  # (person key, text)
    anonymous: bool = False
    experiment: str = ""
    outcome: str = ""
    goal: str = ""  # title of the objective an adopted idea becomes


P, D, E, A, X = (
    Idea.Stage.PROPOSED,
    Idea.Stage.DISCUSSING,
    Idea.Stage.EXPERIMENT,
    Idea.Stage.ADOPTED,
    Idea.Stage.PARKED,
)
SPRINT = "storefront-conversion-sprint"
O2C = "faster-order-to-cash"
STOCK = "inventory-right-sizing"
MARGIN = "wholesale-margin-recovery"
SUPPORT = "support-deflection"
ONBOARD = "new-hire-ramp-up"

IDEAS = (
    DemoIdea(
        SPRINT,
        "login:member",
        "One promotion calendar, shared with Finance",
        "Finance learns about promotions after they go live, so margin surprises arrive a "
        "month later in the close.",
        "Keep one promotion calendar with the planned discount depth per week, shared with "
        "Finance two weeks ahead of every promotion.",
        "No promotion launches without a margin check; fewer write-downs at month end.",
        ("Marketing", "Finance"),
        A,
        52,
        voters=(
            "flead:Finance",
            "pm:storefront-conversion-sprint:Product:0",
            "flead:Sales",
            "login:viewer",
            "pm:storefront-conversion-sprint:Engineering:1",
        ),
        comments=(
            ("flead:Finance", "Yes please — two weeks is enough for us to check the margin."),
            ("login:viewer", "I can build the margin check as a shared sheet."),
        ),
        experiment="Ran for the May and June promotions: calendar shared 14 days ahead.",
        outcome="Both promotions launched with a margin check; no write-down in June. Adopted "
        "for every promotion.",
        goal="Every promotion has a margin check before launch",
    ),
    DemoIdea(
        O2C,
        "login:viewer",
        "Reason codes on every invoice dispute",
        "Disputes arrive as free text, so Finance spends days matching them to invoices and "
        "nobody sees which causes are growing.",
        "Customer Success logs one of eight reason codes on every dispute; Finance reports on "
        "them monthly.",
        "Reconciliation in hours instead of days; the top three causes visible to Sales.",
        ("Finance", "Customer Success", "Sales"),
        E,
        24,
        voters=(
            "plead:faster-order-to-cash",
            "pm:faster-order-to-cash:Customer Success:0",
            "flead:Sales",
            "login:owner",
            "login:member",
            "flead:Finance",
        ),
        comments=(
            ("pm:faster-order-to-cash:Customer Success:0", "Eight codes is the right size."),
            ("flead:Sales", "Sales wants to see the monthly report too."),
        ),
        experiment="Four weeks in the EU region: every dispute gets a code. Judged by the "
        "time to reconcile and the share of disputes with a code.",
    ),
    DemoIdea(
        STOCK,
        "plead:inventory-right-sizing",
        "Freeze the sales forecast 48 hours before S&OP",
        "The forecast changes on the morning of the planning meeting, after purchase orders "
        "were placed on the old numbers.",
        "Sales freezes its forecast two working days before each S&OP meeting; later changes "
        "go to the next cycle unless the sponsor approves.",
        "Purchase orders match the forecast discussed; fewer expedited shipments.",
        ("Sales", "Operations"),
        D,
        13,
        voters=(
            "login:owner",
            "pm:inventory-right-sizing:Finance:0",
            "pm:inventory-right-sizing:Finance:1",
        ),
        comments=(
            ("flead:Sales", "48 hours is tight at quarter end — could it be 24 in the last week?"),
            ("plead:inventory-right-sizing", "Fair; let us try 48 with a quarter-end exception."),
        ),
        anonymous=True,
    ),
    DemoIdea(
        MARGIN,
        "plead:wholesale-margin-recovery",
        "A self-serve discount calculator for reps",
        "Reps ask Finance for the margin impact of every discount, which takes a day and "
        "slows deals.",
        "A calculator in the CRM that shows the margin after discount and freight, with the "
        "approval level it needs.",
        "Most discount questions answered in seconds; Finance reviews only the exceptions.",
        ("Sales", "Finance"),
        P,
        5,
        voters=("pm:wholesale-margin-recovery:Sales:1", "login:viewer"),
        comments=(("flead:Finance", "Happy to supply the freight assumptions."),),
    ),
    DemoIdea(
        MARGIN,
        "pm:wholesale-margin-recovery:Operations:1",
        "Put freight on the agenda first",
        "Freight is a third of the margin gap but keeps landing at the end of the meeting.",
        "Rotate the agenda so each function's topic goes first once a month, starting with "
        "freight.",
        "Freight cost actions decided this quarter.",
        ("Operations",),
        X,
        30,
        voters=("login:owner",),
        outcome="Parked: the partnership now time-boxes every agenda item instead, which "
        "solved the same problem.",
    ),
    DemoIdea(
        SUPPORT,
        "flead:Customer Success",
        "Help articles inside checkout error messages",
        "Customers who hit a checkout error open a ticket, even when a help article answers it.",
        "Link the matching help article from each checkout error message.",
        "Fewer checkout tickets; faster answers for customers.",
        ("Engineering", "Customer Success", "Product"),
        P,
        3,
        voters=("pm:support-deflection:Engineering:1", "login:member", "flead:Product"),
        anonymous=True,
    ),
    DemoIdea(
        SPRINT,
        "pm:storefront-conversion-sprint:Engineering:1",
        "A fifteen-minute copy check before each release",
        "Copy changes arrive after the release branch is cut and delay releases.",
        "A standing fifteen-minute check on Monday at noon where Marketing confirms the copy "
        "for the week's release.",
        "No release slips because of late copy.",
        ("Engineering", "Marketing"),
        D,
        17,
        voters=("login:member", "flead:Product"),
        comments=(("login:member", "Works for us — I will send the invite."),),
    ),
    DemoIdea(
        ONBOARD,
        "login:admin",
        "A buddy from another function for every new hire",
        "New hires only meet their own team in the first month and do not know who to ask "
        "elsewhere.",
        "Pair every new hire with a buddy from another function for their first six weeks.",
        "New hires name three contacts outside their team after a month.",
        ("People", "Engineering", "Operations"),
        E,
        20,
        voters=("flead:Engineering", "login:owner"),
        experiment="The next eight hires get a buddy; a two-question survey at week six.",
    ),
    DemoIdea(
        O2C,
        "flead:Sales",
        "Send invoices by e-mail to every customer",
        "Paper invoices take a week longer to be paid.",
        "Move the remaining customers to e-mailed invoices.",
        "Days sales outstanding down by about four days.",
        ("Sales", "Finance"),
        P,
        2,
        voters=("plead:faster-order-to-cash",),
    ),
)


def demo_ideas_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo ideas with their votes, comments and (for the adopted one) a goal."""
    people = DemoPeople(workspace)
    ideas: list[Idea] = []
    created: list[datetime] = []
    specs: list[DemoIdea] = []
    for spec in IDEAS:
        partnership = people.partnerships.get(spec.partnership)
        author = people.person(spec.author)
        if partnership is None or author is None:
            continue
        goal = None
        if spec.goal:
            goal = Goal.objects.create(
                workspace=workspace,
                kind=Goal.Kind.OBJECTIVE,
                partnership=partnership,
                title=spec.goal,
                description=f"Adopted from the idea “{spec.title}”. {spec.proposal}",
                owner=author,
                due_date=today + timedelta(days=120),
            )
        ideas.append(
            Idea(
                workspace=workspace,
                partnership=partnership,
                author=author,
                title=spec.title,
                problem=spec.problem,
                proposal=spec.proposal,
                expected_impact=spec.expected_impact,
                stage=spec.stage,
                anonymous_voting=spec.anonymous,
                experiment=spec.experiment,
                outcome=spec.outcome,
                goal=goal,
            )
        )
        created.append(at(today, spec.days_ago, 9))
        specs.append(spec)
    Idea.objects.bulk_create(ideas)
    for idea, moment in zip(ideas, created, strict=True):
        idea.created_at = moment
    Idea.objects.bulk_update(ideas, ["created_at"])

    links = []
    votes: list[IdeaVote] = []
    comments: list[IdeaComment] = []
    commented: list[datetime] = []
    for idea, spec, moment in zip(ideas, specs, created, strict=True):
        for name in spec.functions:
            function = people.functions.get(name)
            if function is not None:
                links.append(Idea.functions.through(idea_id=idea.pk, function_id=function.pk))
        voters = {people.person(key) for key in spec.voters} - {None, idea.author}
        votes += [
            IdeaVote(workspace=workspace, idea=idea, person=voter)
            for voter in sorted(voters, key=lambda p: p.pk)  # type: ignore[union-attr]
        ]
        for number, (key, text) in enumerate(spec.comments, start=1):
            commenter = people.person(key)
            if commenter is not None:
                comments.append(
                    IdeaComment(workspace=workspace, idea=idea, author=commenter, body=text)
                )
                commented.append(min(moment + timedelta(days=number, hours=3), at(today, 0, 8)))
    Idea.functions.through.objects.bulk_create(links)
    IdeaVote.objects.bulk_create(votes)
    IdeaComment.objects.bulk_create(comments)
    for comment, moment in zip(comments, commented, strict=True):
        comment.created_at = moment
    IdeaComment.objects.bulk_update(comments, ["created_at"])
