"""Kudos and values over the API: the feed and its filters, giving with field-named errors,
removal rights, the matrix, values managed by admins with If-Match, query counts, isolation."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.comms.models import Kudos, Value
from accord.comms.tests.test_feedback_actions import partnership_make, person_for
from accord.comms.tests.test_kudos_actions import thank, value_make

pytestmark = pytest.mark.django_db


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(
        path, data=json.dumps(body or {}), content_type="application/json", headers=headers
    )


def test_giving_kudos_returns_it_and_unknown_references_are_named(acme, globex):
    person_for(acme, "member", function=acme.sales)
    value = value_make(acme)
    partnership = partnership_make(acme)
    client = token_client(acme, "member")
    bad = send(
        client,
        "post",
        "/api/v1/kudos",
        {
            "receiver": str(globex.alice.uuid),
            "message": "x",
            "value": str(value_make(globex).uuid),
            "partnership": "nope",
        },
    )
    assert bad.status_code == 422
    assert {e["field"] for e in bad.json()["errors"]} == {"receiver", "value", "partnership"}
    response = send(
        client,
        "post",
        "/api/v1/kudos",
        {
            "receiver": str(acme.bob.uuid),
            "message": "Closed the books two days early.",
            "value": str(value.uuid),
            "partnership": partnership.slug,
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["receiver"] == {
        "id": str(acme.bob.uuid),
        "name": "Bob Baker",
        "function": "Finance",
    }
    assert body["value"]["name"] == "Customer first"
    assert body["partnership"]["slug"] == partnership.slug
    assert body["can_delete"] is True
    assert response["Location"].endswith(f"/api/v1/kudos/{body['id']}")


def test_viewers_read_but_cannot_give_or_remove(acme):
    person_for(acme, "member")
    kudos = thank(acme)
    viewer = token_client(acme, "viewer")
    assert viewer.get("/api/v1/kudos").json()["count"] == 1
    assert viewer.get(f"/api/v1/kudos/{kudos.uuid}").json()["can_delete"] is False
    refused = send(
        viewer, "post", "/api/v1/kudos", {"receiver": str(acme.bob.uuid), "message": "x"}
    )
    assert refused.status_code == 403
    assert viewer.delete(f"/api/v1/kudos/{kudos.uuid}").status_code == 403
    assert token_client(acme, "admin").delete(f"/api/v1/kudos/{kudos.uuid}").status_code == 204
    assert not Kudos.objects.exists()


def test_the_matrix_endpoint(acme):
    person_for(acme, "member", function=acme.sales)
    thank(acme, receiver=acme.bob)
    thank(acme, receiver=acme.alice)
    body = token_client(acme, "viewer").get("/api/v1/kudos/matrix").json()
    assert body["functions"] == ["Finance", "Sales"]
    assert body["cells"] == [
        {"giver_function": "Sales", "receiver_function": "Finance", "count": 1},
        {"giver_function": "Sales", "receiver_function": "Sales", "count": 1},
    ]
    assert (body["total"], body["cross_function"], body["cross_share"]) == (2, 1, 0.5)


def test_values_are_read_by_all_and_changed_by_admins_with_if_match(acme):
    value = value_make(acme, "Better together")
    member = token_client(acme, "member")
    assert member.get("/api/v1/values").json()["results"][0]["name"] == "Better together"
    assert send(member, "post", "/api/v1/values", {"name": "X"}).status_code == 403
    admin = token_client(acme, "admin")
    created = send(admin, "post", "/api/v1/values", {"name": "Say it straight"})
    assert created.status_code == 201
    duplicate = send(admin, "post", "/api/v1/values", {"name": "say it STRAIGHT"})
    assert duplicate.status_code == 422
    stale = send(
        admin, "patch", f"/api/v1/values/{value.uuid}", {"name": "Y"}, **{"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    renamed = send(
        admin,
        "patch",
        f"/api/v1/values/{value.uuid}",
        {"description": "Across functions."},
        **{"If-Match": '"1"'},
    )
    assert renamed.status_code == 200
    assert renamed["ETag"] == '"2"'
    assert admin.delete(f"/api/v1/values/{value.uuid}").status_code == 204
    assert list(Value.objects.values_list("name", flat=True)) == ["Say it straight"]


def test_kudos_list_query_count_is_constant(acme):
    person_for(acme, "member", function=acme.sales)
    value = value_make(acme)
    partnership = partnership_make(acme)
    client = token_client(acme, "viewer")
    thank(acme, value=value, partnership=partnership)
    client.get("/api/v1/kudos")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/kudos")
    for index in range(10):
        thank(acme, receiver=acme.bob, message=f"M{index}", value=value, partnership=partnership)
    with CaptureQueriesContext(connection) as many:
        page = client.get("/api/v1/kudos?limit=4").json()
    assert len(many) == len(few)
    assert page["count"] == 11
    assert len(page["results"]) == 4


def test_another_workspace_cannot_read_or_remove_acmes_kudos_or_values(acme, globex):
    person_for(acme, "member")
    kudos = thank(acme)
    value = value_make(acme)
    client = token_client(globex, "owner")
    assert client.get(f"/api/v1/kudos/{kudos.uuid}").status_code == 404
    assert client.delete(f"/api/v1/kudos/{kudos.uuid}").status_code == 404
    assert client.get(f"/api/v1/values/{value.uuid}").status_code == 404
    assert client.get("/api/v1/kudos").json()["count"] == 0
