"""Function profile pages: the list with stale badges, the "How to work with" page, editing
by the lead (with busy windows), mark reviewed, priorities moved with htmx, permissions,
isolation and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.comms import profile_actions as actions
from accord.comms.models_profiles import FunctionProfile
from accord.comms.tests.test_profile_actions import lead_of, profile_make
from accord.org.models import Function

pytestmark = pytest.mark.django_db


def profile_url(function, rest=""):
    return f"/w/acme/communication/profiles/{function.uuid}/{rest}"


def test_the_list_shows_review_dates_and_stale_badges(acme, login):
    profile_make(acme, acme.sales, mission="Win accounts.")
    page = login(acme.viewer).get("/w/acme/communication/profiles/").content.decode()
    assert "How to work with Sales" in page
    assert "Win accounts." in page
    assert "How to work with Finance" in page
    assert "No profile yet" in page
    assert page.count(">Stale<") == 1  # Finance: never written


def test_the_list_keeps_its_query_count(acme, login):
    client = login(acme.viewer)
    profile_make(acme, acme.sales)
    client.get("/w/acme/communication/profiles/")
    with CaptureQueriesContext(connection) as few:
        client.get("/w/acme/communication/profiles/")
    for index in range(5):
        function = Function.objects.create(workspace=acme.workspace, name=f"F{index}")
        profile_make(acme, function, mission="m")
    with CaptureQueriesContext(connection) as many:
        client.get("/w/acme/communication/profiles/")
    assert len(many) == len(few)


def test_the_detail_page_shows_everything_partners_need(acme, login):
    profile = profile_make(
        acme,
        acme.finance,
        mission="Keep the books right.",
        owned_kpis=["gross_margin"],
        planning_cycle="quarterly",
        busy_windows=[{"label": "Annual budget", "months": [10, 11], "day_from": 1, "day_to": 31}],
        approval_steps="Controller review\nCFO sign-off",
        preferred_channels=["email_list"],
        response_time_hours=48,
        how_to_ask="Email finance@acme.test",
    )
    actions.priority_add(
        membership=acme.membership("admin"), profile=profile, title="Protect gross margin"
    )
    page = login(acme.viewer).get(profile_url(acme.finance)).content.decode()
    for text in (
        "How to work with Finance",
        "Keep the books right.",
        "Protect gross margin",
        "Gross margin",
        "Quarterly",
        "Annual budget — Oct, Nov",
        "CFO sign-off",
        "Email",
        "Within 48 hours",
        "Email finance@acme.test",
    ):
        assert text in page, text
    assert "Mark reviewed" not in page  # viewers read only


def test_the_lead_edits_the_profile_with_busy_windows(acme, login):
    lead_of(acme, acme.sales, role="member")
    client = login(acme.member)
    assert client.get(profile_url(acme.sales, "edit/")).status_code == 200
    response = client.post(
        profile_url(acme.sales, "edit/"),
        {
            "mission": "Win accounts",
            "owned_kpis": ["win_rate", "new_bookings"],
            "planning_cycle": "monthly",
            "preferred_channels": ["chat"],
            "response_time_hours": "4",
            "busy-TOTAL_FORMS": "2",
            "busy-INITIAL_FORMS": "0",
            "busy-0-label": "Quarter-end crunch",
            "busy-0-months": ["3", "6", "9", "12"],
            "busy-0-day_from": "15",
            "busy-0-day_to": "31",
            "busy-1-label": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    profile = FunctionProfile.objects.get()
    assert profile.busy_windows == [
        {"label": "Quarter-end crunch", "months": [3, 6, 9, 12], "day_from": 15, "day_to": 31}
    ]
    assert profile.owned_kpis == ["win_rate", "new_bookings"]


def test_invalid_edits_keep_the_input_and_name_the_field(acme, login):
    client = login(acme.admin)
    response = client.post(
        profile_url(acme.sales, "edit/"),
        {
            "mission": "Kept",
            "response_time_hours": "0",
            "busy-TOTAL_FORMS": "1",
            "busy-INITIAL_FORMS": "0",
            "busy-0-label": "Bad",
            "busy-0-day_from": "20",
            "busy-0-day_to": "3",
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "Kept" in page
    assert "greater than or equal to 1" in page or "from 1 to 720" in page
    assert not FunctionProfile.objects.exists()


def test_others_may_not_edit_and_viewers_may_not_review(acme, login):
    profile_make(acme, acme.sales)
    assert login(acme.member).get(profile_url(acme.sales, "edit/")).status_code == 403
    assert login(acme.viewer).post(profile_url(acme.sales, "review/")).status_code == 403


def test_mark_reviewed_clears_the_stale_badge(acme, login):
    profile = profile_make(acme, acme.sales)
    FunctionProfile.objects.filter(pk=profile.pk).update(
        reviewed_at=timezone.now() - datetime.timedelta(days=120)
    )
    client = login(acme.admin)
    assert (
        "This profile was last reviewed more than 90 days ago"
        in client.get(profile_url(acme.sales)).content.decode()
    )
    response = client.post(profile_url(acme.sales, "review/"))
    assert response.status_code == 302
    assert ">Stale<" not in client.get(profile_url(acme.sales)).content.decode()


def test_priorities_are_added_and_moved_with_htmx(acme, login):
    profile = profile_make(acme, acme.sales)
    client = login(acme.admin)
    htmx = {"HX-Request": "true"}
    for title in ("Bookings", "Margin"):
        response = client.post(
            profile_url(acme.sales, "priorities/"), {"title": title}, headers=htmx
        )
        assert response.status_code == 200
    assert "Priority added." in response.content.decode()
    empty = client.post(profile_url(acme.sales, "priorities/"), {"title": ""}, headers=htmx)
    assert "Name the priority" in empty.content.decode()
    margin = profile.priorities.get(title="Margin")
    moved = client.post(
        profile_url(acme.sales, f"priorities/{margin.uuid}/move/"),
        {"direction": "up"},
        headers=htmx,
    )
    assert "Moved “Margin” up to rank 1." in moved.content.decode()
    assert list(profile.priorities.values_list("title", flat=True)) == ["Margin", "Bookings"]
    response = client.post(profile_url(acme.sales, f"priorities/{margin.uuid}/delete/"))
    assert response.status_code == 302
    assert list(profile.priorities.values_list("title", flat=True)) == ["Bookings"]


def test_another_workspace_gets_404(acme, globex, login):
    profile_make(acme, acme.sales, mission="Acme only")
    client = login(globex.owner)
    assert client.get(profile_url(acme.sales)).status_code == 404
    assert client.get(f"/w/globex/communication/profiles/{acme.sales.uuid}/").status_code == 404
    assert (
        client.post(f"/w/globex/communication/profiles/{acme.sales.uuid}/review/").status_code
        == 404
    )
