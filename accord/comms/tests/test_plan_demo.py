"""The demo's communication plans and function profiles: a profile for every function with
genuinely different rhythms, two of them stale, a plan for every forming or active
partnership, and differences to show on the partnership page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accord.comms import plan_selectors, profile_selectors
from accord.comms.models_plan import Cadence, CommChannel, ContactEntry
from accord.comms.models_profiles import FunctionProfile
from accord.org.models import Function
from accord.partnerships.models import Partnership
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db


def test_demo_profiles_and_plans_tell_a_story():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    today = timezone.localdate()
    functions = Function.objects.filter(workspace=workspace)
    profiles = FunctionProfile.objects.filter(workspace=workspace)
    assert profiles.count() == functions.count() >= 8
    assert len({p.planning_cycle for p in profiles}) >= 5
    assert len({p.response_time_hours for p in profiles}) >= 4
    assert all(p.priorities.exists() and p.owned_kpis for p in profiles)
    rows = profile_selectors.profile_rows(
        profile_selectors.function_profile_list(workspace=workspace), today
    )
    assert sorted(row.function.name for row in rows if row.stale) == ["People", "Product"]

    tracked = Partnership.objects.filter(
        workspace=workspace, status__in=plan_selectors.TRACKED_STATUSES
    )
    for partnership in tracked:
        assert CommChannel.objects.filter(partnership=partnership).exists(), partnership
        assert Cadence.objects.filter(partnership=partnership).exists(), partnership
        assert ContactEntry.objects.filter(partnership=partnership).exists(), partnership
    kinds = set(Cadence.objects.filter(workspace=workspace).values_list("kind", flat=True))
    assert {"weekly_update", "monthly_review", "qbr"} <= kinds

    owner = Membership.objects.get(workspace=workspace, user__email="owner@brightwater.example")
    overview = plan_selectors.adherence_overview(membership=owner, today=today)
    assert any(row.flags for row in overview)

    wholesale = Partnership.objects.get(workspace=workspace, slug="wholesale-margin-recovery")
    view = profile_selectors.partnership_profile_comparison(partnership=wholesale)
    titles = [d.title for d in view.comparison.differences]
    assert "Priorities pull apart: Average discount vs Gross margin" in titles
    assert "No shared preferred channel: Finance and Sales" in titles
    assert any(title.startswith("Busy at the same time") for title in titles)
