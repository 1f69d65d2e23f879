"""The network page: the empty state (admins pointed to imports), function-level figures for
everyone, person-level lists for admins only, the window selector, small functions withheld,
"Refresh now" for admins, other workspaces 404, and a query count that does not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.network.models import NetworkSnapshot
from accord.network.snapshots import snapshot_take
from accord.network.tests.insight_world import WINDOW_END, build_world

pytestmark = pytest.mark.django_db


def url(tenant) -> str:
    return reverse("network_home", args=[tenant.workspace.slug])


def test_empty_state_points_admins_to_imports(acme, login):
    body = login(acme.admin).get(url(acme)).content.decode()
    assert "Nothing imported yet" in body
    assert reverse("network_imports", args=["acme"]) in body
    member = login(acme.member).get(url(acme)).content.decode()
    assert "Nothing imported yet" in member
    assert reverse("network_imports", args=["acme"]) not in member
    assert "Refresh now" not in member


def test_imported_but_not_computed_offers_a_refresh(acme, login):
    build_world(acme)
    body = login(acme.admin).get(url(acme)).content.decode()
    assert "No network snapshot yet" in body
    assert "Refresh now" in body


def test_members_see_functions_and_readings_but_no_people(acme, login):
    world = build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    for role in ("member", "viewer"):
        response = login(acme.user(role)).get(url(acme))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Finance talks mostly to itself." in body
        assert "Person-level views (brokers and overloaded people) are for workspace admins" in body
        assert 'data-testid="brokers"' not in body
        for person in world.sales + world.finance + world.tiny:
            assert person.name not in body
        assert "Refresh now" not in body


def test_admins_see_brokers_and_overload(acme, login):
    world = build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    body = login(acme.admin).get(url(acme)).content.decode()
    assert 'data-testid="brokers"' in body
    assert 'data-testid="overloaded"' in body
    assert world.finance[0].name in body  # the one bridge between Finance and Sales
    assert "Refresh now" in body


def test_a_function_under_the_minimum_group_size_is_withheld_everywhere(acme, login):
    build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    body = login(acme.owner).get(url(acme)).content.decode()
    assert "Withheld:</strong> Tiny." in body
    # Tiny has no row, column, node or community share of its own.
    assert '<th scope="row">Tiny</th>' not in body
    assert '<th scope="col" class="num">Tiny</th>' not in body
    assert '"name": "Tiny"' not in body


def test_window_selector_shows_an_earlier_window_and_404s_outside_the_workspace(
    acme, globex, login
):
    build_world(acme)
    earlier = snapshot_take(
        workspace=acme.workspace, window_end=WINDOW_END - datetime.timedelta(days=28)
    )
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    client = login(acme.member)
    body = client.get(url(acme), {"window": str(earlier.uuid)}).content.decode()
    assert "(an earlier window)" in body
    assert client.get(url(acme), {"window": "not-a-uuid"}).status_code == 404
    build_world(globex, prefix="G ")
    theirs = snapshot_take(workspace=globex.workspace, window_end=WINDOW_END)
    assert client.get(url(acme), {"window": str(theirs.uuid)}).status_code == 404


def test_another_workspace_cannot_open_the_page(acme, globex, login):
    build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    assert login(globex.owner).get(url(acme)).status_code == 404
    refresh = reverse("network_refresh", args=["acme"])
    assert login(globex.owner).post(refresh).status_code == 404


def test_refresh_is_for_admins(acme, login):
    build_world(acme)
    refresh = reverse("network_refresh", args=["acme"])
    assert login(acme.member).post(refresh).status_code == 403
    assert not NetworkSnapshot.objects.exists()
    response = login(acme.admin).post(refresh)
    assert response.status_code == 302
    assert NetworkSnapshot.objects.filter(workspace=acme.workspace).exists()


def test_hostile_text_is_escaped(acme, login):
    acme.sales.name = '<script>alert("x")</script>'
    acme.sales.save()
    build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    body = login(acme.admin).get(url(acme)).content.decode()
    assert '<script>alert("x")</script>' not in body


def _queries(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["admin", "member"])
def test_query_count_does_not_grow_with_windows(acme, login, role):
    build_world(acme)
    snapshot_take(workspace=acme.workspace, window_end=WINDOW_END)
    client = login(acme.user(role))
    client.get(url(acme))
    one = _queries(client, url(acme))
    for weeks in range(1, 9):
        snapshot_take(
            workspace=acme.workspace, window_end=WINDOW_END - datetime.timedelta(days=7 * weeks)
        )
    many = _queries(client, url(acme))
    assert many == one
    assert one <= 12
