"""Writes for survey instruments: the built-ins on first use, custom instruments, copies and
new versions.

Editing never changes items in place: it writes a new InstrumentVersion with the changed
items, so a cycle that ran an earlier version keeps exactly the wording it asked.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.text import slugify

from accord.surveys import instruments as builtin
from accord.surveys.instrument_selectors import instrument_can_edit, instrument_version_latest
from accord.surveys.instruments import InstrumentSpec, ItemSpec
from accord.surveys.models import Instrument, InstrumentKind, InstrumentVersion, Item, ItemKind
from accord.workspaces.audit import audit_record
from accord.workspaces.models import Membership, Workspace

NAME_MAX = 150
ITEM_TEXT_MAX = 1000
HELP_MAX = 1000
OPTION_MAX = 200
OPTIONS_MAX = 30
ITEMS_MAX = 100
KEY_RULE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


# --- built-ins ------------------------------------------------------------------------------


def _item_rows(
    workspace: Workspace, version: InstrumentVersion, items: Sequence[ItemSpec]
) -> list[Item]:
    return [
        Item(
            workspace=workspace,
            version=version,
            position=position,
            key=spec.key,
            kind=spec.kind,
            text=spec.text,
            help_text=spec.help_text,
            dimension=spec.dimension,
            reverse=spec.reverse,
            options=list(spec.options),
            scores=list(spec.scores),
            required=spec.required,
        )
        for position, spec in enumerate(items, start=1)
    ]


def builtins_ensure(*, workspace: Workspace) -> None:
    """Create the built-in instruments the workspace does not have yet (one query when they
    all exist). Safe to call from any page: a concurrent creation is simply skipped."""
    keys = [spec.key for spec in builtin.BUILT_INS]
    present = set(
        Instrument.objects.filter(workspace=workspace, key__in=keys).values_list("key", flat=True)
    )
    missing = [spec for spec in builtin.BUILT_INS if spec.key not in present]
    if not missing:
        return
    try:
        with transaction.atomic():
            _builtins_write(workspace, missing)
    except IntegrityError:
        # Another request created them first; what exists is what we wanted.
        return


def _builtins_write(workspace: Workspace, specs: list[InstrumentSpec]) -> None:
    instruments = Instrument.objects.bulk_create(
        [
            Instrument(
                workspace=workspace,
                key=spec.key,
                name=spec.name,
                kind=spec.kind,
                description=spec.description,
                built_in=True,
            )
            for spec in specs
        ]
    )
    # bulk_create sets primary keys on SQLite and PostgreSQL alike.
    versions = InstrumentVersion.objects.bulk_create(
        [
            InstrumentVersion(
                workspace=workspace,
                instrument=instrument,
                number=1,
                scale_points=spec.scale_points,
                note="Built in.",
            )
            for instrument, spec in zip(instruments, specs, strict=True)
        ]
    )
    rows: list[Item] = []
    for version, spec in zip(versions, specs, strict=True):
        rows += _item_rows(workspace, version, spec.items)
    Item.objects.bulk_create(rows)


# --- item rules -----------------------------------------------------------------------------


def item_spec_of(item: Item) -> ItemSpec:
    return ItemSpec(
        key=item.key,
        kind=item.kind,
        text=item.text,
        help_text=item.help_text,
        dimension=item.dimension,
        reverse=item.reverse,
        options=tuple(item.options or ()),
        scores=tuple(item.scores or ()),
        required=item.required,
    )


def _clean_options(options: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(option).strip() for option in options if str(option).strip())


def items_normalise(
    *, kind: str, items: Sequence[ItemSpec], scale_points: int
) -> tuple[ItemSpec, ...]:
    """Check the items an instrument of `kind` may hold and fill in what follows from the
    rules (scores, agree-scale labels, dimensions). Errors name the item: `items.<n>.<field>`
    with n counted from 0."""
    errors: dict[str, list[str]] = {}

    def fail(index: int | None, name: str, message: str) -> None:
        errors.setdefault(f"items.{index}.{name}" if index is not None else name, []).append(
            message
        )

    if kind == InstrumentKind.PSYCH_SAFETY and scale_points not in (5, 7):
        fail(None, "scale_points", "Psychological safety uses a 5- or 7-point agree scale.")
    elif not builtin.SCALE_MIN <= scale_points <= builtin.SCALE_MAX:
        fail(
            None,
            "scale_points",
            f"An agree scale has {builtin.SCALE_MIN} to {builtin.SCALE_MAX} points.",
        )
    if not items:
        fail(None, "items", "Add at least one question.")
    if len(items) > ITEMS_MAX:
        fail(None, "items", f"An instrument holds at most {ITEMS_MAX} questions.")
    allowed = builtin.KINDS_ALLOWED.get(kind, ())
    cleaned: list[ItemSpec] = []
    seen: set[str] = set()
    for index, spec in enumerate(items):
        key = (spec.key or "").strip().lower()
        text = (spec.text or "").strip()
        help_text = (spec.help_text or "").strip()
        options = _clean_options(spec.options)
        if not KEY_RULE.match(key):
            fail(index, "key", "Use 1–60 lowercase letters, digits, hyphens or underscores.")
        elif key in seen:
            fail(index, "key", f"The key “{key}” is used twice; each question needs its own.")
        seen.add(key)
        if spec.kind not in allowed:
            labels = ", ".join(str(ItemKind(k).label).lower() for k in allowed)
            fail(index, "kind", f"This instrument's questions are of these kinds: {labels}.")
            continue
        if not text:
            fail(index, "text", "Write the question.")
        elif len(text) > ITEM_TEXT_MAX:
            fail(index, "text", f"Keep a question to {ITEM_TEXT_MAX} characters or fewer.")
        if len(help_text) > HELP_MAX:
            fail(index, "help_text", f"Keep the help to {HELP_MAX} characters or fewer.")
        if any(len(option) > OPTION_MAX for option in options):
            fail(index, "options", f"Keep each option to {OPTION_MAX} characters or fewer.")
        item = replace(
            spec, key=key, text=text, help_text=help_text, options=options, reverse=False
        )
        if spec.kind == ItemKind.COORDINATION:
            if len(options) != builtin.COORDINATION_OPTION_COUNT:
                fail(index, "options", "A coordination question has exactly five answers.")
            dimension = dict(builtin.COORDINATION_DIMENSIONS).get(key, "")
            scores: tuple[float, ...] = (
                builtin.FREQUENT_SCORES if key == "frequent" else (1, 2, 3, 4, 5)
            )
            item = replace(item, dimension=dimension, scores=scores, required=spec.required)
        elif spec.kind == ItemKind.HEALTH:
            if len(options) == 2:
                options = (options[0], builtin.HEALTH_MIDDLE, options[1])
            if len(options) != 3:
                fail(
                    index,
                    "options",
                    "Describe green and red (and optionally yellow): two or three lines.",
                )
            item = replace(item, options=options, scores=builtin.HEALTH_SCORES, dimension="")
        elif spec.kind == ItemKind.LIKERT:
            if kind == InstrumentKind.PSYCH_SAFETY or not options:
                # An out-of-range scale is reported above; label a valid one meanwhile.
                points = min(max(scale_points, builtin.SCALE_MIN), builtin.SCALE_MAX)
                options = tuple(builtin.agree_scale(points))
            if not 2 <= len(options) <= builtin.SCALE_MAX:
                fail(index, "options", "An agree scale has 2 to 11 answers, one per line.")
            item = replace(
                item,
                options=options,
                scores=tuple(builtin.linear_scores(len(options))),
                reverse=spec.reverse,
                dimension=(spec.dimension or "").strip()[:30],
            )
        elif spec.kind in (ItemKind.SINGLE, ItemKind.MULTIPLE):
            if not 2 <= len(options) <= OPTIONS_MAX:
                fail(index, "options", f"Give 2 to {OPTIONS_MAX} choices, one per line.")
            choice_scores = (
                builtin.linear_scores(len(options)) if spec.kind == ItemKind.SINGLE else []
            )
            item = replace(item, scores=tuple(choice_scores), dimension="")
        else:  # 0–10 scale and open text carry no options
            item = replace(item, options=(), scores=(), dimension="")
        cleaned.append(item)
    if kind == InstrumentKind.COORDINATION and not errors:
        keys = [item.key for item in cleaned if item.kind == ItemKind.COORDINATION]
        if sorted(keys) != sorted(builtin.COORDINATION_ITEM_KEYS):
            fail(
                None,
                "items",
                "A coordination instrument asks exactly the seven dimensions ("
                + ", ".join(builtin.COORDINATION_ITEM_KEYS)
                + "); change their wording, not the set.",
            )
    if errors:
        raise ValidationError(errors)
    return tuple(cleaned)


def _name_clean(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the instrument a name."})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": f"Keep the name to {NAME_MAX} characters or fewer."})
    return name


def _key_for(workspace: Workspace, name: str) -> str:
    """A free key derived from the name ("team-pulse", "team-pulse-2", …)."""
    base = (slugify(name) or "instrument")[:50]
    taken = set(
        Instrument.objects.filter(workspace=workspace, key__startswith=base).values_list(
            "key", flat=True
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _edit_require(membership: Membership) -> None:
    if not instrument_can_edit(membership=membership):
        raise PermissionDenied("Only workspace admins can compose, copy or edit instruments.")


def _version_write(
    *,
    membership: Membership,
    instrument: Instrument,
    number: int,
    scale_points: int,
    items: Sequence[ItemSpec],
    note: str,
) -> InstrumentVersion:
    version = InstrumentVersion.objects.create(
        workspace=instrument.workspace,
        instrument=instrument,
        number=number,
        scale_points=scale_points,
        note=(note or "").strip()[:300],
        created_by=membership.user,
    )
    Item.objects.bulk_create(_item_rows(instrument.workspace, version, items))
    return version


# --- custom instruments, copies and versions ------------------------------------------------


def instrument_create(
    *,
    membership: Membership,
    name: str,
    items: Sequence[ItemSpec],
    description: str = "",
    scale_points: int = 5,
    note: str = "",
) -> Instrument:
    """Compose a custom instrument (agree scales of any length, 0–10, single and multiple
    choice, open text) with its first version."""
    _edit_require(membership)
    errors: dict[str, list[str]] = {}
    try:
        name = _name_clean(name)
    except ValidationError as error:
        errors.update(error.message_dict)
    try:
        cleaned = items_normalise(
            kind=InstrumentKind.CUSTOM, items=items, scale_points=scale_points
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    workspace = membership.workspace
    with transaction.atomic():
        instrument = Instrument.objects.create(
            workspace=workspace,
            key=_key_for(workspace, name),
            name=name,
            kind=InstrumentKind.CUSTOM,
            description=(description or "").strip(),
        )
        _version_write(
            membership=membership,
            instrument=instrument,
            number=1,
            scale_points=scale_points,
            items=cleaned,
            note=note or "First version.",
        )
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=instrument,
            changes={
                "name": [None, name],
                "kind": [None, str(InstrumentKind.CUSTOM.label)],
                "version": [None, 1],
                "questions": [None, len(cleaned)],
            },
        )
    return instrument


def instrument_copy(
    *, membership: Membership, instrument: Instrument, name: str = ""
) -> Instrument:
    """Copy an instrument with its latest items into a new, editable one (built-ins too):
    the place to paste licensed wording."""
    _edit_require(membership)
    name = _name_clean(name or f"Copy of {instrument.name}"[:NAME_MAX])
    latest = instrument_version_latest(instrument=instrument)
    if latest is None:
        raise ValidationError({"instrument": "This instrument has no questions to copy."})
    items = [
        item_spec_of(item)
        for item in Item.objects.filter(workspace=instrument.workspace, version=latest).order_by(
            "position"
        )
    ]
    workspace = membership.workspace
    with transaction.atomic():
        copy = Instrument.objects.create(
            workspace=workspace,
            key=_key_for(workspace, name),
            name=name,
            kind=instrument.kind,
            description=instrument.description,
            copied_from=instrument,
        )
        _version_write(
            membership=membership,
            instrument=copy,
            number=1,
            scale_points=latest.scale_points,
            items=items,
            note=f"Copied from {instrument.name}, version {latest.number}.",
        )
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=copy,
            changes={"name": [None, name], "copied_from": [None, instrument.name]},
        )
    return copy


def instrument_edit(
    *,
    membership: Membership,
    instrument: Instrument,
    items: Sequence[ItemSpec] | None = None,
    scale_points: int | None = None,
    name: str | None = None,
    description: str | None = None,
    note: str = "",
) -> InstrumentVersion | None:
    """Change an instrument. Changed questions or scale write a new version (the items are
    copied with the changes applied); past cycles keep the version they ran. Returns the new
    version, or None when only the name or description changed."""
    _edit_require(membership)
    latest = instrument_version_latest(instrument=instrument)
    current_items = (
        [
            item_spec_of(item)
            for item in Item.objects.filter(
                workspace=instrument.workspace, version=latest
            ).order_by("position")
        ]
        if latest is not None
        else []
    )
    current_scale = latest.scale_points if latest is not None else 5
    errors: dict[str, list[str]] = {}
    new_name = instrument.name
    if name is not None:
        try:
            new_name = _name_clean(name)
        except ValidationError as error:
            errors.update(error.message_dict)
    points = scale_points if scale_points is not None else current_scale
    wanted = list(items) if items is not None else current_items
    cleaned: tuple[ItemSpec, ...] = ()
    try:
        cleaned = items_normalise(kind=instrument.kind, items=wanted, scale_points=points)
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    new_description = (description if description is not None else instrument.description).strip()
    changes: dict[str, list[Any]] = {}
    if new_name != instrument.name:
        changes["name"] = [instrument.name, new_name]
    if new_description != instrument.description:
        changes["description"] = [instrument.description, new_description]
    items_changed = tuple(cleaned) != tuple(current_items) or points != current_scale
    if not changes and not items_changed:
        return None
    version = None
    with transaction.atomic():
        if changes:
            instrument.name = new_name
            instrument.description = new_description
            instrument.version += 1
            instrument.save(update_fields=["name", "description", "version", "updated_at"])
        if items_changed:
            top = (
                InstrumentVersion.objects.filter(instrument=instrument).aggregate(
                    top=Max("number")
                )["top"]
                or 0
            )
            version = _version_write(
                membership=membership,
                instrument=instrument,
                number=top + 1,
                scale_points=points,
                items=cleaned,
                note=note,
            )
            changes["version"] = [top, top + 1]
            if points != current_scale:
                changes["scale_points"] = [current_scale, points]
        audit_record(
            workspace=instrument.workspace,
            actor=membership.user,
            action="update",
            instance=instrument,
            changes=changes,
        )
    return version


def instrument_archive_set(
    *, membership: Membership, instrument: Instrument, archived: bool
) -> Instrument:
    """Archived instruments stay with their cycles but are not offered for new ones."""
    _edit_require(membership)
    if instrument.archived == archived:
        return instrument
    with transaction.atomic():
        instrument.archived = archived
        instrument.version += 1
        instrument.save(update_fields=["archived", "version", "updated_at"])
        audit_record(
            workspace=instrument.workspace,
            actor=membership.user,
            action="update",
            instance=instrument,
            changes={"archived": [not archived, archived]},
        )
    return instrument
