"""Governance tells people through notifications: actions assigned and overdue, decisions
opened for input and decided (also posted to webhooks), RACI consults, concerns, conflicts.
Nobody is told about their own doing, and nothing is told twice."""

import datetime

import pytest
from django.utils import timezone

from accord.governance import action_actions, conflict_actions, decision_actions, raci_actions
from accord.governance.notify import actions_overdue_notify
from accord.notifications import actions
from accord.notifications.models import Delivery, Notification
from accord.notifications.tasks import actions_overdue_remind
from accord.notifications.tests.conftest import person_of
from accord.partnerships import actions as partnership_actions

pytestmark = pytest.mark.django_db


def partnership_make(tenant, *members):
    partnership = partnership_actions.partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name="Quote to cash",
        functions=[tenant.sales, tenant.finance],
    )
    for person in members:
        partnership_actions.partnership_member_add(
            partnership=partnership, actor=tenant.owner, person=person, function=tenant.sales
        )
    return partnership


def told(person, event):
    return list(Notification.objects.filter(recipient=person, event=event))


def test_assigning_an_action_tells_the_owner_once_and_not_the_actor(acme):
    mia, adam = person_of(acme, "member"), person_of(acme, "admin")
    action = action_actions.action_create(
        membership=acme.membership("admin"),
        title="Send the revised discount policy",
        owner=mia,
        due_date=datetime.date(2031, 3, 1),
    )
    (note,) = told(mia, "action_assigned")
    assert note.subject == "Action for you: Send the revised discount policy"
    assert note.url == f"/w/acme/actions/{action.uuid}/"
    assert note.object_uuid == action.uuid
    assert "Due 1 Mar 2031." in note.body
    # Editing something else tells nobody; reassigning tells the new owner.
    action_actions.action_update(membership=acme.membership("admin"), action=action, title="New")
    assert len(told(mia, "action_assigned")) == 1
    action_actions.action_update(membership=acme.membership("admin"), action=action, owner=adam)
    assert told(adam, "action_assigned") == []  # Adam made the change himself
    action_actions.action_update(membership=acme.membership("owner"), action=action, owner=mia)
    assert len(told(mia, "action_assigned")) == 2
    assert Delivery.objects.filter(transport="email", target="member@acme.test").count() == 2


def test_overdue_actions_remind_the_owner_once_per_due_date(acme):
    mia = person_of(acme, "member")
    due = datetime.date(2031, 3, 1)
    action = action_actions.action_create(
        membership=acme.membership("admin"), title="Book the venue", owner=mia, due_date=due
    )
    action_actions.action_create(
        membership=acme.membership("admin"),
        title="Already done",
        owner=mia,
        due_date=due,
        status="done",
    )
    assert actions_overdue_notify(workspace=acme.workspace, today=due) == 0
    assert actions_overdue_remind.call(today="2031-03-04") == 1
    assert actions_overdue_remind.call(today="2031-03-05") == 0
    (note,) = told(mia, "action_overdue")
    assert note.subject == "Overdue: Book the venue"
    assert "3 days ago" in note.body
    action_actions.action_update(
        membership=acme.membership("admin"), action=action, due_date=datetime.date(2031, 3, 10)
    )
    assert actions_overdue_remind.call(today="2031-03-11") == 1


def test_opening_a_decision_asks_stakeholders_and_posts_to_the_partnerships_channel(
    acme, http_server
):
    mia, adam = person_of(acme, "member"), person_of(acme, "admin")
    partnership = partnership_make(acme, mia, adam)
    actions.webhook_create(
        membership=acme.membership("admin"),
        name="Slack #quote-to-cash",
        kind="slack",
        url=http_server.url,
        partnership=partnership,
    )
    decision = decision_actions.decision_create(
        membership=acme.membership("owner"),
        title="Discounts above 15% need Finance approval",
        partnership=partnership,
        decider=adam,
    )
    decision_actions.decision_open(
        membership=acme.membership("owner"),
        decision=decision,
        stakeholders=[mia, adam],
        closes_at=timezone.now() + datetime.timedelta(days=3),
    )
    assert len(told(mia, "decision_input")) == 1
    assert len(told(adam, "decision_input")) == 1
    hook = Delivery.objects.get(transport="slack")
    assert hook.event == "decision_input"
    assert hook.payload["subject"] == "Open for input: Discounts above 15% need Finance approval"


def test_deciding_tells_the_informed_but_not_the_decider(acme):
    mia, adam = person_of(acme, "member"), person_of(acme, "admin")
    decision = decision_actions.decision_create(
        membership=acme.membership("admin"), title="Weekly pricing review", decider=adam
    )
    decision.informed.set([mia, adam])
    decision_actions.decision_decide(
        membership=acme.membership("admin"), decision=decision, outcome_statement="We meet weekly."
    )
    (note,) = told(mia, "decision_decided")
    assert (note.subject, note.body) == ("Decided: Weekly pricing review", "We meet weekly.")
    assert told(adam, "decision_decided") == []


def test_being_set_consulted_on_a_deliverable_tells_the_person_once(acme):
    mia = person_of(acme, "member")
    partnership = partnership_make(acme, mia)
    deliverable = raci_actions.deliverable_create(
        partnership=partnership, actor=acme.owner, name="Pricing playbook"
    )
    raci_actions.raci_cell_set(deliverable=deliverable, actor=acme.owner, person=mia, letter="C")
    raci_actions.raci_cell_set(deliverable=deliverable, actor=acme.owner, person=mia, letter="I")
    raci_actions.raci_cell_set(deliverable=deliverable, actor=acme.owner, person=mia, letter="C")
    raci_actions.raci_cell_set(
        deliverable=deliverable, actor=acme.owner, person=acme.bob, letter="R"
    )
    (note,) = told(mia, "raci_consult")
    assert note.subject == "You are consulted on: Pricing playbook (Quote to cash)"
    assert note.url == f"/w/acme/partnerships/{partnership.slug}/raci/"
    assert told(acme.bob, "raci_consult") == []


def test_an_import_that_sets_c_tells_those_people(acme):
    mia = person_of(acme, "member")
    partnership = partnership_make(acme, mia)
    raci_actions.raci_cells_import(
        partnership=partnership,
        actor=acme.owner,
        changes=[
            raci_actions.CellChange("Launch plan", mia, "C"),
            raci_actions.CellChange("Launch plan", acme.bob, "A"),
        ],
    )
    assert len(told(mia, "raci_consult")) == 1
    assert told(acme.bob, "raci_consult") == []


def test_a_conflict_tells_parties_a_new_facilitator_and_the_escalation_target(acme):
    mia, adam = person_of(acme, "member"), person_of(acme, "admin")
    conflict = conflict_actions.conflict_create(
        workspace=acme.workspace,
        actor=acme.owner,
        title="Discount ceiling dispute",
        party_people=[mia, acme.alice],
        party_functions=[acme.sales, acme.finance],
    )
    assert len(told(mia, "conflict_assigned")) == 1
    conflict_actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    conflict_actions.conflict_stage_move(
        conflict=conflict, actor=acme.owner, to="in_dialogue", facilitator=adam
    )
    # Adam learns the conflict involves him (once), not that it moved.
    assert len(told(adam, "conflict_assigned")) == 1
    assert told(adam, "conflict_update") == []
    assert len(told(mia, "conflict_update")) == 2
    assert len(told(mia, "conflict_assigned")) == 1
