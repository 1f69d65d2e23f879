"""The goal-conflicts page, API and badges: real conflicts shown, supportive goals left alone."""

from datetime import date

import pytest
from django.urls import reverse

from accord.goals.models import Goal
from accord.partnerships.models import Partnership, Privacy


def _goal(tenant, *, title, function, metric, direction, baseline, target, **extra):
    return Goal.objects.create(
        workspace=tenant.workspace,
        function=function,
        title=title,
        metric_key=metric,
        direction=direction,
        baseline=baseline,
        target=target,
        unit="%",
        start_date=date(2026, 10, 1),
        due_date=date(2027, 6, 30),
        owner=tenant.alice if function == tenant.sales else tenant.bob,
        **extra,
    )


@pytest.fixture
def clash(acme):
    discount = _goal(
        acme,
        title="Raise the average discount from 8% to 12%",
        function=acme.sales,
        metric="discount_rate",
        direction="increase",
        baseline=8,
        target=12,
    )
    margin = _goal(
        acme,
        title="Lift gross margin from 34% to 38%",
        function=acme.finance,
        metric="gross_margin",
        direction="increase",
        baseline=34,
        target=38,
    )
    ally = _goal(
        acme,
        title="Grow gross margin on online orders from 40% to 42%",
        function=acme.sales,
        metric="gross_margin",
        direction="increase",
        baseline=40,
        target=42,
    )
    return discount, margin, ally


def test_page_explains_the_conflict_with_goal_titles(acme, login, clash):
    """The page names both goals by title, says why they clash and what to do next."""
    discount, margin, _ally = clash
    response = login(acme.member).get(reverse("goal_conflicts", args=["acme"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert discount.title in text
    assert margin.title in text
    assert "Metrics in tension" in text
    (conflict,) = response.context["conflicts"]
    assert str(discount.uuid) not in conflict.explanation
    assert discount.title in conflict.explanation
    assert "Next step" in text


def test_supportive_goals_are_not_flagged(acme, login, clash):
    """Two functions raising the same metric in its good direction is no conflict."""
    _discount, margin, ally = clash
    overview = login(acme.member).get(reverse("goal_conflicts", args=["acme"])).context["overview"]
    pairs = {frozenset({c.a.pk, c.b.pk if c.b else None}) for c in overview.conflicts}
    assert frozenset({margin.pk, ally.pk}) not in pairs


def test_badges_mark_only_the_goals_in_conflict(acme, login, clash):
    """Goal pages and the goal list carry a conflict badge on affected goals only."""
    discount, _margin, ally = clash
    client = login(acme.member)
    detail = client.get(reverse("goal_detail", args=["acme", discount.uuid])).content.decode()
    assert "1 conflict" in detail
    other = client.get(reverse("goal_detail", args=["acme", ally.uuid])).content.decode()
    assert "conflict with" not in other
    assert "⚠" not in other
    listing = client.get(reverse("goal_list", args=["acme"])).content.decode()
    assert listing.count("⚠ 1 conflict") >= 1


def test_badge_follows_goal_changes(acme, login, clash):
    """Changing a goal so it no longer clashes removes its badge (the snapshot is refreshed)."""
    discount, _margin, _ally = clash
    client = login(acme.member)
    url = reverse("goal_detail", args=["acme", discount.uuid])
    assert "⚠" in client.get(url).content.decode()
    discount.status = Goal.Status.CANCELLED
    discount.save()  # auto_now moves updated_at, which changes the snapshot key
    assert "⚠" not in client.get(url).content.decode()


def test_api_returns_the_same_findings(acme, login, clash):
    """GET /api/v1/goal-conflicts lists the tension with both goals' functions."""
    discount, margin, _ally = clash
    client = login(acme.viewer)
    response = client.get("/api/v1/goal-conflicts", HTTP_X_ACCORD_WORKSPACE="acme")
    assert response.status_code == 200
    body = response.json()
    kinds = {
        (c["a"]["title"], c["b"]["title"] if c["b"] else None, c["kind"]) for c in body["conflicts"]
    }
    assert any(
        {a, b} == {discount.title, margin.title} and kind == "tension" for a, b, kind in kinds
    )
    assert body["goals_checked"] == 3


def test_other_workspace_sees_nothing(acme, globex, login, clash):
    """Globex cannot open acme's page, and its own page and API show no acme goals."""
    client = login(globex.member)
    assert client.get(reverse("goal_conflicts", args=["acme"])).status_code == 404
    own = client.get(reverse("goal_conflicts", args=["globex"]))
    assert "gross margin" not in own.content.decode()
    api = client.get("/api/v1/goal-conflicts", HTTP_X_ACCORD_WORKSPACE="globex").json()
    assert api["conflicts"] == []
    assert api["goals_checked"] == 0


def test_members_only_partnership_goals_stay_hidden(acme, login, clash):
    """A clash involving a members-only partnership's goal is not shown to non-members."""
    secret = Partnership.objects.create(
        workspace=acme.workspace,
        name="Secret pricing",
        slug="secret-pricing",
        privacy=Privacy.MEMBERS,
    )
    secret.functions.set([acme.sales, acme.finance])
    hidden = Goal.objects.create(
        workspace=acme.workspace,
        partnership=secret,
        title="Cut list prices by 10% (secret)",
        metric_key="price_level",
        direction="decrease",
        baseline=100,
        target=90,
        start_date=date(2026, 10, 1),
        due_date=date(2027, 6, 30),
        owner=acme.alice,
    )
    member_view = login(acme.member).get(reverse("goal_conflicts", args=["acme"]))
    assert hidden.title not in member_view.content.decode()
    admin_view = login(acme.admin).get(reverse("goal_conflicts", args=["acme"]))
    assert admin_view.context["overview"].goals_checked == 4
