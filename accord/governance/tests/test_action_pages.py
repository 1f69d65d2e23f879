"""Action pages: the list and its filters, My actions, add (with prefill), detail, comments,
quick status change with htmx, edit, delete, roles, privacy, tenancy and query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.goals.models import Goal
from accord.governance import action_actions as actions
from accord.governance.models import ActionComment, ActionItem
from accord.governance.tests.test_action_actions import (
    action_make,
    partnership_make,
    person_for,
)
from accord.org.models import Person
from accord.org.tests.helpers import count_queries
from accord.partnerships import actions as partnership_actions

pytestmark = pytest.mark.django_db

PAST = datetime.date(2020, 1, 1)


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


# --- list -----------------------------------------------------------------------------------


def test_list_shows_owner_partnership_due_date_and_an_overdue_badge(acme, login):
    partnership = partnership_make(acme)
    action_make(acme, partnership=partnership, due_date=PAST)
    body = login(acme.viewer).get(url("action_list")).content.decode()
    assert "Send the revised discount policy" in body
    assert "Alice Archer" in body
    assert "Quote to cash" in body
    assert '<span class="badge danger">Overdue</span>' in body
    # Viewers see the status as a badge, not as a form.
    assert 'class="badge action-open"' in body
    assert "action-status-form" not in body


def test_list_filters_by_partnership_owner_status_overdue_link_and_text(acme, login):
    partnership = partnership_make(acme)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    action_make(acme, title="Late one", due_date=PAST, goal=goal)
    action_make(acme, title="Bob's", owner=acme.bob, status="in_progress")
    done = action_make(acme, title="Finished", due_date=PAST)
    actions.action_status_change(membership=acme.membership("admin"), action=done, status="done")
    client = login(acme.viewer)

    def titles(**params):
        response = client.get(url("action_list"), params)
        return sorted(a.title for a in response.context["actions"])

    assert titles() == ["Bob's", "Finished", "Late one"]
    assert titles(partnership=partnership.slug) == ["Late one"]
    assert titles(partnership="none") == ["Bob's", "Finished"]
    assert titles(owner=str(acme.bob.uuid)) == ["Bob's"]
    assert titles(status="done") == ["Finished"]
    assert titles(status="active") == ["Bob's", "Late one"]
    assert titles(overdue="1") == ["Late one"]
    assert titles(linked="goal") == ["Late one"]
    assert titles(linked="none") == ["Bob's", "Finished"]
    assert titles(q="finish") == ["Finished"]
    assert titles(status="bogus", owner="not-a-uuid", linked="x") == titles()


def test_htmx_filter_request_gets_only_the_results(acme, login):
    action_make(acme)
    response = login(acme.viewer).get(url("action_list"), {"q": "send"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card flush" id="action-results"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_empty_list_explains_actions_and_offers_to_add_one_to_members(acme, login):
    assert url("action_create") in login(acme.member).get(url("action_list")).content.decode()
    body = login(acme.viewer).get(url("action_list")).content.decode()
    assert "No actions yet" in body
    assert url("action_create") not in body


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_list_query_count_does_not_grow(acme, login, role):
    client = login(acme.user(role))
    person_for(acme, role)
    partnership = partnership_make(acme, lead=acme.alice)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    for index in range(2):
        action_make(acme, title=f"A{index}", partnership=partnership, goal=goal)
    small, _ = count_queries(client, url("action_list"))
    for index in range(2, 30):
        other = partnership_make(acme, name=f"P{index}", sponsor=acme.bob)
        action = action_make(acme, title=f"A{index}", partnership=other, due_date=PAST)
        actions.action_comment_add(membership=acme.membership("admin"), action=action, body="x")
    large, response = count_queries(client, url("action_list"))
    assert len(response.context["actions"]) == 30
    assert small == large


# --- my actions -----------------------------------------------------------------------------


def test_my_actions_lists_open_actions_owned_by_my_person_across_partnerships(acme, login):
    me = person_for(acme, "member")
    first = partnership_make(acme)
    second = partnership_make(acme, name="Launch")
    action_make(acme, title="Mine in Q2C", owner=me, partnership=first, due_date=PAST)
    action_make(acme, title="Mine in Launch", owner=me, partnership=second)
    action_make(acme, title="Alice's", partnership=first)
    closed = action_make(acme, title="Mine and done", owner=me)
    actions.action_status_change(membership=acme.membership("admin"), action=closed, status="done")
    client = login(acme.member)
    response = client.get(url("my_actions"))
    assert sorted(a.title for a in response.context["actions"]) == [
        "Mine in Launch",
        "Mine in Q2C",
    ]
    assert response.context["overdue_count"] == 1
    response = client.get(url("my_actions"), {"closed": "1"})
    assert len(response.context["actions"]) == 3


def test_my_actions_explains_when_the_login_has_no_person(acme, login):
    body = login(acme.viewer).get(url("my_actions")).content.decode()
    assert "not linked to a person" in body


def test_my_actions_query_count_does_not_grow(acme, login):
    me = person_for(acme, "member")
    client = login(acme.member)
    action_make(acme, owner=me)
    small, _ = count_queries(client, url("my_actions"))
    for index in range(20):
        partnership = partnership_make(acme, name=f"P{index}")
        action_make(acme, owner=me, partnership=partnership, title=f"A{index}")
    large, response = count_queries(client, url("my_actions"))
    assert len(response.context["actions"]) == 21
    assert small == large


# --- create ---------------------------------------------------------------------------------


def test_add_form_is_prefilled_from_the_query_and_owner_defaults_to_me(acme, login):
    me = person_for(acme, "admin")
    partnership = partnership_make(acme)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    response = login(acme.admin).get(
        url("action_create"), {"partnership": partnership.slug, "goal": str(goal.uuid)}
    )
    form = response.context["form"]
    assert form.initial["partnership"] == partnership.slug
    assert form.initial["goal"] == str(goal.uuid)
    assert form.initial["owner"] == me.uuid
    body = response.content.decode()
    assert f'<option value="{goal.uuid}" selected>Cut DSO</option>' in body


def test_adding_an_action_redirects_to_it(acme, login):
    partnership = partnership_make(acme)
    response = login(acme.admin).post(
        url("action_create"),
        {
            "title": "Draft the credit policy",
            "owner": str(acme.bob.uuid),
            "due_date": "2026-06-01",
            "status": "open",
            "partnership": partnership.slug,
        },
    )
    action = ActionItem.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("action_detail", action.uuid)
    assert (action.owner, action.partnership) == (acme.bob, partnership)


def test_bad_input_re_renders_with_422_and_keeps_what_was_typed(acme, login):
    response = login(acme.admin).post(
        url("action_create"), {"title": "Keep me", "owner": "", "status": "open"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'value="Keep me"' in body
    assert "Choose the one person who owns this action." in body
    assert not ActionItem.objects.exists()


def test_a_goal_of_an_invisible_partnership_cannot_be_chosen(acme, login):
    secret = partnership_make(acme, name="Secret", privacy="members")
    goal = Goal.objects.create(workspace=acme.workspace, partnership=secret, title="Hidden")
    response = login(acme.member).post(
        url("action_create"),
        {"title": "Peek", "owner": str(acme.alice.uuid), "status": "open", "goal": str(goal.uuid)},
    )
    assert response.status_code == 422
    assert "Choose a goal you can see in this workspace." in response.content.decode()


def test_viewers_cannot_open_the_add_form(acme, login):
    assert login(acme.viewer).get(url("action_create")).status_code == 403


# --- detail, comments, edit, delete ---------------------------------------------------------


def test_detail_shows_links_comments_and_history(acme, login):
    partnership = partnership_make(acme)
    goal = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Cut DSO")
    action = action_make(acme, goal=goal, description="Use the new template.")
    actions.action_comment_add(membership=acme.membership("member"), action=action, body="On it")
    body = login(acme.viewer).get(url("action_detail", action.uuid)).content.decode()
    assert "Use the new template." in body
    assert "Cut DSO" in body
    assert "On it" in body
    assert "History" in body
    assert url("action_edit", action.uuid) not in body  # viewers do not edit


def test_posting_a_comment_with_htmx_returns_the_comments_section(acme, login):
    action = action_make(acme)
    response = login(acme.member).post(
        url("action_comment_add", action.uuid), {"body": "Sent it today."}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section class="card" aria-labelledby="comments-title"')
    assert "Sent it today." in body
    assert ActionComment.objects.get().author == acme.member


def test_an_empty_comment_without_htmx_is_a_422(acme, login):
    action = action_make(acme)
    response = login(acme.member).post(url("action_comment_add", action.uuid), {"body": ""})
    assert response.status_code == 422
    assert "Write a comment before posting it." in response.content.decode()


def test_viewers_cannot_comment_or_change_status(acme, login):
    action = action_make(acme)
    client = login(acme.viewer)
    assert client.post(url("action_comment_add", action.uuid), {"body": "x"}).status_code == 403
    assert client.post(url("action_status", action.uuid), {"status": "done"}).status_code == 403


def test_quick_status_change_with_htmx_returns_the_row_and_sets_completed_at(acme, login):
    action = action_make(acme, due_date=PAST)
    response = login(acme.admin).post(
        url("action_status", action.uuid),
        {"status": "done", "next": url("action_list")},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<tr id="action-{action.uuid}"')
    assert "Saved" in body
    assert "Overdue" not in body
    assert f'value="{url("action_list")}"' in body
    action.refresh_from_db()
    assert action.status == "done"
    assert action.completed_at is not None


def test_status_change_without_htmx_goes_back_to_the_page_it_came_from(acme, login):
    action = action_make(acme)
    client = login(acme.admin)
    response = client.post(
        url("action_status", action.uuid), {"status": "dropped", "next": url("my_actions")}
    )
    assert response["Location"] == url("my_actions")
    response = client.post(
        url("action_status", action.uuid), {"status": "open", "next": "https://evil.example/"}
    )
    assert response["Location"] == url("action_detail", action.uuid)


def test_members_who_do_not_own_or_manage_cannot_change_status(acme, login):
    action = action_make(acme)
    response = login(acme.member).post(url("action_status", action.uuid), {"status": "done"})
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "open"


def test_the_owner_can_edit_and_a_stale_edit_is_a_409_keeping_input(acme, login):
    me = person_for(acme, "member")
    action = action_make(acme, owner=me)
    client = login(acme.member)
    assert client.get(url("action_edit", action.uuid)).status_code == 200
    data = {
        "title": "Renamed",
        "owner": str(me.uuid),
        "status": "in_progress",
        "expected_version": "1",
    }
    assert client.post(url("action_edit", action.uuid), data).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.status, action.version) == ("Renamed", "in_progress", 2)
    response = client.post(url("action_edit", action.uuid), {**data, "title": "Mine"})
    assert response.status_code == 409
    assert 'value="Mine"' in response.content.decode()


def test_deleting_an_action_needs_an_editor(acme, login):
    action = action_make(acme)
    assert login(acme.member).post(url("action_delete", action.uuid)).status_code == 403
    response = login(acme.admin).post(url("action_delete", action.uuid))
    assert response["Location"] == url("action_list")
    assert not ActionItem.objects.exists()


# --- privacy and tenancy --------------------------------------------------------------------


def test_actions_of_members_only_partnerships_are_404_for_outsiders(acme, login):
    secret = partnership_make(acme, name="Secret", privacy="members")
    action = action_make(acme, partnership=secret, title="Hidden follow-up")
    client = login(acme.member)
    assert client.get(url("action_detail", action.uuid)).status_code == 404
    assert "Hidden follow-up" not in client.get(url("action_list")).content.decode()
    member = person_for(acme, "member")
    partnership_actions.partnership_member_add(
        partnership=secret, actor=acme.owner, person=member, function=acme.sales
    )
    assert client.get(url("action_detail", action.uuid)).status_code == 200


def test_another_workspaces_action_is_404(acme, globex, login):
    action = action_make(acme)
    client = login(globex.owner)
    for name in ("action_detail", "action_edit"):
        assert client.get(url(name, action.uuid, ws="globex")).status_code == 404
    assert (
        client.post(url("action_status", action.uuid, ws="globex"), {"status": "done"}).status_code
        == 404
    )
    assert client.get(url("action_list", ws="acme")).status_code == 404
    assert "Send the revised" not in client.get(url("action_list", ws="globex")).content.decode()


# --- the partnership home card --------------------------------------------------------------


def test_partnership_home_lists_its_open_actions_in_one_query(acme, login):
    partnership = partnership_make(acme)
    action_make(acme, partnership=partnership, title="Open follow-up", due_date=PAST)
    done = action_make(acme, partnership=partnership, title="Closed follow-up")
    actions.action_status_change(membership=acme.membership("admin"), action=done, status="done")
    client = login(acme.viewer)
    home = reverse("partnership_detail", args=["acme", partnership.slug])
    small, response = count_queries(client, home)
    body = response.content.decode()
    assert "Open follow-up" in body
    assert "Closed follow-up" not in body
    for index in range(10):
        action_make(acme, partnership=partnership, title=f"More {index}", owner=acme.bob)
    large, _ = count_queries(client, home)
    assert small == large


def test_done_actions_keep_their_completion_time_on_re_save(acme):
    action = action_make(acme)
    membership = acme.membership("admin")
    actions.action_status_change(membership=membership, action=action, status="done")
    first = action.completed_at
    actions.action_update(membership=membership, action=action, title="Still done")
    assert action.completed_at == first
    assert first <= timezone.now()
    assert Person.objects.filter(pk=action.owner_id).exists()
