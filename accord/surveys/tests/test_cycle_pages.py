"""Survey pages: the overview, creating and editing a cycle, its detail with response rates
for its managers, opening and closing."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.surveys import instruments as builtin
from accord.surveys.models import Cycle, Invitation
from accord.surveys.tests.test_cycle_support import (
    draft_make,
    instrument_of,
    opened_make,
    team_build,
)

pytestmark = pytest.mark.django_db

HOUR_AGO = {"now": timezone.now() - datetime.timedelta(hours=1)}


def test_the_overview_lists_cycles_in_a_constant_number_of_queries(acme, login):
    team = team_build(acme)
    client = login(acme.viewer)
    opened_make(team, **HOUR_AGO)
    client.get("/w/acme/surveys/")
    with CaptureQueriesContext(connection) as few:
        first = client.get("/w/acme/surveys/")
    for number in range(4):
        opened_make(team, title=f"Pulse {number}", **HOUR_AGO)
        draft_make(
            team, title=f"Draft {number}", partnership=None, functions=[acme.sales, acme.finance]
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get("/w/acme/surveys/")
    assert first.status_code == page.status_code == 200
    assert len(many) == len(few)
    html = page.content.decode()
    assert "Pulse 3" in html
    assert "Draft 0" in html
    assert "0 of 8" in html


def test_filters_narrow_the_list_and_htmx_gets_the_partial(acme, login):
    team = team_build(acme)
    opened_make(team, title="Open one", **HOUR_AGO)
    draft_make(team, title="Draft one", **HOUR_AGO)
    client = login(acme.member)
    html = client.get("/w/acme/surveys/?status=draft").content.decode()
    assert "Draft one" in html
    assert "Open one" not in html
    partial = client.get("/w/acme/surveys/?q=open", headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert "Open one" in text
    assert "<html" not in text


def test_an_admin_creates_a_cycle_from_the_form(acme, login):
    team = team_build(acme)
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    client = login(acme.admin)
    form = client.get("/w/acme/surveys/cycles/new/")
    assert form.status_code == 200
    assert "Smallest group shown (k)" in form.content.decode()
    today = timezone.localdate()
    response = client.post(
        "/w/acme/surveys/cycles/new/",
        {
            "title": "Health check · spring",
            "instrument": str(instrument.uuid),
            "partnership": team.partnership.slug,
            "opens_on": today.isoformat(),
            "closes_on": (today + datetime.timedelta(days=7)).isoformat(),
            "recur_weeks": "8",
            "min_group": "5",
            "min_comments": "10",
        },
    )
    cycle = Cycle.objects.get(title="Health check · spring")
    assert response.status_code == 302
    assert response["Location"] == f"/w/acme/surveys/cycles/{cycle.uuid}/"
    assert cycle.recur_weeks == 8
    assert timezone.localtime(cycle.closes_at).date() == today + datetime.timedelta(days=8)
    detail = client.get(response["Location"]).content.decode()
    assert "Open now" in detail
    assert "The opening date has passed" in detail


def test_k_below_three_is_refused_by_the_form_with_the_reason(acme, login):
    team = team_build(acme)
    instrument = instrument_of(acme)
    today = timezone.localdate()
    response = login(acme.admin).post(
        "/w/acme/surveys/cycles/new/",
        {
            "title": "Tiny",
            "instrument": str(instrument.uuid),
            "partnership": team.partnership.slug,
            "opens_on": today.isoformat(),
            "closes_on": today.isoformat(),
            "min_group": "2",
            "min_comments": "10",
        },
    )
    assert response.status_code == 422
    assert "k cannot be below 3" in response.content.decode()
    assert not Cycle.objects.exists()


def test_members_without_a_partnership_to_lead_cannot_create(acme, login):
    team_build(acme)
    assert login(acme.member).get("/w/acme/surveys/cycles/new/").status_code == 403
    assert login(acme.viewer).get("/w/acme/surveys/cycles/new/").status_code == 403


def test_opening_from_the_page_invites_everyone(acme, login):
    team = team_build(acme)
    cycle = draft_make(team, **HOUR_AGO)
    client = login(acme.admin)
    response = client.post(f"/w/acme/surveys/cycles/{cycle.uuid}/open/", follow=True)
    assert "8 people were invited" in response.content.decode()
    assert Invitation.objects.filter(cycle=cycle).count() == 8
    closed = client.post(f"/w/acme/surveys/cycles/{cycle.uuid}/close/", follow=True)
    assert "is closed" in closed.content.decode()


def test_managers_see_the_rate_per_function_others_only_the_total(acme, login):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    admin_page = login(acme.admin).get(f"/w/acme/surveys/cycles/{cycle.uuid}/").content.decode()
    assert "Response rate per function" in admin_page
    assert "Operations" in admin_page
    viewer_page = login(acme.viewer).get(f"/w/acme/surveys/cycles/{cycle.uuid}/").content.decode()
    assert "0 of 8 answered" in viewer_page
    assert "Response rate per function" not in viewer_page
    assert "Open now" not in viewer_page
    assert "Close now" not in viewer_page


def test_editing_an_open_cycle_shows_the_frozen_fields_and_saves_the_title(acme, login):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    client = login(acme.admin)
    page = client.get(f"/w/acme/surveys/cycles/{cycle.uuid}/edit/").content.decode()
    assert "frozen" in page
    assert 'name="min_group"' in page
    assert "disabled" in page
    closes_on = timezone.localtime(cycle.closes_at).date().isoformat()
    response = client.post(
        f"/w/acme/surveys/cycles/{cycle.uuid}/edit/",
        {"title": "Renamed pulse", "closes_on": closes_on, "min_group": "3"},
    )
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.title == "Renamed pulse"
    assert cycle.min_group == 5


def test_a_title_with_markup_is_escaped(acme, login):
    team = team_build(acme)
    opened_make(team, title="<script>alert(1)</script>", **HOUR_AGO)
    html = login(acme.viewer).get("/w/acme/surveys/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_another_workspace_sees_nothing(acme, globex, login):
    team = team_build(acme)
    cycle = opened_make(team, **HOUR_AGO)
    client = login(globex.owner)
    assert client.get(f"/w/acme/surveys/cycles/{cycle.uuid}/").status_code == 404
    assert client.get(f"/w/globex/surveys/cycles/{cycle.uuid}/").status_code == 404
    assert client.post(f"/w/globex/surveys/cycles/{cycle.uuid}/close/").status_code == 404
    assert cycle.title not in client.get("/w/globex/surveys/").content.decode()


def test_members_only_partnership_cycles_are_hidden_from_outsiders(acme, login):
    team = team_build(acme)
    team.partnership.privacy = "members"
    team.partnership.save(update_fields=["privacy"])
    cycle = opened_make(team, **HOUR_AGO)
    client = login(acme.member)
    assert client.get(f"/w/acme/surveys/cycles/{cycle.uuid}/").status_code == 404
    assert cycle.title not in client.get("/w/acme/surveys/").content.decode()
