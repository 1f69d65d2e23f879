"""The conflict register in a real browser: raise a conflict in one click from a goal-conflict
finding and walk it to resolved. Every page visited is also checked for accessibility."""

import re

from playwright.sync_api import expect

from accord.governance.models import ActionItem, Conflict
from accord.governance.tests.conflict_helpers import goal_clash
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    """After a full-page form submission: wait for the new page and axe-check it."""
    page.wait_for_load_state("load")
    page.check_accessibility()


def form(page: CheckedPage, name: str):
    return page.get_by_role("form", name=name)


def test_raise_a_conflict_from_a_goal_finding_and_walk_it_to_resolved(page, acme):
    """Sales' discount goal and Finance's margin goal clash; one click opens a record with both
    goals, owners and functions; it is acknowledged, facilitated, both sides are heard, an
    option is listed and it is resolved with an agreement and an action item."""
    discount, margin = goal_clash(acme)
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit("/w/acme/goals/conflicts/")
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Open a conflict record").click()
    submitted(page)

    conflict = Conflict.objects.get()
    assert page.url.endswith(f"/w/acme/conflicts/{conflict.uuid}/")
    expect(page.locator("#conflict-stage")).to_have_text("Raised")
    expect(page.get_by_text(discount.title).first).to_be_visible()
    expect(page.get_by_text(margin.title).first).to_be_visible()
    expect(page.get_by_text("From a goal-conflict finding")).to_be_visible()

    acknowledge = form(page, "Acknowledge")
    acknowledge.get_by_label("Note").fill("Seen; meeting both leads on Tuesday.")
    acknowledge.get_by_role("button", name="Acknowledge").click()
    submitted(page)
    expect(page.locator("#conflict-stage")).to_have_text("Acknowledged")

    # Starting the dialogue without a facilitator is refused with the reason.
    dialogue = form(page, "Start the dialogue")
    dialogue.get_by_role("button", name="Start the dialogue").click()
    submitted(page)
    expect(page.get_by_text("Assign a facilitator before the dialogue starts")).to_be_visible()
    dialogue = form(page, "Start the dialogue")
    dialogue.get_by_label("Facilitator").select_option(label="Bob Baker (bob@acme.test)")
    dialogue.get_by_role("button", name="Start the dialogue").click()
    submitted(page)
    expect(page.locator("#conflict-stage")).to_have_text("In dialogue")

    for person, function, text in (
        ("Alice Archer (alice@acme.test)", "Sales", "Discounts win grocery chains."),
        ("Bob Baker (bob@acme.test)", "Finance", "Discounts take margin we promised."),
    ):
        perspective = form(page, "Record a perspective")
        perspective.get_by_label("Person").select_option(label=person)
        perspective.get_by_label("Function").select_option(label=function)
        perspective.get_by_label("Perspective").fill(text)
        perspective.get_by_label("Interests").fill("Hit our target.")
        perspective.get_by_role("button", name="Record perspective").click()
        submitted(page)
        expect(page.get_by_text(text)).to_be_visible()

    form(page, "List options").get_by_role("button", name="List options").click()
    submitted(page)
    expect(page.locator("#conflict-stage")).to_have_text("Options")

    option = form(page, "Add an option")
    option.get_by_label("Option", exact=True).fill(
        "Tiered discounts that keep margin at 36% or more."
    )
    option.get_by_role("button", name="Add option").click()
    submitted(page)

    resolve = form(page, "Resolve")
    resolve.get_by_label("Agreement").fill("Discounts above 10% need Finance sign-off.")
    resolve.get_by_label("Option chosen").select_option(index=1)
    resolve.get_by_label("Action 1", exact=True).fill("Publish the discount approval matrix")
    resolve.get_by_label("Owner of action 1").select_option(label="Alice Archer (alice@acme.test)")
    resolve.get_by_role("button", name="Resolve").click()
    submitted(page)

    expect(page.locator("#conflict-stage")).to_have_text("Resolved")
    expect(page.get_by_text("Discounts above 10% need Finance sign-off.").first).to_be_visible()
    action = ActionItem.objects.get(conflict=conflict)
    link = page.get_by_role("link", name="Publish the discount approval matrix")
    expect(link).to_have_attribute("href", re.compile(f"/w/acme/actions/{action.uuid}/$"))

    # Back on the findings page, the card now links to the open record.
    page.visit("/w/acme/goals/conflicts/")
    expect(page.get_by_role("link", name="Conflict record open")).to_be_visible()
