from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.org.models import Person
from accord.partnerships.models import Partnership


def test_dashboard_shows_the_workspace_at_a_glance(acme, login):
    """Counts, functions and recent activity of the workspace appear on the dashboard."""
    from accord.org.actions import function_create

    function_create(workspace=acme.workspace, actor=acme.admin, name="Operations")
    response = login(acme.viewer).get(reverse("dashboard", args=["acme"]))
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.people == 2
    assert summary.functions == 3
    assert summary.members == 4
    assert summary.structure.layers == 2
    assert {share.label: share.count for share in summary.by_function} == {
        "Sales": 1,
        "Finance": 1,
        "Operations": 0,
    }
    assert b"Operations" in response.content  # the recent-activity entry
    assert summary.partnerships == 0
    assert summary.active_goals == 0


def test_dashboard_counts_partnerships_the_member_can_see(acme, login):
    """Members-only partnerships count only for those who can see them."""
    for slug, privacy in [("open", "workspace"), ("closed-door", "members")]:
        partnership = Partnership.objects.create(
            workspace=acme.workspace, name=slug, slug=slug, status="active", privacy=privacy
        )
        partnership.functions.set([acme.sales, acme.finance])
    member = login(acme.member).get(reverse("dashboard", args=["acme"])).context["summary"]
    assert member.partnerships == 1
    assert member.partnership_note == "1 active"
    admin = login(acme.admin).get(reverse("dashboard", args=["acme"])).context["summary"]
    assert admin.partnerships == 2


def test_dashboard_of_another_workspace_is_not_found(acme, globex, login):
    """A globex user cannot open acme's dashboard."""
    assert login(globex.owner).get(reverse("dashboard", args=["acme"])).status_code == 404


def test_empty_workspace_offers_the_first_steps(db, login):
    """A new workspace explains what to do first instead of showing empty numbers only."""
    from accord.accounts.models import User
    from accord.workspaces.actions import workspace_create

    user = User.objects.create_user(email="first@example.com", password="x" * 12)
    workspace_create(name="Fresh", slug="fresh", owner=user)
    response = login(user).get(reverse("dashboard", args=["fresh"]))
    assert b"Get your workspace ready" in response.content
    assert b"Add a function" in response.content


def test_dashboard_query_count_does_not_grow_with_people(acme, login):
    """The dashboard runs the same number of queries for 2 or 200 people."""
    client = login(acme.viewer)
    url = reverse("dashboard", args=["acme"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Person.objects.bulk_create(
        Person(
            workspace=acme.workspace,
            name=f"P{i}",
            email=f"p{i}@acme.test",
            function=acme.sales,
            manager=acme.alice,
        )
        for i in range(200)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_recent_activity_shows_each_object_once(acme, login):
    """Several edits to one record appear as one line (its latest change)."""
    from accord.org.actions import person_update

    for title in ["Analyst I", "Analyst II", "Senior analyst"]:
        person_update(person=acme.bob, actor=acme.admin, title=title)
    recent = login(acme.viewer).get(reverse("dashboard", args=["acme"])).context["summary"].recent
    bob_entries = [entry for entry in recent if entry.object_uuid == acme.bob.uuid]
    assert len(bob_entries) == 1
    assert bob_entries[0].changes["title"][1] == "Senior analyst"
