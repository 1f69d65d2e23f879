"""RACI writes: deliverables, cells (bad input kept, audited), imports and overdue reminders."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accord.goals.models import Goal
from accord.governance import raci_actions as actions
from accord.governance.models import Deliverable, RaciAssignment
from accord.governance.raci_selectors import raci_matrix
from accord.governance.tasks_raci import raci_overdue_remind
from accord.notifications.models import Notification
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def raci_partnership(tenant, name: str = "Quote to cash") -> Partnership:
    """Sales × Finance with Alice (Sales) and Bob (Finance) as members."""
    partnership = partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=name,
        functions=[tenant.sales, tenant.finance],
    )
    for person, function in ((tenant.alice, tenant.sales), (tenant.bob, tenant.finance)):
        partnership_member_add(
            partnership=partnership, actor=tenant.owner, person=person, function=function
        )
    return partnership


def deliverable_make(tenant, partnership, name="Pricing approval", **fields) -> Deliverable:
    return actions.deliverable_create(
        partnership=partnership, actor=tenant.owner, name=name, **fields
    )


def rules_of(partnership) -> list[str]:
    return [item.finding.rule for item in raci_matrix(partnership=partnership).findings]


def test_create_puts_rows_in_order_and_audits(acme):
    partnership = raci_partnership(acme)
    first = deliverable_make(acme, partnership)
    second = deliverable_make(acme, partnership, name="Billing", mode="daci")
    assert (first.position, second.position) == (1, 2)
    entry = AuditEntry.objects.get(object_uuid=second.uuid)
    assert entry.changes["mode"] == [None, "DACI (decisions)"]


def test_create_refuses_blank_and_duplicate_names_and_foreign_goals(acme, globex):
    partnership = raci_partnership(acme)
    deliverable_make(acme, partnership)
    other = raci_partnership(globex)
    foreign = Goal.objects.create(workspace=globex.workspace, partnership=other, title="Theirs")
    with pytest.raises(ValidationError) as error:
        actions.deliverable_create(
            partnership=partnership, actor=acme.owner, name="pricing approval", goals=[foreign]
        )
    assert "already has a deliverable called" in error.value.message_dict["name"][0]
    assert "is not a goal of Quote to cash" in error.value.message_dict["goals"][0]
    with pytest.raises(ValidationError) as error:
        actions.deliverable_create(partnership=partnership, actor=acme.owner, name="  ")
    assert error.value.message_dict == {"name": ["Give the deliverable a name."]}


def test_two_accountable_are_saved_and_the_rule_shows(acme):
    """Bad input from the issue: a second A is kept; the one-accountable finding appears."""
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="a")
    assert set(RaciAssignment.objects.values_list("letter", flat=True)) == {"A"}
    assert RaciAssignment.objects.count() == 2
    assert "one-accountable" in rules_of(partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    assert "one-accountable" not in rules_of(partnership)


def test_every_cell_change_is_audited_before_and_after(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    for letter in ("R", "A", None):
        actions.raci_cell_set(deliverable=row, actor=acme.member, person=acme.bob, letter=letter)
    actions.raci_cell_set(deliverable=row, actor=acme.member, person=acme.bob, letter=None)
    changes = [
        e.changes["role of Bob Baker"]
        for e in AuditEntry.objects.filter(object_uuid=row.uuid, action="update").order_by("pk")
    ]
    assert changes == [[None, "R"], ["R", "A"], ["A", None]]


def test_letters_must_fit_the_row_mode(acme):
    partnership = raci_partnership(acme)
    raci_row = deliverable_make(acme, partnership)
    daci_row = deliverable_make(acme, partnership, name="Choose CRM", mode="daci")
    with pytest.raises(ValidationError) as error:
        actions.raci_cell_set(deliverable=raci_row, actor=acme.owner, person=acme.bob, letter="D")
    assert "use R, A, C or I" in error.value.message_dict["letter"][0]
    with pytest.raises(ValidationError):
        actions.raci_cell_set(deliverable=daci_row, actor=acme.owner, person=acme.bob, letter="R")
    actions.raci_cell_set(deliverable=daci_row, actor=acme.owner, person=acme.bob, letter="D")


def test_changing_the_mode_keeps_letters_and_flags_them(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    actions.deliverable_update(deliverable=row, actor=acme.owner, mode="daci")
    assert RaciAssignment.objects.get().letter == "R"
    assert "letter-outside-mode" in rules_of(partnership)


def test_a_cell_changed_meanwhile_is_refused(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="C")
    with pytest.raises(ValidationError) as error:
        actions.raci_cell_set(
            deliverable=row, actor=acme.owner, person=acme.bob, letter="A", expected_letter=None
        )
    assert "changed Bob Baker's role" in error.value.messages[0]
    assert RaciAssignment.objects.get().letter == "C"


def test_people_from_another_workspace_are_refused(acme, globex):
    row = deliverable_make(acme, raci_partnership(acme))
    with pytest.raises(ValidationError):
        actions.raci_cell_set(deliverable=row, actor=acme.owner, person=globex.bob, letter="R")


def test_update_checks_the_version(acme):
    row = deliverable_make(acme, raci_partnership(acme))
    actions.deliverable_update(deliverable=row, actor=acme.owner, name="Renamed")
    stale = Deliverable.objects.get(pk=row.pk)
    stale.version = 1
    with pytest.raises(StaleVersion):
        actions.deliverable_update(
            deliverable=stale, actor=acme.owner, expected_version=1, name="Again"
        )


def test_delete_records_the_letters_it_held(acme):
    row = deliverable_make(acme, raci_partnership(acme))
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    actions.deliverable_delete(deliverable=row, actor=acme.owner)
    entry = AuditEntry.objects.get(object_uuid=row.uuid, action="delete")
    assert entry.changes["roles"] == ["Bob Baker: R", None]
    assert not RaciAssignment.objects.exists()


# --- overdue reminders ----------------------------------------------------------------------


def test_the_a_of_an_overdue_deliverable_is_reminded_once_per_due_date(acme):
    partnership = raci_partnership(acme)
    due = datetime.date(2026, 3, 1)
    row = deliverable_make(acme, partnership, due_date=due)
    done = deliverable_make(acme, partnership, name="Done", due_date=due, status="done")
    for deliverable in (row, done):
        actions.raci_cell_set(
            deliverable=deliverable, actor=acme.owner, person=acme.alice, letter="A"
        )
        actions.raci_cell_set(
            deliverable=deliverable, actor=acme.owner, person=acme.bob, letter="R"
        )
    today = datetime.date(2026, 3, 5)
    assert actions.raci_overdue_reminders(workspace=acme.workspace, today=today) == 1
    assert actions.raci_overdue_reminders(workspace=acme.workspace, today=today) == 0
    note = Notification.objects.get(event="raci_overdue")
    assert note.recipient == acme.alice
    assert note.object_uuid == row.uuid
    assert "4 days ago" in note.body
    # A new due date that passes again reminds again.
    actions.deliverable_update(
        deliverable=row, actor=acme.owner, due_date=datetime.date(2026, 3, 3)
    )
    assert actions.raci_overdue_reminders(workspace=acme.workspace, today=today) == 1


def test_not_yet_due_or_without_an_a_means_no_reminder(acme):
    partnership = raci_partnership(acme)
    soon = deliverable_make(acme, partnership, due_date=datetime.date(2026, 3, 10))
    actions.raci_cell_set(deliverable=soon, actor=acme.owner, person=acme.alice, letter="A")
    deliverable_make(acme, partnership, name="No A", due_date=datetime.date(2026, 1, 1))
    assert (
        actions.raci_overdue_reminders(workspace=acme.workspace, today=datetime.date(2026, 3, 10))
        == 0
    )


def test_the_task_reminds_across_workspaces_and_is_idempotent(acme, globex):
    for tenant in (acme, globex):
        row = deliverable_make(tenant, raci_partnership(tenant), due_date=datetime.date(2026, 1, 1))
        actions.raci_cell_set(deliverable=row, actor=tenant.owner, person=tenant.bob, letter="A")
    assert raci_overdue_remind.call(today="2026-02-01") == 2
    assert raci_overdue_remind.call(today="2026-02-02") == 0
    overdue = Notification.objects.filter(event="raci_overdue")
    assert set(overdue.values_list("recipient__email", flat=True)) == {
        "bob@acme.test",
        "bob@globex.test",
    }


# --- import ---------------------------------------------------------------------------------


def test_import_writes_cells_creates_rows_and_audits(acme):
    partnership = raci_partnership(acme)
    row = deliverable_make(acme, partnership)
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="C")
    written = actions.raci_cells_import(
        partnership=partnership,
        actor=acme.owner,
        changes=[
            actions.CellChange("Pricing approval", acme.bob, "R"),
            actions.CellChange("Pricing approval", acme.alice, "A"),
            actions.CellChange("New deliverable", acme.alice, "A"),
        ],
    )
    assert written == 3
    letters = RaciAssignment.objects.order_by("deliverable__position", "person__name")
    assert [(a.deliverable.name, a.person.name, a.letter) for a in letters] == [
        ("Pricing approval", "Alice Archer", "A"),
        ("Pricing approval", "Bob Baker", "R"),
        ("New deliverable", "Alice Archer", "A"),
    ]
    assert Deliverable.objects.filter(name="New deliverable", mode="raci").exists()
    assert Person.objects.filter(workspace=acme.workspace).count() == 2
