"""Roles (RACI) in a real browser: edit cells with the keyboard-friendly selects, see a rule
violation appear (a second A) and clear (set it back). Every page is axe-checked."""

from playwright.sync_api import expect

from accord.governance import raci_actions as actions
from accord.partnerships.actions import partnership_create, partnership_member_add
from conftest import PASSWORD
from tests.browser.conftest import sign_in

FINDING = "Exactly one A per deliverable"


def test_a_second_a_shows_the_finding_and_setting_it_back_clears_it(page, acme):
    partnership = partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Quote to cash",
        functions=[acme.sales, acme.finance],
    )
    for person, function in ((acme.alice, acme.sales), (acme.bob, acme.finance)):
        partnership_member_add(
            partnership=partnership, actor=acme.owner, person=person, function=function
        )
    row = actions.deliverable_create(
        partnership=partnership, actor=acme.owner, name="Pricing approval"
    )
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.alice, letter="A")
    actions.raci_cell_set(deliverable=row, actor=acme.owner, person=acme.bob, letter="R")
    billing = actions.deliverable_create(partnership=partnership, actor=acme.owner, name="Billing")
    actions.raci_cell_set(deliverable=billing, actor=acme.owner, person=acme.bob, letter="A")
    actions.raci_cell_set(deliverable=billing, actor=acme.owner, person=acme.alice, letter="R")

    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(f"/w/acme/partnerships/{partnership.slug}/")
    page.get_by_role("link", name="Roles (RACI)").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    findings = page.locator("#raci-findings")
    expect(findings).to_contain_text("No findings")

    bob = page.get_by_label("Role of Bob Baker on Pricing approval")
    bob.focus()
    bob.select_option("A")
    expect(findings).to_contain_text(FINDING)
    expect(findings).to_contain_text("2 people accountable (Alice Archer and Bob Baker)")
    expect(page.locator("tr.raci-error")).to_have_count(1)
    expect(page.locator("td.raci-cell.flagged")).to_have_count(2)
    # The select keeps focus across the swap, so keyboard users can carry on.
    expect(page.get_by_label("Role of Bob Baker on Pricing approval")).to_be_focused()
    page.check_accessibility()

    page.get_by_label("Role of Bob Baker on Pricing approval").select_option("R")
    expect(findings).not_to_contain_text(FINDING)
    expect(findings).to_contain_text("No findings")
    expect(page.locator("tr.raci-error")).to_have_count(0)

    # The data was kept throughout and the history shows each change.
    page.get_by_role("link", name="Pricing approval").click()
    page.wait_for_load_state("load")
    page.check_accessibility()
    history = page.locator("section", has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("role of Bob Baker")
