"""Instrument pages: the list, one instrument with its questions and version history,
composing a custom one, editing (a new version), copying and archiving."""

import re
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accord.surveys import instrument_actions as actions
from accord.surveys import instrument_selectors as selectors
from accord.surveys.instrument_forms import (
    InstrumentForm,
    formset_index_map,
    item_formset,
    specs_from_formset,
)
from accord.surveys.models import Instrument, InstrumentKind, Item
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

ITEM_ERROR = re.compile(r"^items\.(\d+)\.(\w+)$")


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _detail_url(instrument: Instrument) -> str:
    return reverse("survey_instrument_detail", args=[instrument.workspace.slug, instrument.uuid])


def _edit_require(membership: Membership) -> None:
    if not selectors.instrument_can_edit(membership=membership):
        raise PermissionDenied("Only workspace admins can compose, copy or edit instruments.")


@login_required
@workspace_view("viewer")
def instrument_list(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    actions.builtins_ensure(workspace=membership.workspace)
    archived = request.GET.get("archived") == "1"
    rows = list(selectors.instrument_list(membership=membership, include_archived=archived))
    return render(
        request,
        "surveys/instrument_list.html",
        {
            "instruments": rows,
            "show_archived": archived,
            "can_edit": selectors.instrument_can_edit(membership=membership),
        },
    )


@login_required
@workspace_view("viewer")
def instrument_detail(request: HttpRequest, instrument: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.instrument_get(membership=membership, uuid=instrument)
    try:
        number = int(request.GET["version"]) if request.GET.get("version") else None
    except ValueError:
        number = None
    version = selectors.instrument_version_get(instrument=found, number=number)
    versions = list(selectors.instrument_version_list(instrument=found))
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "instrument": found,
            "version": version,
            "items": selectors.version_item_list(version=version),
            "versions": versions,
            "latest_number": versions[0].number if versions else None,
            "can_edit": selectors.instrument_can_edit(membership=membership),
            "history": list(audit_list(workspace=membership.workspace, instance=found, limit=30)),
        },
    )


def _errors_to_forms(error: ValidationError, form: Any, formset: Any) -> None:
    """Put an action's errors on the instrument form or the question form they name."""
    order = formset_index_map(formset)
    for path, problems in error.message_dict.items():
        match = ITEM_ERROR.match(path)
        if match and int(match[1]) < len(order):
            target = formset.forms[order[int(match[1])]]
            name = match[2] if match[2] in target.fields else None
            for problem in problems:
                target.add_error(name, problem)
            continue
        name = path if path in form.fields else None
        for problem in problems:
            form.add_error(
                name, problem if name or path in {"__all__", "items"} else f"{path}: {problem}"
            )


def _render_form(
    request: HttpRequest,
    *,
    form: InstrumentForm,
    formset: Any,
    instrument: Instrument | None,
    kind: str,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "surveys/instrument_form.html",
        {
            "form": form,
            "formset": formset,
            "instrument": instrument,
            "kind": kind,
            "fixed": kind == InstrumentKind.COORDINATION,
            "kind_label": InstrumentKind(kind).label,
        },
        status=status,
    )


@login_required
@workspace_view("admin")
def instrument_create(request: HttpRequest) -> HttpResponse:
    membership = _membership(request)
    kind = InstrumentKind.CUSTOM
    if request.method != "POST":
        form = InstrumentForm(initial={"scale_points": 5}, kind=kind)
        formset = item_formset(instrument_kind=kind, items=[], extra=3)
        return _render_form(request, form=form, formset=formset, instrument=None, kind=kind)
    form = InstrumentForm(request.POST, kind=kind)
    formset = item_formset(instrument_kind=kind, data=request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            created = actions.instrument_create(
                membership=membership,
                name=form.cleaned_data["name"],
                description=form.cleaned_data.get("description") or "",
                scale_points=form.cleaned_data["scale_points"],
                items=specs_from_formset(formset, []),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            _errors_to_forms(error, form, formset)
        else:
            messages.success(request, f"Created the instrument “{created.name}”.")
            return redirect(_detail_url(created))
    return _render_form(request, form=form, formset=formset, instrument=None, kind=kind, status=422)


@login_required
@workspace_view("admin")
def instrument_edit(request: HttpRequest, instrument: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    _edit_require(membership)
    found = selectors.instrument_get(membership=membership, uuid=instrument)
    latest = selectors.instrument_version_latest(instrument=found)
    current: list[Item] = selectors.version_item_list(version=latest) if latest else []
    kind = found.kind
    if request.method != "POST":
        form = InstrumentForm(
            initial={
                "name": found.name,
                "description": found.description,
                "scale_points": latest.scale_points if latest else 5,
            },
            kind=kind,
        )
        formset = item_formset(instrument_kind=kind, items=current)
        return _render_form(request, form=form, formset=formset, instrument=found, kind=kind)
    form = InstrumentForm(request.POST, kind=kind)
    formset = item_formset(instrument_kind=kind, data=request.POST)
    if form.is_valid() and formset.is_valid():
        try:
            version = actions.instrument_edit(
                membership=membership,
                instrument=found,
                name=form.cleaned_data["name"],
                description=form.cleaned_data.get("description") or "",
                scale_points=form.cleaned_data["scale_points"],
                items=specs_from_formset(formset, current),
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as error:
            _errors_to_forms(error, form, formset)
        else:
            if version is not None:
                messages.success(
                    request,
                    f"Saved version {version.number} of “{found.name}”. Surveys already opened "
                    "keep the version they asked.",
                )
            else:
                messages.success(request, f"Saved “{found.name}”; the questions did not change.")
            return redirect(_detail_url(found))
    return _render_form(
        request, form=form, formset=formset, instrument=found, kind=kind, status=422
    )


@login_required
@require_POST
@workspace_view("admin")
def instrument_copy(request: HttpRequest, instrument: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.instrument_get(membership=membership, uuid=instrument)
    try:
        copy = actions.instrument_copy(membership=membership, instrument=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(found))
    messages.success(
        request,
        f"Copied “{found.name}”. Edit the copy's wording — for example to paste licensed "
        "items you hold the rights to.",
    )
    return redirect("survey_instrument_edit", membership.workspace.slug, copy.uuid)


@login_required
@require_POST
@workspace_view("admin")
def instrument_archive(request: HttpRequest, instrument: uuid.UUID) -> HttpResponse:
    membership = _membership(request)
    found = selectors.instrument_get(membership=membership, uuid=instrument)
    archived = request.POST.get("archived") != "0"
    actions.instrument_archive_set(membership=membership, instrument=found, archived=archived)
    messages.success(
        request,
        f"Archived “{found.name}”: new surveys cannot use it; past ones keep it."
        if archived
        else f"Restored “{found.name}”.",
    )
    return redirect(_detail_url(found))
