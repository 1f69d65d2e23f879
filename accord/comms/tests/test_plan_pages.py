"""Communication plan pages: the plan with adherence and the profile comparison, the forms
(errors naming the field, edit rights), the adherence overview, isolation, escaping and
query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.comms import plan_actions as actions
from accord.comms.models_plan import Cadence, CommChannel, ContactEntry
from accord.comms.tests.test_plan_actions import cadence_make, partnership_make, person_for
from accord.comms.tests.test_profile_actions import profile_make

pytestmark = pytest.mark.django_db


def plan_url(partnership, rest=""):
    return f"/w/acme/partnerships/{partnership.slug}/communication/{rest}"


def test_a_viewer_reads_the_plan_without_edit_links(acme, login):
    partnership = partnership_make(acme)
    cadence_make(acme, partnership, starts_on=datetime.date.today() - datetime.timedelta(days=20))
    response = login(acme.viewer).get(plan_url(partnership))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Communication plan" in page
    assert "Inadequate communication" in page
    assert "Weekly async update" in page
    assert "Add a channel" not in page
    assert "cadences/new/" not in page


def test_the_lead_adds_a_channel_and_sees_field_errors_first(acme, login):
    lead = person_for(acme, "member")
    partnership = partnership_make(acme, lead=lead)
    client = login(acme.member)
    url = plan_url(partnership, "channels/new/")
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "chat", "name": "", "url": "javascript:alert(1)"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Name the channel" in page
    assert "https://, http:// or mailto:" in page
    response = client.post(
        url, {"kind": "chat", "name": "#o2c", "url": "https://chat.example/o2c", "purpose": ""}
    )
    assert response.status_code == 302
    assert response["Location"] == plan_url(partnership) + "#channels"
    assert CommChannel.objects.get().name == "#o2c"


def test_a_member_who_is_not_lead_cannot_open_the_forms(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.member)
    assert client.get(plan_url(partnership, "channels/new/")).status_code == 403
    assert client.post(plan_url(partnership, "cadences/new/"), {}).status_code == 403


def test_adding_editing_and_removing_a_cadence(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    assert client.get(plan_url(partnership, "cadences/new/?kind=qbr")).status_code == 200
    response = client.post(
        plan_url(partnership, "cadences/new/"),
        {"kind": "custom_meeting", "starts_on": "", "grace_days": 2, "meeting_minutes": 60},
    )
    assert response.status_code == 422
    assert "Give the first due date" in response.content.decode()
    response = client.post(
        plan_url(partnership, "cadences/new/"),
        {
            "kind": "qbr",
            "starts_on": "2026-06-30",
            "grace_days": 3,
            "meeting_minutes": 90,
            "meeting_time": "10:00",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content
    cadence = Cadence.objects.get()
    assert (cadence.interval, cadence.unit, cadence.name) == (
        3,
        "month",
        "Quarterly business review",
    )
    edit = plan_url(partnership, f"cadences/{cadence.uuid}/edit/")
    assert client.get(edit).status_code == 200
    response = client.post(
        edit,
        {
            "kind": "qbr",
            "name": "QBR with the sponsor",
            "starts_on": "2026-06-30",
            "grace_days": 3,
            "meeting_minutes": 90,
            "active": "on",
            "expected_version": 1,
        },
    )
    assert response.status_code == 302
    cadence.refresh_from_db()
    assert cadence.name == "QBR with the sponsor"
    stale = client.post(
        edit,
        {
            "kind": "qbr",
            "starts_on": "2026-06-30",
            "grace_days": 3,
            "meeting_minutes": 90,
            "expected_version": 1,
        },
    )
    assert stale.status_code == 409
    assert "Someone else changed this cadence" in stale.content.decode()
    assert client.post(plan_url(partnership, f"cadences/{cadence.uuid}/delete/")).status_code == 302
    assert not Cadence.objects.exists()


def test_contacts_are_added_for_a_function_of_the_partnership(acme, login):
    partnership = partnership_make(acme)
    client = login(acme.admin)
    response = client.get(plan_url(partnership, f"contacts/new/?function={acme.finance.uuid}"))
    assert response.status_code == 200
    response = client.post(
        plan_url(partnership, "contacts/new/"),
        {
            "function": str(acme.finance.uuid),
            "topic": "Credit checks",
            "person": str(acme.bob.uuid),
        },
    )
    assert response.status_code == 302
    contact = ContactEntry.objects.get()
    page = client.get(plan_url(partnership)).content.decode()
    assert "Credit checks" in page
    assert "Bob Baker" in page
    response = client.post(
        plan_url(partnership, f"contacts/{contact.uuid}/edit/"),
        {"function": str(acme.finance.uuid), "topic": "", "expected_version": 1},
    )
    assert response.status_code == 422
    assert "Contact for" in response.content.decode()


def test_names_are_escaped(acme, login):
    partnership = partnership_make(acme)
    actions.comm_channel_create(
        membership=acme.membership("admin"),
        partnership=partnership,
        kind="chat",
        name="<script>alert(1)</script>",
    )
    page = login(acme.viewer).get(plan_url(partnership)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_choosing_functions_to_compare_highlights_their_differences(acme, login):
    partnership = partnership_make(acme)
    profile_make(acme, acme.sales, planning_cycle="sprints", preferred_channels=["chat"])
    profile_make(acme, acme.finance, planning_cycle="quarterly", preferred_channels=["email_list"])
    client = login(acme.viewer)
    url = plan_url(partnership) + f"?compare={acme.sales.uuid}&compare={acme.finance.uuid}"
    page = client.get(url).content.decode()
    assert "Where they differ" in page
    assert "Different planning cycles" in page
    assert "No shared preferred channel: Finance and Sales" in page
    assert 'class="differs"' in page
    partial = client.get(url, headers={"HX-Request": "true", "HX-Target": "profile-comparison"})
    body = partial.content.decode()
    assert body.lstrip().startswith('<section class="card mt" id="profile-comparison"')
    assert "<html" not in body


def test_the_plan_page_keeps_its_query_count(acme, login):
    partnership = partnership_make(acme)
    profile_make(acme, acme.sales)
    profile_make(acme, acme.finance)
    client = login(acme.viewer)
    cadence_make(acme, partnership)
    cadence_make(acme, partnership, kind="monthly_review")
    client.get(plan_url(partnership))
    with CaptureQueriesContext(connection) as few:
        client.get(plan_url(partnership))
    owner = person_for(acme, "member")
    for index in range(4):
        channel = actions.comm_channel_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            kind="chat",
            name=f"#{index}",
        )
        cadence_make(acme, partnership, kind="qbr", owner=owner, channel=channel)
        actions.contact_create(
            membership=acme.membership("admin"),
            partnership=partnership,
            function=acme.finance,
            topic=f"Topic {index}",
            person=owner,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(plan_url(partnership))
    assert len(many) == len(few)


def test_the_adherence_overview_flags_missed_cadences_and_keeps_its_query_count(acme, login):
    client = login(acme.viewer)
    late = partnership_make(acme, name="Late one")
    cadence_make(acme, late, starts_on=datetime.date.today() - datetime.timedelta(days=20))
    client.get("/w/acme/communication/adherence/")
    with CaptureQueriesContext(connection) as few:
        response = client.get("/w/acme/communication/adherence/")
    page = response.content.decode()
    assert "Inadequate communication" in page
    assert "Late one" in page
    for index in range(4):
        partnership = partnership_make(acme, name=f"On time {index}")
        cadence_make(acme, partnership, starts_on=datetime.date.today())
    with CaptureQueriesContext(connection) as many:
        client.get("/w/acme/communication/adherence/")
    assert len(many) == len(few)
    flagged = client.get("/w/acme/communication/adherence/?flagged=1").content.decode()
    assert "On time 0" not in flagged
    assert "Late one" in flagged


def test_another_workspace_gets_404_everywhere(acme, globex, login):
    partnership = partnership_make(acme)
    cadence = cadence_make(acme, partnership)
    client = login(globex.owner)
    for url in (
        plan_url(partnership),
        plan_url(partnership, "channels/new/"),
        plan_url(partnership, f"cadences/{cadence.uuid}/edit/"),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(plan_url(partnership, f"cadences/{cadence.uuid}/delete/")).status_code == 404
    other = partnership_make(globex, name="Theirs")
    mixed = f"/w/globex/partnerships/{other.slug}/communication/cadences/{cadence.uuid}/edit/"
    assert client.get(mixed).status_code == 404
    assert Cadence.objects.filter(pk=cadence.pk).exists()
