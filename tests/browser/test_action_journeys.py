"""Action items in a real browser: add one from the partnership page, change its status with
htmx from the list, comment on it, find it on My actions; an overdue action shows its badge.
Every page visited is also checked for accessibility."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from accord.governance.models import ActionComment, ActionItem
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_add_an_action_change_its_status_comment_and_see_it_on_my_actions(page, acme):
    """A member of the partnership adds an action they own; the list's status select saves in
    place; a comment appears without a reload; My actions lists it."""
    me = Person.objects.create(
        workspace=acme.workspace, name="Mia Member", email=acme.member.email, user=acme.member
    )
    partnership = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Quote to cash",
        functions=[acme.sales, acme.finance],
    )
    partnership_actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=me, function=acme.sales
    )
    sign_in(page, "member@acme.test", PASSWORD)

    page.visit(f"/w/acme/partnerships/{partnership.slug}/")
    card = page.locator("#actions")
    expect(card).to_contain_text("No open actions.")
    card.get_by_role("link", name="Add an action").click()
    submitted(page)
    expect(page.get_by_label("Partnership")).to_have_value(partnership.slug)
    page.get_by_role("button", name="Add action").click()
    submitted(page)
    expect(page.locator(".form-errors")).to_be_visible()
    page.get_by_label("Title").fill("Send the revised discount policy")
    page.get_by_label("Due").fill((date.today() + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="Add action").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Send the revised discount policy")
    action = ActionItem.objects.get()
    assert action.owner == me  # the owner defaulted to the member's own person

    page.visit("/w/acme/actions/")
    row = page.locator(f"#action-{action.uuid}")
    row.get_by_label("Status of Send the revised discount policy").select_option("in_progress")
    expect(row.get_by_role("status")).to_have_text("Saved")
    page.check_accessibility()
    expect(page.locator(f"#action-{action.uuid} select")).to_have_value("in_progress")
    action.refresh_from_db()
    assert action.status == "in_progress"

    row.get_by_role("link", name="Send the revised discount policy").click()
    submitted(page)
    page.get_by_role("textbox", name="Comment").fill("Draft shared with Finance.")
    page.get_by_role("button", name="Post comment").click()
    comments = page.locator("#comments")
    expect(comments.locator("ol")).to_contain_text("Draft shared with Finance.")
    expect(page.get_by_role("textbox", name="Comment")).to_have_value("")
    page.check_accessibility()
    assert ActionComment.objects.get().author == acme.member

    page.visit("/w/acme/actions/mine/")
    expect(page.get_by_role("link", name="Send the revised discount policy")).to_be_visible()
    expect(page.locator(f"#action-{action.uuid} select")).to_have_value("in_progress")


def test_an_overdue_action_shows_its_badge_until_it_is_done(page, acme):
    """Past due and open shows Overdue in the list; marking it done from the list clears it."""
    ActionItem.objects.create(
        workspace=acme.workspace,
        title="Chase the late invoices",
        owner=acme.alice,
        due_date=date.today() - timedelta(days=3),
    )
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit("/w/acme/actions/")
    row = page.locator("tr", has_text="Chase the late invoices")
    expect(row.locator(".badge.danger")).to_have_text("Overdue")
    row.get_by_label(re.compile("Status of")).select_option("done")
    expect(row.get_by_role("status")).to_have_text("Saved")
    expect(
        page.locator("tr", has_text="Chase the late invoices").locator(".badge.danger")
    ).to_have_count(0)
    page.check_accessibility()
