"""The one door to tenant data: resolve workspace membership and objects, or answer 404."""

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect

from accord.workspaces.models import Membership, Workspace

M = TypeVar("M", bound=models.Model)
ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


def membership_get(*, user: Any, workspace_slug: str) -> Membership:
    """The caller's membership in the workspace; 404 when there is none."""
    if not getattr(user, "is_authenticated", False):
        raise Http404("No such workspace.")
    from accord.sso.models import WorkspaceSignInPolicy

    # Whether the workspace's sign-in policy asks for anything (MFA, SSO) rides along in the
    # same query, so workspaces without one pay nothing for the check.
    policy = WorkspaceSignInPolicy.objects.filter(workspace=OuterRef("workspace")).filter(
        Q(require_mfa=True) | Q(require_sso=True)
    )
    membership = (
        Membership.objects.select_related("workspace", "user")
        .annotate(signin_rule=Exists(policy))
        .filter(user=user, workspace__slug=workspace_slug)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace.")
    return membership


def object_get[M: models.Model](
    source: type[M] | models.QuerySet[M], *, workspace: Workspace, **lookup: Any
) -> M:
    """One object of the workspace, or 404 — never another workspace's row."""
    queryset = source if isinstance(source, models.QuerySet) else source._default_manager.all()
    try:
        return queryset.get(workspace=workspace, **lookup)
    except (ObjectDoesNotExist, ValueError, ValidationError):
        # A malformed UUID is as unknown as a foreign one.
        raise Http404(f"No such {queryset.model._meta.verbose_name}.") from None


def role_require(membership: Membership, minimum: str) -> None:
    if not membership.has_role(minimum):
        raise PermissionDenied(f"This needs the {minimum} role or higher in this workspace.")


def workspace_view(minimum: str = "viewer") -> Callable[[ViewFunc], ViewFunc]:
    """Decorate a view taking `ws` (the workspace slug): sets request.membership or 404s.

    Writes by a role below `minimum` answer 403; reading members of other workspaces is 404.
    """
    from functools import wraps

    from accord.workspaces.selectors import LAST_WORKSPACE_KEY

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: Any, ws: str, *args: Any, **kwargs: Any) -> Any:
            membership = membership_get(user=request.user, workspace_slug=ws)
            if getattr(membership, "signin_rule", False):
                from accord.sso.enforcement import signin_policy_redirect

                target = signin_policy_redirect(request, workspace_slug=ws)
                if target is not None:
                    return HttpResponseRedirect(target)
            role_require(membership, minimum)
            request.membership = membership
            request.workspace = membership.workspace
            if request.session.get(LAST_WORKSPACE_KEY) != ws:
                request.session[LAST_WORKSPACE_KEY] = ws
            return view(request, *args, **kwargs)

        return cast(ViewFunc, wrapper)

    return decorator
