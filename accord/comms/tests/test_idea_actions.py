"""Ideas: who proposes, edits, votes, comments and moves them; the stage rules (experiment
needs a description, adopted and parked need an outcome, adoption links or creates a goal);
anonymous voting that never names voters and cannot be turned off; notifications; where
ideas come from by function and seniority and how many cross a function line."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.comms import idea_actions as actions
from accord.comms import idea_selectors as selectors
from accord.comms.models import Idea, IdeaVote
from accord.comms.tests.test_feedback_actions import messages_of, partnership_make, person_for
from accord.goals.models import Goal
from accord.notifications.models import Event, Notification
from accord.org.models import Person, Seniority
from accord.partnerships import actions as partnership_actions
from accord.workspaces.models import AuditEntry

pytestmark = pytest.mark.django_db


def team(tenant):
    """A partnership led by the admin's person, with the member's person in it."""
    lead = person_for(tenant, "admin", name="Ada Admin", function=tenant.finance)
    member = person_for(tenant, "member", name="Mia Member", function=tenant.sales)
    partnership = partnership_make(tenant, lead=lead)
    partnership_actions.partnership_member_add(
        partnership=partnership, actor=tenant.owner, person=member, function=tenant.sales
    )
    return partnership, lead, member


def propose(tenant, partnership, role="member", **fields) -> Idea:
    fields.setdefault("title", "One quote template")
    fields.setdefault("problem", "Sales and Finance keep two quote formats.")
    fields.setdefault("proposal", "Agree one template owned by Finance.")
    return actions.idea_propose(
        membership=tenant.membership(role), partnership=partnership, **fields
    )


def row(tenant, idea, role="member") -> Idea:
    return selectors.idea_get(membership=tenant.membership(role), uuid=idea.uuid)


# --- proposing and editing ------------------------------------------------------------------


def test_an_idea_needs_a_title_problem_and_proposal(acme):
    partnership, _, _ = team(acme)
    with pytest.raises(ValidationError) as caught:
        propose(acme, partnership, title=" ", problem="", proposal="")
    assert set(messages_of(caught.value)) == {"title", "problem", "proposal"}


def test_only_the_partnerships_people_propose_ideas_in_it(acme):
    partnership, _, _ = team(acme)
    person_for(acme, "owner")  # an owner is an admin, so may
    propose(acme, partnership, role="owner")
    outsider = partnership_make(acme, name="Elsewhere")
    with pytest.raises(PermissionDenied):
        propose(acme, outsider)


def test_proposing_notifies_the_partnership_lead_and_records_the_functions(acme):
    partnership, lead, _ = team(acme)
    idea = propose(acme, partnership, functions=[acme.sales, acme.finance])
    note = Notification.objects.get(event=Event.IDEA)
    assert note.recipient == lead
    assert note.subject == "New idea in Quote to cash: One quote template"
    entry = AuditEntry.objects.get(object_uuid=idea.uuid)
    assert entry.changes["functions"] == [None, "Finance, Sales"]


def test_the_author_edits_the_idea_but_another_member_cannot(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    person_for(acme, "viewer")
    actions.idea_update(
        membership=acme.membership("member"),
        idea=idea,
        title="One shared quote template",
        functions=[acme.finance],
    )
    idea.refresh_from_db()
    assert idea.title == "One shared quote template"
    assert list(idea.functions.all()) == [acme.finance]
    assert idea.version == 2
    with pytest.raises(PermissionDenied):
        actions.idea_update(membership=acme.membership("viewer"), idea=idea, title="x")


# --- votes and comments ---------------------------------------------------------------------


def test_others_vote_once_and_can_take_it_back_but_the_author_cannot_vote(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    assert row(acme, idea, "admin").vote_count == 1
    assert row(acme, idea, "admin").voted is True
    assert row(acme, idea, "member").voted is False
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=False)
    assert row(acme, idea).vote_count == 0
    with pytest.raises(ValidationError, match="votes are for others"):
        actions.idea_vote_set(membership=acme.membership("member"), idea=idea, voted=True)
    with pytest.raises(PermissionDenied):
        actions.idea_vote_set(membership=acme.membership("viewer"), idea=idea, voted=True)


def test_votes_are_never_audited(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership, anonymous_voting=True)
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    assert AuditEntry.objects.filter(actor=acme.admin, object_uuid=idea.uuid).count() == 0


def test_anonymous_voting_shows_no_voters_and_cannot_be_turned_off_after_votes(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership, anonymous_voting=True)
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    assert selectors.idea_voters(row(acme, idea)) is None
    with pytest.raises(ValidationError) as caught:
        actions.idea_update(membership=acme.membership("member"), idea=idea, anonymous_voting=False)
    assert "voting stays anonymous" in messages_of(caught.value)["anonymous_voting"]
    open_idea = propose(acme, partnership, title="Open vote")
    actions.idea_vote_set(membership=acme.membership("admin"), idea=open_idea, voted=True)
    assert [p.name for p in selectors.idea_voters(row(acme, open_idea))] == ["Ada Admin"]


def test_a_comment_notifies_the_author(acme):
    partnership, _, member = team(acme)
    idea = propose(acme, partnership)
    actions.idea_comment_add(membership=acme.membership("admin"), idea=idea, body="Finance is in.")
    note = Notification.objects.get(event=Event.COMMENT)
    assert note.recipient == member
    assert note.subject == "Ada Admin commented on “One quote template”"
    with pytest.raises(ValidationError):
        actions.idea_comment_add(membership=acme.membership("admin"), idea=idea, body=" ")


# --- stages ---------------------------------------------------------------------------------


def test_only_the_lead_sponsor_or_admins_move_ideas(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    with pytest.raises(PermissionDenied):
        actions.idea_stage_move(membership=acme.membership("member"), idea=idea, stage="discussing")


def test_an_experiment_needs_its_description_and_parking_needs_an_outcome(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    lead = acme.membership("admin")
    with pytest.raises(ValidationError) as caught:
        actions.idea_stage_move(membership=lead, idea=idea, stage="experiment")
    assert "Describe the experiment" in messages_of(caught.value)["experiment"]
    idea = Idea.objects.get()
    actions.idea_stage_move(
        membership=lead, idea=idea, stage="experiment", experiment="Four weeks on EU quotes."
    )
    with pytest.raises(ValidationError) as caught:
        actions.idea_stage_move(membership=lead, idea=idea, stage="parked")
    assert "why the idea is parked" in messages_of(caught.value)["outcome"]


def test_stage_moves_follow_the_allowed_paths(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    lead = acme.membership("admin")
    actions.idea_stage_move(membership=lead, idea=idea, stage="parked", outcome="Not now.")
    with pytest.raises(ValidationError) as caught:
        actions.idea_stage_move(membership=lead, idea=idea, stage="adopted", outcome="x")
    assert messages_of(caught.value)["stage"] == "A parked idea can move to under discussion."
    actions.idea_stage_move(membership=lead, idea=idea, stage="discussing")
    assert Idea.objects.get().stage == "discussing"


def test_moving_notifies_the_author_voters_and_commenters_but_not_the_mover(acme):
    partnership, lead, member = team(acme)
    idea = propose(acme, partnership, anonymous_voting=True)
    voter = person_for(acme, "owner", name="Olly Owner")
    actions.idea_vote_set(membership=acme.membership("owner"), idea=idea, voted=True)
    actions.idea_stage_move(membership=acme.membership("admin"), idea=idea, stage="discussing")
    moved = Notification.objects.filter(event=Event.IDEA, subject__contains="is now")
    assert {n.recipient for n in moved} == {member, voter}
    assert lead not in {n.recipient for n in moved}


def test_adopting_creates_an_objective_in_the_partnership_and_links_it(acme):
    partnership, _, member = team(acme)
    idea = propose(acme, partnership)
    actions.idea_stage_move(
        membership=acme.membership("admin"),
        idea=idea,
        stage="adopted",
        outcome="Pilot cut quote rework by half.",
        new_goal={"title": "", "owner": member, "due_date": datetime.date(2027, 3, 31)},
    )
    idea = Idea.objects.get()
    goal = Goal.objects.get()
    assert idea.stage == "adopted"
    assert idea.goal == goal
    assert (goal.title, goal.partnership, goal.owner, goal.kind) == (
        "One quote template",
        partnership,
        member,
        Goal.Kind.OBJECTIVE,
    )
    entry = AuditEntry.objects.filter(object_uuid=idea.uuid).first()
    assert entry.changes["stage"] == ["Proposed", "Adopted"]


def test_a_bad_new_goal_names_the_goal_fields_and_writes_nothing(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    with pytest.raises(ValidationError) as caught:
        actions.idea_stage_move(
            membership=acme.membership("admin"),
            idea=idea,
            stage="adopted",
            outcome="Yes.",
            new_goal={"title": "A goal", "owner": None},
        )
    assert "goal_owner" in messages_of(caught.value)
    assert Idea.objects.get().stage == "proposed"
    assert not Goal.objects.exists()


def test_only_a_goal_of_the_same_partnership_is_linked_and_only_on_adoption(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    elsewhere = Goal.objects.create(
        workspace=acme.workspace, partnership=partnership_make(acme, name="Other"), title="X"
    )
    with pytest.raises(ValidationError) as caught:
        actions.idea_stage_move(
            membership=acme.membership("admin"),
            idea=idea,
            stage="adopted",
            outcome="Yes.",
            goal=elsewhere,
        )
    assert messages_of(caught.value)["goal"] == "Choose a goal of Quote to cash."
    here = Goal.objects.create(workspace=acme.workspace, partnership=partnership, title="Y")
    with pytest.raises(ValidationError, match="Only an adopted idea"):
        actions.idea_stage_move(
            membership=acme.membership("admin"), idea=idea, stage="discussing", goal=here
        )


def test_the_author_deletes_an_idea_only_while_nobody_voted_or_commented(acme):
    partnership, _, _ = team(acme)
    idea = propose(acme, partnership)
    actions.idea_vote_set(membership=acme.membership("admin"), idea=idea, voted=True)
    with pytest.raises(PermissionDenied, match="park it instead"):
        actions.idea_delete(membership=acme.membership("member"), idea=idea)
    actions.idea_delete(membership=acme.membership("admin"), idea=idea)
    assert not Idea.objects.exists()
    assert not IdeaVote.objects.exists()


# --- visibility and origins -----------------------------------------------------------------


def test_ideas_of_a_members_only_partnership_are_hidden_from_others(acme):
    lead = person_for(acme, "admin", name="Ada Admin")
    hidden = partnership_make(acme, name="Secret", privacy="members", lead=lead)
    propose(acme, hidden, role="admin")
    person_for(acme, "viewer")
    assert not selectors.idea_list(membership=acme.membership("viewer")).exists()
    assert selectors.idea_list(membership=acme.membership("admin")).count() == 1


def test_the_list_filters_and_sorts_by_votes_or_newest(acme):
    partnership, _, _ = team(acme)
    first = propose(acme, partnership, title="First")
    second = propose(acme, partnership, title="Second", functions=[acme.finance])
    actions.idea_vote_set(membership=acme.membership("admin"), idea=first, voted=True)
    actions.idea_stage_move(membership=acme.membership("admin"), idea=second, stage="discussing")

    def titles(**filters):
        found = selectors.idea_list(
            membership=acme.membership("viewer"), filters=selectors.IdeaFilters(**filters)
        )
        return [idea.title for idea in found]

    assert titles() == ["First", "Second"]
    assert titles(sort="newest") == ["Second", "First"]
    assert titles(stage="discussing") == ["Second"]
    assert titles(stage="open") == ["First", "Second"]
    assert titles(function=str(acme.finance.uuid)) == ["Second"]
    assert titles(search="secon") == ["Second"]
    assert titles(partnership="nope") == []


def test_origins_count_by_author_function_and_seniority_and_ideas_crossing_functions(acme):
    partnership, _, member = team(acme)
    member.seniority = Seniority.MANAGER
    member.save()
    propose(acme, partnership, functions=[acme.sales])  # own function only
    propose(acme, partnership, functions=[acme.sales, acme.finance])  # crosses
    propose(acme, partnership, role="admin", functions=[acme.sales])  # Finance author: crosses
    origins = selectors.idea_origins(
        ideas=selectors.idea_list(membership=acme.membership("viewer"))
    )
    assert origins.total == 3
    assert origins.crossing == 2
    assert origins.crossing_percent == 67
    assert [(r.label, r.ideas, r.crossing) for r in origins.by_function] == [
        ("Sales", 2, 1),
        ("Finance", 1, 1),
    ]
    seniority = {r.label: r.ideas for r in origins.by_seniority}
    assert seniority["Manager"] == 2
    assert seniority["Individual contributor"] == 1
    assert len(origins.by_seniority) == 5
    rows = selectors.idea_rows(
        membership=acme.membership("viewer"),
        ideas=selectors.idea_list(membership=acme.membership("viewer")),
    )
    assert sorted(r.crosses for r in rows) == [False, True, True]


def test_a_person_without_a_function_is_listed_as_no_function(acme):
    partnership, _, _ = team(acme)
    Person.objects.filter(user=acme.member).update(function=None)
    propose(acme, partnership, functions=[acme.sales])
    origins = selectors.idea_origins(
        ideas=selectors.idea_list(membership=acme.membership("viewer"))
    )
    assert [(r.label, r.crossing) for r in origins.by_function] == [("No function", 1)]
