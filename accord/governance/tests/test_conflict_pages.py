"""Conflict pages: the register with its metrics, raising a conflict, the workflow on its page,
privacy, and the one-click record from a goal-conflict finding."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.governance import conflict_actions as actions
from accord.governance.models import Conflict
from accord.governance.tests.conflict_helpers import (
    conflict_make,
    goal_clash,
    partnership_make,
    person_for,
)


def _detail(conflict):
    return reverse("conflict_detail", args=[conflict.workspace.slug, conflict.uuid])


def test_register_lists_conflicts_with_metrics(acme, login):
    """The register shows each conflict and the open count, escalation share and stale count."""
    conflict_make(acme, title="Discounting vs margin")
    response = login(acme.viewer).get(reverse("conflict_register", args=["acme"]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Discounting vs margin" in text
    assert "Open conflicts" in text
    assert "Share escalated" in text
    assert response.context["summary"].open.count == 1


def test_register_runs_a_constant_number_of_queries(acme, login):
    """Two conflicts or twelve: the register runs the same number of queries."""
    client = login(acme.member)
    url = reverse("conflict_register", args=["acme"])
    for n in range(2):
        conflict_make(acme, title=f"Conflict {n}")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(10):
        conflict_make(acme, title=f"More {n}", party_functions=[acme.sales, acme.finance])
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_register_filters_by_stage(acme, login):
    """Filtering by stage keeps only conflicts in that stage."""
    first = conflict_make(acme, title="First one")
    conflict_make(acme, title="Second one")
    actions.conflict_stage_move(conflict=first, actor=acme.owner, to="acknowledged")
    response = login(acme.member).get(
        reverse("conflict_register", args=["acme"]), {"stage": "acknowledged"}
    )
    assert [c.title for c in response.context["conflicts"]] == ["First one"]


def test_raise_a_conflict_from_the_form(acme, login):
    """A member raises a conflict between two functions and lands on its page."""
    client = login(acme.member)
    response = client.post(
        reverse("conflict_create", args=["acme"]),
        {
            "title": "Who owns pricing exceptions",
            "type": "roles",
            "severity": "high",
            "party_functions": [acme.sales.uuid, acme.finance.uuid],
        },
    )
    conflict = Conflict.objects.get(title="Who owns pricing exceptions")
    assert response.status_code == 302
    assert response["Location"] == _detail(conflict)
    assert conflict.raised_by == acme.member


def test_one_party_is_refused_with_input_kept(acme, login):
    """A conflict with one party re-renders with 422, the reason and the typed title."""
    response = login(acme.member).post(
        reverse("conflict_create", args=["acme"]),
        {
            "title": "Lonely conflict",
            "type": "goals",
            "severity": "low",
            "party_functions": [acme.sales.uuid],
        },
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "at least two parties" in text
    assert "Lonely conflict" in text
    assert not Conflict.objects.exists()


def test_viewers_cannot_raise_or_move_conflicts(acme, login):
    """Writes by a viewer answer 403."""
    conflict = conflict_make(acme)
    client = login(acme.viewer)
    assert client.post(reverse("conflict_create", args=["acme"]), {}).status_code == 403
    move = reverse("conflict_move", args=["acme", conflict.uuid])
    assert client.post(move, {"to": "acknowledged"}).status_code == 403


def test_other_workspaces_get_404(acme, globex, login):
    """Globex's members cannot open Acme's conflict, even by its id."""
    conflict = conflict_make(acme)
    client = login(globex.owner)
    assert client.get(reverse("conflict_detail", args=["globex", conflict.uuid])).status_code == 404
    assert client.get(_detail(conflict)).status_code == 404


def test_private_conflicts_are_hidden_from_everyone_else(acme, login, client):
    """A plain member gets 404 and does not see it listed; a party, the facilitator, the
    partnership lead and an admin can open it."""
    party = person_for(acme, "member", "Mia Member")
    conflict = conflict_make(
        acme, private=True, party_people=[party, acme.bob], title="Secret disagreement"
    )
    # A second member with no link to the conflict.
    from accord.accounts.models import User
    from accord.workspaces.models import Membership

    outsider = User.objects.create_user(email="out@acme.test", password="x")
    Membership.objects.create(workspace=acme.workspace, user=outsider, role="member")
    client.force_login(outsider)
    assert client.get(_detail(conflict)).status_code == 404
    listed = client.get(reverse("conflict_register", args=["acme"]))
    assert "Secret disagreement" not in listed.content.decode()

    client.force_login(acme.member)
    assert client.get(_detail(conflict)).status_code == 200
    client.force_login(acme.admin)
    assert client.get(_detail(conflict)).status_code == 200

    lead = person_for(acme, "viewer", "Vic Lead")
    other = conflict_make(
        acme, private=True, partnership=partnership_make(acme, lead=lead), title="Lead sees"
    )
    client.force_login(acme.viewer)
    assert client.get(_detail(other)).status_code == 200
    assert client.get(_detail(conflict)).status_code == 404


def test_moves_on_the_page_record_who_and_when(acme, login):
    """Acknowledging from the page moves the stage and shows it in the stage history."""
    conflict = conflict_make(acme)
    client = login(acme.owner)
    response = client.post(
        reverse("conflict_move", args=["acme", conflict.uuid]),
        {"to": "acknowledged", "note": "Seen, will meet Tuesday."},
    )
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.stage == "acknowledged"
    page = client.get(_detail(conflict)).content.decode()
    assert "Seen, will meet Tuesday." in page


def test_a_refused_move_on_the_page_shows_the_reason(acme, login):
    """Starting the dialogue without a facilitator re-renders with 422 and the reason."""
    conflict = conflict_make(acme)
    actions.conflict_stage_move(conflict=conflict, actor=acme.owner, to="acknowledged")
    response = login(acme.owner).post(
        reverse("conflict_move", args=["acme", conflict.uuid]), {"to": "in_dialogue"}
    )
    assert response.status_code == 422
    assert "Assign a facilitator" in response.content.decode()


def test_detail_shows_age_time_in_stage_and_stale_flag(acme, login):
    """A conflict 20 days in one stage is flagged stale on its page."""
    from datetime import timedelta

    from django.utils import timezone

    conflict = conflict_make(acme)
    Conflict.objects.filter(pk=conflict.pk).update(
        stage_changed_at=timezone.now() - timedelta(days=20),
        created_at=timezone.now() - timedelta(days=20),
    )
    response = login(acme.member).get(_detail(conflict))
    assert response.context["conflict"].timing.stale is True
    assert "Stale" in response.content.decode()


# --- one click from a goal-conflict finding ---------------------------------------------------


def _from_goals(client, a, b, kind="tension"):
    return client.post(
        reverse("conflict_from_goals", args=["acme"]),
        {"goal_a": a.uuid, "goal_b": b.uuid, "kind": kind, "explanation": "forged text"},
    )


def test_finding_opens_a_prefilled_conflict_record(acme, login):
    """Both goals, their owners and functions, and the server's explanation are filled in."""
    discount, margin = goal_clash(acme)
    client = login(acme.member)
    page = client.get(reverse("goal_conflicts", args=["acme"])).content.decode()
    assert "Open a conflict record" in page
    (finding,) = list(client.get(reverse("goal_conflicts", args=["acme"])).context["conflicts"])
    response = _from_goals(client, finding.a, finding.b, finding.kind)
    conflict = Conflict.objects.get()
    assert response["Location"] == _detail(conflict)
    assert set(conflict.goals.all()) == {discount, margin}
    assert set(conflict.party_people.all()) == {acme.alice, acme.bob}
    assert set(conflict.party_functions.all()) == {acme.sales, acme.finance}
    assert conflict.type == "goals"
    assert conflict.source == "goal_conflict"
    assert conflict.source_explanation == finding.explanation
    assert "forged" not in conflict.source_explanation


def test_a_second_click_links_to_the_open_record(acme, login):
    """With a record open for the same goals, no duplicate is made and the card links to it."""
    discount, margin = goal_clash(acme)
    client = login(acme.member)
    _from_goals(client, discount, margin)
    response = _from_goals(client, margin, discount)
    conflict = Conflict.objects.get()
    assert response["Location"] == _detail(conflict)
    link = client.get(
        reverse("conflict_goal_link", args=["acme"]),
        {"a": discount.uuid, "b": margin.uuid, "kind": "tension"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Conflict record open" in link
    assert str(conflict.uuid) in link


def test_goals_that_do_not_conflict_are_refused(acme, login):
    """A forged pair of goals without a finding creates nothing."""
    discount, margin = goal_clash(acme)
    response = _from_goals(login(acme.member), discount, margin, kind="shared_budget")
    assert response.status_code == 302
    assert not Conflict.objects.exists()


def test_viewers_cannot_open_a_record_from_a_finding(acme, login):
    """The one-click record is a write: viewers get 403."""
    discount, margin = goal_clash(acme)
    assert _from_goals(login(acme.viewer), discount, margin).status_code == 403
