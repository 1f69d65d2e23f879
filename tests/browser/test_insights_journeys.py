"""Insights in a real browser: a lead refreshes a partnership's health, opens the portfolio,
drills into the partnership, accepts the play recommended for a stale conflict, sees the
action items it made, schedules a review, generates its pack and downloads the PDF report.
Every page visited is checked for accessibility."""

import io
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accord.goals.tests.helpers import checkins_add, goal_make
from accord.governance.models import ActionItem, Deliverable, RaciAssignment
from accord.insights.models import HealthSnapshot, Recommendation, Review
from accord.insights.tests.playbook_world import conflict_write, team_build
from conftest import PASSWORD
from tests.browser.conftest import CheckedPage, sign_in


def loaded(page: CheckedPage) -> None:
    page.wait_for_load_state("load")
    page.check_accessibility()


def test_portfolio_to_an_accepted_play_and_a_downloaded_review_report(page, acme):
    team = team_build(acme, name="Quote to Cash Council")  # Alice (the member login) leads it
    today = timezone.localdate()
    conflict_write(team.partnership, title="Who owns the credit limits", days=45, today=today)
    # A goal with weekly check-ins, so goal progress, forecast and freshness have data.
    goal = goal_make(
        acme,
        partnership=team.partnership,
        function=None,
        title="Cut quote turnaround from 10 to 4 days by summer",
        direction="decrease",
        baseline=10.0,
        target=4.0,
        unit="days",
        start_date=today - timedelta(days=60),
        due_date=today + timedelta(days=120),
    )
    checkins_add(goal, [10.0, 9.5, 9.0, 8.5], start=today - timedelta(days=28))
    # A deliverable with clear roles, so RACI completeness has data too.
    deliverable = Deliverable.objects.create(
        workspace=acme.workspace, partnership=team.partnership, name="Credit policy"
    )
    for letter, person in (("A", team.lead), ("R", team.members[0])):
        RaciAssignment.objects.create(
            workspace=acme.workspace, deliverable=deliverable, person=person, letter=letter
        )
    slug = team.partnership.slug
    sign_in(page, "member@acme.test", PASSWORD)

    # No snapshot yet: the health page says so, and the lead takes one now.
    page.visit(f"/w/acme/partnerships/{slug}/health/")
    page.get_by_role("button", name="Refresh now").click()
    loaded(page)
    snapshot = HealthSnapshot.objects.get(partnership=team.partnership, date=today)
    assert snapshot.score is not None
    expect(page.locator("main")).to_contain_text("Open conflicts and time to resolution")

    # The portfolio lists it with that score; its name leads into the partnership.
    page.visit("/w/acme/insights/")
    row = page.locator("tr", has_text="Quote to Cash Council")
    expect(row).to_contain_text(str(round(snapshot.score)))
    row.get_by_role("link", name="Quote to Cash Council").click()
    loaded(page)
    page.get_by_role("link", name="Playbook", exact=True).first.click()
    loaded(page)

    # The stale conflict recommends a facilitated dialogue, with its evidence.
    card = page.locator("#play-facilitated_dialogue")
    expect(card).to_contain_text("Who owns the credit limits")
    card.get_by_text("Accept: turn steps into action items").click()
    card.get_by_label("Owner of the action items").select_option(label=team.lead.name)
    card.get_by_role("button", name="Accept the play").click()
    loaded(page)

    recommendation = Recommendation.objects.get(
        partnership=team.partnership, play_key="facilitated_dialogue"
    )
    assert recommendation.status == Recommendation.Status.ACCEPTED
    items = ActionItem.objects.filter(
        source_type="recommendation", source_uuid=recommendation.uuid
    ).order_by("due_date", "pk")
    assert items.count() == 4
    assert {item.owner_id for item in items} == {team.lead.pk}
    first = items.first()
    assert first is not None
    accepted = page.locator("section, article", has_text="Accepted plays").first
    expect(accepted).to_contain_text(first.title)
    accepted.get_by_role("link", name=first.title).click()
    loaded(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)

    # A review: schedule it, generate its pack, download the PDF.
    page.visit(f"/w/acme/partnerships/{slug}/reviews/")
    page.get_by_label("Title").fill("March partnership review")
    page.get_by_role("button", name="Schedule review").click()
    loaded(page)
    review = Review.objects.get(partnership=team.partnership, title="March partnership review")
    expect(page.get_by_role("heading", level=1)).to_contain_text("March partnership review")
    page.get_by_role("button", name="Generate pack").click()
    loaded(page)
    review.refresh_from_db()
    assert review.status == Review.Status.PREPARED
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    path = download.path()
    assert path is not None
    data = open(path, "rb").read()  # noqa: SIM115 - read once, closed on collection
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    text = " ".join(page_.extract_text() for page_ in reader.pages)
    assert "Quote to Cash Council" in text
    assert str(round(snapshot.score)) in text
