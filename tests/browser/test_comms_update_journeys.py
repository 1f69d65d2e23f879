"""Status updates in a real browser: a member posts an update with an ask to a colleague;
the colleague finds it under "Needs my response", acknowledges it and answers the ask inline;
"Read by" and the ask's state change in place. Every page visited is checked for
accessibility."""

from playwright.sync_api import expect

from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def switch_user(page: CheckedPage, email: str) -> None:
    """Sign out by dropping the session cookie, then sign in as someone else."""
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)


def test_post_an_update_acknowledge_it_as_another_user_and_answer_the_ask(page, acme):
    """Mia posts an amber update asking Ada to approve the dunning letter; Ada sees the ask
    waiting for her, acknowledges the update and answers; the author's page then shows the
    answer and "Read by 1 of 2"."""
    mia = Person.objects.create(
        workspace=acme.workspace,
        name="Mia Member",
        email=acme.member.email,
        user=acme.member,
        function=acme.sales,
    )
    ada = Person.objects.create(
        workspace=acme.workspace,
        name="Ada Admin",
        email=acme.admin.email,
        user=acme.admin,
        function=acme.finance,
    )
    partnership = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Quote to cash",
        functions=[acme.sales, acme.finance],
        lead=mia,
    )
    for person, function in ((mia, acme.sales), (ada, acme.finance), (acme.bob, acme.finance)):
        partnership_actions.partnership_member_add(
            partnership=partnership, actor=acme.owner, person=person, function=function
        )

    sign_in(page, "member@acme.test", PASSWORD)
    page.visit(f"/w/acme/updates/?partnership={partnership.slug}")
    expect(page.get_by_role("heading", name="No updates yet")).to_be_visible()
    page.get_by_role("link", name="Post the first update").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Post an update")
    # Nothing filled in: the form explains what is missing and keeps the page.
    page.get_by_label("Progress").fill("")
    page.get_by_role("button", name="Post update").click()
    submitted(page)
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_text("Say what moved this period.")).to_be_visible()

    page.get_by_text("Amber — at risk").click()
    page.get_by_label("Progress").fill("Invoices go out the day we ship; disputes still slow.")
    page.get_by_label("Blockers").fill("The dispute inbox has no owner.")
    page.get_by_label("Ask 1", exact=True).fill("Approve the new dunning letter")
    page.locator("#id_asks-0-to").select_option(label="Ada Admin (Finance)")
    # JavaScript offers more ask rows on demand.
    page.get_by_role("button", name="Add another ask").click()
    expect(page.get_by_label("Ask 4", exact=True)).to_be_focused()
    page.get_by_role("button", name="Post update").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Update for")
    update = StatusUpdate.objects.get()
    assert update.author == mia
    ask = Ask.objects.get()
    assert ask.to_person == ada
    expect(page.locator(f"#ask-{ask.uuid}")).to_contain_text("Open · today")
    expect(page.locator("#read-by")).to_contain_text("Read by 0 of 2 members")

    switch_user(page, "admin@acme.test")
    page.visit("/w/acme/updates/needs-me/")
    waiting = page.locator(f"#ask-{ask.uuid}")
    expect(waiting).to_contain_text("Approve the new dunning letter")
    expect(page.get_by_role("heading", name="Updates I have not acknowledged")).to_be_visible()
    waiting.get_by_role("link").click()
    submitted(page)

    read_by = page.locator("#read-by")
    read_by.get_by_role("button", name="Acknowledge").click()
    expect(read_by).to_contain_text("You acknowledged this")
    expect(read_by).to_contain_text("Read by 1 of 2 members — Finance 1/2")
    page.check_accessibility()
    assert Acknowledgement.objects.get().person == ada

    item = page.locator(f"#ask-{ask.uuid}")
    expect(item).to_contain_text("addressed to you")
    item.get_by_label("Your answer").fill("Approved, with the softer first reminder.")
    item.get_by_role("button", name="Send answer").click()
    answered = page.locator(f"#ask-{ask.uuid}")
    expect(answered.locator(".badge")).to_have_text("Answered")
    expect(answered).to_contain_text("Ada Admin answered")
    expect(answered).to_contain_text("Approved, with the softer first reminder.")
    page.check_accessibility()
    ask.refresh_from_db()
    assert ask.answered_by == ada

    page.visit("/w/acme/updates/needs-me/")
    expect(page.get_by_role("heading", name="Nothing waits for you")).to_be_visible()

    switch_user(page, "member@acme.test")
    page.visit(f"/w/acme/updates/{update.uuid}/")
    expect(page.locator("#read-by")).to_contain_text("Read by 1 of 2 members")
    expect(page.locator(f"#ask-{ask.uuid}")).to_contain_text("Answered")
    page.visit(f"/w/acme/updates/?partnership={partnership.slug}")
    expect(page.locator(f"#update-{update.uuid}")).to_contain_text("1 ask answered")
    expect(page.locator(f"#update-{update.uuid}")).to_contain_text("Read by 1 of 2")
