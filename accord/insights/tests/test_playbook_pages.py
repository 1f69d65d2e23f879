"""Playbook pages: a partnership's plays with their decisions and follow-up, the workspace
catalogue, clear errors, permissions, other workspaces, and constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accord.governance.models import ActionItem
from accord.insights.models import Recommendation
from accord.insights.playbook_actions import recommendations_refresh
from accord.insights.tests.playbook_world import conflict_write, snapshot_write, team_build
from accord.metrics.playbook import PLAYS

pytestmark = pytest.mark.django_db
Status = Recommendation.Status


def setup_plays(tenant, team):
    today = timezone.localdate()
    snapshot_write(team.partnership, day=today, components={"goal_progress": 40.0})
    conflict_write(team.partnership, title="Align <b>pricing</b>", days=45, today=today)
    recommendations_refresh(
        workspace=tenant.workspace, today=today, partnerships=[team.partnership]
    )


def page_url(tenant, team):
    return reverse("playbook_partnership", args=[tenant.workspace.slug, team.partnership.slug])


def decide_url(tenant, team, rec, decision):
    return reverse(
        f"recommendation_{decision}", args=[tenant.workspace.slug, team.partnership.slug, rec.uuid]
    )


@pytest.fixture
def team(acme):
    built = team_build(acme)
    setup_plays(acme, built)
    return built


def test_the_page_shows_open_plays_with_reasons_evidence_and_steps(acme, team, login):
    response = login(acme.viewer).get(page_url(acme, team))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Revisit the KPIs" in body
    assert "Goal progress: 40 of 100" in body
    assert "Review each KPI" in body  # a step
    assert "Align &lt;b&gt;pricing&lt;/b&gt;" in body  # escaped
    assert "Accept the play" not in body  # a viewer reads only


def test_the_lead_accepts_a_play_and_its_action_items_appear(acme, team, login):
    client = login(acme.member)  # the lead's login
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    prefix = f"r{rec.pk}"
    response = client.post(
        decide_url(acme, team, rec, "accept"),
        {
            f"{prefix}-steps": ["0", "1"],
            f"{prefix}-owner": str(team.members[0].uuid),
            f"{prefix}-due_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat(),
            f"{prefix}-version": rec.version,
        },
    )
    assert response.status_code == 302
    items = ActionItem.objects.filter(source_uuid=rec.uuid)
    assert items.count() == 2
    page = client.get(page_url(acme, team)).content.decode()
    assert "Accepted plays and their effect" in page
    assert reverse("action_detail", args=[acme.workspace.slug, items[0].uuid]) in page
    assert "0 of 2 done" in page


def test_accept_errors_name_the_field_and_keep_the_form(acme, team, login):
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    prefix = f"r{rec.pk}"
    response = login(acme.member).post(
        decide_url(acme, team, rec, "accept"),
        {f"{prefix}-owner": str(acme.bob.uuid), f"{prefix}-version": rec.version},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Choose at least one step" in body
    assert "Choose a member of this partnership." in body
    assert not ActionItem.objects.exists()


def test_dismiss_without_a_reason_is_refused_clearly(acme, team, login):
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    response = login(acme.member).post(
        decide_url(acme, team, rec, "dismiss"), {f"r{rec.pk}-reason": ""}
    )
    assert response.status_code == 422
    assert "Say why you dismiss this play" in response.content.decode()
    rec.refresh_from_db()
    assert rec.status == Status.OPEN


def test_snooze_then_reopen(acme, team, login):
    client = login(acme.member)
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    until = timezone.localdate() + datetime.timedelta(days=14)
    response = client.post(
        decide_url(acme, team, rec, "snooze"),
        {f"r{rec.pk}-until": until.isoformat(), f"r{rec.pk}-reason": "After the audit"},
    )
    assert response.status_code == 302
    page = client.get(page_url(acme, team)).content.decode()
    assert "Snoozed until" in page
    assert "After the audit" in page
    assert client.post(decide_url(acme, team, rec, "reopen"), {}).status_code == 302
    rec.refresh_from_db()
    assert rec.status == Status.OPEN


def test_a_stale_form_says_what_happened(acme, team, login):
    client = login(acme.member)
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    Recommendation.objects.filter(pk=rec.pk).update(version=rec.version + 1)
    response = client.post(
        decide_url(acme, team, rec, "dismiss"),
        {f"r{rec.pk}-reason": "Old page", f"r{rec.pk}-version": rec.version},
        follow=True,
    )
    assert "Someone else decided about this play" in response.content.decode()
    rec.refresh_from_db()
    assert rec.status == Status.OPEN


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_others_may_not_decide(acme, team, login, role):
    team.lead.user = None
    team.lead.save(update_fields=["user"])
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    response = login(acme.user(role)).post(
        decide_url(acme, team, rec, "dismiss"), {f"r{rec.pk}-reason": "No"}
    )
    assert response.status_code == 403


def test_other_workspaces_get_404(acme, globex, team, login):
    client = login(globex.owner)
    rec = Recommendation.objects.get(play_key="revisit_kpis")
    assert client.get(page_url(acme, team)).status_code == 404
    assert client.post(decide_url(acme, team, rec, "dismiss"), {"reason": "x"}).status_code == 404
    ours = reverse(
        "recommendation_dismiss", args=[globex.workspace.slug, "pricing-council", rec.uuid]
    )
    assert client.post(ours, {"reason": "x"}).status_code == 404


def test_the_catalogue_documents_every_play_and_open_recommendations(acme, team, login):
    response = login(acme.viewer).get(reverse("playbook_catalog", args=[acme.workspace.slug]))
    body = response.content.decode()
    assert response.status_code == 200
    for play in PLAYS:
        assert escape(play.title) in body
    assert "below 3.5 of 5" in body
    assert "open 30 days or more" in body
    assert "Pricing Council" in body


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_page_queries_do_not_grow(acme, team, login):
    """One accepted play and two open ones cost what many of each do."""
    from accord.insights.playbook_actions import recommendation_accept
    from accord.insights.tests.playbook_world import membership

    lead = membership(acme, "member")
    today = timezone.localdate()
    recommendation_accept(
        membership=lead,
        recommendation=Recommendation.objects.get(play_key="revisit_kpis"),
        owner=acme.alice,
    )
    client = login(acme.member)
    url = page_url(acme, team)
    _queries(client, url)
    one = _queries(client, url)
    for number in range(3):
        conflict_write(team.partnership, title=f"More {number}", days=40 + number, today=today)
    snapshot_write(
        team.partnership,
        day=today,
        components={"goal_progress": 30.0, "psych_safety": 20.0, "asks_answered": 10.0},
    )
    recommendations_refresh(workspace=acme.workspace, today=today, partnerships=[team.partnership])
    for play in ("raci_session", "facilitated_dialogue"):
        recommendation_accept(
            membership=lead,
            recommendation=Recommendation.objects.get(play_key=play),
            owner=acme.alice,
        )
    assert Recommendation.objects.filter(status=Status.ACCEPTED).count() == 3
    assert Recommendation.objects.filter(status=Status.OPEN).exists()
    assert _queries(client, url) <= one


def test_catalogue_queries_do_not_grow(acme, team, login):
    client = login(acme.viewer)
    url = reverse("playbook_catalog", args=[acme.workspace.slug])
    _queries(client, url)  # the session's first request loads more
    one = _queries(client, url)
    other = team_build(acme, name="Second team", people=1)
    setup_plays(acme, other)
    assert _queries(client, url) == one


def test_the_docs_cover_every_play_rule_and_threshold():
    from pathlib import Path

    from accord.metrics.playbook import RULES

    text = (Path(__file__).resolve().parents[3] / "docs" / "playbook.md").read_text()
    for play in PLAYS:
        assert f"`{play.key}`" in text
    for rule in RULES:
        assert f"`{rule.id}`" in text
