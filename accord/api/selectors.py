"""Reads for personal access tokens, scoped to a workspace and the acting member."""

from django.db.models import F, QuerySet

from accord.api.models import ApiToken
from accord.workspaces.models import Membership


def token_list(*, membership: Membership) -> QuerySet[ApiToken]:
    """The member's own tokens; admins and owners see every member's tokens in the workspace."""
    tokens = ApiToken.objects.filter(workspace_id=membership.workspace_id).select_related(
        "membership__user"
    )
    if not membership.can_admin:
        tokens = tokens.filter(membership=membership)
    return tokens.order_by(F("revoked_at").asc(nulls_first=True), "-created_at", "-pk")
