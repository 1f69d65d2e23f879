"""A link that works without signing in (a survey's one-time link) is emailed to people
without a login too, at their directory address, without account links."""

import pytest

from accord.notifications.delivery import deliveries_due_send
from accord.notifications.models import Delivery, Event
from accord.notifications.service import notify
from accord.notifications.tests.test_email import body_of

pytestmark = pytest.mark.django_db


def _invite(acme, **options):
    return notify(
        workspace=acme.workspace,
        event=Event.SURVEY_INVITATION,
        recipients=[acme.alice],
        subject="Survey: coordination this quarter",
        key="survey-invitation:1",
        body="Five minutes, anonymous.",
        url="/survey/tok3n-for-alice/",
        **options,
    )


def test_a_direct_link_reaches_a_person_without_a_login(acme, smtp_server):
    """Alice has no login: she gets one email with her personal link and no unsubscribe or
    preference links (there is no account to change)."""
    _invite(acme, direct_link=True)
    assert deliveries_due_send() == 1
    (message,) = smtp_server.messages
    assert message["To"] == "alice@acme.test"
    assert "List-Unsubscribe" not in message
    text, html = body_of(message, "plain"), body_of(message, "html")
    for part in (text, html):
        assert "https://accord.example.com/survey/tok3n-for-alice/" in part
        assert "preferences" not in part
        assert "do not forward" in part
    assert Delivery.objects.get().status == "sent"


def test_without_direct_link_a_person_without_a_login_gets_no_email(acme, smtp_server):
    """The default stays: links that need sign-in are not mailed to people who cannot."""
    _invite(acme)
    assert not Delivery.objects.exists()
