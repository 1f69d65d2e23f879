from typing import Any

from django.http import HttpRequest


def shell(request: HttpRequest) -> dict[str, Any]:
    """What the page shell needs: the current workspace, membership and the switcher list."""
    from accord.web.navigation import navigation_for
    from accord.workspaces.selectors import membership_list_for_user

    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    memberships = (
        list(membership_list_for_user(user)) if user is not None and user.is_authenticated else []
    )
    return {
        "membership": membership,
        "workspace": membership.workspace if membership else None,
        "my_memberships": memberships,
        "nav": navigation_for(request, membership),
    }


def demo_logins(request: HttpRequest) -> dict[str, Any]:
    """Show the demo logins on the sign-in page when the operator asked for it (make run)."""
    from django.conf import settings

    if not settings.ACCORD_SHOW_DEMO_LOGINS or request.user.is_authenticated:
        return {}
    from accord.web.demo import DEMO_LOGINS, DEMO_PASSWORD

    return {"demo_logins": DEMO_LOGINS, "demo_password": DEMO_PASSWORD}
