"""Surveys in a real browser, the answering half: an admin creates a coordination survey for a
small partnership with k = 3 and opens it; four invitees answer through their one-time links
without signing in; a second answer through the same link is refused kindly; a signed-in
invitee answers in the app. Every page visited is checked for accessibility.

The functions under "Hooks for the results journeys" let tests/browser/
test_survey_results_journeys.py run the same steps before checking that results appear only
once enough people answered.
"""

import datetime
import re
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from accord.org.models import Function, Person
from accord.surveys import instruments as builtin
from accord.surveys.models import Cycle, Invitation, Response, UsedToken
from accord.surveys.tests.test_cycle_support import Team, team_build, token_of
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in

# --- Hooks for the results journeys ---------------------------------------------------------


def survey_team_build(tenant: Any, name: str = "Launch readiness") -> Team:
    """A partnership of Sales (3 people) and Finance (3 people), none with a login."""
    return team_build(tenant, {"Sales": (1, 2, 3), "Finance": (1, 2, 4)}, name=name)


def loaded(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def submit(page: CheckedPage, locator: Any) -> None:
    """Click something that loads a new page, wait for it, and check it."""
    with page.expect_navigation():
        locator.click()
    loaded(page)


def survey_create_and_open(
    page: CheckedPage,
    team: Team,
    *,
    title: str = "Launch coordination pulse",
    instrument: str = "Coordination between functions",
    k: int = 3,
    comments: int = 3,
) -> Cycle:
    """As the signed-in admin: create a survey for the team's partnership from the form and
    open it (confirming the dialog). Returns the opened cycle."""
    page.visit(f"/w/{team.tenant.workspace.slug}/surveys/")
    submit(page, page.get_by_role("link", name="New survey"))
    page.get_by_label("Title").fill(title)
    page.get_by_label("Instrument").select_option(label=instrument)
    page.get_by_label("Partnership").select_option(label=team.partnership.name)
    today = timezone.localdate()
    page.get_by_label("Opens on").fill(today.isoformat())
    page.get_by_label("Closes on").fill((today + datetime.timedelta(days=7)).isoformat())
    page.get_by_label("Smallest group shown (k)").fill(str(k))
    page.get_by_label("Respondents before comments show").fill(str(comments))
    submit(page, page.get_by_role("button", name="Create survey"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    page.get_by_role("button", name="Open now").click()
    submit(page, page.locator("#confirm-dialog [data-confirm-ok]"))
    cycle = Cycle.objects.get(title=title)
    invited = Invitation.objects.filter(cycle=cycle).count()
    expect(page.locator(".toast").first).to_contain_text(f"{invited} people were invited")
    assert cycle.status == Cycle.Status.OPEN
    return cycle


def survey_link(person: Person, cycle: Cycle) -> str:
    """The one-time link from the person's invitation (their inbox row and email)."""
    return f"/survey/{token_of(person, cycle)}/"


def coordination_fill(page: CheckedPage, targets: Sequence[Function], position: int) -> None:
    """Choose the same answer for every coordination question about every target."""
    for key in builtin.COORDINATION_ITEM_KEYS:
        for function in targets:
            page.locator(f'input[name="q-{key}@{function.uuid}"][value="{position}"]').check()


def survey_answer_by_link(
    page: CheckedPage, team: Team, cycle: Cycle, person: Person, position: int = 4
) -> None:
    """Answer as `person` through their link, signed out, and land on the thank-you page."""
    page.context.clear_cookies()
    page.visit(survey_link(person, cycle))
    targets = [f for f in team.functions.values() if f.pk != person.function_id]
    coordination_fill(page, targets, position)
    submit(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()


# --- the journey ----------------------------------------------------------------------------


def test_create_open_answer_through_links_and_refuse_a_second_answer(page, acme):
    team = survey_team_build(acme)
    sign_in(page, "admin@acme.test", PASSWORD)
    cycle = survey_create_and_open(page, team)
    assert cycle.min_group == 3
    assert Invitation.objects.filter(cycle=cycle).count() == 6

    # The first Sales invitee opens the link twice (two tabs), answers in the first...
    first = team.person("Sales", 0)
    page.context.clear_cookies()
    page.visit(survey_link(first, cycle))
    expect(page.get_by_role("columnheader", name="Just the right amount")).to_be_visible()
    expect(page.get_by_role("rowheader", name="Finance")).to_have_count(7)
    expect(page.get_by_role("rowheader", name="Sales")).to_have_count(0)
    second_tab = CheckedPage(page.context.new_page(), page.base_url)
    second_tab.visit(survey_link(first, cycle))
    coordination_fill(page, [team.functions["Finance"]], 4)
    submit(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()

    # ...and the second tab's answer is refused, kindly.
    coordination_fill(second_tab, [team.functions["Finance"]], 1)
    submit(second_tab, second_tab.get_by_role("button", name="Send my answers"))
    expect(
        second_tab.get_by_text("You have already answered this survey — thank you.")
    ).to_be_visible()
    second_tab.close()
    assert Response.objects.filter(cycle=cycle).count() == 1

    # Opening the link again says the same.
    page.visit(survey_link(first, cycle))
    expect(page.get_by_role("heading", name="Already answered")).to_be_visible()

    # Three more invitees answer; a missing rating is not required, an invalid form re-renders.
    for person in (team.person("Sales", 1), team.person("Finance", 0), team.person("Finance", 1)):
        survey_answer_by_link(page, team, cycle, person, position=3)
    assert Response.objects.filter(cycle=cycle).count() == 4
    assert UsedToken.objects.filter(cycle=cycle).count() == 4
    bands = sorted(Response.objects.filter(cycle=cycle).values_list("band", flat=True))
    assert bands == ["contributor", "contributor", "contributor", "contributor"]

    # The admin sees the response rate per function, never the answers.
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(f"/w/acme/surveys/cycles/{cycle.uuid}/")
    expect(page.get_by_text("4 of 6 answered")).to_be_visible()
    rates = page.get_by_role("table", name="Response rate per function")
    expect(rates.get_by_role("row", name="Finance")).to_contain_text("2")


def test_a_signed_in_invitee_answers_in_the_app_and_a_closed_survey_refuses(page, acme):
    team = survey_team_build(acme)
    member = team.person("Finance", 2)
    member.user = acme.member
    member.save(update_fields=["user"])
    sign_in(page, "admin@acme.test", PASSWORD)
    cycle = survey_create_and_open(
        page, team, title="Launch safety check", instrument="Psychological safety"
    )

    page.context.clear_cookies()
    sign_in(page, "member@acme.test", PASSWORD)
    page.visit("/w/acme/surveys/")
    submit(page, page.get_by_role("link", name=re.compile(r"Answer now\W+Launch safety check")))
    # Sending with one answer missing keeps what was chosen and names what is missing.
    for spec in [s for s in builtin.PSYCH_SAFETY.items if s.kind == "likert"][:-1]:
        page.locator(f'input[name="q-{spec.key}"][value="6"]').check()
    submit(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("alert")).to_contain_text("Please check 1 answer below")
    expect(page.locator('input[name="q-speak_up"][value="6"]')).to_be_checked()
    page.locator('input[name="q-kept_at_the_edge"][value="2"]').check()
    submit(page, page.get_by_role("button", name="Send my answers"))
    expect(page.locator(".toast").first).to_contain_text(
        "your answers to “Launch safety check” are saved"
    )
    expect(page.get_by_text("Answered — thank you")).to_be_visible()
    response = Response.objects.get(cycle=cycle)
    assert response.band == "leader"

    # Once closed, a link that was never used says so.
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.CLOSED)
    page.context.clear_cookies()
    page.visit(survey_link(team.person("Sales", 0), cycle))
    expect(page.get_by_role("heading", name="This survey is closed")).to_be_visible()


def test_a_health_check_link_and_the_instrument_pages(page, acme):
    """The health check's vote cards answer through a link; the instrument pages (list,
    questions, edit with "Add another question") are accessible."""
    from accord.surveys.tests.test_cycle_support import instrument_of, opened_make

    team = survey_team_build(acme)
    cycle = opened_make(
        team,
        key=builtin.HEALTH_CHECK_KEY,
        title="Launch health check",
        now=timezone.now() - datetime.timedelta(hours=1),
    )
    page.visit(survey_link(team.person("Sales", 0), cycle))
    for spec in [s for s in builtin.HEALTH_CHECK.items if s.kind == "health"]:
        page.locator(f'input[name="q-{spec.key}"][value="1"]').check()
    page.get_by_label("Getting worse").first.check()
    submit(page, page.get_by_role("button", name="Send my answers"))
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert Response.objects.get(cycle=cycle).band == "contributor"

    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit("/w/acme/surveys/instruments/")
    submit(page, page.get_by_role("link", name="Team health check"))
    expect(page.get_by_text("Votes: green (2), yellow (1), red (0)").first).to_be_visible()
    submit(page, page.get_by_role("link", name="Edit", exact=True))
    forms = page.locator("[data-item-form]")
    expect(forms).to_have_count(13)  # eleven indicators, the comment question, a blank row
    page.get_by_role("button", name="Add another question").click()
    expect(forms).to_have_count(14)
    expect(forms.last.locator("legend")).to_have_text("Question 14")
    page.check_accessibility()
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    assert instrument.versions.count() == 1
