"""Writes for functions, people and skills: validate, save, audit."""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from accord.org.models import Function, Person, PersonSkill, Seniority, Skill
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Workspace

FUNCTION_FIELDS = ["name", "description", "lead"]
PERSON_FIELDS = [
    "name", "email", "title", "seniority", "function", "manager", "location", "timezone",
]


class StaleVersion(Exception):
    """The caller edited an older version than the one stored (optimistic concurrency)."""

    def __init__(self, current: int) -> None:
        super().__init__(f"This record changed since you loaded it (now version {current}).")
        self.current = current


def _check_version(instance: Any, expected: int | None) -> None:
    if expected is not None and expected != instance.version:
        raise StaleVersion(instance.version)


def _same_workspace(workspace: Workspace, field: str, value: Any) -> None:
    if value is not None and value.workspace_id != workspace.pk:
        raise ValidationError({field: "Choose one from this workspace."})


# --- functions ------------------------------------------------------------------------------

def _function_validate(function: Function) -> None:
    function.name = function.name.strip()
    if not function.name:
        raise ValidationError({"name": "Give the function a name."})
    _same_workspace(function.workspace, "lead", function.lead)
    clash = Function.objects.filter(workspace=function.workspace, name__iexact=function.name)
    if function.pk:
        clash = clash.exclude(pk=function.pk)
    if clash.exists():
        raise ValidationError({"name": f"A function called “{function.name}” already exists."})


def function_create(
    *, workspace: Workspace, actor: Any, name: str, description: str = "",
    lead: Person | None = None,
) -> Function:
    function = Function(workspace=workspace, name=name, description=description, lead=lead)
    _function_validate(function)
    with transaction.atomic():
        function.save()
        audit_record(
            workspace=workspace, actor=actor, action="create", instance=function,
            changes=diff({}, snapshot(function, FUNCTION_FIELDS)),
        )
    return function


def function_update(
    *, function: Function, actor: Any, expected_version: int | None = None, **changes: Any
) -> Function:
    _check_version(function, expected_version)
    before = snapshot(function, FUNCTION_FIELDS)
    for name, value in changes.items():
        if name not in FUNCTION_FIELDS:
            raise ValidationError({name: "This field cannot be changed."})
        setattr(function, name, value)
    _function_validate(function)
    after = snapshot(function, FUNCTION_FIELDS)
    changed = diff(before, after)
    if not changed:
        return function
    with transaction.atomic():
        updated = Function.objects.filter(pk=function.pk, version=function.version).update(
            version=function.version + 1
        )
        if not updated:
            raise StaleVersion(Function.objects.get(pk=function.pk).version)
        function.version += 1
        function.save(update_fields=[*changes.keys(), "updated_at"])
        audit_record(
            workspace=function.workspace, actor=actor, action="update", instance=function,
            changes=changed,
        )
    return function


def function_delete(*, function: Function, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            workspace=function.workspace, actor=actor, action="delete", instance=function,
            changes=diff(snapshot(function, FUNCTION_FIELDS), {}),
        )
        function.delete()


# --- people ---------------------------------------------------------------------------------

def _person_validate(person: Person) -> None:
    person.name = person.name.strip()
    person.email = person.email.strip().lower()
    errors: dict[str, str] = {}
    if not person.name:
        errors["name"] = "Enter the person's name."
    try:
        validate_email(person.email)
    except ValidationError:
        errors["email"] = "Enter a valid email address."
    if person.seniority not in Seniority.values:
        errors["seniority"] = "Choose one of the seniority levels."
    if person.function is not None and person.function.workspace_id != person.workspace_id:
        errors["function"] = "Choose a function from this workspace."
    if person.manager is not None:
        if person.manager.workspace_id != person.workspace_id:
            errors["manager"] = "Choose a manager from this workspace."
        elif person.pk and _would_loop(person):
            errors["manager"] = (
                f"{person.manager} reports (directly or not) to {person.name}; "
                "that would make a loop."
            )
    if "email" not in errors:
        clash = Person.objects.filter(workspace=person.workspace, email=person.email)
        if person.pk:
            clash = clash.exclude(pk=person.pk)
        if clash.exists():
            errors["email"] = f"Someone in this workspace already has {person.email}."
    if errors:
        raise ValidationError(errors)


def _would_loop(person: Person) -> bool:
    managers = dict(
        Person.objects.filter(workspace=person.workspace).values_list("pk", "manager_id")
    )
    node = person.manager.pk if person.manager else None
    seen = set()
    while node is not None and node not in seen:
        if node == person.pk:
            return True
        seen.add(node)
        node = managers.get(node)
    return False


def person_create(*, workspace: Workspace, actor: Any, **fields: Any) -> Person:
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    person = Person(workspace=workspace, **fields)
    _person_validate(person)
    try:
        with transaction.atomic():
            person.save()
            audit_record(
                workspace=workspace, actor=actor, action="create", instance=person,
                changes=diff({}, snapshot(person, PERSON_FIELDS)),
            )
    except IntegrityError:
        raise ValidationError(
            {"email": f"Someone in this workspace already has {person.email}."}
        ) from None
    return person


def person_update(
    *, person: Person, actor: Any, expected_version: int | None = None, **changes: Any
) -> Person:
    _check_version(person, expected_version)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    before = snapshot(person, PERSON_FIELDS)
    for name, value in changes.items():
        setattr(person, name, value)
    _person_validate(person)
    changed = diff(before, snapshot(person, PERSON_FIELDS))
    if not changed:
        return person
    try:
        with transaction.atomic():
            # Bump the version only if nobody else did in between.
            updated = Person.objects.filter(pk=person.pk, version=person.version).update(
                version=person.version + 1
            )
            if not updated:
                raise StaleVersion(Person.objects.get(pk=person.pk).version)
            person.version += 1
            person.save(update_fields=[*changes.keys(), "updated_at"])
            audit_record(
                workspace=person.workspace, actor=actor, action="update", instance=person,
                changes=changed,
            )
    except IntegrityError:
        raise ValidationError(
            {"email": f"Someone in this workspace already has {person.email}."}
        ) from None
    return person


def person_delete(*, person: Person, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            workspace=person.workspace, actor=actor, action="delete", instance=person,
            changes=diff(snapshot(person, PERSON_FIELDS), {}),
        )
        person.delete()


def person_skills_set(
    *, person: Person, actor: Any, skills: dict[str, int]
) -> list[PersonSkill]:
    """Replace a person's skills with {skill name: proficiency 1–5}; new skill names are added."""
    for name, level in skills.items():
        if not name.strip():
            raise ValidationError({"skills": "A skill needs a name."})
        if not 1 <= int(level) <= 5:
            raise ValidationError({"skills": f"{name}: proficiency must be 1 to 5."})
    workspace = person.workspace
    before = {ps.skill.name: ps.proficiency for ps in person.person_skills.select_related("skill")}
    with transaction.atomic():
        catalog = {s.name.lower(): s for s in Skill.objects.filter(workspace=workspace)}
        missing = [
            Skill(workspace=workspace, name=name.strip())
            for name in skills
            if name.strip().lower() not in catalog
        ]
        for skill in Skill.objects.bulk_create(missing):
            catalog[skill.name.lower()] = skill
        PersonSkill.objects.filter(person=person).delete()
        rows = PersonSkill.objects.bulk_create(
            [
                PersonSkill(
                    workspace=workspace, person=person,
                    skill=catalog[name.strip().lower()], proficiency=int(level),
                )
                for name, level in skills.items()
            ]
        )
        after = {name.strip(): int(level) for name, level in skills.items()}
        if before != after:
            audit_record(
                workspace=workspace, actor=actor, action="update", instance=person,
                changes={"skills": [_skills_text(before), _skills_text(after)]},
            )
    return rows


def _skills_text(skills: dict[str, int]) -> str:
    return ", ".join(f"{name} ({level})" for name, level in sorted(skills.items()))
