"""Status update writes: posting with asks and goals, the default period from the update
cadence, validation naming the field, who may post, edit, delete, answer and comment,
acknowledgements, @mentions, notifications with stable keys, and the audit trail."""

import datetime
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.comms import update_actions as actions
from accord.comms import update_selectors as selectors
from accord.comms.models_plan import Cadence
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment
from accord.goals.models import CheckIn, Goal
from accord.notifications.models import Delivery, Event, Notification, WebhookEndpoint
from accord.org.models import Function, Person
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 13)  # a Wednesday


def person_for(tenant, role, name=None, function=None) -> Person:
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name or f"{role.title()} Person",
        email=user.email,
        user=user,
        function=function,
    )


@dataclass
class World:
    partnership: Partnership
    mia: Person  # the member login, Sales
    ada: Person  # the admin login, Finance
    vic: Person  # the viewer login, Finance, a member of the partnership
    goal: Goal


def world(tenant, *, privacy="workspace") -> World:
    """A partnership of Sales and Finance: Mia (member login, Sales), Ada (admin login,
    Finance), Vic (viewer login, Finance), Alice (Sales) and Bob (Finance) are members."""
    mia = person_for(tenant, "member", "Mia Member", tenant.sales)
    ada = person_for(tenant, "admin", "Ada Admin", tenant.finance)
    vic = person_for(tenant, "viewer", "Vic Viewer", tenant.finance)
    partnership = partnership_actions.partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name="Quote to cash",
        functions=[tenant.sales, tenant.finance],
        lead=mia,
        privacy=privacy,
    )
    for person, function in (
        (mia, tenant.sales),
        (tenant.alice, tenant.sales),
        (ada, tenant.finance),
        (vic, tenant.finance),
        (tenant.bob, tenant.finance),
    ):
        partnership_actions.partnership_member_add(
            partnership=partnership, actor=tenant.owner, person=person, function=function
        )
    goal = Goal.objects.create(
        workspace=tenant.workspace,
        partnership=partnership,
        title="Cut DSO from 52 to 40 days",
        unit="days",
        baseline=52,
        target=40,
        direction="decrease",
    )
    return World(partnership=partnership, mia=mia, ada=ada, vic=vic, goal=goal)


def update_make(tenant, w, role="member", **fields) -> StatusUpdate:
    fields.setdefault("rag", "green")
    fields.setdefault("progress", "Invoices now go out the day we ship.")
    fields.setdefault("period_start", TODAY - datetime.timedelta(days=6))
    fields.setdefault("period_end", TODAY)
    return actions.update_create(
        membership=tenant.membership(role), partnership=w.partnership, **fields
    )


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


# --- posting --------------------------------------------------------------------------------


def test_posting_saves_the_update_with_asks_and_goals_by_the_members_person(acme):
    w = world(acme)
    update = update_make(
        acme,
        w,
        next_steps="Chase the three late payers.",
        goals=[w.goal],
        asks=[
            actions.AskDraft(text="Approve the new dunning letter", to_person=acme.alice),
            actions.AskDraft(text="Who owns disputes?", to_function=acme.finance),
        ],
    )
    assert update.author == w.mia
    assert list(update.goals.all()) == [w.goal]
    asks = list(update.asks.order_by("created_at", "pk"))
    assert [a.text for a in asks] == ["Approve the new dunning letter", "Who owns disputes?"]
    assert asks[0].to_person == acme.alice
    assert asks[1].to_function == acme.finance
    assert all(a.answered_at is None for a in asks)


def test_an_update_needs_progress_a_status_and_a_period_that_ends_after_it_starts(acme):
    w = world(acme)
    with pytest.raises(ValidationError) as caught:
        update_make(
            acme,
            w,
            progress="  ",
            rag="purple",
            period_start=TODAY,
            period_end=TODAY - datetime.timedelta(days=1),
        )
    errors = messages_of(caught.value)
    assert "Say what moved this period" in errors["progress"]
    assert "green (on track), amber (at risk) or red" in errors["rag"]
    assert errors["period_end"] == "The period cannot end before it starts."
    assert not StatusUpdate.objects.exists()


def test_a_red_update_must_say_what_blocks_it(acme):
    w = world(acme)
    with pytest.raises(ValidationError) as caught:
        update_make(acme, w, rag="red")
    assert "fill in the blockers" in messages_of(caught.value)["blockers"]
    assert update_make(acme, w, rag="red", blockers="ERP template broken").rag == "red"


def test_each_ask_needs_text_and_exactly_one_addressee_of_the_partnership(acme, globex):
    w = world(acme)
    outsider = Person.objects.create(workspace=acme.workspace, name="Olga Out", email="o@a.test")
    legal = Function.objects.create(workspace=acme.workspace, name="Legal")
    with pytest.raises(ValidationError) as caught:
        update_make(
            acme,
            w,
            asks=[
                actions.AskDraft(text="", to_person=acme.alice),
                actions.AskDraft(text="Both", to_person=acme.alice, to_function=acme.sales),
                actions.AskDraft(text="Outsider", to_person=outsider),
                actions.AskDraft(text="Legal view?", to_function=legal),
            ],
        )
    errors = caught.value.message_dict["asks"]
    assert errors[0].startswith("Ask 1: say what you need")
    assert errors[1] == "Ask 2: address it to one person or one function."
    assert "Ask 3: Olga Out is not part of Quote to cash" in errors[2]
    assert errors[3] == "Ask 4: Legal is not a function of Quote to cash."
    assert not Ask.objects.exists()


def test_a_goal_of_another_partnership_cannot_be_linked(acme):
    w = world(acme)
    other = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Launch",
        functions=[acme.sales, acme.finance],
    )
    foreign = Goal.objects.create(workspace=acme.workspace, partnership=other, title="Ship it")
    with pytest.raises(ValidationError) as caught:
        update_make(acme, w, goals=[foreign])
    assert "“Ship it” is not a goal of Quote to cash" in messages_of(caught.value)["goals"]


def test_only_partnership_members_lead_sponsor_and_admins_may_post(acme):
    w = world(acme)
    outsider = Person.objects.create(
        workspace=acme.workspace, name="Owen Owner", email=acme.owner.email, user=acme.owner
    )
    assert outsider  # the owner is an admin: allowed although not a member
    assert update_make(acme, w, role="owner").author == outsider
    with pytest.raises(PermissionDenied):
        update_make(acme, w, role="viewer")  # a member of the partnership, but a viewer
    w.partnership.members.filter(person=w.mia).delete()
    w.partnership.lead = None
    w.partnership.save()
    with pytest.raises(PermissionDenied):
        update_make(acme, w, role="member")


def test_posting_without_a_linked_person_is_refused_with_a_way_forward(acme):
    w = world(acme)
    Person.objects.filter(user=acme.admin).update(user=None)
    with pytest.raises(PermissionDenied, match="not linked to a person"):
        update_make(acme, w, role="admin")


def test_the_period_defaults_to_the_current_period_of_the_update_cadence(acme):
    w = world(acme)
    cadence = Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name="Weekly async update",
        starts_on=datetime.date(2026, 1, 5),  # a Monday
        next_due=datetime.date(2026, 5, 15),
    )
    now = timezone.make_aware(datetime.datetime(2026, 5, 13, 10, 0))
    update = actions.update_create(
        membership=acme.membership("member"),
        partnership=w.partnership,
        rag="green",
        progress="On track.",
        now=now,
    )
    assert (update.period_start, update.period_end) == (
        datetime.date(2026, 5, 11),
        datetime.date(2026, 5, 17),
    )
    assert update.cadence == cadence
    assert update.posted_at == now


def test_without_a_cadence_the_period_is_the_last_seven_days(acme):
    w = world(acme)
    default = selectors.update_period_default(partnership=w.partnership, today=TODAY)
    assert (default.start, default.end, default.cadence) == (
        datetime.date(2026, 5, 7),
        TODAY,
        None,
    )


@pytest.mark.parametrize(
    ("unit", "interval", "day", "expected"),
    [
        (
            "week",
            2,
            datetime.date(2026, 1, 20),
            (datetime.date(2026, 1, 19), datetime.date(2026, 2, 1)),
        ),
        (
            "day",
            10,
            datetime.date(2026, 1, 5),
            (datetime.date(2026, 1, 5), datetime.date(2026, 1, 14)),
        ),
        (
            "month",
            1,
            datetime.date(2026, 3, 4),
            (datetime.date(2026, 2, 5), datetime.date(2026, 3, 4)),
        ),
        (
            "month",
            3,
            datetime.date(2026, 5, 5),
            (datetime.date(2026, 4, 5), datetime.date(2026, 7, 4)),
        ),
        (
            "week",
            1,
            datetime.date(2025, 12, 1),
            (datetime.date(2026, 1, 5), datetime.date(2026, 1, 11)),
        ),
    ],
)
def test_cadence_periods_follow_interval_and_unit(unit, interval, day, expected):
    cadence = Cadence(
        kind=Cadence.Kind.CUSTOM_UPDATE,
        interval=interval,
        unit=unit,
        starts_on=datetime.date(2026, 1, 5),
        next_due=datetime.date(2026, 1, 5),
    )
    assert selectors.cadence_period(cadence, day) == expected


def test_posting_records_the_audit_entry_with_goals_and_asks(acme):
    w = world(acme)
    update = update_make(
        acme, w, goals=[w.goal], asks=[actions.AskDraft(text="Sign off", to_person=acme.alice)]
    )
    entry = AuditEntry.objects.get(object_uuid=update.uuid)
    assert entry.action == "create"
    assert entry.actor == acme.member
    assert entry.changes["rag"] == [None, "Green — on track"]
    assert entry.changes["goals"] == [None, "Cut DSO from 52 to 40 days"]
    assert entry.changes["asks"] == [None, "Sign off (to Alice Archer)"]


# --- notifications --------------------------------------------------------------------------


def test_asks_notify_the_person_or_every_member_of_the_function_once(acme):
    w = world(acme)
    update = update_make(
        acme,
        w,
        asks=[
            actions.AskDraft(text="Sign off the letter", to_person=acme.alice),
            actions.AskDraft(text="Who owns disputes?", to_function=acme.finance),
        ],
    )
    asks = Notification.objects.filter(event=Event.ASK)
    assert sorted(n.recipient.name for n in asks) == [
        "Ada Admin",
        "Alice Archer",
        "Bob Baker",
        "Vic Viewer",
    ]
    first = update.asks.get(text="Sign off the letter")
    assert asks.get(recipient=acme.alice).dedupe_key == f"ask:ask:{first.uuid}:{acme.alice.pk}"
    assert asks.get(recipient=acme.alice).url == f"/w/acme/updates/{update.uuid}/"


def test_a_new_update_tells_the_members_by_digest_and_the_webhooks(acme):
    w = world(acme)
    WebhookEndpoint.objects.create(
        workspace=acme.workspace,
        kind=WebhookEndpoint.Kind.SLACK,
        name="Q2C channel",
        url="https://hooks.slack.test/x",
        partnership=w.partnership,
    )
    update = update_make(acme, w)
    posted = Notification.objects.filter(event=Event.UPDATE_POSTED)
    assert sorted(n.recipient.name for n in posted) == [
        "Ada Admin",
        "Alice Archer",
        "Bob Baker",
        "Vic Viewer",
    ]
    # News goes to the digest, not straight to the inbox by email.
    assert not Delivery.objects.filter(event=Event.UPDATE_POSTED, transport="email").exists()
    hook = Delivery.objects.get(transport="slack")
    assert hook.event == "update_posted"
    assert hook.payload["partnership"] == w.partnership.slug
    assert hook.payload["data"]["update"] == str(update.uuid)


def test_answering_tells_the_author_and_records_who_and_when(acme):
    w = world(acme)
    update = update_make(
        acme, w, asks=[actions.AskDraft(text="Who owns disputes?", to_function=acme.finance)]
    )
    ask = update.asks.get()
    now = timezone.make_aware(datetime.datetime(2026, 5, 14, 9, 30))
    actions.ask_answer(membership=acme.membership("admin"), ask=ask, answer="Bob does.", now=now)
    ask.refresh_from_db()
    assert (ask.answer, ask.answered_by, ask.answered_at) == ("Bob does.", w.ada, now)
    told = Notification.objects.get(event=Event.ASK_ANSWERED)
    assert told.recipient == w.mia
    assert "Ada Admin answered your ask" in told.subject
    entry = AuditEntry.objects.filter(object_uuid=update.uuid, action="update").get()
    assert entry.changes["ask answered"] == ["Who owns disputes?", "Ada Admin: Bob does."]


# --- answering ------------------------------------------------------------------------------


def test_only_the_addressed_person_or_their_function_may_answer(acme):
    w = world(acme)
    update = update_make(
        acme,
        w,
        asks=[
            actions.AskDraft(text="To Ada", to_person=w.ada),
            actions.AskDraft(text="To Sales", to_function=acme.sales),
        ],
    )
    to_ada, to_sales = update.asks.order_by("created_at", "pk")
    with pytest.raises(PermissionDenied):
        actions.ask_answer(membership=acme.membership("member"), ask=to_ada, answer="Not mine")
    with pytest.raises(PermissionDenied):
        actions.ask_answer(membership=acme.membership("admin"), ask=to_sales, answer="Not mine")
    actions.ask_answer(membership=acme.membership("member"), ask=to_sales, answer="Sales says yes")
    with pytest.raises(ValidationError) as caught:
        actions.ask_answer(membership=acme.membership("admin"), ask=to_ada, answer=" ")
    assert messages_of(caught.value) == {"answer": "Write your answer before sending it."}


def test_an_answered_ask_cannot_be_answered_again(acme):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="To Ada", to_person=w.ada)])
    ask = update.asks.get()
    actions.ask_answer(membership=acme.membership("admin"), ask=ask, answer="Done.")
    with pytest.raises(ValidationError) as caught:
        actions.ask_answer(membership=acme.membership("admin"), ask=ask, answer="Again.")
    assert "Ada Admin already answered" in messages_of(caught.value)["answer"]


def test_a_person_of_the_function_outside_the_partnership_may_answer_a_function_ask(acme):
    w = world(acme)
    w.partnership.members.filter(person=w.ada).delete()
    update = update_make(acme, w, asks=[actions.AskDraft(text="Q?", to_function=acme.finance)])
    ask = update.asks.get()
    assert selectors.ask_can_answer(membership=acme.membership("admin"), ask=ask) is True


# --- edit and delete ------------------------------------------------------------------------


def test_the_author_edits_fields_goals_and_open_asks_in_one_audited_change(acme):
    w = world(acme)
    update = update_make(
        acme,
        w,
        asks=[
            actions.AskDraft(text="Keep me", to_person=acme.alice),
            actions.AskDraft(text="Drop me", to_person=acme.bob),
            actions.AskDraft(text="Answered", to_person=w.ada),
        ],
    )
    keep, drop, answered = update.asks.order_by("created_at", "pk")
    actions.ask_answer(membership=acme.membership("admin"), ask=answered, answer="Yes")
    actions.update_edit(
        membership=acme.membership("member"),
        update=update,
        expected_version=update.version,
        rag="amber",
        goals=[w.goal],
        asks=[
            actions.AskDraft(text="Keep me, reworded", to_person=acme.alice, uuid=keep.uuid),
            actions.AskDraft(text="New one", to_function=acme.finance),
        ],
    )
    update.refresh_from_db()
    assert update.rag == "amber"
    assert update.version == 2
    assert list(update.goals.all()) == [w.goal]
    texts = sorted(update.asks.values_list("text", flat=True))
    assert texts == ["Answered", "Keep me, reworded", "New one"]
    assert not Ask.objects.filter(pk=drop.pk).exists()
    entry = AuditEntry.objects.filter(object_uuid=update.uuid, action="update").first()
    assert entry.changes["rag"] == ["Green — on track", "Amber — at risk"]
    assert "Drop me" in entry.changes["asks"][0]
    assert "New one" in entry.changes["asks"][1]
    # The new ask's people are told; Alice, whose ask was reworded, is told again only once.
    assert Notification.objects.filter(event=Event.ASK, recipient=acme.bob).count() == 2


def test_only_the_author_edits_and_a_stale_version_is_refused(acme):
    w = world(acme)
    update = update_make(acme, w)
    with pytest.raises(PermissionDenied):
        actions.update_edit(membership=acme.membership("admin"), update=update, rag="amber")
    with pytest.raises(actions.StaleVersion):
        actions.update_edit(
            membership=acme.membership("member"), update=update, expected_version=7, rag="amber"
        )


def test_the_author_or_an_admin_deletes_with_an_audit_entry(acme):
    w = world(acme)
    update = update_make(acme, w)
    Acknowledgement.objects.create(workspace=acme.workspace, update=update, person=w.ada)
    with pytest.raises(PermissionDenied):
        actions.update_delete(membership=acme.membership("viewer"), update=update)
    actions.update_delete(membership=acme.membership("admin"), update=update)
    assert not StatusUpdate.objects.exists()
    assert not Acknowledgement.objects.exists()
    assert AuditEntry.objects.filter(object_uuid=update.uuid, action="delete").exists()


# --- acknowledgements and read-by -----------------------------------------------------------


def test_acknowledging_twice_counts_once_and_the_author_does_not_acknowledge(acme):
    w = world(acme)
    update = update_make(acme, w)
    first = actions.update_acknowledge(membership=acme.membership("admin"), update=update)
    again = actions.update_acknowledge(membership=acme.membership("admin"), update=update)
    assert first.pk == again.pk
    with pytest.raises(PermissionDenied):
        actions.update_acknowledge(membership=acme.membership("member"), update=update)
    # A viewer reads too: listening is not editing.
    actions.update_acknowledge(membership=acme.membership("viewer"), update=update)
    assert Acknowledgement.objects.count() == 2


def test_read_by_counts_members_by_function_without_the_author(acme):
    w = world(acme)
    update = update_make(acme, w)
    owner = person_for(acme, "owner", "Owen Owner")
    for role in ("admin", "viewer", "owner"):
        actions.update_acknowledge(membership=acme.membership(role), update=update)
    read_by = selectors.update_read_by(update=update)
    assert (read_by.read, read_by.total) == (2, 4)
    assert read_by.summary == "Read by 2 of 4 members — Finance 2/3, Sales 0/1"
    assert [r.person for r in read_by.others] == [owner]
    assert {p.name for p in read_by.unread} == {"Alice Archer", "Bob Baker"}
    fetched = selectors.update_get(membership=acme.membership("admin"), uuid=update.uuid)
    assert (fetched.read_count, fetched.reader_total, fetched.read_by_me) == (2, 4, True)


# --- comments and mentions ------------------------------------------------------------------


def test_mentions_find_names_and_emails_preferring_the_longest_name(acme):
    ann = Person(pk=1, name="Ann", email="ann@x.test")
    ann_lee = Person(pk=2, name="Ann Lee", email="ann.lee@x.test")
    bob = Person(pk=3, name="Bob Baker", email="bob@x.test")
    people = [ann, ann_lee, bob]
    found = actions.mentions_find("Thanks @ann lee and @bob@x.test, not @Annabel.", people)
    assert {p.pk for p in found} == {2, 3}
    assert actions.mentions_find("@Ann, see this", people) == [ann]
    assert actions.mentions_find("email ann@x.test without at-sign", people) == []


def test_a_comment_tells_the_author_and_mentions_tell_the_mentioned(acme):
    w = world(acme)
    update = update_make(acme, w)
    comment = actions.update_comment_add(
        membership=acme.membership("admin"),
        update=update,
        body="Good news. @Bob Baker can you confirm the numbers? cc @alice@acme.test",
    )
    mentioned = Notification.objects.filter(event=Event.MENTION)
    assert sorted(n.recipient.name for n in mentioned) == ["Alice Archer", "Bob Baker"]
    assert mentioned.first().url == f"/w/acme/updates/{update.uuid}/#comment-{comment.uuid}"
    told = Notification.objects.get(event=Event.COMMENT)
    assert told.recipient == w.mia
    assert "commented on your update" in told.subject


def test_a_reply_tells_the_comment_author_and_the_update_author(acme):
    w = world(acme)
    update = update_make(acme, w)
    first = actions.update_comment_add(
        membership=acme.membership("admin"), update=update, body="Is the ERP fixed?"
    )
    reply = actions.update_comment_add(
        membership=acme.membership("member"), update=update, body="Yes, since Monday.", parent=first
    )
    assert reply.parent == first
    told = Notification.objects.get(event=Event.COMMENT, recipient=w.ada)
    assert "replied to your comment" in told.subject
    # The update's author was told about the comment, not about their own reply.
    assert Notification.objects.filter(event=Event.COMMENT, recipient=w.mia).count() == 1
    tree = selectors.comment_tree(selectors.update_comment_list(update=update))
    assert [n.comment for n in tree] == [first]
    assert [n.comment for n in tree[0].replies] == [reply]


def test_mentions_on_a_members_only_partnership_skip_people_who_cannot_see_it(acme):
    w = world(acme, privacy="members")
    outsider = Person.objects.create(
        workspace=acme.workspace, name="Olga Out", email="olga@acme.test"
    )
    update = update_make(acme, w)
    actions.update_comment_add(
        membership=acme.membership("member"), update=update, body="@Olga Out and @Bob Baker"
    )
    names = {n.recipient.name for n in Notification.objects.filter(event=Event.MENTION)}
    assert names == {"Bob Baker"}
    assert outsider


def test_viewers_cannot_comment_and_empty_comments_are_refused(acme):
    w = world(acme)
    update = update_make(acme, w)
    with pytest.raises(PermissionDenied):
        actions.update_comment_add(membership=acme.membership("viewer"), update=update, body="Hi")
    with pytest.raises(ValidationError) as caught:
        actions.update_comment_add(membership=acme.membership("admin"), update=update, body=" ")
    assert messages_of(caught.value) == {"body": "Write a comment before posting it."}
    assert not UpdateComment.objects.exists()


# --- goals with check-ins -------------------------------------------------------------------


def test_linked_goals_show_the_latest_check_in_up_to_the_end_of_the_period(acme):
    w = world(acme)
    for day, value in (
        (TODAY - datetime.timedelta(days=20), 50),
        (TODAY, 47),
        (TODAY + datetime.timedelta(days=3), 45),
    ):
        CheckIn.objects.create(
            workspace=acme.workspace, goal=w.goal, date=day, value=value, confidence="at_risk"
        )
    update = update_make(acme, w, goals=[w.goal])
    (line,) = selectors.update_goal_lines([update])[update.pk]
    assert (line.value, line.date, line.confidence_label) == (47, TODAY, "At risk")
    assert line.percent == 42  # 5 of the 12 days to cut
