"""Notifications in a real browser: change notification preferences from the account menu,
then open the inbox from the sidebar bell, mark one read in place (htmx) and the rest with
"Mark all read". Every page visited is checked for accessibility."""

from playwright.sync_api import expect

from accord.notifications.models import (
    Event,
    Notification,
    Preference,
    Subscription,
    WebhookEndpoint,
)
from accord.notifications.service import notify
from accord.org.models import Person
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_change_preferences_then_read_the_inbox(page, acme):
    """A member turns kudos emails on and picks a daily digest; in the inbox the unread count
    drops as they mark one notification read, then all."""
    me = Person.objects.create(
        workspace=acme.workspace, name="Mia Member", email=acme.member.email, user=acme.member
    )
    for key, event, subject in (
        ("a", Event.DECISION_INPUT, "Your input is asked on: discounts above 15%"),
        ("b", Event.ACTION_ASSIGNED, "Action for you: send the revised discount policy"),
        ("c", Event.RACI_CONSULT, "You are consulted on: pricing playbook"),
    ):
        notify(
            workspace=acme.workspace,
            event=event,
            recipients=[me],
            key=key,
            subject=subject,
            url="/w/acme/actions/",
        )
    sign_in(page, "member@acme.test", PASSWORD)

    page.visit("/w/acme/")
    page.get_by_label("Account menu for Member").click()
    page.get_by_role("link", name="Notification preferences").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification preferences")
    kudos_email = page.get_by_label("I was recognised: email now")
    expect(kudos_email).not_to_be_checked()
    kudos_email.check()
    page.get_by_label("I was recognised: in digest").uncheck()
    page.get_by_label("Daily", exact=True).check()
    page.get_by_role("button", name="Save preferences").click()
    submitted(page)
    expect(page.locator(".toast")).to_contain_text("Notification preferences saved.")
    expect(page.get_by_label("I was recognised: email now")).to_be_checked()
    kudos = Preference.objects.get(user=acme.member, event="kudos")
    assert (kudos.email, kudos.digest) == (True, False)
    assert Subscription.objects.get(user=acme.member).digest == "daily"

    bell = page.get_by_role("navigation", name="Notifications").get_by_role("link")
    expect(bell).to_contain_text("3")
    bell.click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Inbox")
    items = page.locator(".inbox-item.unread")
    expect(items).to_have_count(3)
    asked = "Your input is asked on: discounts above 15%"
    page.get_by_role("button", name=f"Mark read: {asked}").click()
    expect(items).to_have_count(2)
    expect(page.locator("#inbox-unread")).to_contain_text("2")
    expect(page.get_by_role("button", name=f"Mark unread: {asked}")).to_be_visible()
    page.check_accessibility()
    page.get_by_role("button", name="Mark all read").click()
    submitted(page)
    expect(page.locator(".inbox-item.unread")).to_have_count(0)
    expect(page.locator("#inbox-unread")).to_be_empty()
    assert not Notification.objects.filter(user=acme.member, read_at__isnull=True).exists()

    page.get_by_role("link", name="Action for you: send the revised discount policy").click()
    submitted(page)
    assert page.url.endswith("/w/acme/actions/")


def test_an_admin_connects_a_webhook_after_fixing_its_url_and_reads_the_delivery_log(page, acme):
    """An invalid URL is refused with the reason under the field and the input kept; the
    saved generic webhook shows its signing secret; a test message appears in the log."""
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit("/w/acme/settings/")
    page.get_by_role("navigation", name="Settings sections").get_by_role(
        "link", name="Notifications"
    ).click()
    submitted(page)
    page.get_by_role("link", name="Add a webhook").first.click()
    submitted(page)
    page.get_by_label("Name").fill("Ops automation")
    page.get_by_label("Kind").select_option("generic")
    page.get_by_label("URL").fill("ftp://ops.example.com/accord")
    page.get_by_role("button", name="Add webhook").click()
    submitted(page)
    expect(page.locator("#id_url_error")).to_have_text("Use an http:// or https:// URL.")
    expect(page.get_by_label("Name")).to_have_value("Ops automation")
    page.get_by_label("URL").fill("https://ops.example.com/accord")
    page.get_by_role("button", name="Add webhook").click()
    submitted(page)
    expect(page.get_by_role("heading", name="Signing secret")).to_be_visible()
    page.get_by_text("Show the secret").click()
    expect(page.locator(".secret-value")).to_have_text(WebhookEndpoint.objects.get().secret)
    page.check_accessibility()
    page.get_by_role("button", name="Send a test").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.locator("#delivery-results")).to_contain_text("Test message from Accord")
    expect(page.locator("#delivery-results")).to_contain_text("Pending")
