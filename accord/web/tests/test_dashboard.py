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


def _member_world(acme):
    """The member login linked to Alice, a partnership meeting for her tomorrow, an action and
    an ask for her."""
    import datetime

    from django.utils import timezone

    from accord.comms.models_meetings import Meeting, MeetingAttendee
    from accord.comms.models_updates import Ask, StatusUpdate
    from accord.governance.models import ActionItem
    from accord.partnerships.actions import partnership_create

    acme.alice.user = acme.member
    acme.alice.save()
    partnership = partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Quote to cash",
        functions=[acme.sales, acme.finance],
    )
    now = timezone.now()
    meeting = Meeting.objects.create(
        workspace=acme.workspace,
        partnership=partnership,
        title="Monthly review",
        starts_at=now + datetime.timedelta(days=1),
    )
    MeetingAttendee.objects.create(
        workspace=acme.workspace, meeting=meeting, person=acme.alice, seniority=1
    )
    ActionItem.objects.create(workspace=acme.workspace, title="Send the deck", owner=acme.alice)
    update = StatusUpdate.objects.create(
        workspace=acme.workspace,
        partnership=partnership,
        author=acme.bob,
        period_start=now.date(),
        period_end=now.date(),
        rag="green",
        progress="On track",
        posted_at=now,
    )
    Ask.objects.create(
        workspace=acme.workspace, update=update, text="Numbers?", to_person=acme.alice
    )
    return partnership


def test_for_you_counts_what_waits_for_the_member(acme, login):
    """A member linked to a person sees their asks, meetings this week and open actions."""
    _member_world(acme)
    for_you = login(acme.member).get(reverse("dashboard", args=["acme"])).context["for_you"]
    assert for_you.linked is True
    assert for_you.needs_response >= 1
    assert for_you.meetings_soon == 1
    assert for_you.open_actions == 1


def test_for_you_is_hidden_for_a_login_without_a_person(acme, login):
    """Without a directory entry there is nothing personal to count, and no card shows."""
    response = login(acme.viewer).get(reverse("dashboard", args=["acme"]))
    assert response.context["for_you"].linked is False
    assert b"Needs your response" not in response.content


def test_for_you_query_count_does_not_grow_with_meetings(acme, login):
    """Ten more meetings for the member cost no extra queries."""
    import datetime

    from django.utils import timezone

    from accord.comms.models_meetings import Meeting, MeetingAttendee

    partnership = _member_world(acme)
    client = login(acme.member)
    url = reverse("dashboard", args=["acme"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        meeting = Meeting.objects.create(
            workspace=acme.workspace,
            partnership=partnership,
            title=f"Sync {i}",
            starts_at=timezone.now() + datetime.timedelta(days=2),
        )
        MeetingAttendee.objects.create(
            workspace=acme.workspace, meeting=meeting, person=acme.alice, seniority=1
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.context["for_you"].meetings_soon == 11
    assert len(many) == len(few)
