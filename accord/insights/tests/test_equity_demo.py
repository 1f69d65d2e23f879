"""The demo tells the equity story: in Wholesale Margin Recovery senior voices dominate (the
executives run the reviews, the analysts who know the numbers barely speak)."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.insights.equity import partnership_equity
from accord.partnerships.models import Partnership
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def test_senior_voices_dominate_the_margin_partnership():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    since = today - datetime.timedelta(days=89)
    margin = Partnership.objects.get(workspace=workspace, slug="wholesale-margin-recovery")
    result = partnership_equity(
        workspace=workspace, partnership=margin, since=since, until=today, reveal_small_groups=True
    )
    assert result.level == "dominated"
    levels = {g.key: g for g in result.by_seniority}
    assert levels["seniority:executive"].over_heard
    assert levels["seniority:ic"].under_heard
    assert any(m.senior_share is not None and m.senior_share > 0.8 for m in result.meetings)
    # The evenly shared sprint reviews read differently.
    sprint = Partnership.objects.get(workspace=workspace, slug="storefront-conversion-sprint")
    other = partnership_equity(
        workspace=workspace, partnership=sprint, since=since, until=today, reveal_small_groups=True
    )
    assert other.gini_normalised < result.gini_normalised
    assert not other.under_heard
