"""The channel advisor page: a GET form that works without JavaScript, an htmx partial for
live answers, clear errors for bad input, and reachable by every role."""

import pytest

pytestmark = pytest.mark.django_db

URL = "/w/acme/communication/advisor/"
WORKSHOP = {
    "urgency": "low",
    "complexity": "medium",
    "ambiguity": "high",
    "sensitivity": "low",
    "audience_size": "20",
    "interaction": "decide",
    "record": "on",
}


def test_the_empty_form_explains_the_channels(acme, login):
    page = login(acme.viewer).get(URL).content.decode()
    assert "Channel advisor" in page
    assert "The advice appears here" in page
    assert "Daft &amp; Lengel 1986" in page


def test_an_ambiguous_decision_for_twenty_people_is_a_workshop_with_a_summary(acme, login):
    page = login(acme.viewer).get(URL, WORKSHOP).content.decode()
    assert "Recommended channel" in page
    assert '<h2 id="advice-title" class="advice-channel">Workshop</h2>' in page
    assert "Follow the workshop with a written summary" in page
    assert "Too lean" in page


def test_htmx_gets_only_the_result(acme, login):
    response = login(acme.member).get(URL, WORKSHOP, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card advice-card" id="advice"')
    assert "<html" not in body
    assert response["Vary"].count("HX-Request") == 1


def test_bad_input_is_named_and_no_advice_is_given(acme, login):
    page = login(acme.viewer).get(URL, {**WORKSHOP, "audience_size": "0", "urgency": "x"})
    body = page.content.decode()
    assert "Check the answers" in body
    assert "The audience is at least one person." in body
    assert "Recommended channel" not in body


def test_other_workspaces_and_anonymous_visitors_are_turned_away(acme, globex, client, login):
    assert client.get(URL).status_code in (302, 404)
    assert login(globex.owner).get(URL).status_code == 404
