"""Network import pages (workspace admins and owners): imports with live progress, the
upload, an import's result, identity mapping and the network settings."""

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.network import import_actions as actions
from accord.network import import_selectors as selectors
from accord.network.import_forms import IdentityUpdateForm, NetworkImportForm, NetworkSettingsForm
from accord.network.importing import SLACK_ACTIVE_DAYS
from accord.network.models import NetworkImport
from accord.org.models import Person
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view

IMPORTS_PAGE_SIZE = 25
IDENTITIES_PAGE_SIZE = 50
UNMATCHED_SHOWN = 50
IDENTITY_VIEWS = {
    "unmatched": ("Unmatched", True),
    "done": ("Mapped or ignored", False),
    "all": ("All", None),
}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _render(
    request: HttpRequest, template: str, partial: str, context: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The full page, or only `partial` for htmx polling."""
    name = f"{template}#{partial}" if _is_htmx(request) else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _max_size_text() -> str:
    size = actions.network_import_max_bytes()
    return f"{size / 1024**3:.0f} GB" if size >= 1024**3 else f"{size / 1024**2:.0f} MB"


@login_required
@workspace_view("admin")
def network_imports(request: HttpRequest) -> HttpResponse:
    """The imports with their progress (polled while one is queued or running) and the
    upload form."""
    membership = request.membership  # type: ignore[attr-defined]
    workspace = membership.workspace
    form = NetworkImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch, created = actions.network_import_create(
                membership=membership,
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"] or None,
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if created:
                messages.success(
                    request, "The file is uploaded; the import runs in the background."
                )
            else:
                messages.info(
                    request,
                    "This file was imported before (same content), so nothing changed.",
                )
            return redirect("network_import_detail", workspace.slug, batch.uuid)
    page = Paginator(
        selectors.network_import_list(workspace=workspace), IMPORTS_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    imports = list(page.object_list)
    context = {
        "form": form,
        "imports": imports,
        "page_obj": page,
        "polling": any(batch.status in selectors.ACTIVE_STATUSES for batch in imports),
        "poll_url": f"{request.path}?{urlencode({'page': page.number})}",
        "max_size": _max_size_text(),
        "counts": selectors.identity_counts(workspace=workspace),
        "tab": "imports",
    }
    return _render(
        request,
        "network/import_list.html",
        "imports",
        context,
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("admin")
def network_import_detail(request: HttpRequest, network_import: uuid.UUID) -> HttpResponse:
    """One import: progress while it runs; then its counts and the identities it could not
    match."""
    workspace = request.workspace  # type: ignore[attr-defined]
    batch = selectors.network_import_get(workspace=workspace, uuid=network_import)
    active = batch.status in selectors.ACTIVE_STATUSES
    done = batch.status == NetworkImport.Status.DONE
    elapsed = None
    if batch.started_at:
        end = batch.finished_at or batch.updated_at
        elapsed = max(int((end - batch.started_at).total_seconds()), 0)
    context: dict[str, Any] = {
        "batch": batch,
        "polling": active,
        "percent": round(batch.progress * 100),
        "elapsed": elapsed,
        "status_url": reverse("network_import_detail", args=[workspace.slug, batch.uuid]),
        "tab": "imports",
    }
    if done:
        context["counted"] = selectors.network_import_counted(batch=batch)
        unmatched = list(selectors.network_import_unmatched(batch=batch)[: UNMATCHED_SHOWN + 1])
        context["unmatched"] = unmatched[:UNMATCHED_SHOWN]
        context["unmatched_more"] = len(unmatched) > UNMATCHED_SHOWN
    return _render(request, "network/import_detail.html", "progress", context)


@login_required
@workspace_view("admin")
@require_POST
def network_import_cancel(request: HttpRequest, network_import: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    batch = selectors.network_import_get(workspace=workspace, uuid=network_import)
    try:
        actions.network_import_cancel(batch=batch, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The import is being cancelled; nothing of it will be kept.")
    return redirect("network_import_detail", workspace.slug, batch.uuid)


@login_required
@workspace_view("admin")
def network_identities(request: HttpRequest) -> HttpResponse:
    """Identities to map to people or ignore, unmatched ones first."""
    workspace = request.workspace  # type: ignore[attr-defined]
    show = request.GET.get("show", "unmatched")
    if show not in IDENTITY_VIEWS:
        show = "unmatched"
    search = request.GET.get("q", "").strip()[:100]
    rows = selectors.identity_list(
        workspace=workspace, unmatched=IDENTITY_VIEWS[show][1], search=search
    )
    page = Paginator(rows, IDENTITIES_PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in {"show": show, "q": search}.items() if v})
    tabs = [
        {"key": key, "label": label, "query": urlencode({"show": key})}
        for key, (label, _unmatched) in IDENTITY_VIEWS.items()
    ]
    return render(
        request,
        "network/identity_list.html",
        {
            "identities": list(page.object_list),
            "page_obj": page,
            "show": show,
            "search": search,
            "tabs": tabs,
            "query": query,
            "query_without_page": f"{query}&" if query else "",
            "people": list(selectors.network_people_choices(workspace=workspace)),
            "counts": selectors.identity_counts(workspace=workspace),
            "tab": "identities",
        },
    )


def _person_find(workspace: Any, text: str) -> Person | None:
    """The person named by e-mail (any case) or id; None when there is none."""
    text = text.strip()
    people = Person.objects.filter(workspace=workspace)
    try:
        return people.filter(uuid=uuid.UUID(text)).first()
    except ValueError:
        return people.filter(email__iexact=text).first()


@login_required
@workspace_view("admin")
@require_POST
def network_identity_update(request: HttpRequest, identity: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    found = selectors.identity_get(workspace=workspace, uuid=identity)
    form = IdentityUpdateForm(request.POST)
    back = reverse("network_identities", args=[workspace.slug])
    query = request.POST.get("return_query", "")
    if query and "//" not in query and "\n" not in query:
        back = f"{back}?{query}"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{found.value}: {error}")
        return redirect(back)
    action = form.cleaned_data["action"]
    fields: dict[str, Any]
    if action == "map":
        person = _person_find(workspace, form.cleaned_data["person"])
        if person is None:
            messages.error(
                request,
                f"{found.value}: no person with the e-mail {form.cleaned_data['person']!s} in "
                "this workspace. Pick one from the list.",
            )
            return redirect(back)
        fields = {"person": person}
    elif action == "unmap":
        fields = {"person": None}
    else:
        fields = {"ignored": action == "ignore"}
    try:
        actions.identity_update(identity=found, actor=request.user, fields=fields)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        done = {
            "map": f"{found.value} is now {found.person}.",
            "unmap": f"{found.value} is no longer mapped to anyone.",
            "ignore": f"{found.value} is ignored: it never counts.",
            "unignore": f"{found.value} is no longer ignored.",
        }
        messages.success(request, done[action])
    return redirect(back)


@login_required
@workspace_view("admin")
def network_settings(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    current = selectors.network_settings_get(workspace=workspace)
    form = NetworkSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            actions.network_settings_update(workspace=workspace, actor=request.user, **values)
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    form.add_error(field if field in form.fields else None, problem)
        else:
            messages.success(request, "Network settings saved.")
            return redirect("network_settings", workspace.slug)
    return render(
        request,
        "network/import_settings.html",
        {"form": form, "slack_days": SLACK_ACTIVE_DAYS, "tab": "settings"},
        status=422 if form.errors else 200,
    )
