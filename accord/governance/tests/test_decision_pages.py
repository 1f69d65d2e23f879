"""Decision log pages: list, search and filters, timeline, drafts, opening for input,
responding, deciding with its refusals, immutability, permissions, privacy, query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.governance import decision_actions as actions
from accord.governance.models import Decision, DecisionResponse
from accord.governance.tests.test_decision_actions import (
    close_input,
    draft_make,
    opened,
    partnership_for,
    world,
)
from accord.org.tests.helpers import count_queries
from accord.partnerships.models import Privacy

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def test_list_shows_decisions_with_status_decider_and_functions(acme, login):
    w = world(acme)
    draft_make(acme, w)
    body = login(acme.viewer).get(url("decision_list")).content.decode()
    assert "Move invoicing to weekly batches" in body
    assert "Olivia Owner" in body
    assert 'class="badge decision-draft"' in body


def test_list_searches_text_and_filters_by_partnership_function_and_status(acme, login):
    w = world(acme)
    weekly = draft_make(acme, w, rationale="Batching saves Finance time.")
    other = partnership_for(acme, name="Launch")
    draft_make(acme, w, title="Pick a CRM", partnership=other, affected_functions=[acme.sales])
    actions.decision_decide(
        membership=acme.membership("owner"), decision=weekly, outcome_statement="Go"
    )
    client = login(acme.viewer)

    def titles(**params):
        return [d.title for d in client.get(url("decision_list"), params).context["decisions"]]

    assert titles(q="batching") == [weekly.title]
    assert titles(partnership=str(other.uuid)) == ["Pick a CRM"]
    assert titles(function=str(acme.finance.uuid)) == [weekly.title]
    assert titles(status="decided") == [weekly.title]
    assert titles(status="bogus", function="nope") == ["Pick a CRM", weekly.title]


def test_timeline_is_chronological_by_decision_date(acme, login):
    w = world(acme)
    first = draft_make(acme, w, title="First recorded")
    second = draft_make(acme, w, title="Second recorded")
    actions.decision_decide(
        membership=acme.membership("owner"), decision=first, outcome_statement="Go"
    )
    response = login(acme.viewer).get(url("decision_list"), {"view": "timeline"})
    assert [d.title for d in response.context["decisions"]] == [second.title, first.title]
    assert "decision-timeline" in response.content.decode()


def test_list_runs_a_constant_number_of_queries(acme, login):
    w = world(acme)
    client = login(acme.member)
    draft_make(acme, w)
    few, _ = count_queries(client, url("decision_list"))
    for index in range(8):
        if index % 2:
            opened(acme, w)
        else:
            draft_make(acme, w, title=f"D{index}")
    many, response = count_queries(client, url("decision_list"))
    assert len(response.context["decisions"]) == 9
    assert many == few
    timeline, _ = count_queries(client, url("decision_list") + "?view=timeline")
    assert timeline == few


def test_members_only_partnership_hides_its_decisions(acme, login):
    w = world(acme)
    secret = partnership_for(acme, name="Secret", privacy=Privacy.MEMBERS)
    decision = draft_make(acme, w, title="Secret decision", partnership=secret)
    client = login(acme.viewer)
    assert "Secret decision" not in client.get(url("decision_list")).content.decode()
    assert client.get(url("decision_detail", decision.uuid)).status_code == 404


def test_other_workspace_gets_404(acme, globex, login):
    w = world(acme)
    decision = draft_make(acme, w)
    client = login(globex.owner)
    assert client.get(url("decision_detail", decision.uuid, ws="globex")).status_code == 404
    assert client.get(url("decision_detail", decision.uuid)).status_code == 404


def test_create_refuses_a_missing_decider_with_input_kept(acme, login):
    world(acme)
    response = login(acme.member).post(url("decision_create"), {"title": "Weekly invoicing"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Name exactly one decider" in body
    assert 'value="Weekly invoicing"' in body


def test_create_records_a_draft_and_opens_its_page(acme, login):
    w = world(acme)
    response = login(acme.member).post(
        url("decision_create"),
        {
            "title": "Weekly invoicing",
            "decider": str(w["decider"].uuid),
            "partnership": str(w["partnership"].uuid),
            "affected_functions": [str(acme.sales.uuid)],
        },
    )
    decision = Decision.objects.get(title="Weekly invoicing")
    assert response.status_code == 302
    assert response["Location"] == url("decision_detail", decision.uuid)


def test_viewer_cannot_write(acme, login):
    w = world(acme)
    decision = draft_make(acme, w)
    client = login(acme.viewer)
    assert client.get(url("decision_create")).status_code == 403
    assert client.post(url("decision_decide", decision.uuid), {}).status_code == 403
    assert client.post(url("decision_respond", decision.uuid), {}).status_code == 403


def test_opening_form_preselects_the_default_stakeholders(acme, login):
    w = world(acme)
    decision = draft_make(acme, w)
    form = login(acme.owner).get(url("decision_open", decision.uuid)).context["form"]
    assert set(form.initial["stakeholders"]) == {w["seller"].uuid, w["analyst"].uuid}


def test_opening_with_a_past_closing_time_is_refused(acme, login):
    w = world(acme)
    decision = draft_make(acme, w)
    past = (timezone.localtime() - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = login(acme.owner).post(
        url("decision_open", decision.uuid), {"closes_at": past, "input_mode": "consent"}
    )
    assert response.status_code == 422
    assert "must close in the future" in response.content.decode()


def test_stakeholder_responds_and_a_block_without_reason_is_refused(acme, login):
    w = world(acme)
    decision = opened(acme, w)
    client = login(acme.member)
    response = client.post(url("decision_respond", decision.uuid), {"position": "block"})
    assert response.status_code == 422
    assert "A block needs a reason" in response.content.decode()
    response = client.post(
        url("decision_respond", decision.uuid), {"position": "block", "reason": "Month-end"}
    )
    assert response.status_code == 302
    assert DecisionResponse.objects.get().person == w["seller"]


def test_hidden_responses_do_not_show_positions_even_to_the_decider(acme, login):
    w = world(acme)
    decision = opened(acme, w, hide_responses_until_close=True)
    actions.decision_respond(
        membership=acme.membership("member"),
        decision=decision,
        position="block",
        reason="Secret reason",
    )
    body = login(acme.owner).get(url("decision_detail", decision.uuid)).content.decode()
    assert "Secret reason" not in body
    assert "Responses are hidden until input closes" in body
    assert "Mia Member" in body


def test_deciding_early_then_with_an_unanswered_block_is_refused_with_reasons(acme, login):
    w = world(acme)
    decision = opened(acme, w)
    block = actions.decision_respond(
        membership=acme.membership("member"), decision=decision, position="block", reason="No"
    )
    client = login(acme.owner)
    response = client.post(url("decision_decide", decision.uuid), {"outcome_statement": "Go"})
    assert response.status_code == 422
    assert "Input is open until" in response.content.decode()
    close_input(decision)
    response = client.post(url("decision_decide", decision.uuid), {"outcome_statement": "Go"})
    assert response.status_code == 422
    assert "has no written answer yet" in response.content.decode()
    client.post(url("decision_answer", decision.uuid, block.uuid), {"answer": "Month-end stays."})
    response = client.post(url("decision_decide", decision.uuid), {"outcome_statement": "Go"})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DECIDED


def test_editing_a_decided_decision_is_refused_with_an_offer_to_supersede(acme, login):
    w = world(acme)
    decision = draft_make(acme, w)
    actions.decision_decide(
        membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
    )
    client = login(acme.owner)
    response = client.post(url("decision_edit", decision.uuid), {"title": "Changed"})
    assert response.status_code == 409
    body = response.content.decode()
    assert "can no longer be edited" in body
    assert url("decision_supersede", decision.uuid) in body
    response = client.post(url("decision_supersede", decision.uuid))
    successor = Decision.objects.exclude(pk=decision.pk).get()
    assert response["Location"] == url("decision_detail", successor.uuid)


def test_detail_runs_a_constant_number_of_queries(acme, login):
    w = world(acme)
    decision = opened(acme, w)
    client = login(acme.owner)
    few, _ = count_queries(client, url("decision_detail", decision.uuid))
    actions.decision_respond(
        membership=acme.membership("member"), decision=decision, position="agree"
    )
    actions.decision_respond(
        membership=acme.membership("admin"), decision=decision, position="disagree", reason="x"
    )
    many, _ = count_queries(client, url("decision_detail", decision.uuid))
    assert many == few
