"""RACI pages of a partnership: the matrix (htmx cell editing), per-person load, deliverables,
export and previewed import. Mounted under /w/<ws>/partnerships/<partnership>/raci/."""

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.governance import raci_actions as actions
from accord.governance import raci_selectors as selectors
from accord.governance.models import Deliverable
from accord.governance.raci_forms import DeliverableForm, RaciImportForm
from accord.governance.raci_io import (
    CONTENT_TYPES,
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    ImportFileError,
    raci_csv,
    raci_export_rows,
    raci_file_read,
    raci_import_plan,
    raci_lines_dump,
    raci_lines_load,
    raci_xlsx,
)
from accord.governance.raci_selectors import EDIT_DENIED
from accord.org.actions import StaleVersion
from accord.org.models import Person
from accord.partnerships.models import Partnership
from accord.partnerships.selectors import partnership_get
from accord.web.forms import form_add_errors
from accord.workspaces.access import workspace_view
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _membership(request: HttpRequest) -> Membership:
    return request.membership  # type: ignore[attr-defined,no-any-return]


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    return partnership_get(membership=_membership(request), slug=slug)


def _edit_require(request: HttpRequest, partnership: Partnership) -> None:
    if not selectors.raci_can_edit(membership=_membership(request), partnership=partnership):
        raise PermissionDenied(EDIT_DENIED)


def _matrix_url(partnership: Partnership, query: str = "") -> str:
    url = reverse("raci_matrix", args=[partnership.workspace.slug, partnership.slug])
    return f"{url}?{query}" if query else url


def _filters(params: QueryDict) -> dict[str, str | None]:
    return {
        "person": _uuid_or_none(params.get("person")),
        "function": _uuid_or_none(params.get("function")),
    }


def cell_name(deliverable: Any, person: Any) -> str:
    return f"cell.{deliverable}.{person}"


# --- the matrix -----------------------------------------------------------------------------


def _matrix_context(
    request: HttpRequest, partnership: Partnership, filters: dict[str, str | None]
) -> dict[str, Any]:
    matrix = selectors.raci_matrix(partnership=partnership, **filters)
    return {
        "partnership": partnership,
        "matrix": matrix,
        "filters": filters,
        "can_edit": selectors.raci_can_edit(
            membership=_membership(request), partnership=partnership
        ),
        "tab": "matrix",
        "today": timezone.localdate(),
        "query": request.GET.urlencode(),
    }


@login_required
@workspace_view("viewer")
def raci_matrix(request: HttpRequest, partnership: str) -> HttpResponse:
    """Deliverables × people, each cell a letter; the rules' findings on the rows and below."""
    found = _partnership(request, partnership)
    context = _matrix_context(request, found, _filters(request.GET))
    template = "governance/raci_matrix.html#board" if _is_htmx(request) else None
    response = render(request, template or "governance/raci_matrix.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
@workspace_view("member")
def raci_cells_save(request: HttpRequest, partnership: str) -> HttpResponse:
    """Save the cells whose letter differs from the one shown (`was.*`): one cell from an
    htmx select, or the whole grid from the form's Save button without JavaScript."""
    found = _partnership(request, partnership)
    _edit_require(request, found)
    wanted: dict[tuple[str, str], tuple[str, str]] = {}
    for name in request.POST:
        value = str(request.POST.get(name, ""))
        if not name.startswith("cell."):
            continue
        parts = name.split(".")
        if len(parts) != 3 or not _uuid_or_none(parts[1]) or not _uuid_or_none(parts[2]):
            continue
        was = str(request.POST.get(f"was.{parts[1]}.{parts[2]}", ""))
        if value != was:
            wanted[(parts[1], parts[2])] = (value, was)
    deliverables = {
        str(d.uuid): d
        for d in Deliverable.objects.filter(
            workspace=found.workspace, partnership=found, uuid__in={d for d, _ in wanted}
        )
    }
    people = {
        str(p.uuid): p
        for p in Person.objects.filter(workspace=found.workspace, uuid__in={p for _, p in wanted})
    }
    errors, saved = [], []
    for (deliverable_id, person_id), (letter, was) in wanted.items():
        deliverable, person = deliverables.get(deliverable_id), people.get(person_id)
        if deliverable is None or person is None:
            errors.append("A deliverable or person in the form no longer exists; reload.")
            continue
        try:
            actions.raci_cell_set(
                deliverable=deliverable,
                actor=request.user,
                person=person,
                letter=letter or None,
                expected_letter=was or None,
            )
        except ValidationError as error:
            errors += error.messages
        else:
            saved.append(f"{person.name} is now {letter or 'off'} on {deliverable.name}")
    filters = _filters(request.GET)
    if _is_htmx(request):
        context = _matrix_context(request, found, filters)
        context["cell_errors"] = errors
        context["cell_saved"] = saved[-1] if len(saved) == 1 else ""
        return render(request, "governance/raci_matrix.html#board", context)
    for message in errors:
        messages.error(request, message)
    if saved:
        messages.success(request, f"Saved {len(saved)} role{'s' if len(saved) != 1 else ''}.")
    elif not errors:
        messages.info(request, "No roles changed.")
    query = QueryDict(mutable=True)
    query.update({k: v for k, v in filters.items() if v})
    return redirect(_matrix_url(found, query.urlencode()))


@login_required
@workspace_view("viewer")
def raci_load(request: HttpRequest, partnership: str) -> HttpResponse:
    """How many active deliverables each person is A or R on, with the cap and the spread."""
    found = _partnership(request, partnership)
    matrix = selectors.raci_matrix(partnership=found)
    columns = sorted(
        matrix.all_columns, key=lambda c: (-(c.load.count if c.load else 0), c.person.name)
    )
    top = max((c.load.count for c in columns if c.load), default=0)
    return render(
        request,
        "governance/raci_load.html",
        {
            "partnership": found,
            "matrix": matrix,
            "columns": columns,
            "top": top or 1,
            "tab": "load",
            "can_edit": selectors.raci_can_edit(membership=_membership(request), partnership=found),
        },
    )


# --- deliverables ---------------------------------------------------------------------------


@login_required
@workspace_view("member")
def raci_deliverable_create(request: HttpRequest, partnership: str) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    form = DeliverableForm(request.POST or None, partnership=found)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.deliverable_create(
                partnership=found, actor=request.user, **form.deliverable_fields()
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Added {created.name}. Give it an A and an R.")
            return redirect(_matrix_url(found) + f"#row-{created.uuid}")
    return render(
        request,
        "governance/raci_deliverable_form.html",
        {"form": form, "partnership": found, "tab": "matrix"},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("viewer")
def raci_deliverable_edit(request: HttpRequest, partnership: str, deliverable: str) -> HttpResponse:
    """A deliverable's settings and history; a GET is open to every reader."""
    found = _partnership(request, partnership)
    row = selectors.deliverable_get(partnership=found, uuid=deliverable)
    can_edit = selectors.raci_can_edit(membership=_membership(request), partnership=found)
    context: dict[str, Any] = {
        "partnership": found,
        "deliverable": row,
        "can_edit": can_edit,
        "tab": "matrix",
        "history": list(audit_list(workspace=found.workspace, instance=row, limit=50)),
    }
    if request.method != "POST":
        context["form"] = DeliverableForm(
            initial=DeliverableForm.initial_for(row), partnership=found
        )
        return render(request, "governance/raci_deliverable_form.html", context)
    if not _membership(request).can_edit or not can_edit:
        raise PermissionDenied(EDIT_DENIED)
    form = DeliverableForm(request.POST, partnership=found)
    status = 200
    if form.is_valid():
        try:
            actions.deliverable_update(
                deliverable=row,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                **form.deliverable_fields(),
            )
        except StaleVersion:
            fresh = selectors.deliverable_get(partnership=found, uuid=deliverable)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = DeliverableForm(data, partnership=found)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved {fresh.name} while you were editing. Your changes are "
                "below and not saved yet; save again to keep them.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved {row.name}.")
            return redirect(_matrix_url(found) + f"#row-{row.uuid}")
    context["form"] = form
    if form.errors and status == 200:
        status = 422
    return render(request, "governance/raci_deliverable_form.html", context, status=status)


@login_required
@require_POST
@workspace_view("member")
def raci_deliverable_delete(
    request: HttpRequest, partnership: str, deliverable: str
) -> HttpResponse:
    found = _partnership(request, partnership)
    _edit_require(request, found)
    row = selectors.deliverable_get(partnership=found, uuid=deliverable)
    name = row.name
    actions.deliverable_delete(deliverable=row, actor=request.user)
    messages.success(request, f"Deleted {name} and its row of roles.")
    return redirect(_matrix_url(found))


# --- export and import ----------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def raci_export(request: HttpRequest, partnership: str, fmt: str) -> HttpResponse:
    """The matrix as one row per cell: deliverable, person_email, letter."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Export as csv or xlsx.")
    found = _partnership(request, partnership)
    rows = raci_export_rows(partnership=found)
    content = raci_csv(rows) if fmt == "csv" else raci_xlsx(rows, title=found.name)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{found.slug}-raci-{stamp}.{fmt}"'
    return response


def _preview(
    request: HttpRequest,
    partnership: Partnership,
    lines_text: str,
    *,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    lines = raci_lines_load(lines_text)
    plan = raci_import_plan(partnership=partnership, lines=lines)
    counts = {s: plan.count(s) for s in (CREATE, UPDATE, UNCHANGED, REJECTED)}
    return render(
        request,
        "governance/raci_import.html",
        {
            "partnership": partnership,
            "plan": plan,
            "counts": counts,
            "lines": lines_text,
            "tab": "import",
            **extra,
        },
        status=status,
    )


@login_required
@workspace_view("member")
def raci_import(request: HttpRequest, partnership: str) -> HttpResponse:
    """Step 1: upload; step 2 (the same page): the preview of what each row would do."""
    found = _partnership(request, partnership)
    _edit_require(request, found)
    form = RaciImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            lines = raci_file_read(upload.read(), upload.name or "")
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            return _preview(request, found, raci_lines_dump(lines), filename=upload.name)
    return render(
        request,
        "governance/raci_import.html",
        {"partnership": found, "form": form, "tab": "import"},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
@workspace_view("member")
def raci_import_apply(request: HttpRequest, partnership: str) -> HttpResponse:
    """Write the previewed rows: all of them, or only the valid ones when the user chose so.
    The rows are checked again: the matrix may have changed since the preview."""
    found = _partnership(request, partnership)
    _edit_require(request, found)
    lines_text = request.POST.get("lines", "")
    try:
        plan = raci_import_plan(partnership=found, lines=raci_lines_load(lines_text))
    except ImportFileError as error:
        messages.error(request, error.message)
        return redirect("raci_import", found.workspace.slug, found.slug)
    valid_only = request.POST.get("valid_only") == "on"
    if plan.rejected and not valid_only:
        return _preview(
            request,
            found,
            lines_text,
            status=422,
            apply_error=f"Nothing was imported: {plan.rejected} row"
            f"{'s are' if plan.rejected != 1 else ' is'} rejected. Fix the file and upload it "
            "again, or tick “Import only the valid rows”.",
        )
    written = actions.raci_cells_import(partnership=found, actor=request.user, changes=plan.changes)
    skipped = (
        f" Skipped {plan.rejected} rejected row{'s' if plan.rejected != 1 else ''}."
        if (plan.rejected)
        else ""
    )
    messages.success(request, f"Imported {written} role{'s' if written != 1 else ''}.{skipped}")
    return redirect(_matrix_url(found))
