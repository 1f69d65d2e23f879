"""Demo feedback, values and kudos for Brightwater.

Feedback flows across functions: some private (to a person, a function's lead, a partnership's
lead and sponsor), some shared openly, several replied to and acted on. The demo login
"member@…" (a Marketing manager who leads the storefront sprint) has received feedback from
Finance, Engineering and Customer Success and given some, so the Feedback page and its balance
have a story. Kudos carry the workspace's values and mostly cross function lines.

People are found by their role (a login, a function's lead, a partnership's lead, sponsor or
members), never by the generated names, so the story holds whatever names the build draws.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from accord.comms.models import Feedback, Kudos, Value
from accord.org.models import Function, Person
from accord.partnerships.models import Partnership, PartnershipMember
from accord.workspaces.models import Workspace

DOMAIN = "brightwater.example"


class DemoPeople:
    """Resolve the demo's people by role: `login:member`, `flead:Finance` (a function's lead),
    `plead:<slug>` / `sponsor:<slug>` (a partnership's), `pm:<slug>:<Function>:<n>` (the n-th
    member of that function in the partnership, by name)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.functions = {
            f.name: f for f in Function.objects.filter(workspace=workspace).select_related("lead")
        }
        self.partnerships = {
            p.slug: p
            for p in Partnership.objects.filter(workspace=workspace).select_related(
                "lead", "sponsor"
            )
        }
        self.logins = {
            p.user.email.split("@")[0]: p
            for p in Person.objects.filter(
                workspace=workspace, user__email__endswith=f"@{DOMAIN}"
            ).select_related("user")
            if p.user is not None
        }
        self.members: dict[tuple[str, str], list[Person]] = {}
        for row in (
            PartnershipMember.objects.filter(workspace=workspace)
            .select_related("person", "function", "partnership")
            .order_by("person__name")
        ):
            key = (row.partnership.slug, row.function.name)
            self.members.setdefault(key, []).append(row.person)

    def person(self, key: str) -> Person | None:
        kind, _, rest = key.partition(":")
        if kind == "login":
            return self.logins.get(rest)
        if kind == "flead":
            function = self.functions.get(rest)
            return function.lead if function else None
        if kind in ("plead", "sponsor"):
            partnership = self.partnerships.get(rest)
            if partnership is None:
                return None
            return partnership.lead if kind == "plead" else partnership.sponsor
        if kind == "pm":
            slug, function_name, index = rest.split(":")
            people = self.members.get((slug, function_name), [])
            return people[int(index) % len(people)] if people else None
        return None


def at(today: date, days_ago: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(hour, 0)))


@dataclass(frozen=True)
class DemoFeedback:
    giver: str  # a DemoPeople key
    to: str  # "person:<key>", "function:<name>" or "partnership:<slug>"
    days_ago: int
    situation: str
    behaviour: str
    impact: str
    request: str = ""
    shared: bool = False
    reply: str = ""
    acted: bool = False


FEEDBACK = (
    DemoFeedback(
        "flead:Finance",
        "person:login:member",
        34,
        "In Thursday's storefront pricing sync.",
        "You brought the promotion calendar with the expected discount depth for every week.",
        "Finance could check the margin before the promotions went live instead of after — the "
        "first time this year.",
        "Share the calendar two weeks ahead for the summer promotions too.",
        reply="Thank you — I have added “calendar to Finance” to the sprint checklist.",
        acted=True,
    ),
    DemoFeedback(
        "pm:storefront-conversion-sprint:Engineering:1",
        "person:login:member",
        19,
        "Release day for the new product pages.",
        "The banner copy changed after the release branch was cut.",
        "We re-ran the accessibility checks and the release slipped by a day.",
        "Send copy changes before Monday noon, or mark them for the next release.",
        reply="Fair. I did not know the cut-off; it is now in the channel topic.",
    ),
    DemoFeedback(
        "flead:Customer Success",
        "person:login:member",
        9,
        "At the support deflection kickoff.",
        "You offered to rewrite the ten most-read help articles yourself.",
        "The support team saw Marketing caring about customers after the sale, not just before.",
        "Pair with one of our agents on the first two, so the fixes match what customers ask.",
        acted=True,
    ),
    DemoFeedback(
        "flead:Engineering",
        "partnership:storefront-conversion-sprint",
        26,
        "The first week of sprint 3.",
        "The sprint goal changed twice after planning.",
        "Engineering switched context twice and lost about three days of work.",
        "Lock the sprint goal at planning; new asks wait for the next sprint unless the lead "
        "and sponsor both call them urgent.",
        reply="Agreed. From sprint 4 new asks go to the backlog unless the sponsor and I both "
        "call them urgent.",
        acted=True,
    ),
    DemoFeedback(
        "login:member",
        "function:Engineering",
        30,
        "The checkout A/B test.",
        "Engineering set up the experiment flag and the dashboard within a day of the ask.",
        "We had a clean read in one week instead of a month.",
        "Keep the set-up as a template for the next tests.",
        shared=True,
        reply="Glad it helped — the template is in the engineering wiki now.",
        acted=True,
    ),
    DemoFeedback(
        "login:member",
        "person:flead:Product",
        6,
        "In the sprint review.",
        "Two features were cut from the scope in front of the whole team without a word to "
        "Marketing first.",
        "The launch email already drafted promised both features; we rewrote it the same night.",
        "Check the launch messaging with us before changing scope late in a sprint.",
    ),
    DemoFeedback(
        "login:owner",
        "partnership:faster-order-to-cash",
        22,
        "The monthly order-to-cash review.",
        "The team brought one dispute report instead of three spreadsheets.",
        "The review took thirty minutes and ended with two decisions.",
        "Keep the one-report format for the quarterly review.",
        shared=True,
        reply="Thanks — we will keep it, and add the ageing chart Finance asked for.",
        acted=True,
    ),
    DemoFeedback(
        "flead:Sales",
        "function:Finance",
        40,
        "The quarter-end deal desk.",
        "Discount approvals came back in under a day, with the reason for every no.",
        "Sales closed three deals that would otherwise have slipped into the next quarter.",
        "Keep the same turnaround in Q3.",
        shared=True,
        reply="We will — and thanks for sending complete requests; that is what made it fast.",
        acted=True,
    ),
    DemoFeedback(
        "plead:inventory-right-sizing",
        "person:flead:Sales",
        15,
        "In the sales and operations planning meeting.",
        "The sales forecast was updated on the morning of the meeting.",
        "Operations had already placed purchase orders on the old numbers.",
        "Freeze the forecast 48 hours before S&OP.",
        reply="Understood. We are trying a freeze from next month — see the idea on it.",
    ),
    DemoFeedback(
        "login:viewer",
        "person:pm:faster-order-to-cash:Customer Success:1",
        12,
        "While reconciling disputed invoices for April.",
        "You logged the customer's reason code on every dispute you handled.",
        "I matched forty disputes in an afternoon instead of two days.",
        "Could the rest of the team use the same codes?",
        shared=True,
        reply="Yes — we are proposing it for the whole team.",
        acted=True,
    ),
    DemoFeedback(
        "login:admin",
        "function:Engineering",
        28,
        "New-hire onboarding week.",
        "Engineers ran the laptop set-up sessions themselves.",
        "New hires were productive on their second day.",
        "Write the set-up steps down so People can run the session when you are busy.",
        reply="Good call — one of our engineers is writing them up this sprint.",
    ),
    DemoFeedback(
        "plead:wholesale-margin-recovery",
        "person:flead:Finance",
        17,
        "When the discount approval matrix went round for comments.",
        "Finance replied with tracked changes and a one-line reason for each.",
        "The regional sales leads understood the why and signed off a week earlier.",
        shared=True,
    ),
    DemoFeedback(
        "pm:wholesale-margin-recovery:Operations:1",
        "partnership:wholesale-margin-recovery",
        4,
        "The last two partnership meetings.",
        "Operations' items were at the end of the agenda and ran out of time both times.",
        "Freight cost — a third of the margin gap — has not been discussed yet.",
        "Rotate the agenda order, or give freight its own slot next time.",
    ),
    DemoFeedback(
        "login:member",
        "person:login:admin",
        45,
        "The manager training on giving feedback.",
        "You used real, anonymised examples from our own teams.",
        "It felt practical; I used the situation–behaviour–impact shape the next day.",
        "Run a short refresher for new managers in the autumn.",
        reply="Will do — I have pencilled in October.",
        acted=True,
    ),
)

VALUES = (
    ("Customer first", "Start from what the customer needs, and say so in the room."),
    ("Own the outcome", "Finish the job, including the boring last ten per cent."),
    ("Say it straight", "Raise the problem early, kindly and to the person who can fix it."),
    ("Better together", "Make the other function's job easier, not just your own."),
)


@dataclass(frozen=True)
class DemoKudos:
    giver: str
    receiver: str
    value: str
    days_ago: int
    message: str
    partnership: str = ""


KUDOS = (
    DemoKudos(
        "flead:Finance",
        "login:member",
        "Better together",
        33,
        "Brought the promotion calendar to Finance before launch — no more margin surprises.",
        "storefront-conversion-sprint",
    ),
    DemoKudos(
        "flead:Customer Success",
        "login:member",
        "Customer first",
        8,
        "Rewrote the returns help article in a day; tickets on returns are already down.",
        "support-deflection",
    ),
    DemoKudos(
        "login:member",
        "pm:storefront-conversion-sprint:Engineering:1",
        "Own the outcome",
        27,
        "Stayed on the release call until the new product pages were live and checked.",
        "storefront-conversion-sprint",
    ),
    DemoKudos(
        "flead:Sales",
        "plead:faster-order-to-cash",
        "Better together",
        38,
        "Cleared every end-of-quarter discount approval within a day.",
        "faster-order-to-cash",
    ),
    DemoKudos(
        "login:viewer",
        "pm:faster-order-to-cash:Customer Success:1",
        "Own the outcome",
        12,
        "Logged a reason code on every dispute — reconciliation went from days to hours.",
        "faster-order-to-cash",
    ),
    DemoKudos(
        "plead:inventory-right-sizing",
        "pm:inventory-right-sizing:Finance:1",
        "Say it straight",
        20,
        "Told us the carrying-cost numbers we did not want to hear, with the data to back it.",
        "inventory-right-sizing",
    ),
    DemoKudos(
        "login:owner",
        "plead:inventory-right-sizing",
        "Own the outcome",
        14,
        "Took slow-moving stock down by a fifth without a single stock-out.",
        "inventory-right-sizing",
    ),
    DemoKudos(
        "login:admin",
        "flead:Engineering",
        "Better together",
        25,
        "Engineering ran onboarding sessions for every new hire this month.",
        "new-hire-ramp-up",
    ),
    DemoKudos(
        "plead:wholesale-margin-recovery",
        "flead:Finance",
        "Say it straight",
        16,
        "Gave a clear reason for every change to the discount matrix.",
        "wholesale-margin-recovery",
    ),
    DemoKudos(
        "pm:wholesale-margin-recovery:Operations:1",
        "plead:wholesale-margin-recovery",
        "Customer first",
        10,
        "Called our three biggest wholesale customers personally before the new terms went out.",
        "wholesale-margin-recovery",
    ),
    DemoKudos(
        "flead:Product",
        "login:member",
        "Say it straight",
        5,
        "Told me plainly that the late scope cut hurt the launch — and how to avoid it next time.",
        "storefront-conversion-sprint",
    ),
    DemoKudos(
        "pm:support-deflection:Engineering:1",
        "flead:Customer Success",
        "Customer first",
        3,
        "Brought five real customer tickets to the kickoff instead of slides.",
        "support-deflection",
    ),
    DemoKudos(
        "flead:Marketing",
        "login:member",
        "Own the outcome",
        2,
        "Conversion on the new product pages is up 11% — and the sprint shipped on time.",
        "storefront-conversion-sprint",
    ),
    DemoKudos(
        "pm:faster-order-to-cash:Finance:0",
        "pm:faster-order-to-cash:Finance:1",
        "Own the outcome",
        21,
        "Closed the books two days early while covering for the team.",
    ),
    DemoKudos(
        "login:member",
        "flead:Customer Success",
        "Better together",
        1,
        "Lent us two agents to review the help articles — the rewrites are much better for it.",
        "support-deflection",
    ),
)


def _target(people: DemoPeople, to: str) -> dict[str, Any] | None:
    kind, _, rest = to.partition(":")
    if kind == "person":
        person = people.person(rest)
        return {"to_person": person} if person else None
    if kind == "function":
        function = people.functions.get(rest)
        return {"to_function": function} if function else None
    partnership = people.partnerships.get(rest)
    return {"to_partnership": partnership} if partnership else None


def _replier(feedback: Feedback) -> Person | None:
    if feedback.to_person is not None:
        return feedback.to_person
    if feedback.to_function is not None:
        return feedback.to_function.lead
    partnership = feedback.to_partnership
    return partnership.lead if partnership is not None else None


def _backdated_create(model: Any, rows: list[Any], created: list[datetime]) -> None:
    """Insert the rows, then set when each was written (inserting stamps the current time;
    the story needs its dates spread over the last weeks)."""
    model.objects.bulk_create(rows)
    for row, moment in zip(rows, created, strict=True):
        row.created_at = moment
    model.objects.bulk_update(rows, ["created_at"])


def demo_feedback_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo feedback, values and kudos (bulk writes, deterministic)."""
    people = DemoPeople(workspace)
    rows: list[Feedback] = []
    when: list[datetime] = []
    for spec in FEEDBACK:
        giver = people.person(spec.giver)
        target = _target(people, spec.to)
        if giver is None or target is None or target.get("to_person") == giver:
            continue
        feedback = Feedback(
            workspace=workspace,
            giver=giver,
            situation=spec.situation,
            behaviour=spec.behaviour,
            impact=spec.impact,
            request=spec.request,
            visibility=Feedback.Visibility.SHARED if spec.shared else Feedback.Visibility.PRIVATE,
            **target,
        )
        when.append(at(today, spec.days_ago))
        if spec.reply:
            feedback.reply = spec.reply
            feedback.replied_by = _replier(feedback)
            feedback.replied_at = at(today, max(spec.days_ago - 2, 0), 15)
        if spec.acted:
            feedback.acted_on_at = at(today, max(spec.days_ago - 5, 0), 16)
        rows.append(feedback)
    _backdated_create(Feedback, rows, when)

    values = {
        v.name: v
        for v in Value.objects.bulk_create(
            [Value(workspace=workspace, name=name, description=text) for name, text in VALUES]
        )
    }
    kudos: list[Kudos] = []
    given: list[datetime] = []
    for thanks in KUDOS:
        giver = people.person(thanks.giver)
        receiver = people.person(thanks.receiver)
        if giver is None or receiver is None or giver.pk == receiver.pk:
            continue
        item = Kudos(
            workspace=workspace,
            giver=giver,
            receiver=receiver,
            value=values[thanks.value],
            partnership=people.partnerships.get(thanks.partnership) if thanks.partnership else None,
            message=thanks.message,
        )
        kudos.append(item)
        given.append(at(today, thanks.days_ago, 11))
    _backdated_create(Kudos, kudos, given)
