"""Reviews over the API: the cycle, one review, the frozen pack, feedback, adjustments and
completion — permissions as on the pages, concurrency, validation, isolation and query
counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.governance.models import ActionItem
from accord.insights import review_actions as actions
from accord.insights.tests.review_helpers import (
    TODAY,
    cadence_make,
    member_person,
    partnership_make,
    review_make,
)

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_a_lead_schedules_a_review_and_everyone_who_sees_the_partnership_lists_it(acme):
    partnership = partnership_make(acme)
    base = f"/api/v1/partnerships/{partnership.slug}/reviews"
    admin = token_client(acme, "admin")
    response = admin.post(base, {"scheduled_for": "2026-06-30", "rhythm": "quarterly"}, JSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["period_start"] == "2026-03-31"
    assert body["title"] == "Quarterly review · June 2026"
    assert body["has_pack"] is False
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"/api/v1/reviews/{body['id']}"
    viewer = token_client(acme, "viewer")
    assert viewer.get(base).json()["count"] == 1
    assert viewer.post(base, {"scheduled_for": "2026-06-30"}, JSON).status_code == 403
    assert (
        token_client(acme, "member").post(base, {"scheduled_for": "2026-06-30"}, JSON).status_code
        == 403
    )
    errors = _errors(
        admin.post(
            base,
            {
                "scheduled_for": "2026-06-30",
                "period_start": "2026-07-01",
                "period_end": "2026-06-01",
            },
            JSON,
        )
    )
    assert "on or after" in errors["period_end"]


def test_patch_cancels_with_concurrency(acme):
    review = review_make(acme, partnership_make(acme))
    admin = token_client(acme, "admin")
    url = f"/api/v1/reviews/{review.uuid}"
    assert admin.patch(url, {"title": "X", "version": 9}, JSON).status_code == 409
    assert admin.patch(url, {"title": "X"}, JSON, headers={"If-Match": '"9"'}).status_code == 412
    response = admin.patch(url, {"status": "cancelled"}, JSON)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response["ETag"] == '"2"'
    assert admin.patch(url, {"status": "completed"}, JSON).status_code == 422
    assert token_client(acme, "viewer").patch(url, {"title": "Y"}, JSON).status_code == 403


def test_the_pack_is_generated_and_read_as_json(acme):
    review = review_make(acme, partnership_make(acme))
    admin = token_client(acme, "admin")
    url = f"/api/v1/reviews/{review.uuid}/pack"
    assert admin.get(url).status_code == 404
    assert token_client(acme, "member").post(url).status_code == 403
    response = admin.post(url)
    assert response.status_code == 200
    assert response.json()["status"] == "prepared"
    pack = token_client(acme, "viewer").get(url).json()
    assert pack["partnership"]["name"] == "Quote to cash"
    assert {
        "health",
        "kpis",
        "goals",
        "surveys",
        "decisions",
        "conflicts",
        "actions",
        "plays",
        "equity",
    } <= set(pack)


def test_feedback_adjustments_and_completion(acme):
    partnership = partnership_make(acme)
    member_person(acme, partnership)
    cadence = cadence_make(acme, partnership)
    review, _ = actions.review_schedule_next(cadence=cadence, today=TODAY)
    base = f"/api/v1/reviews/{review.uuid}"
    member = token_client(acme, "member")
    response = member.post(f"{base}/feedback", {"went_well": "Numbers", "rating": 5}, JSON)
    assert response.status_code == 200, response.content
    assert response.json()["person"]["name"] == "Member Person"
    assert (
        "1 (poor) to 5" in _errors(member.post(f"{base}/feedback", {"rating": 6}, JSON))["rating"]
    )
    assert (
        token_client(acme, "viewer").post(f"{base}/feedback", {"went_well": "x"}, JSON).status_code
        == 403
    )
    admin = token_client(acme, "admin")
    assert (
        member.post(f"{base}/adjustments", {"kind": "other", "description": "x"}, JSON).status_code
        == 403
    )
    errors = _errors(
        admin.post(
            f"{base}/adjustments",
            {
                "kind": "goal_change",
                "goal": "5e0c7a0e-9d4b-4c1e-8f0a-000000000000",
                "description": "x",
            },
            JSON,
        )
    )
    assert "No goal with id" in errors["goal"]
    response = admin.post(
        f"{base}/adjustments",
        {
            "kind": "new_action",
            "description": "Chase disputes",
            "action_title": "Chase",
            "action_owner": str(acme.alice.uuid),
        },
        JSON,
    )
    assert response.status_code == 201, response.content
    action = ActionItem.objects.get(uuid=response.json()["action"]["id"])
    assert action.source_type == "review"
    assert action.source_uuid == review.uuid
    detail = member.get(base).json()
    assert len(detail["feedback"]) == 1
    assert len(detail["adjustments"]) == 1
    response = admin.post(f"{base}/complete", {"summary": "Good month."}, JSON)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["review"]["status"] == "completed"
    assert body["review"]["has_pack"] is True
    assert body["next_review"]["scheduled_for"] > body["review"]["scheduled_for"]
    assert admin.post(f"{base}/complete", {"summary": "Again"}, JSON).status_code == 422


def test_members_see_only_their_own_feedback(acme):
    partnership = partnership_make(acme)
    member_person(acme, partnership)
    member_person(acme, partnership, role="owner")
    review = review_make(acme, partnership)
    actions.review_feedback_set(
        membership=acme.membership("owner"), review=review, went_well="Owner's view"
    )
    assert (
        token_client(acme, "member").get(f"/api/v1/reviews/{review.uuid}").json()["feedback"] == []
    )
    assert (
        len(token_client(acme, "admin").get(f"/api/v1/reviews/{review.uuid}").json()["feedback"])
        == 1
    )


def test_another_workspace_and_hidden_partnerships_see_nothing(acme, globex):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    other = token_client(globex, "owner")
    assert other.get(f"/api/v1/reviews/{review.uuid}").status_code == 404
    assert other.get(f"/api/v1/reviews/{review.uuid}/pack").status_code == 404
    assert (
        other.post(f"/api/v1/reviews/{review.uuid}/complete", {"summary": "x"}, JSON).status_code
        == 404
    )
    assert other.get(f"/api/v1/partnerships/{partnership.slug}/reviews").status_code == 404
    hidden = partnership_make(acme, name="Secret", privacy="members")
    secret = review_make(acme, hidden)
    assert token_client(acme, "member").get(f"/api/v1/reviews/{secret.uuid}").status_code == 404
    assert token_client(acme, "member").get("/api/v1/reviews/not-a-uuid").status_code == 404


def test_list_and_detail_keep_their_query_count(acme):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    client = token_client(acme, "admin")
    url = f"/api/v1/partnerships/{partnership.slug}/reviews"
    detail = f"/api/v1/reviews/{review.uuid}"
    client.get(url)
    client.get(detail)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    with CaptureQueriesContext(connection) as few_detail:
        client.get(detail)
    for index in range(5):
        review_make(acme, partnership, scheduled_for=datetime.date(2026, 4, 1 + index))
        actions.review_adjustment_add(
            membership=acme.membership("admin"),
            review=review,
            kind="new_action",
            description=f"Do {index}",
            action_owner=acme.bob,
        )
    for role in ("member", "owner"):
        member_person(acme, partnership, role=role)
        actions.review_feedback_set(
            membership=acme.membership(role), review=review, went_well="Good"
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).json()
    with CaptureQueriesContext(connection) as many_detail:
        body = client.get(detail).json()
    assert page["count"] == 6
    assert len(body["adjustments"]) == 5
    assert len(body["feedback"]) == 2
    assert len(many) == len(few)
    assert len(many_detail) == len(few_detail)
