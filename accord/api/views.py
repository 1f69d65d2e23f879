"""Pages for personal access tokens: list, create (shows the secret once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accord.api import actions, selectors
from accord.api.forms import TokenForm
from accord.api.models import ApiToken
from accord.web.forms import form_add_errors
from accord.workspaces.access import object_get, workspace_view


def _page(
    request: HttpRequest,
    form: TokenForm,
    *,
    created: ApiToken | None = None,
    raw: str = "",
    status: int = 200,
) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": list(selectors.token_list(membership=membership)),
            "created": created,
            "raw_token": raw,
            "tab": "tokens",
        },
        status=status,
    )


@login_required
@workspace_view("viewer")
def token_list(request: HttpRequest) -> HttpResponse:
    return _page(request, TokenForm())


@login_required
@require_POST
@workspace_view("viewer")
def token_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = actions.token_create(
                membership=membership, actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            # Rendered, not redirected: the secret is shown in this response and never again.
            return _page(request, TokenForm(), created=token, raw=raw)
    return _page(request, form, status=422)


@login_required
@require_POST
@workspace_view("viewer")
def token_revoke(request: HttpRequest, token: str) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = object_get(
        selectors.token_list(membership=membership), workspace=membership.workspace, uuid=token
    )
    try:
        actions.token_revoke(token=found, actor_membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Token “{found.name}” revoked. Clients using it now get 401.")
    return redirect("token_list", membership.workspace.slug)
