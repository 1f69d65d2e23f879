"""The demo's notifications: webhooks (one of them off), each login's preferences, unread
notifications drawn from the rest of the demo, and a delivery history with nothing left to
send (building the demo never sends anything)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accord.notifications.demo import LOGINS
from accord.notifications.models import Delivery, Notification, Subscription, WebhookEndpoint
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_demo_logins_have_unread_notifications_and_the_admins_see_webhooks_and_history():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    for email in LOGINS:
        mine = Notification.objects.filter(workspace=workspace, user__email=email, in_app=True)
        assert mine.filter(read_at__isnull=True).exists(), email
        assert Subscription.objects.filter(workspace=workspace, user__email=email).exists()
    assert Subscription.objects.get(user__email="viewer@brightwater.example").email_paused
    hooks = WebhookEndpoint.objects.filter(workspace=workspace)
    assert set(hooks.values_list("kind", "active")) == {
        ("slack", True),
        ("generic", True),
        ("teams", False),
    }
    assert all(".invalid/" in hook.url for hook in hooks)
    deliveries = Delivery.objects.filter(workspace=workspace)
    assert deliveries.filter(status="sent", transport="email").exists()
    assert deliveries.filter(status="failed", transport="webhook").count() == 1
    assert not deliveries.filter(status__in=["pending", "sending"]).exists()
