"""Status bands per workspace: defaults, the settings page (admins change them), validation,
the API, and that every goal status follows the workspace's bands."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accord.api.testing import token_client
from accord.goals import actions, selectors
from accord.goals.models import GoalSettings
from accord.goals.tests.helpers import checkins_add, count_queries, goal_make
from accord.workspaces.models import AuditEntry

JSON = "application/json"
SETTINGS = "/w/acme/goals/settings/"


def paced_goal(tenant):
    """Halfway through its period (expected 50%) and 40% done: pace 0.8."""
    today = timezone.localdate()
    goal = goal_make(
        tenant,
        title="Paced goal",
        baseline=0.0,
        target=100.0,
        start_date=today - timedelta(days=50),
        due_date=today + timedelta(days=50),
    )
    checkins_add(goal, [40.0], start=today - timedelta(days=1))
    return goal


def status_of(tenant, goal):
    rows = selectors.goal_rows(membership=tenant.membership("viewer"), today=timezone.localdate())
    return next(row.summary.health for row in rows if row.goal.pk == goal.pk)


def bands_set(tenant, on_track, at_risk):
    return actions.goal_settings_update(
        membership=tenant.membership("admin"), on_track=on_track, at_risk=at_risk
    )


def test_a_workspace_without_settings_uses_the_default_bands(acme, login):
    assert selectors.status_bands(acme.workspace) == selectors.StatusBands(0.95, 0.75)
    response = login(acme.viewer).get(SETTINGS)
    assert response.status_code == 200
    body = response.content.decode()
    assert "at 95% of the expected progress or more" in body
    assert "Save bands" not in body  # only admins get the form
    assert not GoalSettings.objects.exists()


def test_changing_the_bands_changes_a_goals_status(acme):
    goal = paced_goal(acme)
    assert status_of(acme, goal) == "at_risk"
    bands_set(acme, 0.95, 0.85)
    assert status_of(acme, goal) == "off_track"
    bands_set(acme, 0.8, 0.5)
    assert status_of(acme, goal) == "on_track"


def test_the_goal_list_and_goal_page_show_the_status_from_the_bands(acme, login):
    goal = paced_goal(acme)
    client = login(acme.viewer)
    assert "At risk" in client.get("/w/acme/goals/").content.decode()
    bands_set(acme, 0.8, 0.5)
    assert client.get("/w/acme/goals/").context["rows"][0].summary.health == "on_track"
    page = client.get(f"/w/acme/goals/{goal.uuid}/")
    assert page.context["summary"].health == "on_track"


def test_admin_saves_bands_as_percentages_and_the_change_is_audited(acme, login):
    goal = paced_goal(acme)
    response = login(acme.admin).post(SETTINGS, {"on_track": "80", "at_risk": "50%"})
    assert response.status_code == 302
    settings = GoalSettings.objects.get(workspace=acme.workspace)
    assert (settings.on_track, settings.at_risk) == (0.8, 0.5)
    assert AuditEntry.objects.filter(object_uuid=settings.uuid, action="create").exists()
    assert status_of(acme, goal) == "on_track"
    again = login(acme.admin).post(
        SETTINGS, {"on_track": "90", "at_risk": "50", "expected_version": "1"}
    )
    assert again.status_code == 302
    settings.refresh_from_db()
    assert (settings.on_track, settings.version) == (0.9, 2)


@pytest.mark.parametrize(
    ("on_track", "at_risk", "field", "words"),
    [
        ("70", "80", "at_risk", "must be below “on track” (70%)"),
        ("75", "75", "at_risk", "must be below"),
        ("120", "50", "on_track", "at most 100%"),
        ("95", "0", "at_risk", "above 0%"),
        ("lots", "50", "on_track", "Enter a percentage"),
    ],
)
def test_bad_bands_are_refused_with_the_input_kept(acme, login, on_track, at_risk, field, words):
    response = login(acme.admin).post(SETTINGS, {"on_track": on_track, "at_risk": at_risk})
    assert response.status_code == 422
    assert words in " ".join(response.context["form"].errors[field])
    assert f'value="{on_track}"' in response.content.decode()
    assert not GoalSettings.objects.exists()


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_change_the_bands(acme, login, role):
    response = login(acme.user(role)).post(SETTINGS, {"on_track": "80", "at_risk": "50"})
    assert response.status_code == 403
    assert not GoalSettings.objects.exists()


def test_another_workspace_neither_sees_nor_follows_these_bands(acme, globex, login):
    bands_set(acme, 0.8, 0.5)
    other = paced_goal(globex)
    client = login(globex.owner)
    assert client.get(SETTINGS).status_code == 404
    assert client.post(SETTINGS, {"on_track": "60", "at_risk": "50"}).status_code == 404
    assert status_of(globex, other) == "at_risk"
    assert (
        "at 95% of the expected progress"
        in client.get("/w/globex/goals/settings/").content.decode()
    )
    assert GoalSettings.objects.get(workspace=acme.workspace).on_track == 0.8


def test_the_goal_list_reads_the_bands_in_one_query_whatever_the_number_of_goals(acme, login):
    bands_set(acme, 0.8, 0.5)
    client = login(acme.viewer)
    for index in range(3):
        goal_make(acme, title=f"G{index}")
    few, _ = count_queries(client, "/w/acme/goals/")
    for index in range(27):
        goal_make(acme, title=f"H{index}")
    many, _ = count_queries(client, "/w/acme/goals/")
    assert few == many


# --- API ------------------------------------------------------------------------------------


def test_api_reads_and_sets_the_bands(acme):
    goal = paced_goal(acme)
    admin = token_client(acme, "admin")
    current = admin.get("/api/v1/goal-settings")
    assert current.json() == {"on_track": 0.95, "at_risk": 0.75, "version": 1}
    changed = admin.put(
        "/api/v1/goal-settings", {"on_track": 0.8, "at_risk": 0.5}, content_type=JSON
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["on_track"] == 0.8
    assert changed["ETag"] == '"1"'
    progress = admin.get(f"/api/v1/goals/{goal.uuid}/progress").json()
    assert progress["status"] == "on_track"
    stale = admin.put(
        "/api/v1/goal-settings",
        {"on_track": 0.9, "at_risk": 0.5},
        content_type=JSON,
        headers={"If-Match": '"7"'},
    )
    assert stale.status_code == 412


def test_api_refuses_bad_bands_and_non_admins(acme):
    admin = token_client(acme, "admin")
    bad = admin.put("/api/v1/goal-settings", {"on_track": 0.7, "at_risk": 0.8}, content_type=JSON)
    assert bad.status_code == 422
    problem = bad.json()
    assert problem["type"] == "https://accord.dev/problems/validation"
    assert problem["errors"][0]["field"] == "at_risk"
    member = token_client(acme, "member")
    assert member.get("/api/v1/goal-settings").status_code == 200
    refused = member.put(
        "/api/v1/goal-settings", {"on_track": 0.8, "at_risk": 0.5}, content_type=JSON
    )
    assert refused.status_code == 403
    assert not GoalSettings.objects.exists()
