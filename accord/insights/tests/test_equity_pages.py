"""The voice page and GET /partnerships/{slug}/equity: group figures for everyone who sees
the partnership, individual counts for the person themself and for the partnership's leads
only (not its sponsor, not workspace admins or owners); bad windows, other workspaces and
constant query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accord.accounts.models import User
from accord.api.actions import token_create
from accord.api.testing import bearer_client, token_client
from accord.comms.models_meetings import AgendaItem, Contribution, Meeting, MeetingAttendee
from accord.org.models import Person, Seniority
from accord.partnerships.models import Partnership, PartnershipMember
from accord.surveys.models import SurveySettings
from accord.workspaces.models import Membership

pytestmark = pytest.mark.django_db


class World:
    pass


def _person(tenant, name, seniority, function, user=None) -> Person:
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name,
        email=f"{name.lower().replace(' ', '.')}@{tenant.workspace.slug}.test",
        seniority=seniority,
        function=function,
        user=user,
    )


def _meeting(tenant, p, spoken: dict[Person, int], days_ago: int = 5) -> Meeting:
    m = Meeting.objects.create(
        workspace=tenant.workspace,
        partnership=p,
        title="Margin review",
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        status=Meeting.Status.HELD,
    )
    item = AgendaItem.objects.create(workspace=tenant.workspace, meeting=m, title="Numbers")
    for who, n in spoken.items():
        MeetingAttendee.objects.create(
            workspace=tenant.workspace,
            meeting=m,
            person=who,
            function=who.function,
            seniority=who.seniority,
        )
        if n:
            Contribution.objects.create(
                workspace=tenant.workspace, meeting=m, agenda_item=item, person=who, count=n
            )
    return m


@pytest.fixture
def world(acme):
    SurveySettings.objects.create(workspace=acme.workspace, min_group=3)
    w = World()
    w.tenant = acme
    w.lead_user = User.objects.create_user(email="lead@acme.test", password="x" * 20)
    Membership.objects.create(workspace=acme.workspace, user=w.lead_user, role="member")
    w.sponsor_user = User.objects.create_user(email="sponsor@acme.test", password="x" * 20)
    Membership.objects.create(workspace=acme.workspace, user=w.sponsor_user, role="member")
    w.lead = _person(acme, "Lena Lead", Seniority.DIRECTOR, acme.sales, w.lead_user)
    w.directors = [
        w.lead,
        _person(acme, "Dora Director", Seniority.DIRECTOR, acme.sales),
        _person(acme, "Dirk Director", Seniority.DIRECTOR, acme.sales),
    ]
    w.mia = _person(acme, "Mia Member", Seniority.IC, acme.finance, acme.member)
    w.ics = [
        w.mia,
        _person(acme, "Ivan Quiet", Seniority.IC, acme.finance),
        _person(acme, "Iris Quiet", Seniority.IC, acme.finance),
    ]
    w.sponsor = _person(acme, "Sam Sponsor", Seniority.EXECUTIVE, acme.sales, w.sponsor_user)
    w.partnership = Partnership.objects.create(
        workspace=acme.workspace, name="Margin", slug="margin", lead=w.lead, sponsor=w.sponsor
    )
    for who in [*w.directors, *w.ics]:
        PartnershipMember.objects.create(
            workspace=acme.workspace,
            partnership=w.partnership,
            person=who,
            function=who.function,
            role=PartnershipMember.Role.LEAD if who == w.lead else PartnershipMember.Role.CORE,
        )
    _meeting(acme, w.partnership, {w.lead: 12, w.directors[1]: 9, w.directors[2]: 8, w.mia: 1})
    return w


def page(client, w, query=""):
    url = reverse("equity_detail", args=[w.tenant.workspace.slug, w.partnership.slug])
    return client.get(url + query)


def api(client, w, query=""):
    return client.get(f"/api/v1/partnerships/{w.partnership.slug}/equity{query}")


def test_group_figures_show_for_everyone_who_sees_the_partnership(world, login):
    response = page(login(world.tenant.viewer), world)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Voice share by seniority level" in body
    assert "heard far less than their share" in body
    assert "equity-seniority-data" in body  # the chart's data, with the table under it
    assert "Margin review" in body
    # No individual rows: the viewer is not in the partnership.
    assert "Dora Director" not in body
    assert "Ivan Quiet" not in body
    assert "You are not part of this partnership" in body


def test_the_lead_sees_every_person_silent_ones_as_zero(world, login):
    body = page(login(world.lead_user), world).content.decode()
    assert "Contributions per person" in body
    for person in [*world.directors, *world.ics]:
        assert person.name in body
    assert body.count(">silent</span>") == 2  # Ivan and Iris


@pytest.mark.parametrize("role", ["admin", "owner"])
def test_admins_and_owners_who_are_not_leads_see_group_figures_only(world, login, role):
    body = page(login(world.tenant.user(role)), world).content.decode()
    assert "Contributions per person" not in body
    for person in [*world.directors, *world.ics]:
        assert person.name not in body


def test_a_member_sees_only_their_own_counts(world, login):
    body = page(login(world.tenant.member), world).content.decode()
    assert "Your contributions" in body
    assert "Mia Member" in body
    for other in ["Lena Lead", "Dora Director", "Dirk Director", "Ivan Quiet", "Iris Quiet"]:
        assert other not in body


def test_the_sponsor_is_not_a_lead_and_sees_no_one_elses_counts(world, login):
    body = page(login(world.sponsor_user), world).content.decode()
    assert "Dora Director" not in body
    assert "Mia Member" not in body


def test_small_groups_are_withheld_for_members_and_marked_for_leads(world, login):
    SurveySettings.objects.filter(workspace=world.tenant.workspace).update(min_group=7)
    member = page(login(world.tenant.member), world).content.decode()
    assert "fewer than the minimum group size of 7" in member
    assert "heard far less than their share" not in member
    assert "Withheld: fewer than 7 people" in member  # the source totals (6 people)
    lead = page(login(world.lead_user), world).content.decode()
    assert "Shown to you only" in lead
    assert "heard far less than their share" in lead


def test_a_bad_window_names_the_field_and_the_rule(world, login):
    response = page(login(world.tenant.viewer), world, "?days=45")
    assert response.status_code == 400
    assert "days cannot be 45. Choose a window of 30, 90, 180 days." in response.content.decode()
    assert page(login(world.tenant.viewer), world, "?days=<script>").status_code == 400
    ok = page(login(world.tenant.viewer), world, "?days=30")
    assert ok.status_code == 200


def test_another_workspace_gets_404(world, globex, login):
    assert page(login(globex.owner), world).status_code == 404
    assert api(token_client(globex, "owner"), world).status_code == 404


def test_members_only_partnership_is_404_for_outsiders(world, login):
    Partnership.objects.filter(pk=world.partnership.pk).update(privacy="members")
    assert page(login(world.tenant.viewer), world).status_code == 404
    assert page(login(world.tenant.member), world).status_code == 200


def test_page_queries_do_not_grow_with_people_and_meetings(world, login):
    client = login(world.lead_user)
    page(client, world)
    with CaptureQueriesContext(connection) as few:
        assert page(client, world).status_code == 200
    acme = world.tenant
    extra = [_person(acme, f"Extra {i}", Seniority.MANAGER, acme.finance) for i in range(1, 6)]
    for who in extra:
        PartnershipMember.objects.create(
            workspace=acme.workspace,
            partnership=world.partnership,
            person=who,
            function=acme.finance,
        )
    for days_ago in (10, 20, 30):
        _meeting(acme, world.partnership, dict.fromkeys(extra, 2), days_ago=days_ago)
    with CaptureQueriesContext(connection) as many:
        assert page(client, world).status_code == 200
    assert len(many) == len(few)


# --- the API ---------------------------------------------------------------------------------


def test_api_gives_group_figures_and_no_individuals_to_a_viewer(world):
    data = api(token_client(world.tenant, "viewer"), world).json()
    assert data["partnership"] == "margin"
    assert data["days"] == 90
    assert data["min_group"] == 3
    assert data["people"] == 6
    assert data["contributors"] == 4
    levels = {g["key"]: g for g in data["seniority"]}
    assert levels["seniority:ic"]["under_heard"] is True
    assert levels["seniority:ic"]["voice_share"] == pytest.approx(1 / 30)
    assert data["individuals"] == []
    assert data["meetings"][0]["senior_share"] == pytest.approx(29 / 30)
    assert data["sources"]["meetings"] == 30


def test_api_gives_a_member_their_own_row_only(world):
    data = api(token_client(world.tenant, "member"), world).json()
    assert [row["name"] for row in data["individuals"]] == ["Mia Member"]
    assert data["individuals"][0]["sources"]["meetings"] == 1


def test_api_gives_the_lead_every_row_and_admins_none(world):
    assert api(token_client(world.tenant, "admin"), world).json()["individuals"] == []
    lead = Membership.objects.get(workspace=world.tenant.workspace, user=world.lead_user)
    _token, raw = token_create(membership=lead, actor=world.lead_user, name="Lead")
    data = api(bearer_client(raw), world).json()
    rows = {row["name"]: row["total"] for row in data["individuals"]}
    assert rows["Ivan Quiet"] == 0
    assert rows["Lena Lead"] == 12
    assert len(rows) == 6


def test_api_withholds_small_groups_with_the_reason(world):
    SurveySettings.objects.filter(workspace=world.tenant.workspace).update(min_group=7)
    data = api(token_client(world.tenant, "viewer"), world).json()
    for group in [*data["seniority"], *data["functions"]]:
        assert group["withheld"] is True
        assert group["voice_share"] is None
        assert "minimum group size of 7" in group["withheld_reason"]
    assert data["sources"] is None


def test_api_rejects_a_bad_window_as_problem_json(world):
    response = api(token_client(world.tenant, "viewer"), world, "?days=7")
    assert response.status_code == 422
    problem = response.json()
    assert problem["type"].endswith("/validation")
    assert problem["errors"][0]["field"] == "days"
    assert "Choose a window of 30, 90, 180 days" in problem["detail"]


def test_api_queries_do_not_grow(world):
    lead = Membership.objects.get(workspace=world.tenant.workspace, user=world.lead_user)
    _token, raw = token_create(membership=lead, actor=world.lead_user, name="Lead")
    client = bearer_client(raw)
    api(client, world)
    with CaptureQueriesContext(connection) as few:
        api(client, world)
    acme = world.tenant
    extra = [_person(acme, f"More {i}", Seniority.MANAGER, acme.finance) for i in range(4)]
    for who in extra:
        PartnershipMember.objects.create(
            workspace=acme.workspace,
            partnership=world.partnership,
            person=who,
            function=acme.finance,
        )
    _meeting(acme, world.partnership, dict.fromkeys(extra, 1), days_ago=15)
    with CaptureQueriesContext(connection) as many:
        api(client, world)
    assert len(many) == len(few)
