"""Contribution counts per partnership and person, against hand-built data."""

import datetime

import pytest
from django.utils import timezone

from accord.comms.models_feedback import Feedback
from accord.comms.models_meetings import AgendaItem, Contribution, Meeting
from accord.comms.models_updates import Ask, StatusUpdate, UpdateComment
from accord.governance.models import ChangeProposal, Concern, Decision, DecisionResponse
from accord.insights.contributions import (
    SOURCES,
    contribution_breakdown,
    contribution_counts,
    contribution_sources,
    source_totals,
)
from accord.org.models import Person, Seniority
from accord.partnerships.models import Partnership, PartnershipMember

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 30)
SINCE = datetime.date(2025, 6, 1)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


IN = at(datetime.date(2025, 6, 15))
BEFORE = at(datetime.date(2025, 5, 31), 23)
AFTER = at(datetime.date(2025, 7, 1), 0)


def stamp(obj, when: datetime.datetime) -> None:
    type(obj).objects.filter(pk=obj.pk).update(created_at=when)


def partnership(tenant, name: str, people) -> Partnership:
    p = Partnership.objects.create(workspace=tenant.workspace, name=name, slug=name.lower())
    for person in people:
        PartnershipMember.objects.create(
            workspace=tenant.workspace, partnership=p, person=person, function=person.function
        )
    return p


def person(tenant, name: str, seniority=Seniority.IC, function=None) -> Person:
    return Person.objects.create(
        workspace=tenant.workspace,
        name=name,
        email=f"{name.lower()}@{tenant.workspace.slug}.test",
        seniority=seniority,
        function=function or tenant.sales,
    )


def update(tenant, p, author, when=IN) -> StatusUpdate:
    return StatusUpdate.objects.create(
        workspace=tenant.workspace,
        partnership=p,
        author=author,
        period_start=SINCE,
        period_end=TODAY,
        rag="green",
        progress="fine",
        posted_at=when,
    )


def comment(tenant, u, author, when=IN) -> None:
    c = UpdateComment.objects.create(workspace=tenant.workspace, update=u, author=author, body="x")
    stamp(c, when)


def decision(tenant, p, *, change=False) -> Decision:
    d = Decision.objects.create(
        workspace=tenant.workspace,
        partnership=p,
        title="d",
        kind=Decision.Kind.CHANGE if change else Decision.Kind.DECISION,
        status=Decision.Status.OPEN,
        allow_anonymous=True,
    )
    return d


def respond(tenant, d, who=None, *, anonymous=False, function=None, when=IN, tag="") -> None:
    r = DecisionResponse.objects.create(
        workspace=tenant.workspace,
        decision=d,
        position="agree",
        person=None if anonymous else who,
        function=function or (who.function if who else None),
        anonymous=anonymous,
        responder_hash=f"h{who.pk if who else ''}{tag}",
    )
    stamp(r, when)


def concern(tenant, proposal, who=None, *, anonymous=False, function=None, when=IN) -> None:
    c = Concern.objects.create(
        workspace=tenant.workspace,
        proposal=proposal,
        body="worried",
        raised_by=None if anonymous else who,
        function=function or (who.function if who else None),
        anonymous=anonymous,
    )
    stamp(c, when)


def meeting(tenant, p, when=IN, status=Meeting.Status.HELD):
    m = Meeting.objects.create(
        workspace=tenant.workspace, partnership=p, title="m", starts_at=when, status=status
    )
    item = AgendaItem.objects.create(workspace=tenant.workspace, meeting=m, title="a")
    return m, item


def spoke(tenant, m, item, who, count) -> None:
    Contribution.objects.create(
        workspace=tenant.workspace, meeting=m, agenda_item=item, person=who, count=count
    )


def feedback(tenant, giver, *, to_person=None, to_partnership=None, to_function=None, when=IN):
    f = Feedback.objects.create(
        workspace=tenant.workspace,
        giver=giver,
        to_person=to_person,
        to_partnership=to_partnership,
        to_function=to_function,
        situation="s",
        behaviour="b",
        impact="i",
    )
    stamp(f, when)


@pytest.fixture
def world(acme):
    carol = person(acme, "Carol", Seniority.MANAGER, acme.finance)
    dan = person(acme, "Dan")
    outsider = person(acme, "Olga")
    p = partnership(acme, "Pricing", [acme.alice, acme.bob, carol, dan])
    other = partnership(acme, "Other", [acme.alice, carol])
    return acme, p, other, carol, dan, outsider


def test_every_source_counts_inside_the_window_and_not_outside(world):
    acme, p, other, carol, dan, outsider = world
    alice, bob = acme.alice, acme.bob
    u = update(acme, p, alice)
    update(acme, p, alice, when=BEFORE)
    update(acme, p, alice, when=AFTER)
    update(acme, other, alice)  # another partnership
    comment(acme, u, bob)
    comment(acme, u, bob)
    comment(acme, u, bob, when=AFTER)
    Ask.objects.create(
        workspace=acme.workspace,
        update=u,
        text="?",
        to_person=carol,
        answer="yes",
        answered_at=IN,
        answered_by=carol,
    )
    Ask.objects.create(workspace=acme.workspace, update=u, text="?", to_person=dan)  # unanswered
    d = decision(acme, p)
    respond(acme, d, bob)
    respond(acme, d, dan, anonymous=True)  # never attributed
    cd = decision(acme, p, change=True)
    proposal = ChangeProposal.objects.create(
        workspace=acme.workspace, decision=cd, what_changes="x"
    )
    concern(acme, proposal, carol)
    concern(acme, proposal, dan, anonymous=True)  # never attributed
    m, item = meeting(acme, p)
    spoke(acme, m, item, alice, 7)
    spoke(acme, m, item, carol, 2)
    item2 = AgendaItem.objects.create(workspace=acme.workspace, meeting=m, title="b")
    spoke(acme, m, item2, alice, 3)
    cancelled, citem = meeting(acme, p, status=Meeting.Status.CANCELLED)
    spoke(acme, cancelled, citem, bob, 9)
    late, litem = meeting(acme, p, when=AFTER)
    spoke(acme, late, litem, bob, 9)
    spoke(acme, m, item, outsider, 4)  # not a member: left out
    feedback(acme, dan, to_partnership=p)
    feedback(acme, dan, to_person=bob)  # a fellow member
    feedback(acme, dan, to_person=outsider)  # not a member: not about this partnership
    feedback(acme, dan, to_function=acme.sales)  # a function: not counted
    feedback(acme, dan, to_partnership=p, when=BEFORE)

    people = contribution_sources(
        workspace=acme.workspace, partnership_id=p.pk, since=SINCE, until=TODAY
    )
    assert set(people) == {alice.pk, bob.pk, carol.pk, dan.pk}
    assert people[alice.pk] == dict.fromkeys(SOURCES, 0) | {"updates": 1, "meetings": 10}
    assert people[bob.pk] == dict.fromkeys(SOURCES, 0) | {"comments": 2, "decision_input": 1}
    assert people[carol.pk] == dict.fromkeys(SOURCES, 0) | {
        "asks_answered": 1,
        "concerns": 1,
        "meetings": 2,
    }
    # Dan gave input only anonymously: none of it is his; his feedback counts (twice).
    assert people[dan.pk] == dict.fromkeys(SOURCES, 0) | {"feedback": 2}
    assert source_totals(people)["meetings"] == 12

    counts = contribution_counts(
        workspace=acme.workspace, partnership_ids=[p.pk, other.pk], since=SINCE, until=TODAY
    )
    assert counts[p.pk] == {alice.pk: 11, bob.pk: 3, carol.pk: 4, dan.pk: 2}
    assert counts[other.pk] == {alice.pk: 1, carol.pk: 0}


def test_silent_members_count_as_zero_and_empty_partnerships_are_present(world):
    acme, p, _other, carol, dan, _ = world
    empty = Partnership.objects.create(workspace=acme.workspace, name="Empty", slug="empty")
    counts = contribution_counts(
        workspace=acme.workspace, partnership_ids=[p.pk, empty.pk], since=SINCE, until=TODAY
    )
    assert counts[p.pk] == {acme.alice.pk: 0, acme.bob.pk: 0, carol.pk: 0, dan.pk: 0}
    assert counts[empty.pk] == {}
    assert (
        contribution_counts(workspace=acme.workspace, partnership_ids=[], since=SINCE, until=TODAY)
        == {}
    )


def test_window_edges_are_inclusive(world):
    acme, p, *_ = world
    update(acme, p, acme.alice, when=at(SINCE, 0))
    update(acme, p, acme.alice, when=at(TODAY, 23))
    counts = contribution_counts(
        workspace=acme.workspace, partnership_ids=[p.pk], since=SINCE, until=TODAY
    )
    assert counts[p.pk][acme.alice.pk] == 2
    with pytest.raises(ValueError, match="ends before it starts"):
        contribution_counts(
            workspace=acme.workspace, partnership_ids=[p.pk], since=TODAY, until=SINCE
        )


def test_feedback_between_members_counts_in_every_shared_partnership(world):
    acme, p, other, carol, *_ = world
    feedback(acme, acme.alice, to_person=carol)  # both in Pricing and Other
    feedback(acme, acme.alice, to_person=acme.bob)  # only Pricing shares them
    feedback(acme, acme.alice, to_person=acme.alice)  # to oneself: not counted
    counts = contribution_counts(
        workspace=acme.workspace, partnership_ids=[p.pk, other.pk], since=SINCE, until=TODAY
    )
    assert counts[p.pk][acme.alice.pk] == 2
    assert counts[other.pk][acme.alice.pk] == 1


def test_other_workspaces_never_count(world, globex):
    _acme, p, *_ = world
    intruder = globex.alice
    StatusUpdate.objects.create(
        workspace=globex.workspace,
        partnership=Partnership.objects.create(workspace=globex.workspace, name="G", slug="g"),
        author=intruder,
        period_start=SINCE,
        period_end=TODAY,
        rag="green",
        progress="x",
        posted_at=IN,
    )
    counts = contribution_counts(
        workspace=globex.workspace, partnership_ids=[p.pk], since=SINCE, until=TODAY
    )
    assert counts[p.pk] == {}  # acme's members are not globex's


def test_query_count_does_not_grow_with_partnerships(world, django_assert_num_queries):
    acme, p, other, _carol, dan, _ = world
    many = [p.pk, other.pk]
    for number in range(8):
        extra = partnership(acme, f"Extra{number}", [acme.alice, dan])
        update(acme, extra, dan)
        m, item = meeting(acme, extra)
        spoke(acme, m, item, acme.alice, number + 1)
        many.append(extra.pk)
    with django_assert_num_queries(9):
        contribution_counts(
            workspace=acme.workspace, partnership_ids=[p.pk], since=SINCE, until=TODAY
        )
    with django_assert_num_queries(9):
        counts = contribution_counts(
            workspace=acme.workspace, partnership_ids=many, since=SINCE, until=TODAY
        )
    assert counts[many[-1]] == {acme.alice.pk: 8, dan.pk: 1}
    breakdown = contribution_breakdown(
        workspace=acme.workspace, partnership_ids=many, since=SINCE, until=TODAY
    )
    assert breakdown[many[-1]][dan.pk]["updates"] == 1


def test_people_present_at_a_meeting_count_even_when_not_members(world):
    """An analyst who sits in on the reviews is part of the conversation: silent, they count
    as 0; absent or at a cancelled meeting, they do not count."""
    from accord.comms.models_meetings import MeetingAttendee

    acme, p, _other, _carol, _dan, outsider = world
    guest = person(acme, "Gus")
    m, item = meeting(acme, p)
    MeetingAttendee.objects.create(
        workspace=acme.workspace, meeting=m, person=outsider, seniority=1
    )
    MeetingAttendee.objects.create(
        workspace=acme.workspace, meeting=m, person=guest, seniority=1, attended=False
    )
    spoke(acme, m, item, outsider, 2)
    counts = contribution_counts(
        workspace=acme.workspace, partnership_ids=[p.pk], since=SINCE, until=TODAY
    )
    assert counts[p.pk][outsider.pk] == 2
    assert guest.pk not in counts[p.pk]
