"""The notifications API: my inbox and preferences (every role, only my own), webhooks and
deliveries (admins), isolation and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.api.testing import token_client
from accord.notifications import actions
from accord.notifications.models import Delivery, Event, Notification, WebhookEndpoint
from accord.notifications.service import notify, publish
from accord.notifications.tests.conftest import person_of

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def tell(tenant, person, key, event=Event.ACTION_ASSIGNED):
    return notify(
        workspace=tenant.workspace,
        event=event,
        recipients=[person],
        key=key,
        subject=f"Acme thing {key}",
        url="/w/acme/actions/",
    )[0]


def test_my_inbox_lists_marks_and_counts(acme):
    mia = person_of(acme, "member")
    first = tell(acme, mia, "a")
    tell(acme, mia, "b", event=Event.DECISION_INPUT)
    tell(acme, person_of(acme, "admin"), "c")
    client = token_client(acme, "viewer")
    assert client.get("/api/v1/notifications").json()["count"] == 0  # viewer has none
    client = token_client(acme, "member")
    listed = client.get("/api/v1/notifications").json()
    assert listed["count"] == 2
    assert {row["event"] for row in listed["results"]} == {"action_assigned", "decision_input"}
    assert client.get("/api/v1/notifications/unread-count").json() == {"unread": 2}
    marked = client.post(f"/api/v1/notifications/{first.uuid}/read").json()
    assert marked["read"] is True
    assert client.get("/api/v1/notifications", {"unread": True}).json()["count"] == 1
    assert client.get("/api/v1/notifications", {"event": "decision_input"}).json()["count"] == 1
    client.post(f"/api/v1/notifications/{first.uuid}/unread")
    answer = client.post(
        "/api/v1/notifications/read-all",
        {"event": "action_assigned"},
        content_type="application/json",
    )
    assert answer.json() == {"marked": 1}
    assert client.post(
        "/api/v1/notifications/read-all", {}, content_type="application/json"
    ).json() == {"marked": 1}
    assert Notification.objects.filter(user=acme.admin, read_at__isnull=True).count() == 1


def test_someone_elses_notification_is_404(acme, globex):
    theirs = tell(acme, person_of(acme, "admin"), "a")
    other = tell(globex, person_of(globex, "member"), "g")
    client = token_client(acme, "member")
    for note in (theirs, other):
        for response in (
            client.get(f"/api/v1/notifications/{note.uuid}"),
            client.post(f"/api/v1/notifications/{note.uuid}/read"),
        ):
            assert response.status_code == 404
            assert response["Content-Type"] == PROBLEM
    assert client.get("/api/v1/notifications/not-a-uuid").status_code == 404


def test_preferences_round_trip(acme):
    client = token_client(acme, "member")
    current = client.get("/api/v1/notification-preferences").json()
    assert current["digest"] == "weekly"
    assert len(current["events"]) == len(Event.values)
    changed = client.put(
        "/api/v1/notification-preferences",
        {
            "digest": "daily",
            "email_paused": True,
            "events": [{"event": "kudos", "in_app": True, "email": True, "digest": False}],
        },
        content_type="application/json",
    ).json()
    assert (changed["digest"], changed["email_paused"]) == ("daily", True)
    kudos = next(row for row in changed["events"] if row["event"] == "kudos")
    assert (kudos["email"], kudos["digest"]) == (True, False)
    bad = client.put(
        "/api/v1/notification-preferences",
        {"digest": "hourly"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert bad["Content-Type"] == PROBLEM


def test_webhooks_are_for_admins(acme):
    member = token_client(acme, "member")
    assert member.get("/api/v1/webhooks").status_code == 403
    assert member.get("/api/v1/deliveries").status_code == 403
    response = member.post(
        "/api/v1/webhooks",
        {"name": "x", "kind": "slack", "url": "https://hooks.slack.com/services/x"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_webhook_crud_with_validation_and_concurrency(acme):
    admin = token_client(acme, "admin")
    bad = admin.post(
        "/api/v1/webhooks",
        {"name": "Ops", "kind": "generic", "url": "ftp://ops.example.com"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert any(e["field"] == "url" for e in bad.json()["errors"])
    created = admin.post(
        "/api/v1/webhooks",
        {"name": "Ops", "kind": "generic", "url": "https://ops.example.com/hook"},
        content_type="application/json",
    )
    assert created.status_code == 201
    hook = created.json()
    assert len(hook["secret"]) == 64
    assert created["Location"].endswith(f"/api/v1/webhooks/{hook['id']}")
    path = f"/api/v1/webhooks/{hook['id']}"
    stale = admin.patch(
        path, {"name": "Ops 2"}, content_type="application/json", headers={"If-Match": '"9"'}
    )
    assert stale.status_code == 412
    renamed = admin.patch(
        path, {"name": "Ops 2", "events": ["decision_decided"]}, content_type="application/json"
    )
    assert renamed.json()["name"] == "Ops 2"
    assert renamed.json()["events"] == ["decision_decided"]
    assert renamed["ETag"] == '"2"'
    rotated = admin.post(f"{path}/secret").json()
    assert rotated["secret"] != hook["secret"]
    test = admin.post(f"{path}/test")
    assert test.status_code == 202
    assert test.json()["status"] == "pending"
    assert admin.delete(path).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_another_workspaces_webhook_and_delivery_are_404(acme, globex):
    theirs = actions.webhook_create(
        membership=globex.membership("admin"),
        name="Globex",
        kind="generic",
        url="https://globex.example.com/hook",
    )
    publish(workspace=globex.workspace, event=Event.DECISION_DECIDED, key="k", subject="S")
    delivery = Delivery.objects.get()
    admin = token_client(acme, "owner")
    assert admin.get(f"/api/v1/webhooks/{theirs.uuid}").status_code == 404
    assert (
        admin.patch(
            f"/api/v1/webhooks/{theirs.uuid}", {"name": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert admin.delete(f"/api/v1/webhooks/{theirs.uuid}").status_code == 404
    assert admin.get(f"/api/v1/deliveries/{delivery.uuid}").status_code == 404
    assert admin.post(f"/api/v1/deliveries/{delivery.uuid}/retry").status_code == 404
    assert admin.get("/api/v1/webhooks").json()["count"] == 0
    assert admin.get("/api/v1/deliveries").json()["count"] == 0


def test_deliveries_list_filter_and_retry(acme):
    actions.webhook_create(
        membership=acme.membership("admin"),
        name="Ops",
        kind="generic",
        url="https://ops.example.com/hook",
    )
    publish(workspace=acme.workspace, event=Event.DECISION_DECIDED, key="k", subject="S")
    Delivery.objects.update(status="failed", attempts=6, last_error="HTTP 500")
    admin = token_client(acme, "admin")
    listed = admin.get("/api/v1/deliveries", {"status": "failed"}).json()
    assert listed["count"] == 1
    row = listed["results"][0]
    assert (row["transport"], row["attempts"], row["last_error"]) == ("webhook", 6, "HTTP 500")
    assert len(row["key"]) == 32
    retried = admin.post(f"/api/v1/deliveries/{row['id']}/retry").json()
    assert (retried["status"], retried["attempts"]) == ("pending", 0)
    # Waiting deliveries can be sent now; a sent one cannot be sent again.
    assert admin.post(f"/api/v1/deliveries/{row['id']}/retry").status_code == 200
    Delivery.objects.update(status="sent")
    again = admin.post(f"/api/v1/deliveries/{row['id']}/retry")
    assert again.status_code == 422
    assert again.json()["errors"][0]["field"] == "status"
    assert admin.get("/api/v1/deliveries", {"status": "bogus"}).status_code == 422


@pytest.mark.parametrize(
    "path", ["/api/v1/notifications", "/api/v1/webhooks", "/api/v1/deliveries"]
)
def test_list_endpoints_run_a_constant_number_of_queries(acme, path):
    mia = person_of(acme, "admin")
    admin = token_client(acme, "admin")

    def grow(prefix, count):
        for n in range(count):
            tell(acme, mia, f"{prefix}{n}")
            actions.webhook_create(
                membership=acme.membership("admin"),
                name=f"Hook {prefix}{n}",
                kind="generic",
                url=f"https://h{prefix}{n}.example.com/",
            )
            publish(workspace=acme.workspace, event=Event.MEETING, key=f"{prefix}{n}", subject="S")

    grow("a", 1)
    admin.get(path)
    with CaptureQueriesContext(connection) as few:
        assert admin.get(path).status_code == 200
    grow("b", 8)
    with CaptureQueriesContext(connection) as many:
        assert admin.get(path).json()["count"] > 8
    assert len(many) == len(few)
