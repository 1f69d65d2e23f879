"""The demo's survey results: the coordination tie that improved after the new dispute process
shows its rise with a confidence interval, and the small Customer Success group stays
withheld — on the page a demo visitor opens."""

from io import StringIO

import pytest
from django.core.management import call_command

from accord.surveys import instruments as builtin
from accord.surveys.demo import IMPROVING, PARTNERSHIPS, SMALL_GROUP
from accord.surveys.models import Cycle
from accord.surveys.results_selectors import cycle_results, results_cycle_get, workspace_rollup
from accord.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def test_demo_shows_the_improving_tie_and_a_withheld_small_group(client):
    call_command("demo", stdout=StringIO())
    membership = Membership.objects.get(
        workspace__slug="brightwater", user__email="viewer@brightwater.example"
    )
    latest = (
        Cycle.objects.filter(
            workspace=membership.workspace,
            partnership__slug=PARTNERSHIPS[0],
            version__instrument__key=builtin.COORDINATION_KEY,
            status=Cycle.Status.CLOSED,
        )
        .order_by("-opens_at")
        .first()
    )
    assert latest is not None
    results = cycle_results(
        membership=membership, cycle=results_cycle_get(membership=membership, uuid=latest.uuid)
    )
    assert results.ready

    rater, rated = IMPROVING
    tie = next(t for t in results.ties if (t.rater.name, t.rated.name) == (rater, rated))
    values = [point.value for point in tie.points]
    assert all(point.shown for point in tie.points)
    assert values == sorted(values)
    assert tie.change is not None
    assert tie.change.verdict == "improved"

    small = SMALL_GROUP[1]
    small_row = next(row for row in results.matrix.rows if row.rater.name == small)
    assert not any(cell.shown for cell in small_row.cells if not cell.diagonal)
    assert {cell.rule for cell in small_row.cells if not cell.diagonal} == {"min_group"}

    # The page a visitor opens says the same.
    client.force_login(membership.user)
    body = client.get(f"/w/brightwater/surveys/results/cycles/{latest.uuid}/").content.decode()
    assert f"{rater} → {rated}" in body
    assert "Improved" in body
    assert "fewer than 5" in body

    rollup = workspace_rollup(membership=membership)
    assert {row.partnership.slug for row in rollup.rows if row.partnership} >= set(PARTNERSHIPS)
    assert rollup.icc_teams == 2
