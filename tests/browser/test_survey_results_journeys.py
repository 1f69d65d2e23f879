"""Survey results in a real browser: a coordination survey with k = 3 shows no numbers while it
is open (only how many answered), then, once everyone has answered and it is closed, the
heatmap with values and n; a breakdown under the threshold says withheld and shows no number;
a survey that closed with two answers shows nothing at all. Every page visited is checked
for accessibility."""

import re
from pathlib import Path

from playwright.sync_api import expect

from accord.surveys import instruments as builtin
from accord.surveys.models import Cycle, Response
from accord.surveys.tests.test_results_support import World, cycle_run, psych_answers
from conftest import PASSWORD
from tests.browser.conftest import sign_in
from tests.browser.test_survey_journeys import (
    loaded,
    submit,
    survey_answer_by_link,
    survey_create_and_open,
    survey_team_build,
)


def test_results_appear_after_the_close_with_the_heatmap_and_withheld_breakdowns(page, acme):
    team = survey_team_build(acme)  # Sales and Finance, three people each
    sign_in(page, "admin@acme.test", PASSWORD)
    cycle = survey_create_and_open(page, team, title="Launch coordination pulse", k=3)
    results_url = f"/w/acme/surveys/results/cycles/{cycle.uuid}/"

    # Two answers: the results page says how many, and when results will show; no numbers.
    survey_answer_by_link(page, team, cycle, team.person("Sales", 0), position=4)
    survey_answer_by_link(page, team, cycle, team.person("Finance", 0), position=3)
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(results_url)
    expect(page.locator(".results-state")).to_contain_text("Results appear when the survey closes")
    expect(page.locator(".results-state")).to_contain_text(
        "at least 3 people have answered (2 so far)"
    )
    expect(page.locator(".rc-matrix")).to_have_count(0)

    # Everyone else answers, then the admin closes the survey from its page.
    for person in (
        team.person("Sales", 1),
        team.person("Sales", 2),
        team.person("Finance", 1),
        team.person("Finance", 2),
    ):
        position = 4 if person.function_id == team.functions["Sales"].pk else 3
        survey_answer_by_link(page, team, cycle, person, position=position)
    assert Response.objects.filter(cycle=cycle).count() == 6
    sign_in(page, "admin@acme.test", PASSWORD)
    page.visit(f"/w/acme/surveys/cycles/{cycle.uuid}/")
    page.get_by_role("button", name="Close now").click()
    submit(page, page.locator("#confirm-dialog [data-confirm-ok]"))
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED

    # The heatmap: each tie with its value and n; the diagonal is not rated.
    submit(page, page.get_by_role("link", name="Results"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Launch coordination pulse")
    heatmap = page.get_by_role("table", name=re.compile("Coordination scores"))
    expect(heatmap).to_be_visible()
    sales_row = heatmap.get_by_role("row", name=re.compile("^Sales"))
    expect(sales_row).to_contain_text("4.00")  # every answer "usually" / "too often": 4
    expect(sales_row).to_contain_text("n = 3")
    finance_row = heatmap.get_by_role("row", name=re.compile("^Finance"))
    expect(finance_row).to_contain_text("3.29")  # "just the right amount" scores 5, the rest 3
    expect(page.locator(".stat-value").first).to_contain_text("3.64")
    expect(page.locator("[data-results-chart].chart-ready").first).to_be_visible()

    # Managers: one person. The breakdown is withheld, without a number.
    page.get_by_label("Seniority").select_option(label="Managers")
    expect(page.locator("#results-body")).to_contain_text("Withheld.")
    expect(page.locator("#results-body")).to_contain_text("Fewer than 3 respondents.")
    expect(page.locator("#results-body .stat-value")).to_have_count(0)
    expect(page.locator("#results-body .rc-matrix")).to_have_count(0)
    page.check_accessibility()
    assert "band=manager" in page.url

    # Individual contributors are four, but would leave the manager and the leader (two
    # people) to subtraction: withheld as well.
    page.get_by_label("Seniority").select_option(label="Individual contributors")
    expect(page.locator("#results-body")).to_contain_text("neighbours")
    expect(page.locator("#results-body .stat-value")).to_have_count(0)
    page.check_accessibility()

    # Sales alone (three people) shows its own row.
    page.visit(f"{results_url}?function={team.functions['Sales'].uuid}")
    expect(page.get_by_role("heading", name="Results for Sales")).to_be_visible()
    expect(page.get_by_role("table", name=re.compile("Coordination scores"))).to_contain_text(
        "n = 3"
    )

    # The export has the same numbers, and a withheld row has no value.
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Coordination: Sales → Finance" in text
    assert "withheld" in text

    # The partnership's results page and the methods page behind "How these numbers work".
    page.visit(f"/w/acme/surveys/results/partnerships/{team.partnership.slug}/")
    expect(page.get_by_role("heading", name="Coordination between functions")).to_be_visible()
    expect(page.locator("main")).to_contain_text("3.64")
    submit(page, page.get_by_role("link", name="How these numbers work"))
    expect(page.get_by_role("heading", name="Anonymity rules")).to_be_visible()


def test_a_survey_closed_with_two_answers_shows_nothing(page, acme):
    team = survey_team_build(acme)
    world = World(
        tenant=acme, partnership=team.partnership, functions=team.functions, people=team.people
    )
    cycle = cycle_run(
        world, builtin.PSYCH_SAFETY_KEY, answer=psych_answers(6), who=team.people[:2], k=3
    )
    sign_in(page, "viewer@acme.test", PASSWORD)
    page.visit(f"/w/acme/surveys/results/cycles/{cycle.uuid}/")
    expect(page.locator(".results-state")).to_contain_text("Not enough answers for results.")
    expect(page.locator(".results-state")).to_contain_text(
        "at least 3 people have answered (2 did)"
    )
    expect(page.locator(".stat-value")).to_have_count(0)
    page.visit("/w/acme/surveys/results/")
    loaded(page)
    expect(page.locator("main")).to_contain_text("Launch readiness")
    expect(page.locator("main")).to_contain_text("No cycle has closed with enough responses yet.")
