"""Built-in instruments, custom ones, copies and versions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.surveys import instruments as builtin
from accord.surveys.cycle_actions import cycle_open
from accord.surveys.instrument_actions import (
    builtins_ensure,
    instrument_archive_set,
    instrument_copy,
    instrument_create,
    instrument_edit,
    item_spec_of,
)
from accord.surveys.instrument_selectors import instrument_version_latest, version_item_list
from accord.surveys.instruments import ItemSpec
from accord.surveys.models import Instrument, InstrumentVersion, Item, ItemKind
from accord.surveys.tests.test_cycle_support import NOW, draft_make, instrument_of, team_build

pytestmark = pytest.mark.django_db


def items_of(instrument: Instrument) -> list[Item]:
    version = instrument_version_latest(instrument=instrument)
    assert version is not None
    return version_item_list(version=version)


def test_the_three_built_ins_appear_on_first_use_and_only_once(acme):
    """The built-ins are written once; later calls cost one query and write nothing."""
    builtins_ensure(workspace=acme.workspace)
    keys = set(Instrument.objects.filter(workspace=acme.workspace).values_list("key", flat=True))
    assert keys == {builtin.COORDINATION_KEY, builtin.PSYCH_SAFETY_KEY, builtin.HEALTH_CHECK_KEY}
    with CaptureQueriesContext(connection) as queries:
        builtins_ensure(workspace=acme.workspace)
    assert len(queries) == 1
    assert InstrumentVersion.objects.filter(workspace=acme.workspace).count() == 3


def test_coordination_asks_the_seven_dimensions_with_the_adequacy_scored_frequency(acme):
    """Seven items in dimension order, five answers each; frequency scores 1, 3, 5, 4, 2 by
    display position, the others 1–5; four communication and three relationship items."""
    *items, comment = items_of(instrument_of(acme, builtin.COORDINATION_KEY))
    assert (comment.kind, comment.required) == (ItemKind.TEXT, False)
    assert [i.key for i in items] == list(builtin.COORDINATION_ITEM_KEYS)
    assert all(i.kind == ItemKind.COORDINATION and len(i.options) == 5 for i in items)
    frequent = items[0]
    assert frequent.options == list(builtin.FREQUENT_OPTIONS)
    assert frequent.options[2] == "Just the right amount"
    assert frequent.scores == [1, 3, 5, 4, 2]
    assert all(i.scores == [1, 2, 3, 4, 5] for i in items[1:])
    assert [i.dimension for i in items] == ["communication"] * 4 + ["relationship"] * 3


def test_psychological_safety_has_three_reverse_items_away_from_the_published_positions(acme):
    """Seven agree-scale items on 7 points; the reversed ones sit at 2, 4 and 7."""
    instrument = instrument_of(acme, builtin.PSYCH_SAFETY_KEY)
    *items, comment = items_of(instrument)
    assert (comment.kind, comment.required) == (ItemKind.TEXT, False)
    assert len(items) == 7
    assert [i.position for i in items if i.reverse] == [2, 4, 7]
    assert instrument_version_latest(instrument=instrument).scale_points == 7
    assert all(len(i.options) == 7 and i.required for i in items)


def test_the_health_check_has_eleven_indicators_voted_green_yellow_red(acme):
    *items, comment = items_of(instrument_of(acme, builtin.HEALTH_CHECK_KEY))
    assert (comment.kind, comment.required) == (ItemKind.TEXT, False)
    assert len(items) == 11
    assert {i.key for i in items} >= {"easy_to_release", "pawns_or_players", "teamwork"}
    assert all(i.kind == ItemKind.HEALTH and i.scores == [2, 1, 0] for i in items)
    assert all(len(i.options) == 3 for i in items)


def test_editing_writes_a_new_version_and_past_cycles_keep_theirs(acme):
    """A cycle opened on version 1 keeps version 1's wording after the edit."""
    team = team_build(acme)
    instrument = instrument_of(acme, builtin.PSYCH_SAFETY_KEY)
    cycle = draft_make(team, key=builtin.PSYCH_SAFETY_KEY)
    cycle_open(cycle=cycle, membership=acme.membership("admin"), now=NOW)
    specs = [item_spec_of(i) for i in items_of(instrument)]
    specs[0] = ItemSpec(**{**specs[0].__dict__, "text": "I can say what I think here."})
    version = instrument_edit(
        membership=acme.membership("admin"),
        instrument=instrument,
        items=specs,
        scale_points=5,
        note="Shorter scale",
    )
    assert version is not None
    assert version.number == 2
    assert version.scale_points == 5
    new_items = version_item_list(version=version)
    assert new_items[0].text == "I can say what I think here."
    assert len(new_items[0].options) == 5
    cycle.refresh_from_db()
    assert cycle.version.number == 1
    old = version_item_list(version=cycle.version)
    assert old[0].text.startswith("I can raise a concern")
    assert len(old[0].options) == 7


def test_an_edit_that_changes_nothing_writes_no_version(acme):
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    specs = [item_spec_of(i) for i in items_of(instrument)]
    result = instrument_edit(
        membership=acme.membership("admin"), instrument=instrument, items=specs
    )
    assert result is None
    assert instrument.versions.count() == 1


def test_health_indicators_are_editable(acme):
    """Indicators can be removed and added; two lines (green, red) get the middle filled in."""
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    specs = [item_spec_of(i) for i in items_of(instrument)][:3]
    specs.append(
        ItemSpec(
            key="customer_focus",
            kind=ItemKind.HEALTH,
            text="Customer focus",
            options=("We talk to customers every week.", "We never meet a customer."),
        )
    )
    version = instrument_edit(
        membership=acme.membership("admin"), instrument=instrument, items=specs
    )
    items = version_item_list(version=version)
    assert [i.key for i in items][-1] == "customer_focus"
    assert items[-1].options[1] == builtin.HEALTH_MIDDLE
    assert items[-1].scores == [2, 1, 0]


def test_coordination_keeps_its_seven_dimensions(acme):
    """Rewording is fine; dropping a dimension or a fifth answer is refused with the rule."""
    instrument = instrument_of(acme, builtin.COORDINATION_KEY)
    specs = [item_spec_of(i) for i in items_of(instrument)]
    with pytest.raises(ValidationError) as dropped:
        instrument_edit(membership=acme.membership("admin"), instrument=instrument, items=specs[:6])
    assert "seven dimensions" in str(dropped.value)
    four_answers = ItemSpec(**{**specs[6].__dict__, "options": ("a", "b", "c", "d")})
    short = [*specs[:6], four_answers, *specs[7:]]
    with pytest.raises(ValidationError) as four:
        instrument_edit(membership=acme.membership("admin"), instrument=instrument, items=short)
    assert "items.6.options" in four.value.message_dict
    reworded = [ItemSpec(**{**specs[0].__dict__, "text": "Is contact about right?"}), *specs[1:]]
    version = instrument_edit(
        membership=acme.membership("admin"), instrument=instrument, items=reworded
    )
    assert version_item_list(version=version)[0].scores == [1, 3, 5, 4, 2]


def test_a_custom_instrument_holds_every_question_kind(acme):
    """Agree scales of any length, 0–10, single and multiple choice, open text."""
    created = instrument_create(
        membership=acme.membership("admin"),
        name="Quarterly pulse",
        scale_points=5,
        items=[
            ItemSpec(key="clarity", kind=ItemKind.LIKERT, text="Goals are clear.", options=()),
            ItemSpec(
                key="four_point",
                kind=ItemKind.LIKERT,
                text="Four options.",
                options=("No", "Rather no", "Rather yes", "Yes"),
            ),
            ItemSpec(key="nps", kind=ItemKind.SCALE_0_10, text="Would you recommend us?"),
            ItemSpec(
                key="channel", kind=ItemKind.SINGLE, text="Best channel?", options=("Chat", "Email")
            ),
            ItemSpec(
                key="blockers",
                kind=ItemKind.MULTIPLE,
                text="What slows you down?",
                options=("Approvals", "Tools", "Meetings"),
            ),
            ItemSpec(key="comment", kind=ItemKind.TEXT, text="Anything else?"),
        ],
    )
    items = items_of(created)
    assert [i.kind for i in items] == [
        "likert",
        "likert",
        "scale_0_10",
        "single",
        "multiple",
        "text",
    ]
    assert len(items[0].options) == 5
    assert items[1].scores == [1, 2, 3, 4]
    assert created.key == "quarterly-pulse"
    assert not created.built_in


def test_custom_instrument_errors_name_the_question_and_the_rule(acme):
    with pytest.raises(ValidationError) as refused:
        instrument_create(
            membership=acme.membership("admin"),
            name="",
            items=[
                ItemSpec(key="Bad Key", kind=ItemKind.LIKERT, text="x"),
                ItemSpec(key="pick", kind=ItemKind.SINGLE, text="Pick", options=("only one",)),
                ItemSpec(key="grid", kind=ItemKind.COORDINATION, text="Rate"),
            ],
        )
    errors = refused.value.message_dict
    assert "name" in errors
    assert "items.0.key" in errors
    assert "2 to 30" in errors["items.1.options"][0]
    assert "items.2.kind" in errors


def test_a_copy_of_a_built_in_is_editable_and_remembers_its_source(acme):
    """The place to paste licensed wording: a copy with the same questions."""
    source = instrument_of(acme, builtin.COORDINATION_KEY)
    copy = instrument_copy(membership=acme.membership("admin"), instrument=source)
    assert copy.copied_from == source
    assert not copy.built_in
    assert copy.name == "Copy of Coordination between functions"
    assert [i.key for i in items_of(copy)] == [
        *builtin.COORDINATION_ITEM_KEYS,
        builtin.COMMENT_KEYS[builtin.COORDINATION_KEY],
    ]
    again = instrument_copy(membership=acme.membership("admin"), instrument=source)
    assert again.key != copy.key


def test_only_admins_compose_copy_or_edit(acme):
    source = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    for role in ("member", "viewer"):
        with pytest.raises(PermissionDenied):
            instrument_copy(membership=acme.membership(role), instrument=source)
        with pytest.raises(PermissionDenied):
            instrument_edit(membership=acme.membership(role), instrument=source, name="Mine")
        with pytest.raises(PermissionDenied):
            instrument_archive_set(
                membership=acme.membership(role), instrument=source, archived=True
            )


def test_archiving_hides_an_instrument_from_new_cycles(acme):
    team = team_build(acme)
    instrument = instrument_of(acme, builtin.HEALTH_CHECK_KEY)
    instrument_archive_set(
        membership=acme.membership("admin"), instrument=instrument, archived=True
    )
    with pytest.raises(ValidationError) as refused:
        draft_make(team, key=builtin.HEALTH_CHECK_KEY)
    assert "archived" in refused.value.message_dict["instrument"][0]
