"""Writes for personal access tokens: create, revoke, and note when one was last used."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accord.api.models import TOKEN_PREFIX, ApiToken, token_digest, token_generate
from accord.workspaces.audit import audit_record
from accord.workspaces.models import Membership

# A token used many times a second would otherwise write on every request.
LAST_USED_PRECISION = timedelta(minutes=1)
HINT_LENGTH = len(TOKEN_PREFIX) + 6


def token_create(*, membership: Membership, actor: Any, name: str) -> tuple[ApiToken, str]:
    """A new token acting as `membership`. Returns it with the raw secret, shown only once."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after where it is used, e.g. “CI”."})
    if len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise ValidationError({"name": "Keep the name under 100 characters."})
    raw = token_generate()
    with transaction.atomic():
        token = ApiToken.objects.create(
            workspace=membership.workspace,
            membership=membership,
            name=name,
            token_hash=token_digest(raw),
            hint=raw[:HINT_LENGTH],
        )
        # The raw secret never reaches the audit trail, only the hint that names it.
        audit_record(
            workspace=membership.workspace,
            actor=actor,
            action="create",
            instance=token,
            changes={
                "name": [None, name],
                "hint": [None, token.hint],
                "member": [None, str(membership.user)],
            },
        )
    return token, raw


def token_revoke(*, token: ApiToken, actor_membership: Membership | None, actor: Any) -> ApiToken:
    """Stop a token working. Its owner or an admin of the workspace may do this.

    `actor_membership` is None when the operator revokes from the command line.
    """
    if actor_membership is not None:
        is_own = token.membership_id == actor_membership.pk
        if not is_own and not actor_membership.can_admin:
            raise ValidationError({"token": "Only its owner or an admin can revoke this token."})
    if token.revoked_at is not None:
        return token
    with transaction.atomic():
        now = timezone.now()
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=now, version=token.version + 1, updated_at=now
        )
        if not updated:
            token.refresh_from_db()
            return token
        token.revoked_at = now
        token.version += 1
        audit_record(
            workspace=token.workspace,
            actor=actor,
            action="update",
            instance=token,
            changes={"revoked_at": [None, now.isoformat()]},
        )
    return token


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token behind a raw secret, with its member and workspace loaded; else None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("membership__user", "membership__workspace", "workspace")
        .filter(token_hash=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.membership.user.is_active:
        return None
    token_touch(token)
    return token


def token_touch(token: ApiToken) -> None:
    """Record use, at most once a minute per token (a conditional UPDATE, safe across workers)."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now
