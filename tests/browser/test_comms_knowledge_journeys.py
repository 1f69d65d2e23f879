"""Knowledge in a real browser: find an expert by skill in another function (plain form, then
live htmx results), add a resource to a partnership's library (a javascript: link is refused
first), and sign up for a learning opportunity from its card. Every page visited is also
checked for accessibility."""

from playwright.sync_api import expect

from accord.comms import knowledge_actions as actions
from accord.comms.models_knowledge import LearningOpportunity, LearningSignup, Resource
from accord.notifications.models import Event, Notification
from accord.org.actions import person_skills_set
from accord.org.models import Person
from accord.partnerships import actions as partnership_actions
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def _world(acme):
    me = Person.objects.create(
        workspace=acme.workspace,
        name="Mia Member",
        email=acme.member.email,
        user=acme.member,
        function=acme.sales,
    )
    person_skills_set(person=acme.bob, actor=None, skills={"Month-end close": 5, "SQL": 3})
    person_skills_set(person=acme.alice, actor=None, skills={"Month-end close": 3})
    actions.expertise_set(
        membership=acme.membership("admin"), person=acme.bob, topics=["Quarter-end accruals"]
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
    opportunity = actions.learning_create(
        membership=acme.membership("admin"),
        kind=LearningOpportunity.Kind.SHADOWING,
        title="Shadow the Finance month-end close",
        host=acme.bob,
        function=acme.finance,
        capacity=1,
    )
    return me, partnership, opportunity


def test_find_an_expert_add_a_resource_and_sign_up_for_learning(page, acme):
    me, partnership, opportunity = _world(acme)
    acme.bob.user = acme.admin
    acme.bob.save()
    sign_in(page, "member@acme.test", PASSWORD)

    # Find an expert in another function from the knowledge home (a plain GET form).
    page.visit("/w/acme/knowledge/")
    page.get_by_label("Skill or topic").fill("month-end")
    expect(page.get_by_label("Where")).to_have_value("others")
    page.get_by_role("button", name="Search").click()
    submitted(page)
    results = page.locator("#expert-results")
    expect(results.get_by_role("link", name="Bob Baker", exact=True)).to_be_visible()
    expect(results).to_contain_text("Month-end close")
    expect(results).not_to_contain_text("Alice Archer")  # Sales, like me
    expect(results.get_by_role("link", name="Email Bob Baker")).to_have_attribute(
        "href", "mailto:bob@acme.test?subject=Question%20about%20month-end"
    )

    # Live results while typing (htmx), across every function this time.
    page.get_by_label("Function").select_option("")
    expect(results).to_contain_text("Alice Archer")
    page.get_by_label("Skills or topics").fill("accruals")
    expect(results.get_by_role("heading", level=2)).to_have_text("People who know about “accruals”")
    expect(results).to_contain_text("Quarter-end accruals")
    expect(results).not_to_contain_text("Alice Archer")
    page.check_accessibility()

    # Add a resource to the partnership's library.
    page.visit(f"/w/acme/knowledge/partnerships/{partnership.slug}/resources/")
    expect(page.get_by_text("No resources yet")).to_be_visible()
    page.get_by_role("link", name="Add a resource").first.click()
    submitted(page)
    expect(page.get_by_label("Partnership")).to_have_value(partnership.slug)
    page.get_by_label("Kind").select_option("template")
    page.get_by_label("Title").fill("Deal review template")
    page.get_by_label("Web address").fill("javascript:alert(1)")
    page.get_by_role("button", name="Add resource").click()
    submitted(page)
    expect(page.locator(".form-errors")).to_be_visible()
    expect(page.get_by_text("“javascript:” addresses are refused")).to_be_visible()
    page.get_by_label("Web address").fill("https://drive.example.com/deal-review.xlsx")
    page.get_by_label("Tags").fill("Pricing, templates")
    page.get_by_role("button", name="Add resource").click()
    submitted(page)
    item = page.locator(".resource", has_text="Deal review template")
    expect(item).to_contain_text("#pricing")
    expect(
        item.get_by_role("link", name="Deal review template (opens in a new tab)")
    ).to_have_attribute("href", "https://drive.example.com/deal-review.xlsx")
    assert Resource.objects.get().added_by == me

    # Sign up for a learning opportunity from its card.
    page.visit("/w/acme/knowledge/learning/")
    card = page.locator(f"#learning-{opportunity.uuid}")
    card.get_by_role("button", name="Sign up for Shadow the Finance month-end close").click()
    card = page.locator(f"#learning-{opportunity.uuid}")
    expect(card.get_by_role("status")).to_contain_text("You are signed up")
    expect(card).to_contain_text("Full")
    expect(card).to_contain_text("1 of 1 place taken")
    page.check_accessibility()
    assert LearningSignup.objects.get().person == me
    assert Notification.objects.get(event=Event.LEARNING).recipient == acme.bob

    page.visit(f"/w/acme/knowledge/learning/{opportunity.uuid}/")
    expect(page.get_by_text("You are signed up")).to_be_visible()


def test_every_knowledge_page_passes_the_accessibility_check(page, acme):
    """The directory, people, a person, My expertise, forms and detail pages, as an admin who
    hosts an opportunity with a sign-up."""
    _me, partnership, opportunity = _world(acme)
    admin = Person.objects.create(
        workspace=acme.workspace, name="Ada Admin", email=acme.admin.email, user=acme.admin
    )
    hosted = actions.learning_create(
        membership=acme.membership("admin"),
        kind=LearningOpportunity.Kind.MENTORING,
        title="Mentoring for new managers",
        host=admin,
        capacity=2,
    )
    actions.learning_signup(membership=acme.membership("member"), opportunity=hosted, note="Hi")
    resource = actions.resource_create(
        membership=acme.membership("admin"),
        partnership=partnership,
        kind="note",
        title="Why bundles hurt margin",
        note="Freight was booked to Operations.",
        tags=["margin"],
    )
    sign_in(page, "admin@acme.test", PASSWORD)
    for path in (
        "/w/acme/knowledge/skills/",
        "/w/acme/knowledge/people/",
        f"/w/acme/knowledge/people/{acme.bob.uuid}/",
        f"/w/acme/knowledge/people/{acme.bob.uuid}/edit/",
        "/w/acme/knowledge/me/",
        "/w/acme/knowledge/experts/",
        "/w/acme/knowledge/resources/",
        f"/w/acme/knowledge/resources/{resource.uuid}/",
        f"/w/acme/knowledge/resources/{resource.uuid}/edit/",
        "/w/acme/knowledge/learning/add/",
        f"/w/acme/knowledge/learning/{hosted.uuid}/",
        f"/w/acme/knowledge/learning/{hosted.uuid}/edit/",
        f"/w/acme/knowledge/learning/{opportunity.uuid}/",
    ):
        response = page.visit(path)
        assert response.status == 200, path
    expect(page.get_by_role("heading", level=1)).to_have_text("Shadow the Finance month-end close")
    page.visit(f"/w/acme/knowledge/learning/{hosted.uuid}/")
    expect(page.get_by_role("cell", name="Mia Member", exact=True)).to_be_visible()
