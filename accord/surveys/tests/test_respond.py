"""Answering a survey: through the one-time link (no sign-in), in the app, and the rules
every answer passes."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accord.notifications.tests.conftest import smtp_server  # noqa: F401  (fixture)
from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_close, cycle_open
from accord.surveys.instrument_actions import instrument_create
from accord.surveys.instruments import ItemSpec
from accord.surveys.models import Answer, Cycle, Invitation, ItemKind, Response, UsedToken
from accord.surveys.respond_actions import (
    ALREADY_ANSWERED,
    AlreadyAnswered,
    AnswerInput,
    AnswersInvalid,
    SurveyNotOpen,
    response_submit,
)
from accord.surveys.tests.test_cycle_support import (
    coordination_post,
    draft_make,
    link_of,
    opened_make,
    team_build,
)

pytestmark = pytest.mark.django_db


def now_window(**fields):
    """Open cycles around the real clock (pages answer at timezone.now())."""
    return {"now": timezone.now() - datetime.timedelta(hours=1), **fields}


def invitation_of(cycle, person):
    return Invitation.objects.select_related("cycle", "person").get(cycle=cycle, person=person)


# --- the one-time link ----------------------------------------------------------------------


def test_the_link_shows_a_grid_of_the_other_functions_and_stores_an_anonymous_response(acme):
    """A Sales member rates Finance and Operations (not Sales); the response keeps their
    function and band only, and the link is spent."""
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    person = team.person("Sales", 2)  # a manager
    client = Client()
    page = client.get(link_of(person, cycle))
    html = page.content.decode()
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "same-origin"
    assert "Finance" in html
    assert "Operations" in html
    assert f"@{team.functions['Sales'].uuid}" not in html
    assert "Just the right amount" in html
    targets = [team.functions["Finance"], team.functions["Operations"]]
    done = client.post(link_of(person, cycle), coordination_post(targets, position=3))
    assert done.status_code == 302
    assert done["Location"] == "/survey/thanks/"
    response = Response.objects.get(cycle=cycle)
    assert response.function_id == team.functions["Sales"].pk
    assert response.band == "manager"
    answers = Answer.objects.filter(response=response)
    assert answers.count() == 14
    frequent = answers.get(item__key="frequent", target=team.functions["Finance"])
    assert (frequent.position, frequent.value) == (3, 5.0)
    assert answers.get(item__key="timely", target=targets[1]).value == 3.0
    assert invitation_of(cycle, person).responded is True
    assert UsedToken.objects.filter(cycle=cycle).count() == 1
    thanks = client.get("/survey/thanks/")
    assert "Thank you" in thanks.content.decode()


def test_a_second_answer_with_the_same_link_is_refused_kindly(acme):
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    person = team.person("Finance", 0)
    targets = [team.functions["Sales"], team.functions["Operations"]]
    client = Client()
    client.post(link_of(person, cycle), coordination_post(targets))
    again = client.post(link_of(person, cycle), coordination_post(targets, position=1))
    assert again.status_code == 409
    assert ALREADY_ANSWERED in again.content.decode()
    assert Response.objects.filter(cycle=cycle).count() == 1
    shown = client.get(link_of(person, cycle))
    assert "already answered this survey" in shown.content.decode()


def test_a_closed_or_unopened_cycle_refuses_with_a_clear_message(acme):
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    person = team.person("Sales", 0)
    link = link_of(person, cycle)
    cycle_close(cycle=cycle, membership=acme.membership("admin"))
    page = Client().get(link)
    assert "This survey closed on" in page.content.decode()
    refused = Client().post(link, coordination_post([team.functions["Finance"]]))
    assert refused.status_code == 409
    assert not Response.objects.filter(cycle=cycle).exists()
    assert invitation_of(cycle, person).responded is False


def test_an_unknown_link_is_a_friendly_not_found(acme):
    page = Client().get("/survey/not-a-real-token/")
    assert page.status_code == 404
    assert "This link does not work" in page.content.decode()
    assert Client().post("/survey/not-a-real-token/", {}).status_code == 404


def test_missing_required_answers_re_render_with_the_input_kept(acme):
    """Psychological safety requires every statement; what was chosen stays chosen."""
    team = team_build(acme)
    cycle = opened_make(team, key=builtin.PSYCH_SAFETY_KEY, **now_window())
    link = link_of(team.person("Operations", 0), cycle)
    page = Client().post(link, {"q-speak_up": "6"})
    html = page.content.decode()
    assert page.status_code == 422
    assert "Please check 6 answers below" in html
    assert 'value="6" checked' in html
    assert html.count("This question is required") == 6
    assert not Response.objects.exists()


def test_values_out_of_range_and_foreign_functions_are_refused(acme):
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    sales_person = team.person("Sales", 0)
    link = link_of(sales_person, cycle)
    own = team.functions["Sales"]
    page = Client().post(
        link,
        {
            f"q-timely@{team.functions['Finance'].uuid}": "9",
            f"q-accurate@{team.functions['Finance'].uuid}": "abc",
            f"q-timely@{own.uuid}": "3",  # own function: not on the form, ignored
        },
    )
    assert page.status_code == 422
    assert page.content.decode().count("Choose one of the 5 answers") == 2
    with pytest.raises(AnswersInvalid) as refused:
        response_submit(
            invitation=invitation_of(cycle, sales_person),
            answers=[AnswerInput(item="timely", target=str(own.uuid), position=3)],
        )
    assert "answers.0.target" in refused.value.message_dict


def test_the_own_function_is_rated_when_the_cycle_asks_for_it(acme):
    team = team_build(acme)
    cycle = opened_make(team, rate_own_function=True, **now_window())
    person = team.person("Sales", 0)
    own = team.functions["Sales"]
    response_submit(
        invitation=invitation_of(cycle, person),
        answers=[AnswerInput(item="mutual_respect", target=str(own.uuid), position=5)],
    )
    assert Answer.objects.get(target=own).value == 5.0


def test_health_votes_keep_the_vote_score_and_the_trend(acme):
    team = team_build(acme)
    cycle = opened_make(team, key=builtin.HEALTH_CHECK_KEY, **now_window())
    person = team.person("Finance", 1)
    data = {f"q-{spec.key}": "1" for spec in builtin.HEALTH_CHECK.items}
    data["q-speed"] = "3"
    data["trend-speed"] = "worse"
    assert Client().post(link_of(person, cycle), data).status_code == 302
    speed = Answer.objects.get(item__key="speed")
    assert (speed.position, speed.value, speed.trend) == (3, 0.0, "worse")
    assert Answer.objects.get(item__key="fun").value == 2.0
    assert Response.objects.get().band == "leader"
    with pytest.raises(AnswersInvalid) as refused:
        response_submit(
            invitation=invitation_of(cycle, team.person("Finance", 0)),
            answers=[AnswerInput(item="speed", position=1, trend="sideways")],
        )
    assert "answers.0.trend" in refused.value.message_dict


def test_custom_questions_take_0_to_10_choices_and_text(acme):
    team = team_build(acme)
    instrument = instrument_create(
        membership=acme.membership("admin"),
        name="Pulse",
        items=[
            ItemSpec(key="nps", kind=ItemKind.SCALE_0_10, text="Recommend?", required=True),
            ItemSpec(key="pick", kind=ItemKind.SINGLE, text="Pick", options=("A", "B", "C")),
            ItemSpec(key="many", kind=ItemKind.MULTIPLE, text="Many", options=("A", "B", "C")),
            ItemSpec(key="note", kind=ItemKind.TEXT, text="Anything else?"),
        ],
    )
    cycle = opened_make(team, key=instrument.key, **now_window())
    person = team.person("Sales", 0)
    page = Client().post(
        link_of(person, cycle),
        {"q-nps": "9", "q-pick": "2", "q-many": ["1", "3"], "q-note": "  <b>Fewer meetings</b> "},
    )
    assert page.status_code == 302
    by_key = {a.item.key: a for a in Answer.objects.select_related("item")}
    assert by_key["nps"].value == 9.0
    assert (by_key["pick"].position, by_key["pick"].value) == (2, 2.0)
    assert by_key["many"].choices == [1, 3]
    assert by_key["many"].value is None
    assert by_key["note"].text == "<b>Fewer meetings</b>"
    with pytest.raises(AnswersInvalid) as refused:
        response_submit(
            invitation=invitation_of(cycle, team.person("Sales", 1)),
            answers=[
                AnswerInput(item="nps", value=11),
                AnswerInput(item="many", choices=(1, 1)),
                AnswerInput(item="nope", position=1),
            ],
        )
    assert set(refused.value.message_dict) == {
        "answers.0.value",
        "answers.1.choices",
        "answers.2.item",
    }


def test_an_empty_answer_is_refused(acme):
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    with pytest.raises(AnswersInvalid) as refused:
        response_submit(invitation=invitation_of(cycle, team.people[0]), answers=[])
    assert "at least one question" in str(refused.value)


def test_the_action_refuses_a_spent_token_even_if_the_flag_was_not_read(acme):
    """The unique token hash is the guard: a stale invitation object still fails."""
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    stale = invitation_of(cycle, team.people[0])
    answer = [AnswerInput(item="frequent", target=str(team.functions["Finance"].uuid), position=3)]
    response_submit(invitation=invitation_of(cycle, team.people[0]), answers=answer)
    assert stale.responded is False
    with pytest.raises(AlreadyAnswered):
        response_submit(invitation=stale, answers=answer)
    assert Response.objects.count() == 1


def test_a_draft_is_not_open_yet(acme):
    team = team_build(acme)
    cycle = draft_make(team, **now_window())
    cycle_open(cycle=cycle, membership=acme.membership("admin"))
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.DRAFT)
    with pytest.raises(SurveyNotOpen) as refused:
        response_submit(
            invitation=Invitation.objects.select_related("cycle", "person").filter(cycle=cycle)[0],
            answers=[],
        )
    assert "not open yet" in refused.value.message


# --- in the app -----------------------------------------------------------------------------


def test_a_signed_in_member_answers_without_a_token(acme, login):
    """The server finds the member's invitation; viewers answer too."""
    team = team_build(acme)
    acme.bob.user = acme.viewer
    acme.bob.save(update_fields=["user"])
    cycle = draft_make(
        team, partnership=team.partnership, functions=[acme.sales, acme.finance], **now_window()
    )
    cycle_open(cycle=cycle, membership=acme.membership("admin"))
    client = login(acme.viewer)
    home = client.get("/w/acme/surveys/").content.decode()
    assert "Waiting for your answer" in home
    assert cycle.title in home
    page = client.get(f"/w/acme/surveys/cycles/{cycle.uuid}/respond/")
    assert page.status_code == 200
    assert "Sales" in page.content.decode()
    done = client.post(
        f"/w/acme/surveys/cycles/{cycle.uuid}/respond/", coordination_post([acme.sales])
    )
    assert done.status_code == 302
    assert done["Location"] == "/w/acme/surveys/"
    response = Response.objects.get(cycle=cycle)
    assert (response.function_id, response.band) == (acme.finance.pk, "contributor")
    again = client.post(
        f"/w/acme/surveys/cycles/{cycle.uuid}/respond/", coordination_post([acme.sales])
    )
    assert again.status_code == 409
    assert ALREADY_ANSWERED in again.content.decode()
    assert "Answered — thank you" in client.get("/w/acme/surveys/").content.decode()


def test_someone_not_invited_has_nothing_to_answer(acme, login):
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    page = login(acme.owner).get(f"/w/acme/surveys/cycles/{cycle.uuid}/respond/")
    assert page.status_code == 403
    assert "not invited" in page.content.decode()


def test_another_workspace_cannot_reach_the_answer_page(acme, globex, login):
    team = team_build(acme)
    cycle = opened_make(team, **now_window())
    client = login(globex.owner)
    assert client.get(f"/w/acme/surveys/cycles/{cycle.uuid}/respond/").status_code == 404
    assert client.get(f"/w/globex/surveys/cycles/{cycle.uuid}/respond/").status_code == 404


def test_validation_error_type_is_django_validation(acme):
    """Pages and the API share one error type: a ValidationError with field paths."""
    assert issubclass(AnswersInvalid, ValidationError)


# --- the invitation email -------------------------------------------------------------------


def test_the_invitation_email_carries_a_link_that_works(acme, smtp_server):  # noqa: F811
    """Every invitee gets an email whose link answers the survey without signing in: the
    member with a login at their sign-in address, the others at their directory address."""
    import re

    from accord.notifications.delivery import deliveries_due_send

    team = team_build(acme)
    invitee = team.person("Finance", 0)
    invitee.user = acme.member
    invitee.save(update_fields=["user"])
    cycle = opened_make(team, **now_window())
    invited = cycle.invitations.count()
    assert deliveries_due_send() == invited
    assert len(smtp_server.messages) == invited
    (email,) = smtp_server.by_recipient(acme.member.email)
    others = [m for m in smtp_server.messages if m["To"] != acme.member.email]
    assert all("/survey/" in m.get_body(preferencelist=("plain",)).get_content() for m in others)
    assert cycle.title in email["Subject"]
    text = email.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https://accord\.example\.com(/survey/[\w-]+/)", text)
    assert link is not None
    client = Client()
    assert "Just the right amount" in client.get(link[1]).content.decode()
    targets = [team.functions["Sales"], team.functions["Operations"]]
    assert client.post(link[1], coordination_post(targets)).status_code == 302
    assert Response.objects.get(cycle=cycle).function_id == team.functions["Finance"].pk
