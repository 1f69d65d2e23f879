"""Action item writes: validation, owners, links placing an action in a partnership, status and
completion time, who may change what, comments, and the audit trail."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.goals.models import Goal
from accord.governance import action_actions as actions
from accord.governance import action_selectors as selectors
from accord.governance.models import ActionComment, ActionItem, Conflict, Decision
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 5, 10)


def partnership_make(tenant, name="Quote to cash", **fields) -> Partnership:
    fields.setdefault("functions", [tenant.sales, tenant.finance])
    return partnership_actions.partnership_create(
        workspace=tenant.workspace, actor=tenant.owner, name=name, **fields
    )


def person_for(tenant, role, name=None) -> Person:
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name or f"{role.title()} Person",
        email=user.email,
        user=user,
    )


def action_make(tenant, role="admin", **fields) -> ActionItem:
    fields.setdefault("title", "Send the revised discount policy")
    fields.setdefault("owner", tenant.alice)
    return actions.action_create(membership=tenant.membership(role), **fields)


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


# --- create and validate --------------------------------------------------------------------


def test_an_action_needs_a_title_and_exactly_one_owner(acme):
    with pytest.raises(ValidationError) as caught:
        actions.action_create(membership=acme.membership("admin"), title="  ", owner=None)
    errors = messages_of(caught.value)
    assert "Say what needs doing" in errors["title"]
    assert errors["owner"] == "Choose the one person who owns this action."
    assert not ActionItem.objects.exists()


def test_an_owner_from_another_workspace_is_refused(acme, globex):
    with pytest.raises(ValidationError) as caught:
        action_make(acme, owner=globex.alice)
    assert messages_of(caught.value) == {"owner": "Choose someone from this workspace."}


def test_creating_records_the_audit_entry_with_the_fields(acme):
    action = action_make(acme, due_date=TODAY)
    entry = AuditEntry.objects.get(object_uuid=action.uuid)
    assert entry.action == "create"
    assert entry.actor == acme.admin
    assert entry.changes["title"] == [None, "Send the revised discount policy"]
    assert entry.changes["owner"] == [None, "Alice Archer"]


def test_a_linked_goal_places_the_action_in_the_goals_partnership(acme):
    partnership = partnership_make(acme)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    action = action_make(acme, goal=goal)
    assert action.partnership == partnership


def test_a_goal_of_another_partnership_is_refused_naming_both(acme):
    q2c = partnership_make(acme)
    launch = partnership_make(acme, name="Launch")
    goal = Goal.objects.create(workspace=acme.workspace, partnership=launch, title="Ship it")
    with pytest.raises(ValidationError) as caught:
        action_make(acme, partnership=q2c, goal=goal)
    assert messages_of(caught.value)["goal"].startswith(
        "This goal belongs to Launch, not to Quote to cash"
    )


def test_links_to_a_decision_and_a_conflict_of_the_same_partnership_are_kept(acme):
    partnership = partnership_make(acme)
    decision = Decision.objects.create(
        workspace=acme.workspace, partnership=partnership, title="Price floor"
    )
    conflict = Conflict.objects.create(
        workspace=acme.workspace, partnership=partnership, title="Discounts vs margin"
    )
    action = action_make(acme, decision=decision, conflict=conflict)
    assert (action.partnership, action.decision, action.conflict) == (
        partnership,
        decision,
        conflict,
    )


def test_a_source_needs_a_known_type_and_an_id(acme):
    with pytest.raises(ValidationError) as caught:
        action_make(acme, source_type="meeting")
    assert "source_uuid" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        action_make(acme, source_type="party", source_uuid="5e0c7a0e-9d4b-4c1e-8f0a-000000000000")
    assert "source_type" in caught.value.message_dict


# --- status and completion ------------------------------------------------------------------


def test_done_sets_completed_at_and_reopening_clears_it(acme):
    action = action_make(acme)
    membership = acme.membership("admin")
    actions.action_status_change(membership=membership, action=action, status="done")
    assert action.completed_at is not None
    assert action.version == 2
    actions.action_status_change(membership=membership, action=action, status="in_progress")
    action.refresh_from_db()
    assert action.completed_at is None
    assert action.status == "in_progress"


def test_an_unknown_status_is_refused(acme):
    action = action_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.action_status_change(
            membership=acme.membership("admin"), action=action, status="finished"
        )
    assert "status" in caught.value.message_dict


def test_a_stale_version_is_refused(acme):
    action = action_make(acme)
    with pytest.raises(actions.StaleVersion):
        actions.action_update(
            membership=acme.membership("admin"), action=action, expected_version=7, title="New"
        )


def test_overdue_means_past_due_and_still_open_or_in_progress(acme):
    action = action_make(acme, due_date=TODAY - datetime.timedelta(days=1))
    assert selectors.action_is_overdue(action, TODAY) is True
    action.status = ActionItem.Status.DONE
    assert selectors.action_is_overdue(action, TODAY) is False
    action.status = ActionItem.Status.IN_PROGRESS
    action.due_date = TODAY
    assert selectors.action_is_overdue(action, TODAY) is False


# --- who may ---------------------------------------------------------------------------------


def test_viewers_cannot_create_actions(acme):
    with pytest.raises(PermissionDenied):
        action_make(acme, role="viewer")


def test_members_outside_a_partnership_cannot_add_actions_to_it(acme):
    partnership = partnership_make(acme)
    with pytest.raises(PermissionDenied):
        action_make(acme, role="member", partnership=partnership)
    # A workspace-wide action is fine for any member.
    assert action_make(acme, role="member").partnership is None


def test_partnership_members_can_add_actions_to_it(acme):
    partnership = partnership_make(acme)
    person = person_for(acme, "member")
    partnership_actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=person, function=acme.sales
    )
    assert action_make(acme, role="member", partnership=partnership).partnership == partnership


def test_the_owner_a_partnership_manager_and_admins_can_edit_but_other_members_cannot(acme):
    lead = person_for(acme, "member", name="Lead Person")
    partnership = partnership_make(acme, lead=lead)
    action = action_make(acme, partnership=partnership, owner=acme.alice)
    member = acme.membership("member")
    assert selectors.action_can_edit(membership=member, action=action) is True  # the lead
    partnership_actions.partnership_update(partnership=partnership, actor=acme.owner, lead=None)
    action = selectors.action_get(membership=member, uuid=action.uuid)
    assert selectors.action_can_edit(membership=member, action=action) is False
    with pytest.raises(PermissionDenied):
        actions.action_update(membership=member, action=action, title="Mine now")
    action.owner = lead
    action.save()
    action = selectors.action_get(membership=member, uuid=action.uuid)
    assert selectors.action_can_edit(membership=member, action=action) is True  # the owner
    assert selectors.action_can_edit(membership=acme.membership("viewer"), action=action) is False


# --- comments -------------------------------------------------------------------------------


def test_comments_are_kept_with_their_author_and_audited(acme):
    action = action_make(acme)
    comment = actions.action_comment_add(
        membership=acme.membership("member"), action=action, body="  Draft is in the folder. "
    )
    assert comment.body == "Draft is in the folder."
    assert comment.author == acme.member
    entry = AuditEntry.objects.filter(object_uuid=action.uuid, action="update").get()
    assert entry.changes == {"comment": [None, "Draft is in the folder."]}


def test_an_empty_comment_is_refused_and_viewers_cannot_comment(acme):
    action = action_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.action_comment_add(membership=acme.membership("member"), action=action, body=" ")
    assert messages_of(caught.value) == {"body": "Write a comment before posting it."}
    with pytest.raises(PermissionDenied):
        actions.action_comment_add(membership=acme.membership("viewer"), action=action, body="Hi")
    assert not ActionComment.objects.exists()


# --- visibility -----------------------------------------------------------------------------


def test_actions_of_members_only_partnerships_are_hidden_from_non_members(acme):
    private = partnership_make(acme, name="Secret", privacy="members")
    hidden = action_make(acme, partnership=private, title="Hidden follow-up")
    shown = action_make(acme, title="Workspace-wide follow-up")
    visible = set(selectors.action_list(membership=acme.membership("member")))
    assert visible == {shown}
    assert set(selectors.action_list(membership=acme.membership("admin"))) == {hidden, shown}


def test_actions_for_lists_the_visible_actions_linked_to_a_goal_with_flags(acme):
    partnership = partnership_make(acme)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    late = action_make(acme, goal=goal, due_date=datetime.date(2020, 1, 1), title="Late")
    action_make(acme, title="Unrelated")
    rows = selectors.actions_for(membership=acme.membership("viewer"), goal=goal)
    assert [row.title for row in rows] == [late.title]
    assert rows[0].overdue is True
    assert rows[0].can_edit is False
    assert selectors.actions_for(membership=acme.membership("viewer")) == []
