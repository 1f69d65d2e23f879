"""Writes for workspaces, memberships and invitations: validate, save, audit, then side effects."""

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accord.workspaces.audit import audit_record, diff, snapshot
from accord.workspaces.models import ROLE_RANK, Invitation, Membership, Role, Workspace

RESERVED_SLUGS = {"new", "api", "admin", "accounts", "static", "invite", "w"}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def workspace_create(*, name: str, slug: str, owner: Any) -> Workspace:
    name = name.strip()
    slug = slug.strip().lower()
    if not name:
        raise ValidationError({"name": "Give the workspace a name."})
    if slug in RESERVED_SLUGS:
        raise ValidationError({"slug": f"“{slug}” is reserved; choose another address."})
    if Workspace.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "That address is taken; choose another."})
    workspace = Workspace(name=name, slug=slug)
    workspace.full_clean()
    try:
        with transaction.atomic():
            workspace.save()
            Membership.objects.create(workspace=workspace, user=owner, role=Role.OWNER)
            audit_record(
                workspace=workspace,
                actor=owner,
                action="create",
                instance=workspace,
                changes=diff({}, {"name": name, "slug": slug}),
            )
    except IntegrityError:
        raise ValidationError({"slug": "That address is taken; choose another."}) from None
    return workspace


def workspace_update(*, workspace: Workspace, actor: Any, name: str) -> Workspace:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Give the workspace a name."})
    before = {"name": workspace.name}
    with transaction.atomic():
        workspace.name = name
        workspace.version += 1
        workspace.save(update_fields=["name", "version", "updated_at"])
        audit_record(
            workspace=workspace,
            actor=actor,
            action="update",
            instance=workspace,
            changes=diff(before, {"name": name}),
        )
    return workspace


def _check_role_change(*, actor_membership: Membership, target: Membership, role: str) -> None:
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    if not actor_membership.can_admin:
        raise ValidationError({"role": "Only admins and owners can change roles."})
    actor_rank = ROLE_RANK[Role(actor_membership.role)]
    if ROLE_RANK[Role(role)] > actor_rank or ROLE_RANK[Role(target.role)] > actor_rank:
        raise ValidationError({"role": "You cannot grant or change a role above your own."})


def _owners_left_after(target: Membership, *, new_role: str | None) -> int:
    owners = Membership.objects.filter(workspace_id=target.workspace_id, role=Role.OWNER)
    count = owners.exclude(pk=target.pk).count()
    if new_role == Role.OWNER:
        count += 1
    return count


def membership_role_change(
    *, actor_membership: Membership, target: Membership, role: str
) -> Membership:
    _check_role_change(actor_membership=actor_membership, target=target, role=role)
    if target.role == Role.OWNER and _owners_left_after(target, new_role=role) == 0:
        raise ValidationError({"role": "A workspace needs at least one owner."})
    before = snapshot(target, ["role"])
    with transaction.atomic():
        target.role = role
        target.version += 1
        target.save(update_fields=["role", "version", "updated_at"])
        audit_record(
            workspace=target.workspace,
            actor=actor_membership.user,
            action="update",
            instance=target,
            changes=diff(before, snapshot(target, ["role"])),
        )
    return target


def membership_remove(*, actor_membership: Membership, target: Membership) -> None:
    is_self = target.pk == actor_membership.pk
    if not is_self:
        _check_role_change(actor_membership=actor_membership, target=target, role=target.role)
    if target.role == Role.OWNER and _owners_left_after(target, new_role=None) == 0:
        raise ValidationError({"role": "A workspace needs at least one owner."})
    with transaction.atomic():
        audit_record(
            workspace=target.workspace,
            actor=actor_membership.user,
            action="delete",
            instance=target,
            changes=diff(snapshot(target, ["user", "role"]), {}),
        )
        target.delete()


def invitation_create(
    *, actor_membership: Membership, email: str, role: str
) -> tuple[Invitation, str]:
    """Create an invitation and email its link after commit. Returns it with the raw token."""
    from django.core.validators import validate_email

    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "Enter a valid email address."}) from None
    if role not in Role.values:
        raise ValidationError({"role": f"Unknown role “{role}”."})
    if not actor_membership.can_admin:
        raise ValidationError({"role": "Only admins and owners can invite people."})
    if ROLE_RANK[Role(role)] > ROLE_RANK[Role(actor_membership.role)]:
        raise ValidationError({"role": "You cannot invite someone to a role above your own."})
    workspace = actor_membership.workspace
    if Membership.objects.filter(workspace=workspace, user__email__iexact=email).exists():
        raise ValidationError({"email": f"{email} is already a member of this workspace."})
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        # A new invitation replaces any pending one for the same address.
        Invitation.objects.filter(
            workspace=workspace, email=email, status=Invitation.Status.PENDING
        ).update(status=Invitation.Status.REVOKED)
        invitation = Invitation.objects.create(
            workspace=workspace,
            email=email,
            role=role,
            token_hash=token_hash(token),
            invited_by=actor_membership.user,
            expires_at=timezone.now() + timedelta(days=settings.ACCORD_INVITATION_DAYS),
        )
        audit_record(
            workspace=workspace,
            actor=actor_membership.user,
            action="create",
            instance=invitation,
            changes=diff({}, {"email": email, "role": role}),
        )
        from accord.workspaces.tasks import invitation_send

        transaction.on_commit(
            lambda: invitation_send.enqueue(invitation_id=invitation.pk, token=token)
        )
    return invitation, token


def invitation_revoke(*, actor_membership: Membership, invitation: Invitation) -> None:
    if not actor_membership.can_admin:
        raise ValidationError({"role": "Only admins and owners can revoke invitations."})
    if invitation.status != Invitation.Status.PENDING:
        raise ValidationError(
            {"status": f"This invitation is already {invitation.get_status_display().lower()}."}
        )
    with transaction.atomic():
        invitation.status = Invitation.Status.REVOKED
        invitation.save(update_fields=["status", "updated_at"])
        audit_record(
            workspace=invitation.workspace,
            actor=actor_membership.user,
            action="update",
            instance=invitation,
            changes={"status": ["pending", "revoked"]},
        )


def invitation_find(token: str) -> Invitation | None:
    """The usable invitation behind a link token, or None (unknown, used, revoked, expired)."""
    invitation = (
        Invitation.objects.select_related("workspace", "invited_by")
        .filter(token_hash=token_hash(token), status=Invitation.Status.PENDING)
        .first()
    )
    if invitation is None or invitation.expires_at <= timezone.now():
        return None
    return invitation


def invitation_accept(*, invitation: Invitation, user: Any) -> Membership:
    if user.email.lower() != invitation.email.lower():
        raise ValidationError(
            {
                "email": f"This invitation is for {invitation.email}; you are signed in as "
                f"{user.email}."
            }
        )
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != Invitation.Status.PENDING:
            raise ValidationError({"token": "This invitation has already been used."})
        membership, created = Membership.objects.get_or_create(
            workspace=invitation.workspace, user=user, defaults={"role": invitation.role}
        )
        locked.status = Invitation.Status.ACCEPTED
        locked.accepted_at = timezone.now()
        locked.accepted_by = user
        locked.save(update_fields=["status", "accepted_at", "accepted_by", "updated_at"])
        if created:
            audit_record(
                workspace=invitation.workspace,
                actor=user,
                action="create",
                instance=membership,
                changes=diff({}, {"user": str(user), "role": membership.role}),
            )
        # Link the person record with the same email, if the directory has one.
        from accord.org.models import Person

        Person.objects.filter(
            workspace=invitation.workspace, email=user.email.lower(), user__isnull=True
        ).update(user=user)
    return membership


def user_create_from_invitation(*, invitation: Invitation, display_name: str, password: str) -> Any:
    """Create the account an invitation names; its link proves the address, so it is verified."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    user_model = get_user_model()
    if user_model.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError({"email": "An account with this email exists; sign in instead."})
    candidate = user_model(email=invitation.email, display_name=display_name.strip())
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise ValidationError({"password": list(error.messages)}) from None
    with transaction.atomic():
        user = user_model.objects.create_user(
            email=invitation.email, password=password, display_name=display_name.strip()
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation_accept(invitation=invitation, user=user)
    return user
