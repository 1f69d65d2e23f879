"""Goal pages: list with filters and htmx partials, goal page, check-ins, form with live
SMART feedback, alignment, permissions and cross-workspace 404s."""

from datetime import date

import pytest

from accord.goals.models import CheckIn, Goal
from accord.goals.tests.helpers import (
    checkins_add,
    count_queries,
    goal_make,
    partnership_make,
    person_for,
)
from accord.partnerships.models import Privacy
from accord.workspaces.models import AuditEntry


def test_goal_list_shows_progress_status_and_badges(acme, login):
    goal = goal_make(acme, start_date=date(2026, 1, 1), due_date=date(2026, 12, 31))
    checkins_add(goal, [12], start=date(2026, 1, 8))
    response = login(acme.viewer).get("/w/acme/goals/")
    assert response.status_code == 200
    body = response.content.decode()
    assert goal.title in body
    assert '<progress class="bar' in body
    assert "Check-in due" in body  # the last check-in is long past the weekly cadence


def test_goal_list_filters_answer_a_partial_for_htmx(acme, login):
    goal_make(acme, title="Finance goal", function=acme.finance)
    goal_make(acme, title="Sales goal", function=acme.sales)
    client = login(acme.viewer)
    response = client.get(
        f"/w/acme/goals/?function={acme.finance.uuid}", headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "Finance goal" in body
    assert "Sales goal" not in body
    assert "<html" not in body


def test_goal_list_query_count_does_not_grow_with_goals(acme, login):
    client = login(acme.admin)
    for index in range(3):
        checkins_add(goal_make(acme, title=f"G{index}"), [11, 12], start=date(2026, 2, 1))
    few, _ = count_queries(client, "/w/acme/goals/")
    for index in range(27):
        checkins_add(goal_make(acme, title=f"H{index}"), [11, 12], start=date(2026, 2, 1))
    many, _ = count_queries(client, "/w/acme/goals/")
    assert few == many


def test_my_goals_lists_goals_owned_by_the_signed_in_person(acme, login):
    me = person_for(acme, "member")
    goal_make(acme, title="Theirs")
    goal_make(acme, title="Ours", owner=me)
    body = login(acme.member).get("/w/acme/goals/mine/").content.decode()
    assert "Ours" in body
    assert "Theirs" not in body


def test_goal_page_has_chart_data_and_a_table_fallback(acme, login):
    goal = goal_make(acme)
    checkins_add(goal, [11, 12, 13], start=date(2026, 1, 10))
    response = login(acme.viewer).get(f"/w/acme/goals/{goal.uuid}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="goal-chart-data"' in body
    assert "echarts-6.0.0.min.js" in body
    assert "goals/charts.js" in body
    assert 'style="' not in body.split("<main")[1]
    assert "<table" in body
    assert ">13%</td>" in body
    assert response.context["chart"]["actuals"][0] == ["2026-01-10", 11.0]
    assert response.context["chart"]["expected"] == [["2026-01-01", 10.0], ["2026-06-30", 20.0]]


def test_check_in_with_htmx_swaps_the_list_and_summary(acme, login):
    goal = goal_make(acme)
    response = login(acme.admin).post(
        f"/w/acme/goals/{goal.uuid}/checkins/",
        {"value": "14.5", "date": "2026-02-01", "confidence": "7", "note": "Good week"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="checkins"' in body
    assert "<html" not in body
    assert "Good week" in body
    # htmx drops swapped <script> elements, so the redrawn chart carries its data inline.
    assert "data-json=" in body
    assert CheckIn.objects.get().confidence_score == 7


def test_a_non_numeric_check_in_shows_the_message_and_saves_nothing(acme, login):
    goal = goal_make(acme)
    response = login(acme.admin).post(
        f"/w/acme/goals/{goal.uuid}/checkins/", {"value": "about ten", "date": "2026-02-01"}
    )
    assert response.status_code == 422
    assert "Enter a number, e.g. 42 or 17.5" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_editing_a_check_in_is_audited_and_shown_in_history(acme, login):
    goal = goal_make(acme)
    checkins_add(goal, [11], start=date(2026, 2, 1))
    checkin = CheckIn.objects.get()
    client = login(acme.admin)
    url = f"/w/acme/goals/{goal.uuid}/checkins/{checkin.uuid}/edit/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"value": "12", "date": "2026-02-01", "confidence": "", "note": "", "expected_version": 1},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(object_uuid=checkin.uuid).changes == {"value": [11.0, 12.0]}
    page = client.get(f"/w/acme/goals/{goal.uuid}/").content.decode()
    assert "edited" in page


def _form(tenant, **changes):
    data = {
        "title": "Raise NPS from 30 to 45 by 30 June 2026",
        "kind": "goal",
        "function": str(tenant.sales.uuid),
        "direction": "increase",
        "baseline": "30",
        "target": "45",
        "unit": "NPS",
        "start_date": "2026-01-01",
        "due_date": "2026-06-30",
        "owner": str(tenant.alice.uuid),
        "status": "active",
        "cadence_days": "7",
    }
    data.update(changes)
    return data


def test_create_a_goal_through_the_form(acme, login):
    response = login(acme.admin).post("/w/acme/goals/new/", _form(acme))
    goal = Goal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/goals/{goal.uuid}/"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"due_date": "2025-12-01"}, "before the start date"),
        ({"target": "30"}, "equals the baseline"),
        ({"baseline": "thirty"}, "Enter a number, e.g. 42 or 17.5"),
        ({"owner": ""}, "one person accountable"),
    ],
)
def test_bad_goal_input_shows_a_clear_message_and_saves_nothing(acme, login, changes, message):
    response = login(acme.admin).post("/w/acme/goals/new/", _form(acme, **changes))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Goal.objects.exists()


def test_an_owner_from_another_workspace_is_not_a_choice(acme, globex, login):
    response = login(acme.admin).post(
        "/w/acme/goals/new/", _form(acme, owner=str(globex.alice.uuid))
    )
    assert response.status_code == 422
    assert not Goal.objects.exists()


def test_live_smart_feedback_changes_with_the_text(acme, login):
    client = login(acme.member)
    vague = client.post("/w/acme/goals/feedback/", {"title": "Improve synergies"})
    assert vague.status_code == 200
    vague_body = vague.content.decode()
    assert 'id="smart-feedback"' in vague_body
    assert "<html" not in vague_body
    assert "✗" in vague_body
    sharp = client.post(
        "/w/acme/goals/feedback/",
        _form(acme, title="Raise NPS from 30 to 45 by 30 June 2026 to keep renewals"),
    )
    assert sharp.content.decode().count("✓") > vague_body.count("✓")


def test_feedback_counts_a_link_as_relevant(acme, login):
    client = login(acme.admin)
    objective = goal_make(acme, kind="objective", title="Win the mid-market", direction="")
    unlinked = client.post("/w/acme/goals/feedback/", _form(acme)).context["feedback"]
    linked = client.post(
        "/w/acme/goals/feedback/", _form(acme, supports=[str(objective.uuid)])
    ).context["feedback"]
    assert unlinked["linked"] is False
    assert linked["linked"] is True
    relevant = {c["name"]: c["passed"] for c in linked["criteria"]}["relevant"]
    assert relevant is True


def test_the_form_page_loads_with_the_smart_panel(acme, login):
    body = login(acme.admin).get("/w/acme/goals/new/").content.decode()
    assert 'hx-trigger="input delay:400ms, change"' in body
    assert 'id="smart-feedback"' in body


def test_edit_a_goal_and_get_a_conflict_on_a_stale_version(acme, login):
    goal = goal_make(acme)
    client = login(acme.admin)
    assert client.get(f"/w/acme/goals/{goal.uuid}/edit/").status_code == 200
    stale = client.post(
        f"/w/acme/goals/{goal.uuid}/edit/", _form(acme, title="New title", expected_version="9")
    )
    assert stale.status_code == 409
    ok = client.post(
        f"/w/acme/goals/{goal.uuid}/edit/", _form(acme, title="New title", expected_version="1")
    )
    assert ok.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "New title"


def test_viewers_get_403_on_writes(acme, login):
    goal = goal_make(acme)
    client = login(acme.viewer)
    assert client.post("/w/acme/goals/new/", _form(acme)).status_code == 403
    assert client.post(f"/w/acme/goals/{goal.uuid}/checkins/", {"value": "1"}).status_code == 403
    assert client.post(f"/w/acme/goals/{goal.uuid}/delete/").status_code == 403
    assert Goal.objects.count() == 1
    assert not CheckIn.objects.exists()


def test_a_member_who_does_not_own_the_goal_cannot_edit_it(acme, login):
    goal = goal_make(acme)
    client = login(acme.member)
    assert client.get(f"/w/acme/goals/{goal.uuid}/edit/").status_code == 403
    assert client.post(f"/w/acme/goals/{goal.uuid}/delete/").status_code == 403


def test_other_workspaces_get_404(acme, globex, login):
    goal = goal_make(acme)
    client = login(globex.owner)
    assert client.get(f"/w/acme/goals/{goal.uuid}/").status_code == 404
    assert client.get(f"/w/globex/goals/{goal.uuid}/").status_code == 404
    assert client.post(f"/w/globex/goals/{goal.uuid}/delete/").status_code == 404


def test_members_only_partnership_goals_are_404_for_non_members(acme, login):
    private = partnership_make(acme, "Secret Merger", privacy=Privacy.MEMBERS)
    goal = goal_make(acme, partnership=private, function=None, title="Secret goal")
    client = login(acme.member)
    assert client.get(f"/w/acme/goals/{goal.uuid}/").status_code == 404
    assert "Secret goal" not in client.get("/w/acme/goals/").content.decode()
    assert "Secret goal" not in client.get("/w/acme/goals/alignment/").content.decode()


def test_alignment_page_shows_the_tree_and_unaligned_goals(acme, login):
    partnership = partnership_make(acme)
    objective = goal_make(
        acme, partnership=partnership, function=None, kind="objective", title="Grow together"
    )
    supporter = goal_make(acme, function=acme.finance, title="Faster invoicing")
    supporter.supports.add(objective)
    goal_make(acme, title="Orphan goal")
    body = login(acme.viewer).get("/w/acme/goals/alignment/").content.decode()
    assert "Grow together" in body
    assert "Faster invoicing" in body
    assert body.index("Aligned to nothing") < body.index("Orphan goal")
