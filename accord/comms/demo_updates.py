"""Demo status updates for Brightwater: ten weeks of weekly updates for every active
partnership, with acknowledgements, asks and comments.

Each partnership's RAG follows the story its goals tell (demo_partnerships): margin stalls at
Wholesale Margin Recovery (amber, one red week), the DSO spike at Faster Order to Cash (red),
the broken forecast feed at Inventory Right-Sizing (amber), slow mobile pages at the
Storefront Conversion Sprint (amber). Functions read at different rates (Finance nearly
always, Engineering and Sales less), most asks are answered within days, a few wait, and one
open ask and one mention are for member@brightwater.example, so "Needs my response" has
something to show. Deterministic: a seeded generator and an injected `today`; bulk writes.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment
from accord.comms.update_selectors import cadence_period, update_cadence_for
from accord.goals.models import CheckIn, Goal
from accord.org.models import Person
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember
from accord.workspaces.audit import audit_bulk
from accord.workspaces.models import Workspace

MEMBER_LOGIN = "member@brightwater.example"
WEEKS = 10
SEED = 5150

# How often people of each function acknowledge an update (listening differs by function).
READ_RATE = {
    "Finance": 0.95,
    "Customer Success": 0.85,
    "Product": 0.85,
    "Operations": 0.8,
    "People": 0.8,
    "Marketing": 0.7,
    "Sales": 0.5,
    "Engineering": 0.45,
}

RAG = {"G": "green", "A": "amber", "R": "red"}


@dataclass(frozen=True)
class Week:
    rag: str  # G, A or R
    progress: str  # "{metric}" is the story goal's latest check-in by the end of the period
    next_steps: str
    blockers: str = ""
    asks: tuple[int, ...] = ()  # indices into Story.asks


@dataclass(frozen=True)
class DemoAsk:
    text: str
    function: str  # addressed to this function, or to the member who represents it
    answer: str


@dataclass(frozen=True)
class Story:
    slug: str
    goal_words: tuple[str, ...]  # words picking the goals updates link (first = the story)
    unit: str
    weeks: tuple[Week, ...]  # oldest first; the newest period gets the last week
    asks: tuple[DemoAsk, ...]
    comments: tuple[str, ...]


G, A, R = "G", "A", "R"

STORIES: tuple[Story, ...] = (
    Story(
        slug="wholesale-margin-recovery",
        goal_words=("gross margin", "discount requests", "cost-to-serve"),
        unit="%",
        weeks=(
            Week(
                G,
                "Wholesale gross margin at {metric}. The deal desk reviewed 14 discount "
                "requests; 12 were answered within two days.",
                "Review the 20 deepest-discount accounts at Tuesday's deal desk.",
                asks=(0,),
            ),
            Week(
                G,
                "Margin at {metric}. Finance and Sales agreed the first draft of the discount "
                "approval matrix; two regions are piloting it.",
                "Finance to publish the weekly margin bridge by Monday noon.",
            ),
            Week(
                G,
                "Margin at {metric}. Cost-to-serve per order down $2 after consolidating "
                "Tuesday deliveries for the three largest chains.",
                "Operations to model cost-to-serve for the two new chains.",
                asks=(1,),
            ),
            Week(
                G,
                "Margin at {metric}. All regions route discounts above 10% through the deal "
                "desk; response time is under two days.",
                "Extend the pilot of the approval matrix to every region.",
            ),
            Week(
                A,
                "Margin flat at {metric} for a third week. Sales' push for three new grocery "
                "chains is raising the average discount faster than planned.",
                "Put the discount goal and the margin goal side by side at the next review.",
                "Sales' discount target and Finance's margin target pull in opposite "
                "directions, and nobody owns the trade-off.",
                asks=(2,),
            ),
            Week(
                A,
                "Margin at {metric}. Two large deals closed at a 15% discount before Finance "
                "saw them.",
                "Sign off the approval matrix so regions stop deciding alone.",
                "The approval matrix is not signed off yet.",
                asks=(3,),
            ),
            Week(
                R,
                "Margin at {metric} and off track for the quarter: the spring promotion ran "
                "at 18% off without a Finance review.",
                "Agree a floor price for promotional bundles this week.",
                "Promotional funding has no approval step; no floor price for bundles.",
                asks=(4, 2),
            ),
            Week(
                A,
                "Margin at {metric}. Floor prices for bundles agreed; the regional leads are "
                "catching up.",
                "Train the regional sales leads on the floor prices.",
                "One region has not adopted the deal desk yet.",
            ),
            Week(
                A,
                "Margin at {metric}. The matrix is signed off; the last region starts Monday.",
                "Finance to publish the margin bridge with the new matrix in place.",
                "Training for the regional leads is a week behind.",
                asks=(1,),
            ),
            Week(
                G,
                "Margin at {metric} and rising again as the promo bundles reprice. Every "
                "region uses the approval matrix.",
                "Review margin by chain at the monthly review.",
                asks=(0,),
            ),
        ),
        asks=(
            DemoAsk(
                "Share next quarter's promotion calendar with Finance",
                "Sales",
                "Shared — see the calendar tab, promotions from week 14.",
            ),
            DemoAsk(
                "Confirm the cost-to-serve for the Northgate account",
                "Operations",
                "Confirmed: $38 per order after the Tuesday consolidation.",
            ),
            DemoAsk(
                "Decide who signs off discounts above 15%",
                "Finance",
                "The VP Sales and the Finance director together, within one working day.",
            ),
            DemoAsk(
                "Approve the revised discount approval matrix",
                "Finance",
                "Approved; the matrix is in the partnership folder.",
            ),
            DemoAsk(
                "Propose a floor price for promotional bundles",
                "Finance",
                "Proposed 22% gross margin as the floor; see the model.",
            ),
        ),
        comments=(
            "Thanks — the margin bridge helps a lot.",
            "Can we see the deals above 15% broken down by region?",
            "The deal desk worked well this week; keep the Tuesday slot.",
        ),
    ),
    Story(
        slug="faster-order-to-cash",
        goal_words=("days sales outstanding", "invoices", "disputes"),
        unit="days",
        weeks=(
            Week(
                G,
                "DSO at {metric}. 80% of invoices went out within 24 hours of delivery.",
                "Switch the top 50 customers to e-invoicing.",
            ),
            Week(
                G,
                "DSO at {metric}. 85% of invoices on time; the top 20 customers get e-invoices.",
                "Agree a one-day owner rule for new disputes.",
                asks=(0,),
            ),
            Week(
                G,
                "DSO at {metric}. 88% of invoices went out within 24 hours of delivery.",
                "Customer Success to tag every dispute by reason.",
            ),
            Week(
                G,
                "DSO at {metric}. The dispute inbox has one owner now; disputes take 16 days.",
                "Finance to send the dispute report to Sales every Monday.",
            ),
            Week(
                A,
                "DSO at {metric}, not moving: proof of delivery is missing for a third of "
                "invoices from the new carrier.",
                "Get electronic proof of delivery from the new carrier.",
                "The new carrier's delivery proofs arrive on paper.",
                asks=(1,),
            ),
            Week(
                R,
                "DSO at {metric} and off track this month: two retailers paid a month late "
                "after a pricing dispute.",
                "Name an owner for pricing disputes and agree payment plans.",
                "Pricing disputes wait for Sales, and nobody in Sales owns them.",
                asks=(2, 3),
            ),
            Week(
                A,
                "DSO at {metric}. The two late retailers paid; disputes still take 19 days.",
                "Customer Success to tag every dispute by reason for four weeks.",
                "Dispute reasons are not tagged, so root causes are guesses.",
            ),
            Week(
                A,
                "DSO at {metric}. Tagging started: 60% of disputes are price mismatches.",
                "Update ERP price lists the day a quote is signed.",
                "ERP price lists lag behind what Sales quotes.",
                asks=(4,),
            ),
            Week(
                G,
                "DSO at {metric}. Price lists update daily; disputes resolved in 12 days.",
                "Start collections calls on day 35 instead of day 50.",
            ),
            Week(
                G,
                "DSO at {metric}. Disputes resolved in 11 days on average; e-invoicing live "
                "for the top 50 customers.",
                "Review the dunning letter wording.",
                asks=(5,),
            ),
        ),
        asks=(
            DemoAsk(
                "Agree the one-day owner rule for disputes",
                "Customer Success",
                "Agreed; the rota starts Monday.",
            ),
            DemoAsk(
                "Chase the carrier for electronic proof of delivery",
                "Sales",
                "The carrier sends PDFs from next week.",
            ),
            DemoAsk(
                "Name an owner for pricing disputes",
                "Sales",
                "The account manager owns it; Sales ops backs up.",
            ),
            DemoAsk(
                "Set up payment plans for the two late retailers",
                "Finance",
                "Both signed 60-day plans.",
            ),
            DemoAsk(
                "Update ERP price lists the day a quote is signed",
                "Sales",
                "Agreed — Sales ops will do it daily.",
            ),
            DemoAsk(
                "Review the dunning letter wording",
                "Customer Success",
                "Reviewed; softer first reminder, firmer second.",
            ),
        ),
        comments=(
            "Great progress on e-invoicing.",
            "Are the two late retailers on a payment plan now?",
            "The dispute report is useful — please keep the reason codes.",
        ),
    ),
    Story(
        slug="inventory-right-sizing",
        goal_words=("forecast accuracy", "inventory from 75", "slow-moving"),
        unit="%",
        weeks=(
            Week(
                G,
                "Forecast accuracy at {metric} for the top 200 SKUs. Slow movers down to 600.",
                "Reset reorder points for the 120 fastest SKUs.",
            ),
            Week(
                G,
                "Accuracy at {metric}. Reorder points reset for the 120 fastest SKUs.",
                "Agree SKU cuts with Sales at the monthly S&OP meeting.",
                asks=(0,),
            ),
            Week(
                G,
                "Accuracy at {metric}. Days of inventory down four; fill rate holding at 95%.",
                "Finance to value the slow-mover stock for the clearance plan.",
                asks=(1,),
            ),
            Week(
                G,
                "Accuracy at {metric}. 35 holiday SKUs protected; 80 slow movers marked for "
                "clearance.",
                "Propose the clearance discounts.",
            ),
            Week(
                G,
                "Accuracy at {metric}. Clearance plan for slow movers agreed at S&OP.",
                "Start the clearance with the two largest chains.",
                asks=(2,),
            ),
            Week(
                G,
                "Accuracy at {metric}. Clearance under way; slow movers down to 480.",
                "Reset reorder points for the next 200 SKUs.",
            ),
            Week(
                G,
                "Accuracy at {metric}. Reorder points reset for the next 200 SKUs.",
                "Review the forecast model with the two largest chains' data.",
            ),
            Week(
                A,
                "Forecast accuracy down to {metric}: the point-of-sale feed from two chains "
                "broke on Tuesday and the forecast ran on stale data.",
                "Rebuild the feed and re-run the forecast.",
                "The retailer data feed has no alert when it stops.",
                asks=(3,),
            ),
            Week(
                A,
                "Accuracy at {metric} while the feed is checked; reorders paused for 30 SKUs.",
                "Add an alert when a retailer feed is late.",
                "Engineering time for the feed is shared with the storefront sprint.",
            ),
            Week(
                G,
                "Accuracy back to {metric} after the feed fix; slow movers down to 410.",
                "Agree the next SKU cuts at S&OP.",
                asks=(0,),
            ),
        ),
        asks=(
            DemoAsk(
                "Confirm which SKUs Sales needs for the holiday season",
                "Sales",
                "List in the folder; 35 SKUs must stay.",
            ),
            DemoAsk(
                "Share the stock valuation for the slow movers",
                "Finance",
                "Shared; $1.2M at cost.",
            ),
            DemoAsk(
                "Approve the clearance discounts for slow movers",
                "Finance",
                "Approved up to 30% off for 90 days.",
            ),
            DemoAsk(
                "Add an alert on the retailer data feed",
                "Operations",
                "Done — the alert fires after two hours without data.",
            ),
        ),
        comments=(
            "Nice work on the clearance plan.",
            "Is the feed alert covering all chains or just the two?",
        ),
    ),
    Story(
        slug="storefront-conversion-sprint",
        goal_words=("load time", "conversion", "checkout"),
        unit="seconds",
        weeks=(
            Week(
                G,
                "Mobile pages load in {metric} (p75). Checkout experiment 1 is live.",
                "Read out experiment 1 and start experiment 2.",
            ),
            Week(
                G,
                "Load time {metric}. Experiment 1 read out: fewer form fields lift completion.",
                "Start the three-step checkout for 20% of mobile visitors.",
                asks=(0,),
            ),
            Week(
                G,
                "Load time {metric}. Three-step checkout live for 20% of mobile visitors.",
                "Compress images for the 30 best sellers.",
            ),
            Week(
                A,
                "Mobile load time still {metric}; the new product carousel added 600 ms.",
                "Agree a performance budget for campaign pages.",
                "Campaign pages ship without a performance budget.",
                asks=(1,),
            ),
            Week(
                A,
                "Load time {metric}. The spring campaign landed without a brief to Product, "
                "so pages were built in a rush.",
                "Marketing to brief Product two weeks before each campaign.",
                "Marketing briefs arrive after the pages are due.",
                asks=(2,),
            ),
            Week(
                A,
                "Load time {metric}. Performance budget agreed but not yet enforced in the build.",
                "Engineering to add the budget check to every build.",
                "Engineering is shared with the inventory feed fix this week.",
                asks=(1,),
            ),
            Week(
                G,
                "Load time {metric}. Image compression live for the 30 best sellers; builds "
                "fail above the budget.",
                "Run checkout experiment 5 for two weeks.",
            ),
            Week(
                G,
                "Load time down to {metric}. Conversion up 0.2 points on mobile since the new "
                "checkout.",
                "Read out experiments 5 and 6.",
                asks=(3,),
            ),
            Week(
                G,
                "Load time {metric}. Experiments 5 and 6 read out; variant B ships.",
                "Rewrite product pages for the 30 best sellers.",
            ),
            Week(
                G,
                "Load time {metric}, still above the 1.8 s target but improving each week. "
                "Summer sale pages are in review.",
                "Launch the summer sale landing page.",
                asks=(4,),
            ),
        ),
        asks=(
            DemoAsk(
                "Review the read-out of checkout experiment 1",
                "Product",
                "Reviewed: ship the shorter form.",
            ),
            DemoAsk(
                "Add the performance budget to the build pipeline",
                "Engineering",
                "Done — builds fail above 1.8 s on the test device.",
            ),
            DemoAsk(
                "Send the campaign brief for the summer sale",
                "Marketing",
                "Brief sent; pages needed by the 14th.",
            ),
            DemoAsk(
                "Review the read-out of checkout experiments 5 and 6",
                "Product",
                "Reviewed: ship variant B.",
            ),
            DemoAsk(
                "Check the summer sale page against the performance budget",
                "Engineering",
                "Checked: 1.9 s, images to trim.",
            ),
        ),
        comments=(
            "The checkout change looks great on my phone.",
            "Can we get the campaign calendar into the shared doc?",
        ),
    ),
)

MENTION_TEXT = "@{name} could you check this against the campaign calendar before Friday?"
MEMBER_ASK = "Sign off the copy for the summer sale landing page"


def _periods(partnership: Partnership, today: date) -> list[tuple[date, date]]:
    """The last WEEKS completed periods, oldest first: of the partnership's update cadence
    when it has one, else Saturday–Friday weeks ending before today."""
    cadence = update_cadence_for(partnership=partnership)
    found: list[tuple[date, date]] = []
    if cadence is not None:
        start, _end = cadence_period(cadence, today)
        while len(found) < WEEKS:
            previous = cadence_period(cadence, start - timedelta(days=1))
            if previous[1] >= start or previous[0] < cadence.starts_on:
                break
            found.append(previous)
            start = previous[0]
    if len(found) < 8:
        found = []
        end = today - timedelta(days=(today.weekday() - 4) % 7 or 7)  # the last Friday
        for _ in range(WEEKS):
            found.append((end - timedelta(days=6), end))
            end -= timedelta(days=7)
    return list(reversed(found))


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _metric(checkins: list[CheckIn], until: date) -> float | None:
    value = None
    for checkin in checkins:
        if checkin.date <= until:
            value = checkin.value
    return value


def _format(value: float | None, unit: str) -> str:
    if value is None:
        return "unchanged"
    if unit == "%":
        return f"{value:.1f}%"
    if unit == "seconds":
        return f"{value:.1f} s"
    return f"{value:.0f} {unit}"


def demo_updates_build(workspace: Workspace, *, today: date) -> None:
    """Write the demo updates, asks, answers, acknowledgements and comments."""
    rng = random.Random(SEED)
    now = _at(today, 9)
    me = Person.objects.filter(workspace=workspace, user__email=MEMBER_LOGIN).first()
    partnerships = {
        p.slug: p
        for p in Partnership.objects.filter(workspace=workspace, status=Lifecycle.ACTIVE)
        .select_related("lead", "sponsor")
        .prefetch_related("functions")
    }
    updates: list[StatusUpdate] = []
    links: list[tuple[int, list[Goal]]] = []
    asks: list[tuple[int, Ask, Person | None, str]] = []  # (update, ask, answerer, answer)
    acks: list[tuple[int, Person, datetime]] = []
    comments: list[tuple[int, Person, str, datetime, bool]] = []  # (…, is a reply)

    for story in STORIES:
        partnership = partnerships.get(story.slug)
        if partnership is None:
            continue
        members = list(
            PartnershipMember.objects.filter(partnership=partnership)
            .select_related("person", "function")
            .order_by("function__name", "person__name")
        )
        if len(members) < 2:
            continue
        lead = partnership.lead or members[0].person
        deputies = [m.person for m in members if m.person_id != lead.pk]
        goals = list(
            Goal.objects.filter(workspace=workspace, partnership=partnership).order_by("title")
        )
        linked: list[Goal] = []
        for word in story.goal_words:
            match = next((g for g in goals if word.lower() in g.title.lower()), None)
            if match is not None and match not in linked:
                linked.append(match)
        checkins = (
            list(CheckIn.objects.filter(goal=linked[0]).order_by("date", "pk")) if linked else []
        )
        functions = {f.name: f for f in partnership.functions.all()}
        periods = _periods(partnership, today)
        cadence = update_cadence_for(partnership=partnership)
        # The story ends today: the newest period gets the story's last week.
        weeks = story.weeks[-len(periods) :]
        for number, ((start, end), week) in enumerate(zip(periods, weeks, strict=False)):
            newest = number == len(periods) - 1
            # The lead writes most weeks; a deputy covers every third week, and the newest
            # update of a partnership the demo login leads (so the login has an ask waiting).
            covered = number % 3 == 2 or (newest and me is not None and lead.pk == me.pk)
            author = deputies[number % len(deputies)] if covered and deputies else lead
            late = rng.random() < 0.15
            posted = _at(end + timedelta(days=1 if late else 0), 15 + rng.randrange(3), 5)
            posted = min(posted, now - timedelta(hours=2))
            value = _format(_metric(checkins, end), story.unit)
            index = len(updates)
            updates.append(
                StatusUpdate(
                    workspace=workspace,
                    partnership=partnership,
                    author=author,
                    cadence=cadence,
                    period_start=start,
                    period_end=end,
                    rag=RAG[week.rag],
                    progress=week.progress.format(metric=value),
                    next_steps=week.next_steps,
                    blockers=week.blockers,
                    posted_at=posted,
                )
            )
            links.append((index, linked[: 1 + number % 2]))
            others = [m for m in members if m.person_id != author.pk]

            for count, pick in enumerate(week.asks):
                spec = story.asks[pick]
                function = functions.get(spec.function)
                people = [m.person for m in others if m.function.name == spec.function]
                if function is None:
                    continue
                if people and (number + count) % 2 == 0:
                    ask = Ask(workspace=workspace, text=spec.text, to_person=people[0])
                else:
                    ask = Ask(workspace=workspace, text=spec.text, to_function=function)
                # Most asks are answered within days; the newest wait, and a few older ones
                # have waited for weeks.
                answered = not newest and rng.random() < 0.85
                answerer = (people[0] if people else author) if answered else None
                asks.append((index, ask, answerer, spec.answer))
            if newest and me is not None and lead.pk == me.pk and author.pk != me.pk:
                ask = Ask(workspace=workspace, text=MEMBER_ASK, to_person=me)
                asks.append((index, ask, None, ""))

            # Acknowledgements: each member reads at their function's rate; fewer have read
            # the newest update yet, and the demo login has not read it.
            for member in others:
                if newest and me is not None and member.person_id == me.pk:
                    continue
                rate = READ_RATE.get(member.function.name, 0.7) * (0.5 if newest else 1.0)
                if rng.random() < rate:
                    read_at = min(posted + timedelta(hours=rng.randrange(1, 60)), now)
                    acks.append((index, member.person, read_at))
            sponsor = partnership.sponsor
            if sponsor and sponsor.pk not in {m.person_id for m in members} and number % 2:
                acks.append((index, sponsor, min(posted + timedelta(hours=20), now)))

            # Comments on about a third of the updates, some answered by the author.
            if story.comments and others and rng.random() < 0.35:
                commenter = rng.choice(others).person
                said = min(posted + timedelta(hours=rng.randrange(2, 30)), now)
                text = story.comments[number % len(story.comments)]
                comments.append((index, commenter, text, said, False))
                if rng.random() < 0.5:
                    comments.append(
                        (index, author, "Good point — I will cover it next week.", said, True)
                    )

    if not updates:
        return
    created = StatusUpdate.objects.bulk_create(updates)
    through = StatusUpdate.goals.through
    through.objects.bulk_create(
        [
            through(statusupdate_id=created[index].pk, goal_id=goal.pk)
            for index, goals in links
            for goal in goals
        ]
    )
    audit_bulk(
        workspace=workspace,
        actor=None,
        rows=[
            (
                "create",
                update,
                {
                    "period_end": [None, update.period_end.isoformat()],
                    "rag": [None, update.get_rag_display()],
                },
            )
            for update in created
        ],
    )
    _asks_write(rng, created, asks, now)
    _acks_write(created, acks)
    _comments_write(workspace, created, comments, me, now)


def _asks_write(
    rng: random.Random,
    created: list[StatusUpdate],
    pending: list[tuple[int, Ask, Person | None, str]],
    now: datetime,
) -> None:
    rows = []
    for index, ask, answerer, answer in pending:
        update = created[index]
        ask.update = update
        if answerer is not None:
            ask.answered_by = answerer
            ask.answer = answer
            ask.answered_at = min(update.posted_at + timedelta(hours=rng.randrange(3, 80)), now)
        rows.append(ask)
    saved = Ask.objects.bulk_create(rows)
    for ask in saved:
        ask.created_at = ask.update.posted_at
    Ask.objects.bulk_update(saved, ["created_at"], batch_size=500)


def _acks_write(created: list[StatusUpdate], pending: list[tuple[int, Person, datetime]]) -> None:
    seen: set[tuple[int, int]] = set()
    rows = []
    for index, person, _at_time in pending:
        key = (index, person.pk)
        if key in seen:
            continue
        seen.add(key)
        rows.append(
            Acknowledgement(
                workspace=created[index].workspace, update=created[index], person=person
            )
        )
    saved = Acknowledgement.objects.bulk_create(rows)
    times = {(index, person.pk): at for index, person, at in pending}
    positions = {u.pk: i for i, u in enumerate(created)}
    for ack in saved:
        ack.created_at = times[(positions[ack.update_id], ack.person_id)]
    Acknowledgement.objects.bulk_update(saved, ["created_at"], batch_size=500)


def _comments_write(
    workspace: Workspace,
    created: list[StatusUpdate],
    pending: list[tuple[int, Person, str, datetime, bool]],
    me: Person | None,
    now: datetime,
) -> None:
    """Comments and replies (a reply follows its comment by an hour), and one recent comment
    that mentions the demo login, which it has not replied to yet."""
    top: list[UpdateComment] = []
    times: list[datetime] = []
    replies: list[tuple[int, Person, str, datetime]] = []
    for index, person, text, at, is_reply in pending:
        if is_reply and top:
            replies.append((len(top) - 1, person, text, min(at + timedelta(hours=1), now)))
            continue
        top.append(
            UpdateComment(workspace=workspace, update=created[index], author=person, body=text)
        )
        times.append(at)
    if me is not None:
        recent = [
            u for u in created if u.author_id != me.pk and u.posted_at >= now - timedelta(days=10)
        ]
        if recent:
            target = recent[0]
            top.append(
                UpdateComment(
                    workspace=workspace,
                    update=target,
                    author=target.author,
                    body=MENTION_TEXT.format(name=me.name),
                )
            )
            times.append(min(target.posted_at + timedelta(hours=3), now))
    saved = UpdateComment.objects.bulk_create(top)
    for comment, at in zip(saved, times, strict=True):
        comment.created_at = at
    answers = UpdateComment.objects.bulk_create(
        [
            UpdateComment(
                workspace=workspace,
                update=saved[position].update,
                author=person,
                parent=saved[position],
                body=text,
            )
            for position, person, text, _at_time in replies
        ]
    )
    for answer, (_position, _person, _text, at) in zip(answers, replies, strict=True):
        answer.created_at = at
    UpdateComment.objects.bulk_update([*saved, *answers], ["created_at"], batch_size=500)
