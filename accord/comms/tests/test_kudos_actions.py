"""Kudos and values: giving kudos (value, partnership, receiver rules), the notification and
the webhook post, who removes kudos, visibility in members-only partnerships, the
function-by-function matrix with its cross-function share, and admin-only values."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.comms import kudos_actions as actions
from accord.comms import kudos_selectors as selectors
from accord.comms.models import Kudos, Value
from accord.comms.tests.test_feedback_actions import messages_of, partnership_make, person_for
from accord.notifications.models import Delivery, Event, Notification, WebhookEndpoint
from accord.org.models import Person
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def value_make(tenant, name="Customer first") -> Value:
    return actions.value_create(membership=tenant.membership("admin"), name=name)


def thank(tenant, role="member", **fields) -> Kudos:
    fields.setdefault("receiver", tenant.alice)
    fields.setdefault("message", "Turned the Acme quote around in a day.")
    return actions.kudos_give(membership=tenant.membership(role), **fields)


def test_kudos_need_a_receiver_other_than_you_a_message_and_a_value_when_there_are_some(acme):
    me = person_for(acme, "member")
    value_make(acme)
    with pytest.raises(ValidationError) as caught:
        actions.kudos_give(membership=acme.membership("member"), receiver=None, message=" ")
    assert set(messages_of(caught.value)) == {"receiver", "message", "value"}
    with pytest.raises(ValidationError) as caught:
        thank(acme, receiver=me, value=Value.objects.get())
    assert messages_of(caught.value) == {"receiver": "Kudos are for someone else."}


def test_a_workspace_without_values_takes_kudos_without_one(acme):
    person_for(acme, "member")
    assert thank(acme).value is None


def test_values_and_partnerships_must_be_this_workspaces_and_visible(acme, globex):
    person_for(acme, "member")
    foreign = value_make(globex)
    hidden = partnership_make(acme, name="Secret", privacy="members")
    with pytest.raises(ValidationError) as caught:
        thank(acme, value=foreign, partnership=hidden)
    assert messages_of(caught.value) == {
        "value": "Choose one of this workspace's values.",
        "partnership": "Choose a partnership you can see.",
    }


def test_kudos_notify_the_receiver_and_post_to_the_partnerships_webhooks(acme):
    person_for(acme, "member", name="Mia Member")
    value = value_make(acme)
    partnership = partnership_make(acme)
    WebhookEndpoint.objects.create(
        workspace=acme.workspace,
        name="Q2C channel",
        kind=WebhookEndpoint.Kind.SLACK,
        url="https://hooks.example.com/q2c",
        partnership=partnership,
    )
    WebhookEndpoint.objects.create(
        workspace=acme.workspace,
        name="Other partnership",
        kind=WebhookEndpoint.Kind.SLACK,
        url="https://hooks.example.com/other",
        partnership=partnership_make(acme, name="Other"),
    )
    kudos = thank(acme, value=value, partnership=partnership)
    note = Notification.objects.get(event=Event.KUDOS)
    assert note.recipient == acme.alice
    assert note.subject == "Mia Member recognised Alice Archer for “Customer first”"
    (post,) = Delivery.objects.filter(transport=Delivery.Transport.SLACK)
    assert post.target == "https://hooks.example.com/q2c"
    assert post.event == "kudos"
    assert post.payload["data"]["receiver"] == "Alice Archer"
    assert post.payload["data"]["id"] == str(kudos.uuid)
    assert post.payload["partnership"] == partnership.slug


def test_the_giver_and_admins_remove_kudos_others_cannot(acme):
    person_for(acme, "member")
    person_for(acme, "viewer")
    kudos = thank(acme)
    assert selectors.kudos_can_delete(membership=acme.membership("viewer"), kudos=kudos) is False
    with pytest.raises(PermissionDenied):
        actions.kudos_delete(membership=acme.membership("viewer"), kudos=kudos)
    actions.kudos_delete(membership=acme.membership("admin"), kudos=kudos)
    assert not Kudos.objects.exists()
    assert AuditEntry.objects.filter(object_uuid=kudos.uuid, action="delete").exists()


def test_kudos_in_a_members_only_partnership_follow_its_visibility(acme):
    person_for(acme, "member")
    person_for(acme, "viewer")
    hidden = partnership_make(
        acme, name="Secret", privacy="members", lead=Person.objects.get(user=acme.member)
    )
    kudos = thank(acme, partnership=hidden)
    public = thank(acme)
    assert set(selectors.kudos_list(membership=acme.membership("viewer"))) == {public}
    assert set(selectors.kudos_list(membership=acme.membership("member"))) == {kudos, public}


def test_the_matrix_counts_giver_function_to_receiver_function_and_the_cross_share(acme):
    me = person_for(acme, "member", function=acme.sales)
    person_for(acme, "admin", function=acme.finance)
    loner = Person.objects.create(workspace=acme.workspace, name="No Function", email="n@acme.test")
    thank(acme, receiver=acme.bob)  # Sales → Finance
    thank(acme, receiver=acme.bob)  # Sales → Finance
    thank(acme, receiver=acme.alice)  # Sales → Sales
    thank(acme, role="admin", receiver=me)  # Finance → Sales
    thank(acme, role="admin", receiver=loner)  # Finance → no function
    matrix = selectors.kudos_matrix(membership=acme.membership("viewer"))
    assert matrix.functions == ["Finance", "Sales", "No function"]
    assert matrix.counts[("Sales", "Finance")] == 2
    assert matrix.counts[("Sales", "Sales")] == 1
    assert matrix.total == 5
    assert (matrix.cross, matrix.within) == (3, 1)
    assert matrix.cross_percent == 75
    rows = {row["function"]: row for row in matrix.rows()}
    assert rows["Sales"]["given"] == 3
    assert [c["count"] for c in rows["Sales"]["cells"]] == [2, 1, 0]
    assert rows["Sales"]["cells"][1]["same"] is True
    assert matrix.received() == [2, 2, 1]


def test_an_empty_matrix_has_no_share(acme):
    matrix = selectors.kudos_matrix(membership=acme.membership("viewer"))
    assert matrix.total == 0
    assert matrix.cross_share is None


# --- values ---------------------------------------------------------------------------------


def test_only_admins_manage_values_and_names_are_unique_ignoring_case(acme):
    with pytest.raises(PermissionDenied):
        actions.value_create(membership=acme.membership("member"), name="Own the outcome")
    value_make(acme, "Own the outcome")
    with pytest.raises(ValidationError) as caught:
        value_make(acme, "own the OUTCOME")
    assert "already a value" in messages_of(caught.value)["name"]
    with pytest.raises(ValidationError):
        value_make(acme, "  ")


def test_renaming_a_value_bumps_its_version_and_a_stale_edit_is_refused(acme):
    value = value_make(acme, "Say it straigt")
    actions.value_update(
        membership=acme.membership("admin"), value=value, name="Say it straight", expected_version=1
    )
    value.refresh_from_db()
    assert (value.name, value.version) == ("Say it straight", 2)
    with pytest.raises(actions.StaleVersion):
        actions.value_update(
            membership=acme.membership("admin"), value=value, name="x", expected_version=1
        )


def test_deleting_a_value_keeps_the_kudos_without_the_tag(acme):
    person_for(acme, "member")
    value = value_make(acme)
    kudos = thank(acme, value=value)
    actions.value_delete(membership=acme.membership("admin"), value=value)
    kudos.refresh_from_db()
    assert kudos.value is None
    assert kudos.message
