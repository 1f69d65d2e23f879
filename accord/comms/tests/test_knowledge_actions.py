"""Knowledge writes: skills and "ask me about" topics (own or, for admins, anyone's),
resources with safe links and tags, learning opportunities with capacity-safe sign-ups, the
host's notification, and the audit trail."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, close_old_connections, connection

from accord.comms import knowledge_actions as actions
from accord.comms.models_knowledge import (
    ExpertiseTopic,
    LearningOpportunity,
    LearningSignup,
    Resource,
)
from accord.notifications.models import Event, Notification
from accord.org.models import Person, PersonSkill
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


# --- builders shared by the knowledge tests ---------------------------------------------------


def person_for(tenant, role, name=None, function=None) -> Person:
    """The directory entry of the tenant's user of that role."""
    user = tenant.user(role)
    person, _ = Person.objects.get_or_create(
        workspace=tenant.workspace,
        email=user.email,
        defaults={
            "name": name or f"{role.title()} Person",
            "user": user,
            "function": function,
        },
    )
    return person


def partnership_make(tenant, name="Quote to cash", **fields) -> Partnership:
    fields.setdefault("functions", [tenant.sales, tenant.finance])
    return partnership_actions.partnership_create(
        workspace=tenant.workspace, actor=tenant.owner, name=name, **fields
    )


def member_add(tenant, partnership, person, function=None):
    return partnership_actions.partnership_member_add(
        partnership=partnership,
        actor=tenant.owner,
        person=person,
        function=function or tenant.sales,
    )


def resource_make(tenant, partnership, role="admin", **fields) -> Resource:
    fields.setdefault("title", "Discount approval playbook")
    fields.setdefault("url", "https://wiki.example.com/discounts")
    return actions.resource_create(
        membership=tenant.membership(role), partnership=partnership, **fields
    )


def learning_make(tenant, role="admin", **fields) -> LearningOpportunity:
    fields.setdefault("kind", LearningOpportunity.Kind.SHADOWING)
    fields.setdefault("title", "Shadow the month-end close")
    fields.setdefault("host", tenant.bob)
    fields.setdefault("capacity", 2)
    return actions.learning_create(membership=tenant.membership(role), **fields)


def extra_member(tenant, name, role="member", function=None):
    """Another login of the workspace with its directory entry: (membership, person)."""
    from accord.accounts.models import User
    from accord.workspaces.models import Membership

    email = f"{name.split()[0].lower()}@{tenant.workspace.slug}.test"
    user = User.objects.create_user(email=email, password="x", display_name=name)
    membership = Membership.objects.create(workspace=tenant.workspace, user=user, role=role)
    person = Person.objects.create(
        workspace=tenant.workspace, name=name, email=email, user=user, function=function
    )
    return membership, person


def messages_of(error: ValidationError) -> dict[str, str]:
    return {field: " ".join(texts) for field, texts in error.message_dict.items()}


# --- skills and topics ----------------------------------------------------------------------


def test_a_member_sets_their_own_skills_and_topics_in_one_audited_edit(acme):
    me = person_for(acme, "member", function=acme.sales)
    actions.expertise_set(
        membership=acme.membership("member"),
        person=me,
        skills={"Negotiation": 4, "Pricing analysis": 2},
        topics=["Retail buyers", "  retail   BUYERS ", "Trade shows", ""],
    )
    assert dict(
        PersonSkill.objects.filter(person=me).values_list("skill__name", "proficiency")
    ) == {
        "Negotiation": 4,
        "Pricing analysis": 2,
    }
    assert sorted(ExpertiseTopic.objects.filter(person=me).values_list("topic", flat=True)) == [
        "Retail buyers",
        "Trade shows",
    ]
    entries = AuditEntry.objects.filter(object_uuid=me.uuid, action="update")
    changes = {name for entry in entries for name in entry.changes}
    assert {"skills", "topics"} <= changes


def test_a_topics_only_change_moves_the_persons_version(acme):
    me = person_for(acme, "member")
    before = me.version
    actions.expertise_set(membership=acme.membership("member"), person=me, topics=["SQL"])
    me.refresh_from_db()
    assert me.version == before + 1
    actions.expertise_set(membership=acme.membership("member"), person=me, topics=["SQL"])
    me.refresh_from_db()
    assert me.version == before + 1  # nothing changed, nothing moved


def test_a_stale_expertise_edit_is_refused(acme):
    me = person_for(acme, "member")
    with pytest.raises(actions.StaleVersion):
        actions.expertise_set(
            membership=acme.membership("member"),
            person=me,
            topics=["SQL"],
            expected_version=me.version + 3,
        )
    assert not ExpertiseTopic.objects.exists()


def test_members_cannot_change_someone_elses_expertise_but_admins_can(acme):
    person_for(acme, "member")
    with pytest.raises(PermissionDenied):
        actions.expertise_set(
            membership=acme.membership("member"), person=acme.alice, topics=["Pricing"]
        )
    actions.expertise_set(
        membership=acme.membership("admin"), person=acme.alice, topics=["Pricing"]
    )
    assert ExpertiseTopic.objects.get().person == acme.alice


def test_viewers_cannot_change_even_their_own_expertise(acme):
    me = person_for(acme, "viewer")
    with pytest.raises(PermissionDenied):
        actions.expertise_set(membership=acme.membership("viewer"), person=me, topics=["SQL"])


def test_topics_are_limited_in_length_and_number(acme):
    me = person_for(acme, "member")
    with pytest.raises(ValidationError) as caught:
        actions.expertise_set(membership=acme.membership("member"), person=me, topics=["x" * 121])
    assert "120 characters" in messages_of(caught.value)["topics"]
    with pytest.raises(ValidationError) as caught:
        actions.expertise_set(
            membership=acme.membership("member"),
            person=me,
            topics=[f"Topic {n}" for n in range(21)],
        )
    assert "at most 20" in messages_of(caught.value)["topics"]


def test_a_bad_skill_level_writes_neither_skills_nor_topics(acme):
    me = person_for(acme, "member")
    with pytest.raises(ValidationError) as caught:
        actions.expertise_set(
            membership=acme.membership("member"),
            person=me,
            skills={"SQL": 9},
            topics=["Data"],
        )
    assert "1 to 5" in messages_of(caught.value)["skills"]
    assert not ExpertiseTopic.objects.exists()
    assert not PersonSkill.objects.filter(person=me).exists()


def test_topic_add_ignores_a_repeat_in_another_case_and_remove_drops_it(acme):
    me = person_for(acme, "member")
    member = acme.membership("member")
    first = actions.topic_add(membership=member, person=me, topic="Month-end close")
    again = actions.topic_add(membership=member, person=me, topic="month-end CLOSE")
    assert first.pk == again.pk
    actions.topic_remove(membership=member, topic=first)
    assert not ExpertiseTopic.objects.exists()


# --- resources ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/x",
        "vbscript:msgbox",
    ],
)
def test_only_http_and_https_links_are_accepted(acme, url):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as caught:
        resource_make(acme, partnership, url=url)
    message = messages_of(caught.value)["url"]
    assert "http:// or https://" in message
    assert not Resource.objects.exists()


def test_a_link_without_a_host_is_not_a_web_address(acme):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as caught:
        resource_make(acme, partnership, url="https://")
    assert "not a valid web address" in messages_of(caught.value)["url"]


def test_each_kind_needs_its_content(acme):
    partnership = partnership_make(acme)
    with pytest.raises(ValidationError) as caught:
        resource_make(acme, partnership, kind="link", url="")
    assert "needs its web address" in messages_of(caught.value)["url"]
    with pytest.raises(ValidationError) as caught:
        resource_make(acme, partnership, kind="note", url="", note="  ")
    assert messages_of(caught.value)["note"] == "Write the note."
    with pytest.raises(ValidationError) as caught:
        resource_make(acme, partnership, kind="playbook", url="", title=" ")
    errors = messages_of(caught.value)
    assert "title" in errors
    assert "link to the playbook" in errors["url"]
    note = resource_make(acme, partnership, kind="note", url="", note="Freight is ours.")
    assert note.url == ""


def test_tags_are_stored_as_lowercase_slugs_without_repeats(acme):
    partnership = partnership_make(acme)
    resource = resource_make(
        acme, partnership, tags=["Month-end Close", "month end close", " Pricing ", "Café"]
    )
    assert resource.tags == ["month-end-close", "pricing", "cafe"]
    with pytest.raises(ValidationError) as caught:
        resource_make(acme, partnership, tags=["!!!"])
    assert "letters" in messages_of(caught.value)["tags"]


def test_only_partnership_contributors_and_admins_add_resources(acme):
    partnership = partnership_make(acme)
    person_for(acme, "member")
    with pytest.raises(PermissionDenied):
        resource_make(acme, partnership, role="member")
    member_add(acme, partnership, person_for(acme, "member"))
    created = resource_make(acme, partnership, role="member")
    assert created.added_by == person_for(acme, "member")
    with pytest.raises(PermissionDenied):
        resource_make(acme, partnership, role="viewer")


def test_other_members_edit_but_only_the_adder_lead_and_admins_delete(acme):
    partnership = partnership_make(acme)
    adder = person_for(acme, "member")
    member_add(acme, partnership, adder)
    resource = resource_make(acme, partnership, role="member")
    second, second_person = extra_member(acme, "Sam Second")
    member_add(acme, partnership, second_person)
    actions.resource_update(membership=second, resource=resource, title="Discount playbook v2")
    with pytest.raises(PermissionDenied):
        actions.resource_delete(membership=second, resource=resource)
    lead, lead_person = extra_member(acme, "Lee Lead")
    partnership_actions.partnership_update(
        partnership=partnership, actor=acme.owner, lead=lead_person
    )
    resource.partnership.refresh_from_db()
    actions.resource_delete(membership=lead, resource=resource)
    assert not Resource.objects.exists()
    assert AuditEntry.objects.filter(object_uuid=resource.uuid, action="delete").exists()


def test_the_adder_deletes_their_own_resource(acme):
    partnership = partnership_make(acme)
    member_add(acme, partnership, person_for(acme, "member"))
    resource = resource_make(acme, partnership, role="member")
    actions.resource_delete(membership=acme.membership("member"), resource=resource)
    assert not Resource.objects.exists()


def test_a_stale_resource_edit_is_refused(acme):
    partnership = partnership_make(acme)
    resource = resource_make(acme, partnership)
    with pytest.raises(actions.StaleVersion):
        actions.resource_update(
            membership=acme.membership("admin"),
            resource=resource,
            title="New",
            expected_version=resource.version + 1,
        )


def test_moving_a_resource_needs_the_right_to_add_to_the_other_library(acme):
    home = partnership_make(acme)
    other = partnership_make(acme, name="Margin")
    me = person_for(acme, "member")
    member_add(acme, home, me)
    resource = resource_make(acme, home, role="member")
    with pytest.raises(PermissionDenied):
        actions.resource_update(
            membership=acme.membership("member"), resource=resource, partnership=other
        )


# --- learning -------------------------------------------------------------------------------


def test_members_host_their_own_opportunities_and_admins_name_any_host(acme):
    me = person_for(acme, "member")
    with pytest.raises(ValidationError) as caught:
        learning_make(acme, role="member", host=acme.alice)
    assert "that you host" in messages_of(caught.value)["host"]
    mine = learning_make(acme, role="member", host=None)
    assert mine.host == me
    assert learning_make(acme, role="admin", host=acme.alice).host == acme.alice


def test_a_member_without_a_directory_entry_cannot_host(acme):
    with pytest.raises(ValidationError) as caught:
        learning_make(acme, role="member", host=None)
    assert "not linked" in messages_of(caught.value)["host"]


def test_opportunity_validation_names_each_field(acme):
    with pytest.raises(ValidationError) as caught:
        learning_make(
            acme,
            kind="sabbatical",
            title=" ",
            capacity=0,
            starts_on=datetime.date(2026, 5, 10),
            ends_on=datetime.date(2026, 5, 1),
        )
    errors = messages_of(caught.value)
    assert set(errors) == {"kind", "title", "capacity", "ends_on"}


def test_a_private_partnership_cannot_be_chosen_by_an_outsider(acme):
    person_for(acme, "member")
    private = partnership_make(acme, name="Secret", privacy="members")
    with pytest.raises(ValidationError) as caught:
        learning_make(acme, role="member", host=None, partnership=private)
    assert "partnership" in messages_of(caught.value)


def test_taking_the_last_place_marks_it_full_and_withdrawing_reopens_it(acme):
    opportunity = learning_make(acme, capacity=1)
    person_for(acme, "member")
    signup = actions.learning_signup(
        membership=acme.membership("member"), opportunity=opportunity, note="Keen!"
    )
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.FULL
    assert opportunity.version == 2
    person_for(acme, "viewer")
    person_for(acme, "owner")
    with pytest.raises(ValidationError) as caught:
        actions.learning_signup(membership=acme.membership("owner"), opportunity=opportunity)
    assert "Every place is taken" in caught.value.messages[0]
    actions.learning_withdraw(membership=acme.membership("member"), signup=signup)
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.OPEN
    assert not LearningSignup.objects.exists()


def test_signing_up_notifies_the_host_once_per_signup(acme):
    acme.bob.user = acme.admin
    acme.bob.save()
    opportunity = learning_make(acme, host=acme.bob)
    me = person_for(acme, "member", name="Mia Member")
    actions.learning_signup(
        membership=acme.membership("member"), opportunity=opportunity, note="Mondays suit me"
    )
    notification = Notification.objects.get(event=Event.LEARNING)
    assert notification.recipient == acme.bob
    assert notification.subject == "Mia Member signed up for “Shadow the month-end close”"
    assert "Mondays suit me" in notification.body
    assert notification.url == f"/w/acme/knowledge/learning/{opportunity.uuid}/"
    assert notification.object_uuid == opportunity.uuid
    assert me.pk != acme.bob.pk


def test_no_double_signup_no_own_signup_and_no_signup_when_closed(acme):
    opportunity = learning_make(acme, capacity=5)
    person_for(acme, "member")
    actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    with pytest.raises(ValidationError) as caught:
        actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    assert "already signed up" in caught.value.messages[0]

    acme.bob.user = acme.owner
    acme.bob.save()
    with pytest.raises(ValidationError) as caught:
        actions.learning_signup(membership=acme.membership("owner"), opportunity=opportunity)
    assert "You host this" in caught.value.messages[0]

    actions.learning_close(membership=acme.membership("admin"), opportunity=opportunity)
    person_for(acme, "admin")
    with pytest.raises(ValidationError) as caught:
        actions.learning_signup(membership=acme.membership("admin"), opportunity=opportunity)
    assert "closed" in caught.value.messages[0]
    with pytest.raises(PermissionDenied):
        actions.learning_signup(membership=acme.membership("viewer"), opportunity=opportunity)


def test_reopening_a_closed_opportunity_with_every_place_taken_makes_it_full(acme):
    opportunity = learning_make(acme, capacity=1)
    person_for(acme, "member")
    actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    actions.learning_close(membership=acme.membership("admin"), opportunity=opportunity)
    assert opportunity.status == LearningOpportunity.Status.CLOSED
    actions.learning_reopen(membership=acme.membership("admin"), opportunity=opportunity)
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.FULL


def test_capacity_cannot_drop_below_places_taken_and_raising_it_reopens(acme):
    opportunity = learning_make(acme, capacity=1)
    person_for(acme, "member")
    actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    opportunity.refresh_from_db()
    admin = acme.membership("admin")
    with pytest.raises(ValidationError) as caught:
        actions.learning_update(membership=admin, opportunity=opportunity, capacity=0)
    assert "capacity" in messages_of(caught.value)
    actions.learning_update(membership=admin, opportunity=opportunity, capacity=3)
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.OPEN
    assert opportunity.capacity == 3


def test_only_host_and_admins_manage_and_only_admins_change_the_host(acme):
    me = person_for(acme, "member")
    mine = learning_make(acme, role="member", host=None)
    with pytest.raises(ValidationError) as caught:
        actions.learning_update(
            membership=acme.membership("member"), opportunity=mine, host=acme.alice
        )
    assert "Only an admin" in messages_of(caught.value)["host"]
    theirs = learning_make(acme)
    with pytest.raises(PermissionDenied):
        actions.learning_close(membership=acme.membership("member"), opportunity=theirs)
    actions.learning_update(
        membership=acme.membership("member"), opportunity=mine, title="Shadow the close"
    )
    assert mine.host == me


def test_the_host_may_remove_someone_elses_signup_but_other_members_may_not(acme):
    host_membership, host = extra_member(acme, "Hana Host")
    opportunity = learning_make(acme, capacity=3, host=host)
    person_for(acme, "member")
    signup = actions.learning_signup(membership=acme.membership("member"), opportunity=opportunity)
    other, _ = extra_member(acme, "Olly Other")
    with pytest.raises(PermissionDenied):
        actions.learning_withdraw(membership=other, signup=signup)
    actions.learning_withdraw(membership=host_membership, signup=signup)
    assert not LearningSignup.objects.exists()


def test_signups_taken_one_after_another_never_exceed_capacity(acme):
    """Each sign-up counts the places under the row lock, so the last place goes once."""
    opportunity = learning_make(acme, capacity=2)
    outcomes = []
    for name in ("Ann One", "Ben Two", "Cal Three"):
        membership, _ = extra_member(acme, name)
        try:
            actions.learning_signup(membership=membership, opportunity=opportunity)
            outcomes.append("in")
        except ValidationError:
            outcomes.append("full")
    assert outcomes == ["in", "in", "full"]
    assert LearningSignup.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_signups_never_overbook(acme):
    """Eight people race for three places: exactly three get one and the row ends up full."""
    opportunity = learning_make(acme, capacity=3)
    memberships = [extra_member(acme, f"Racer{n} Runner")[0] for n in range(8)]
    barrier = threading.Barrier(len(memberships))
    outcomes: list[str] = []

    def signup(membership):
        # SQLite's shared in-memory test database answers "table is locked" at once where a
        # file database (production) waits its busy timeout: wait here the same way.
        for _attempt in range(200):
            try:
                fresh = LearningOpportunity.objects.get(pk=opportunity.pk)
                return actions.learning_signup(membership=membership, opportunity=fresh)
            except OperationalError as error:
                if "locked" not in str(error):
                    raise
                time.sleep(0.01)
        raise AssertionError("the database stayed locked")

    def race(membership):
        try:
            barrier.wait()
            signup(membership)
            outcomes.append("in")
        except ValidationError:
            outcomes.append("full")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=race, args=(m,)) for m in memberships]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("in") == 3
    assert LearningSignup.objects.filter(opportunity=opportunity).count() == 3
    opportunity.refresh_from_db()
    assert opportunity.status == LearningOpportunity.Status.FULL
