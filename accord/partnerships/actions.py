"""Writes for partnerships: validate, save, audit. Every change lands in the audit trail."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from accord.org.actions import StaleVersion
from accord.org.models import Function, Person
from accord.partnerships.models import (
    LIFECYCLE_MOVES,
    Lifecycle,
    Partnership,
    PartnershipMember,
    Privacy,
    StatusChange,
)
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Workspace

# The charter, in the order the home page shows it: field -> heading.
CHARTER_SECTIONS: dict[str, str] = {
    "problem": "Problem",
    "scope_in": "In scope",
    "scope_out": "Out of scope",
    "success_criteria": "Success criteria",
    "working_agreements": "Working agreements",
}
EDITABLE_FIELDS = [
    "name",
    "purpose",
    *CHARTER_SECTIONS,
    "sponsor",
    "lead",
    "start_date",
    "end_date",
    "privacy",
]
AUDITED_FIELDS = ["name", "slug", *EDITABLE_FIELDS[1:], "status"]
SLUG_MAX = 60
# Slugs that would shadow a page under /partnerships/.
RESERVED_SLUGS = {"new"}
NOT_CROSS_FUNCTIONAL = (
    "A partnership needs at least two functions: with one it is not cross-functional."
)

__all__ = ["CHARTER_SECTIONS", "NOT_CROSS_FUNCTIONAL", "StaleVersion"]


# --- validation -----------------------------------------------------------------------------


def _check_version(instance: Any, expected: int | None) -> None:
    if expected is not None and expected != instance.version:
        raise StaleVersion(instance.version)


def _day(value: datetime.date) -> str:
    return f"{value.day} {value:%b %Y}"


def _functions_check(workspace: Workspace, functions: Iterable[Function]) -> list[Function]:
    """Two or more distinct functions of the workspace, each listed once."""
    chosen = list(functions)
    seen: set[int] = set()
    for function in chosen:
        if function.workspace_id != workspace.pk:
            raise ValidationError({"functions": "Choose functions from this workspace."})
        if function.pk in seen:
            raise ValidationError({"functions": f"{function.name} is listed twice."})
        seen.add(function.pk)
    if len(chosen) < 2:
        raise ValidationError({"functions": NOT_CROSS_FUNCTIONAL})
    return chosen


def _partnership_validate(partnership: Partnership) -> None:
    errors: dict[str, str] = {}
    partnership.name = partnership.name.strip()
    if not partnership.name:
        errors["name"] = "Give the partnership a name."
    elif len(partnership.name) > 150:
        errors["name"] = "Keep the name to 150 characters or fewer."
    for field in ("sponsor", "lead"):
        person = getattr(partnership, field)
        if person is not None and person.workspace_id != partnership.workspace_id:
            errors[field] = "Choose someone from this workspace."
    if partnership.privacy not in Privacy.values:
        errors["privacy"] = "Choose who can see the partnership: workspace or members only."
    start, end = partnership.start_date, partnership.end_date
    if start and end and end < start:
        errors["end_date"] = f"The end date ({_day(end)}) is before the start date ({_day(start)})."
    if errors:
        raise ValidationError(errors)


def _slug_free(workspace: Workspace, name: str, wanted: str | None) -> str:
    """The wanted slug (which must be free), else one made from the name, made unique."""
    taken = Partnership.objects.filter(workspace=workspace)
    if wanted:
        slug = wanted.strip().lower()
        if slugify(slug) != slug or not slug:
            raise ValidationError({"slug": "Use lowercase letters, digits and hyphens."})
        if len(slug) > SLUG_MAX:
            raise ValidationError({"slug": f"Keep the slug to {SLUG_MAX} characters or fewer."})
        if slug in RESERVED_SLUGS or taken.filter(slug=slug).exists():
            raise ValidationError({"slug": f"Another partnership already uses “{slug}”."})
        return slug
    base = slugify(name)[: SLUG_MAX - 4].strip("-") or "partnership"
    existing = set(taken.filter(slug__startswith=base).values_list("slug", flat=True))
    existing |= RESERVED_SLUGS
    slug, number = base, 2
    while slug in existing:
        slug = f"{base}-{number}"
        number += 1
    return slug


def _functions_text(functions: Iterable[Function]) -> str:
    return ", ".join(sorted(function.name for function in functions))


def _member_label(member: PartnershipMember) -> str:
    return f"{member.person.name} ({member.function.name}, {member.get_role_display()})"


def _version_bump(partnership: Partnership) -> None:
    """Claim the next version, or fail if someone saved in between."""
    updated = Partnership.objects.filter(pk=partnership.pk, version=partnership.version).update(
        version=partnership.version + 1
    )
    if not updated:
        raise StaleVersion(Partnership.objects.get(pk=partnership.pk).version)
    partnership.version += 1


# --- partnerships ---------------------------------------------------------------------------


def partnership_create(
    *,
    workspace: Workspace,
    actor: Any,
    name: str,
    functions: Iterable[Function],
    purpose: str = "",
    sponsor: Person | None = None,
    lead: Person | None = None,
    start_date: datetime.date | None = None,
    end_date: datetime.date | None = None,
    privacy: str = Privacy.WORKSPACE,
    slug: str | None = None,
    **charter: str,
) -> Partnership:
    """Start a partnership (status proposed) between two or more functions."""
    unknown = set(charter) - set(CHARTER_SECTIONS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    partnership = Partnership(
        workspace=workspace,
        name=name,
        purpose=purpose.strip(),
        sponsor=sponsor,
        lead=lead,
        start_date=start_date,
        end_date=end_date,
        privacy=privacy,
        status=Lifecycle.PROPOSED,
        **{section: text.strip() for section, text in charter.items()},
    )
    chosen = list(functions)
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: _partnership_validate(partnership),
        lambda: _functions_check(workspace, chosen),
    ):
        try:
            check()
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    partnership.slug = _slug_free(workspace, partnership.name, slug)
    try:
        with transaction.atomic():
            partnership.save()
            partnership.functions.set(chosen)
            StatusChange.objects.create(
                workspace=workspace,
                partnership=partnership,
                from_status="",
                to_status=Lifecycle.PROPOSED,
                changed_by=actor if getattr(actor, "pk", None) else None,
                note="Partnership started.",
            )
            changes = diff({}, snapshot(partnership, AUDITED_FIELDS))
            changes["functions"] = [None, _functions_text(chosen)]
            audit_record(
                workspace=workspace,
                actor=actor,
                action="create",
                instance=partnership,
                changes=changes,
            )
    except IntegrityError:
        # Another request took the slug between the check and the insert.
        raise ValidationError(
            {"slug": f"Another partnership already uses “{partnership.slug}”; try again."}
        ) from None
    return partnership


def partnership_update(
    *,
    partnership: Partnership,
    actor: Any,
    expected_version: int | None = None,
    functions: Iterable[Function] | None = None,
    **changes: Any,
) -> Partnership:
    """Change name, purpose, charter, people, dates, privacy or functions in one audited edit.

    A function that still has members in the partnership cannot be removed.
    """
    _check_version(partnership, expected_version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    before = snapshot(partnership, AUDITED_FIELDS)
    for name, value in changes.items():
        setattr(partnership, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, list[str]] = {}
    try:
        _partnership_validate(partnership)
    except ValidationError as error:
        errors.update(error.message_dict)
    changed = diff(before, snapshot(partnership, AUDITED_FIELDS))
    new_functions: list[Function] | None = None
    if functions is not None:
        try:
            new_functions = _functions_check(partnership.workspace, functions)
            _functions_removable(partnership, new_functions)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    if new_functions is not None:
        current = list(partnership.functions.all())
        if {f.pk for f in current} != {f.pk for f in new_functions}:
            changed["functions"] = [_functions_text(current), _functions_text(new_functions)]
        else:
            new_functions = None
    if not changed:
        return partnership
    with transaction.atomic():
        _version_bump(partnership)
        partnership.save(update_fields=[*changes.keys(), "updated_at"])
        if new_functions is not None:
            partnership.functions.set(new_functions)
        audit_record(
            workspace=partnership.workspace,
            actor=actor,
            action="update",
            instance=partnership,
            changes=changed,
        )
    return partnership


def _functions_removable(partnership: Partnership, functions: list[Function]) -> None:
    keep = {function.pk for function in functions}
    stranded = (
        PartnershipMember.objects.filter(partnership=partnership)
        .exclude(function_id__in=keep)
        .select_related("function", "person")
        .order_by("function__name", "person__name")
    )
    by_function: dict[str, list[str]] = {}
    for member in stranded:
        by_function.setdefault(member.function.name, []).append(member.person.name)
    if by_function:
        name, people = next(iter(by_function.items()))
        raise ValidationError(
            {
                "functions": (
                    f"{name} still has {len(people)} member{'s' if len(people) != 1 else ''} "
                    f"here ({', '.join(people)}); move them to another function or remove "
                    f"them before removing {name}."
                )
            }
        )


def partnership_charter_update(
    *,
    partnership: Partnership,
    actor: Any,
    section: str,
    text: str,
    expected_version: int | None = None,
) -> Partnership:
    """Rewrite one charter section (the home page edits them one at a time)."""
    if section not in CHARTER_SECTIONS:
        raise ValidationError({"section": f"“{section}” is not a section of the charter."})
    change: dict[str, Any] = {section: text}
    return partnership_update(
        partnership=partnership, actor=actor, expected_version=expected_version, **change
    )


def partnership_status_change(
    *,
    partnership: Partnership,
    actor: Any,
    to: str,
    note: str = "",
    today: datetime.date | None = None,
) -> StatusChange:
    """Move along the lifecycle (only the moves in LIFECYCLE_MOVES), recording who and why.

    Closing sets the end date to today when none was set.
    """
    current = partnership.status
    allowed = LIFECYCLE_MOVES.get(current, set())
    if to not in Lifecycle.values:
        raise ValidationError({"to": f"“{to}” is not a lifecycle status."})
    if to not in allowed:
        options = ", ".join(Lifecycle(s).label.lower() for s in Lifecycle.values if s in allowed)
        label = Lifecycle(current).label.lower()
        raise ValidationError(
            {
                "to": f"A {label} partnership cannot move to {Lifecycle(to).label.lower()}; "
                + (f"it can move to {options}." if options else "closing is final.")
            }
        )
    today = today or timezone.localdate()
    before = snapshot(partnership, ["status", "end_date"])
    partnership.status = to
    fields = ["status", "updated_at"]
    if (
        to == Lifecycle.CLOSED
        and partnership.end_date is None
        and (partnership.start_date is None or partnership.start_date <= today)
    ):
        partnership.end_date = today
        fields.append("end_date")
    changes = diff(before, snapshot(partnership, ["status", "end_date"]))
    note = note.strip()
    if note:
        changes["note"] = [None, note]
    with transaction.atomic():
        _version_bump(partnership)
        partnership.save(update_fields=fields)
        change = StatusChange.objects.create(
            workspace=partnership.workspace,
            partnership=partnership,
            from_status=current,
            to_status=to,
            changed_by=actor if getattr(actor, "pk", None) else None,
            note=note,
        )
        audit_record(
            workspace=partnership.workspace,
            actor=actor,
            action="update",
            instance=partnership,
            changes=changes,
        )
    return change


def partnership_delete(*, partnership: Partnership, actor: Any) -> None:
    """Delete a partnership with its members, lifecycle and goals (admins only: the caller
    checks the role)."""
    with transaction.atomic():
        changes = diff(snapshot(partnership, AUDITED_FIELDS), {})
        audit_record(
            workspace=partnership.workspace,
            actor=actor,
            action="delete",
            instance=partnership,
            changes=changes,
        )
        partnership.delete()


# --- members --------------------------------------------------------------------------------


def _member_validate(member: PartnershipMember) -> None:
    errors: dict[str, str] = {}
    partnership = member.partnership
    if member.person.workspace_id != partnership.workspace_id:
        errors["person"] = "Choose someone from this workspace."
    if member.function.workspace_id != partnership.workspace_id:
        errors["function"] = "Choose a function from this workspace."
    elif not partnership.functions.filter(pk=member.function.pk).exists():
        names = _functions_text(partnership.functions.all())
        errors["function"] = (
            f"{member.function.name} is not one of this partnership's functions ({names}); "
            "add it to the partnership first."
        )
    if member.role not in PartnershipMember.Role.values:
        errors["role"] = "Choose a role: lead, core member, contributor or advisor."
    if "person" not in errors:
        clash = PartnershipMember.objects.filter(partnership=partnership, person=member.person)
        if member.pk:
            clash = clash.exclude(pk=member.pk)
        if clash.exists():
            errors["person"] = f"{member.person.name} is already a member of this partnership."
    if errors:
        raise ValidationError(errors)


def partnership_member_add(
    *,
    partnership: Partnership,
    actor: Any,
    person: Person,
    function: Function,
    role: str = PartnershipMember.Role.CORE,
) -> PartnershipMember:
    """Add a person to the partnership, representing one of its functions."""
    member = PartnershipMember(
        workspace=partnership.workspace,
        partnership=partnership,
        person=person,
        function=function,
        role=role,
    )
    _member_validate(member)
    try:
        with transaction.atomic():
            member.save()
            audit_record(
                workspace=partnership.workspace,
                actor=actor,
                action="update",
                instance=partnership,
                changes={"members": [None, f"added {_member_label(member)}"]},
            )
    except IntegrityError:
        raise ValidationError(
            {"person": f"{person.name} is already a member of this partnership."}
        ) from None
    return member


def partnership_member_update(
    *,
    member: PartnershipMember,
    actor: Any,
    expected_version: int | None = None,
    function: Function | None = None,
    role: str | None = None,
) -> PartnershipMember:
    """Change the function a member represents, or their role."""
    _check_version(member, expected_version)
    before = _member_label(member)
    fields = []
    if function is not None and function.pk != member.function_id:
        member.function = function
        fields.append("function")
    if role is not None and role != member.role:
        member.role = role
        fields.append("role")
    if not fields:
        return member
    _member_validate(member)
    with transaction.atomic():
        updated = PartnershipMember.objects.filter(pk=member.pk, version=member.version).update(
            version=member.version + 1
        )
        if not updated:
            raise StaleVersion(PartnershipMember.objects.get(pk=member.pk).version)
        member.version += 1
        member.save(update_fields=[*fields, "updated_at"])
        audit_record(
            workspace=member.workspace,
            actor=actor,
            action="update",
            instance=member.partnership,
            changes={"members": [before, _member_label(member)]},
        )
    return member


def partnership_member_remove(*, member: PartnershipMember, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            workspace=member.workspace,
            actor=actor,
            action="update",
            instance=member.partnership,
            changes={"members": [f"removed {_member_label(member)}", None]},
        )
        member.delete()
