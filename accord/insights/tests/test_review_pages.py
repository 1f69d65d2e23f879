"""Review pages: the partnership's reviews, one review with its pack, feedback (members see
their own, leads everyone's), adjustments and completion, the workspace overview — with
permissions, errors that name the field, isolation and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.insights import review_actions as actions
from accord.insights.models import Review, ReviewFeedback
from accord.insights.tests.review_helpers import (
    TODAY,
    cadence_make,
    member_person,
    partnership_make,
    review_make,
)

pytestmark = pytest.mark.django_db


def _url(name, review, *extra):
    partnership = review.partnership
    return reverse(name, args=[partnership.workspace.slug, partnership.slug, review.uuid, *extra])


def test_the_list_shows_reviews_and_the_schedule_form_to_leads_only(acme, login):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership, title="May review <b>")
    url = reverse("review_list", args=["acme", partnership.slug])
    page = login(acme.admin).get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "May review &lt;b&gt;" in body
    assert "Schedule a review" in body
    assert str(review.uuid) in body
    viewer = login(acme.viewer).get(url).content.decode()
    assert "May review" in viewer
    assert "Schedule review" not in viewer


def test_a_lead_schedules_a_review_and_errors_name_the_field(acme, login):
    partnership = partnership_make(acme)
    url = reverse("review_create", args=["acme", partnership.slug])
    client = login(acme.admin)
    bad = client.post(
        url,
        {
            "rhythm": "monthly",
            "scheduled_for": "2026-05-13",
            "period_start": "2026-05-20",
            "period_end": "2026-05-01",
        },
    )
    assert bad.status_code == 422
    assert "on or after" in bad.content.decode()
    good = client.post(url, {"rhythm": "quarterly", "scheduled_for": "2026-06-30"})
    review = Review.objects.get(partnership=partnership)
    assert good.status_code == 302
    assert good["Location"] == _url("review_detail", review)
    assert review.rhythm == "quarterly"
    assert (
        login(acme.member)
        .post(url, {"rhythm": "monthly", "scheduled_for": "2026-06-30"})
        .status_code
        == 403
    )


def test_the_review_page_generates_the_pack_and_shows_its_sections(acme, login):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    client = login(acme.admin)
    page = client.get(_url("review_detail", review)).content.decode()
    assert "has not been generated" in page
    assert client.post(_url("review_generate", review)).status_code == 302
    page = client.get(_url("review_detail", review)).content.decode()
    for heading in (
        "Health index",
        "KPIs against targets",
        "Goals",
        "Survey results",
        "Decisions made",
        "Conflicts",
        "Actions",
        "Accepted plays",
        "Participation equity",
    ):
        assert heading in page
    assert _url("review_report", review) in page
    assert _url("review_report_pdf", review) in page
    assert login(acme.viewer).post(_url("review_generate", review)).status_code == 403


def test_members_see_their_own_feedback_and_leads_see_everyones(acme, login):
    partnership = partnership_make(acme)
    member_person(acme, partnership)
    review = review_make(acme, partnership)
    client = login(acme.member)
    response = client.post(
        _url("review_feedback", review),
        {"went_well": "Clear numbers", "to_improve": "", "rating": "4"},
    )
    assert response.status_code == 302
    feedback = ReviewFeedback.objects.get(review=review)
    assert feedback.rating == 4
    bad = client.post(
        _url("review_feedback", review), {"went_well": "", "to_improve": "", "rating": ""}
    )
    assert bad.status_code == 422
    assert "went well" in bad.content.decode()
    page = client.get(_url("review_detail", review)).content.decode()
    assert "Change your feedback" in page
    assert "Clear numbers" in page
    lead_page = login(acme.admin).get(_url("review_detail", review)).content.decode()
    assert "Clear numbers" in lead_page
    assert "1 member answered" in lead_page
    viewer_page = login(acme.viewer).get(_url("review_detail", review)).content.decode()
    assert "Clear numbers" not in viewer_page
    assert "Save feedback" not in viewer_page


def test_adjustments_and_completion_from_the_page(acme, login):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    review, _ = actions.review_schedule_next(cadence=cadence, today=TODAY)
    client = login(acme.admin)
    bad = client.post(_url("review_adjust", review), {"kind": "goal_change", "description": "x"})
    assert bad.status_code == 422
    assert "Choose the goal" in bad.content.decode()
    ok = client.post(
        _url("review_adjust", review),
        {
            "kind": "new_action",
            "description": "Chase disputes",
            "action_title": "Chase",
            "action_owner": str(acme.alice.uuid),
            "action_due_date": "2026-06-01",
        },
    )
    assert ok.status_code == 302
    assert review.adjustments.get().action.source_type == "review"
    assert (
        login(acme.member)
        .post(_url("review_adjust", review), {"kind": "other", "description": "x"})
        .status_code
        == 403
    )
    client = login(acme.admin)
    assert client.post(_url("review_complete", review), {"summary": ""}).status_code == 422
    done = client.post(_url("review_complete", review), {"summary": "Good month."}, follow=True)
    assert "The next review is on" in done.content.decode()
    review.refresh_from_db()
    assert review.status == "completed"
    assert Review.objects.filter(cadence=cadence, status="scheduled").count() == 1


def test_another_workspace_or_partnership_gets_404(acme, globex, login):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    other = partnership_make(acme, name="Other")
    client = login(globex.owner)
    for name in ("review_detail",):
        assert (
            client.get(reverse(name, args=["acme", partnership.slug, review.uuid])).status_code
            == 404
        )
        assert (
            client.get(reverse(name, args=["globex", partnership.slug, review.uuid])).status_code
            == 404
        )
    assert (
        login(acme.admin)
        .get(reverse("review_detail", args=["acme", other.slug, review.uuid]))
        .status_code
        == 404
    )
    hidden = partnership_make(acme, name="Secret", privacy="members")
    secret = review_make(acme, hidden)
    assert login(acme.member).get(_url("review_detail", secret)).status_code == 404


def test_the_overview_lists_upcoming_and_recent_reviews_in_constant_queries(acme, login):
    partnership = partnership_make(acme)
    review_make(acme, partnership)
    client = login(acme.member)
    url = reverse("review_overview", args=["acme"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(5):
        other = partnership_make(acme, name=f"P{index}")
        done = review_make(acme, other, scheduled_for=datetime.date(2026, 4, 1))
        actions.review_complete(
            membership=acme.membership("admin"), review=done, summary="Fine.", today=TODAY
        )
        review_make(acme, other)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    body = page.content.decode()
    assert body.count("Fine.") == 5
    assert "P4" in body


def test_the_review_page_keeps_its_query_count(acme, login):
    partnership = partnership_make(acme)
    review = review_make(acme, partnership)
    actions.review_pack_generate(membership=acme.membership("admin"), review=review, today=TODAY)
    client = login(acme.admin)
    url = _url("review_detail", review)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for role in ("member", "owner"):
        member_person(acme, partnership, role=role)
        actions.review_feedback_set(
            membership=acme.membership(role), review=review, went_well="Good"
        )
    for index in range(4):
        actions.review_adjustment_add(
            membership=acme.membership("admin"),
            review=review,
            kind="new_action",
            description=f"Do {index}",
            action_owner=acme.bob,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    list_url = reverse("review_list", args=["acme", partnership.slug])
    client.get(list_url)
    with CaptureQueriesContext(connection) as few:
        client.get(list_url)
    for _ in range(4):
        review_make(acme, partnership)
    with CaptureQueriesContext(connection) as many:
        client.get(list_url)
    assert len(many) == len(few)
