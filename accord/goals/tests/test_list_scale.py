"""The goal list at scale: admins' visibility rule is the workspace alone, the filter menus are
plain rows rendered in one pass, and the page's query count is pinned."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.goals import selectors
from accord.goals.tests.helpers import count_queries, goal_make, partnership_make
from accord.partnerships.models import Privacy


def test_admins_see_every_goal_of_their_workspace_and_no_other(acme, globex):
    """Function goals, shared goals and goals of members-only partnerships, for an admin;
    nothing from another workspace."""
    secret = partnership_make(acme, "Secret", privacy=Privacy.MEMBERS, lead=acme.bob)
    open_one = partnership_make(acme, "Open")
    made = {
        goal_make(acme, title="Function goal").pk,
        goal_make(acme, partnership=secret, function=None, title="Secret goal").pk,
        goal_make(acme, partnership=open_one, function=None, title="Open goal").pk,
    }
    goal_make(globex, title="Globex goal")
    seen = set(
        selectors.goal_visible(membership=acme.membership("admin")).values_list("pk", flat=True)
    )
    assert seen == made


def test_members_still_do_not_see_goals_of_partnerships_they_are_not_in(acme):
    """The shortcut is for admins: a member sees function goals and open partnerships' goals."""
    secret = partnership_make(acme, "Secret", privacy=Privacy.MEMBERS, lead=acme.bob)
    goal_make(acme, partnership=secret, function=None, title="Secret goal")
    goal_make(acme, title="Function goal")
    titles = set(
        selectors.goal_visible(membership=acme.membership("member")).values_list("title", flat=True)
    )
    assert titles == {"Function goal"}


def test_admin_goal_count_has_no_partnership_subquery(acme):
    """An admin's goal count is one plain workspace filter: no OR over a subquery of the
    visible partnerships, which made every count scan the whole workspace."""
    goal_make(acme, title="One")
    admin = acme.membership("admin")
    admin.workspace  # noqa: B018 - loaded before counting
    with CaptureQueriesContext(connection) as queries:
        assert selectors.goal_visible(membership=admin).count() == 1
    assert len(queries) == 1
    assert "partnerships_partnership" not in queries[0]["sql"]


def test_filter_menus_escape_names_and_mark_the_chosen_owner(acme, login):
    """Owners, functions and partnerships render as options with escaped names; the owner in
    the query string is selected."""
    acme.alice.name = "Alice <b>&</b>"
    acme.alice.save()
    partnership_make(acme, "R&D <i>lab</i>")
    goal_make(acme, title="Owned by Alice")
    client = login(acme.admin)
    response = client.get(f"/w/acme/goals/?owner={acme.alice.uuid}")
    owners = str(response.context["owner_options"])
    assert (
        f'<option value="{acme.alice.uuid}" selected>Alice &lt;b&gt;&amp;&lt;/b&gt;</option>'
        in owners
    )
    assert "<b>" not in owners
    partnerships = str(response.context["partnership_options"])
    assert "R&amp;D &lt;i&gt;lab&lt;/i&gt;" in partnerships
    assert " selected" not in partnerships
    functions = str(response.context["function_options"])
    assert f'<option value="{acme.sales.uuid}">' in functions
    assert response.context["owners"] == [{"uuid": acme.alice.uuid, "name": "Alice <b>&</b>"}]


def test_goal_list_query_count_is_pinned(acme, login):
    """The list page runs the same, pinned number of queries for 3 and 60 goals, with owners
    and partnerships in the menus, for an admin and for a member."""
    partnership = partnership_make(acme, "Shared")
    for index in range(3):
        goal_make(acme, title=f"A {index}", partnership=partnership, function=None)
    few = {
        role: count_queries(login(acme.user(role)), "/w/acme/goals/")[0]
        for role in ("admin", "member")
    }
    for index in range(57):
        goal_make(acme, title=f"B {index:02d}", owner=acme.bob if index % 2 else acme.alice)
    many = {
        role: count_queries(login(acme.user(role)), "/w/acme/goals/")[0]
        for role in ("admin", "member")
    }
    assert many == few
    assert few["admin"] <= 17
