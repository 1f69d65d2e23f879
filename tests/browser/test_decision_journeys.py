"""The decision log in a real browser: open a decision for input, respond as two people (one
anonymous block with a reason), try to decide before answering the block (refused, with the
reason), answer it, decide. Every page visited is also checked for accessibility."""

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from accord.governance.models import Decision, DecisionResponse
from accord.governance.tests.test_decision_actions import draft_make, world
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def switch_user(page: CheckedPage, email: str) -> None:
    """Sign out by dropping the session cookie, then sign in as someone else."""
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)


def test_open_for_input_respond_as_two_people_then_answer_the_block_and_decide(page, acme):
    # Logins linked to directory people: owner = Olivia (decider), member = Mia (Sales),
    # admin = Adam (Finance); Mia and Adam represent the affected functions.
    w = world(acme)
    decision = draft_make(acme, w)
    detail = f"/w/acme/decisions/{decision.uuid}/"

    sign_in(page, "owner@acme.test", PASSWORD)
    page.visit(detail)
    page.get_by_role("link", name="Open for input").click()
    submitted(page)
    expect(page.get_by_label("Mia Member (Sales)")).to_be_checked()
    expect(page.get_by_label("Adam Admin (Finance)")).to_be_checked()
    closes = timezone.localtime() + datetime.timedelta(days=2)
    page.get_by_role("textbox", name="Input closes").fill(closes.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Allow anonymous input").check()
    page.get_by_role("button", name="Open for input").click()
    submitted(page)
    expect(page.locator(".badge.decision-open")).to_have_text("Open for input")
    expect(page.get_by_role("note").first).to_contain_text("No response yet from Finance, Sales")

    # Mia blocks anonymously; a block without a reason is refused first.
    switch_user(page, "member@acme.test")
    page.visit(detail)
    page.get_by_label("Block").check()
    page.get_by_label("Respond anonymously").check()
    page.get_by_role("button", name="Send response").click()
    submitted(page)
    expect(page.locator(".respond-form")).to_contain_text("A block needs a reason")
    expect(page.get_by_label("Block")).to_be_checked()
    page.get_by_label("Reason").fill("Weekly batches break our month-end close.")
    page.get_by_role("button", name="Send response").click()
    submitted(page)
    expect(page.get_by_text("You have responded")).to_be_visible()
    block = DecisionResponse.objects.get()
    assert block.person is None
    assert block.anonymous

    # Adam agrees, by name.
    switch_user(page, "admin@acme.test")
    page.visit(detail)
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Send response").click()
    submitted(page)
    assert DecisionResponse.objects.count() == 2

    # Time passes: the closing time is moved into the past directly in the database, since a
    # browser test cannot wait for a real closing time.
    Decision.objects.filter(pk=decision.pk).update(
        input_closes_at=timezone.now() - datetime.timedelta(minutes=5)
    )

    switch_user(page, "owner@acme.test")
    page.visit(detail)
    responses = page.locator(".response-list")
    expect(responses).to_contain_text("Anonymous")
    expect(responses).to_contain_text("Weekly batches break our month-end close.")
    page.get_by_label("Outcome").fill("Weekly batches from next month; month-end stays daily.")
    page.get_by_role("button", name="Decide").click()
    submitted(page)
    expect(page.locator("#decide .form-errors")).to_contain_text("has no written answer yet")
    expect(page.get_by_label("Outcome")).to_have_value(
        "Weekly batches from next month; month-end stays daily."
    )

    page.get_by_label("Your answer to this block").fill(
        "Month-end invoices stay daily; only mid-month ones are batched."
    )
    page.get_by_role("button", name="Save answer").click()
    submitted(page)
    expect(page.locator(".response-list .answer")).to_contain_text("Month-end invoices stay")
    page.get_by_label("Outcome").fill("Weekly batches from next month; month-end stays daily.")
    page.get_by_role("button", name="Decide").click()
    submitted(page)
    expect(page.locator(".badge.decision-decided")).to_have_text("Decided")
    expect(page.get_by_role("region", name="Outcome")).to_contain_text("Weekly batches")
    expect(page.get_by_role("link", name="Edit")).to_have_count(0)
    expect(page.page).to_have_url(re.compile(rf"{detail}$"))
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DECIDED
