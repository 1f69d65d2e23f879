from typing import Any

from django.http import HttpRequest


def inbox(request: HttpRequest) -> dict[str, Any]:
    """The unread count for the inbox bell: one indexed COUNT, on workspace pages only."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {}
    from accord.notifications.selectors import unread_count

    return {"inbox_unread": unread_count(workspace=membership.workspace, user=membership.user)}
