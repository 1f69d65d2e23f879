"""Email through a real local SMTP server: what arrives (both parts, links, headers), who is
emailed, idempotency (a sent delivery is never sent again, a lost lease is retried once),
an outage (nothing lost), and the one-click unsubscribe."""

import datetime
import smtplib

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.notifications import actions
from accord.notifications.delivery import (
    BACKOFF,
    MAX_ATTEMPTS,
    deliveries_claim,
    deliveries_due_send,
)
from accord.notifications.models import Delivery, Event, Notification, Subscription
from accord.notifications.service import notify
from accord.notifications.tests.conftest import person_of
from accord.notifications.transports import delivery_key

pytestmark = pytest.mark.django_db


def tell(tenant, people, *, event=Event.ACTION_ASSIGNED, key="k1", **fields):
    fields.setdefault("subject", "Action for you: send the revised discount policy")
    fields.setdefault("body", "You own this action (Quote to cash). Due 3 Mar 2027.")
    fields.setdefault("url", "/w/acme/actions/")
    return notify(workspace=tenant.workspace, event=event, recipients=people, key=key, **fields)


def body_of(message, subtype):
    return message.get_body(preferencelist=(subtype,)).get_content()


def test_an_email_arrives_with_text_and_html_parts_links_and_list_headers(acme, smtp_server):
    """The member gets one email: subject with the workspace, both bodies with the link to
    the object, preferences and unsubscribe links, and List-Unsubscribe headers."""
    mia = person_of(acme, "member", "Mia Member")
    (note,) = tell(acme, [mia])
    assert deliveries_due_send() == 1
    (message,) = smtp_server.messages
    assert message["To"] == "member@acme.test"
    assert message["Subject"] == "[Acme Corp] Action for you: send the revised discount policy"
    text, html = body_of(message, "plain"), body_of(message, "html")
    open_link = f"https://accord.example.com/w/acme/notifications/{note.uuid}/open/"
    for part in (text, html):
        assert "You own this action (Quote to cash)." in part
        assert open_link in part
        assert "https://accord.example.com/w/acme/notifications/preferences/" in part
    token = Subscription.objects.get(user=acme.member).unsubscribe_token
    unsubscribe = f"https://accord.example.com/notifications/unsubscribe/{token}/"
    assert unsubscribe in text
    assert unsubscribe in html
    assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    delivery = Delivery.objects.get()
    key = delivery_key(delivery.idempotency_key)
    assert message["Message-ID"] == f"<{key}@accord.example.com>"
    assert message["X-Accord-Delivery"] == key
    assert message["X-Accord-Event"] == "action_assigned"
    assert (delivery.status, delivery.attempts) == ("sent", 1)
    assert delivery.sent_at is not None


def test_html_part_escapes_what_people_typed(acme, smtp_server):
    """A subject or body with markup is shown as text in the HTML part, never run."""
    mia = person_of(acme, "member")
    tell(acme, [mia], subject="<script>alert(1)</script> plan", body="<b>bold</b> & more")
    deliveries_due_send()
    html = body_of(smtp_server.messages[0], "html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; plan" in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html


def test_people_without_a_login_or_membership_are_not_emailed(acme, globex, smtp_server):
    """Alice has no login; a globex user's person in acme is not an acme member: both get a
    record, nobody gets an email."""
    from accord.org.models import Person

    outsider = Person.objects.create(
        workspace=acme.workspace, name="Gus", email="gus@globex.test", user=globex.member
    )
    rows = tell(acme, [acme.alice, outsider])
    assert len(rows) == 2
    assert not Delivery.objects.exists()
    assert Notification.objects.get(recipient=acme.alice).in_app is False


def test_email_follows_the_preference_and_the_pause(acme, smtp_server):
    """Email off for an event, or all email paused: the inbox row is there, no email."""
    mia = person_of(acme, "member")
    membership = acme.membership("member")
    actions.preferences_save(
        membership=membership,
        choices={Event.ACTION_ASSIGNED: {"in_app": True, "email": False, "digest": True}},
        digest="weekly",
        email_paused=False,
    )
    tell(acme, [mia], key="a")
    assert not Delivery.objects.exists()
    actions.preferences_save(membership=membership, choices={}, digest="weekly", email_paused=True)
    tell(acme, [mia], event=Event.DECISION_INPUT, key="b")
    assert not Delivery.objects.exists()
    assert Notification.objects.filter(user=acme.member).count() == 2


def test_the_same_event_and_key_notify_once(acme, smtp_server):
    """Recording an occurrence twice (a retry, a re-save) writes one row and one email."""
    mia = person_of(acme, "member")
    assert len(tell(acme, [mia])) == 1
    assert tell(acme, [mia]) == []
    deliveries_due_send()
    deliveries_due_send()
    assert len(smtp_server.messages) == 1
    assert Notification.objects.count() == 1


def test_a_notification_read_before_the_email_goes_is_skipped(acme, smtp_server):
    mia = person_of(acme, "member")
    (note,) = tell(acme, [mia])
    actions.notification_read(membership=acme.membership("member"), notification=note)
    assert deliveries_due_send() == 0
    assert smtp_server.messages == []
    delivery = Delivery.objects.get()
    assert delivery.status == "skipped"
    assert "Read in the app" in delivery.last_error


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_expires(acme, smtp_server):
    """Two workers: the second claims nothing. A worker that died after claiming leaves the
    delivery to be retried after the lease, and it is then sent exactly once."""
    mia = person_of(acme, "member")
    tell(acme, [mia])
    now = timezone.now()
    first, _lease = deliveries_claim(now=now)
    second, _lease = deliveries_claim(now=now)
    assert len(first) == 1
    assert second == []
    # The first worker "died" holding the lease: nothing is sent before it expires.
    assert deliveries_due_send(now=now + datetime.timedelta(minutes=1)) == 0
    assert deliveries_due_send(now=now + datetime.timedelta(minutes=6)) == 1
    assert deliveries_due_send(now=now + datetime.timedelta(minutes=20)) == 0
    assert len(smtp_server.messages) == 1
    assert Delivery.objects.get().attempts == 2


def test_smtp_down_keeps_the_email_pending_with_the_error_then_sends_it_once(acme, smtp_down):
    """While the mail server is down every attempt records the error and backs off; the
    email is never marked failed, and goes out once when the server is back."""
    mia = person_of(acme, "member")
    tell(acme, [mia])
    now = timezone.now()
    assert deliveries_due_send(now=now) == 0
    delivery = Delivery.objects.get()
    assert delivery.status == "pending"
    assert delivery.attempts == 1
    assert "mail server could not be used" in delivery.last_error
    assert delivery.next_attempt_at == now + BACKOFF[0]
    # Not due yet: nothing is tried.
    assert deliveries_due_send(now=now + datetime.timedelta(seconds=30)) == 0
    assert Delivery.objects.get().attempts == 1
    # Longer than every backoff step, still pending (nothing lost).
    moment = now
    for _ in range(MAX_ATTEMPTS + 2):
        moment += datetime.timedelta(hours=7)
        deliveries_due_send(now=moment)
    delivery.refresh_from_db()
    assert delivery.status == "pending"
    assert delivery.attempts == MAX_ATTEMPTS + 3
    smtp_down.start()
    assert deliveries_due_send(now=moment + datetime.timedelta(hours=7)) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
    assert delivery.last_error == ""
    assert len(smtp_down.messages) == 1


def test_a_refused_recipient_is_retried_with_backoff_then_failed(acme, smtp_server):
    """The server answering 550 for the recipient is the recipient's problem: after the last
    attempt the delivery fails and shows the server's answer."""
    mia = person_of(acme, "member")
    smtp_server.collector.refuse.add("member@acme.test")
    tell(acme, [mia])
    moment = timezone.now()
    for _ in range(MAX_ATTEMPTS):
        deliveries_due_send(now=moment)
        moment += datetime.timedelta(hours=7)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.attempts == MAX_ATTEMPTS
    assert "refused the recipient" in delivery.last_error
    assert "550" in delivery.last_error
    assert smtp_server.messages == []


def test_smtp_refusal_is_classified_separately_from_an_outage():
    from accord.notifications.transports import MailUnreachable, mail_error

    refused = smtplib.SMTPRecipientsRefused({"x@example.com": (550, b"No such mailbox")})
    assert not isinstance(mail_error(refused), MailUnreachable)
    assert isinstance(mail_error(ConnectionRefusedError(111, "refused")), MailUnreachable)
    assert isinstance(mail_error(smtplib.SMTPServerDisconnected("gone")), MailUnreachable)


# --- unsubscribe ----------------------------------------------------------------------------


def unsubscribe_url(token):
    return reverse("email_unsubscribe", args=[token])


def test_the_unsubscribe_link_asks_first_then_pauses_all_email(acme, client):
    """GET explains and changes nothing; the POST button pauses email for that workspace."""
    subscription = actions.subscription_ensure(workspace=acme.workspace, user_id=acme.member.pk)
    url = unsubscribe_url(subscription.unsubscribe_token)
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop emails from Acme Corp?" in page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    subscription.refresh_from_db()
    assert subscription.email_paused is False
    done = client.post(url)
    assert "Emails stopped" in done.content.decode()
    subscription.refresh_from_db()
    assert subscription.email_paused is True
    client.post(url, {"action": "resume"})
    subscription.refresh_from_db()
    assert subscription.email_paused is False


def test_one_click_unsubscribe_works_without_a_csrf_token(acme):
    """RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no cookie or token."""
    subscription = actions.subscription_ensure(workspace=acme.workspace, user_id=acme.member.pk)
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        unsubscribe_url(subscription.unsubscribe_token), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.email_paused is True


def test_an_unknown_unsubscribe_token_is_404(db, client):
    assert client.get(unsubscribe_url("not-a-token")).status_code == 404
    assert client.post(unsubscribe_url("x" * 80)).status_code == 404


def test_after_unsubscribing_nothing_is_emailed(acme, smtp_server, client):
    mia = person_of(acme, "member")
    tell(acme, [mia], key="first")
    deliveries_due_send()
    token = Subscription.objects.get(user=acme.member).unsubscribe_token
    client.post(unsubscribe_url(token))
    tell(acme, [mia], key="second")
    deliveries_due_send()
    assert len(smtp_server.messages) == 1
    assert Notification.objects.filter(user=acme.member).count() == 2
