"""The demo's collaboration network: twelve weeks of metadata for Brightwater written in bulk,
with one siloed function (Finance), two brokers on top of the betweenness list, some
after-hours traffic and weekly snapshots so the trend shows."""

import itertools
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accord.network.demo_network import BROKER_TITLES, FILENAME, SILOED_FUNCTION, demo_network_build
from accord.network.models import Identity, Interaction, NetworkImport, NetworkSnapshot
from accord.org.models import Person
from accord.workspaces.models import Workspace

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 200  # the network demo's share of the demo's queries


@pytest.fixture
def brightwater():
    call_command("demo", stdout=StringIO())
    workspace = Workspace.objects.get(slug="brightwater")
    if not NetworkImport.objects.filter(workspace=workspace).exists():
        # Until the demo command calls it: build it here, within a query budget.
        with CaptureQueriesContext(connection) as captured:
            demo_network_build(workspace, today=timezone.localdate())
        assert len(captured) < QUERY_BUDGET
    return workspace


def test_the_demo_network_tells_its_story(brightwater):
    """One build of the demo (about half a minute) checked for everything it should show."""
    _one_finished_import_with_every_person_mapped(brightwater)
    _weekly_snapshots_show_a_trend(brightwater)
    _finance_is_siloed_and_the_two_brokers_lead(brightwater)
    _building_twice_adds_nothing(brightwater)


def _one_finished_import_with_every_person_mapped(brightwater):
    batch = NetworkImport.objects.get(workspace=brightwater)
    assert (batch.source, batch.filename, batch.status) == ("csv", FILENAME, "done")
    people = Person.objects.filter(workspace=brightwater, function__isnull=False).count()
    identities = Identity.objects.filter(workspace=brightwater)
    assert identities.count() == people
    assert not identities.filter(person__isnull=True).exists()
    count = Interaction.objects.filter(workspace=brightwater).count()
    assert 3000 <= count <= 60000
    assert batch.events_added == count


def _weekly_snapshots_show_a_trend(brightwater):
    snapshots = list(NetworkSnapshot.objects.filter(workspace=brightwater).order_by("window_end"))
    assert len(snapshots) >= 8
    gaps = {(b.window_end - a.window_end).days for a, b in itertools.pairwise(snapshots)}
    assert gaps == {7}
    finance = [
        next(r for r in s.results["functions"] if r["name"] == SILOED_FUNCTION)["ei_index"]
        for s in snapshots
    ]
    assert finance[-1] > finance[0]  # Finance opens up a little over the weeks
    assert snapshots[-1].results["change"] is not None


def _finance_is_siloed_and_the_two_brokers_lead(brightwater):
    latest = NetworkSnapshot.objects.filter(workspace=brightwater).order_by("-window_end").first()
    functions = {row["name"]: row for row in latest.results["functions"]}
    finance = functions[SILOED_FUNCTION]
    assert finance["ei_index"] < -0.4
    others = [
        row["ei_index"]
        for name, row in functions.items()
        if name != SILOED_FUNCTION and not row["withheld"]
    ]
    assert finance["ei_index"] < min(others)
    assert finance["reading"] == "Finance talks mostly to itself."
    top = [row["uuid"] for row in latest.people_results["brokers"][:2]]
    titles = set(Person.objects.filter(uuid__in=top).values_list("title", flat=True))
    assert titles == set(BROKER_TITLES)
    summary = latest.results["summary"]
    assert 0.03 < summary["after_hours_share"] < 0.2
    # The CEO has no function: that group of one is withheld.
    assert functions["No function"]["withheld"] is True


def _building_twice_adds_nothing(brightwater):
    before = Interaction.objects.filter(workspace=brightwater).count()
    assert demo_network_build(brightwater, today=timezone.localdate()).interactions == 0
    assert Interaction.objects.filter(workspace=brightwater).count() == before
