"""Change proposals: the proposal, impact per function, concerns that block approval until
each has a written response, and readiness per function (before and at follow-up)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accord.governance import change_actions
from accord.governance import decision_actions as actions
from accord.governance import decision_selectors as selectors
from accord.governance.models import Concern, Decision
from accord.governance.tests.test_decision_actions import world

pytestmark = pytest.mark.django_db

SCORES = {"awareness": 4, "desire": 2, "knowledge": 3, "ability": 3, "reinforcement": 4}


def change_make(tenant, w, **fields):
    return change_actions.change_proposal_create(
        membership=tenant.membership("owner"),
        title="Weekly invoicing",
        decider=w["decider"],
        partnership=w["partnership"],
        affected_functions=[tenant.sales],
        what_changes="Invoices go out in a weekly batch.",
        benefits="Two hours a day back for Finance.",
        **fields,
    )


def test_a_change_needs_to_say_what_changes(acme):
    w = world(acme)
    with pytest.raises(ValidationError) as error:
        change_actions.change_proposal_create(
            membership=acme.membership("owner"), title="x", decider=w["decider"], what_changes=""
        )
    assert "what_changes" in error.value.message_dict


def test_an_impact_per_function_makes_the_function_affected(acme):
    w = world(acme)
    decision = change_make(acme, w)
    change_actions.change_impact_set(
        membership=acme.membership("owner"),
        proposal=decision.change_proposal,
        function=acme.finance,
        roles="AR clerks",
        impact="Batch runs on Fridays.",
        level="high",
    )
    assert set(decision.affected_functions.all()) == {acme.sales, acme.finance}


def test_approval_is_refused_while_a_concern_is_open(acme):
    w = world(acme)
    decision = change_make(acme, w)
    concern = change_actions.concern_raise(
        membership=acme.membership("member"),
        proposal=decision.change_proposal,
        body="Customers on net-7 terms get invoices late.",
        anonymous=True,
    )
    assert concern.raised_by is None
    assert concern.function == acme.sales
    with pytest.raises(ValidationError) as error:
        actions.decision_decide(
            membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
        )
    assert "1 concern is still open" in error.value.message_dict["concerns"][0]
    with pytest.raises(ValidationError) as error:
        change_actions.concern_respond(
            membership=acme.membership("owner"), concern=concern, response="", status="open"
        )
    assert set(error.value.message_dict) == {"response", "status"}
    change_actions.concern_respond(
        membership=acme.membership("owner"),
        concern=concern,
        response="Net-7 customers stay on daily invoicing.",
        status=Concern.Status.PLAN_CHANGED,
    )
    actions.decision_decide(
        membership=acme.membership("owner"), decision=decision, outcome_statement="Approved"
    )
    assert decision.status == Decision.Status.DECIDED


def test_only_affected_people_raise_concerns(acme):
    """The viewer's login is read-only; people outside the affected functions are refused."""
    w = world(acme)
    decision = change_make(acme, w)
    with pytest.raises(PermissionDenied):
        change_actions.concern_raise(
            membership=acme.membership("viewer"), proposal=decision.change_proposal, body="x"
        )


def test_readiness_is_once_per_rater_and_phase_and_summarised_per_function(acme):
    w = world(acme)
    decision = change_make(acme, w)
    proposal = decision.change_proposal
    change_actions.readiness_submit(
        membership=acme.membership("member"), proposal=proposal, function=acme.sales, **SCORES
    )
    change_actions.readiness_submit(
        membership=acme.membership("owner"),
        proposal=proposal,
        function=acme.sales,
        **{**SCORES, "desire": 1},
    )
    with pytest.raises(ValidationError):
        change_actions.readiness_submit(
            membership=acme.membership("member"), proposal=proposal, function=acme.sales, **SCORES
        )
    summary = selectors.change_readiness_summary(proposal=proposal)
    [row] = summary.before
    assert row.raters == 2
    assert row.averages["desire"] == 1.5
    assert row.weakest == "desire"
    assert summary.weakest_dimension("before") == "desire"


def test_readiness_out_of_range_or_for_an_unaffected_function_is_refused(acme):
    w = world(acme)
    proposal = change_make(acme, w).change_proposal
    with pytest.raises(ValidationError) as error:
        change_actions.readiness_submit(
            membership=acme.membership("member"),
            proposal=proposal,
            function=acme.finance,
            **{**SCORES, "ability": 9},
        )
    assert set(error.value.message_dict) == {"ability", "function"}


def test_follow_up_ratings_come_after_approval(acme):
    w = world(acme)
    decision = change_make(acme, w)
    proposal = decision.change_proposal
    with pytest.raises(ValidationError):
        change_actions.readiness_submit(
            membership=acme.membership("member"),
            proposal=proposal,
            function=acme.sales,
            phase="follow_up",
            **SCORES,
        )
    actions.decision_decide(
        membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
    )
    change_actions.readiness_submit(
        membership=acme.membership("member"),
        proposal=proposal,
        function=acme.sales,
        phase="follow_up",
        **SCORES,
    )
    summary = selectors.change_readiness_summary(proposal=proposal)
    assert [row.phase for row in summary.rows] == ["follow_up"]


def test_change_page_shows_open_concerns_prominently_and_readiness(acme, login):
    w = world(acme)
    decision = change_make(acme, w)
    proposal = decision.change_proposal
    change_actions.concern_raise(
        membership=acme.membership("member"), proposal=proposal, body="Net-7 customers suffer."
    )
    change_actions.readiness_submit(
        membership=acme.membership("member"), proposal=proposal, function=acme.sales, **SCORES
    )
    body = (
        login(acme.viewer)
        .get(reverse("decision_detail", args=["acme", decision.uuid]))
        .content.decode()
    )
    assert "1 open concern." in body
    assert "Net-7 customers suffer." in body
    assert "weakest" in body


def test_change_pages_create_raise_and_respond(acme, login):
    w = world(acme)
    client = login(acme.owner)
    response = client.post(
        reverse("change_create", args=["acme"]),
        {
            "title": "Weekly invoicing",
            "decider": str(w["decider"].uuid),
            "affected_functions": [str(acme.sales.uuid)],
            "what_changes": "Weekly batches.",
        },
    )
    assert response.status_code == 302
    decision = Decision.objects.get(kind="change")
    client.post(
        reverse("concern_raise", args=["acme", decision.uuid]),
        {"concern-body": "Too slow for net-7."},
    )
    concern = Concern.objects.get()
    client.post(
        reverse("concern_respond", args=["acme", decision.uuid, concern.uuid]),
        {"response": "Net-7 stays daily.", "status": "addressed"},
    )
    concern.refresh_from_db()
    assert concern.status == "addressed"
