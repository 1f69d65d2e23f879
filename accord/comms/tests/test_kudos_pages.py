"""Kudos pages: the feed with filters, the give form with errors, the matrix, removing kudos,
the values page (admins manage, others read), escaping, tenancy and query counts."""

import pytest
from django.urls import reverse

from accord.comms.models import Kudos, Value
from accord.comms.tests.test_feedback_actions import partnership_make, person_for
from accord.comms.tests.test_kudos_actions import thank, value_make
from accord.org.tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def test_the_feed_shows_kudos_with_value_partnership_and_the_matrix(acme, login):
    person_for(acme, "member", name="Mia Member", function=acme.sales)
    value = value_make(acme)
    partnership = partnership_make(acme)
    thank(acme, receiver=acme.bob, value=value, partnership=partnership)
    body = login(acme.viewer).get(url("kudos_list")).content.decode()
    assert "Turned the Acme quote around in a day." in body
    assert "Customer first" in body
    assert "Quote to cash" in body
    assert "Who recognises whom" in body
    assert "100%" in body  # one Sales → Finance kudos crosses a function line
    assert "Give kudos" not in body  # viewers only read


def test_filters_by_partnership_value_and_person(acme, login):
    person_for(acme, "member")
    first, second = value_make(acme, "Customer first"), value_make(acme, "Better together")
    partnership = partnership_make(acme)
    thank(acme, message="One", value=first, partnership=partnership)
    thank(acme, message="Two", value=second, receiver=acme.bob)
    client = login(acme.viewer)

    def messages(**params):
        rows = client.get(url("kudos_list"), params).context["kudos_rows"]
        return sorted(k.message for k in rows)

    assert messages() == ["One", "Two"]
    assert messages(partnership=partnership.slug) == ["One"]
    assert messages(value=str(second.uuid)) == ["Two"]
    assert messages(person=str(acme.bob.uuid)) == ["Two"]
    assert messages(value="not-a-uuid") == ["One", "Two"]


def test_giving_kudos_from_the_page_and_errors_naming_fields(acme, login):
    person_for(acme, "member")
    value = value_make(acme)
    client = login(acme.member)
    assert "Give kudos" in client.get(url("kudos_list")).content.decode()
    response = client.post(url("kudos_create"), {"receiver": "", "message": ""})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Choose who you are recognising." in body
    assert "Say what they did and why it mattered." in body
    assert "Choose the value this shows." in body
    response = client.post(
        url("kudos_create"),
        {"receiver": acme.alice.uuid, "value": value.uuid, "message": "Great demo."},
    )
    assert response.status_code == 302
    assert Kudos.objects.get().message == "Great demo."


def test_the_giver_removes_kudos_a_viewer_cannot(acme, login):
    person_for(acme, "member")
    kudos = thank(acme)
    assert login(acme.viewer).post(url("kudos_delete", kudos.uuid)).status_code == 403
    assert "Remove" in login(acme.member).get(url("kudos_list")).content.decode()
    login(acme.member).post(url("kudos_delete", kudos.uuid))
    assert not Kudos.objects.exists()


def test_values_page_admins_add_edit_and_remove_others_read(acme, login):
    body = login(acme.member).get(url("value_list")).content.decode()
    assert "Add a value" not in body
    assert login(acme.member).post(url("value_create"), {"name": "X"}).status_code == 403
    client = login(acme.admin)
    response = client.post(url("value_create"), {"name": "", "description": ""})
    assert response.status_code == 422
    assert "Name the value in a few words" in response.content.decode()
    client.post(url("value_create"), {"name": "Own the outcome", "description": "Finish it."})
    value = Value.objects.get()
    response = client.post(
        url("value_edit", value.uuid),
        {"name": "Own the outcome!", "description": "", "expected_version": 1},
    )
    assert response.status_code == 302
    stale = client.post(
        url("value_edit", value.uuid), {"name": "Late", "description": "", "expected_version": 1}
    )
    assert stale.status_code == 409
    client.post(url("value_delete", value.uuid))
    assert not Value.objects.exists()


def test_kudos_text_is_escaped(acme, login):
    person_for(acme, "member")
    thank(acme, message="<img src=x onerror=alert(1)>")
    body = login(acme.viewer).get(url("kudos_list")).content.decode()
    assert "<img src=x" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_another_workspace_sees_none_of_acmes_kudos(acme, globex, login):
    person_for(acme, "member")
    kudos = thank(acme)
    client = login(globex.owner)
    assert kudos.message not in client.get(url("kudos_list", ws="globex")).content.decode()
    assert client.post(url("kudos_delete", kudos.uuid, ws="globex")).status_code == 404


def test_list_query_count_does_not_grow(acme, login):
    person_for(acme, "member", function=acme.sales)
    person_for(acme, "admin", function=acme.finance)
    value = value_make(acme)
    partnership = partnership_make(acme)
    client = login(acme.member)
    thank(acme, value=value, partnership=partnership)
    small, _ = count_queries(client, url("kudos_list"))
    for index in range(15):
        thank(acme, role="admin", receiver=acme.alice, message=f"M{index}", value=value)
        thank(acme, receiver=acme.bob, message=f"N{index}", partnership=partnership, value=value)
    large, response = count_queries(client, url("kudos_list"))
    assert len(response.context["kudos_rows"]) == 30
    assert small == large
