"""Writes for kudos (public recognition) and the workspace's values."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accord.comms import kudos_selectors as selectors
from accord.comms.feedback_selectors import acting_person
from accord.comms.models import Kudos, Value
from accord.notifications.models import Event
from accord.notifications.service import notify, publish
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

MESSAGE_MAX = 1000
KUDOS_FIELDS = ["receiver", "partnership", "value", "message"]
VALUE_FIELDS = ["name", "description"]
NAME_MAX = 80
DESCRIPTION_MAX = 300

NO_PERSON = (
    "Your login is not linked to a person in the directory yet; ask an admin to link it, "
    "then kudos can carry your name."
)


def kudos_give(
    *,
    membership: Membership,
    receiver: Person | None,
    message: str,
    partnership: Partnership | None = None,
    value: Value | None = None,
) -> Kudos:
    """Recognise someone in public, for one of the workspace's values, optionally in a
    partnership. The receiver is notified and the partnership's channels hear about it."""
    if not membership.can_edit:
        raise PermissionDenied("Viewers can read kudos but not give them.")
    giver = acting_person(membership=membership)
    if giver is None:
        raise PermissionDenied(NO_PERSON)
    workspace = membership.workspace
    message = (message or "").strip()
    errors: dict[str, str] = {}
    if receiver is None:
        errors["receiver"] = "Choose who you are recognising."
    elif receiver.workspace_id != workspace.pk:
        errors["receiver"] = "Choose someone from this workspace."
    elif receiver.pk == giver.pk:
        errors["receiver"] = "Kudos are for someone else."
    if not message:
        errors["message"] = "Say what they did and why it mattered."
    elif len(message) > MESSAGE_MAX:
        errors["message"] = f"Keep kudos to {MESSAGE_MAX} characters or fewer."
    if value is None:
        if Value.objects.filter(workspace=workspace).exists():
            errors["value"] = "Choose the value this shows."
    elif value.workspace_id != workspace.pk:
        errors["value"] = "Choose one of this workspace's values."
    if partnership is not None and not (
        partnership_visible_list(membership=membership).filter(pk=partnership.pk).exists()
    ):
        errors["partnership"] = "Choose a partnership you can see."
    if errors:
        raise ValidationError(errors)
    assert receiver is not None
    kudos = Kudos(
        workspace=workspace,
        giver=giver,
        receiver=receiver,
        partnership=partnership,
        value=value,
        message=message,
    )
    url = reverse("kudos_list", args=[workspace.slug]) + f"#kudos-{kudos.uuid}"
    subject = f"{giver.name} recognised {receiver.name}" + (f" for “{value.name}”" if value else "")
    with transaction.atomic():
        kudos.save()
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=kudos,
            changes=diff({}, snapshot(kudos, KUDOS_FIELDS)),
        )
        notify(
            workspace=workspace,
            event=Event.KUDOS,
            recipients=[receiver],
            subject=subject,
            key=f"kudos:{kudos.uuid}",
            body=message,
            url=url,
            about=kudos,
            exclude=[giver],
        )
        publish(
            workspace=workspace,
            event=Event.KUDOS,
            key=f"kudos:{kudos.uuid}",
            subject=subject,
            body=message,
            url=url,
            partnership=partnership,
            data={
                "id": str(kudos.uuid),
                "giver": giver.name,
                "receiver": receiver.name,
                "value": value.name if value else None,
            },
        )
    return kudos


def kudos_delete(*, membership: Membership, kudos: Kudos) -> None:
    """The giver takes kudos back; admins remove them."""
    if not selectors.kudos_can_delete(membership=membership, kudos=kudos):
        raise PermissionDenied("Only the giver and workspace admins can remove kudos.")
    with transaction.atomic():
        audit_record(
            workspace=kudos.workspace,
            actor=membership.user,
            action="delete",
            instance=kudos,
            changes=diff(snapshot(kudos, KUDOS_FIELDS), {}),
        )
        kudos.delete()


# --- values ---------------------------------------------------------------------------------


def _admin_require(membership: Membership) -> None:
    if not membership.can_admin:
        raise PermissionDenied("Only workspace admins manage the values.")


def _value_validate(value: Value) -> None:
    value.name = (value.name or "").strip()
    value.description = (value.description or "").strip()
    errors: dict[str, str] = {}
    if not value.name:
        errors["name"] = "Name the value in a few words, e.g. “Customer first”."
    elif len(value.name) > NAME_MAX:
        errors["name"] = f"Keep the name to {NAME_MAX} characters or fewer."
    elif (
        Value.objects.filter(workspace=value.workspace, name__iexact=value.name)
        .exclude(pk=value.pk)
        .exists()
    ):
        errors["name"] = f"There is already a value called “{value.name}”."
    if len(value.description) > DESCRIPTION_MAX:
        errors["description"] = f"Keep the description to {DESCRIPTION_MAX} characters or fewer."
    if errors:
        raise ValidationError(errors)


def _value_save(value: Value) -> None:
    try:
        with transaction.atomic():
            value.save()
    except IntegrityError:  # a concurrent save took the name
        raise ValidationError(
            {"name": f"There is already a value called “{value.name}”."}
        ) from None


def value_create(*, membership: Membership, name: str, description: str = "") -> Value:
    _admin_require(membership)
    value = Value(workspace=membership.workspace, name=name, description=description)
    _value_validate(value)
    with transaction.atomic():
        _value_save(value)
        audit_record(
            workspace=value.workspace,
            actor=membership.user,
            action="create",
            instance=value,
            changes=diff({}, snapshot(value, VALUE_FIELDS)),
        )
    return value


def value_update(
    *,
    membership: Membership,
    value: Value,
    expected_version: int | None = None,
    name: str | None = None,
    description: str | None = None,
) -> Value:
    _admin_require(membership)
    if expected_version is not None and expected_version != value.version:
        raise StaleVersion(value.version)
    before = snapshot(value, VALUE_FIELDS)
    if name is not None:
        value.name = name
    if description is not None:
        value.description = description
    _value_validate(value)
    changed = diff(before, snapshot(value, VALUE_FIELDS))
    if not changed:
        return value
    with transaction.atomic():
        updated = Value.objects.filter(pk=value.pk, version=value.version).update(
            version=value.version + 1
        )
        if not updated:
            raise StaleVersion(Value.objects.get(pk=value.pk).version)
        value.version += 1
        try:
            with transaction.atomic():
                value.save(update_fields=[*VALUE_FIELDS, "updated_at"])
        except IntegrityError:
            raise ValidationError(
                {"name": f"There is already a value called “{value.name}”."}
            ) from None
        audit_record(
            workspace=value.workspace,
            actor=membership.user,
            action="update",
            instance=value,
            changes=changed,
        )
    return value


def value_delete(*, membership: Membership, value: Value) -> None:
    """Remove a value; kudos given for it keep their message and lose the tag."""
    _admin_require(membership)
    with transaction.atomic():
        audit_record(
            workspace=value.workspace,
            actor=membership.user,
            action="delete",
            instance=value,
            changes=diff(snapshot(value, VALUE_FIELDS), {}),
        )
        value.delete()
