"""Partnership writes: creation rules, slugs, updates, lifecycle, members, audit."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from accord.org.models import Function, Person
from accord.partnerships import actions
from accord.partnerships.models import Lifecycle, Partnership, PartnershipMember, StatusChange
from accord.partnerships.tests.helpers import partnership_make
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def _errors(excinfo):
    return excinfo.value.message_dict


# --- create ---------------------------------------------------------------------------------


def test_create_records_proposed_status_functions_and_audit(acme):
    """A new partnership is proposed, joins its functions, and says who started it."""
    partnership = partnership_make(
        acme,
        purpose="Faster quotes",
        lead=acme.alice,
        sponsor=acme.bob,
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2026, 12, 31),
        problem="Quotes take two weeks.",
    )
    assert partnership.slug == "quote-to-cash"
    assert partnership.status == Lifecycle.PROPOSED
    assert partnership.problem == "Quotes take two weeks."
    assert {f.name for f in partnership.functions.all()} == {"Sales", "Finance"}
    change = StatusChange.objects.get(partnership=partnership)
    assert (change.from_status, change.to_status, change.changed_by) == ("", "proposed", acme.owner)
    entry = AuditEntry.objects.get(object_uuid=partnership.uuid, action="create")
    assert entry.changes["functions"] == [None, "Finance, Sales"]
    assert entry.changes["lead"] == [None, "Alice Archer"]


def test_one_function_is_not_cross_functional(acme):
    """With one function the partnership is refused with a clear message, and nothing saved."""
    with pytest.raises(ValidationError) as excinfo:
        partnership_make(acme, functions=[acme.sales])
    assert _errors(excinfo) == {"functions": [actions.NOT_CROSS_FUNCTIONAL]}
    assert not Partnership.objects.exists()
    assert not AuditEntry.objects.filter(object_type="partnerships.partnership").exists()


def test_the_same_function_twice_does_not_count_as_two(acme):
    with pytest.raises(ValidationError) as excinfo:
        partnership_make(acme, functions=[acme.sales, acme.sales])
    assert _errors(excinfo) == {"functions": ["Sales is listed twice."]}
    assert not Partnership.objects.exists()


def test_end_before_start_is_a_field_error(acme):
    with pytest.raises(ValidationError) as excinfo:
        partnership_make(
            acme, start_date=datetime.date(2026, 5, 1), end_date=datetime.date(2026, 4, 30)
        )
    assert _errors(excinfo) == {
        "end_date": ["The end date (30 Apr 2026) is before the start date (1 May 2026)."]
    }
    assert not Partnership.objects.exists()


def test_people_and_functions_of_another_workspace_are_field_errors(acme, globex):
    """Every foreign reference is named at once, and nothing is saved."""
    with pytest.raises(ValidationError) as excinfo:
        partnership_make(
            acme, functions=[acme.sales, globex.finance], lead=globex.alice, sponsor=globex.bob
        )
    errors = _errors(excinfo)
    assert errors["functions"] == ["Choose functions from this workspace."]
    assert errors["lead"] == ["Choose someone from this workspace."]
    assert errors["sponsor"] == ["Choose someone from this workspace."]
    assert not Partnership.objects.exists()


def test_blank_name_is_refused(acme):
    with pytest.raises(ValidationError) as excinfo:
        partnership_make(acme, name="   ")
    assert "name" in _errors(excinfo)


def test_slugs_are_unique_per_workspace(acme, globex):
    """The same name gets a numbered slug in one workspace, and the plain slug in another."""
    first = partnership_make(acme)
    second = partnership_make(acme)
    third = partnership_make(acme)
    other = partnership_make(globex)
    assert [first.slug, second.slug, third.slug] == [
        "quote-to-cash",
        "quote-to-cash-2",
        "quote-to-cash-3",
    ]
    assert other.slug == "quote-to-cash"


def test_a_slug_never_shadows_the_new_page(acme):
    assert partnership_make(acme, name="New").slug == "new-2"


def test_an_explicit_slug_must_be_free_and_well_formed(acme):
    partnership_make(acme, slug="q2c")
    with pytest.raises(ValidationError) as taken:
        partnership_make(acme, slug="q2c")
    assert "already uses" in _errors(taken)["slug"][0]
    with pytest.raises(ValidationError) as malformed:
        partnership_make(acme, slug="Not A Slug")
    assert "slug" in _errors(malformed)


# --- update ---------------------------------------------------------------------------------


def test_update_bumps_version_and_audits_before_and_after(acme):
    partnership = partnership_make(acme)
    actions.partnership_update(
        partnership=partnership, actor=acme.admin, expected_version=1, name="Q2C", lead=acme.bob
    )
    partnership.refresh_from_db()
    assert (partnership.name, partnership.version, partnership.slug) == ("Q2C", 2, "quote-to-cash")
    entry = AuditEntry.objects.filter(object_uuid=partnership.uuid, action="update").get()
    assert entry.changes == {"name": ["Quote to cash", "Q2C"], "lead": [None, "Bob Baker"]}


def test_update_of_a_stale_version_is_refused(acme):
    partnership = partnership_make(acme)
    actions.partnership_update(partnership=partnership, actor=acme.admin, purpose="A")
    stale = Partnership.objects.get(pk=partnership.pk)
    stale.version = 1
    with pytest.raises(actions.StaleVersion):
        actions.partnership_update(
            partnership=stale, actor=acme.admin, expected_version=1, purpose="B"
        )
    assert Partnership.objects.get(pk=partnership.pk).purpose == "A"


def test_update_keeps_the_two_function_rule(acme):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as excinfo:
        actions.partnership_update(
            partnership=partnership, actor=acme.admin, functions=[acme.sales]
        )
    assert _errors(excinfo) == {"functions": [actions.NOT_CROSS_FUNCTIONAL]}


def test_a_function_with_members_cannot_be_dropped(acme):
    """Removing Finance while Bob represents it is refused, naming him."""
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    partnership = partnership_make(acme)
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.bob, function=acme.finance
    )
    with pytest.raises(ValidationError) as excinfo:
        actions.partnership_update(
            partnership=partnership, actor=acme.owner, functions=[acme.sales, marketing]
        )
    message = _errors(excinfo)["functions"][0]
    assert "Finance still has 1 member here (Bob Baker)" in message
    assert {f.name for f in partnership.functions.all()} == {"Sales", "Finance"}


def test_functions_change_is_audited(acme):
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    partnership = partnership_make(acme)
    actions.partnership_update(
        partnership=partnership, actor=acme.owner, functions=[acme.sales, marketing]
    )
    entry = AuditEntry.objects.get(object_uuid=partnership.uuid, action="update")
    assert entry.changes == {"functions": ["Finance, Sales", "Marketing, Sales"]}


def test_charter_sections_are_edited_one_at_a_time(acme):
    partnership = partnership_make(acme)
    actions.partnership_charter_update(
        partnership=partnership, actor=acme.owner, section="scope_out", text="  Pricing  "
    )
    partnership.refresh_from_db()
    assert partnership.scope_out == "Pricing"
    with pytest.raises(ValidationError):
        actions.partnership_charter_update(
            partnership=partnership, actor=acme.owner, section="status", text="closed"
        )
    assert Partnership.objects.get(pk=partnership.pk).status == "proposed"


# --- lifecycle ------------------------------------------------------------------------------


def test_allowed_moves_record_who_when_and_why(acme):
    partnership = partnership_make(acme)
    actions.partnership_status_change(
        partnership=partnership, actor=acme.admin, to="forming", note="Sponsor agreed"
    )
    actions.partnership_status_change(partnership=partnership, actor=acme.owner, to="active")
    changes = list(
        StatusChange.objects.filter(partnership=partnership).order_by("created_at", "pk")
    )
    assert [(c.from_status, c.to_status) for c in changes] == [
        ("", "proposed"),
        ("proposed", "forming"),
        ("forming", "active"),
    ]
    assert changes[1].changed_by == acme.admin
    assert changes[1].note == "Sponsor agreed"
    assert changes[1].created_at is not None
    partnership.refresh_from_db()
    assert partnership.status == "active"
    audit = AuditEntry.objects.filter(object_uuid=partnership.uuid, action="update")
    assert {"status": ["Proposed", "Forming"], "note": [None, "Sponsor agreed"]} in [
        entry.changes for entry in audit
    ]


@pytest.mark.parametrize(
    ("start", "to"),
    [("proposed", "active"), ("proposed", "paused"), ("active", "forming"), ("closed", "active")],
)
def test_moves_outside_the_lifecycle_are_refused(acme, start, to):
    partnership = partnership_make(acme)
    Partnership.objects.filter(pk=partnership.pk).update(status=start)
    partnership.refresh_from_db()
    with pytest.raises(ValidationError) as excinfo:
        actions.partnership_status_change(partnership=partnership, actor=acme.owner, to=to)
    assert "cannot move" in _errors(excinfo)["to"][0]
    assert Partnership.objects.get(pk=partnership.pk).status == start
    assert StatusChange.objects.filter(partnership=partnership).count() == 1


def test_closing_sets_the_end_date_when_empty(acme):
    partnership = partnership_make(acme)
    today = datetime.date(2026, 3, 15)
    actions.partnership_status_change(
        partnership=partnership, actor=acme.owner, to="closed", today=today
    )
    partnership.refresh_from_db()
    assert (partnership.status, partnership.end_date) == ("closed", today)


def test_closing_keeps_a_planned_end_date(acme):
    partnership = partnership_make(acme, end_date=datetime.date(2026, 6, 30))
    actions.partnership_status_change(
        partnership=partnership, actor=acme.owner, to="closed", today=datetime.date(2026, 3, 1)
    )
    partnership.refresh_from_db()
    assert partnership.end_date == datetime.date(2026, 6, 30)


# --- members --------------------------------------------------------------------------------


def test_member_add_update_remove_are_audited_on_the_partnership(acme):
    partnership = partnership_make(acme)
    member = actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.alice, function=acme.sales
    )
    actions.partnership_member_update(
        member=member, actor=acme.owner, function=acme.finance, role="advisor"
    )
    actions.partnership_member_remove(member=member, actor=acme.owner)
    assert not PartnershipMember.objects.exists()
    changes = [
        entry.changes["members"]
        for entry in AuditEntry.objects.filter(object_uuid=partnership.uuid, action="update")
    ]
    assert changes == [
        ["removed Alice Archer (Finance, Advisor)", None],
        ["Alice Archer (Sales, Core member)", "Alice Archer (Finance, Advisor)"],
        [None, "added Alice Archer (Sales, Core member)"],
    ]


def test_a_member_represents_one_of_the_partnerships_functions(acme):
    marketing = Function.objects.create(workspace=acme.workspace, name="Marketing")
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as excinfo:
        actions.partnership_member_add(
            partnership=partnership, actor=acme.owner, person=acme.alice, function=marketing
        )
    assert _errors(excinfo)["function"] == [
        "Marketing is not one of this partnership's functions (Finance, Sales); "
        "add it to the partnership first."
    ]
    member = actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.alice, function=acme.sales
    )
    with pytest.raises(ValidationError):
        actions.partnership_member_update(member=member, actor=acme.owner, function=marketing)
    member.refresh_from_db()
    assert member.function == acme.sales


def test_a_person_joins_once(acme):
    partnership = partnership_make(acme)
    actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=acme.alice, function=acme.sales
    )
    with pytest.raises(ValidationError) as excinfo:
        actions.partnership_member_add(
            partnership=partnership, actor=acme.owner, person=acme.alice, function=acme.finance
        )
    assert _errors(excinfo)["person"] == ["Alice Archer is already a member of this partnership."]


def test_a_member_from_another_workspace_is_refused(acme, globex):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as excinfo:
        actions.partnership_member_add(
            partnership=partnership, actor=acme.owner, person=globex.alice, function=acme.sales
        )
    assert _errors(excinfo)["person"] == ["Choose someone from this workspace."]
    assert not PartnershipMember.objects.exists()


def test_delete_removes_the_partnership_and_audits(acme):
    partnership = partnership_make(acme)
    uuid = partnership.uuid
    actions.partnership_delete(partnership=partnership, actor=acme.admin)
    assert not Partnership.objects.exists()
    assert AuditEntry.objects.filter(object_uuid=uuid, action="delete").exists()
    assert Person.objects.filter(workspace=acme.workspace).count() == 2
