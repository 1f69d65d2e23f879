"""Writes for functions, people and skills: validate, save, audit."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import RestrictedError
from django.utils import timezone

from accord.org.importing import (
    CREATE,
    REJECT,
    UNCHANGED,
    UPDATE,
    ImportPlan,
    ParsedFile,
    timezone_canonical,
)
from accord.org.models import Function, ImportBatch, Person, PersonSkill, Seniority, Skill
from accord.workspaces.audit import audit_bulk, audit_record, diff, snapshot
from accord.workspaces.models import Membership, Workspace

FUNCTION_FIELDS = ["name", "description", "lead"]
PERSON_FIELDS = [
    "name",
    "email",
    "title",
    "seniority",
    "function",
    "manager",
    "location",
    "timezone",
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
    *,
    workspace: Workspace,
    actor: Any,
    name: str,
    description: str = "",
    lead: Person | None = None,
) -> Function:
    function = Function(workspace=workspace, name=name, description=description, lead=lead)
    _function_validate(function)
    with transaction.atomic():
        function.save()
        audit_record(
            workspace=workspace,
            actor=actor,
            action="create",
            instance=function,
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
            workspace=function.workspace,
            actor=actor,
            action="update",
            instance=function,
            changes=changed,
        )
    return function


def function_delete(*, function: Function, actor: Any) -> None:
    with transaction.atomic():
        audit_record(
            workspace=function.workspace,
            actor=actor,
            action="delete",
            instance=function,
            changes=diff(snapshot(function, FUNCTION_FIELDS), {}),
        )
        try:
            with transaction.atomic():
                function.delete()
        except RestrictedError as error:
            kinds = sorted({str(row._meta.verbose_name_plural) for row in error.restricted_objects})
            raise ValidationError(
                {
                    "function": f"{function.name} is still named by {', '.join(kinds)}, which "
                    "need their function. Change those to another function first."
                }
            ) from error


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
    if person.timezone:
        zone = timezone_canonical(person.timezone)
        if zone is None:
            errors["timezone"] = (
                f"“{person.timezone}” is not a time zone; use a name like Europe/Paris."
            )
        else:
            person.timezone = zone
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


def person_create(
    *, workspace: Workspace, actor: Any, skills: dict[str, int] | None = None, **fields: Any
) -> Person:
    """Add a person (and their skills); links the login of a member with the same email."""
    unknown = set(fields) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "Unknown field."})
    person = Person(workspace=workspace, **fields)
    _person_validate(person)
    if skills:
        _skills_check(skills)
    person.user_id = (
        Membership.objects.filter(workspace=workspace, user__email__iexact=person.email)
        .values_list("user_id", flat=True)
        .first()
    )
    try:
        with transaction.atomic():
            person.save()
            changes = diff({}, snapshot(person, PERSON_FIELDS))
            if skills:
                _skills_replace(person, skills)
                changes["skills"] = [None, _skills_text(_skills_clean(skills))]
            audit_record(
                workspace=workspace,
                actor=actor,
                action="create",
                instance=person,
                changes=changes,
            )
    except IntegrityError:
        raise ValidationError(
            {"email": f"Someone in this workspace already has {person.email}."}
        ) from None
    return person


def person_update(
    *,
    person: Person,
    actor: Any,
    expected_version: int | None = None,
    skills: dict[str, int] | None = None,
    **changes: Any,
) -> Person:
    """Change a person's fields (and, when given, replace their skills) in one audited edit."""
    _check_version(person, expected_version)
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed."})
    before = snapshot(person, PERSON_FIELDS)
    for name, value in changes.items():
        setattr(person, name, value)
    _person_validate(person)
    changed = diff(before, snapshot(person, PERSON_FIELDS))
    if skills is not None:
        _skills_check(skills)
        skills_before = _skills_of(person)
        skills_after = _skills_clean(skills)
        if _skills_key(skills_before) != _skills_key(skills_after):
            changed["skills"] = [_skills_text(skills_before), _skills_text(skills_after)]
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
            if "skills" in changed and skills is not None:
                _skills_replace(person, skills)
            audit_record(
                workspace=person.workspace,
                actor=actor,
                action="update",
                instance=person,
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
            workspace=person.workspace,
            actor=actor,
            action="delete",
            instance=person,
            changes=diff(snapshot(person, PERSON_FIELDS), {}),
        )
        try:
            with transaction.atomic():
                person.delete()
        except RestrictedError as error:
            kinds = sorted({str(row._meta.verbose_name_plural) for row in error.restricted_objects})
            raise ValidationError(
                {
                    "person": f"{person.name} is the author of {', '.join(kinds)}, which keep "
                    "their author for the record. Leave the person in the directory (clear "
                    "their function or login instead)."
                }
            ) from error


def person_skills_set(*, person: Person, actor: Any, skills: dict[str, int]) -> Person:
    """Replace a person's skills with {skill name: proficiency 1–5}; new names join the catalog.

    The same audited, versioned edit as person_update, so a skills-only change moves the ETag.
    """
    return person_update(person=person, actor=actor, skills=skills)


def _skills_check(skills: dict[str, int]) -> None:
    seen: set[str] = set()
    for name, level in skills.items():
        if not name.strip():
            raise ValidationError({"skills": "A skill needs a name."})
        if len(name.strip()) > 80:
            raise ValidationError(
                {"skills": f"“{name[:20]}…”: skill names are 80 characters at most."}
            )
        if not 1 <= int(level) <= 5:
            raise ValidationError({"skills": f"{name}: proficiency must be 1 to 5."})
        if name.strip().lower() in seen:
            raise ValidationError({"skills": f"{name.strip()} is listed twice."})
        seen.add(name.strip().lower())


def _skills_clean(skills: dict[str, int]) -> dict[str, int]:
    return {name.strip(): int(level) for name, level in skills.items()}


def _skills_key(skills: dict[str, int]) -> dict[str, int]:
    return {name.lower(): level for name, level in skills.items()}


def _skills_of(person: Person) -> dict[str, int]:
    return dict(PersonSkill.objects.filter(person=person).values_list("skill__name", "proficiency"))


def _skills_replace(person: Person, skills: dict[str, int]) -> list[PersonSkill]:
    """Write the skills (no audit): the caller records the change with its own entry."""
    workspace = person.workspace
    catalog = {s.name.lower(): s for s in Skill.objects.filter(workspace=workspace)}
    missing = {
        name.strip().lower(): Skill(workspace=workspace, name=name.strip())
        for name in skills
        if name.strip().lower() not in catalog
    }
    for skill in Skill.objects.bulk_create(list(missing.values())):
        catalog[skill.name.lower()] = skill
    PersonSkill.objects.filter(person=person).delete()
    return PersonSkill.objects.bulk_create(
        [
            PersonSkill(
                workspace=workspace,
                person=person,
                skill=catalog[name.strip().lower()],
                proficiency=int(level),
            )
            for name, level in skills.items()
        ]
    )


def _skills_text(skills: dict[str, int]) -> str:
    return ", ".join(f"{name} ({level})" for name, level in sorted(skills.items()))


# --- import ---------------------------------------------------------------------------------

IMPORT_KEEP = timedelta(hours=24)
PERSON_IMPORT_FIELDS = [
    "name",
    "title",
    "seniority",
    "function",
    "manager",
    "location",
    "timezone",
    "version",
    "updated_at",
]


class ImportChanged(Exception):
    """The directory changed after the preview, so the preview no longer says what would
    happen; the user must look at it again before anything is written."""

    message = (
        "The directory changed since this preview was made (someone edited people or "
        "functions). Nothing was imported; review the updated preview and import again."
    )


def import_batch_create(
    *,
    workspace: Workspace,
    actor: Any,
    filename: str,
    parsed: ParsedFile,
    create_missing_functions: bool = False,
) -> ImportBatch:
    """Keep a checked upload server-side until it is applied or expires (24 hours)."""
    now = timezone.now()
    with transaction.atomic():
        # Uploads hold personal data: drop the expired ones of this workspace as we go.
        ImportBatch.objects.filter(workspace=workspace, expires_at__lt=now).delete()
        return ImportBatch.objects.create(
            workspace=workspace,
            created_by=actor,
            filename=filename[:255],
            file_format=parsed.file_format,
            columns=list(parsed.columns),
            ignored_columns=list(parsed.ignored_columns),
            rows=[row.as_json() for row in parsed.rows],
            row_count=len(parsed.rows),
            create_missing_functions=create_missing_functions,
            expires_at=now + IMPORT_KEEP,
        )


def import_batch_options(*, batch: ImportBatch, create_missing_functions: bool) -> ImportBatch:
    if batch.status not in {ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED}:
        raise ValidationError("This file has already been imported.")
    batch.create_missing_functions = create_missing_functions
    batch.save(update_fields=["create_missing_functions", "updated_at"])
    return batch


def _import_check(plan: ImportPlan, *, valid_only: bool, expected_digest: str | None) -> None:
    if expected_digest is not None and plan.digest != expected_digest:
        raise ImportChanged(ImportChanged.message)
    rejected = plan.counts[REJECT]
    if rejected and not valid_only:
        raise ValidationError(
            f"{rejected} row{'s' if rejected != 1 else ''} cannot be imported, so nothing was "
            "written. Fix the file and upload it again, or choose to import only the valid "
            "rows."
        )


def person_import_queue(
    *, batch: ImportBatch, actor: Any, valid_only: bool, expected_digest: str | None
) -> None:
    """Check the plan still holds, then hand the import to a worker (large files)."""
    from accord.org import selectors
    from accord.org.tasks import person_import_run

    with transaction.atomic():
        plan, _context = selectors.person_import_plan(batch=batch)
        _import_check(plan, valid_only=valid_only, expected_digest=expected_digest)
        claimed = ImportBatch.objects.filter(
            pk=batch.pk, status__in=[ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED]
        ).update(status=ImportBatch.Status.QUEUED, valid_only=valid_only, error="")
        if not claimed:
            raise ValidationError("This file has already been imported, or is being imported.")
        digest = plan.digest
        transaction.on_commit(
            lambda: person_import_run.enqueue(
                batch_id=batch.pk, valid_only=valid_only, expected_digest=digest
            )
        )
    batch.status = ImportBatch.Status.QUEUED


def person_import_apply(
    *,
    batch: ImportBatch,
    actor: Any,
    valid_only: bool = False,
    expected_digest: str | None = None,
    from_statuses: tuple[str, ...] = (ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED),
) -> dict[str, int]:
    """Write a checked upload in one transaction, with bulk statements only.

    Writes nothing when any row is rejected unless `valid_only`, and nothing when the
    directory changed since the preview the user confirmed (`expected_digest`).
    """
    from accord.org import selectors

    now = timezone.now()
    with transaction.atomic():
        claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=from_statuses).update(
            status=ImportBatch.Status.APPLYING, started_at=now
        )
        if not claimed:
            raise ValidationError("This file has already been imported, or is being imported.")
        plan, context = selectors.person_import_plan(batch=batch)
        _import_check(plan, valid_only=valid_only, expected_digest=expected_digest)
        result = _import_write(
            workspace=batch.workspace, actor=actor, plan=plan, context=context, now=now
        )
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.APPLIED,
            result=result,
            rows=[],
            valid_only=valid_only,
            error="",
            finished_at=timezone.now(),
        )
    batch.status = ImportBatch.Status.APPLIED
    batch.result = result
    return result


def _chunks(items: list[Any], size: int = 500) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _managers_set(people: list[Person]) -> None:
    """Set the manager of just-created people with one prepared UPDATE run for every row.

    bulk_update would build a CASE with a branch per row for each batch, which grows with the
    batch and took minutes for 100,000 people; executemany reuses one statement.
    """
    if not people:
        return
    quote = connection.ops.quote_name
    table, manager, key = quote(Person._meta.db_table), quote("manager_id"), quote("id")
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET {manager} = %s WHERE {key} = %s",  # noqa: S608 - names quoted
            [(person.manager_id, person.pk) for person in people],
        )


def _import_write(
    *, workspace: Workspace, actor: Any, plan: ImportPlan, context: Any, now: Any
) -> dict[str, int]:
    audit_rows: list[tuple[str, Any, dict[str, list[Any]]]] = []

    function_ids = dict(context.function_ids)
    new_functions = [Function(workspace=workspace, name=name) for name in plan.new_functions]
    Function.objects.bulk_create(new_functions, batch_size=500)
    for function in new_functions:
        function_ids[function.name.lower()] = function.pk
        audit_rows.append(("create", function, {"name": [None, function.name]}))

    def function_id(name: str | None) -> int | None:
        return function_ids[name.lower()] if name else None

    creates = [row for row in plan.rows if row.action == CREATE]
    updates = [row for row in plan.rows if row.action == UPDATE]
    names = {email: record.name for email, record in context.directory.people.items()}
    names.update({row.email: row.values["name"] for row in creates})
    for row in updates:
        names[row.email] = row.values.get("name", names[row.email])

    created = [
        Person(
            workspace=workspace,
            name=row.values["name"],
            email=row.email,
            title=row.values["title"],
            seniority=row.values["seniority"],
            function_id=function_id(row.values["function"]),
            location=row.values["location"],
            timezone=row.values["timezone"],
            user_id=context.member_user_ids.get(row.email),
        )
        for row in creates
    ]
    Person.objects.bulk_create(created, batch_size=500)
    person_ids = dict(context.person_ids)
    person_ids.update({person.email: person.pk for person in created})

    # Second pass: managers, so a row can name a manager who appears later in the file.
    managed = []
    for person, row in zip(created, creates, strict=True):
        if row.values["manager_email"]:
            person.manager_id = person_ids[row.values["manager_email"]]
            managed.append(person)
    _managers_set(managed)

    loaded: dict[int, Person] = {}
    for chunk in _chunks([person_ids[row.email] for row in updates]):
        loaded.update({p.pk: p for p in Person.objects.filter(workspace=workspace, pk__in=chunk)})
    changed_people = []
    for row in updates:
        person = loaded[person_ids[row.email]]
        for name, value in row.values.items():
            if name == "function":
                person.function_id = function_id(value)
            elif name == "manager_email":
                person.manager_id = person_ids[value] if value else None
            elif name != "skills":
                setattr(person, name, value)
        person.version += 1
        person.updated_at = now
        changed_people.append(person)
    Person.objects.bulk_update(changed_people, PERSON_IMPORT_FIELDS, batch_size=500)

    # Skills: add unknown names to the catalog, then replace the skills of the rows that set them.
    skill_ids = dict(context.skill_ids)
    missing: dict[str, Skill] = {}
    skill_rows: list[tuple[int, dict[str, int]]] = []
    for row in [*creates, *updates]:
        skills = row.values.get("skills")
        if skills is None or (row.action == CREATE and not skills):
            continue
        skill_rows.append((person_ids[row.email], skills))
        for name in skills:
            if name.lower() not in skill_ids and name.lower() not in missing:
                missing[name.lower()] = Skill(workspace=workspace, name=name)
    Skill.objects.bulk_create(list(missing.values()), batch_size=500)
    skill_ids.update({key: skill.pk for key, skill in missing.items()})
    replaced = [person_id for person_id, _skills in skill_rows]
    for chunk in _chunks(replaced):
        PersonSkill.objects.filter(workspace=workspace, person_id__in=chunk).delete()
    PersonSkill.objects.bulk_create(
        [
            PersonSkill(
                workspace=workspace,
                person_id=person_id,
                skill_id=skill_ids[name.lower()],
                proficiency=level,
            )
            for person_id, skills in skill_rows
            for name, level in skills.items()
        ],
        batch_size=500,
    )

    def audited(
        changes: dict[str, tuple[str, str]], row_values: dict[str, Any]
    ) -> dict[str, list[Any]]:
        entry: dict[str, list[Any]] = {}
        for name, (before, after) in changes.items():
            if name == "manager_email":
                manager = row_values.get("manager_email")
                entry["manager"] = [
                    names.get(before, before) if before else None,
                    names.get(manager, manager) if manager else None,
                ]
            else:
                entry[name] = [before or None, after or None]
        return entry

    audit_rows.extend(
        ("create", person, audited(row.changes, row.values))
        for person, row in zip(created, creates, strict=True)
    )
    audit_rows.extend(
        ("update", loaded[person_ids[row.email]], audited(row.changes, row.values))
        for row in updates
    )
    audit_bulk(workspace=workspace, actor=actor, rows=audit_rows)
    counts = plan.counts
    return {
        "created": counts[CREATE],
        "updated": counts[UPDATE],
        "unchanged": counts[UNCHANGED],
        "rejected": counts[REJECT],
        "functions_created": len(new_functions),
    }
