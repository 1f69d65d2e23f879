"""The conflict workflow: allowed moves, what each stage needs, who moved it, notifications."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accord.governance import conflict_actions as actions
from accord.governance.conflict_actions import ActionItemDraft
from accord.governance.models import ActionItem, ConflictStageChange
from accord.governance.tests.conflict_helpers import (
    conflict_make,
    partnership_make,
    walk_to_options,
)
from accord.notifications.models import Notification
from accord.org.models import Person
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=False)


def test_raising_records_the_first_stage_and_an_audit_entry(acme):
    """A new conflict is raised, with a stage-change row naming who raised it."""
    conflict = conflict_make(acme)
    assert conflict.stage == "raised"
    (change,) = ConflictStageChange.objects.filter(conflict=conflict)
    assert (change.from_stage, change.to_stage, change.changed_by) == ("", "raised", acme.owner)
    assert AuditEntry.objects.filter(object_uuid=conflict.uuid, action="create").exists()


def test_a_conflict_needs_two_parties(acme):
    """One party is no conflict: refused with a message on the parties field."""
    with pytest.raises(ValidationError) as error:
        conflict_make(acme, party_people=[acme.alice], party_functions=[])
    assert "at least two parties" in error.value.message_dict["party_people"][0]


def test_parties_from_another_workspace_are_refused(acme, globex):
    """People of another workspace cannot be parties."""
    with pytest.raises(ValidationError) as error:
        conflict_make(acme, party_people=[acme.alice, globex.bob])
    assert "party_people" in error.value.message_dict


def test_a_refused_move_names_the_allowed_ones(acme):
    """Raised cannot jump to resolved; the reason lists where it can go."""
    conflict = conflict_make(acme)
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="resolved")
    assert error.value.message_dict["to"] == [
        "A conflict that is raised cannot move to resolved; it can move to acknowledged."
    ]


def test_dialogue_needs_a_facilitator(acme):
    """Without a facilitator the dialogue cannot start."""
    conflict = conflict_make(acme)
    actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="in_dialogue")
    assert "facilitator" in error.value.message_dict


def test_options_need_every_partys_perspective(acme):
    """Moving to options with only Alice heard names the parties still missing."""
    conflict = conflict_make(acme)
    actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    actions.conflict_stage_move(
        conflict=conflict, actor=acme.owner, to="in_dialogue", facilitator=acme.bob
    )
    actions.conflict_perspective_add(
        conflict=conflict, actor=acme.owner, person=acme.alice, perspective="Discounts win."
    )
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="options")
    message = error.value.message_dict["to"][0]
    assert "Bob Baker" in message
    assert "Finance" in message
    assert "Alice" not in message


def test_each_party_speaks_once(acme):
    """A second perspective for the same person is refused."""
    conflict = conflict_make(acme)
    actions.conflict_perspective_add(
        conflict=conflict, actor=acme.owner, person=acme.alice, perspective="One."
    )
    with pytest.raises(ValidationError):
        actions.conflict_perspective_add(
            conflict=conflict, actor=acme.owner, person=acme.alice, perspective="Two."
        )


def test_resolving_from_options_needs_an_option_and_the_agreement(acme):
    """No option and no agreement: both reasons are given."""
    conflict = walk_to_options(conflict_make(acme), acme)
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="resolved")
    assert "agreement" in error.value.message_dict
    assert "at least one mutual-gain option" in error.value.message_dict["to"][0]


def test_resolving_creates_action_items_and_a_follow_up_date(acme):
    """The agreement is kept, the chosen option marked, action items linked to the conflict."""
    conflict = walk_to_options(conflict_make(acme), acme)
    option = actions.conflict_option_add(
        conflict=conflict, actor=acme.owner, description="Discount floor with margin guardrail"
    )
    actions.conflict_stage_move(
        conflict=conflict,
        actor=acme.owner,
        to="resolved",
        agreement="Discounts above 10% need Finance sign-off.",
        chosen_option=option,
        follow_up_date=date(2031, 1, 15),
        action_items=[ActionItemDraft("Publish the discount policy", acme.alice, date(2031, 1, 1))],
    )
    conflict.refresh_from_db()
    assert conflict.stage == "resolved"
    assert conflict.resolved_at is not None
    assert conflict.follow_up_date == date(2031, 1, 15)
    option.refresh_from_db()
    assert option.chosen is True
    (item,) = ActionItem.objects.filter(conflict=conflict)
    assert (item.title, item.owner, item.workspace) == (
        "Publish the discount policy",
        acme.alice,
        acme.workspace,
    )


def test_escalation_goes_to_the_sponsor_and_needs_a_reason(
    acme, django_capture_on_commit_callbacks
):
    """Escalating defaults to the partnership's sponsor; without a reason it is refused."""
    sponsor = Person.objects.create(
        workspace=acme.workspace, name="Sam Sponsor", email="sam@acme.test"
    )
    conflict = conflict_make(acme, partnership=partnership_make(acme, sponsor=sponsor))
    actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="escalated")
    assert "escalation_reason" in error.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        actions.conflict_stage_move(
            conflict=conflict, actor=acme.owner, to="escalated", escalation_reason="Deadlocked."
        )
    conflict.refresh_from_db()
    assert conflict.escalated_to == sponsor
    assert Notification.objects.filter(
        recipient=sponsor, object_uuid=conflict.uuid, event="conflict_assigned"
    ).exists()


def test_escalation_without_a_sponsor_asks_who(acme):
    """With no partnership sponsor, the person to escalate to must be chosen."""
    conflict = conflict_make(acme)
    actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(
            conflict=conflict, actor=acme.owner, to="escalated", escalation_reason="Stuck."
        )
    assert "escalated_to" in error.value.message_dict


def _resolved(acme):
    conflict = walk_to_options(conflict_make(acme), acme)
    actions.conflict_option_add(conflict=conflict, actor=acme.owner, description="Guardrail")
    actions.conflict_stage_move(
        conflict=conflict, actor=acme.owner, to="resolved", agreement="Sign-off above 10%."
    )
    return conflict


def test_closing_needs_the_follow_up_note(acme):
    """Closing without saying whether the agreement holds is refused; with it, it closes."""
    conflict = _resolved(acme)
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="closed", holds=True)
    assert "note" in error.value.message_dict
    actions.conflict_stage_move(
        conflict=conflict, actor=acme.owner, to="closed", holds=True, note="Held for 30 days."
    )
    conflict.refresh_from_db()
    assert conflict.stage == "closed"
    assert conflict.closed_at is not None


def test_an_agreement_that_does_not_hold_goes_back_to_dialogue(acme):
    """Closing with 'does not hold' is refused; moving back to dialogue with a note works."""
    conflict = _resolved(acme)
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(
            conflict=conflict, actor=acme.owner, to="closed", holds=False, note="Broken."
        )
    assert "back to in dialogue" in error.value.message_dict["holds"][0]
    actions.conflict_stage_move(
        conflict=conflict, actor=acme.owner, to="in_dialogue", note="Discounts crept back."
    )
    conflict.refresh_from_db()
    assert conflict.stage == "in_dialogue"


def test_closed_is_final(acme):
    """Nothing moves a closed conflict."""
    conflict = _resolved(acme)
    actions.conflict_stage_move(
        conflict=conflict, actor=acme.owner, to="closed", holds=True, note="Holds."
    )
    with pytest.raises(ValidationError) as error:
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="in_dialogue")
    assert "final" in error.value.message_dict["to"][0]


def test_stage_moves_notify_parties_and_facilitator_once_each(
    acme, django_capture_on_commit_callbacks
):
    """Raising tells each party the conflict involves them; each move then tells each party
    (and the facilitator) once."""
    with django_capture_on_commit_callbacks(execute=True):
        conflict = conflict_make(acme)
        actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    rows = Notification.objects.filter(object_uuid=conflict.uuid)
    assert sorted(rows.values_list("event", "recipient__name")) == [
        ("conflict_assigned", "Alice Archer"),
        ("conflict_assigned", "Bob Baker"),
        ("conflict_update", "Alice Archer"),
        ("conflict_update", "Bob Baker"),
    ]


def test_a_stale_version_is_refused(acme):
    """Moving from an old version answers StaleVersion."""
    conflict = conflict_make(acme)
    with pytest.raises(actions.StaleVersion):
        actions.conflict_stage_move(
            conflict=conflict, actor=acme.owner, to="acknowledged", expected_version=99
        )
