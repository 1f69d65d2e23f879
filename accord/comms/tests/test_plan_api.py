"""Communication plans over the API: channels, cadences with adherence, contacts, the
adherence overview and the profile comparison — permissions as on the pages, concurrency,
validation, isolation and query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.comms import plan_actions as actions
from accord.comms.models_plan import Cadence, CommChannel
from accord.comms.tests.test_plan_actions import (
    cadence_make,
    partnership_make,
    person_for,
    update_post,
)

JSON = "application/json"
PROBLEM = "application/problem+json"

pytestmark = pytest.mark.django_db


def _errors(response):
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == PROBLEM
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_the_lead_adds_a_channel_and_a_plain_member_may_not(acme):
    lead = person_for(acme, "member")
    partnership = partnership_make(acme, lead=lead)
    base = f"/api/v1/partnerships/{partnership.slug}/channels"
    member = token_client(acme, "member")
    response = member.post(
        base, {"kind": "chat", "name": "#o2c", "url": "https://chat.example/o2c"}, JSON
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "#o2c"
    assert response["ETag"] == '"1"'
    assert response["Location"] == f"{base}/{body['id']}"
    other = partnership_make(acme, name="Not mine")
    response = member.post(
        f"/api/v1/partnerships/{other.slug}/channels", {"kind": "chat", "name": "x"}, JSON
    )
    assert response.status_code == 403
    viewer = token_client(acme, "viewer")
    assert viewer.get(base).json()["count"] == 1
    assert viewer.post(base, {"kind": "chat", "name": "y"}, JSON).status_code == 403


def test_channel_validation_and_concurrency(acme):
    partnership = partnership_make(acme)
    admin = token_client(acme, "admin")
    base = f"/api/v1/partnerships/{partnership.slug}/channels"
    errors = _errors(admin.post(base, {"kind": "chat", "name": "x", "url": "ftp://x"}, JSON))
    assert "https://" in errors["url"]
    assert admin.post(base, {"kind": "fax", "name": "x"}, JSON).status_code == 422
    created = admin.post(base, {"kind": "chat", "name": "#one"}, JSON).json()
    url = f"{base}/{created['id']}"
    stale = admin.patch(url, {"name": "#two"}, JSON, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    fine = admin.patch(url, {"name": "#two"}, JSON, headers={"If-Match": '"1"'})
    assert fine.status_code == 200
    assert fine["ETag"] == '"2"'
    assert admin.patch(url, {"name": "#three", "version": 1}, JSON).status_code == 409
    assert admin.delete(url, headers={"If-Match": '"2"'}).status_code == 204
    assert not CommChannel.objects.exists()


def test_a_cadence_over_the_api_carries_its_adherence(acme):
    partnership = partnership_make(acme)
    owner = person_for(acme, "member", "Olive Owner")
    admin = token_client(acme, "admin")
    base = f"/api/v1/partnerships/{partnership.slug}/cadences"
    today = datetime.date.today()
    first = today - datetime.timedelta(days=15)
    response = admin.post(
        base,
        {"kind": "weekly_update", "starts_on": first.isoformat(), "owner": str(owner.uuid)},
        JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["owner"]["name"] == "Olive Owner"
    assert body["interval"] == 1
    assert body["unit"] == "week"
    assert body["adherence"]["flagged"] is True
    assert body["adherence"]["missed_streak"] == 2
    assert body["adherence"]["status"] == "missed"
    update_post(partnership, today)
    fresh = admin.get(f"{base}/{body['id']}").json()
    assert fresh["adherence"]["flagged"] is False
    assert fresh["adherence"]["source"] == "Any status update of the partnership"


def test_cadence_references_must_be_of_this_workspace_and_partnership(acme, globex):
    partnership = partnership_make(acme)
    admin = token_client(acme, "admin")
    errors = _errors(
        admin.post(
            f"/api/v1/partnerships/{partnership.slug}/cadences",
            {
                "kind": "qbr",
                "starts_on": "2026-06-30",
                "owner": str(globex.alice.uuid),
                "channel": "5e0c7a0e-9d4b-4c1e-8f0a-000000000000",
            },
            JSON,
        )
    )
    assert set(errors) == {"owner", "channel"}


def test_contacts_round_trip_and_a_function_outside_the_partnership_is_refused(acme):
    from accord.org.models import Function

    partnership = partnership_make(acme)
    legal = Function.objects.create(workspace=acme.workspace, name="Legal")
    admin = token_client(acme, "admin")
    base = f"/api/v1/partnerships/{partnership.slug}/contacts"
    errors = _errors(
        admin.post(base, {"function": str(legal.uuid), "topic": "Contracts", "contact": "x"}, JSON)
    )
    assert errors["function"] == "Choose one of the partnership's functions."
    created = admin.post(
        base,
        {"function": str(acme.finance.uuid), "topic": "Credit", "person": str(acme.bob.uuid)},
        JSON,
    )
    assert created.status_code == 201, created.content
    url = f"{base}/{created.json()['id']}"
    changed = admin.patch(url, {"person": None, "contact": "#finance-help"}, JSON)
    assert changed.status_code == 200, changed.content
    assert changed.json()["person"] is None
    assert changed.json()["contact"] == "#finance-help"


def test_cadence_list_keeps_its_query_count(acme):
    partnership = partnership_make(acme)
    client = token_client(acme, "viewer")
    url = f"/api/v1/partnerships/{partnership.slug}/cadences"
    cadence_make(acme, partnership)
    cadence_make(acme, partnership, kind="monthly_review")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    owner = person_for(acme, "member")
    for index in range(5):
        channel = actions.comm_channel_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            kind="chat",
            name=f"#c{index}",
        )
        cadence_make(acme, partnership, kind="qbr", owner=owner, channel=channel)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).json()
    assert len(many) == len(few)
    assert page["count"] == 7


def test_adherence_overview_flags_and_keeps_its_query_count(acme):
    client = token_client(acme, "viewer")
    first = partnership_make(acme, name="First")
    cadence_make(acme, first, starts_on=datetime.date.today() - datetime.timedelta(days=20))
    client.get("/api/v1/communication/adherence")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/communication/adherence")
    for index in range(4):
        partnership = partnership_make(acme, name=f"P{index}")
        cadence_make(acme, partnership, starts_on=datetime.date.today())
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/communication/adherence?limit=3").json()
    assert len(many) == len(few)
    assert page["count"] == 5
    assert page["results"][0]["partnership"]["name"] == "First"
    assert page["results"][0]["flagged"] is True
    flagged = client.get("/api/v1/communication/adherence?flagged=true").json()
    assert flagged["count"] == 1
    one = client.get(f"/api/v1/partnerships/{first.slug}/adherence").json()
    assert one["flags"][0]["cadence"]["name"] == "Weekly async update"


def test_members_only_partnerships_are_hidden_from_others(acme):
    partnership = partnership_make(acme, privacy="members")
    cadence_make(acme, partnership)
    member = token_client(acme, "member")
    assert member.get(f"/api/v1/partnerships/{partnership.slug}/cadences").status_code == 404
    assert member.get("/api/v1/communication/adherence").json()["count"] == 0


def test_another_workspace_sees_nothing(acme, globex):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    channel = actions.comm_channel_create(
        membership=acme.membership("admin"), partnership=partnership, kind="chat", name="#x"
    )
    outsider = token_client(globex, "owner")
    base = f"/api/v1/partnerships/{partnership.slug}"
    for url in (
        f"{base}/cadences",
        f"{base}/cadences/{cadence.uuid}",
        f"{base}/channels/{channel.uuid}",
        f"{base}/contacts",
        f"{base}/adherence",
        f"{base}/profile-comparison",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.delete(f"{base}/cadences/{cadence.uuid}").status_code == 404
    assert outsider.get("/api/v1/communication/adherence").json()["count"] == 0
    assert Cadence.objects.filter(pk=cadence.pk).exists()


def test_the_profile_comparison_lists_the_differences(acme):
    from accord.comms.tests.test_profile_actions import profile_make

    partnership = partnership_make(acme)
    profile_make(acme, acme.sales, preferred_channels=["chat"], response_time_hours=2)
    profile_make(acme, acme.finance, preferred_channels=["email_list"], response_time_hours=48)
    client = token_client(acme, "viewer")
    body = client.get(
        f"/api/v1/partnerships/{partnership.slug}/profile-comparison"
        f"?compare={acme.sales.uuid}&compare={acme.finance.uuid}"
    ).json()
    assert {f["name"] for f in body["functions"]} == {"Sales", "Finance"}
    assert {d["kind"] for d in body["differences"]} == {"channels", "response"}


def test_channel_advice_over_post_and_get(acme):
    client = token_client(acme, "viewer")
    body = client.post(
        "/api/v1/channel-advice",
        {"urgency": "high", "audience_size": 3},
        JSON,
    ).json()
    assert body["channel"] == "chat"
    assert len(body["alternatives"]) == 6
    answer = client.get(
        "/api/v1/channel-advice?sensitivity=high&audience_size=1&interaction=discuss"
    ).json()
    assert answer["channel"] == "one_to_one"
    assert client.get("/api/v1/channel-advice?urgency=extreme").status_code == 422
