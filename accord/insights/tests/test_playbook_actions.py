"""The recommendations' lifecycle through the daily refresh, and a lead's decisions: accept
(action items), snooze, dismiss, reopen — who may, and what a stale form does."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.governance.models import ActionItem
from accord.insights.models import HealthSnapshot, Recommendation
from accord.insights.playbook_actions import (
    StaleVersion,
    recommendation_accept,
    recommendation_dismiss,
    recommendation_reopen,
    recommendation_snooze,
    recommendations_refresh,
)
from accord.insights.tests.playbook_world import (
    TODAY,
    conflict_write,
    membership,
    snapshot_write,
    team_build,
)
from accord.metrics.playbook import PLAYS_BY_KEY
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db
Status = Recommendation.Status
LATER = TODAY + datetime.timedelta(days=1)


def refresh(tenant, team, day=TODAY):
    return recommendations_refresh(
        workspace=tenant.workspace, today=day, partnerships=[team.partnership]
    )


def weak(team, day=TODAY, value=40.0):
    snapshot_write(team.partnership, day=day, components={"goal_progress": value})


def rec_of(team, play="revisit_kpis"):
    return Recommendation.objects.select_related("partnership", "workspace").get(
        partnership=team.partnership, play_key=play
    )


@pytest.fixture
def team(acme):
    return team_build(acme)


def test_a_firing_play_opens_with_reasons_evidence_and_baseline(acme, team):
    weak(team)
    assert refresh(acme, team) == 1
    rec = rec_of(team)
    assert rec.status == Status.OPEN
    assert rec.rules == ["health.goal_progress"]
    assert rec.evidence[0].startswith("Goal progress: 40 of 100")
    assert rec.baseline_signals == {"health:goal_progress": 40.0}
    assert rec.first_seen == rec.last_seen == TODAY


def test_the_days_signals_are_kept_in_its_snapshot(acme, team):
    weak(team)
    refresh(acme, team)
    stored = HealthSnapshot.objects.get(partnership=team.partnership, date=TODAY).signals
    assert {"kind": "health", "key": "goal_progress"}.items() <= stored[0].items()


def test_an_open_play_refreshes_and_clears_when_it_stops_firing(acme, team):
    weak(team)
    refresh(acme, team)
    weak(team, day=LATER, value=30.0)
    refresh(acme, team, day=LATER)
    rec = rec_of(team)
    assert (rec.status, rec.baseline_signals, rec.last_seen) == (
        Status.OPEN,
        {"health:goal_progress": 30.0},
        LATER,
    )
    later = LATER + datetime.timedelta(days=1)
    weak(team, day=later, value=90.0)
    refresh(acme, team, day=later)
    assert rec_of(team).status == Status.CLEARED
    again = later + datetime.timedelta(days=1)
    weak(team, day=again, value=10.0)
    refresh(acme, team, day=again)
    rec = rec_of(team)
    assert (rec.status, rec.first_seen) == (Status.OPEN, again)


def test_a_snoozed_play_sleeps_until_its_date_then_reopens_if_still_signalled(acme, team):
    weak(team)
    refresh(acme, team)
    recommendation_snooze(
        membership=membership(acme, "member"),
        recommendation=rec_of(team),
        until=TODAY + datetime.timedelta(days=7),
        reason="Quarter close first",
        today=TODAY,
    )
    weak(team, day=LATER)
    refresh(acme, team, day=LATER)
    assert rec_of(team).status == Status.SNOOZED
    wake = TODAY + datetime.timedelta(days=7)
    weak(team, day=wake)
    refresh(acme, team, day=wake)
    rec = rec_of(team)
    assert (rec.status, rec.snoozed_until) == (Status.OPEN, None)


def test_a_snoozed_play_that_stopped_firing_clears_when_it_wakes(acme, team):
    weak(team)
    refresh(acme, team)
    recommendation_snooze(
        membership=membership(acme, "member"),
        recommendation=rec_of(team),
        until=LATER,
        today=TODAY,
    )
    weak(team, day=LATER, value=90.0)
    refresh(acme, team, day=LATER)
    assert rec_of(team).status == Status.CLEARED


def test_dismissed_and_accepted_plays_stay_as_decided(acme, team):
    weak(team)
    conflict_write(team.partnership, title="Align pricing", days=45)
    refresh(acme, team)
    lead = membership(acme, "member")
    recommendation_dismiss(
        membership=lead, recommendation=rec_of(team), reason="KPIs were reset last week"
    )
    recommendation_accept(
        membership=lead,
        recommendation=rec_of(team, "facilitated_dialogue"),
        owner=acme.alice,
        today=TODAY,
    )
    baseline = rec_of(team, "facilitated_dialogue").baseline_signals
    for day in (LATER, LATER + datetime.timedelta(days=1)):
        snapshot_write(team.partnership, day=day, components={"goal_progress": 90.0})
        refresh(acme, team, day=day)
    assert rec_of(team).status == Status.DISMISSED
    accepted = rec_of(team, "facilitated_dialogue")
    assert accepted.status == Status.ACCEPTED
    assert accepted.baseline_signals == baseline  # frozen at acceptance


def test_accept_turns_the_chosen_steps_into_action_items(acme, team):
    weak(team)
    refresh(acme, team)
    rec = rec_of(team)
    play = PLAYS_BY_KEY["revisit_kpis"]
    due = TODAY + datetime.timedelta(days=14)
    items = recommendation_accept(
        membership=membership(acme, "member"),
        recommendation=rec,
        owner=team.members[0],
        due_date=due,
        steps=[play.steps[2], play.steps[0]],
        today=TODAY,
    )
    assert [item.title for item in items] == [play.steps[0], play.steps[2]]
    stored = ActionItem.objects.filter(source_type="recommendation", source_uuid=rec.uuid)
    assert stored.count() == 2
    assert {(i.owner_id, i.due_date, i.partnership_id) for i in stored} == {
        (team.members[0].pk, due, team.partnership.pk)
    }
    rec.refresh_from_db()
    assert rec.status == Status.ACCEPTED
    assert rec.decided_by == acme.member
    assert AuditEntry.objects.filter(object_uuid=rec.uuid, action="update").exists()


def test_accept_without_steps_takes_every_step(acme, team):
    weak(team)
    refresh(acme, team)
    items = recommendation_accept(
        membership=membership(acme, "admin"),
        recommendation=rec_of(team),
        owner=acme.alice,
        today=TODAY,
    )
    assert len(items) == len(PLAYS_BY_KEY["revisit_kpis"].steps)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"steps": []}, "steps"),
        ({"steps": ["Paint the office"]}, "steps"),
        ({"owner": None}, "owner"),
        ({"due_date": TODAY - datetime.timedelta(days=1)}, "due_date"),
    ],
)
def test_accept_refuses_bad_input_naming_the_field(acme, team, changes, field):
    weak(team)
    refresh(acme, team)
    values = {"owner": acme.alice, "steps": None, "due_date": None, **changes}
    with pytest.raises(ValidationError) as caught:
        recommendation_accept(
            membership=membership(acme, "member"),
            recommendation=rec_of(team),
            today=TODAY,
            **values,
        )
    assert field in caught.value.message_dict
    assert not ActionItem.objects.exists()
    assert rec_of(team).status == Status.OPEN


def test_accept_refuses_an_owner_outside_the_partnership(acme, team):
    weak(team)
    refresh(acme, team)
    with pytest.raises(ValidationError) as caught:
        recommendation_accept(
            membership=membership(acme, "member"),
            recommendation=rec_of(team),
            owner=acme.bob,  # in the workspace, not in the partnership
            today=TODAY,
        )
    assert "Pricing Council" in caught.value.message_dict["owner"][0]


def test_dismiss_needs_a_reason(acme, team):
    weak(team)
    refresh(acme, team)
    with pytest.raises(ValidationError) as caught:
        recommendation_dismiss(
            membership=membership(acme, "member"), recommendation=rec_of(team), reason="  "
        )
    assert "reason" in caught.value.message_dict


def test_snooze_needs_a_future_date(acme, team):
    weak(team)
    refresh(acme, team)
    with pytest.raises(ValidationError) as caught:
        recommendation_snooze(
            membership=membership(acme, "member"),
            recommendation=rec_of(team),
            until=TODAY,
            today=TODAY,
        )
    assert "until" in caught.value.message_dict


def test_reopen_brings_a_dismissed_play_back(acme, team):
    weak(team)
    refresh(acme, team)
    lead = membership(acme, "member")
    recommendation_dismiss(membership=lead, recommendation=rec_of(team), reason="Not now")
    recommendation_reopen(membership=lead, recommendation=rec_of(team))
    assert rec_of(team).status == Status.OPEN


def test_an_accepted_play_cannot_be_accepted_twice(acme, team):
    weak(team)
    refresh(acme, team)
    lead = membership(acme, "member")
    recommendation_accept(membership=lead, recommendation=rec_of(team), owner=acme.alice)
    with pytest.raises(ValidationError):
        recommendation_accept(membership=lead, recommendation=rec_of(team), owner=acme.alice)
    assert ActionItem.objects.count() == len(PLAYS_BY_KEY["revisit_kpis"].steps)


@pytest.mark.parametrize("role", ["viewer", "member"])
def test_only_the_lead_admins_and_owners_decide(acme, team, role):
    """A member who is not the lead, and a viewer, may not decide."""
    weak(team)
    refresh(acme, team)
    team.lead.user = None
    team.lead.save(update_fields=["user"])
    with pytest.raises(PermissionDenied):
        recommendation_dismiss(
            membership=membership(acme, role), recommendation=rec_of(team), reason="No"
        )
    recommendation_dismiss(
        membership=membership(acme, "owner"), recommendation=rec_of(team), reason="Owner says"
    )


def test_a_stale_version_is_refused(acme, team):
    weak(team)
    refresh(acme, team)
    lead = membership(acme, "member")
    seen = rec_of(team)
    recommendation_snooze(membership=lead, recommendation=rec_of(team), until=LATER, today=TODAY)
    with pytest.raises(StaleVersion):
        recommendation_dismiss(
            membership=lead,
            recommendation=seen,
            reason="Late click",
            expected_version=seen.version,
        )
    with pytest.raises(StaleVersion):  # the row itself moved on, even without a version
        recommendation_dismiss(membership=lead, recommendation=seen, reason="Late click")
    assert rec_of(team).status == Status.SNOOZED
