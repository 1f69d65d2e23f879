"""Which webhooks hear a partnership's news: its own and the workspace-wide ones, except
that a members-only partnership's news never leaves its own webhooks."""

import pytest

from accord.notifications.models import Delivery, WebhookEndpoint
from accord.notifications.service import publish
from accord.partnerships.actions import partnership_create

pytestmark = pytest.mark.django_db


def _hooks(tenant, partnership):
    def hook(name, scope):
        return WebhookEndpoint.objects.create(
            workspace=tenant.workspace,
            name=name,
            kind=WebhookEndpoint.Kind.GENERIC,
            url=f"https://hooks.example.com/{name}",
            secret="s3cret",
            partnership=scope,
        )

    return hook("everyone", None), hook("own", partnership)


def _targets(event_key):
    return set(
        Delivery.objects.filter(idempotency_key__contains=event_key).values_list(
            "endpoint__name", flat=True
        )
    )


@pytest.mark.parametrize(
    ("privacy", "expected"),
    [("workspace", {"everyone", "own"}), ("members", {"own"})],
)
def test_partnership_news_reaches_the_channels_that_may_hear_it(acme, privacy, expected):
    partnership = partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name=f"Quote to cash {privacy}",
        functions=[acme.sales, acme.finance],
        privacy=privacy,
    )
    _hooks(acme, partnership)
    publish(
        workspace=acme.workspace,
        event="kudos",
        key=f"scope-{privacy}",
        subject="Kudos to Alice",
        partnership=partnership,
    )
    assert _targets(f"scope-{privacy}") == expected


def test_workspace_news_reaches_only_workspace_wide_channels(acme):
    partnership = partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Quote to cash",
        functions=[acme.sales, acme.finance],
    )
    _hooks(acme, partnership)
    publish(workspace=acme.workspace, event="kudos", key="scope-ws", subject="Kudos")
    assert _targets("scope-ws") == {"everyone"}
