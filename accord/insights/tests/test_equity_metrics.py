"""Voice equity of a partnership against METRICS §9's reference values, silent members,
the minimum group size, the anonymous-only flag and the playbook signals."""

import datetime

import pytest

from accord.comms.models_feedback import Idea, IdeaVote
from accord.comms.models_meetings import MeetingAttendee
from accord.governance.models import ChangeProposal
from accord.insights.equity import equity_gini_star, equity_signals, partnership_equity
from accord.insights.tests.test_contributions_counts import (
    IN,
    SINCE,
    TODAY,
    concern,
    decision,
    meeting,
    partnership,
    person,
    respond,
    spoke,
    update,
)
from accord.metrics.playbook import RULES, recommend
from accord.org.models import Seniority
from accord.surveys.models import SurveySettings

pytestmark = pytest.mark.django_db


def k_is(tenant, k: int) -> None:
    SurveySettings.objects.update_or_create(workspace=tenant.workspace, defaults={"min_group": k})


def tallied(tenant, name: str, counts: list[int]):
    """A partnership of len(counts) members whose only contributions are one meeting's tally."""
    people = [person(tenant, f"{name}{i}") for i in range(len(counts))]
    p = partnership(tenant, name, people)
    m, item = meeting(tenant, p)
    for who, n in zip(people, counts, strict=True):
        if n:
            spoke(tenant, m, item, who, n)
    return p, people


def equity(tenant, p, **kwargs):
    return partnership_equity(
        workspace=tenant.workspace, partnership=p, since=SINCE, until=TODAY, **kwargs
    )


@pytest.mark.parametrize(
    ("counts", "g", "g_star", "j"),
    [
        ([10, 10, 10, 10], 0.0, 0.0, 1.0),
        ([40, 0, 0, 0], 0.75, 1.0, 0.0),
        ([20, 10, 5, 5], 0.3125, 0.3125 * 4 / 3, 0.875),
    ],
)
def test_reference_values_of_metrics_section_9(acme, counts, g, g_star, j):
    """[10,10,10,10] → G 0; [40,0,0,0] → G 0.75, G* 1; [20,10,5,5] → G 0.3125, J 0.875."""
    p, people = tallied(acme, "Ref", counts)
    result = equity(acme, p)
    assert result.gini == pytest.approx(g)
    assert result.gini_normalised == pytest.approx(g_star)
    assert result.evenness == pytest.approx(j, abs=1e-3)
    assert equity_gini_star(result.counts()) == pytest.approx(g_star)
    assert equity_gini_star({person.pk: n for person, n in zip(people, counts, strict=True)}) == (
        pytest.approx(g_star)
    )


def test_silent_members_count_as_zero(acme):
    """Two people did all the talking; the four who listened make it uneven, not even."""
    p, _people = tallied(acme, "Quiet", [10, 10, 0, 0, 0, 0])
    result = equity(acme, p)
    assert len(result.members) == 6
    assert result.contributors == 2
    assert result.gini_normalised == pytest.approx(0.8)
    assert result.level == "dominated"
    assert any("4 silent people count as 0" in line for line in result.reading)
    # A partnership where the two talkers were alone would read perfectly even.
    alone, _ = tallied(acme, "Pair", [10, 10])
    assert equity(acme, alone).gini_normalised == 0.0


def test_no_contributions_and_no_members_read_plainly(acme):
    p, _ = tallied(acme, "Mute", [0, 0, 0])
    result = equity(acme, p)
    assert result.gini_normalised is None
    assert result.level == "no_data"
    assert result.reading == ("None of the 3 people made a contribution in this window.",)
    empty = partnership(acme, "Nobody", [])
    assert equity(acme, empty).reading[0].startswith("The partnership has no members")
    assert equity_gini_star({}) is None


@pytest.fixture
def seniors_dominate(acme):
    """Three directors speak, three ICs barely do; functions split 3/3 the other way."""
    k_is(acme, 3)
    directors = [person(acme, f"Dir{i}", Seniority.DIRECTOR, acme.sales) for i in range(3)]
    ics = [person(acme, f"Ic{i}", Seniority.IC, acme.finance) for i in range(3)]
    p = partnership(acme, "Margin", [*directors, *ics])
    m, item = meeting(acme, p)
    for who in directors:
        spoke(acme, m, item, who, 10)
    spoke(acme, m, item, ics[0], 1)
    return p, directors, ics


def test_voice_share_per_level_and_function_against_headcount(acme, seniors_dominate):
    p, _directors, _ics = seniors_dominate
    result = equity(acme, p)
    by_key = {g.key: g for g in result.groups}
    directors, ics = by_key["seniority:director"], by_key["seniority:ic"]
    assert directors.headcount_share == pytest.approx(0.5)
    assert directors.voice_share == pytest.approx(30 / 31)
    assert directors.over_heard
    assert ics.voice_share == pytest.approx(1 / 31)
    assert ics.ratio == pytest.approx(2 / 31)
    assert ics.under_heard
    assert by_key["function:Finance"].under_heard
    assert ics.sentence in result.flags
    assert "heard far less than their share" in ics.sentence


def test_groups_under_the_minimum_size_are_withheld_with_the_reason(acme, seniors_dominate):
    p, *_ = seniors_dominate
    k_is(acme, 5)
    result = equity(acme, p)
    for group in result.groups:
        assert not group.shown
        assert group.voice_share is None
        assert group.contributions is None
        assert "fewer than the minimum group size of 5" in group.withheld_reason
    assert result.flags == ()
    # The headline figures name nobody and stay.
    assert result.gini_normalised is not None
    # A viewer who sees every count anyway gets them, marked restricted.
    revealed = equity(acme, p, reveal_small_groups=True)
    assert all(g.shown and g.restricted for g in revealed.groups)
    assert any("Individual contributors" in flag for flag in revealed.flags)


def test_a_share_that_would_give_away_a_small_group_is_withheld(acme):
    """Four ICs and one director with k = 3: the director is under k, and the ICs' share
    would give the director's away by subtraction, so both are withheld."""
    k_is(acme, 3)
    people = [person(acme, f"P{i}", Seniority.IC) for i in range(4)]
    people.append(person(acme, "Boss", Seniority.DIRECTOR))
    p = partnership(acme, "Five", people)
    m, item = meeting(acme, p)
    for who in people:
        spoke(acme, m, item, who, 3)
    by_key = {g.key: g for g in equity(acme, p).groups}
    assert not by_key["seniority:director"].shown
    assert not by_key["seniority:ic"].shown
    assert "single out" in by_key["seniority:ic"].withheld_reason
    assert by_key["function:Sales"].shown  # everyone: nothing to subtract


def test_meeting_guests_count_and_meetings_show_the_senior_share(acme, seniors_dominate):
    p, _directors, _ics = seniors_dominate
    guest = person(acme, "Analyst", Seniority.IC, acme.finance)
    m = p.meetings.get()
    for who in [*p.members.values_list("person", flat=True), guest.pk]:
        MeetingAttendee.objects.create(
            workspace=acme.workspace, meeting=m, person_id=who, seniority=1, attended=True
        )
    result = equity(acme, p)
    assert len(result.members) == 7
    assert [x.member for x in result.members if x.person_id == guest.pk] == [False]
    assert result.people[guest.pk] == dict.fromkeys(result.sources, 0)
    row = result.meetings[0]
    assert row.people == 7
    assert row.total == 31
    # The tally records the seniority held at the meeting (1 here for everyone).
    assert row.senior_seats == 0
    assert row.senior_share is None


def test_senior_share_per_meeting(acme, seniors_dominate):
    p, directors, ics = seniors_dominate
    m = p.meetings.get()
    for who in [*directors, *ics]:
        MeetingAttendee.objects.create(
            workspace=acme.workspace,
            meeting=m,
            person=who,
            seniority=who.seniority,
            function=who.function,
        )
    row = equity(acme, p).meetings[0]
    assert row.senior_seats == 3
    assert row.senior_share == pytest.approx(30 / 31)
    assert row.gini_normalised is not None


@pytest.fixture
def anonymous_world(acme):
    """Three directors in Sales who speak; three ICs in Finance who do not, under their names."""
    k_is(acme, 3)
    directors = [person(acme, f"SDir{i}", Seniority.DIRECTOR, acme.sales) for i in range(3)]
    ics = [person(acme, f"SIc{i}", Seniority.IC, acme.finance) for i in range(3)]
    p = partnership(acme, "Safety", [*directors, *ics])
    for who in directors:
        update(acme, p, who)
    return p, directors, ics


def test_anonymous_only_fires_for_a_group_whose_only_input_is_anonymous(acme, anonymous_world):
    p, _directors, ics = anonymous_world
    d = decision(acme, p)
    respond(acme, d, ics[0], anonymous=True, function=acme.finance)
    cd = decision(acme, p, change=True)
    proposal = ChangeProposal.objects.create(
        workspace=acme.workspace, decision=cd, what_changes="x"
    )
    concern(acme, proposal, ics[1], anonymous=True, function=acme.finance)
    result = equity(acme, p)
    assert [a.key for a in result.anonymous_only] == ["function:Finance"]
    flag = result.anonymous_only[0]
    assert flag.channels == ("anonymous change concerns", "anonymous decision input")
    assert flag.sentence in result.flags
    # Anonymous input is never anyone's contribution.
    assert all(result.people[ic.pk] == dict.fromkeys(result.sources, 0) for ic in ics)


def test_anonymous_idea_votes_flag_the_seniority_band(acme, anonymous_world):
    p, _directors, ics = anonymous_world
    idea = Idea.objects.create(
        workspace=acme.workspace,
        partnership=p,
        author=_directors[0],
        title="t",
        problem="p",
        proposal="q",
        anonymous_voting=True,
    )
    vote = IdeaVote.objects.create(workspace=acme.workspace, idea=idea, person=ics[2])
    IdeaVote.objects.filter(pk=vote.pk).update(created_at=IN)
    keys = {a.key for a in equity(acme, p).anonymous_only}
    assert keys == {"band:contributor", "function:Finance"}


def test_anonymous_only_does_not_fire_when_the_group_also_speaks_openly(acme, anonymous_world):
    p, _directors, ics = anonymous_world
    d = decision(acme, p)
    respond(acme, d, ics[0], anonymous=True, function=acme.finance)
    respond(acme, d, ics[1], tag="open")  # attributed input from the same group
    assert equity(acme, p).anonymous_only == ()


def test_anonymous_only_does_not_fire_without_anonymous_input_or_for_small_groups(
    acme, anonymous_world
):
    p, _directors, ics = anonymous_world
    assert equity(acme, p).anonymous_only == ()  # silent, but not anonymous either
    d = decision(acme, p)
    respond(acme, d, ics[0], anonymous=True, function=acme.finance)
    respond(
        acme,
        decision(acme, p),
        ics[1],
        anonymous=True,
        function=acme.finance,
        when=IN - datetime.timedelta(days=60),
    )
    k_is(acme, 4)  # three ICs are now fewer than k: the flag would point at people
    assert equity(acme, p).anonymous_only == ()


def test_equity_signals_feed_the_playbook_rules(acme, seniors_dominate, anonymous_world):
    margin, *_ = seniors_dominate
    safety, _directors, ics = anonymous_world
    respond(acme, decision(acme, safety), ics[0], anonymous=True, function=acme.finance)
    quiet = partnership(acme, "Empty", [])
    signals = equity_signals(
        workspace=acme.workspace, partnerships=[margin, safety, quiet], since=SINCE, until=TODAY
    )
    assert signals[quiet.pk] == []
    margin_keys = {(s.kind, s.key): s.value for s in signals[margin.pk]}
    assert margin_keys[("voice_share", "seniority:ic")] == pytest.approx(2 / 31, abs=1e-4)
    assert margin_keys[("voice_share", "seniority:director")] == pytest.approx(60 / 31, abs=1e-4)
    assert ("anonymous_only", "function:Finance") in {(s.kind, s.key) for s in signals[safety.pk]}
    fired = {rule for rec in recommend(signals[margin.pk]) for rule in rec.rules}
    assert {"equity.seniority", "equity.function"} <= fired
    fired_safety = {rule for rec in recommend(signals[safety.pk]) for rule in rec.rules}
    assert "equity.anonymous_only" in fired_safety
    assert {r.id for r in RULES} >= fired | fired_safety


def test_equity_signals_leave_out_groups_under_k(acme, seniors_dominate):
    margin, *_ = seniors_dominate
    k_is(acme, 5)
    signals = equity_signals(
        workspace=acme.workspace, partnerships=[margin], since=SINCE, until=TODAY
    )
    assert signals[margin.pk] == []


def test_equity_signals_take_a_constant_number_of_queries(acme, django_assert_max_num_queries):
    k_is(acme, 3)
    few = [tallied(acme, "One", [3, 2, 1])[0]]
    many = [tallied(acme, f"Many{i}", [3, 2, 1, i])[0] for i in range(6)]
    with django_assert_max_num_queries(16) as one:
        equity_signals(workspace=acme.workspace, partnerships=few, since=SINCE, until=TODAY)
    with django_assert_max_num_queries(len(one.captured_queries)):
        equity_signals(workspace=acme.workspace, partnerships=many, since=SINCE, until=TODAY)
