"""Instrument pages and endpoints: everyone reads, admins compose, copy and edit (a new
version each time)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.surveys import instruments as builtin
from accord.surveys.instrument_actions import instrument_copy
from accord.surveys.models import Instrument, InstrumentVersion
from accord.surveys.tests.test_cycle_support import instrument_of

pytestmark = pytest.mark.django_db


def post_json(client, path, body):
    return client.post(path, json.dumps(body), content_type="application/json")


def formset(items, prefix="items"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(items)),
        f"{prefix}-INITIAL_FORMS": str(len(items)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for name, value in item.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def test_the_list_shows_the_built_ins_in_constant_queries(acme, login):
    client = login(acme.viewer)
    client.get("/w/acme/surveys/instruments/")
    with CaptureQueriesContext(connection) as few:
        client.get("/w/acme/surveys/instruments/")
    source = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    for _ in range(3):
        instrument_copy(membership=acme.membership("admin"), instrument=source)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/w/acme/surveys/instruments/")
    assert len(many) == len(few)
    html = page.content.decode()
    assert "Coordination between functions" in html
    assert "Copy of Team health check" in html
    assert "Compose an instrument" not in html


def test_the_detail_shows_questions_and_older_versions(acme, login):
    instrument = instrument_of(acme, builtin.COORDINATION_KEY)
    html = (
        login(acme.member).get(f"/w/acme/surveys/instruments/{instrument.uuid}/").content.decode()
    )
    assert "Just the right amount" in html
    assert "Scored on adequacy: 1, 3, 5, 4, 2" in html
    missing = login(acme.member).get(f"/w/acme/surveys/instruments/{instrument.uuid}/?version=9")
    assert missing.status_code == 404


def test_an_admin_edits_the_health_check_into_a_new_version(acme, login):
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    client = login(acme.admin)
    page = client.get(f"/w/acme/surveys/instruments/{instrument.uuid}/edit/")
    assert page.status_code == 200
    assert "Add another question" in page.content.decode()
    data = {"name": "Team health check", "description": "", "scale_points": "3", "note": "Fewer"}
    data |= formset(
        [
            {
                "key": "fun",
                "kind": "health",
                "text": "Fun",
                "options": "We laugh a lot.\nWe never laugh.",
                "ORDER": "2",
                "required": "on",
            },
            {
                "key": "speed",
                "kind": "health",
                "text": "Speed",
                "options": "Quick.\nIn between.\nSlow.",
                "ORDER": "1",
            },
        ]
    )
    response = client.post(f"/w/acme/surveys/instruments/{instrument.uuid}/edit/", data)
    assert response.status_code == 302, response.content.decode()
    version = InstrumentVersion.objects.get(instrument=instrument, number=2)
    assert [i.key for i in version.items.order_by("position")] == ["speed", "fun"]
    assert version.note == "Fewer"
    detail = client.get(f"/w/acme/surveys/instruments/{instrument.uuid}/?version=1")
    assert "Version 2" in detail.content.decode()


def test_an_edit_error_lands_on_the_question_it_names(acme, login):
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    data = {"name": "Team health check", "scale_points": "3"}
    data |= formset([{"key": "fun", "kind": "health", "text": "Fun", "options": "Only one"}])
    response = login(acme.admin).post(f"/w/acme/surveys/instruments/{instrument.uuid}/edit/", data)
    assert response.status_code == 422
    assert "Describe green and red" in response.content.decode()
    assert instrument.versions.count() == 1


def test_an_admin_composes_a_custom_instrument(acme, login):
    client = login(acme.admin)
    assert client.get("/w/acme/surveys/instruments/new/").status_code == 200
    data = {"name": "Launch retro", "description": "After each launch", "scale_points": "5"}
    data |= formset(
        [
            {"key": "ready", "kind": "likert", "text": "We were ready.", "options": ""},
            {"key": "score", "kind": "scale_0_10", "text": "How did it go?"},
            {"key": "", "kind": "likert", "text": ""},
        ]
    )
    data["items-INITIAL_FORMS"] = "0"
    response = client.post("/w/acme/surveys/instruments/new/", data)
    assert response.status_code == 302, response.content.decode()
    created = Instrument.objects.get(name="Launch retro")
    assert created.versions.get().items.count() == 2


def test_copying_goes_to_the_copy_s_edit_page(acme, login):
    source = instrument_of(acme, builtin.PSYCH_SAFETY_KEY)
    response = login(acme.admin).post(f"/w/acme/surveys/instruments/{source.uuid}/copy/")
    copy = Instrument.objects.get(copied_from=source)
    assert response["Location"] == f"/w/acme/surveys/instruments/{copy.uuid}/edit/"


def test_members_cannot_edit_copy_or_compose(acme, login):
    source = instrument_of(acme, builtin.PSYCH_SAFETY_KEY)
    client = login(acme.member)
    assert client.get(f"/w/acme/surveys/instruments/{source.uuid}/edit/").status_code == 403
    assert client.post(f"/w/acme/surveys/instruments/{source.uuid}/copy/").status_code == 403
    assert client.get("/w/acme/surveys/instruments/new/").status_code == 403


def test_another_workspace_cannot_see_an_instrument(acme, globex, login):
    source = instrument_of(acme, builtin.PSYCH_SAFETY_KEY)
    client = login(globex.owner)
    assert client.get(f"/w/acme/surveys/instruments/{source.uuid}/").status_code == 404
    assert client.get(f"/w/globex/surveys/instruments/{source.uuid}/").status_code == 404
    api = token_client(globex, "owner")
    assert api.get(f"/api/v1/survey-instruments/{source.uuid}").status_code == 404


# --- the API --------------------------------------------------------------------------------


def test_api_lists_instruments_in_constant_queries(acme):
    client = token_client(acme, "viewer")
    first = client.get("/api/v1/survey-instruments").json()
    assert first["count"] == 3
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/survey-instruments")
    source = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    for _ in range(3):
        instrument_copy(membership=acme.membership("admin"), instrument=source)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/survey-instruments").json()
    assert len(many) == len(few)
    assert page["count"] == 6


def test_api_create_copy_and_version(acme):
    client = token_client(acme, "admin")
    created = post_json(
        client,
        "/api/v1/survey-instruments",
        {
            "name": "Pulse",
            "items": [
                {"key": "clear", "kind": "likert", "text": "Goals are clear.", "options": []},
                {"key": "pick", "kind": "single", "text": "Pick", "options": ["A", "B"]},
            ],
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["latest_version"] == 1
    assert body["items"][0]["options"][0] == "Strongly disagree"
    versioned = post_json(
        client,
        f"/api/v1/survey-instruments/{body['id']}/versions",
        {"items": [{"key": "clear", "kind": "likert", "text": "Goals are clear to me."}]},
    )
    assert versioned.status_code == 201
    assert versioned.json()["latest_version"] == 2
    old = client.get(f"/api/v1/survey-instruments/{body['id']}/versions/1").json()
    assert [i["key"] for i in old["items"]] == ["clear", "pick"]
    copy = post_json(client, f"/api/v1/survey-instruments/{body['id']}/copy", {"name": "Mine"})
    assert copy.status_code == 201
    assert copy.json()["copied_from"] == body["id"]
    bad = post_json(
        client,
        "/api/v1/survey-instruments",
        {"name": "Bad", "items": [{"key": "x", "kind": "single", "text": "x", "options": ["one"]}]},
    )
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "items.0.options"
    assert (
        post_json(
            token_client(acme, "member"), "/api/v1/survey-instruments", {"name": "x", "items": []}
        ).status_code
        == 403
    )
