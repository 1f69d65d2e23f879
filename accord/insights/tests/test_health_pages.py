"""The partnership health page, its "Refresh now" button, the health index settings page and
the Insights card on the partnership's home: permissions, explicit "no data", validation
with field messages, isolation and constant query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.insights.health import insight_settings_get, snapshots_take
from accord.insights.models import HealthSnapshot
from accord.insights.tests.test_health_support import bare_partnership, rich_partnership
from accord.org.tests.helpers import count_queries
from accord.partnerships.models import Privacy
from accord.partnerships.tests.helpers import person_for
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def health_url(partnership):
    return reverse("health_detail", args=[partnership.workspace.slug, partnership.slug])


def refresh_url(partnership):
    return reverse("health_refresh", args=[partnership.workspace.slug, partnership.slug])


def settings_url(tenant):
    return reverse("insight_settings", args=[tenant.workspace.slug])


def history_add(partnership, weeks, *, score=60.0):
    today = timezone.localdate()
    HealthSnapshot.objects.bulk_create(
        [
            HealthSnapshot(
                workspace=partnership.workspace,
                partnership=partnership,
                date=today - datetime.timedelta(weeks=week),
                score=score + week,
                covered_share=0.8,
                components=[],
                computed_at=timezone.now(),
            )
            for week in range(1, weeks + 1)
        ]
    )


def test_the_page_shows_score_components_and_explicit_no_data(acme, login):
    rich = rich_partnership(acme)
    snapshots_take(workspace=acme.workspace, today=timezone.localdate())
    history_add(rich.partnership, 3)
    response = login(acme.viewer).get(health_url(rich.partnership))
    assert response.status_code == 200
    body = response.content.decode()
    page = response.context["page"]
    assert page.score is not None
    assert f"{page.score:.0f}" in body
    assert "No data" in body  # the survey components
    assert "Goal progress vs expected" in body
    assert "Refresh now" not in body  # viewers read only
    assert "data-health-chart" in body
    assert 'id="health-history-data"' in body
    assert "Every snapshot’s score" in body  # the table alternative
    assert 'aria-current="page">Health<' in body  # the partnership tab bar


def test_before_the_first_snapshot_the_page_says_so(acme, login):
    partnership = bare_partnership(acme)
    response = login(acme.admin).get(health_url(partnership))
    assert response.status_code == 200
    assert "No health snapshot yet" in response.content.decode()


def test_admins_refresh_now_and_members_may_not(acme, login):
    partnership = bare_partnership(acme)
    client = login(acme.member)
    assert client.post(refresh_url(partnership)).status_code == 403
    assert not HealthSnapshot.objects.exists()
    client = login(acme.admin)
    response = client.post(refresh_url(partnership))
    assert response.status_code == 302
    assert HealthSnapshot.objects.filter(partnership=partnership).count() == 1
    assert "Refresh now" in client.get(health_url(partnership)).content.decode()


def test_the_partnership_lead_may_refresh(acme, login):
    lead = person_for(acme, "member")
    partnership = bare_partnership(acme, lead=lead)
    assert login(acme.member).post(refresh_url(partnership)).status_code == 302
    assert HealthSnapshot.objects.filter(partnership=partnership).exists()


def test_refresh_is_post_only(acme, login):
    partnership = bare_partnership(acme)
    assert login(acme.admin).get(refresh_url(partnership)).status_code == 405


def test_other_workspaces_and_private_partnerships_are_404(acme, globex, login):
    theirs = bare_partnership(globex, name="Acme Rocketry")
    client = login(acme.admin)
    url = reverse("health_detail", args=[acme.workspace.slug, theirs.slug])
    assert client.get(url).status_code == 404
    private = bare_partnership(acme, name="Secret", privacy=Privacy.MEMBERS)
    assert login(acme.viewer).get(health_url(private)).status_code == 404


def test_the_page_keeps_its_query_count(acme, login):
    rich = rich_partnership(acme)
    snapshots_take(workspace=acme.workspace, today=timezone.localdate())
    client = login(acme.admin)
    few, _ = count_queries(client, health_url(rich.partnership))
    history_add(rich.partnership, 40)
    many, response = count_queries(client, health_url(rich.partnership))
    assert len(response.context["page"].history) == 41
    assert many == few


# --- the Insights card on the partnership's home ---------------------------------------------


def test_home_shows_the_health_score_trend_and_insights_links(acme, login):
    partnership = bare_partnership(acme)
    home = reverse("partnership_detail", args=[acme.workspace.slug, partnership.slug])
    body = login(acme.viewer).get(home).content.decode()
    assert "No health snapshot yet" in body
    history_add(partnership, 1, score=50.0)  # last week: 51
    HealthSnapshot.objects.create(
        workspace=acme.workspace,
        partnership=partnership,
        date=timezone.localdate(),
        score=63.0,
        covered_share=0.9,
        computed_at=timezone.now(),
    )
    body = login(acme.viewer).get(home).content.decode()
    assert "63" in body
    assert "+12 since the previous snapshot" in body
    for name in ("health_detail", "equity_detail", "playbook_partnership", "review_list"):
        assert reverse(name, args=[acme.workspace.slug, partnership.slug]) in body


# --- settings -------------------------------------------------------------------------------


def form_data(**overrides):
    from accord.metrics.health_index import DEFAULT_WEIGHTS

    data = {f"weight_{key}": str(weight) for key, weight in DEFAULT_WEIGHTS.items()}
    data |= {"min_covered_share": "0.4", "decision_target_days": "14", "version": "1"}
    return data | overrides


def test_admins_change_the_weights_and_it_is_audited(acme, login):
    client = login(acme.admin)
    response = client.post(
        settings_url(acme), form_data(weight_coordination="20", decision_target_days="21")
    )
    assert response.status_code == 302
    saved = insight_settings_get(workspace=acme.workspace)
    assert saved.weights["coordination"] == 20.0
    assert saved.decision_target_days == 21
    assert saved.version == 2
    entry = AuditEntry.objects.get(workspace=acme.workspace, action="update")
    assert "weights" in entry.changes
    assert "decision_target_days" in entry.changes
    page = client.get(settings_url(acme)).content.decode()
    assert "next refresh" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("weight_psych_safety", "-1", "Weight of Psychological safety must be 0 or more."),
        ("weight_psych_safety", "lots", "Weight of Psychological safety: enter a number"),
        ("min_covered_share", "1.5", "Minimum covered share: enter a number from 0 to 1"),
        ("decision_target_days", "2.5", "Decision target: enter a whole number of days"),
        ("decision_target_days", "", "Decision target: enter a whole number of days."),
    ],
)
def test_bad_settings_name_the_field_and_the_rule(acme, login, field, value, message):
    response = login(acme.admin).post(settings_url(acme), form_data(**{field: value}))
    assert response.status_code == 422
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert form[field].value() == value  # the input is kept
    assert insight_settings_get(workspace=acme.workspace).version == 1


def test_all_weights_zero_is_refused(acme, login):
    from accord.metrics.health_index import DEFAULT_WEIGHTS

    zeros = {f"weight_{key}": "0" for key in DEFAULT_WEIGHTS}
    response = login(acme.admin).post(settings_url(acme), form_data(**zeros))
    assert response.status_code == 422
    assert "At least one weight must be more than 0." in response.content.decode()


def test_a_stale_form_is_refused(acme, login):
    client = login(acme.admin)
    client.post(settings_url(acme), form_data(weight_coordination="20"))
    response = client.post(settings_url(acme), form_data(weight_coordination="30"))
    assert response.status_code == 422
    assert "Someone changed these settings" in response.content.decode()
    assert insight_settings_get(workspace=acme.workspace).weights["coordination"] == 20.0


def test_members_read_the_settings_and_may_not_change_them(acme, login):
    client = login(acme.member)
    page = client.get(settings_url(acme))
    assert page.status_code == 200
    assert "Only admins and owners change these settings." in page.content.decode()
    assert client.post(settings_url(acme), form_data()).status_code == 403


def test_hostile_text_is_escaped(acme, login):
    response = login(acme.admin).post(
        settings_url(acme), form_data(weight_coordination="<script>alert(1)</script>")
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body
