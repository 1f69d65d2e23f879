"""The goal list page and GET /api/v1/goals summarise only the page they show."""

from datetime import date

from accord.api.testing import token_client
from accord.goals.tests.helpers import checkins_add, count_queries, goal_make


def _goals(tenant, count, *, prefix):
    made = []
    for index in range(count):
        goal = goal_make(tenant, title=f"{prefix} {index:02d}")
        checkins_add(goal, [11, 12], start=date(2026, 2, 1))
        if made:
            goal.supports.add(made[-1])
        made.append(goal)
    return made


def test_api_goal_list_query_count_does_not_grow_with_goals_or_their_links(acme):
    """Goals that support other goals do not cost a query each."""
    client = token_client(acme, "admin")
    _goals(acme, 3, prefix="A")
    few, _ = count_queries(client, "/api/v1/goals")
    _goals(acme, 40, prefix="B")
    many, response = count_queries(client, "/api/v1/goals?limit=50")
    assert few == many
    body = response.json()
    assert body["count"] == 43
    assert len(body["results"]) == 43
    assert any(goal["supports"] for goal in body["results"])


def test_api_goal_list_pages_cover_every_goal_once_in_order(acme):
    """Paging through the list with offset and limit gives each goal once, in list order."""
    client = token_client(acme, "admin")
    _goals(acme, 7, prefix="G")
    titles = []
    for offset in (0, 3, 6):
        body = client.get(f"/api/v1/goals?limit=3&offset={offset}").json()
        assert body["count"] == 7
        titles += [goal["title"] for goal in body["results"]]
        assert all(goal["summary"]["checkins"] == 2 for goal in body["results"])
    assert len(titles) == 7
    assert len(set(titles)) == 7


def test_goal_list_page_shows_a_page_with_the_summaries_of_its_goals(acme, login):
    """Page 2 of the list shows the goals after the first page, each with its status."""
    _goals(acme, 55, prefix="P")
    client = login(acme.admin)
    first = client.get("/w/acme/goals/").content.decode()
    second = client.get("/w/acme/goals/?page=2").content.decode()
    assert "P 00" in first
    assert "P 00" not in second
    assert "P 54" in second
    shown = [f"P {index:02d}" for index in range(55)]
    assert all((title in first) != (title in second) for title in shown)


def test_goal_list_health_filter_still_filters_on_the_computed_status(acme, login):
    """A health filter looks at every goal's computed status, not only the first page's."""
    _goals(acme, 3, prefix="H")
    goal_make(acme, title="Nothing yet")
    client = login(acme.admin)
    body = client.get("/w/acme/goals/?health=no_data").content.decode()
    assert "Nothing yet" in body
    assert "H 00" not in body
