"""Slack, Teams and generic webhooks against a real local HTTP server: payloads, headers and
signatures, scoping by partnership and event, retries with backoff then failure, and the
validation of what admins save."""

import datetime
import hashlib
import hmac
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.notifications import actions
from accord.notifications.delivery import BACKOFF, MAX_ATTEMPTS, deliveries_due_send
from accord.notifications.models import Delivery, Event, WebhookEndpoint
from accord.notifications.service import publish
from accord.notifications.transports import delivery_key
from accord.partnerships import actions as partnership_actions
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def hook(tenant, server, kind="generic", **fields):
    fields.setdefault("name", f"{kind.title()} hook")
    return actions.webhook_create(
        membership=tenant.membership("admin"), kind=kind, url=f"{server.url}/{kind}", **fields
    )


def say(tenant, *, event=Event.DECISION_DECIDED, key="d1", partnership=None, **fields):
    fields.setdefault("subject", "Decided: discounts above 15% need Finance approval")
    fields.setdefault("body", "Approved by the CFO <after> the Q3 review & pilot.")
    fields.setdefault("url", "/w/acme/decisions/")
    return publish(
        workspace=tenant.workspace, event=event, key=key, partnership=partnership, **fields
    )


def partnership_make(tenant, name="Quote to cash"):
    return partnership_actions.partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=name,
        functions=[tenant.sales, tenant.finance],
    )


def test_a_generic_webhook_gets_signed_json_with_the_accord_headers(acme, http_server):
    """The body is the documented JSON; X-Accord-Signature is sha256=HMAC(secret,
    "<timestamp>.<body>") and verifies; X-Accord-Delivery is the stable delivery key."""
    endpoint = hook(acme, http_server)
    assert len(endpoint.secret) == 64
    assert say(acme, data={"decision": "42"}) == 1
    assert deliveries_due_send() == 1
    (request,) = http_server.received
    assert request.path == "/generic"
    body = request.json()
    assert body["event"] == "decision_decided"
    assert body["event_label"] == "A decision I follow was made"
    assert body["subject"] == "Decided: discounts above 15% need Finance approval"
    assert body["body"] == "Approved by the CFO <after> the Q3 review & pilot."
    assert body["url"] == "https://accord.example.com/w/acme/decisions/"
    assert body["workspace"] == {"slug": "acme", "name": "Acme Corp"}
    assert body["data"] == {"decision": "42"}
    delivery = Delivery.objects.get()
    headers = request.headers
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    assert headers["X-Accord-Event"] == "decision_decided"
    assert headers["X-Accord-Delivery"] == delivery_key(delivery.idempotency_key) == body["id"]
    timestamp = headers["X-Accord-Timestamp"]
    assert abs(int(timestamp) - timezone.now().timestamp()) < 60
    expected = hmac.new(
        endpoint.secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Accord-Signature"] == f"sha256={expected}"
    # A signature made with another secret does not match.
    wrong = hmac.new(b"guess", f"{timestamp}.".encode() + request.body, hashlib.sha256)
    assert headers["X-Accord-Signature"] != f"sha256={wrong.hexdigest()}"
    assert delivery.status == "sent"


def test_slack_gets_text_and_blocks_with_escaped_markup(acme, http_server):
    hook(acme, http_server, kind="slack")
    say(acme)
    deliveries_due_send()
    payload = http_server.received[0].json()
    assert payload["text"].startswith("Decided: discounts above 15% need Finance approval")
    section, context = payload["blocks"]
    assert section["type"] == "section"
    assert section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"] == (
        "*<https://accord.example.com/w/acme/decisions/|Decided: discounts above 15% need "
        "Finance approval>*\nApproved by the CFO &lt;after&gt; the Q3 review &amp; pilot."
    )
    assert context["elements"][0]["text"] == "A decision I follow was made · Acme Corp"
    assert "X-Accord-Signature" not in http_server.received[0].headers  # nothing to sign with


def test_teams_gets_an_adaptive_card_with_a_link(acme, http_server):
    hook(acme, http_server, kind="teams")
    say(acme)
    deliveries_due_send()
    payload = http_server.received[0].json()
    assert payload["type"] == "message"
    (attachment,) = payload["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    texts = [block["text"] for block in card["body"]]
    assert "Decided: discounts above 15% need Finance approval" in texts
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open in Accord",
            "url": "https://accord.example.com/w/acme/decisions/",
        }
    ]


def test_webhooks_get_their_partnerships_and_chosen_events_only(acme, http_server):
    """A partnership's webhook hears only that partnership; an event filter keeps only those
    events; a workspace-wide one with no filter hears everything; an inactive one nothing."""
    quote, hiring = partnership_make(acme), partnership_make(acme, "Hiring plan")
    hook(acme, http_server, name="All of it")
    hook(acme, http_server, name="Quote only", partnership=quote)
    hook(acme, http_server, name="Conflicts only", events=[Event.CONFLICT_ASSIGNED])
    hook(acme, http_server, name="Off", active=False)
    say(acme, key="a", partnership=quote)
    say(acme, key="b", partnership=hiring)
    say(acme, key="c", event=Event.CONFLICT_ASSIGNED)
    told = {
        name: Delivery.objects.filter(endpoint__name=name).count()
        for name in ("All of it", "Quote only", "Conflicts only", "Off")
    }
    assert told == {"All of it": 3, "Quote only": 1, "Conflicts only": 1, "Off": 0}


def test_publishing_the_same_key_twice_queues_once(acme, http_server):
    hook(acme, http_server)
    assert say(acme) == 1
    assert say(acme) == 0
    deliveries_due_send()
    deliveries_due_send()
    assert len(http_server.received) == 1


def test_an_endpoint_answering_500_is_retried_with_backoff_then_failed(acme, http_server):
    """1 min, 5 min, 30 min, 2 h, 6 h apart; the sixth failure marks it failed. Every attempt
    carries the same delivery key; nothing is tried before it is due."""
    http_server.statuses = [500]
    hook(acme, http_server)
    say(acme)
    delivery = Delivery.objects.get()
    moment = timezone.now()
    waits = []
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliveries_due_send(now=moment) == 0
        delivery.refresh_from_db()
        assert delivery.attempts == attempt
        assert "HTTP 500" in delivery.last_error
        if attempt < MAX_ATTEMPTS:
            assert delivery.status == "pending"
            waits.append(delivery.next_attempt_at - moment)
            # Just before it is due again, nothing happens.
            deliveries_due_send(now=delivery.next_attempt_at - datetime.timedelta(seconds=1))
            assert len(http_server.received) == attempt
            moment = delivery.next_attempt_at
    assert waits == list(BACKOFF)
    assert delivery.status == "failed"
    assert delivery.last_error.startswith(f"Gave up after {MAX_ATTEMPTS} attempts.")
    assert len(http_server.received) == MAX_ATTEMPTS
    assert len({r.headers["X-Accord-Delivery"] for r in http_server.received}) == 1
    assert deliveries_due_send(now=moment + datetime.timedelta(days=1)) == 0


def test_a_failed_delivery_can_be_retried_by_an_admin(acme, http_server):
    http_server.statuses = [500, 500, 200]
    hook(acme, http_server)
    say(acme)
    moment = timezone.now()
    deliveries_due_send(now=moment)
    deliveries_due_send(now=moment + datetime.timedelta(minutes=2))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 2)
    with pytest.raises(PermissionDenied):
        actions.delivery_retry(membership=acme.membership("member"), delivery=delivery)
    actions.delivery_retry(membership=acme.membership("admin"), delivery=delivery)
    assert deliveries_due_send() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    with pytest.raises(ValidationError):
        actions.delivery_retry(membership=acme.membership("admin"), delivery=delivery)


def test_a_redirect_is_not_followed(acme, http_server):
    http_server.statuses = [302]
    hook(acme, http_server)
    say(acme)
    deliveries_due_send()
    assert "HTTP 302" in Delivery.objects.get().last_error


def test_a_webhook_turned_off_after_queueing_is_skipped(acme, http_server):
    endpoint = hook(acme, http_server)
    say(acme)
    actions.webhook_update(membership=acme.membership("admin"), endpoint=endpoint, active=False)
    deliveries_due_send()
    delivery = Delivery.objects.get()
    assert delivery.status == "skipped"
    assert http_server.received == []


def test_private_addresses_are_refused_unless_the_operator_allows_them(acme, settings):
    """Server-side request forgery: a workspace admin cannot aim Accord at the internal
    network, on save nor at send time."""
    settings.ACCORD_WEBHOOKS_ALLOW_PRIVATE = False
    admin = acme.membership("admin")
    for url in ("http://127.0.0.1:8000/x", "http://10.1.2.3/x", "http://localhost/x"):
        with pytest.raises(ValidationError) as caught:
            actions.webhook_create(membership=admin, name="Inside", kind="generic", url=url)
        assert "url" in caught.value.message_dict
    settings.ACCORD_WEBHOOKS_ALLOW_PRIVATE = True
    endpoint = actions.webhook_create(
        membership=admin, name="Inside", kind="generic", url="http://127.0.0.1:9/x"
    )
    settings.ACCORD_WEBHOOKS_ALLOW_PRIVATE = False
    say(acme)
    deliveries_due_send()
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert "private or local network address" in delivery.last_error


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"url": "ftp://files.example.com/x"}, "url", "http:// or https://"),
        ({"url": "not a url"}, "url", "http:// or https://"),
        ({"url": "https://"}, "url", "needs a host"),
        ({"url": "https://exa mple.com/hook"}, "url", "not a valid URL"),
        ({"url": "https://user:pw@example.com/hook"}, "url", "user name and password"),
        ({"url": ""}, "url", "Paste the webhook URL"),
        ({"name": "  "}, "name", "Name the webhook"),
        ({"kind": "pager"}, "kind", "Slack, Microsoft Teams or a generic"),
        ({"events": ["nope"]}, "events", "“nope” is not an event"),
    ],
)
def test_invalid_webhooks_are_refused_with_the_field_and_rule(acme, fields, field, words):
    values = {"name": "Slack", "kind": "slack", "url": "https://hooks.slack.com/services/T/B/x"}
    values.update(fields)
    with pytest.raises(ValidationError) as caught:
        actions.webhook_create(membership=acme.membership("admin"), **values)
    assert words in " ".join(caught.value.message_dict[field])
    assert not WebhookEndpoint.objects.exists()


def test_only_admins_manage_webhooks(acme):
    with pytest.raises(PermissionDenied):
        actions.webhook_create(
            membership=acme.membership("member"),
            name="Slack",
            kind="slack",
            url="https://hooks.slack.com/services/T/B/x",
        )


def test_the_audit_log_records_webhooks_without_their_secrets(acme):
    admin = acme.membership("admin")
    endpoint = actions.webhook_create(
        membership=admin,
        name="Slack #quote-to-cash",
        kind="slack",
        url="https://hooks.slack.com/services/T000/B000/SECRETPART",
    )
    actions.webhook_update(membership=admin, endpoint=endpoint, kind="generic")
    endpoint.refresh_from_db()
    old_secret = endpoint.secret
    assert len(old_secret) == 64  # becoming generic gives it a signing secret
    new_secret = actions.webhook_secret_rotate(membership=admin, endpoint=endpoint)
    assert new_secret != old_secret
    logged = json.dumps(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "SECRETPART" not in logged
    assert old_secret not in logged
    assert new_secret not in logged
    assert "hooks.slack.com" in logged


def test_a_test_message_is_queued_and_sent(acme, http_server):
    endpoint = hook(acme, http_server, kind="slack", name="Slack #general")
    delivery = actions.webhook_test_send(membership=acme.membership("admin"), endpoint=endpoint)
    assert delivery.status == "pending"
    deliveries_due_send()
    payload = http_server.received[0].json()
    assert "Test message from Accord: Slack #general" in payload["text"]
    assert http_server.received[0].headers["X-Accord-Event"] == "test"
