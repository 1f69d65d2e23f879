"""Goal writes: the validation rules, permissions, links, audit and optimistic concurrency."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.goals import actions
from accord.goals.models import Goal
from accord.goals.tests.helpers import goal_make, partnership_make, person_for
from accord.org.actions import StaleVersion
from accord.workspaces.models import AuditEntry


def _fields(tenant, **changes):
    fields = {
        "title": "Cut invoice cycle time from 30 to 20 days by June",
        "function": tenant.finance,
        "direction": "decrease",
        "baseline": 30,
        "target": 20,
        "unit": "days",
        "start_date": date(2026, 1, 1),
        "due_date": date(2026, 6, 30),
        "owner": tenant.bob,
    }
    fields.update(changes)
    return fields


def _refused(tenant, field, **changes):
    before = Goal.objects.count()
    with pytest.raises(ValidationError) as caught:
        actions.goal_create(membership=tenant.membership("admin"), **_fields(tenant, **changes))
    assert field in caught.value.message_dict, caught.value.message_dict
    assert Goal.objects.count() == before
    return caught.value.message_dict[field][0]


def test_a_valid_goal_is_saved_with_an_audit_entry(acme):
    goal = actions.goal_create(membership=acme.membership("admin"), **_fields(acme))
    assert goal.pk
    assert goal.function == acme.finance
    entry = AuditEntry.objects.get(object_uuid=goal.uuid)
    assert entry.action == "create"
    assert entry.changes["owner"] == [None, "Bob Baker"]


def test_due_before_start_is_refused_and_nothing_is_saved(acme):
    message = _refused(acme, "due_date", start_date=date(2026, 6, 1), due_date=date(2026, 1, 1))
    assert "before the start date" in message


def test_target_equal_to_baseline_is_refused(acme):
    message = _refused(acme, "target", target=30)
    assert "equals the baseline" in message


def test_target_on_the_wrong_side_of_the_baseline_is_refused(acme):
    assert "below the baseline" in _refused(acme, "target", target=40)


def test_owner_from_another_workspace_is_refused(acme, globex):
    assert "person in this workspace" in _refused(acme, "owner", owner=globex.alice)


def test_a_goal_needs_an_owner(acme):
    assert "one person accountable" in _refused(acme, "owner", owner=None)


def test_non_numeric_target_is_refused_with_an_example(acme):
    assert _refused(acme, "target", target="twenty") == "Enter a number, e.g. 42 or 17.5"


def test_a_goal_has_exactly_one_home(acme):
    partnership = partnership_make(acme)
    assert "not both" in _refused(acme, "function", partnership=partnership)
    assert "partnership or the function" in _refused(acme, "partnership", function=None)


def test_a_range_goal_needs_low_below_high(acme):
    message = _refused(
        acme, "target_high", direction="range", target_low=10, target_high=5, baseline=None
    )
    assert "above the lowest" in message


def test_a_key_result_needs_an_objective_in_the_same_home(acme):
    membership = acme.membership("admin")
    assert "objective it belongs to" in _refused(acme, "parent", kind="key_result")
    objective = actions.goal_create(
        membership=membership,
        title="Make invoicing painless",
        kind="objective",
        function=acme.sales,
        owner=acme.alice,
    )
    with pytest.raises(ValidationError) as caught:
        actions.goal_create(
            membership=membership,
            **_fields(acme, kind="key_result", parent=objective),  # finance ≠ sales
        )
    assert "same partnership or function" in caught.value.message_dict["parent"][0]
    kr = actions.goal_create(
        membership=membership,
        **_fields(acme, kind="key_result", parent=objective, function=acme.sales),
    )
    assert kr.parent == objective


def test_only_key_results_have_a_parent(acme):
    objective = goal_make(acme, kind="objective", title="Objective")
    with pytest.raises(ValidationError) as caught:
        actions.goal_create(membership=acme.membership("admin"), **_fields(acme, parent=objective))
    assert "Supports" in caught.value.message_dict["parent"][0]


def test_alignment_links_stay_in_the_workspace(acme, globex):
    foreign = goal_make(globex)
    with pytest.raises(ValidationError) as caught:
        actions.goal_create(
            membership=acme.membership("admin"), supports=[foreign], **_fields(acme)
        )
    assert "supports" in caught.value.message_dict


def test_alignment_links_cannot_loop(acme):
    membership = acme.membership("admin")
    first = goal_make(acme, title="First")
    second = goal_make(acme, title="Second")
    actions.goal_update(membership=membership, goal=second, supports=[first])
    with pytest.raises(ValidationError) as caught:
        actions.goal_update(membership=membership, goal=first, supports=[second])
    assert "loop" in caught.value.message_dict["supports"][0]


def test_viewers_cannot_create_goals(acme):
    with pytest.raises(PermissionDenied):
        actions.goal_create(membership=acme.membership("viewer"), **_fields(acme))
    assert not Goal.objects.exists()


def test_members_add_goals_only_to_partnerships_they_contribute_to(acme):
    member = acme.membership("member")
    partnership = partnership_make(acme)
    fields = _fields(acme, function=None, partnership=partnership)
    with pytest.raises(PermissionDenied):
        actions.goal_create(membership=member, **fields)
    partnership_make(acme, "Second", members=(person_for(acme, "member"),))
    joined = partnership.__class__.objects.get(slug="second")
    goal = actions.goal_create(membership=member, **{**fields, "partnership": joined})
    assert goal.partnership == joined


def test_members_add_function_goals_only_in_their_own_function(acme):
    member = acme.membership("member")
    with pytest.raises(PermissionDenied):
        actions.goal_create(membership=member, **_fields(acme))
    person_for(acme, "member", function=acme.finance)
    assert actions.goal_create(membership=acme.membership("member"), **_fields(acme)).pk


def test_the_owner_may_edit_their_goal_and_other_members_may_not(acme):
    goal = goal_make(acme, owner=person_for(acme, "member"))
    actions.goal_update(membership=acme.membership("member"), goal=goal, title="Sharper title")
    other = goal_make(acme, title="Not theirs")
    with pytest.raises(PermissionDenied):
        actions.goal_update(membership=acme.membership("member"), goal=other, title="Mine now")
    other.refresh_from_db()
    assert other.title == "Not theirs"


def test_partnership_lead_may_edit_its_goals(acme):
    lead = person_for(acme, "member")
    partnership = partnership_make(acme, lead=lead)
    goal = goal_make(acme, partnership=partnership, function=None)
    actions.goal_update(membership=acme.membership("member"), goal=goal, status="achieved")
    goal.refresh_from_db()
    assert goal.status == "achieved"


def test_an_update_is_audited_field_by_field(acme):
    goal = goal_make(acme)
    actions.goal_update(membership=acme.membership("admin"), goal=goal, target=25)
    entry = AuditEntry.objects.get(object_uuid=goal.uuid, action="update")
    assert entry.changes == {"target": [20.0, 25.0]}
    assert goal.version == 2


def test_a_stale_version_is_refused(acme):
    goal = goal_make(acme)
    with pytest.raises(StaleVersion):
        actions.goal_update(
            membership=acme.membership("admin"), goal=goal, expected_version=7, title="x"
        )


def test_an_invalid_update_saves_nothing(acme):
    goal = goal_make(acme)
    with pytest.raises(ValidationError):
        actions.goal_update(
            membership=acme.membership("admin"), goal=goal, due_date=date(2025, 1, 1)
        )
    goal.refresh_from_db()
    assert goal.due_date == date(2026, 6, 30)
    assert not AuditEntry.objects.filter(object_uuid=goal.uuid).exists()


def test_delete_is_audited(acme):
    goal = goal_make(acme)
    actions.goal_delete(membership=acme.membership("admin"), goal=goal)
    assert not Goal.objects.exists()
    assert AuditEntry.objects.filter(object_uuid=goal.uuid, action="delete").exists()
