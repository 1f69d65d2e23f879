"""Feedback and ideas in a real browser: give feedback (guidance on the form, errors for the
missing fields, the receiver reads it, replies and marks it acted on); propose an idea and
vote on it as another user (the count changes in place; anonymous voting hides the voters).
Every page visited is also checked for accessibility."""

from playwright.sync_api import expect

from accord.comms.models import Feedback, Idea, IdeaVote
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def person(tenant, role: str, name: str, function) -> Person:
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace, name=name, email=user.email, user=user, function=function
    )


def switch_user(page: CheckedPage, email: str) -> None:
    page.context.clear_cookies()
    sign_in(page, email, PASSWORD)


def test_give_feedback_and_the_receiver_replies_and_marks_it_acted_on(page, acme):
    """The form shows guidance and names every missing field; once sent, the receiver finds
    it in Received, replies without a reload and marks it acted on."""
    person(acme, "member", "Mia Member", acme.sales)
    person(acme, "admin", "Ada Admin", acme.finance)
    sign_in(page, "member@acme.test", PASSWORD)

    page.visit("/w/acme/feedback/")
    page.get_by_role("link", name="Give feedback").first.click()
    submitted(page)
    expect(page.get_by_role("heading", name="Feedback that helps")).to_be_visible()
    expect(page.get_by_text("Describe behaviour, not character.")).to_be_visible()

    page.get_by_label("Situation").fill("In Tuesday's pricing review")
    page.get_by_role("button", name="Send feedback").click()
    submitted(page)
    errors = page.locator(".form-errors")
    expect(errors).to_contain_text("Please fix 3 problems below.")
    expect(page.get_by_text("Choose one person, function or partnership")).to_be_visible()
    expect(page.get_by_text("Describe what the person or team did or said")).to_be_visible()
    expect(page.get_by_text("Say what it changed for you, the team or the work.")).to_be_visible()
    expect(page.get_by_label("Situation")).to_have_value("In Tuesday's pricing review")
    assert not Feedback.objects.exists()

    page.get_by_label("Feedback for").select_option(label="Ada Admin (Finance)")
    page.get_by_label("Behaviour").fill("You walked us through the margin bridge first.")
    page.get_by_label("Impact").fill("Sales could say yes in the meeting.")
    page.get_by_label("Request").fill("Do the same for the Q3 bundles.")
    page.get_by_role("button", name="Send feedback").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Feedback for Ada Admin")
    expect(page.get_by_text("Feedback sent to Ada Admin.")).to_be_visible()

    switch_user(page, "admin@acme.test")
    page.visit("/w/acme/feedback/")
    received = page.locator("#feedback-results")
    expect(received).to_contain_text("You walked us through the margin bridge first.")
    expect(received.locator(".badge.warn")).to_have_text("Awaiting your reply")
    received.get_by_role("link", name="Read and reply").click()
    submitted(page)
    page.get_by_label("Your reply").fill("Thank you — I will do it for Q3.")
    page.get_by_role("button", name="Send reply").click()
    reply = page.locator("#reply")
    expect(reply.locator("blockquote")).to_contain_text("Thank you — I will do it for Q3.")
    page.check_accessibility()
    reply.get_by_role("button", name="Mark as acted on").click()
    expect(page.locator("#reply .badge.ok")).to_contain_text("Acted on")
    page.check_accessibility()

    feedback = Feedback.objects.get()
    assert feedback.reply == "Thank you — I will do it for Q3."
    assert feedback.acted_on_at is not None

    switch_user(page, "member@acme.test")
    page.visit(f"/w/acme/feedback/{feedback.uuid}/")
    expect(page.locator("#reply blockquote")).to_contain_text("Thank you — I will do it for Q3.")


def test_propose_an_idea_and_vote_on_it_as_another_user(page, acme):
    """A partnership member proposes two ideas; another user votes from the list (the count
    changes in place) and on the idea page: voters are named, except with anonymous voting."""
    member = person(acme, "member", "Mia Member", acme.sales)
    lead = person(acme, "admin", "Ada Admin", acme.finance)
    partnership = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Quote to cash",
        functions=[acme.sales, acme.finance],
        lead=lead,
    )
    partnership_actions.partnership_member_add(
        partnership=partnership, actor=acme.owner, person=member, function=acme.sales
    )
    sign_in(page, "member@acme.test", PASSWORD)

    for title, anonymous in (("One quote template", False), ("Rotate the agenda", True)):
        page.visit("/w/acme/ideas/")
        page.get_by_role("link", name="Propose an idea").first.click()
        submitted(page)
        page.get_by_label("Partnership").select_option(partnership.slug)
        page.get_by_label("Title").fill(title)
        page.get_by_label("Problem").fill("Sales and Finance keep two formats.")
        page.get_by_label("Proposal").fill("Agree one, owned by Finance.")
        page.get_by_label("Finance").check()
        if anonymous:
            page.get_by_label("Anonymous voting").check()
        page.get_by_role("button", name="Propose idea").click()
        submitted(page)
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".idea-voters")).to_contain_text(
        "You proposed this idea; votes are for others."
    )

    switch_user(page, "admin@acme.test")
    page.visit("/w/acme/ideas/")
    open_idea = Idea.objects.get(title="One quote template")
    box = page.locator(f"#vote-{open_idea.uuid}")
    expect(box.locator(".idea-vote-count strong")).to_have_text("0")
    box.get_by_role("button", name="Vote for One quote template").click()
    box = page.locator(f"#vote-{open_idea.uuid}")
    expect(box.locator(".idea-vote-count strong")).to_have_text("1")
    expect(box.get_by_role("button", name="Vote for One quote template")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.check_accessibility()
    expect(page.locator("#idea-results")).to_contain_text("of 2 ideas cross a function line")

    page.get_by_role("link", name="One quote template").click()
    submitted(page)
    expect(page.locator(".idea-voters")).to_contain_text("Ada Admin")

    secret = Idea.objects.get(title="Rotate the agenda")
    page.visit(f"/w/acme/ideas/{secret.uuid}/")
    box = page.locator(f"#vote-{secret.uuid}")
    box.get_by_role("button", name="Vote for Rotate the agenda").click()
    box = page.locator(f"#vote-{secret.uuid}")
    expect(box.locator(".idea-vote-count strong")).to_have_text("1")
    expect(box).to_contain_text("Voting is anonymous: only the count is shown.")
    expect(box).not_to_contain_text("Ada Admin")
    page.check_accessibility()

    # Taking the vote back brings the count down again.
    box.get_by_role("button", name="Vote for Rotate the agenda").click()
    expect(page.locator(f"#vote-{secret.uuid} .idea-vote-count strong")).to_have_text("0")
    assert IdeaVote.objects.count() == 1
