"""Status update pages: the feed and its filters, per-partnership feed, posting with asks
(no JavaScript needed), edit, the update page with asks, answers, acknowledgements and
threaded comments, open asks, "Needs my response", roles, privacy, tenancy, escaping and
query counts."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accord.comms import update_actions as actions
from accord.comms.models_plan import Cadence
from accord.comms.models_updates import Acknowledgement, Ask, StatusUpdate, UpdateComment
from accord.comms.tests.test_update_actions import TODAY, update_make, world
from accord.goals.models import CheckIn
from accord.org.tests.helpers import count_queries
from accord.partnerships import actions as partnership_actions

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def post_data(partnership, **fields):
    data = {
        "partnership": partnership.slug,
        "period_start": "2026-05-07",
        "period_end": "2026-05-13",
        "rag": "green",
        "progress": "Invoices go out the day we ship.",
        "next_steps": "",
        "blockers": "",
        "asks-TOTAL_FORMS": "3",
        "asks-INITIAL_FORMS": "0",
        "asks-MIN_NUM_FORMS": "0",
        "asks-MAX_NUM_FORMS": "10",
    }
    for index in range(3):
        data[f"asks-{index}-text"] = ""
        data[f"asks-{index}-to"] = ""
    data.update(fields)
    return data


# --- the feed -------------------------------------------------------------------------------


def test_feed_shows_updates_with_status_asks_and_read_count(acme, login):
    w = world(acme)
    update_make(
        acme,
        w,
        rag="amber",
        goals=[w.goal],
        asks=[actions.AskDraft(text="Sign off", to_person=acme.alice)],
    )
    body = login(acme.viewer).get(url("update_feed")).content.decode()
    assert 'class="badge rag-amber"' in body
    assert "Quote to cash · 7 May–13 May 2026" in body
    assert "1 open ask" in body
    assert "Read by 0 of 4" in body
    assert "Cut DSO from 52 to 40 days" in body
    assert 'aria-current="page">Updates</a>' in body


def test_feed_filters_by_partnership_status_function_period_and_open_asks(acme, login):
    w = world(acme)
    other = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Launch",
        functions=[acme.sales, acme.finance],
    )
    update_make(acme, w, progress="Mia green")
    update_make(
        acme,
        w,
        role="admin",
        rag="red",
        blockers="ERP",
        progress="Ada red",
        period_start=datetime.date(2026, 4, 1),
        period_end=datetime.date(2026, 4, 7),
        asks=[actions.AskDraft(text="Help", to_person=acme.alice)],
    )
    actions.update_create(
        membership=acme.membership("admin"),
        partnership=other,
        rag="green",
        progress="Launch green",
        period_start=TODAY,
        period_end=TODAY,
    )
    client = login(acme.viewer)

    def shown(**params):
        response = client.get(url("update_feed"), params)
        assert response.status_code == 200
        return sorted(u.progress for u in response.context["updates"])

    assert shown() == ["Ada red", "Launch green", "Mia green"]
    assert shown(partnership=w.partnership.slug) == ["Ada red", "Mia green"]
    assert shown(rag="red") == ["Ada red"]
    assert shown(function=str(acme.finance.uuid)) == ["Ada red", "Launch green"]
    assert shown(since="2026-05-01") == ["Launch green", "Mia green"]
    assert shown(until="2026-04-30") == ["Ada red"]
    assert shown(open_asks="1") == ["Ada red"]
    assert shown(rag="bogus", function="x", since="never") == shown()


def test_partnership_feed_shows_the_status_trend_and_cadence(acme, login):
    w = world(acme)
    Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name="Weekly async update",
        starts_on=datetime.date(2026, 1, 5),
        next_due=datetime.date(2026, 5, 15),
    )
    update_make(acme, w, rag="amber")
    body = login(acme.member).get(url("update_feed"), {"partnership": w.partnership.slug})
    text = body.content.decode()
    assert "Updates of Quote to cash" in text
    assert 'class="rag-dot rag-amber"' in text
    assert "Weekly async update · next due" in text
    assert f"{url('update_create')}?partnership={w.partnership.slug}" in text


def test_htmx_filter_request_gets_only_the_results(acme, login):
    w = world(acme)
    update_make(acme, w)
    response = login(acme.viewer).get(url("update_feed"), {"rag": "green"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card flush" id="update-results"')
    assert "<html" not in body
    assert "HX-Request" in response["Vary"]


def test_updates_of_a_members_only_partnership_are_hidden_from_non_members(acme, login):
    w = world(acme, privacy="members")
    update = update_make(acme, w, progress="Secret progress")
    client = login(acme.owner)  # an admin sees it
    assert "Secret progress" in client.get(url("update_feed")).content.decode()
    w.partnership.members.filter(person=w.vic).delete()
    client = login(acme.viewer)
    assert "Secret progress" not in client.get(url("update_feed")).content.decode()
    assert client.get(url("update_detail", update.uuid)).status_code == 404
    assert client.get(url("update_feed"), {"partnership": w.partnership.slug}).status_code == 404


def test_empty_feed_explains_updates_and_offers_to_post(acme, login):
    world(acme)
    body = login(acme.member).get(url("update_feed")).content.decode()
    assert "No updates yet" in body
    assert url("update_create") in body
    body = login(acme.viewer).get(url("update_feed")).content.decode()
    assert "Post the first update" not in body


@pytest.mark.parametrize("role", ["viewer", "member", "admin"])
def test_feed_query_count_does_not_grow(acme, login, role):
    w = world(acme)
    client = login(acme.user(role))
    update_make(acme, w, goals=[w.goal], asks=[actions.AskDraft(text="A", to_person=acme.alice)])
    small, _ = count_queries(client, url("update_feed"))
    for index in range(12):
        update = update_make(
            acme,
            w,
            role="admin" if index % 2 else "member",
            progress=f"Week {index}",
            goals=[w.goal],
            asks=[actions.AskDraft(text=f"Ask {index}", to_function=acme.sales)],
        )
        Acknowledgement.objects.create(workspace=acme.workspace, update=update, person=w.vic)
        actions.update_comment_add(membership=acme.membership("admin"), update=update, body="ok")
    large, response = count_queries(client, url("update_feed"))
    assert len(response.context["updates"]) == 13
    assert small == large


# --- posting --------------------------------------------------------------------------------


def test_posting_with_asks_and_goals_works_without_javascript(acme, login):
    w = world(acme)
    client = login(acme.member)
    response = client.post(
        url("update_create"),
        post_data(
            w.partnership,
            goals=[str(w.goal.uuid)],
            **{
                "asks-0-text": "Sign off the dunning letter",
                "asks-0-to": f"person:{acme.alice.uuid}",
                "asks-1-text": "Who owns disputes?",
                "asks-1-to": f"function:{acme.finance.uuid}",
            },
        ),
    )
    update = StatusUpdate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("update_detail", update.uuid)
    assert update.author == w.mia
    assert list(update.goals.all()) == [w.goal]
    assert sorted(Ask.objects.values_list("text", flat=True)) == [
        "Sign off the dunning letter",
        "Who owns disputes?",
    ]


def test_the_form_is_prefilled_from_the_update_cadence(acme, login):
    w = world(acme)
    Cadence.objects.create(
        workspace=acme.workspace,
        partnership=w.partnership,
        kind=Cadence.Kind.WEEKLY_UPDATE,
        name="Weekly async update",
        starts_on=timezone.localdate() - datetime.timedelta(days=14),
        next_due=timezone.localdate(),
    )
    response = login(acme.member).get(url("update_create"), {"partnership": w.partnership.slug})
    form = response.context["form"]
    start = timezone.localdate()
    assert form.initial["period_start"] == start
    assert form.initial["period_end"] == start + datetime.timedelta(days=6)
    assert "this update counts towards it" in response.content.decode()


def test_choosing_the_partnership_comes_first_when_there_are_several(acme, login):
    world(acme)
    partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Launch",
        functions=[acme.sales, acme.finance],
    )
    body = login(acme.admin).get(url("update_create")).content.decode()
    assert "Which partnership is this update for?" in body
    assert 'value="launch"' in body


def test_errors_name_the_field_and_keep_the_input(acme, login):
    w = world(acme)
    response = login(acme.member).post(
        url("update_create"),
        post_data(
            w.partnership,
            progress="",
            rag="red",
            next_steps="Keep me <b>safe</b>",
            **{"asks-0-text": "Needs an addressee", "asks-1-to": f"person:{acme.alice.uuid}"},
        ),
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Say what moved this period." in body
    assert "Choose the person or function this ask is for." in body
    assert "Write the ask, or leave the row blank." in body
    assert "Keep me &lt;b&gt;safe&lt;/b&gt;" in body
    assert not StatusUpdate.objects.exists()


def test_action_errors_on_asks_show_above_the_asks(acme, login):
    w = world(acme)
    outsider = partnership_actions.partnership_create(
        workspace=acme.workspace,
        actor=acme.owner,
        name="Launch",
        functions=[acme.sales, acme.finance],
    )
    assert outsider
    response = login(acme.member).post(
        url("update_create"),
        post_data(w.partnership, rag="red", blockers=""),
    )
    assert "fill in the blockers" in response.content.decode()


def test_viewers_and_non_members_cannot_post(acme, login):
    w = world(acme)
    assert login(acme.viewer).get(url("update_create")).status_code == 403
    w.partnership.members.filter(person=w.mia).delete()
    w.partnership.lead = None
    w.partnership.save()
    client = login(acme.member)
    response = client.get(url("update_create"), {"partnership": w.partnership.slug})
    assert response.status_code == 403
    assert client.post(url("update_create"), post_data(w.partnership)).status_code == 403


# --- edit -----------------------------------------------------------------------------------


def test_the_author_edits_and_removes_an_open_ask(acme, login):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="Old ask", to_person=acme.alice)])
    ask = update.asks.get()
    client = login(acme.member)
    page = client.get(url("update_edit", update.uuid))
    assert page.context["asks"].initial[0]["text"] == "Old ask"
    data = post_data(
        w.partnership,
        rag="amber",
        expected_version=str(update.version),
        **{
            "asks-TOTAL_FORMS": "2",
            "asks-INITIAL_FORMS": "1",
            "asks-0-ask": str(ask.uuid),
            "asks-0-text": "Old ask",
            "asks-0-to": f"person:{acme.alice.uuid}",
            "asks-0-DELETE": "on",
            "asks-1-text": "New ask",
            "asks-1-to": f"function:{acme.sales.uuid}",
        },
    )
    response = client.post(url("update_edit", update.uuid), data)
    assert response.status_code == 302
    update.refresh_from_db()
    assert update.rag == "amber"
    assert list(update.asks.values_list("text", flat=True)) == ["New ask"]


def test_only_the_author_edits_and_a_stale_form_is_a_conflict(acme, login):
    w = world(acme)
    update = update_make(acme, w)
    assert login(acme.admin).get(url("update_edit", update.uuid)).status_code == 403
    client = login(acme.member)
    data = post_data(w.partnership, rag="amber", expected_version="99")
    data.update({"asks-TOTAL_FORMS": "2"})
    response = client.post(url("update_edit", update.uuid), data)
    assert response.status_code == 409
    assert "Someone else saved this update" in response.content.decode()


def test_delete_answers_with_the_partnership_feed(acme, login):
    w = world(acme)
    update = update_make(acme, w)
    response = login(acme.admin).post(url("update_delete", update.uuid))
    assert response["Location"] == f"{url('update_feed')}?partnership={w.partnership.slug}"
    assert not StatusUpdate.objects.exists()


# --- the update page ------------------------------------------------------------------------


def test_update_page_shows_every_field_asks_goals_and_read_by(acme, login):
    w = world(acme)
    CheckIn.objects.create(
        workspace=acme.workspace, goal=w.goal, date=TODAY, value=47, confidence="at_risk"
    )
    update = update_make(
        acme,
        w,
        next_steps="Chase late payers.",
        blockers="ERP template.",
        rag="amber",
        goals=[w.goal],
        asks=[
            actions.AskDraft(text="Sign off", to_person=acme.alice),
            actions.AskDraft(text="Dispute owner?", to_function=acme.finance),
        ],
    )
    answered = update.asks.get(text="Dispute owner?")
    actions.ask_answer(membership=acme.membership("admin"), ask=answered, answer="Bob owns them.")
    actions.update_acknowledge(membership=acme.membership("admin"), update=update)
    body = login(acme.viewer).get(url("update_detail", update.uuid)).content.decode()
    for text in ("Chase late payers.", "ERP template.", "Amber — at risk", "Bob owns them."):
        assert text in body
    assert "Ada Admin answered" in body
    assert "For Alice Archer (Sales)" in body
    assert "Open · today" in body
    assert "47 days" in body
    assert 'class="badge confidence-at_risk">At risk' in body
    assert "Read by 1 of 4 members — Finance 1/3, Sales 0/1" in body
    assert "Acknowledge" in body  # the viewer has a person and has not read it


def test_acknowledging_with_htmx_answers_with_the_read_by_card(acme, login):
    w = world(acme)
    update = update_make(acme, w)
    client = login(acme.admin)
    response = client.post(url("update_acknowledge", update.uuid), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card read-by"')
    assert "You acknowledged this" in body
    assert "Read by 1 of 4 members" in body
    assert Acknowledgement.objects.get().person == w.ada
    response = client.post(url("update_acknowledge", update.uuid))
    assert response["Location"] == url("update_detail", update.uuid) + "#read-by"
    assert Acknowledgement.objects.count() == 1


def test_answering_inline_with_htmx_and_without(acme, login):
    w = world(acme)
    update = update_make(
        acme,
        w,
        asks=[
            actions.AskDraft(text="One", to_function=acme.finance),
            actions.AskDraft(text="Two", to_person=w.ada),
        ],
    )
    one, two = update.asks.order_by("created_at", "pk")
    client = login(acme.admin)
    response = client.post(
        url("update_ask_answer", one.uuid), {"answer": ""}, HTTP_HX_REQUEST="true"
    )
    assert "Write your answer before sending it." in response.content.decode()
    response = client.post(
        url("update_ask_answer", one.uuid),
        {"answer": "Yes <script>x</script>"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<li class="ask answered" id="ask-{one.uuid}"')
    assert "Yes &lt;script&gt;x&lt;/script&gt;" in body
    response = client.post(url("update_ask_answer", two.uuid), {"answer": "Done"})
    assert response["Location"] == url("update_detail", update.uuid) + f"#ask-{two.uuid}"
    assert Ask.objects.filter(answered_at__isnull=True).count() == 0


def test_someone_not_addressed_sees_no_answer_form_and_cannot_answer(acme, login):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="To Ada", to_person=w.ada)])
    ask = update.asks.get()
    client = login(acme.owner)
    assert (
        f"answer-{ask.uuid}" not in client.get(url("update_detail", update.uuid)).content.decode()
    )
    client.post(url("update_ask_answer", ask.uuid), {"answer": "Me"})
    ask.refresh_from_db()
    assert ask.answered_at is None


def test_comments_and_threaded_replies_with_htmx(acme, login):
    w = world(acme)
    update = update_make(acme, w)
    client = login(acme.admin)
    response = client.post(
        url("update_comment_add", update.uuid),
        {"body": "@Mia Member is the ERP fixed?"},
        HTTP_HX_REQUEST="true",
    )
    assert (
        response.content.decode()
        .lstrip()
        .startswith('<section class="card" aria-labelledby="comments-title" id="comments">')
    )
    first = UpdateComment.objects.get()
    client = login(acme.member)
    response = client.post(
        url("update_comment_add", update.uuid),
        {"body": "Yes since Monday.", "parent": str(first.uuid)},
    )
    reply = UpdateComment.objects.get(parent=first)
    assert response["Location"] == url("update_detail", update.uuid) + f"#comment-{reply.uuid}"
    body = client.get(url("update_detail", update.uuid)).content.decode()
    assert body.index("is the ERP fixed?") < body.index("Yes since Monday.")
    assert 'class="comment-thread replies"' in body


def test_an_empty_reply_shows_its_error_under_the_comment(acme, login):
    w = world(acme)
    update = update_make(acme, w)
    comment = actions.update_comment_add(
        membership=acme.membership("admin"), update=update, body="Question?"
    )
    response = login(acme.member).post(
        url("update_comment_add", update.uuid),
        {"body": "", "parent": str(comment.uuid)},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert '<details class="reply" open>' in body
    assert "Write a comment before posting it." in body


def test_viewers_read_comments_but_get_no_comment_form(acme, login):
    w = world(acme)
    update = update_make(acme, w)
    body = login(acme.viewer).get(url("update_detail", update.uuid)).content.decode()
    assert url("update_comment_add", update.uuid) not in body
    assert (
        login(acme.viewer).post(url("update_comment_add", update.uuid), {"body": "x"}).status_code
        == 403
    )


def test_update_page_query_count_does_not_grow(acme, login):
    w = world(acme)
    update = update_make(
        acme, w, goals=[w.goal], asks=[actions.AskDraft(text="A", to_person=w.ada)]
    )
    client = login(acme.admin)
    small, _ = count_queries(client, url("update_detail", update.uuid))
    for index in range(6):
        Ask.objects.create(
            workspace=acme.workspace, update=update, text=f"Q{index}", to_function=acme.sales
        )
        comment = actions.update_comment_add(
            membership=acme.membership("admin"), update=update, body=f"c{index}"
        )
        actions.update_comment_add(
            membership=acme.membership("member"), update=update, body="r", parent=comment
        )
    actions.update_acknowledge(membership=acme.membership("viewer"), update=update)
    large, _ = count_queries(client, url("update_detail", update.uuid))
    assert small == large


def test_another_workspace_gets_404_for_every_update_url(acme, globex, login):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="A", to_person=acme.alice)])
    ask = update.asks.get()
    client = login(globex.owner)
    for name, arg in (
        ("update_detail", update.uuid),
        ("update_edit", update.uuid),
    ):
        assert client.get(url(name, arg, ws="globex")).status_code == 404
        assert client.get(url(name, arg)).status_code == 404
    for name, arg in (
        ("update_acknowledge", update.uuid),
        ("update_comment_add", update.uuid),
        ("update_delete", update.uuid),
        ("update_ask_answer", ask.uuid),
    ):
        assert (
            client.post(url(name, arg, ws="globex"), {"body": "x", "answer": "x"}).status_code
            == 404
        )
    assert StatusUpdate.objects.count() == 1


# --- open asks and needs my response --------------------------------------------------------


def test_open_asks_list_oldest_first_with_their_age(acme, login):
    w = world(acme)
    update = update_make(acme, w, asks=[actions.AskDraft(text="Old ask", to_person=acme.alice)])
    update_make(acme, w, asks=[actions.AskDraft(text="New ask", to_function=acme.finance)])
    Ask.objects.filter(text="Old ask").update(
        created_at=timezone.now() - datetime.timedelta(days=9)
    )
    response = login(acme.viewer).get(url("update_open_asks"))
    body = response.content.decode()
    assert body.index("Old ask") < body.index("New ask")
    assert "9 days" in body
    assert "Waiting" in body
    assert "Anyone in Finance" in body
    assert update.asks.get().text == "Old ask"
    mine = login(acme.admin).get(url("update_open_asks"), {"mine": "1"})
    assert [a.text for a in mine.context["asks"]] == ["New ask"]


def test_needs_my_response_lists_asks_unread_updates_and_mentions_until_handled(acme, login):
    w = world(acme)
    update = update_make(
        acme,
        w,
        asks=[
            actions.AskDraft(text="For Ada", to_person=w.ada),
            actions.AskDraft(text="For Finance", to_function=acme.finance),
            actions.AskDraft(text="For Sales", to_function=acme.sales),
        ],
    )
    comment = actions.update_comment_add(
        membership=acme.membership("member"),
        update=update,
        body="@ada admin please look",
    )
    client = login(acme.admin)
    response = client.get(url("update_needs_me"))
    found = response.context["found"]
    assert sorted(a.text for a in found.asks) == ["For Ada", "For Finance"]
    assert found.unread == [update]
    assert found.mentions == [comment]
    body = response.content.decode()
    assert "Asks waiting for me" in body
    assert "please look" in body

    for ask in found.asks:
        client.post(url("update_ask_answer", ask.uuid), {"answer": "Done", "next": "needs-me"})
    client.post(url("update_acknowledge", update.uuid))
    client.post(
        url("update_comment_add", update.uuid), {"body": "On it.", "parent": str(comment.uuid)}
    )
    found = client.get(url("update_needs_me")).context["found"]
    assert (found.asks, found.unread, found.mentions) == ([], [], [])
    assert "Nothing waits for you" in client.get(url("update_needs_me")).content.decode()


def test_needs_my_response_explains_a_login_without_a_person(acme, login):
    body = login(acme.owner).get(url("update_needs_me")).content.decode()
    assert "Your login is not linked to a person" in body


def test_needs_my_response_query_count_does_not_grow(acme, login):
    w = world(acme)
    client = login(acme.admin)
    update_make(acme, w, asks=[actions.AskDraft(text="A", to_person=w.ada)])
    small, _ = count_queries(client, url("update_needs_me"))
    for index in range(8):
        update = update_make(
            acme,
            w,
            progress=f"W{index}",
            goals=[w.goal],
            asks=[actions.AskDraft(text=f"Q{index}", to_function=acme.finance)],
        )
        actions.update_comment_add(
            membership=acme.membership("member"), update=update, body="@Ada Admin hi"
        )
    large, response = count_queries(client, url("update_needs_me"))
    assert len(response.context["found"].asks) == 9
    assert small == large
