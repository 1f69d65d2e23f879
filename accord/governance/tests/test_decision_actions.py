"""Decision log actions: drafts, opening for input, responses (anonymous and hidden), deciding
with its refusals, immutability, superseding, reversing and revisit reminders.

The builders at the top are shared by the other decision and change tests."""

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accord.governance import decision_actions as actions
from accord.governance import decision_selectors as selectors
from accord.governance.models import Decision, DecisionResponse
from accord.notifications.models import Notification
from accord.org.models import Person
from accord.partnerships.actions import partnership_create, partnership_member_add
from accord.partnerships.models import Partnership
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def person_for(tenant: Any, role: str, name: str, function: Any) -> Person:
    """A directory person linked to the tenant's login of that role."""
    user = tenant.user(role)
    return Person.objects.create(
        workspace=tenant.workspace, name=name, email=user.email, user=user, function=function
    )


def partnership_for(tenant: Any, **fields: Any) -> Partnership:
    return partnership_create(
        workspace=tenant.workspace,
        actor=tenant.owner,
        name=fields.pop("name", "Quote to cash"),
        functions=[tenant.sales, tenant.finance],
        **fields,
    )


def world(tenant: Any) -> dict[str, Any]:
    """Owner decides; member (Sales) and admin (Finance) are the partnership's members."""
    decider = person_for(tenant, "owner", "Olivia Owner", tenant.sales)
    seller = person_for(tenant, "member", "Mia Member", tenant.sales)
    analyst = person_for(tenant, "admin", "Adam Admin", tenant.finance)
    viewer = person_for(tenant, "viewer", "Vera Viewer", tenant.finance)
    partnership = partnership_for(tenant, lead=decider)
    for person, function in ((seller, tenant.sales), (analyst, tenant.finance)):
        partnership_member_add(
            partnership=partnership, actor=tenant.owner, person=person, function=function
        )
    return {
        "decider": decider,
        "seller": seller,
        "analyst": analyst,
        "viewer": viewer,
        "partnership": partnership,
    }


def draft_make(tenant: Any, w: dict[str, Any], **fields: Any) -> Decision:
    values: dict[str, Any] = {
        "title": "Move invoicing to weekly batches",
        "decider": w["decider"],
        "partnership": w["partnership"],
        "context": "Daily invoicing costs Finance two hours a day.",
        "affected_functions": [tenant.sales, tenant.finance],
        "informed": [tenant.alice],
        **fields,
    }
    return actions.decision_create(membership=tenant.membership("owner"), **values)


def opened(tenant: Any, w: dict[str, Any], **fields: Any) -> Decision:
    decision = draft_make(tenant, w)
    return actions.decision_open(
        membership=tenant.membership("owner"),
        decision=decision,
        closes_at=NOW + datetime.timedelta(days=3),
        **fields,
    )


def close_input(decision: Decision) -> Decision:
    """Move the closing time into the past (as time passing would)."""
    Decision.objects.filter(pk=decision.pk).update(
        input_closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    decision.refresh_from_db()
    return decision


# --- drafts ---------------------------------------------------------------------------------


def test_a_draft_needs_a_title_and_exactly_one_decider(acme):
    """Both missing are reported at once, by field."""
    with pytest.raises(ValidationError) as error:
        actions.decision_create(membership=acme.membership("owner"), title=" ", decider=None)
    assert set(error.value.message_dict) == {"title", "decider"}


def test_a_draft_records_people_functions_and_an_audit_entry(acme):
    w = world(acme)
    decision = draft_make(acme, w, consulted=[w["seller"]], revisit_by=datetime.date(2027, 1, 1))
    assert decision.status == Decision.Status.DRAFT
    assert list(decision.consulted.all()) == [w["seller"]]
    assert set(decision.affected_functions.all()) == {acme.sales, acme.finance}
    entry = AuditEntry.objects.get(object_uuid=decision.uuid, action="create")
    assert entry.changes["title"] == [None, "Move invoicing to weekly batches"]


def test_a_viewer_cannot_record_a_decision(acme):
    w = world(acme)
    with pytest.raises(PermissionDenied):
        actions.decision_create(
            membership=acme.membership("viewer"), title="x", decider=w["decider"]
        )


def test_a_decider_from_another_workspace_is_refused(acme, globex):
    with pytest.raises(ValidationError) as error:
        actions.decision_create(membership=acme.membership("owner"), title="x", decider=globex.bob)
    assert "decider" in error.value.message_dict


# --- opening for input ----------------------------------------------------------------------


def test_default_stakeholders_are_the_consulted_and_a_member_per_affected_function(acme):
    """Bob is consulted (Finance); Sales is represented by the partnership's Sales member."""
    w = world(acme)
    decision = draft_make(acme, w, consulted=[acme.bob])
    chosen = selectors.decision_default_stakeholders(decision=decision)
    assert [(p.name, f.name if f else None) for p, f in chosen] == [
        ("Bob Baker", "Finance"),
        ("Mia Member", "Sales"),
    ]


def test_opening_asks_stakeholders_and_records_input_requested_notifications(
    acme, django_capture_on_commit_callbacks
):
    w = world(acme)
    with django_capture_on_commit_callbacks(execute=True):
        decision = opened(acme, w)
    assert decision.status == Decision.Status.OPEN
    asked = set(decision.stakeholders.values_list("person__name", flat=True))
    assert asked == {"Mia Member", "Adam Admin"}
    told = Notification.objects.filter(object_uuid=decision.uuid)
    assert set(told.values_list("event", flat=True)) == {"decision_input"}
    assert set(told.values_list("recipient__name", flat=True)) == {"Mia Member", "Adam Admin"}


def test_input_must_close_in_the_future(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    with pytest.raises(ValidationError) as error:
        actions.decision_open(
            membership=acme.membership("owner"),
            decision=decision,
            closes_at=NOW - datetime.timedelta(hours=1),
        )
    assert "future" in error.value.message_dict["closes_at"][0]


# --- responses ------------------------------------------------------------------------------


def test_only_stakeholders_respond_and_only_once(acme):
    w = world(acme)
    decision = opened(acme, w)
    with pytest.raises(PermissionDenied):
        actions.decision_respond(
            membership=acme.membership("viewer"), decision=decision, position="agree"
        )
    actions.decision_respond(
        membership=acme.membership("member"), decision=decision, position="agree"
    )
    with pytest.raises(ValidationError) as error:
        actions.decision_respond(
            membership=acme.membership("member"), decision=decision, position="disagree"
        )
    assert "already responded" in error.value.message_dict["position"][0]


def test_a_block_needs_a_reason(acme):
    w = world(acme)
    decision = opened(acme, w)
    with pytest.raises(ValidationError) as error:
        actions.decision_respond(
            membership=acme.membership("member"), decision=decision, position="block"
        )
    assert "reason" in error.value.message_dict


def test_an_anonymous_response_keeps_no_person_but_still_counts_once(acme):
    w = world(acme)
    decision = opened(acme, w, allow_anonymous=True)
    response = actions.decision_respond(
        membership=acme.membership("member"),
        decision=decision,
        position="block",
        reason="Weekly batches break our month-end.",
        anonymous=True,
    )
    assert response.person_id is None
    assert response.function == acme.sales
    assert response.responder_hash == selectors.responder_hash(decision, w["seller"])
    with pytest.raises(ValidationError):
        actions.decision_respond(
            membership=acme.membership("member"), decision=decision, position="agree"
        )


def test_anonymous_input_is_refused_when_not_allowed(acme):
    w = world(acme)
    decision = opened(acme, w)
    with pytest.raises(ValidationError) as error:
        actions.decision_respond(
            membership=acme.membership("member"),
            decision=decision,
            position="agree",
            anonymous=True,
        )
    assert "anonymous" in error.value.message_dict


def test_advice_mode_takes_free_text_only(acme):
    w = world(acme)
    decision = opened(acme, w, input_mode="advice")
    with pytest.raises(ValidationError):
        actions.decision_respond(
            membership=acme.membership("member"), decision=decision, position="agree"
        )
    response = actions.decision_respond(
        membership=acme.membership("member"),
        decision=decision,
        position="advice",
        reason="Pilot it in one region.",
    )
    assert response.position == DecisionResponse.Position.ADVICE


def test_hidden_responses_show_only_who_responded_until_close(acme):
    """Before close nobody sees positions, and anonymous responses do not show at all."""
    w = world(acme)
    decision = opened(acme, w, hide_responses_until_close=True, allow_anonymous=True)
    actions.decision_respond(
        membership=acme.membership("member"), decision=decision, position="disagree", reason="No"
    )
    actions.decision_respond(
        membership=acme.membership("admin"),
        decision=decision,
        position="block",
        reason="Month-end",
        anonymous=True,
    )
    summary = selectors.decision_input_summary(decision=decision)
    assert summary.visible is False
    assert summary.responses == []
    assert [p.name for p in summary.responded_people] == ["Mia Member"]
    assert summary.silent_functions == [acme.finance]
    after = selectors.decision_input_summary(
        decision=decision, now=decision.input_closes_at + datetime.timedelta(seconds=1)
    )
    assert after.visible is True
    assert [r.position for r in after.responses] == ["disagree", "block"]
    assert after.silent_functions == []


def test_coverage_warns_about_an_affected_function_without_response(acme):
    w = world(acme)
    decision = opened(acme, w)
    actions.decision_respond(
        membership=acme.membership("member"), decision=decision, position="agree"
    )
    summary = selectors.decision_input_summary(decision=decision)
    by_function = {row.function.name: row for row in summary.coverage}
    assert [p.name for p in by_function["Sales"].responded] == ["Mia Member"]
    assert [p.name for p in by_function["Finance"].waiting] == ["Adam Admin"]
    assert summary.silent_functions == [acme.finance]


# --- deciding -------------------------------------------------------------------------------


def test_deciding_before_input_closes_is_refused_with_the_reason(acme):
    w = world(acme)
    decision = opened(acme, w)
    with pytest.raises(ValidationError) as error:
        actions.decision_decide(
            membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
        )
    assert "Input is open until" in error.value.message_dict["input_closes_at"][0]


def test_deciding_with_an_unanswered_block_is_refused_until_it_is_answered(
    acme, django_capture_on_commit_callbacks
):
    w = world(acme)
    decision = opened(acme, w, allow_anonymous=True)
    block = actions.decision_respond(
        membership=acme.membership("member"),
        decision=decision,
        position="block",
        reason="Month-end",
        anonymous=True,
    )
    close_input(decision)
    with pytest.raises(ValidationError) as error:
        actions.decision_decide(
            membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
        )
    assert "1 block or disagreement has no written answer" in str(error.value)
    actions.decision_response_answer(
        membership=acme.membership("owner"), response=block, answer="Month-end stays daily."
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.decision_decide(
            membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
        )
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DECIDED
    assert decision.decided_at is not None
    told = Notification.objects.filter(object_uuid=decision.uuid, event="decision_decided")
    assert [n.recipient for n in told] == [acme.alice]


def test_only_the_decider_decides_and_answers(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    with pytest.raises(PermissionDenied):
        actions.decision_decide(
            membership=acme.membership("admin"), decision=decision, outcome_statement="Go"
        )


def test_a_decided_decision_refuses_edits_and_offers_to_supersede(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    actions.decision_decide(
        membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
    )
    with pytest.raises(ValidationError) as error:
        actions.decision_update(
            membership=acme.membership("owner"), decision=decision, title="Changed"
        )
    assert error.value.error_dict["status"][0].code == actions.IMMUTABLE_CODE
    assert "Supersede it" in error.value.message_dict["status"][0]


def test_superseding_starts_a_draft_and_deciding_it_supersedes_the_old_one(acme):
    w = world(acme)
    old = draft_make(acme, w)
    actions.decision_decide(
        membership=acme.membership("owner"), decision=old, outcome_statement="A"
    )
    new = actions.decision_supersede(membership=acme.membership("owner"), decision=old)
    old.refresh_from_db()
    assert new.status == Decision.Status.DRAFT
    assert old.superseded_by == new
    assert old.status == Decision.Status.DECIDED
    actions.decision_decide(
        membership=acme.membership("owner"), decision=new, outcome_statement="B"
    )
    old.refresh_from_db()
    assert old.status == Decision.Status.SUPERSEDED


def test_reversing_needs_a_reason_and_keeps_it(acme):
    w = world(acme)
    decision = draft_make(acme, w)
    actions.decision_decide(
        membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
    )
    with pytest.raises(ValidationError):
        actions.decision_reverse(membership=acme.membership("owner"), decision=decision, reason="")
    actions.decision_reverse(
        membership=acme.membership("owner"), decision=decision, reason="Customers complained."
    )
    assert decision.status == Decision.Status.REVERSED
    entry = AuditEntry.objects.filter(object_uuid=decision.uuid).order_by("-pk").first()
    assert entry.changes[actions.REVERSAL_KEY] == [None, "Customers complained."]


def test_revisit_reminders_go_to_the_decider_once(acme):
    """Due decisions get one revisit notification per revisit date, however often it runs."""
    w = world(acme)
    due = draft_make(acme, w, revisit_by=datetime.date(2026, 3, 1))
    later = draft_make(acme, w, title="Later", revisit_by=datetime.date(2026, 9, 1))
    for decision in (due, later):
        actions.decision_decide(
            membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
        )
    today = datetime.date(2026, 3, 2)
    assert actions.decisions_due_for_revisit(workspace=acme.workspace, today=today) == [due]
    actions.decisions_due_for_revisit(workspace=acme.workspace, today=today)
    reminders = Notification.objects.filter(event="decision_revisit")
    assert [(n.recipient, n.object_uuid) for n in reminders] == [(w["decider"], due.uuid)]


def test_deleting_is_for_drafts_only(acme):
    w = world(acme)
    decision = opened(acme, w)
    with pytest.raises(ValidationError):
        actions.decision_delete(membership=acme.membership("owner"), decision=decision)


def test_a_function_with_anonymous_input_hides_who_has_not_responded(acme):
    """Listing the others as "not yet" would reveal who answered anonymously."""
    w = world(acme)
    decision = opened(acme, w, allow_anonymous=True)
    actions.decision_respond(
        membership=acme.membership("member"),
        decision=decision,
        position="block",
        reason="Month-end",
        anonymous=True,
    )
    summary = selectors.decision_input_summary(decision=decision)
    sales = next(row for row in summary.coverage if row.function == acme.sales)
    assert sales.anonymous == 1
    assert sales.waiting == []
    assert sales.waiting_count == 0


def test_raci_roles_of_linked_deliverables_drive_who_is_asked_and_told(
    acme, django_capture_on_commit_callbacks
):
    """The C's of a linked deliverable are asked for input by default; its I's are told of
    the outcome, as the roles say."""
    from accord.governance.raci_actions import deliverable_create, raci_cell_set

    w = world(acme)
    deliverable = deliverable_create(
        partnership=w["partnership"], actor=acme.owner, name="Weekly invoice run"
    )
    raci_cell_set(deliverable=deliverable, actor=acme.owner, person=w["viewer"], letter="C")
    raci_cell_set(deliverable=deliverable, actor=acme.owner, person=acme.bob, letter="I")
    decision = draft_make(acme, w, deliverables=[deliverable], informed=[])
    asked = {p.name for p, _f in selectors.decision_default_stakeholders(decision=decision)}
    assert "Vera Viewer" in asked
    with django_capture_on_commit_callbacks(execute=True):
        actions.decision_open(
            membership=acme.membership("owner"),
            decision=decision,
            closes_at=NOW + datetime.timedelta(days=3),
        )
    close_input(decision)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decision_decide(
            membership=acme.membership("owner"), decision=decision, outcome_statement="Go"
        )
    told = Notification.objects.filter(object_uuid=decision.uuid, event="decision_decided")
    assert [n.recipient for n in told] == [acme.bob]
