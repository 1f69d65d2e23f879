"""Feedback writes and reads: situation–behaviour–impact validation, receivers of person,
function and partnership feedback, privacy (admins included), sharing, replies and acted-on,
notifications, the audit trail keeping content out, and each person's own balance."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accord.comms import feedback_actions as actions
from accord.comms import feedback_selectors as selectors
from accord.comms.models import Feedback
from accord.notifications.models import Event, Notification
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

SECRET = "You cut me off twice in the pricing review"


def person_for(tenant, role, name=None, function=None) -> Person:
    """A directory person linked to the tenant's user of that role."""
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name or f"{role.title()} Person",
        email=user.email,
        user=user,
        function=function,
    )


def partnership_make(tenant, name="Quote to cash", **fields) -> Partnership:
    fields.setdefault("functions", [tenant.sales, tenant.finance])
    return partnership_actions.partnership_create(
        workspace=tenant.workspace, actor=tenant.owner, name=name, **fields
    )


def give(tenant, role="member", **fields) -> Feedback:
    fields.setdefault("situation", "In Tuesday's pricing review")
    fields.setdefault("behaviour", SECRET)
    fields.setdefault("impact", "Finance could not explain the margin bridge")
    fields.setdefault("request", "Let us finish before you answer")
    return actions.feedback_give(membership=tenant.membership(role), **fields)


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


def visible_to(tenant, role) -> set:
    return set(selectors.feedback_visible(membership=tenant.membership(role)))


# --- giving ---------------------------------------------------------------------------------


def test_feedback_needs_situation_behaviour_impact_and_one_subject(acme):
    person_for(acme, "member")
    with pytest.raises(ValidationError) as caught:
        actions.feedback_give(
            membership=acme.membership("member"), situation=" ", behaviour="", impact=""
        )
    errors = messages_of(caught.value)
    assert set(errors) == {"situation", "behaviour", "impact", "to"}
    assert "when and where" in errors["situation"]
    assert not Feedback.objects.exists()


def test_feedback_to_two_subjects_or_to_yourself_is_refused(acme):
    me = person_for(acme, "member")
    with pytest.raises(ValidationError) as caught:
        give(acme, to_person=acme.alice, to_function=acme.sales)
    assert "one person, function or partnership" in messages_of(caught.value)["to"]
    with pytest.raises(ValidationError) as caught:
        give(acme, to_person=me)
    assert "someone else" in messages_of(caught.value)["to"]


def test_a_subject_from_another_workspace_is_refused(acme, globex):
    person_for(acme, "member")
    with pytest.raises(ValidationError) as caught:
        give(acme, to_person=globex.alice)
    assert messages_of(caught.value) == {"to": "Choose someone or something from this workspace."}


def test_viewers_and_logins_without_a_person_cannot_give_feedback(acme):
    person_for(acme, "viewer")
    with pytest.raises(PermissionDenied):
        give(acme, role="viewer", to_person=acme.alice)
    with pytest.raises(PermissionDenied, match="not linked to a person"):
        give(acme, role="admin", to_person=acme.alice)


def test_feedback_to_a_person_notifies_them_and_is_private_by_default(acme):
    giver = person_for(acme, "member", name="Mia Member")
    feedback = give(acme, to_person=acme.alice)
    assert feedback.giver == giver
    assert feedback.visibility == Feedback.Visibility.PRIVATE
    note = Notification.objects.get(event=Event.FEEDBACK)
    assert note.recipient == acme.alice
    assert note.subject == "Mia Member gave feedback to Alice Archer"
    assert note.url == f"/w/acme/feedback/{feedback.uuid}/"


def test_function_feedback_goes_to_its_lead_and_partnership_feedback_to_lead_and_sponsor(acme):
    person_for(acme, "member")
    acme.sales.lead = acme.alice
    acme.sales.save()
    give(acme, to_function=acme.sales)
    partnership = partnership_make(acme, lead=acme.alice, sponsor=acme.bob)
    give(acme, to_partnership=partnership)
    recipients = sorted(
        (n.subject.partition(" feedback to ")[2], n.recipient.name)
        for n in Notification.objects.filter(event=Event.FEEDBACK)
    )
    assert recipients == [
        ("the Quote to cash partnership", "Alice Archer"),
        ("the Quote to cash partnership", "Bob Baker"),
        ("the Sales function", "Alice Archer"),
    ]


# --- privacy --------------------------------------------------------------------------------


def test_private_feedback_is_seen_by_giver_and_receiver_only_not_by_admins(acme):
    person_for(acme, "member")
    receiver = person_for(acme, "viewer", name="Vic Viewer")
    person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_person=receiver)
    assert feedback in visible_to(acme, "member")
    assert feedback in visible_to(acme, "viewer")
    assert feedback not in visible_to(acme, "admin")
    assert feedback not in visible_to(acme, "owner")
    with pytest.raises(Http404):
        selectors.feedback_get(membership=acme.membership("admin"), uuid=feedback.uuid)


def test_the_current_lead_of_a_function_reads_its_private_feedback(acme):
    person_for(acme, "member")
    lead = person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_function=acme.finance)
    assert feedback not in visible_to(acme, "admin")
    acme.finance.lead = lead
    acme.finance.save()
    assert feedback in visible_to(acme, "admin")


def test_private_partnership_feedback_is_for_its_lead_and_sponsor_not_its_members(acme):
    person_for(acme, "member")
    lead = person_for(acme, "admin", name="Ada Admin")
    member = person_for(acme, "viewer", name="Vic Viewer")
    partnership = partnership_make(acme, lead=lead)
    partnership_actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=member, function=acme.sales
    )
    feedback = give(acme, to_partnership=partnership)
    assert feedback in visible_to(acme, "admin")
    assert feedback not in visible_to(acme, "viewer")


def test_shared_feedback_is_readable_by_the_workspace_and_partnership_feedback_by_its_readers(
    acme,
):
    person_for(acme, "member")
    to_alice = give(acme, to_person=acme.alice, visibility=Feedback.Visibility.SHARED)
    hidden = partnership_make(acme, name="Secret launch", privacy="members")
    to_hidden = give(acme, to_partnership=hidden, visibility=Feedback.Visibility.SHARED)
    assert to_alice in visible_to(acme, "viewer")
    assert to_hidden not in visible_to(acme, "viewer")
    assert to_hidden in visible_to(acme, "admin")  # admins see every partnership


def test_only_the_giver_shares_or_hides_feedback(acme):
    person_for(acme, "member")
    receiver = person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_person=receiver)
    with pytest.raises(PermissionDenied):
        actions.feedback_visibility_set(
            membership=acme.membership("admin"), feedback=feedback, visibility="shared"
        )
    actions.feedback_visibility_set(
        membership=acme.membership("member"), feedback=feedback, visibility="shared"
    )
    feedback.refresh_from_db()
    assert feedback.visibility == "shared"
    assert feedback.version == 2
    assert feedback in visible_to(acme, "owner")


def test_the_audit_trail_records_feedback_without_its_content_or_receiver(acme):
    person_for(acme, "member")
    receiver = person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_person=receiver)
    actions.feedback_reply(
        membership=acme.membership("admin"), feedback=feedback, reply="Sorry — noted."
    )
    text = repr(list(AuditEntry.objects.filter(object_uuid=feedback.uuid).values()))
    assert "Feedback" in text
    for secret in (SECRET, "pricing review", "Sorry", "Ada Admin", "margin bridge"):
        assert secret not in text


# --- answering ------------------------------------------------------------------------------


def test_the_receiver_replies_and_the_giver_is_told(acme):
    giver = person_for(acme, "member", name="Mia Member")
    receiver = person_for(acme, "admin", name="Ada Admin")
    feedback = give(acme, to_person=receiver)
    with pytest.raises(PermissionDenied):
        actions.feedback_reply(membership=acme.membership("member"), feedback=feedback, reply="x")
    with pytest.raises(ValidationError):
        actions.feedback_reply(membership=acme.membership("admin"), feedback=feedback, reply=" ")
    actions.feedback_reply(
        membership=acme.membership("admin"), feedback=feedback, reply="Thank you, fair point."
    )
    feedback.refresh_from_db()
    assert feedback.reply == "Thank you, fair point."
    assert feedback.replied_by == receiver
    assert feedback.replied_at is not None
    note = Notification.objects.get(event=Event.COMMENT)
    assert note.recipient == giver
    assert note.subject == "Ada Admin replied to your feedback"


def test_a_stale_reply_is_refused(acme):
    person_for(acme, "member")
    person_for(acme, "admin")
    feedback = give(acme, to_person=Person.objects.get(user=acme.admin))
    with pytest.raises(actions.StaleVersion):
        actions.feedback_reply(
            membership=acme.membership("admin"), feedback=feedback, reply="x", expected_version=7
        )


def test_the_function_lead_marks_feedback_acted_on_and_can_take_it_back(acme):
    person_for(acme, "member")
    lead = person_for(acme, "admin", name="Ada Admin")
    acme.sales.lead = lead
    acme.sales.save()
    feedback = give(acme, to_function=acme.sales)
    actions.feedback_acted_on_set(
        membership=acme.membership("admin"), feedback=feedback, acted_on=True
    )
    assert Feedback.objects.get().acted_on_at is not None
    actions.feedback_acted_on_set(
        membership=acme.membership("admin"), feedback=feedback, acted_on=False
    )
    assert Feedback.objects.get().acted_on_at is None
    with pytest.raises(PermissionDenied):
        actions.feedback_acted_on_set(
            membership=acme.membership("member"), feedback=feedback, acted_on=True
        )


def test_the_giver_withdraws_feedback_and_nobody_else_can(acme):
    person_for(acme, "member")
    feedback = give(acme, to_person=acme.alice)
    with pytest.raises(PermissionDenied):
        actions.feedback_withdraw(membership=acme.membership("owner"), feedback=feedback)
    actions.feedback_withdraw(membership=acme.membership("member"), feedback=feedback)
    assert not Feedback.objects.exists()


# --- balance --------------------------------------------------------------------------------


def test_the_balance_counts_given_received_acted_on_and_splits_by_function(acme):
    me = person_for(acme, "member", name="Mia Member", function=acme.sales)
    colleague = person_for(acme, "admin", name="Ada Admin", function=acme.finance)
    acme.sales.lead = me
    acme.sales.save()
    give(acme, to_person=acme.bob)  # given to Finance
    give(acme, to_person=colleague)  # given to Finance
    to_me = give(acme, role="admin", to_person=me)  # received from Finance
    give(acme, role="admin", to_function=acme.sales)  # received for my team
    actions.feedback_acted_on_set(
        membership=acme.membership("member"), feedback=to_me, acted_on=True
    )
    balance = selectors.feedback_balance(membership=acme.membership("member"))
    assert (balance.given, balance.received, balance.received_for_teams) == (2, 1, 1)
    assert balance.acted_on == 1
    assert balance.acted_on_rate == 0.5
    assert balance.acted_on_percent == 50
    (finance,) = balance.by_function
    assert (finance.function, finance.given, finance.received, finance.acted_on) == (
        "Finance",
        2,
        2,
        1,
    )
    # The colleague's balance is their own.
    theirs = selectors.feedback_balance(membership=acme.membership("admin"))
    assert (theirs.given, theirs.received) == (2, 1)


def test_a_login_without_a_person_has_an_empty_balance(acme):
    balance = selectors.feedback_balance(membership=acme.membership("owner"))
    assert balance.given == balance.received_total == 0
    assert balance.acted_on_rate is None
