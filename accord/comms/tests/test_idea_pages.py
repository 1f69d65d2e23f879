"""Idea pages: the list with filters, sorting and the origins summary, proposing with errors,
voting with htmx (anonymous voting never names voters), comments, the stage panel for the
lead only (adoption into a goal), editing, deleting, escaping, tenancy and query counts."""

import pytest
from django.urls import reverse

from accord.comms import idea_actions as actions
from accord.comms.models import Idea, IdeaVote
from accord.comms.tests.test_feedback_actions import partnership_make, person_for
from accord.comms.tests.test_idea_actions import propose, team
from accord.goals.models import Goal
from accord.org.tests.helpers import count_queries

pytestmark = pytest.mark.django_db


def url(name, *args, ws="acme"):
    return reverse(name, args=[ws, *args])


def test_the_list_shows_ideas_stage_votes_and_where_ideas_come_from(acme, login):
    partnership, _, _ = team(acme)
    propose(acme, partnership, functions=[acme.sales, acme.finance])
    body = login(acme.viewer).get(url("idea_list")).content.decode()
    assert "One quote template" in body
    assert "Proposed" in body
    assert "Crosses functions" in body
    assert "Where ideas come from" in body
    assert "of 1 idea cross a function line" in body
    assert "Propose an idea" not in body  # viewers only read


def test_htmx_filtering_returns_only_the_results(acme, login):
    partnership, _, _ = team(acme)
    propose(acme, partnership)
    response = login(acme.viewer).get(url("idea_list"), {"stage": "parked"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert body.lstrip().startswith('<div class="home-grid" id="idea-results">')
    assert "No idea matches" in body
    assert "HX-Request" in response["Vary"]


def test_proposing_from_the_form_with_errors_then_success(acme, login):
    partnership, _, _ = team(acme)
    client = login(acme.member)
    form = client.get(url("idea_create"), {"partnership": partnership.slug}).content.decode()
    assert f'<option value="{partnership.slug}" selected>' in form
    response = client.post(url("idea_create"), {"partnership": partnership.slug, "title": "T"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Describe the problem or opportunity" in body
    assert "Say what you propose to do." in body
    response = client.post(
        url("idea_create"),
        {
            "partnership": partnership.slug,
            "title": "Shared glossary",
            "problem": "Ops and Sales use different words.",
            "proposal": "One glossary page.",
            "functions": [acme.sales.uuid, acme.finance.uuid],
            "anonymous_voting": "on",
        },
    )
    idea = Idea.objects.get()
    assert response["Location"] == url("idea_detail", idea.uuid)
    assert idea.anonymous_voting is True
    assert idea.functions.count() == 2


def test_voting_with_htmx_updates_the_count_and_names_voters_when_not_anonymous(acme, login):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    client = login(acme.admin)
    page = client.get(url("idea_detail", idea.uuid)).content.decode()
    assert 'aria-pressed="false"' in page
    response = client.post(
        url("idea_vote", idea.uuid),
        {"vote": "1", "show_voters": "1", "next": url("idea_detail", idea.uuid)},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div class="idea-vote" id="vote-{idea.uuid}">')
    assert "<strong>1</strong>" in body
    assert 'aria-pressed="true"' in body
    assert "Ada Admin" in body
    client.post(url("idea_vote", idea.uuid), {"vote": "0"})
    assert not IdeaVote.objects.exists()


def test_anonymous_voting_never_shows_voter_names(acme, login):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership, anonymous_voting=True)
    voter = person_for(acme, "owner", name="Olly Secretvoter")
    actions.idea_vote_set(membership=acme.membership("owner"), idea=idea, voted=True)
    for role in ("viewer", "member", "admin", "owner"):
        client = login(acme.user(role))
        for page in (url("idea_detail", idea.uuid), url("idea_list")):
            body = client.get(page).content.decode()
            vote_box = body.split(f'id="vote-{idea.uuid}"')[1].split("</section>")[0]
            assert "<strong>1</strong>" in vote_box
            assert "Olly Secretvoter" not in vote_box
            assert "Voted:" not in body
            # The name appears only as a choice of goal owner for the lead, never as a voter.
            assert "Olly Secretvoter" not in body.replace(
                f'value="{voter.uuid}">Olly Secretvoter</option>', ""
            )
        assert (
            "only the count is shown" in client.get(url("idea_detail", idea.uuid)).content.decode()
        )


def test_the_author_cannot_vote_and_sees_why(acme, login):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    body = login(acme.member).get(url("idea_detail", idea.uuid)).content.decode()
    assert "You proposed this idea; votes are for others." in body
    assert "aria-pressed" not in body


def test_comments_post_with_htmx(acme, login):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    response = login(acme.admin).post(
        url("idea_comment_add", idea.uuid),
        {"body": "Finance can pilot it."},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<section class="card" aria-labelledby="comments-title"')
    assert "Finance can pilot it." in body


def test_only_the_lead_sees_the_stage_panel_and_adoption_creates_a_goal(acme, login):
    partnership, _, member = team(acme)
    idea = propose(acme, partnership)
    assert (
        "Move the idea"
        not in login(acme.member).get(url("idea_detail", idea.uuid)).content.decode()
    )
    assert (
        login(acme.member).post(url("idea_stage", idea.uuid), {"stage": "parked"}).status_code
        == 403
    )
    client = login(acme.admin)
    assert "Move the idea" in client.get(url("idea_detail", idea.uuid)).content.decode()
    response = client.post(
        url("idea_stage", idea.uuid), {"stage": "experiment", "expected_version": 1}
    )
    assert response.status_code == 422
    assert "Describe the experiment" in response.content.decode()
    response = client.post(
        url("idea_stage", idea.uuid),
        {
            "stage": "adopted",
            "outcome": "Pilot worked.",
            "create_goal": "on",
            "goal_title": "Roll out the shared template",
            "goal_owner": member.uuid,
            "expected_version": 1,
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get()
    assert goal.title == "Roll out the shared template"
    body = client.get(url("idea_detail", idea.uuid)).content.decode()
    assert url("goal_detail", goal.uuid) in body
    assert "Pilot worked." in body


def test_editing_and_deleting(acme, login):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    client = login(acme.member)
    response = client.post(
        url("idea_edit", idea.uuid),
        {
            "title": "Better title",
            "problem": idea.problem,
            "proposal": idea.proposal,
            "expected_version": 1,
        },
    )
    assert response.status_code == 302
    assert Idea.objects.get().title == "Better title"
    assert login(acme.viewer).get(url("idea_edit", idea.uuid)).status_code == 403
    client = login(acme.member)
    client.post(url("idea_delete", idea.uuid))
    assert not Idea.objects.exists()


def test_idea_text_is_escaped(acme, login):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership, title="<b>bold</b>", problem="<script>x</script>")
    body = login(acme.viewer).get(url("idea_detail", idea.uuid)).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;b&gt;bold&lt;/b&gt;" in body


def test_members_only_partnership_ideas_and_other_workspaces_answer_404(acme, globex, login):
    lead = person_for(acme, "admin")
    hidden = partnership_make(acme, name="Secret", privacy="members", lead=lead)
    idea = propose(acme, hidden, role="admin")
    assert login(acme.viewer).get(url("idea_detail", idea.uuid)).status_code == 404
    assert login(globex.owner).get(url("idea_detail", idea.uuid, ws="globex")).status_code == 404


def test_list_query_count_does_not_grow(acme, login):
    partnership, _, _ = team(acme)
    client = login(acme.admin)
    first = propose(acme, partnership, functions=[acme.sales])
    actions.idea_vote_set(membership=acme.membership("admin"), idea=first, voted=True)
    small, _ = count_queries(client, url("idea_list"))
    for index in range(12):
        idea = propose(
            acme, partnership, title=f"Idea {index}", functions=[acme.sales, acme.finance]
        )
        actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
        actions.idea_comment_add(membership=acme.membership("admin"), idea=idea, body="Yes")
    large, response = count_queries(client, url("idea_list"))
    assert len(response.context["ideas"]) == 13
    assert small == large
