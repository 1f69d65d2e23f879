"""Partnerships and their shared goals, in a real browser: start a partnership, write its
charter inline, add a goal while the SMART coach reacts, check in and watch the chart, and
what viewers and members see. Every page visited is also checked for accessibility."""

import re
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import Locator, expect

from accord.goals.models import CheckIn, Direction, Goal
from accord.org.models import Person
from accord.org.person_picker import SELECT_LIMIT
from accord.partnerships import actions
from accord.partnerships.models import Partnership, PartnershipMember
from conftest import PASSWORD, Tenant
from tests.browser.conftest import CheckedPage, sign_in

VAGUE_TITLE = "Improve collaboration"


def smart_title(due: date) -> str:
    """A SMART title; the date is computed so it stays in the future."""
    return f"Cut days sales outstanding from 52 to 40 days by {due:%Y-%m-%d} so that we fund growth"


def partnership_make(tenant: Tenant, **fields: Any) -> Partnership:
    return actions.partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name="Quote to cash",
        purpose="Sales and Finance get paid faster, together.",
        functions=[tenant.sales, tenant.finance],
        problem="Invoices go out late and disputes drag on.",
        **fields,
    )


def goal_make(tenant: Tenant, partnership: Partnership, **fields: Any) -> Goal:
    today = date.today()
    values: dict[str, Any] = {
        "title": smart_title(date(today.year + 1, 3, 31)),
        "direction": Direction.DECREASE,
        "unit": "days",
        "baseline": 52.0,
        "target": 40.0,
        "start_date": today - timedelta(days=30),
        "due_date": date(today.year + 1, 3, 31),
        "owner": tenant.alice,
        **fields,
    }
    return Goal.objects.create(workspace=tenant.workspace, partnership=partnership, **values)


def submitted(page: CheckedPage) -> None:
    """After a full-page form submission: wait for the new page and axe-check it."""
    page.wait_for_load_state("load")
    page.check_accessibility()


def criterion(coach: Locator, label: str) -> Locator:
    """The SMART coach's line for one criterion (its mark is ✓ pass / ✗ fail)."""
    return (
        coach.locator("li")
        .filter(has=coach.page.locator("strong", has_text=label))
        .locator(".smart-mark")
    )


def test_start_a_partnership_then_edit_its_charter_inline(page, acme):
    """One function is refused with the input kept; two start it; a charter section is edited
    in place without leaving the page."""
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit("/w/acme/partnerships/")
    page.get_by_role("link", name="Start a partnership").first.click()
    submitted(page)
    page.get_by_label("Name").fill("Quote to cash")
    page.get_by_label("Purpose").fill("Sales and Finance get paid faster, together.")
    page.get_by_label("Sales").check()
    page.get_by_role("button", name="Start partnership").click()
    submitted(page)
    functions = page.get_by_role("group", name=re.compile("Functions involved"))
    expect(functions).to_contain_text("at least two functions")
    expect(page.get_by_label("Name")).to_have_value("Quote to cash")
    expect(page.get_by_label("Sales")).to_be_checked()
    assert not Partnership.objects.exists()

    page.get_by_label("Finance").check()
    page.get_by_role("button", name="Start partnership").click()
    submitted(page)
    expect(page.page).to_have_url(re.compile(r"/w/acme/partnerships/quote-to-cash/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Quote to cash")

    # Edit one charter card in place: htmx swaps the card, the page itself never reloads.
    url, loads = page.url, len(page.loaded)
    card = page.locator("#charter-problem")
    expect(card).to_contain_text("Not written yet")
    card.get_by_role("link", name="Edit problem").click()
    text = "Invoices leave 9 days after delivery and disputes take a month to settle."
    card.get_by_role("textbox", name="Problem").fill(text)
    card.get_by_role("button", name="Save").click()
    expect(card.get_by_role("status")).to_have_text("Saved.")
    expect(card).to_contain_text(text)
    expect(card.get_by_role("textbox")).to_have_count(0)
    assert page.url == url
    assert len(page.loaded) == loads, "saving a charter section reloaded the page"
    page.check_accessibility()
    assert Partnership.objects.get(slug="quote-to-cash").problem == text


def test_add_a_goal_while_the_smart_coach_reacts(page, acme):
    """A vague title fails the SMART checks; a specific one passes them as the user types;
    the structured fields complete it and saving opens the goal's page."""
    partnership = partnership_make(acme)
    today = date.today()
    due = date(today.year + 1, 3, 31)
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(f"/w/acme/partnerships/{partnership.slug}/")
    page.get_by_role("region", name=re.compile("^Goals")).get_by_role(
        "link", name="Add a goal"
    ).click()
    submitted(page)
    expect(page.get_by_label("Partnership")).to_have_value(str(partnership.uuid))

    coach = page.locator("#smart-feedback")
    expect(coach).to_contain_text("Start typing a title")
    title = page.get_by_role("textbox", name="Title", exact=True)
    title.press_sequentially(VAGUE_TITLE)
    expect(coach).to_contain_text("Not SMART yet")
    for label in ("Specific", "Measurable", "Time-bound"):
        expect(criterion(coach, label)).to_have_class(re.compile(r"\bfail\b"))

    title.fill("")
    title.press_sequentially(smart_title(due))
    for label in ("Specific", "Measurable", "Time-bound"):
        expect(criterion(coach, label)).to_have_class(re.compile(r"\bpass\b"))
    expect(criterion(coach, "One owner")).to_have_class(re.compile(r"\bfail\b"))

    page.get_by_label("Unit").fill("days")
    page.get_by_label("Direction").select_option(label="Decrease")
    page.get_by_label("Baseline").fill("52")
    page.get_by_label("Target", exact=True).fill("40")
    page.get_by_label("Owner").select_option(label="Alice Archer")
    page.get_by_label("Start", exact=True).fill((today - timedelta(days=30)).isoformat())
    page.get_by_label("Due", exact=True).fill(due.isoformat())
    # Choosing the owner is a change the coach hears about too.
    expect(criterion(coach, "One owner")).to_have_class(re.compile(r"\bpass\b"))
    page.check_accessibility()

    page.get_by_role("button", name="Add goal").click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(smart_title(due))
    goal = Goal.objects.get()
    assert (goal.partnership, goal.owner) == (partnership, acme.alice)
    assert (goal.direction, goal.baseline, goal.target, goal.due_date) == ("decrease", 52, 40, due)


def test_check_in_updates_status_chart_and_table(page, acme):
    """A non-number is refused and nothing saved; three check-ins then show in the table,
    move the status and progress, and are drawn by ECharts."""
    goal = goal_make(acme, partnership_make(acme))
    today = date.today()
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(f"/w/acme/goals/{goal.uuid}/")
    chart = page.locator(".chart-box[data-chart=goal]")
    expect(chart).to_have_class(re.compile(r"\bchart-ready\b"))
    status = page.locator(".stat", has=page.get_by_text("Status", exact=True))
    expect(status).to_contain_text("No check-ins yet")
    expect(page.get_by_role("progressbar")).to_have_count(0)

    form = page.locator("form", has=page.get_by_role("button", name="Save check-in"))
    form.get_by_label("Value").fill("about forty")
    form.get_by_role("button", name="Save check-in").click()
    expect(form.locator(".field.has-error")).to_contain_text("Enter a number")
    expect(form.get_by_label("Value")).to_have_value("about forty")
    page.check_accessibility()
    assert not CheckIn.objects.exists()

    values = [("50", 20), ("47", 10), ("45", 0)]
    table = page.get_by_role("table", name=re.compile("^Check-ins of"))
    for count, (value, days_ago) in enumerate(values, start=1):
        form.get_by_label("Value").fill(value)
        form.get_by_label("Date").fill((today - timedelta(days=days_ago)).isoformat())
        form.get_by_role("button", name="Save check-in").click()
        expect(table.locator("tbody tr")).to_have_count(count)
        expect(form.get_by_label("Value")).to_have_value("")
    page.check_accessibility()
    assert CheckIn.objects.filter(goal=goal).count() == 3

    # The table is the chart's accessible fallback: newest first, with the unit.
    rows = table.locator("tbody tr")
    for row, (value, _) in zip(range(3), reversed(values), strict=True):
        expect(rows.nth(row)).to_contain_text(f"{value} days")
    expect(status).not_to_contain_text("No check-ins yet")
    expect(status.locator(".badge").first).to_have_text(re.compile("On track|At risk|Off track"))
    current = page.locator(".stat", has=page.get_by_text("Current value", exact=True))
    expect(current).to_contain_text("45")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", re.compile(r"^\d+$"))
    # ECharts redrew the swapped-in chart box with the three check-ins.
    expect(chart).to_have_class(re.compile(r"\bchart-ready\b"))
    expect(chart.locator("svg").first).to_be_visible()
    drawn = page.evaluate(
        """() => {
            const box = document.querySelector('.chart-box[data-chart=goal]');
            const chart = window.echarts.getInstanceByDom(box);
            return chart ? chart.getOption().series[0].data.length : null;
        }"""
    )
    assert drawn == 3


def test_viewer_reads_partnership_and_goal_without_controls(page, acme):
    """A viewer sees the charter, goals and check-ins, but no edit, add or check-in controls."""
    partnership = partnership_make(acme)
    goal = goal_make(acme, partnership)
    CheckIn.objects.create(
        workspace=acme.workspace, goal=goal, date=date.today() - timedelta(days=3), value=49
    )
    sign_in(page, "viewer@acme.test", PASSWORD)
    page.visit(f"/w/acme/partnerships/{partnership.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quote to cash")
    expect(page.locator("#charter-problem")).to_contain_text("Invoices go out late")
    goals = page.get_by_role("region", name=re.compile("^Goals"))
    expect(goals).to_contain_text(goal.title)
    main = page.get_by_role("main")
    for name in ("Settings", "Add a goal"):
        expect(main.get_by_role("link", name=name)).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    expect(main.get_by_text("Change status")).to_have_count(0)
    expect(main.get_by_role("button", name="Add member")).to_have_count(0)

    goals.get_by_role("link", name=goal.title).click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(goal.title)
    expect(page.get_by_role("table", name=re.compile("^Check-ins of"))).to_contain_text("49 days")
    expect(page.locator(".chart-box[data-chart=goal]")).to_have_class(re.compile("chart-ready"))
    expect(page.get_by_role("button", name="Save check-in")).to_have_count(0)
    expect(page.get_by_role("textbox", name="Value")).to_have_count(0)
    expect(page.get_by_role("link", name=re.compile("^Edit"))).to_have_count(0)
    expect(page.get_by_role("button", name="Delete")).to_have_count(0)


def test_member_browses_goal_list_and_alignment(page, acme):
    """A member finds the partnership's goal in the list and on the alignment map."""
    partnership = partnership_make(acme)
    goal = goal_make(acme, partnership)
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit("/w/acme/goals/")
    results = page.locator("#goal-results")
    expect(results.get_by_role("link", name=goal.title)).to_be_visible()
    expect(results).to_contain_text("Quote to cash")
    expect(results).to_contain_text("Alice Archer")
    page.get_by_role("navigation", name="Goals and KPIs").get_by_role(
        "link", name="Alignment"
    ).click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Alignment")
    expect(page.get_by_role("region", name=re.compile("Quote to cash"))).to_contain_text(goal.title)


def test_large_workspace_picks_people_with_the_type_ahead(page: CheckedPage, acme: Tenant) -> None:
    """With hundreds of people the lead, sponsor and member fields are search boxes: typing
    lists matching people, a click chooses one, and the choice is saved."""
    Person.objects.bulk_create(
        [
            Person(workspace=acme.workspace, name=f"Crowd {i:04d}", email=f"crowd{i:04d}@acme.test")
            for i in range(SELECT_LIMIT + 20)
        ]
    )
    partnership = partnership_make(acme)
    sign_in(page, acme.owner.email, PASSWORD)
    page.visit(f"/w/acme/partnerships/{partnership.slug}/settings/")
    lead = page.get_by_label("Lead")
    expect(lead).to_have_attribute("type", "search")
    lead.fill("alice@")
    page.get_by_role("button", name=re.compile("Alice Archer")).click()
    expect(page.locator("#id_lead")).to_have_value(str(acme.alice.uuid))
    page.get_by_label("Executive sponsor").fill("Bob")
    page.get_by_role("button", name=re.compile("Bob Baker")).click()
    page.check_accessibility()
    page.get_by_role("button", name="Save changes").click()
    submitted(page)
    partnership.refresh_from_db()
    assert (partnership.lead, partnership.sponsor) == (acme.alice, acme.bob)

    member = page.get_by_label("Person")
    member.fill("crowd0007")
    expect(page.get_by_role("button", name=re.compile("Crowd 0007"))).to_be_visible()
    page.check_accessibility()
    member.press("Enter")
    expect(page.locator("#id_member-person")).to_have_value(
        str(Person.objects.get(email="crowd0007@acme.test").uuid)
    )
    page.get_by_role("button", name="Add member").click()
    submitted(page)
    assert PartnershipMember.objects.get(partnership=partnership).person.name == "Crowd 0007"
