"""Notification pages: the inbox (unread first, filters, mark read with htmx, mark all read,
open the object), the bell, preferences, and the admins' webhooks and delivery log; who may
see what, other workspaces' ids, escaping and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.notifications import actions
from accord.notifications.models import Delivery, Event, Notification, Preference, Subscription
from accord.notifications.service import notify, publish
from accord.notifications.tests.conftest import person_of
from accord.org.tests.helpers import count_queries

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def tell(tenant, person, key, *, event=Event.ACTION_ASSIGNED, subject=None, **fields):
    fields.setdefault("url", f"/w/{tenant.workspace.slug}/actions/")
    (note,) = notify(
        workspace=tenant.workspace,
        event=event,
        recipients=[person],
        key=key,
        subject=subject or f"Notification {key}",
        **fields,
    )
    return note


# --- the inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_my_notifications_unread_first_and_nobody_elses(acme, login):
    mia = person_of(acme, "member")
    adam = person_of(acme, "admin")
    older = tell(acme, mia, "older", subject="Older and read")
    tell(acme, mia, "newer", subject="Newer and unread")
    tell(acme, adam, "theirs", subject="Adam's own")
    actions.notification_read(membership=acme.membership("member"), notification=older)
    response = login(acme.member).get(url("notification_inbox"))
    body = response.content.decode()
    subjects = [n.subject for n in response.context["notifications"]]
    assert subjects == ["Newer and unread", "Older and read"]
    assert "Adam&#x27;s own" not in body
    assert "Mark all read" in body


def test_filters_show_unread_only_or_one_event(acme, login):
    mia = person_of(acme, "member")
    read = tell(acme, mia, "a", subject="Read one")
    tell(acme, mia, "b", subject="Decision one", event=Event.DECISION_INPUT)
    tell(acme, mia, "c", subject="Action one")
    actions.notification_read(membership=acme.membership("member"), notification=read)
    client = login(acme.member)

    def subjects(**params):
        response = client.get(url("notification_inbox"), params)
        return sorted(n.subject for n in response.context["notifications"])

    assert subjects() == ["Action one", "Decision one", "Read one"]
    assert subjects(show="unread") == ["Action one", "Decision one"]
    assert subjects(event="decision_input") == ["Decision one"]
    assert subjects(show="unread", event="action_assigned") == ["Action one"]
    assert subjects(event="bogus") == ["Action one", "Decision one", "Read one"]
    partial = client.get(url("notification_inbox"), {"event": "decision_input"}, **HTMX)
    assert partial.content.decode().lstrip().startswith('<section class="card flush"')


def test_marking_read_with_htmx_answers_the_item_and_the_new_counts(acme, login):
    mia = person_of(acme, "member")
    note = tell(acme, mia, "a", subject="Your input is asked")
    tell(acme, mia, "b")
    client = login(acme.member)
    page = client.get(url("notification_inbox")).content.decode()
    assert 'id="inbox-unread" class="badge brand">2<' in page
    response = client.post(url("notification_read", note.uuid), **HTMX)
    body = response.content.decode()
    assert f'id="note-{note.uuid}"' in body
    assert "Mark unread" in body
    assert 'id="inbox-unread" class="badge brand" hx-swap-oob="true">1<' in body
    assert 'id="inbox-tab-unread" hx-swap-oob="true">1<' in body
    note.refresh_from_db()
    assert note.read_at is not None
    client.post(url("notification_read", note.uuid), {"read": "0"}, **HTMX)
    note.refresh_from_db()
    assert note.read_at is None


def test_without_javascript_marking_read_returns_to_the_inbox(acme, login):
    note = tell(acme, person_of(acme, "member"), "a")
    response = login(acme.member).post(
        url("notification_read", note.uuid), {"next": "/w/acme/notifications/?show=unread"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/w/acme/notifications/?show=unread"


def test_mark_all_read_marks_only_mine_and_only_the_event_asked(acme, login):
    mia = person_of(acme, "member")
    adam = person_of(acme, "admin")
    tell(acme, mia, "a")
    tell(acme, mia, "b", event=Event.DECISION_INPUT)
    tell(acme, adam, "c")
    client = login(acme.member)
    client.post(url("notifications_read_all"), {"event": "decision_input"})
    assert Notification.objects.filter(user=acme.member, read_at__isnull=True).count() == 1
    response = client.post(url("notifications_read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=acme.member, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=acme.admin, read_at__isnull=True).count() == 1


def test_opening_a_notification_marks_it_read_and_goes_to_the_object(acme, login):
    mia = person_of(acme, "member")
    note = tell(acme, mia, "a", url="/w/acme/decisions/")
    outside = tell(acme, mia, "b", url="https://evil.example.com/phish")
    client = login(acme.member)
    response = client.get(url("notification_open", note.uuid))
    assert response["Location"] == "/w/acme/decisions/"
    note.refresh_from_db()
    assert note.read_at is not None
    # A link that leaves the site is never followed.
    assert client.get(url("notification_open", outside.uuid))["Location"] == url(
        "notification_inbox"
    )


def test_someone_elses_or_another_workspaces_notification_is_404(acme, globex, login):
    adams = tell(acme, person_of(acme, "admin"), "a")
    theirs = tell(globex, person_of(globex, "member"), "g")
    client = login(acme.member)
    for note in (adams, theirs):
        assert client.post(url("notification_read", note.uuid)).status_code == 404
        assert client.get(url("notification_open", note.uuid)).status_code == 404
    assert client.get(url("notification_inbox", ws="globex")).status_code == 404
    adams.refresh_from_db()
    assert adams.read_at is None


def test_subjects_and_bodies_are_escaped(acme, login):
    tell(acme, person_of(acme, "member"), "x", subject="<img src=x onerror=alert(1)>")
    body = login(acme.member).get(url("notification_inbox")).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_the_inbox_runs_a_constant_number_of_queries(acme, login):
    """Two notifications or forty: the same number of queries."""
    mia = person_of(acme, "member")
    for n in range(2):
        tell(acme, mia, f"few{n}", event=Event.DECISION_INPUT)
    client = login(acme.member)
    few, _response = count_queries(client, url("notification_inbox"))
    for n in range(40):
        tell(acme, mia, f"many{n}", event=Event.values[n % len(Event.values)])
    many, response = count_queries(client, url("notification_inbox"))
    assert len(response.context["notifications"]) == 42
    assert many == few


def test_the_bell_shows_the_unread_count_on_every_workspace_page_with_one_query(acme, login):
    """The count is one COUNT query: the dashboard runs exactly one more query with it."""
    client = login(acme.member)
    dashboard = url("dashboard")
    body = client.get(dashboard).content.decode()
    assert '<span id="inbox-unread"></span>' in body  # nothing unread: no badge
    tell(acme, person_of(acme, "member"), "a")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(dashboard).content.decode()
    assert 'id="inbox-unread" class="badge brand">1<' in body
    sql = [q["sql"] for q in queries.captured_queries]
    counts = [text for text in sql if "notifications_notification" in text]
    assert len(counts) == 1
    assert "COUNT(" in counts[0]
    assert "Notification preferences" in body


# --- preferences ----------------------------------------------------------------------------


def test_preferences_show_the_defaults_and_save_the_grid(acme, login):
    client = login(acme.member)
    page = client.get(url("notification_preferences"))
    assert page.status_code == 200
    rows = {row.event: row for group in page.context["groups"] for row in group.rows}
    assert len(rows) == len(Event.values)
    assert (rows["decision_input"].email, rows["decision_input"].digest) == (True, False)
    assert (rows["kudos"].email, rows["kudos"].digest) == (False, True)
    response = client.post(
        url("notification_preferences"),
        {
            "decision_input:in_app": "on",
            "decision_input:digest": "on",
            "kudos:email": "on",
            "digest": "daily",
        },
    )
    assert response.status_code == 302
    saved = {p.event: p for p in Preference.objects.filter(user=acme.member)}
    assert len(saved) == len(Event.values)
    assert (saved["decision_input"].in_app, saved["decision_input"].email) == (True, False)
    assert saved["decision_input"].digest is True
    assert (saved["kudos"].in_app, saved["kudos"].email) == (False, True)
    subscription = Subscription.objects.get(user=acme.member)
    assert (subscription.digest, subscription.email_paused) == ("daily", False)


def test_a_bad_digest_choice_names_the_field_and_keeps_the_grid(acme, login):
    response = login(acme.member).post(
        url("notification_preferences"), {"kudos:email": "on", "digest": "hourly"}
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    rows = {row.event: row for group in response.context["groups"] for row in group.rows}
    assert rows["kudos"].email is True
    assert rows["decision_input"].email is False  # as submitted, not the default
    assert not Preference.objects.exists()


def test_preferences_are_per_workspace(acme, globex, login):
    from accord.workspaces.models import Membership, Role

    Membership.objects.create(workspace=globex.workspace, user=acme.member, role=Role.MEMBER)
    client = login(acme.member)
    client.post(url("notification_preferences", ws="globex"), {"digest": "none"})
    assert Subscription.objects.get(workspace=globex.workspace, user=acme.member).digest == "none"
    assert not Subscription.objects.filter(workspace=acme.workspace).exists()


def test_turning_in_app_off_keeps_the_event_out_of_the_inbox(acme, login):
    mia = person_of(acme, "member")
    actions.preferences_save(
        membership=acme.membership("member"),
        choices={Event.KUDOS: {"in_app": False, "email": False, "digest": False}},
        digest="weekly",
        email_paused=False,
    )
    tell(acme, mia, "k", event=Event.KUDOS)
    response = login(acme.member).get(url("notification_inbox"))
    assert response.context["notifications"] == []


# --- webhooks and the delivery log (admins) -------------------------------------------------


def test_only_admins_see_the_notifications_settings(acme, login):
    client = login(acme.member)
    for name in ("webhook_list", "webhook_create", "delivery_log"):
        assert client.get(url(name)).status_code == 403
    assert "Notifications</a>" not in client.get(url("workspace_settings")).content.decode()
    admin = login(acme.admin)
    assert "Notifications</a>" in admin.get(url("workspace_settings")).content.decode()
    assert admin.get(url("webhook_list")).status_code == 200


def test_adding_a_webhook_with_an_invalid_url_shows_the_error_on_the_field(acme, login):
    client = login(acme.admin)
    response = client.post(
        url("webhook_create"), {"name": "Ops", "kind": "generic", "url": "ftp://example.com/x"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="id_url_error"' in body
    assert "Use an http:// or https:// URL." in body
    assert 'value="Ops"' in body  # the input is kept
    created = client.post(
        url("webhook_create"),
        {"name": "Ops", "kind": "generic", "url": "https://ops.example.com/accord", "active": "on"},
    )
    assert created.status_code == 302
    page = client.get(created["Location"]).content.decode()
    assert "Signing secret" in page


def test_the_webhook_list_masks_urls_and_counts_deliveries_in_constant_queries(acme, login):
    admin = acme.membership("admin")
    actions.webhook_create(
        membership=admin,
        name="Slack",
        kind="slack",
        url="https://hooks.slack.com/services/T000/B000/SECRETPART",
    )
    client = login(acme.admin)
    few, response = count_queries(client, url("webhook_list"))
    assert "SECRETPART" not in response.content.decode()
    for n in range(6):
        actions.webhook_create(
            membership=admin, name=f"Hook {n}", kind="generic", url=f"https://h{n}.example.com/"
        )
    publish(workspace=acme.workspace, event=Event.DECISION_DECIDED, key="k", subject="S")
    many, _response = count_queries(client, url("webhook_list"))
    assert many == few


def test_the_delivery_log_shows_errors_and_retries_with_htmx(acme, login):
    admin = acme.membership("admin")
    endpoint = actions.webhook_create(
        membership=admin, name="Ops", kind="generic", url="https://ops.example.com/hook"
    )
    publish(workspace=acme.workspace, event=Event.DECISION_DECIDED, key="k", subject="Decided")
    Delivery.objects.update(status="failed", attempts=6, last_error="The endpoint answered 500")
    delivery = Delivery.objects.get()
    client = login(acme.admin)
    page = client.get(url("delivery_log")).content.decode()
    assert "The endpoint answered 500" in page
    assert "Decided" in page
    response = client.post(url("delivery_retry", delivery.uuid), **HTMX)
    assert f'id="delivery-{delivery.uuid}"' in response.content.decode()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    filtered = client.get(url("delivery_log"), {"webhook": str(endpoint.uuid), "status": "sent"})
    assert filtered.context["deliveries"] == []


def test_the_delivery_log_runs_a_constant_number_of_queries(acme, login):
    mia = person_of(acme, "member")
    admin = acme.membership("admin")
    actions.webhook_create(
        membership=admin, name="Ops", kind="generic", url="https://ops.example.com/hook"
    )
    tell(acme, mia, "first")
    client = login(acme.admin)
    few, _response = count_queries(client, url("delivery_log"))
    for n in range(15):
        tell(acme, mia, f"n{n}")
        publish(workspace=acme.workspace, event=Event.DECISION_DECIDED, key=f"k{n}", subject="S")
    many, response = count_queries(client, url("delivery_log"))
    assert len(response.context["deliveries"]) == 31
    assert many == few


def test_another_workspaces_webhook_or_delivery_is_404(acme, globex, login):
    theirs = actions.webhook_create(
        membership=globex.membership("admin"),
        name="Globex",
        kind="generic",
        url="https://globex.example.com/hook",
    )
    publish(workspace=globex.workspace, event=Event.DECISION_DECIDED, key="k", subject="S")
    delivery = Delivery.objects.get()
    client = login(acme.admin)
    assert client.get(url("webhook_edit", theirs.uuid)).status_code == 404
    assert client.post(url("webhook_delete", theirs.uuid)).status_code == 404
    assert client.post(url("webhook_test", theirs.uuid)).status_code == 404
    assert client.post(url("delivery_retry", delivery.uuid)).status_code == 404
    assert client.get(url("webhook_list", ws="globex")).status_code == 404


def test_deleting_a_webhook_asks_first_and_removes_it(acme, login):
    endpoint = actions.webhook_create(
        membership=acme.membership("admin"),
        name="Ops",
        kind="generic",
        url="https://ops.example.com/hook",
    )
    client = login(acme.admin)
    page = client.get(url("webhook_edit", endpoint.uuid)).content.decode()
    assert "data-confirm=" in page
    client.post(url("webhook_delete", endpoint.uuid))
    assert not type(endpoint).objects.exists()
