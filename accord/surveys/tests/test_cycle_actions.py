"""Survey cycles: creating, thresholds, opening with one-time invitations, freezing, closing,
recurrence and the daily advance with reminders."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accord.notifications.models import Event, Notification
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import (
    cycle_close,
    cycle_delete,
    cycle_open,
    cycle_update,
    cycles_advance,
    reminder_rounds,
)
from accord.surveys.cycle_selectors import cycle_audience, cycle_response_rates
from accord.surveys.models import Cycle, Invitation, SurveySettings
from accord.surveys.respond_actions import AnswerInput, response_submit
from accord.surveys.tasks import cycles_advance as cycles_advance_task
from accord.surveys.tests.test_cycle_support import (
    NOW,
    draft_make,
    opened_make,
    team_build,
    token_of,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_a_new_cycle_is_a_draft_with_the_workspace_thresholds(acme):
    """k defaults to 5 and comments to 10, or to the workspace's own settings."""
    team = team_build(acme)
    cycle = draft_make(team)
    assert cycle.status == Cycle.Status.DRAFT
    assert (cycle.min_group, cycle.min_comments) == (5, 10)
    assert cycle.frozen_at is None
    assert cycle.version.instrument.key == builtin.COORDINATION_KEY
    SurveySettings.objects.create(workspace=acme.workspace, min_group=7, min_comments=12)
    other = draft_make(team, title="Second")
    assert (other.min_group, other.min_comments) == (7, 12)


def test_k_below_three_is_refused_by_the_action_and_the_database(acme):
    team = team_build(acme)
    with pytest.raises(ValidationError) as refused:
        draft_make(team, min_group=2)
    assert "cannot be below 3" in refused.value.message_dict["min_group"][0]
    cycle = draft_make(team)
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.filter(pk=cycle.pk).update(min_group=2)


def test_the_comments_threshold_cannot_be_below_k(acme):
    team = team_build(acme)
    with pytest.raises(ValidationError) as refused:
        draft_make(team, min_group=6, min_comments=5)
    assert "min_comments" in refused.value.message_dict


def test_dates_and_audience_are_checked(acme):
    team = team_build(acme)
    with pytest.raises(ValidationError) as backwards:
        draft_make(team, days=-1)
    assert "close after it opens" in backwards.value.message_dict["closes_at"][0]
    with pytest.raises(ValidationError) as nobody:
        draft_make(team, partnership=None)
    assert "partnership" in nobody.value.message_dict
    with pytest.raises(ValidationError) as one_function:
        draft_make(team, partnership=None, functions=[team.functions["Sales"]])
    assert "at least two functions" in one_function.value.message_dict["functions"][0]


def test_admins_and_the_partnership_lead_create_cycles_members_do_not(acme):
    """The lead (a person linked to the member's login) may survey their own partnership."""
    acme.alice.user = acme.member
    acme.alice.save(update_fields=["user"])
    team = team_build(acme, lead=acme.alice)
    assert draft_make(team, role="member").partnership == team.partnership
    other = team_build(acme, name="Another one")
    with pytest.raises(PermissionDenied):
        draft_make(other, role="member")
    with pytest.raises(PermissionDenied):
        draft_make(team, role="viewer")
    with pytest.raises(PermissionDenied):
        draft_make(team, role="member", partnership=None, functions=list(team.functions.values()))


def test_opening_invites_each_member_with_a_one_time_token_stored_as_its_hash(acme):
    """One invitation per member, with the function they represent; the inbox row carries
    the link, the database only the SHA-256 of its token."""
    team = team_build(acme)
    cycle = opened_make(team)
    invitations = list(Invitation.objects.filter(cycle=cycle).select_related("person"))
    assert len(invitations) == len(team.people)
    assert cycle.status == Cycle.Status.OPEN
    assert cycle.frozen_at == NOW
    for invitation in invitations:
        token = token_of(invitation.person, cycle)
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert invitation.function_id == invitation.person.function_id
        note = Notification.objects.get(
            recipient=invitation.person, event=Event.SURVEY_INVITATION, object_uuid=cycle.uuid
        )
        assert f"http://testserver/survey/{token}/" in note.body or f"/survey/{token}/" in note.body
        assert note.url == f"/survey/{token}/"
    assert len({i.token_hash for i in invitations}) == len(invitations)
    with pytest.raises(ValidationError):
        cycle_open(cycle=cycle, membership=acme.membership("admin"), now=NOW)
    assert Invitation.objects.filter(cycle=cycle).count() == len(team.people)


def test_a_cycle_of_chosen_functions_asks_everyone_in_them(acme):
    team = team_build(acme)
    cycle = draft_make(
        team, functions=[team.functions["Sales"], team.functions["Finance"]], partnership=None
    )
    audience = cycle_audience(cycle=cycle)
    sales_and_finance = {
        p.pk for p in team.people if p.function_id in {acme.sales.pk, acme.finance.pk}
    } | {acme.alice.pk, acme.bob.pk}
    assert {i.person.pk for i in audience} == sales_and_finance


def test_opening_takes_the_latest_version_of_the_instrument(acme):
    from accord.surveys.instrument_actions import instrument_edit
    from accord.surveys.tests.test_cycle_support import instrument_of

    team = team_build(acme)
    cycle = draft_make(team, key=builtin.PSYCH_SAFETY_KEY)
    instrument_edit(
        membership=acme.membership("admin"),
        instrument=instrument_of(acme, builtin.PSYCH_SAFETY_KEY),
        scale_points=5,
    )
    cycle_open(cycle=cycle, membership=acme.membership("admin"), now=NOW)
    cycle.refresh_from_db()
    assert cycle.version.number == 2


def test_thresholds_and_audience_freeze_when_the_cycle_opens(acme):
    """After opening, changing k is refused with a clear message; the title and closing
    time still change."""
    team = team_build(acme)
    cycle = opened_make(team)
    admin = acme.membership("admin")
    with pytest.raises(ValidationError) as frozen:
        cycle_update(membership=admin, cycle=cycle, min_group=8, now=NOW)
    assert "frozen" in frozen.value.message_dict["min_group"][0]
    with pytest.raises(ValidationError):
        cycle_update(membership=admin, cycle=cycle, partnership=None, now=NOW)
    cycle_update(
        membership=admin,
        cycle=cycle,
        title="Coordination pulse (extended)",
        closes_at=cycle.closes_at + 3 * DAY,
        min_group=5,
        now=NOW,
    )
    cycle.refresh_from_db()
    assert cycle.title.endswith("(extended)")
    assert cycle.min_group == 5


def test_a_draft_changes_freely_and_can_be_deleted_an_opened_one_cannot(acme):
    team = team_build(acme)
    draft = draft_make(team)
    cycle_update(membership=acme.membership("admin"), cycle=draft, min_group=6, now=NOW)
    draft.refresh_from_db()
    assert draft.min_group == 6
    cycle_delete(membership=acme.membership("admin"), cycle=draft)
    assert not Cycle.objects.filter(pk=draft.pk).exists()
    opened = opened_make(team)
    with pytest.raises(ValidationError):
        cycle_delete(membership=acme.membership("admin"), cycle=opened)


def test_closing_early_moves_the_closing_time_and_a_closed_cycle_is_read_only(acme):
    team = team_build(acme)
    cycle = opened_make(team)
    cycle_close(cycle=cycle, membership=acme.membership("admin"), now=NOW + DAY)
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.CLOSED
    assert cycle.closes_at == NOW + DAY
    with pytest.raises(ValidationError) as refused:
        cycle_update(membership=acme.membership("admin"), cycle=cycle, title="New", now=NOW)
    assert "closed" in str(refused.value)


def test_a_recurring_cycle_gets_its_next_draft_when_it_opens(acme):
    team = team_build(acme)
    cycle = opened_make(team, recur_weeks=8)
    successor = Cycle.objects.get(previous=cycle)
    assert successor.status == Cycle.Status.DRAFT
    assert successor.opens_at == cycle.opens_at + datetime.timedelta(weeks=8)
    assert successor.closes_at == cycle.closes_at + datetime.timedelta(weeks=8)
    assert (successor.min_group, successor.recur_weeks) == (cycle.min_group, 8)


def test_the_daily_task_opens_closes_and_starts_the_next_cycle_once(acme):
    """Run twice on the same day it changes nothing the second time."""
    team = team_build(acme)
    due = draft_make(team, title="Due", recur_weeks=6)
    finished = opened_make(team, now=NOW - 20 * DAY, title="Finished")
    result = cycles_advance_task.call(now=NOW.isoformat())
    assert result["opened"] == 1
    assert result["closed"] == 1
    assert result["created"] == 1
    due.refresh_from_db()
    finished.refresh_from_db()
    assert due.status == Cycle.Status.OPEN
    assert finished.status == Cycle.Status.CLOSED
    assert Invitation.objects.filter(cycle=due).count() == len(team.people)
    again = cycles_advance(now=NOW)
    assert (again.opened, again.closed, again.created, again.reminded) == (0, 0, 0, 0)
    assert Cycle.objects.filter(previous=due).count() == 1


def test_reminders_go_to_people_who_have_not_answered_once_per_round(acme):
    team = team_build(acme)
    cycle = opened_make(team, days=14)
    answered = team.people[0]
    invitation = Invitation.objects.get(cycle=cycle, person=answered)
    response_submit(
        invitation=invitation,
        answers=[
            AnswerInput(item="frequent", target=str(team.functions["Finance"].uuid), position=3)
        ],
        now=NOW + DAY,
    )
    first, second = reminder_rounds(cycle)
    assert cycles_advance(now=first - DAY).reminded == 0
    assert cycles_advance(now=first + datetime.timedelta(hours=1)).reminded == len(team.people) - 1
    assert cycles_advance(now=first + datetime.timedelta(hours=2)).reminded == 0
    reminders = Notification.objects.filter(dedupe_key__contains="survey-reminder")
    assert reminders.count() == len(team.people) - 1
    assert not reminders.filter(recipient=answered).exists()
    assert cycles_advance(now=second + datetime.timedelta(hours=1)).reminded == len(team.people) - 1
    assert cycles_advance(now=second + datetime.timedelta(hours=2)).reminded == 0


def test_response_rates_count_invitations_per_function(acme):
    team = team_build(acme)
    cycle = opened_make(team)
    finance = team.functions["Finance"]
    for person in [team.person("Sales", 0), team.person("Sales", 1)]:
        response_submit(
            invitation=Invitation.objects.select_related("cycle", "person").get(
                cycle=cycle, person=person
            ),
            answers=[AnswerInput(item="timely", target=str(finance.uuid), position=4)],
            now=NOW + DAY,
        )
    rates = cycle_response_rates(cycle=cycle)
    assert (rates.invited, rates.responded) == (8, 2)
    by_name = {rate.function: (rate.invited, rate.responded) for rate in rates.by_function}
    assert by_name == {"Finance": (3, 0), "Operations": (2, 0), "Sales": (3, 2)}


def test_a_lead_surveys_the_partnership_s_members_not_whole_functions(acme):
    acme.alice.user = acme.member
    acme.alice.save(update_fields=["user"])
    team = team_build(acme, lead=acme.alice)
    with pytest.raises(PermissionDenied) as refused:
        draft_make(team, role="member", functions=[acme.sales, acme.finance])
    assert "whole functions" in str(refused.value)
