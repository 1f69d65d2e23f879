"""Lost updates: two people edit the same record from the same starting version.

The second save never silently overwrites the first. Through the API it is refused with
412 (If-Match) or 409 (body `version`), naming the stored version. Through the pages it is a
409 that keeps the second editor's input, shows what is saved now, and lets them save over it
only knowingly (a second, deliberate save). Goals and decisions, pages and API.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accord.api.testing import token_client
from accord.goals.forms import GoalForm
from accord.goals.models import Goal
from accord.goals.tests.helpers import goal_make
from accord.governance import decision_actions
from accord.governance.decision_forms import DecisionForm
from accord.governance.models import Decision

pytestmark = pytest.mark.django_db

JSON = "application/json"


def _signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def _post_data(initial: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """What the browser posts for a form showing `initial`, with the editor's changes."""
    data: dict[str, Any] = {}
    for name, value in {**initial, **changes}.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, list):
            data[name] = [str(item) for item in value]
        else:
            data[name] = str(value)
    return data


def _decision(tenant: Any) -> Decision:
    return decision_actions.decision_create(
        membership=tenant.membership("admin"),
        title="Move month-end close to day 3",
        decider=tenant.alice,
        context="Close takes 6 days; sales needs numbers sooner.",
    )


def test_the_second_goal_editor_on_the_page_gets_a_conflict_showing_what_is_saved(acme):
    """Ann and Ola open the same goal. Ann saves a new target. Ola's save of a new title
    answers 409: Ann's target stays, Ola's title is not saved, the page shows the saved target
    next to Ola's and keeps Ola's input. Saving again then applies Ola's version knowingly."""
    goal = goal_make(acme)
    url = reverse("goal_edit", args=[acme.workspace.slug, goal.uuid])
    ann, ola = _signed_in(acme.admin), _signed_in(acme.owner)
    assert ann.get(url).status_code == 200
    assert ola.get(url).status_code == 200
    opened = GoalForm.initial_for(goal)  # what both forms carry, version 1 included
    assert opened["expected_version"] == 1

    saved = ann.post(url, _post_data(opened, target="30"))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    late = ola.post(url, _post_data(opened, title="Raise conversion from 10% to 25% by June"))

    assert late.status_code == 409
    page = late.content.decode()
    assert "Someone else saved this goal while you were editing (now version 2)" in page
    assert "Saved meanwhile by someone else" in page
    conflict = {row.label: row for row in late.context["conflict"]}
    assert (conflict["Target"].stored, conflict["Target"].yours) == ("30", "20")
    assert "Raise conversion from 10% to 25% by June" in page  # Ola's input is kept
    goal.refresh_from_db()
    assert (goal.target, goal.title, goal.version) == (
        30,
        "Raise conversion from 10% to 20% by June",
        2,
    )

    again = ola.post(url, late.context["form"].data)
    assert again.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.target, goal.version) == (
        "Raise conversion from 10% to 25% by June",
        20,
        3,
    )


def test_the_second_goal_editor_through_the_api_gets_412_or_409_with_the_stored_version(acme):
    """Both clients read version 1. After the first PATCH, the second is refused with 412
    when it sends If-Match and 409 when it sends the version in the body; both name version
    2, and the stored goal keeps the first change."""
    goal = goal_make(acme)
    first, second = token_client(acme, "admin"), token_client(acme, "owner")
    url = f"/api/v1/goals/{goal.uuid}"
    assert first.get(url)["ETag"] == second.get(url)["ETag"] == '"1"'

    changed = first.patch(url, {"target": 30}, content_type=JSON, headers={"If-Match": '"1"'})
    assert changed.status_code == 200
    assert changed["ETag"] == '"2"'

    by_header = second.patch(url, {"target": 50}, content_type=JSON, headers={"If-Match": '"1"'})
    assert by_header.status_code == 412
    assert by_header["Content-Type"] == "application/problem+json"
    assert by_header["ETag"] == '"2"'
    assert by_header.json()["current_version"] == 2

    by_body = second.patch(url, {"target": 50, "version": 1}, content_type=JSON)
    assert by_body.status_code == 409
    assert by_body.json()["current_version"] == 2
    assert "now version 2" in by_body.json()["detail"]
    goal = Goal.objects.get(pk=goal.pk)
    assert (goal.target, goal.version) == (30, 2)


def test_the_second_decision_editor_on_the_page_gets_a_conflict_showing_what_is_saved(acme):
    """Two admins edit the same draft decision; the second save is a 409 that shows the
    rationale saved meanwhile, keeps the second editor's text, and overwrites nothing."""
    decision = _decision(acme)
    url = reverse("decision_edit", args=[acme.workspace.slug, decision.uuid])
    first, second = _signed_in(acme.admin), _signed_in(acme.owner)
    opened = DecisionForm.initial_for(decision)
    version = opened["expected_version"]

    saved = first.post(url, _post_data(opened, rationale="Sales forecasts need day-3 actuals."))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    late = second.post(url, _post_data(opened, context="Close takes 6 days; finance agrees."))

    assert late.status_code == 409
    page = late.content.decode()
    assert f"now version {version + 1}" in page
    conflict = {row.label: row for row in late.context["conflict"]}
    assert conflict["Rationale"].stored == "Sales forecasts need day-3 actuals."
    assert conflict["Rationale"].yours == "—"
    assert "Close takes 6 days; finance agrees." in page
    decision.refresh_from_db()
    assert decision.rationale == "Sales forecasts need day-3 actuals."
    assert decision.context == "Close takes 6 days; sales needs numbers sooner."


def test_the_second_decision_editor_through_the_api_gets_412_or_409(acme):
    """The decision API guards edits the same way: 412 on a stale If-Match, 409 on a stale
    body version, and the first change stays."""
    decision = _decision(acme)
    first, second = token_client(acme, "admin"), token_client(acme, "owner")
    url = f"/api/v1/decisions/{decision.uuid}"
    etag = first.get(url)["ETag"]
    version = int(etag.strip('"'))

    changed = first.patch(
        url, {"rationale": "First"}, content_type=JSON, headers={"If-Match": etag}
    )
    assert changed.status_code == 200, changed.content
    stale = second.patch(
        url, {"rationale": "Second"}, content_type=JSON, headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert stale.json()["current_version"] == version + 1
    conflict = second.patch(url, {"rationale": "Second", "version": version}, content_type=JSON)
    assert conflict.status_code == 409
    assert conflict.json()["current_version"] == version + 1
    decision.refresh_from_db()
    assert decision.rationale == "First"
