"""Kudos pages: the public recognition feed with its filters, giving kudos, who recognises whom
across functions, and the workspace's values (managed by admins)."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.comms import kudos_actions as actions
from accord.comms import kudos_selectors as selectors
from accord.comms.feedback_forms import KudosForm, ValueForm
from accord.comms.feedback_selectors import acting_person
from accord.org.actions import StaleVersion
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership

PAGE_SIZE = 30


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _filters(params: QueryDict) -> dict[str, str | None]:
    return {
        "partnership": params.get("partnership", "").strip()[:60] or None,
        "value": _uuid_or_none(params.get("value")),
        "person": _uuid_or_none(params.get("person")),
    }


def _list_context(request: HttpRequest, *, form: KudosForm | None = None) -> dict[str, Any]:
    membership = _membership(request)
    filters = _filters(request.GET)
    rows = selectors.kudos_list(membership=membership, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    me = acting_person(membership=membership)
    can_give = membership.can_edit and me is not None
    return {
        "kudos_rows": selectors.kudos_rows(membership=membership, kudos=page),
        "page_obj": page,
        "query_without_page": f"{query.urlencode()}&" if query else "",
        "filters": filters,
        "filtered": any(filters.values()),
        "partnerships": list(selectors.kudos_partnership_choices(membership=membership)),
        "values": list(selectors.value_list(workspace=membership.workspace)),
        "matrix": selectors.kudos_matrix(membership=membership, partnership=filters["partnership"]),
        "can_give": can_give,
        "form": form or (KudosForm(membership=membership) if can_give else None),
    }


@login_required
@workspace_view("viewer")
def kudos_list(request: HttpRequest) -> HttpResponse:
    return render(request, "comms/kudos_list.html", _list_context(request))


@login_required
@workspace_view("member")
def kudos_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    if request.method != "POST":
        initial = {"receiver": _uuid_or_none(request.GET.get("to"))}
        form = KudosForm(initial=initial, membership=membership)
        return render(request, "comms/kudos_form.html", {"form": form})
    form = KudosForm(request.POST, membership=membership)
    if form.is_valid():
        try:
            given = actions.kudos_give(membership=membership, **form.kudos_fields())
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        else:
            messages.success(request, f"Kudos to {given.receiver.name} posted.")
            return redirect(reverse("kudos_list", args=[membership.workspace.slug]))
    return render(request, "comms/kudos_form.html", {"form": form}, status=422)


@login_required
@require_POST
@workspace_view("member")
def kudos_delete(request: HttpRequest, kudos: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.kudos_get(membership=membership, uuid=kudos)
    actions.kudos_delete(membership=membership, kudos=found)
    messages.success(request, "Kudos removed.")
    return redirect("kudos_list", membership.workspace.slug)


# --- values ---------------------------------------------------------------------------------


def _values_page(
    request: HttpRequest, *, form: ValueForm | None = None, status: int = 200
) -> HttpResponse:
    membership = _membership(request)
    return render(
        request,
        "comms/kudos_values.html",
        {
            "values": list(selectors.value_list(workspace=membership.workspace)),
            "form": form or ValueForm(),
            "can_manage": membership.can_admin,
        },
        status=status,
    )


@login_required
@workspace_view("viewer")
def value_list(request: HttpRequest) -> HttpResponse:
    return _values_page(request)


@login_required
@require_POST
@workspace_view("admin")
def value_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    form = ValueForm(request.POST)
    if form.is_valid():
        try:
            created = actions.value_create(
                membership=membership,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Added the value “{created.name}”.")
            return redirect("value_list", membership.workspace.slug)
    return _values_page(request, form=form, status=422)


@login_required
@workspace_view("admin")
def value_edit(request: HttpRequest, value: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.value_get(workspace=membership.workspace, uuid=value)
    if request.method != "POST":
        form = ValueForm(
            initial={
                "name": found.name,
                "description": found.description,
                "expected_version": found.version,
            }
        )
        return render(request, "comms/kudos_value_form.html", {"form": form, "value": found})
    form = ValueForm(request.POST)
    status = 422
    if form.is_valid():
        try:
            actions.value_update(
                membership=membership,
                value=found,
                expected_version=form.cleaned_data["expected_version"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
            )
        except StaleVersion:
            found = selectors.value_get(workspace=membership.workspace, uuid=value)
            data = request.POST.copy()
            data["expected_version"] = str(found.version)
            form = ValueForm(data)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved “{found.name}” while you were editing; save again to keep "
                "your changes.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved “{found.name}”.")
            return redirect("value_list", membership.workspace.slug)
    return render(
        request, "comms/kudos_value_form.html", {"form": form, "value": found}, status=status
    )


@login_required
@require_POST
@workspace_view("admin")
def value_delete(request: HttpRequest, value: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.value_get(workspace=membership.workspace, uuid=value)
    name = found.name
    actions.value_delete(membership=membership, value=found)
    messages.success(request, f"Removed the value “{name}”.")
    return redirect("value_list", membership.workspace.slug)
