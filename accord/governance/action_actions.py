"""Writes for action items and their comments: validate, check who may, save, audit.

Each function takes the acting membership and refuses what that member may not do
(PermissionDenied), so pages, the API and scripts share one set of rules (see
action_selectors for who may do what).
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accord.goals.models import Goal
from accord.governance import notify
from accord.governance.action_selectors import (
    action_can_comment,
    action_can_create,
    action_can_edit,
)
from accord.governance.models import ActionComment, ActionItem, Conflict, Decision
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import Membership

EDITABLE_FIELDS = [
    "title",
    "description",
    "owner",
    "due_date",
    "status",
    "partnership",
    "goal",
    "decision",
    "conflict",
    "source_type",
    "source_uuid",
]
AUDITED_FIELDS = [*EDITABLE_FIELDS, "completed_at"]
TITLE_MAX = 300
COMMENT_MAX = 5000
# Kinds of record an action may follow up on by type + id (their apps arrive later).
SOURCE_TYPES = {"meeting", "review", "recommendation"}

__all__ = ["StaleVersion", "action_create", "action_status_change", "action_update"]


def _bump_version(action: ActionItem) -> None:
    """Claim the next version, or fail if someone saved in between."""
    updated = ActionItem.objects.filter(pk=action.pk, version=action.version).update(
        version=action.version + 1
    )
    if not updated:
        raise StaleVersion(ActionItem.objects.get(pk=action.pk).version)
    action.version += 1


def _link_partnership(record: Goal | Decision | Conflict | None) -> Partnership | None:
    return record.partnership if record is not None else None


def _action_validate(action: ActionItem) -> None:
    """Field-named messages for every rule the action breaks."""
    errors: dict[str, str] = {}
    action.title = (action.title or "").strip()
    action.description = (action.description or "").strip()
    if not action.title:
        errors["title"] = "Say what needs doing, e.g. “Send the revised discount policy”."
    elif len(action.title) > TITLE_MAX:
        errors["title"] = f"Keep the title to {TITLE_MAX} characters or fewer."
    if action.owner is None:
        errors["owner"] = "Choose the one person who owns this action."
    elif action.owner.workspace_id != action.workspace_id:
        errors["owner"] = "Choose someone from this workspace."
    if action.status not in ActionItem.Status.values:
        errors["status"] = "Choose a status: open, in progress, done or dropped."
    if action.partnership is not None and action.partnership.workspace_id != action.workspace_id:
        errors["partnership"] = "Choose a partnership of this workspace."
    for field, noun in (("goal", "goal"), ("decision", "decision"), ("conflict", "conflict")):
        record = getattr(action, field)
        if record is None:
            continue
        if record.workspace_id != action.workspace_id:
            errors[field] = f"Choose a {noun} of this workspace."
            continue
        # A linked record of a partnership places the action in that partnership.
        linked = _link_partnership(record)
        if linked is None:
            continue
        if action.partnership is None and "partnership" not in errors:
            action.partnership = linked
        elif action.partnership is not None and action.partnership.pk != linked.pk:
            errors[field] = (
                f"This {noun} belongs to {linked.name}, not to {action.partnership.name}; "
                f"link a {noun} of {action.partnership.name} or change the partnership."
            )
    source_type = (action.source_type or "").strip()
    action.source_type = source_type
    if source_type and source_type not in SOURCE_TYPES:
        errors["source_type"] = "The source is a meeting, review or recommendation."
    elif source_type and action.source_uuid is None:
        errors["source_uuid"] = f"Give the id of the {source_type} this action comes from."
    elif action.source_uuid is not None and not source_type:
        errors["source_type"] = "Say what kind of record the source id belongs to."
    if errors:
        raise ValidationError(errors)


def _completed_at_sync(action: ActionItem, now: datetime.datetime) -> None:
    """Done sets the completion time (once); any other status clears it."""
    if action.status == ActionItem.Status.DONE:
        action.completed_at = action.completed_at or now
    else:
        action.completed_at = None


def action_create(
    *,
    membership: Membership,
    title: str,
    owner: Person | None,
    description: str = "",
    due_date: datetime.date | None = None,
    status: str = ActionItem.Status.OPEN,
    partnership: Partnership | None = None,
    goal: Goal | None = None,
    decision: Decision | None = None,
    conflict: Conflict | None = None,
    source_type: str = "",
    source_uuid: Any = None,
) -> ActionItem:
    """Add an action owned by one person, optionally linked to a goal, decision or conflict
    (which places it in that record's partnership)."""
    workspace = membership.workspace
    action = ActionItem(
        workspace=workspace,
        title=title,
        description=description,
        owner=owner,
        due_date=due_date,
        status=status,
        partnership=partnership,
        goal=goal,
        decision=decision,
        conflict=conflict,
        source_type=source_type,
        source_uuid=source_uuid,
    )
    _action_validate(action)
    if not action_can_create(membership=membership, partnership=action.partnership):
        raise PermissionDenied(
            "Only members of this partnership, its lead, its sponsor and workspace admins can "
            "add actions to it."
        )
    _completed_at_sync(action, timezone.now())
    with transaction.atomic():
        action.save()
        audit_record(
            workspace=workspace,
            actor=membership.user,
            action="create",
            instance=action,
            changes=diff({}, snapshot(action, AUDITED_FIELDS)),
        )
        notify.action_assigned_notify(action=action, actor=membership.user)
    return action


def _edit_require(membership: Membership, action: ActionItem) -> None:
    if not action_can_edit(membership=membership, action=action):
        raise PermissionDenied(
            "Only the action's owner, its partnership's lead and sponsor, and workspace admins "
            "can change it."
        )


def action_update(
    *,
    membership: Membership,
    action: ActionItem,
    expected_version: int | None = None,
    **changes: Any,
) -> ActionItem:
    """Change any of the action's fields in one audited edit."""
    _edit_require(membership, action)
    if expected_version is not None and expected_version != action.version:
        raise StaleVersion(action.version)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({sorted(unknown)[0]: "This field cannot be changed here."})
    before = snapshot(action, AUDITED_FIELDS)
    previous_partnership = action.partnership_id
    for name, value in changes.items():
        setattr(action, name, value)
    _action_validate(action)
    if action.partnership_id != previous_partnership and not action_can_create(
        membership=membership, partnership=action.partnership
    ):
        raise PermissionDenied(
            "You can only move an action into a partnership you are a member of."
        )
    _completed_at_sync(action, timezone.now())
    changed = diff(before, snapshot(action, AUDITED_FIELDS))
    if not changed:
        return action
    with transaction.atomic():
        _bump_version(action)
        action.save(update_fields=[*EDITABLE_FIELDS, "completed_at", "updated_at"])
        audit_record(
            workspace=action.workspace,
            actor=membership.user,
            action="update",
            instance=action,
            changes=changed,
        )
        if "owner" in changed:
            notify.action_assigned_notify(action=action, actor=membership.user)
    return action


def action_status_change(
    *,
    membership: Membership,
    action: ActionItem,
    status: str,
    expected_version: int | None = None,
) -> ActionItem:
    """Move an action to open, in progress, done or dropped (done records when)."""
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": "Choose a status: open, in progress, done or dropped."})
    return action_update(
        membership=membership, action=action, expected_version=expected_version, status=status
    )


def action_delete(*, membership: Membership, action: ActionItem) -> None:
    _edit_require(membership, action)
    with transaction.atomic():
        audit_record(
            workspace=action.workspace,
            actor=membership.user,
            action="delete",
            instance=action,
            changes=diff(snapshot(action, AUDITED_FIELDS), {}),
        )
        action.delete()


# --- comments -------------------------------------------------------------------------------


def action_comment_add(*, membership: Membership, action: ActionItem, body: str) -> ActionComment:
    """Comment on an action; the comment lands in the action's history too."""
    if not action_can_comment(membership=membership, action=action):
        raise PermissionDenied("Viewers can read comments but not add them.")
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write a comment before posting it."})
    if len(body) > COMMENT_MAX:
        raise ValidationError({"body": f"Keep a comment to {COMMENT_MAX} characters or fewer."})
    comment = ActionComment(
        workspace=action.workspace, action=action, author=membership.user, body=body
    )
    with transaction.atomic():
        comment.save()
        audit_record(
            workspace=action.workspace,
            actor=membership.user,
            action="update",
            instance=action,
            changes={"comment": [None, body[:200]]},
        )
    return comment
