"""Directory pages: people, functions, the org chart, and the people import wizard."""

import uuid
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.org import actions, selectors
from accord.org.exporting import CONTENT_TYPES, people_csv, people_xlsx, template_csv
from accord.org.forms import FunctionForm, ImportApplyForm, ImportUploadForm, PersonForm
from accord.org.importing import (
    ACTIONS,
    REJECT,
    ImportFileError,
    megabytes,
    read_people_file,
    seniority_label,
    skills_text,
    template_rows,
    timezone_names,
)
from accord.org.models import Function, ImportBatch, Person, Seniority
from accord.web.forms import form_add_errors
from accord.web.options import options_html
from accord.workspaces.access import object_get, workspace_view
from accord.workspaces.selectors import audit_list

PAGE_SIZE = 50
PREVIEW_PAGE_SIZE = 100
PERSON_COLUMNS = [
    ("name", "Name"),
    ("title", "Title"),
    ("function", "Function"),
    ("seniority", "Seniority"),
    ("manager", "Manager"),
]


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _uuid_or_none(value: str | None) -> str | None:
    try:
        return str(uuid.UUID(value)) if value else None
    except ValueError:
        return None


def _query(params: QueryDict, **changes: Any) -> str:
    """The current query string with some parameters replaced (None removes them)."""
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    return query.urlencode()


# --- people ---------------------------------------------------------------------------------


def _person_filters(params: QueryDict) -> dict[str, Any]:
    function = params.get("function", "")
    seniority = params.get("seniority", "")
    sort = params.get("sort", "name")
    return {
        "search": params.get("q", "").strip()[:100],
        "function": "none" if function == "none" else _uuid_or_none(function),
        "seniority": int(seniority)
        if seniority.isdigit() and int(seniority) in Seniority.values
        else None,
        "manager": _uuid_or_none(params.get("manager")),
        "sort": sort if sort in selectors.PERSON_SORTS else "name",
    }


def _sort_headers(params: QueryDict, current: str) -> list[dict[str, str]]:
    headers = []
    for key, label in PERSON_COLUMNS:
        if current == key:
            state, target, arrow = "ascending", f"-{key}", "↑"
        elif current == f"-{key}":
            state, target, arrow = "descending", key, "↓"
        else:
            state, target, arrow = "", key, ""
        headers.append(
            {
                "label": label,
                "aria_sort": state,
                "arrow": arrow,
                "query": _query(params, sort=target, page=None),
            }
        )
    return headers


@login_required
@workspace_view("viewer")
def person_list(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    filters = _person_filters(request.GET)
    people = selectors.person_list(workspace=workspace, **filters)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(filters[name] for name in ("search", "function", "seniority", "manager"))
    context: dict[str, Any] = {
        "page_obj": page,
        "people": list(page.object_list),
        "filters": filters,
        "filtered": filtered,
        "directory_empty": not filtered and page.paginator.count == 0,
        "headers": _sort_headers(request.GET, filters["sort"]),
        "query_without_page": (_query(request.GET, page=None) + "&").lstrip("&"),
        "export_query": _query(request.GET, page=None, sort=filters["sort"]),
        "tab": "people",
    }
    if _is_htmx(request):
        template = "org/person_list.html#results"
    else:
        template = "org/person_list.html"
        context["functions"] = list(
            Function.objects.filter(workspace=workspace).only("uuid", "name").order_by("name")
        )
        context["manager_options"] = options_html(
            selectors.person_managers(workspace=workspace).values_list("uuid", "name"),
            str(filters["manager"]) if filters["manager"] else None,
        )
        context["seniorities"] = Seniority.choices
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def person_detail(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    found = object_get(
        selectors.person_detail(workspace=workspace, uuid=person), workspace=workspace, uuid=person
    )
    return render(
        request,
        "org/person_detail.html",
        {
            "person": found,
            "reports": list(found.reports.all()),
            "skills": list(found.person_skills.all()),
            "chain": selectors.person_chain(workspace=workspace, person=found),
            "history": list(audit_list(workspace=workspace, instance=found, limit=50)),
            "tab": "people",
        },
    )


def _person_form_context(form: PersonForm, **extra: Any) -> dict[str, Any]:
    return {"form": form, "timezones": timezone_names(), "tab": "people", **extra}


@login_required
@workspace_view("admin")
def person_create(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    initial = {
        "function": _uuid_or_none(request.GET.get("function")),
        "manager": _uuid_or_none(request.GET.get("manager")),
    }
    form = PersonForm(request.POST or None, workspace=workspace, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.person_create(
                workspace=workspace,
                actor=request.user,
                skills=form.cleaned_data["skills"],
                **form.person_fields(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"{created.name} was added to the directory.")
            return redirect("person_detail", workspace.slug, created.uuid)
    return render(
        request,
        "org/person_form.html",
        _person_form_context(form),
        status=422 if form.errors else 200,
    )


def _person_values(person: Person) -> dict[str, str]:
    return {
        "name": person.name,
        "email": person.email,
        "title": person.title,
        "seniority": seniority_label(person.seniority),
        "function": person.function.name if person.function else "",
        "manager": person.manager.name if person.manager else "",
        "location": person.location,
        "timezone": person.timezone,
        "skills": skills_text({ps.skill.name: ps.proficiency for ps in person.person_skills.all()}),
    }


def _submitted_values(data: dict[str, Any]) -> dict[str, str]:
    return {
        "name": data["name"],
        "email": data["email"].lower(),
        "title": data["title"],
        "seniority": seniority_label(data["seniority"]),
        "function": data["function"].name if data["function"] else "",
        "manager": data["manager"].name if data["manager"] else "",
        "location": data["location"],
        "timezone": data["timezone"],
        "skills": skills_text(data["skills"]),
    }


@login_required
@workspace_view("admin")
def person_edit(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    queryset = selectors.person_detail(workspace=workspace, uuid=person)
    found = object_get(queryset, workspace=workspace, uuid=person)
    if request.method != "POST":
        form = PersonForm(initial=PersonForm.initial_for(found), workspace=workspace, person=found)
        return render(request, "org/person_form.html", _person_form_context(form, person=found))

    form = PersonForm(request.POST, workspace=workspace, person=found)
    conflicts: list[tuple[str, str, str]] = []
    status = 200
    if form.is_valid():
        try:
            actions.person_update(
                person=found,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                skills=form.cleaned_data["skills"],
                **form.person_fields(),
            )
        except actions.StaleVersion:
            # Keep the user's input; show what is saved now; a second save overwrites it.
            fresh = object_get(queryset, workspace=workspace, uuid=person)
            theirs = _person_values(fresh)
            yours = _submitted_values(form.cleaned_data)
            conflicts = [
                (str(form.fields[name].label or name.title()), theirs[name], yours[name])
                for name in theirs
                if theirs[name] != yours[name]
            ]
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = PersonForm(data, workspace=workspace, person=fresh)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved {fresh.name} while you were editing. Your changes are "
                "not saved yet: compare them with the saved version above, then save again "
                "to keep yours, or cancel to keep theirs.",
            )
            found = fresh
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved changes to {found.name}.")
            return redirect("person_detail", workspace.slug, found.uuid)
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "org/person_form.html",
        _person_form_context(form, person=found, conflicts=conflicts),
        status=status,
    )


@login_required
@require_POST
@workspace_view("admin")
def person_delete(request: HttpRequest, person: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    found = object_get(Person, workspace=workspace, uuid=person)
    name = found.name
    try:
        actions.person_delete(person=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("person_detail", workspace.slug, found.uuid)
    messages.success(request, f"{name} was removed from the directory.")
    return redirect("person_list", workspace.slug)


@login_required
@workspace_view("viewer")
def person_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Download the people (as filtered on the list) in the importer's columns."""
    if fmt not in CONTENT_TYPES:
        raise Http404("Export as csv or xlsx.")
    workspace = request.workspace  # type: ignore[attr-defined]
    people = selectors.person_list(workspace=workspace, **_person_filters(request.GET))
    rows = selectors.person_export_rows(workspace=workspace, people=people)
    content = people_csv(rows) if fmt == "csv" else people_xlsx(rows)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{workspace.slug}-people-{stamp}.{fmt}"'
    )
    return response


# --- functions ------------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def function_list(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    search = request.GET.get("q", "").strip()[:100]
    functions = list(selectors.function_list(workspace=workspace, search=search))
    return render(
        request,
        "org/function_list.html",
        {"functions": functions, "search": search, "tab": "functions"},
    )


@login_required
@workspace_view("viewer")
def function_detail(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    found = object_get(
        selectors.function_detail(workspace=workspace), workspace=workspace, uuid=function
    )
    people = selectors.function_people(workspace=workspace, function=found)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "org/function_detail.html",
        {
            "function": found,
            "page_obj": page,
            "people": list(page.object_list),
            "query_without_page": "",
            "history": list(audit_list(workspace=workspace, instance=found, limit=50)),
        },
    )


@login_required
@workspace_view("admin")
def function_create(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    form = FunctionForm(request.POST or None, workspace=workspace)
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.function_create(
                workspace=workspace,
                actor=request.user,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                lead=form.cleaned_data["lead"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Added the {created.name} function.")
            return redirect("function_detail", workspace.slug, created.uuid)
    return render(
        request, "org/function_form.html", {"form": form}, status=422 if form.errors else 200
    )


@login_required
@workspace_view("admin")
def function_edit(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    queryset = Function.objects.select_related("lead", "workspace")
    found = object_get(queryset, workspace=workspace, uuid=function)
    if request.method != "POST":
        form = FunctionForm(initial=FunctionForm.initial_for(found), workspace=workspace)
        return render(request, "org/function_form.html", {"form": form, "function": found})
    form = FunctionForm(request.POST, workspace=workspace)
    status = 200
    if form.is_valid():
        try:
            actions.function_update(
                function=found,
                actor=request.user,
                expected_version=form.cleaned_data["expected_version"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                lead=form.cleaned_data["lead"],
            )
        except actions.StaleVersion:
            fresh = object_get(queryset, workspace=workspace, uuid=function)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = FunctionForm(data, workspace=workspace)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved {fresh.name} while you were editing. Saved now: name "
                f"“{fresh.name}”, lead {fresh.lead.name if fresh.lead else 'none'}. Your "
                "changes are below; save again to keep them.",
            )
            found = fresh
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, f"Saved changes to {found.name}.")
            return redirect("function_detail", workspace.slug, found.uuid)
    if form.errors and status == 200:
        status = 422
    return render(
        request, "org/function_form.html", {"form": form, "function": found}, status=status
    )


@login_required
@require_POST
@workspace_view("admin")
def function_delete(request: HttpRequest, function: uuid.UUID) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    found = object_get(Function, workspace=workspace, uuid=function)
    name = found.name
    try:
        actions.function_delete(function=found, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("function_detail", workspace.slug, found.uuid)
    messages.success(request, f"Deleted the {name} function; its people now have no function.")
    return redirect("function_list", workspace.slug)


# --- org chart ------------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def org_chart(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace  # type: ignore[attr-defined]
    function = _uuid_or_none(request.GET.get("function"))
    focus = _uuid_or_none(request.GET.get("focus"))
    expand_all = request.GET.get("expand") == "all"
    roots = selectors.org_tree(workspace=workspace, function=function)
    lines = selectors.org_chart_lines(roots, expand_depth=10**6 if expand_all else 2, focus=focus)
    functions = list(
        Function.objects.filter(workspace=workspace).only("uuid", "name").order_by("name")
    )
    focus_person = lines[0].person if focus and lines else None
    return render(
        request,
        "org/org_chart.html",
        {
            "lines": lines,
            "people_count": sum(1 for _line in lines),
            "roots": sum(1 for line in lines if line.depth == 0),
            "functions": functions,
            "function": function,
            "focus_person": focus_person,
            "expand_all": expand_all,
            "expand_query": _query(request.GET, expand=None if expand_all else "all"),
            "unfocus_query": _query(request.GET, focus=None),
            "tab": "chart",
        },
    )


# --- import ---------------------------------------------------------------------------------


def _async_threshold() -> int:
    return settings.ACCORD_IMPORT_ASYNC_ROWS


def _columns_help() -> list[dict[str, str]]:
    """What each column means, for the upload page (synonyms as people would type them)."""
    rows = [
        ("name", "Required. The person's full name.", "Full name, Employee"),
        (
            "email",
            "Required. The key: a row updates the person with this email (any case), or adds them.",
            "E-mail, Email address, Work email",
        ),
        ("title", "Job title.", "Job title, Position, Role"),
        (
            "seniority",
            "1–5, a code (ic, senior_ic, manager, director, executive) or a label such as "
            "Manager. Empty keeps the current level.",
            "Level, Grade, Band",
        ),
        (
            "function",
            "Name of an existing function, e.g. Sales. Unknown names are rejected unless you "
            "choose to create them.",
            "Department, Team",
        ),
        (
            "manager_email",
            "Email of their manager, who must be in the workspace or in the file.",
            "Manager, Manager email, Reports to",
        ),
        ("location", "City or office.", "Office, City, Site"),
        ("timezone", "IANA name, e.g. Europe/Paris.", "Time zone, TZ"),
        ("skills", "Skill:level pairs separated by semicolons, e.g. Python:4; SQL:3.", "Skill"),
    ]
    return [{"name": name, "note": note, "synonyms": synonyms} for name, note, synonyms in rows]


def _import_limits() -> dict[str, Any]:
    return {
        "max_mb": megabytes(settings.ACCORD_IMPORT_MAX_BYTES),
        "max_rows": settings.ACCORD_IMPORT_MAX_ROWS,
    }


@login_required
@workspace_view("admin")
def person_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload a CSV or XLSX file; it is checked and kept for the preview."""
    workspace = request.workspace  # type: ignore[attr-defined]
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.ACCORD_IMPORT_MAX_BYTES
        try:
            if upload.size > limit:
                # Answer before reading a file that is too big into memory.
                raise ImportFileError(
                    f"The file is {megabytes(upload.size)} MB; the limit is "
                    f"{megabytes(limit)} MB. Split it into smaller files and import them one "
                    "after the other."
                )
            parsed = read_people_file(
                upload.read(),
                upload.name or "",
                max_bytes=limit,
                max_rows=settings.ACCORD_IMPORT_MAX_ROWS,
            )
        except ImportFileError as error:
            form.add_error("file", error.message)
        else:
            batch = actions.import_batch_create(
                workspace=workspace,
                actor=request.user,
                filename=upload.name or "upload",
                parsed=parsed,
                create_missing_functions=form.cleaned_data["create_missing_functions"],
            )
            return redirect("person_import_preview", workspace.slug, batch.uuid)
    return render(
        request,
        "org/import_upload.html",
        {"form": form, "columns": _columns_help(), "tab": "import", **_import_limits()},
        status=422 if form.errors else 200,
    )


@login_required
@workspace_view("admin")
def person_import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_csv(template_rows()), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = 'attachment; filename="accord-people-template.csv"'
    return response


def _batch_get(request: HttpRequest, batch: uuid.UUID, *, with_rows: bool) -> ImportBatch:
    workspace = request.workspace  # type: ignore[attr-defined]
    queryset = ImportBatch.objects.select_related("workspace")
    if not with_rows:
        queryset = queryset.defer("rows")
    found = object_get(queryset, workspace=workspace, uuid=batch, created_by=request.user)
    if found.expires_at <= timezone.now() and not found.is_finished:
        raise Http404("This upload has expired; upload the file again.")
    return found


@login_required
@workspace_view("admin")
def person_import_preview(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    """Step 2: what importing the file would do, row by row, before anything is written."""
    workspace = request.workspace  # type: ignore[attr-defined]
    found = _batch_get(request, batch, with_rows=True)
    if found.status not in {ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED}:
        return redirect("person_import_status", workspace.slug, found.uuid)
    if request.method == "POST":
        actions.import_batch_options(
            batch=found,
            create_missing_functions=request.POST.get("create_missing_functions") == "1",
        )
        return redirect("person_import_preview", workspace.slug, found.uuid)

    plan, _context = selectors.person_import_plan(batch=found)
    counts = plan.counts
    show = request.GET.get("show", "")
    if show == "all":
        show = ""
    elif show not in ACTIONS:
        # Rejected rows first: they are what the user has to act on.
        show = REJECT if counts[REJECT] else ""
    rows = [row for row in plan.rows if not show or row.action == show]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [
        {"key": "", "label": "All rows", "count": len(plan.rows)},
        {"key": "reject", "label": "Rejected", "count": counts["reject"]},
        {"key": "create", "label": "New", "count": counts["create"]},
        {"key": "update", "label": "Updated", "count": counts["update"]},
        {"key": "unchanged", "label": "Unchanged", "count": counts["unchanged"]},
    ]
    for tab in tabs:
        tab["query"] = urlencode({"show": tab["key"] or "all"})
    return render(
        request,
        "org/import_preview.html",
        {
            "batch": found,
            "plan": plan,
            "counts": counts,
            "writes": plan.writes,
            "rows": list(page.object_list),
            "page_obj": page,
            "query_without_page": urlencode({"show": show or "all"}) + "&",
            "show": show,
            "tabs": tabs,
            "apply_form": ImportApplyForm(initial={"digest": plan.digest}),
            "runs_in_background": found.row_count > _async_threshold(),
            "tab": "import",
        },
    )


@login_required
@require_POST
@workspace_view("admin")
def person_import_apply(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    """Step 3: write the checked rows (inline, or through the worker for large files)."""
    workspace = request.workspace  # type: ignore[attr-defined]
    found = _batch_get(request, batch, with_rows=True)
    form = ImportApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what to import from the preview.")
        return redirect("person_import_preview", workspace.slug, found.uuid)
    valid_only = form.cleaned_data["mode"] == "valid_only"
    digest = form.cleaned_data["digest"]
    try:
        if found.row_count > _async_threshold():
            actions.person_import_queue(
                batch=found, actor=request.user, valid_only=valid_only, expected_digest=digest
            )
        else:
            actions.person_import_apply(
                batch=found, actor=request.user, valid_only=valid_only, expected_digest=digest
            )
    except actions.ImportChanged as error:
        messages.warning(request, str(error))
        return redirect("person_import_preview", workspace.slug, found.uuid)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        if found.status in {ImportBatch.Status.PREVIEW, ImportBatch.Status.FAILED}:
            return redirect("person_import_preview", workspace.slug, found.uuid)
    return redirect("person_import_status", workspace.slug, found.uuid)


@login_required
@workspace_view("admin")
def person_import_status(request: HttpRequest, batch: uuid.UUID) -> HttpResponse:
    """Progress of a queued import (polled by htmx) and, once done, its result."""
    found = _batch_get(request, batch, with_rows=False)
    elapsed = None
    if found.started_at:
        elapsed = int(((found.finished_at or timezone.now()) - found.started_at).total_seconds())
    context = {
        "batch": found,
        "elapsed": elapsed,
        "polling": found.status in {ImportBatch.Status.QUEUED, ImportBatch.Status.APPLYING},
        "status_url": reverse(
            "person_import_status",
            args=[request.workspace.slug, found.uuid],  # type: ignore[attr-defined]
        ),
        "tab": "import",
    }
    template = "org/import_status.html#progress" if _is_htmx(request) else "org/import_status.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
