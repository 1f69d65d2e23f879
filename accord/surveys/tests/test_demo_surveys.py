"""The demo's surveys: three cycles of each built-in instrument for two partnerships, with the
stories the results pages should tell (an improving tie, a group under k, a slight rise in
safety, a split vote, comments shown in two cycles and withheld in the rest), reliability
like real survey data, written in bulk."""

from io import StringIO

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.surveys import instruments as builtin
from accord.surveys.cycle_selectors import cycle_answer_arrays, my_invitation_list
from accord.surveys.demo import PARTNERSHIPS, demo_surveys_build
from accord.surveys.models import Cycle, Invitation, Item, Response, UsedToken
from accord.surveys.results_selectors import cycle_results, results_cycle_get
from accord.workspaces.models import Membership, Workspace

pytestmark = pytest.mark.django_db

# The surveys' share of the demo's query budget (accord/web/tests/test_demo.py).
QUERY_BUDGET = 60


@pytest.fixture
def brightwater():
    call_command("demo", stdout=StringIO())
    return Workspace.objects.get(slug="brightwater")


def series(workspace, slug, key):
    return list(
        Cycle.objects.filter(
            workspace=workspace, partnership__slug=slug, version__instrument__key=key
        )
        .exclude(status=Cycle.Status.DRAFT)
        .order_by("opens_at")
    )


def function_ids(arrays):
    return {name: pk for pk, name in arrays.function_names.items()}


def test_three_cycles_of_each_instrument_for_two_partnerships(brightwater):
    cycles = Cycle.objects.filter(workspace=brightwater)
    assert cycles.exclude(status=Cycle.Status.DRAFT).count() == 18
    assert cycles.filter(status=Cycle.Status.OPEN).count() == 1
    assert cycles.filter(status=Cycle.Status.DRAFT).count() == 1  # the next recurring one
    for slug in PARTNERSHIPS:
        for key in (builtin.COORDINATION_KEY, builtin.PSYCH_SAFETY_KEY, builtin.HEALTH_CHECK_KEY):
            run = series(brightwater, slug, key)
            assert len(run) == 3
            assert run[1].previous == run[0]
            assert run[2].previous == run[1]
            gap = run[1].opens_at - run[0].opens_at
            assert gap.days == 56
    for cycle in cycles:
        responded = Invitation.objects.filter(cycle=cycle, responded=True).count()
        assert Response.objects.filter(cycle=cycle).count() == responded
        assert UsedToken.objects.filter(cycle=cycle).count() == responded


def test_sales_rating_of_finance_improves_after_the_intervention(brightwater):
    means = []
    for cycle in series(brightwater, PARTNERSHIPS[0], builtin.COORDINATION_KEY):
        arrays = cycle_answer_arrays(cycle=cycle)
        ids = function_ids(arrays)
        tie = (arrays.function == ids["Sales"]) & (arrays.target == ids["Finance"])
        means.append(float(arrays.value[tie].mean()))
    assert means[0] < means[1] < means[2]
    assert means[2] - means[0] > 1.0


def test_customer_success_stays_under_k_in_the_coordination_cycles(brightwater):
    for cycle in series(brightwater, PARTNERSHIPS[0], builtin.COORDINATION_KEY):
        counts = {
            name: Response.objects.filter(cycle=cycle, function__name=name).count()
            for name in ("Customer Success", "Finance", "Sales")
        }
        assert counts["Customer Success"] < cycle.min_group
        assert counts["Finance"] >= cycle.min_group
        assert counts["Sales"] >= cycle.min_group


def _safety_mean(cycle):
    arrays = cycle_answer_arrays(cycle=cycle)
    reverse = set(
        Item.objects.filter(version=cycle.version, reverse=True).values_list("key", flat=True)
    )
    points = cycle.version.scale_points
    scored = np.where(np.isin(arrays.item, list(reverse)), points + 1 - arrays.value, arrays.value)
    return float(scored.mean())


def test_psychological_safety_rises_slightly_in_one_partnership_only(brightwater):
    rising = [
        _safety_mean(c) for c in series(brightwater, PARTNERSHIPS[1], builtin.PSYCH_SAFETY_KEY)
    ]
    steady = [
        _safety_mean(c) for c in series(brightwater, PARTNERSHIPS[0], builtin.PSYCH_SAFETY_KEY)
    ]
    assert 0.3 < rising[2] - rising[0] < 1.2
    assert abs(steady[2] - steady[0]) < 0.3


def test_the_health_check_splits_the_team_on_speed(brightwater):
    closed = series(brightwater, PARTNERSHIPS[0], builtin.HEALTH_CHECK_KEY)[1]
    arrays = cycle_answer_arrays(cycle=closed, items=["speed"])
    votes = np.bincount(arrays.position, minlength=4)[1:]
    share = votes / votes.sum()
    assert share[0] > 0.3
    assert share[2] > 0.3


def test_the_viewer_login_has_an_open_survey_waiting(brightwater):
    viewer = Membership.objects.get(workspace=brightwater, user__email="viewer@brightwater.example")
    waiting = list(my_invitation_list(membership=viewer))
    assert len(waiting) == 1
    assert waiting[0].responded is False
    assert waiting[0].cycle.status == Cycle.Status.OPEN


def test_the_survey_demo_writes_in_bulk(brightwater):
    """Rebuilt on its own, the survey demo stays within its share of the demo's budget."""
    Cycle.objects.filter(workspace=brightwater).delete()
    with CaptureQueriesContext(connection) as queries:
        demo_surveys_build(brightwater, today=timezone.localdate())
    assert len(queries) <= QUERY_BUDGET, len(queries)
    assert Response.objects.filter(workspace=brightwater).count() > 300


def results_of(workspace, cycle):
    owner = Membership.objects.get(workspace=workspace, user__email="owner@brightwater.example")
    return cycle_results(
        membership=owner, cycle=results_cycle_get(membership=owner, uuid=cycle.uuid)
    )


def alpha_of(results):
    found = next(r for r in results.reliability if r.label == "Cronbach's alpha")
    assert found.shown, found.note
    return found.value


@pytest.mark.parametrize(
    ("key", "floor"), [(builtin.COORDINATION_KEY, 0.75), (builtin.PSYCH_SAFETY_KEY, 0.70)]
)
def test_the_demo_answers_hang_together_like_real_survey_data(brightwater, key, floor):
    """Each respondent answers from an underlying level plus a little item noise, so every
    closed cycle's Cronbach's alpha (as the results pages compute it) is in the range the
    published scales report, not the ~0.1 of independent random answers."""
    for slug in PARTNERSHIPS:
        for cycle in series(brightwater, slug, key):
            results = results_of(brightwater, cycle)
            assert results.ready
            alpha = alpha_of(results)
            assert floor <= alpha < 0.97, (slug, cycle.title, alpha)


def test_psychological_safety_is_flat_in_the_other_partnership(brightwater):
    steady = [
        _safety_mean(c) for c in series(brightwater, PARTNERSHIPS[0], builtin.PSYCH_SAFETY_KEY)
    ]
    assert max(steady) - min(steady) < 0.3


def test_comments_show_where_enough_people_wrote_and_are_withheld_elsewhere(brightwater):
    """The latest coordination pulse of the first partnership and the latest health check of
    the second reach the comments threshold: their comments show, all different. Every other
    cycle has fewer writers, and the page says how many wrote without showing what."""
    shown = {}
    withheld = 0
    for slug in PARTNERSHIPS:
        for key in (builtin.COORDINATION_KEY, builtin.PSYCH_SAFETY_KEY, builtin.HEALTH_CHECK_KEY):
            for cycle in series(brightwater, slug, key):
                results = results_of(brightwater, cycle)
                if not results.ready:
                    continue
                (comments,) = results.comments
                assert comments.key == builtin.COMMENT_KEYS[key]
                if comments.shown:
                    shown[(slug, key)] = comments
                else:
                    assert comments.n < cycle.min_comments
                    assert comments.comments == ()
                    withheld += comments.n > 0
    assert set(shown) == {
        (PARTNERSHIPS[0], builtin.COORDINATION_KEY),
        (PARTNERSHIPS[1], builtin.HEALTH_CHECK_KEY),
    }
    for comments in shown.values():
        assert comments.n >= 10
        assert len(set(comments.comments)) == comments.n
    assert withheld >= 10
