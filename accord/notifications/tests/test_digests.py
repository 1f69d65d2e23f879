"""Digest emails through a real SMTP server: what goes in (unread, not emailed, wanted in the
digest), daily vs weekly (Mondays), once per period, and nothing in two digests."""

import datetime

import pytest

from accord.notifications import actions
from accord.notifications.delivery import deliveries_due_send
from accord.notifications.digests import digest_period, digests_queue
from accord.notifications.models import Delivery, Event, Notification
from accord.notifications.service import notify
from accord.notifications.tests.conftest import person_of

pytestmark = pytest.mark.django_db

MONDAY = datetime.date(2027, 1, 4)
TUESDAY = datetime.date(2027, 1, 5)


def tell(tenant, person, key, event=Event.KUDOS, subject=None):
    return notify(
        workspace=tenant.workspace,
        event=event,
        recipients=[person],
        key=key,
        subject=subject or f"Kudos {key}",
        body="For the pricing workshop.",
        url="/w/acme/kudos/",
    )[0]


def digest(tenant, role, frequency):
    actions.preferences_save(
        membership=tenant.membership(role), choices={}, digest=frequency, email_paused=False
    )


def test_period_names():
    assert digest_period("daily", TUESDAY) == "2027-01-05"
    assert digest_period("weekly", TUESDAY) == "2027-W01"


def test_a_daily_digest_lists_unread_not_emailed_notifications_once(acme, smtp_server):
    """Kudos wait for the digest; an action assignment was emailed straight away and a read
    notification is done with: neither is in the digest. The next run sends nothing more."""
    mia = person_of(acme, "member")
    digest(acme, "member", "daily")
    tell(acme, mia, "one", subject="Kudos from Finance")
    tell(acme, mia, "two", subject="Kudos from Sales")
    read = tell(acme, mia, "three", subject="Already read")
    tell(acme, mia, "act", event=Event.ACTION_ASSIGNED, subject="Action for you")
    actions.notification_read(membership=acme.membership("member"), notification=read)
    deliveries_due_send()  # the action email
    assert digests_queue(today=TUESDAY) == 1
    assert deliveries_due_send() == 1
    assert digests_queue(today=TUESDAY) == 0
    assert deliveries_due_send() == 0
    action_email, digest_email = smtp_server.messages
    assert action_email["Subject"] == "[Acme Corp] Action for you"
    assert digest_email["Subject"] == "[Acme Corp] Your daily digest: 2 unread"
    text = digest_email.get_body(preferencelist=("plain",)).get_content()
    assert "Kudos from Finance" in text
    assert "Kudos from Sales" in text
    assert "Already read" not in text
    assert "Action for you" not in text
    assert "/notifications/unsubscribe/" in text
    assert digest_email["List-Unsubscribe"].startswith("<https://accord.example.com/")
    assert Notification.objects.filter(digested_at__isnull=False).count() == 2


def test_what_arrives_after_a_digest_waits_for_the_next_period(acme, smtp_server):
    mia = person_of(acme, "member")
    digest(acme, "member", "daily")
    tell(acme, mia, "one")
    digests_queue(today=TUESDAY)
    tell(acme, mia, "two", subject="Late kudos")
    assert digests_queue(today=TUESDAY) == 0
    assert Notification.objects.get(dedupe_key__contains="two").digested_at is None
    assert digests_queue(today=TUESDAY + datetime.timedelta(days=1)) == 1
    deliveries_due_send()
    assert [m["Subject"] for m in smtp_server.messages] == [
        "[Acme Corp] Your daily digest: 1 unread",
        "[Acme Corp] Your daily digest: 1 unread",
    ]


def test_weekly_digests_go_on_mondays_and_the_default_is_weekly(acme, smtp_server):
    """A member who never opened the preferences gets the weekly digest (the default)."""
    mia = person_of(acme, "member")
    tell(acme, mia, "one")
    assert digests_queue(today=TUESDAY) == 0
    assert digests_queue(today=MONDAY + datetime.timedelta(days=7)) == 1
    deliveries_due_send()
    assert smtp_server.messages[0]["Subject"] == "[Acme Corp] Your weekly digest: 1 unread"
    assert Delivery.objects.get(transport="digest").payload["period"] == "2027-W02"


def test_no_digest_when_paused_off_unwanted_or_empty(acme, smtp_server):
    mia, adam = person_of(acme, "member"), person_of(acme, "admin")
    person_of(acme, "viewer")
    actions.preferences_save(
        membership=acme.membership("member"), choices={}, digest="daily", email_paused=True
    )
    digest(acme, "admin", "none")
    digest(acme, "viewer", "daily")  # nothing for the viewer: an empty digest is never sent
    tell(acme, mia, "a")
    tell(acme, adam, "b")
    owner = person_of(acme, "owner")
    digest(acme, "owner", "daily")
    actions.preferences_save(
        membership=acme.membership("owner"),
        choices={Event.KUDOS: {"in_app": True, "email": False, "digest": False}},
        digest="daily",
        email_paused=False,
    )
    tell(acme, owner, "c")
    assert digests_queue(today=MONDAY) == 0
    assert smtp_server.messages == []


def test_a_digest_whose_items_were_all_read_before_sending_is_skipped(acme, smtp_server):
    mia = person_of(acme, "member")
    digest(acme, "member", "daily")
    note = tell(acme, mia, "one")
    digests_queue(today=TUESDAY)
    actions.notification_read(membership=acme.membership("member"), notification=note)
    assert deliveries_due_send() == 0
    delivery = Delivery.objects.get()
    assert delivery.status == "skipped"
    assert smtp_server.messages == []


def test_former_members_get_no_digest(acme, smtp_server):
    from accord.workspaces.models import Membership

    mia = person_of(acme, "member")
    digest(acme, "member", "daily")
    tell(acme, mia, "one")
    Membership.objects.filter(user=acme.member).delete()
    assert digests_queue(today=TUESDAY) == 0
