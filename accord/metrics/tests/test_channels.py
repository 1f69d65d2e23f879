"""Channel advice: the obvious cases land on the obvious channel, for media-richness reasons,
and raising ambiguity or sensitivity never makes the recommendation leaner."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.metrics.channels import (
    BY_KEY,
    CHANNELS,
    HIGH,
    INTERACTIONS,
    LEVELS,
    LOW,
    MEDIUM,
    MessageTraits,
    channel_advise,
    required_richness,
)


def advise(**traits):
    return channel_advise(MessageTraits(**traits))


def test_urgent_and_simple_goes_to_chat():
    """A quick, clear heads-up to a few people that cannot wait is a chat message."""
    advice = advise(urgency=HIGH, audience_size=3)
    assert advice.channel == "chat"
    assert any("minutes" in reason for reason in advice.reasons)


def test_urgent_simple_question_is_still_chat():
    advice = advise(urgency=HIGH, audience_size=2, interaction="discuss")
    assert advice.channel == "chat"


def test_sensitive_personal_matter_is_a_one_to_one():
    """Something sensitive for one person is said privately, face to face."""
    advice = advise(sensitivity=HIGH, ambiguity=MEDIUM, audience_size=1, interaction="discuss")
    assert advice.channel == "one_to_one"
    assert advice.required_richness == 4
    assert "Sensitive" in advice.rationale


def test_ambiguous_decision_for_many_people_is_a_workshop():
    """A contested decision involving twenty people needs a facilitated workshop."""
    advice = advise(ambiguity=HIGH, audience_size=20, interaction="decide", complexity=MEDIUM)
    assert advice.channel == "workshop"
    assert "Daft & Lengel" in advice.rationale


def test_ambiguous_discussion_for_a_few_people_now_is_a_meeting():
    advice = advise(
        ambiguity=HIGH, audience_size=4, interaction="discuss", urgency=HIGH, complexity=MEDIUM
    )
    assert advice.channel == "meeting"


def test_ambiguous_decision_with_a_record_gets_a_written_summary_follow_up():
    advice = advise(ambiguity=HIGH, audience_size=6, interaction="decide", record=True)
    assert advice.channel in {"meeting", "workshop"}
    assert any("written summary" in note for note in advice.follow_up)


def test_record_worthy_broadcast_is_a_written_update():
    """Plain news for sixty people that must be findable later: a written update."""
    advice = advise(audience_size=60, record=True)
    assert advice.channel == "written_update"
    assert advice.alternatives[0].channel == "email"


def test_simple_note_to_one_person_is_an_email():
    assert advise(audience_size=1).channel == "email"


def test_complex_material_needing_comments_is_a_document():
    advice = advise(complexity=HIGH, interaction="discuss", audience_size=6, record=True)
    assert advice.channel == "document"
    assert any("comment" in reason for reason in advice.reasons)


def test_clear_decision_among_a_few_is_a_document_with_a_deadline():
    advice = advise(
        interaction="decide", audience_size=3, complexity=MEDIUM, record=True, urgency=MEDIUM
    )
    assert advice.channel == "document"
    assert "Set a deadline for responses and say who decides." in advice.follow_up


def test_sensitive_news_for_a_group_starts_one_to_one_with_those_most_affected():
    advice = advise(sensitivity=HIGH, audience_size=8, interaction="discuss")
    assert advice.channel in {"meeting", "workshop"}
    assert any("one-to-one before the group" in note for note in advice.follow_up)


def test_a_lean_channel_is_listed_but_marked_too_lean_for_an_ambiguous_message():
    advice = advise(ambiguity=HIGH, audience_size=5, interaction="discuss")
    lean = {option.channel: option for option in advice.alternatives}["written_update"]
    assert lean.fits is False
    assert lean.cautions[0].startswith("Too lean for an ambiguous message")


def test_alternatives_rank_every_other_channel_once_fitting_ones_first():
    advice = advise(ambiguity=MEDIUM, audience_size=10, interaction="discuss")
    channels = [advice.channel, *(o.channel for o in advice.alternatives)]
    assert sorted(channels) == sorted(c.key for c in CHANNELS)
    fits = [o.fits for o in advice.alternatives]
    assert fits == sorted(fits, reverse=True)


def test_invalid_traits_are_refused():
    with pytest.raises(ValueError, match="urgency"):
        MessageTraits(urgency="extreme")
    with pytest.raises(ValueError, match="audience_size"):
        MessageTraits(audience_size=0)
    with pytest.raises(ValueError, match="interaction"):
        MessageTraits(interaction="shout")


traits_strategy = st.builds(
    MessageTraits,
    urgency=st.sampled_from(LEVELS),
    complexity=st.sampled_from(LEVELS),
    ambiguity=st.sampled_from(LEVELS),
    audience_size=st.integers(min_value=1, max_value=500),
    interaction=st.sampled_from(INTERACTIONS),
    sensitivity=st.sampled_from(LEVELS),
    record=st.booleans(),
)


def _with(traits: MessageTraits, **changes) -> MessageTraits:
    values = {name: getattr(traits, name) for name in MessageTraits.__dataclass_fields__}
    return MessageTraits(**{**values, **changes})


@settings(max_examples=400)
@given(traits_strategy)
def test_raising_ambiguity_never_makes_the_recommendation_leaner(traits):
    richness = [
        BY_KEY[channel_advise(_with(traits, ambiguity=level)).channel].richness for level in LEVELS
    ]
    assert richness == sorted(richness)


@settings(max_examples=400)
@given(traits_strategy)
def test_raising_sensitivity_never_makes_the_recommendation_leaner(traits):
    richness = [
        BY_KEY[channel_advise(_with(traits, sensitivity=level)).channel].richness
        for level in LEVELS
    ]
    assert richness == sorted(richness)


@settings(max_examples=300)
@given(traits_strategy)
def test_the_recommendation_is_always_rich_enough_and_explained(traits):
    advice = channel_advise(traits)
    assert advice.richness >= required_richness(traits)
    assert advice.reasons or advice.cautions
    assert advice.rationale


@settings(max_examples=300)
@given(traits_strategy)
def test_highly_sensitive_matters_never_go_to_written_or_chat_channels(traits):
    advice = channel_advise(_with(traits, sensitivity=HIGH))
    assert advice.channel not in {"chat", "email", "written_update", "document"}


@settings(max_examples=200)
@given(traits_strategy)
def test_clear_routine_messages_never_get_a_workshop(traits):
    advice = channel_advise(
        _with(traits, ambiguity=LOW, sensitivity=LOW, interaction="inform", complexity=LOW)
    )
    assert advice.channel != "workshop"
