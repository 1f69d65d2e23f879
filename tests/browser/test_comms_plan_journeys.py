"""Communication plans in a real browser: compare two functions' profiles on a partnership and
see where they differ, ask the channel advisor, and a function lead reranks priorities with
htmx. Every page visited is also checked for accessibility."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from accord.comms import plan_actions, profile_actions
from accord.comms.models_profiles import FunctionProfile
from accord.org.models import Function, Person
from accord.partnerships import actions as partnership_actions
from accord.partnerships.models import Partnership
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def submitted(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def world(acme):
    operations = Function.objects.create(workspace=acme.workspace, name="Operations")
    partnership = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Wholesale margin",
        functions=[acme.sales, acme.finance, operations],
    )
    Partnership.objects.filter(pk=partnership.pk).update(status="active")
    partnership.refresh_from_db()
    admin = acme.membership("admin")
    profile_actions.profile_save(
        membership=admin,
        function=acme.sales,
        planning_cycle="monthly",
        preferred_channels=["chat"],
        response_time_hours=4,
        owned_kpis=["discount_rate"],
        busy_windows=[{"label": "Quarter-end crunch", "months": [3, 6, 9, 12], "day_from": 15}],
    )
    profile_actions.profile_save(
        membership=admin,
        function=acme.finance,
        planning_cycle="quarterly",
        preferred_channels=["email_list", "shared_doc"],
        response_time_hours=48,
        owned_kpis=["gross_margin"],
        approval_steps="Controller review\nCFO sign-off",
    )
    profile_actions.profile_save(
        membership=admin,
        function=operations,
        planning_cycle="monthly",
        preferred_channels=["chat"],
        response_time_hours=24,
    )
    plan_actions.comm_channel_create(
        membership=admin, partnership=partnership, kind="chat", name="#wholesale-margin"
    )
    plan_actions.cadence_create(
        membership=admin,
        partnership=partnership,
        kind="weekly_update",
        starts_on=date.today() - timedelta(days=20),
    )
    return partnership, operations


def test_compare_two_functions_profiles_on_a_partnership(page, acme):
    """A viewer opens the plan, narrows the comparison to Sales and Finance, and sees the
    differences listed and the rows that differ marked."""
    partnership, _operations = world(acme)
    sign_in(page, "viewer@acme.test", PASSWORD)
    page.visit(f"/w/acme/partnerships/{partnership.slug}/communication/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Communication plan")
    expect(page.get_by_role("alert").first).to_contain_text("Inadequate communication")
    comparison = page.locator("#profile-comparison")
    expect(comparison.locator("thead th")).to_have_count(4)  # aspect + three functions

    comparison.get_by_label("Operations").uncheck()
    comparison.get_by_role("button", name="Compare").click()
    expect(page.locator("#profile-comparison thead th")).to_have_count(3)
    page.check_accessibility()
    assert re.search(r"compare=.*compare=", page.url)

    differences = page.get_by_role("list", name="Differences")
    expect(differences).to_contain_text("Priorities pull apart: Average discount vs Gross margin")
    expect(differences).to_contain_text("No shared preferred channel: Finance and Sales")
    expect(differences).to_contain_text("Response times far apart")
    expect(differences).to_contain_text("Different planning cycles")
    expect(differences).not_to_contain_text("Operations")
    planning = page.locator("#profile-comparison tr", has_text="Planning cycle")
    expect(planning).to_have_class(re.compile("differs"))
    expect(planning.locator(".badge")).to_have_text("Differs")
    expect(page.locator("#profile-comparison tr", has_text="KPIs owned")).not_to_have_class(
        re.compile("differs")
    )

    page.get_by_role("link", name="Finance").first.click()
    submitted(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("How to work with Finance")
    expect(page.locator("body")).to_contain_text("CFO sign-off")


def test_the_channel_advisor_answers_as_the_form_changes(page, acme):
    """The advice updates in place: a contested decision for twenty people is a workshop,
    with a written summary to follow; a sensitive matter for one person is a one-to-one."""
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit("/w/acme/communication/advisor/")
    expect(page.locator("#advice")).to_contain_text("The advice appears here")
    page.get_by_role("group", name="Ambiguity or likely disagreement").get_by_label("High").check()
    page.get_by_label("Audience (people)").fill("20")
    page.get_by_label("A decision").check()
    page.get_by_label("It needs a record people can find later").check()
    advice = page.locator("#advice")
    expect(advice.locator(".advice-channel")).to_have_text("Workshop")
    expect(advice).to_contain_text("Follow the workshop with a written summary")
    page.check_accessibility()

    page.get_by_role("group", name="Sensitivity").get_by_label("High").check()
    page.get_by_label("Audience (people)").fill("1")
    page.get_by_label("A discussion or their input").check()
    expect(page.locator("#advice .advice-channel")).to_have_text("One-to-one conversation")
    assert "sensitivity=high" in page.url
    page.check_accessibility()


def test_a_function_lead_reranks_priorities_and_marks_the_profile_reviewed(page, acme):
    lead = Person.objects.create(
        workspace=acme.workspace, name="Mia Member", email=acme.member.email, user=acme.member
    )
    acme.sales.lead = lead
    acme.sales.save(update_fields=["lead"])
    profile = profile_actions.profile_save(membership=acme.membership("admin"), function=acme.sales)
    for title in ("Hit the bookings target", "Win the grocery chains"):
        profile_actions.priority_add(
            membership=acme.membership("admin"), profile=profile, title=title
        )
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit(f"/w/acme/communication/profiles/{acme.sales.uuid}/edit/")
    page.get_by_role("button", name="Move “Win the grocery chains” up").click()
    expect(page.locator("#priorities [role=status]")).to_contain_text("rank 1")
    expect(page.locator(".priority-edit-list li").first).to_contain_text("Win the grocery chains")
    page.check_accessibility()
    page.locator("#priorities").get_by_label("Priority").fill("Protect margin on promotions")
    page.get_by_role("button", name="Add priority").click()
    expect(page.locator(".priority-edit-list li")).to_have_count(3)
    page.check_accessibility()

    page.visit(f"/w/acme/communication/profiles/{acme.sales.uuid}/")
    page.get_by_role("button", name="Mark reviewed").click()
    submitted(page)
    expect(page.locator("body")).to_contain_text("Marked the Sales profile as reviewed today.")
    assert FunctionProfile.objects.get(pk=profile.pk).reviewed_by == lead
