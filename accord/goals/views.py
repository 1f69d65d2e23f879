"""Goal and KPI pages: lists, goal pages with check-ins and charts, alignment, KPIs, roll-up."""

import json
import uuid
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from accord.goals import actions, permissions, selectors
from accord.goals.catalog import catalog_match, catalog_metrics
from accord.goals.forms import (
    CheckInForm,
    GoalForm,
    KpiForm,
    MeasurementApplyForm,
    MeasurementForm,
    MeasurementImportForm,
)
from accord.goals.importing import TEMPLATE, measurements_decode, measurements_parse
from accord.goals.models import CheckIn, Direction, Goal, Kpi
from accord.goals.rows import MeasurementRow
from accord.partnerships.selectors import partnership_can_contribute, partnership_can_manage
from accord.web.edit_conflicts import conflict_rows
from accord.web.forms import form_add_errors
from accord.web.options import options_html
from accord.workspaces.access import workspace_view
from accord.workspaces.models import AuditEntry

PAGE_SIZE = 50


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
    query = params.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value not in (None, ""):
            query[name] = value
    return query.urlencode()


def _today() -> date:
    return timezone.localdate()


# --- goal list ------------------------------------------------------------------------------


def _goal_filters(params: QueryDict, *, mine: bool = False) -> selectors.GoalFilters:
    status = params.get("status", "")
    health = params.get("health", "")
    kind = params.get("kind", "")
    return selectors.GoalFilters(
        owner=_uuid_or_none(params.get("owner")),
        function=_uuid_or_none(params.get("function")),
        partnership=_uuid_or_none(params.get("partnership")),
        status=status if status in Goal.Status.values else None,
        health=health if health in selectors.HEALTH_LABELS else None,
        at_risk=params.get("at_risk") in {"1", "on", "true"},
        kind=kind if kind in Goal.Kind.values else None,
        q=params.get("q", "").strip()[:100],
        mine=mine,
    )


def _options(choices: list[dict[str, Any]], selected: str | None) -> str:
    return options_html(((c["uuid"], c["name"]) for c in choices), selected)


def _goal_list_page(request: HttpRequest, *, mine: bool) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    filters = _goal_filters(request.GET, mine=mine)
    rows = selectors.goal_row_pages(membership=membership, filters=filters, today=_today())
    # GoalRowPages has the count() and slicing Paginator uses, not the full Sequence protocol.
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    context: dict[str, Any] = {
        "page_obj": page,
        "rows": list(page.object_list),
        "filters": filters,
        "filtered": filters.active,
        "mine": mine,
        "query_without_page": (_query(request.GET, page=None) + "&").lstrip("&"),
        "health_labels": selectors.HEALTH_LABELS,
        "can_create": membership.can_edit,
        "tab": "mine" if mine else "all",
    }
    if _is_htmx(request):
        template = "goals/goal_list.html#results"
    else:
        template = "goals/goal_list.html"
        choices = selectors.goal_filter_choices(membership=membership)
        context.update(choices)
        context["owner_options"] = _options(choices["owners"], filters.owner)
        context["function_options"] = _options(choices["functions"], filters.function)
        context["partnership_options"] = _options(choices["partnerships"], filters.partnership)
        context["statuses"] = Goal.Status.choices
        context["kinds"] = Goal.Kind.choices
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@workspace_view("viewer")
def goal_list(request: HttpRequest) -> HttpResponse:
    return _goal_list_page(request, mine=False)


@login_required
@workspace_view("viewer")
def my_goals(request: HttpRequest) -> HttpResponse:
    return _goal_list_page(request, mine=True)


# --- goal page ------------------------------------------------------------------------------


def _goal_history(goal: Goal, checkins: list[CheckIn]) -> list[AuditEntry]:
    """Changes to the goal and to its check-ins, newest first."""
    return list(
        AuditEntry.objects.filter(workspace=goal.workspace)
        .filter(
            Q(object_type="goals.goal", object_uuid=goal.uuid)
            | Q(object_type="goals.checkin", object_uuid__in=[c.uuid for c in checkins])
        )
        .order_by("-at", "-id")[:100]
    )


def goal_chart(
    goal: Goal, summary: selectors.GoalSummary, checkins: list[CheckIn]
) -> dict[str, Any]:
    """What the progress chart draws; the same numbers are in the table next to it."""
    actuals = sorted((c.date.isoformat(), c.value) for c in checkins)
    expected: list[list[Any]] = []
    if (
        goal.direction in (Direction.INCREASE, Direction.DECREASE)
        and goal.start_date
        and goal.due_date
        and goal.baseline is not None
        and goal.target is not None
    ):
        expected = [
            [goal.start_date.isoformat(), goal.baseline],
            [goal.due_date.isoformat(), goal.target],
        ]
    forecast = None
    projected = summary.forecast
    if projected is not None and projected.value is not None and actuals:
        last_date, last_value = actuals[-1]
        forecast = {
            "from": [last_date, last_value],
            "to": [projected.due.isoformat(), projected.value],
            "low": projected.low,
            "high": projected.high,
            "level": projected.level,
        }
    return {
        "title": goal.title,
        "unit": goal.unit,
        "actuals": [[when, value] for when, value in actuals],
        "target": goal.target
        if goal.direction in (Direction.INCREASE, Direction.DECREASE, Direction.MAINTAIN)
        else None,
        "band": [goal.target_low, goal.target_high]
        if goal.target_low is not None and goal.target_high is not None
        else None,
        "expected": expected,
        "forecast": forecast,
        "start": goal.start_date.isoformat() if goal.start_date else None,
        "due": goal.due_date.isoformat() if goal.due_date else None,
    }


def _goal_page_context(
    request: HttpRequest, goal: Goal, *, form: CheckInForm | None = None
) -> dict[str, Any]:
    membership = request.membership  # type: ignore[attr-defined]
    today = _today()
    bands = selectors.status_bands(membership.workspace)
    checkins = list(selectors.checkin_list(goal=goal))
    summary = selectors.goal_summary_compute(
        goal,
        [(c.date, c.value) for c in reversed(checkins)],
        today=today,
        forecast=True,
        bands=bands,
    )
    if goal.kind == Goal.Kind.OBJECTIVE:
        summary = selectors.goal_summaries([goal], today=today, bands=bands)[goal.pk]
    key_results = list(goal.key_results.all())
    kr_summaries = (
        selectors.goal_summaries(key_results, today=today, bands=bands) if key_results else {}
    )
    can_edit = permissions.goal_can_edit(membership=membership, goal=goal)
    return {
        "goal": goal,
        "summary": summary,
        "checkins": checkins,
        "checkins_ascending": list(reversed(checkins)),
        "key_results": [selectors.GoalRow(kr, kr_summaries[kr.pk]) for kr in key_results],
        "chart": goal_chart(goal, summary, checkins),
        "can_edit": can_edit,
        "can_checkin": goal.kind != Goal.Kind.OBJECTIVE
        and permissions.goal_can_checkin(membership=membership, goal=goal),
        "checkin_form": form or CheckInForm(),
        "user_id": request.user.pk,
        "history": _goal_history(goal, checkins),
    }


@login_required
@workspace_view("viewer")
def goal_detail(request: HttpRequest, goal: uuid.UUID) -> HttpResponse:
    found = selectors.goal_get(membership=request.membership, uuid=goal)  # type: ignore[attr-defined]
    return render(request, "goals/goal_detail.html", _goal_page_context(request, found))


@login_required
@require_POST
@workspace_view("member")
def checkin_create(request: HttpRequest, goal: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.goal_get(membership=membership, uuid=goal)
    form = CheckInForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            actions.checkin_create(
                membership=membership,
                goal=found,
                value=form.cleaned_data["value"],
                date=form.cleaned_data["date"],
                confidence=form.cleaned_data["confidence"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            if not _is_htmx(request):
                messages.success(request, "Check-in saved.")
                return redirect("goal_detail", membership.workspace.slug, found.uuid)
            form = CheckInForm()
    if form.errors:
        status = 422
    context = _goal_page_context(request, found, form=form)
    if _is_htmx(request):
        # htmx drops <script> elements from swapped content (allowScriptTags is off), so the
        # swapped chart carries its data in an attribute. Errors answer 200: htmx swaps 2xx.
        context["chart_json"] = json.dumps(context["chart"])
        return render(request, "goals/goal_detail.html#checkins", context)
    return render(request, "goals/goal_detail.html", context, status=status)


@login_required
@workspace_view("member")
def checkin_edit(request: HttpRequest, goal: uuid.UUID, checkin: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found_goal = selectors.goal_get(membership=membership, uuid=goal)
    found = selectors.checkin_get(membership=membership, uuid=checkin)
    if found.goal_id != found_goal.pk:
        from django.http import Http404

        raise Http404("No such check-in.")
    if not permissions.checkin_can_edit(membership=membership, checkin=found):
        raise PermissionDenied("Only the author, the goal's owner and its managers can edit this.")
    if request.method != "POST":
        form = CheckInForm(initial=CheckInForm.initial_for(found))
        return render(
            request, "goals/checkin_form.html", {"form": form, "goal": found_goal, "checkin": found}
        )
    form = CheckInForm(request.POST)
    status = 200
    if form.is_valid():
        try:
            actions.checkin_update(
                membership=membership,
                checkin=found,
                expected_version=form.cleaned_data["expected_version"],
                value=form.cleaned_data["value"],
                date=form.cleaned_data["date"],
                confidence=form.cleaned_data["confidence"],
                note=form.cleaned_data["note"],
            )
        except actions.StaleVersion as stale:
            form.add_error(
                None,
                f"Someone else changed this check-in (now version {stale.current}). Reload "
                "the goal page to see it, then edit again.",
            )
            status = 409
        except ValidationError as error:
            form_add_errors(form, error)
        else:
            messages.success(request, "Check-in corrected; the history keeps the old values.")
            return redirect("goal_detail", membership.workspace.slug, found_goal.uuid)
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "goals/checkin_form.html",
        {"form": form, "goal": found_goal, "checkin": found},
        status=status,
    )


@login_required
@require_POST
@workspace_view("member")
def checkin_delete(request: HttpRequest, goal: uuid.UUID, checkin: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found_goal = selectors.goal_get(membership=membership, uuid=goal)
    found = selectors.checkin_get(membership=membership, uuid=checkin)
    if found.goal_id != found_goal.pk:
        from django.http import Http404

        raise Http404("No such check-in.")
    actions.checkin_delete(membership=membership, checkin=found)
    messages.success(request, "Check-in deleted; the history keeps a record.")
    return redirect("goal_detail", membership.workspace.slug, found_goal.uuid)


# --- goal form and SMART feedback -----------------------------------------------------------


def _form_context(request: HttpRequest, form: GoalForm, **extra: Any) -> dict[str, Any]:
    return {
        "form": form,
        "catalog": catalog_metrics(workspace=request.membership.workspace),  # type: ignore[attr-defined]
        "feedback": _feedback(request, form),
        **extra,
    }


SMART_LABELS = {
    "specific": "Specific",
    "measurable": "Measurable",
    "achievable": "Achievable",
    "relevant": "Relevant",
    "time_bound": "Time-bound",
    "owner": "One owner",
}


def _feedback(request: HttpRequest, form: GoalForm) -> dict[str, Any]:
    """SMART assessment of the title + description, with the in-app context of the form:
    linked = has an objective, supports a goal, or tracks one of its partnership's KPIs."""
    from accord.goals.smart import goal_context, smart_assess_text, smart_available

    if form.is_bound:
        form.is_valid()
        values: dict[str, Any] = {
            **{k: form.data.get(k, "") for k in ("title", "description")},
            **getattr(form, "cleaned_data", {}),
        }
        data: Any = form.data
        values["supports"] = values.get("supports") or data.getlist("supports")
    else:
        values = dict(form.initial)
    text = " ".join(
        str(values.get(name) or "").strip() for name in ("title", "description")
    ).strip()
    if not text:
        return {"empty": True}
    if not smart_available():
        return {"unavailable": True}
    membership = request.membership  # type: ignore[attr-defined]
    partnership = values.get("partnership")
    partnership_id = getattr(partnership, "uuid", partnership)
    metric = str(values.get("metric_key") or "").strip().lower()
    kpi_linked = False
    if partnership_id:
        kpi_keys = {
            key.lower()
            for key in selectors.kpi_visible(membership=membership)
            .filter(partnership__uuid=partnership_id)
            .values_list("metric_key", flat=True)
        }
        matched = catalog_match(text, workspace=membership.workspace)
        kpi_linked = metric in kpi_keys or (matched is not None and matched.key in kpi_keys)
    linked = bool(values.get("parent")) or bool(values.get("supports")) or kpi_linked

    def number(name: str) -> float | None:
        value = values.get(name)
        return value if isinstance(value, int | float) else None

    context = goal_context(
        linked=linked,
        owner_count=1 if values.get("owner") else 0,
        metric=metric or None,
        unit=values.get("unit") or None,
        baseline=number("baseline"),
        target=number("target"),
        direction=values.get("direction") or None,
        start=values.get("start_date") if isinstance(values.get("start_date"), date) else None,
        due=values.get("due_date") if isinstance(values.get("due_date"), date) else None,
    )
    assessment = smart_assess_text(text, today=_today(), context=context)
    criteria = [
        {
            "name": name,
            "label": SMART_LABELS.get(name, name.replace("_", " ").title()),
            "passed": criterion.passed,
            "evidence": list(criterion.evidence),
            "suggestions": [criterion.suggestion] if criterion.suggestion else [],
        }
        for name, criterion in assessment.criteria.items()
    ]
    return {
        "assessment": assessment,
        "criteria": criteria,
        "is_smart": assessment.is_smart,
        "linked": linked,
        "kpi_linked": kpi_linked,
    }


@login_required
@require_POST
@workspace_view("viewer")
def goal_feedback(request: HttpRequest) -> HttpResponse:
    """The live SMART panel: the form posts here while the user types (htmx, debounced)."""
    form = GoalForm(request.POST, membership=request.membership)  # type: ignore[attr-defined]
    return render(request, "goals/_smart_feedback.html", {"feedback": _feedback(request, form)})


@login_required
@workspace_view("member")
def goal_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    initial = {
        "partnership": _uuid_or_none(request.GET.get("partnership")),
        "function": _uuid_or_none(request.GET.get("function")),
        "parent": _uuid_or_none(request.GET.get("parent")),
        "kind": Goal.Kind.KEY_RESULT if request.GET.get("parent") else Goal.Kind.GOAL,
        "start_date": _today(),
    }
    form = GoalForm(request.POST or None, membership=membership, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        fields = form.goal_fields()
        try:
            created = actions.goal_create(membership=membership, **fields)
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(request, f"Goal “{created.title}” added.")
            return redirect("goal_detail", membership.workspace.slug, created.uuid)
    if form.errors and status == 200:
        status = 422
    return render(request, "goals/goal_form.html", _form_context(request, form), status=status)


@login_required
@workspace_view("member")
def goal_edit(request: HttpRequest, goal: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.goal_get(membership=membership, uuid=goal)
    if not permissions.goal_can_edit(membership=membership, goal=found):
        raise PermissionDenied("Only the goal's owner, its home's managers and admins can edit it.")
    if request.method != "POST":
        form = GoalForm(initial=GoalForm.initial_for(found), membership=membership, goal=found)
        return render(request, "goals/goal_form.html", _form_context(request, form, goal=found))
    form = GoalForm(request.POST, membership=membership, goal=found)
    status = 200
    conflict: list[Any] = []
    if form.is_valid():
        fields = form.goal_fields()
        try:
            actions.goal_update(
                membership=membership,
                goal=found,
                expected_version=form.cleaned_data["expected_version"],
                **fields,
            )
        except actions.StaleVersion:
            fresh = selectors.goal_get(membership=membership, uuid=goal)
            data = request.POST.copy()
            data["expected_version"] = str(fresh.version)
            form = GoalForm(data, membership=membership, goal=fresh)
            form.is_valid()
            form.add_error(
                None,
                f"Someone else saved this goal while you were editing (now version "
                f"{fresh.version}). Your changes are below and not saved yet; save again to "
                "keep them, or cancel to keep theirs.",
            )
            conflict = conflict_rows(form, GoalForm.initial_for(fresh))
            found = fresh
            status = 409
        except ValidationError as error:
            found = selectors.goal_get(membership=membership, uuid=goal)
            form_add_errors(form, error)
        else:
            messages.success(request, "Saved changes to the goal.")
            return redirect("goal_detail", membership.workspace.slug, found.uuid)
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "goals/goal_form.html",
        _form_context(request, form, goal=found, conflict=conflict),
        status=status,
    )


@login_required
@require_POST
@workspace_view("member")
def goal_delete(request: HttpRequest, goal: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.goal_get(membership=membership, uuid=goal)
    title = found.title
    actions.goal_delete(membership=membership, goal=found)
    messages.success(request, f"Goal “{title}” deleted.")
    return redirect("goal_list", membership.workspace.slug)


# --- alignment ------------------------------------------------------------------------------


@login_required
@workspace_view("viewer")
def goal_alignment(request: HttpRequest) -> HttpResponse:
    tree = selectors.alignment_tree(membership=request.membership, today=_today())  # type: ignore[attr-defined]
    return render(request, "goals/alignment.html", {"tree": tree, "tab": "alignment"})


# --- KPIs -----------------------------------------------------------------------------------


def _kpi_row(kpi: Kpi) -> dict[str, Any]:
    value = getattr(kpi, "latest_value", None)
    return {"kpi": kpi, "on_target": selectors.kpi_on_target(kpi, value), "value": value}


@login_required
@workspace_view("viewer")
def kpi_list(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    partnership = _uuid_or_none(request.GET.get("partnership"))
    kpis = selectors.kpi_list(membership=membership, partnership=partnership)
    return render(
        request,
        "goals/kpi_list.html",
        {
            "rows": [_kpi_row(k) for k in kpis],
            "partnerships": selectors.goal_filter_choices(membership=membership)["partnerships"],
            "partnership": partnership,
            "tab": "kpis",
        },
    )


@login_required
@workspace_view("member")
def kpi_create(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    initial = {"partnership": _uuid_or_none(request.GET.get("partnership"))}
    form = KpiForm(request.POST or None, membership=membership, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            created = actions.kpi_create(
                membership=membership,
                partnership=form.cleaned_data["partnership"],
                **form.kpi_fields(),
            )
        except ValidationError as error:
            form_add_errors(form, error)
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(request, f"Now tracking {created.name}.")
            return redirect("kpi_detail", membership.workspace.slug, created.uuid)
    if form.errors and status == 200:
        status = 422
    return render(
        request,
        "goals/kpi_form.html",
        {
            "form": form,
            "catalog": catalog_metrics(workspace=membership.workspace),
            "tab": "kpis",
        },
        status=status,
    )


def kpi_chart(kpi: Kpi, series: selectors.KpiSeries) -> dict[str, Any]:
    flagged = series.anomaly_by_index
    limits = series.limits
    return {
        "title": kpi.name,
        "unit": kpi.unit,
        "points": [[m.date.isoformat(), m.value] for m in series.points],
        "anomalies": [
            {
                "at": [series.points[index].date.isoformat(), series.points[index].value],
                "rules": [a.rule for a in found],
                "text": " ".join(a.explanation for a in found),
            }
            for index, found in sorted(flagged.items())
        ],
        "target": kpi.target,
        "band": [kpi.target_low, kpi.target_high]
        if kpi.target_low is not None and kpi.target_high is not None
        else None,
        "centre": getattr(limits, "centre", None),
        "upper": getattr(limits, "upper", None),
        "lower": getattr(limits, "lower", None),
    }


def _kpi_page(
    request: HttpRequest, kpi: Kpi, *, form: MeasurementForm | None = None, status: int = 200
) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    series = selectors.kpi_series(kpi=kpi)
    flagged = series.anomaly_by_index
    table = [
        {"m": m, "anomalies": flagged.get(index, [])}
        for index, m in reversed(list(enumerate(series.points)))
    ]
    return render(
        request,
        "goals/kpi_detail.html",
        {
            "kpi": kpi,
            "row": _kpi_row(kpi),
            "table": table,
            "anomaly_count": len(series.anomalies),
            "chart": kpi_chart(kpi, series),
            "form": form or MeasurementForm(),
            "can_measure": partnership_can_contribute(
                membership=membership, partnership=kpi.partnership
            ),
            "can_manage": partnership_can_manage(
                membership=membership, partnership=kpi.partnership
            ),
            "tab": "kpis",
        },
        status=status,
    )


@login_required
@workspace_view("viewer")
def kpi_detail(request: HttpRequest, kpi: uuid.UUID) -> HttpResponse:
    found = selectors.kpi_get(membership=request.membership, uuid=kpi)  # type: ignore[attr-defined]
    return _kpi_page(request, found)


@login_required
@require_POST
@workspace_view("member")
def measurement_add(request: HttpRequest, kpi: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.kpi_get(membership=membership, uuid=kpi)
    form = MeasurementForm(request.POST)
    if form.is_valid():
        try:
            result = actions.measurement_upsert_many(
                membership=membership,
                kpi=found,
                rows=[
                    MeasurementRow(
                        date=form.cleaned_data["date"],
                        value=form.cleaned_data["value"],
                        note=form.cleaned_data["note"],
                    )
                ],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request,
                "Measurement updated."
                if result["updated"]
                else "Measurement added."
                if result["created"]
                else "That value was already recorded.",
            )
            return redirect("kpi_detail", membership.workspace.slug, found.uuid)
    return _kpi_page(request, found, form=form, status=422)


@login_required
@require_POST
@workspace_view("member")
def kpi_delete(request: HttpRequest, kpi: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.kpi_get(membership=membership, uuid=kpi)
    name = found.name
    actions.kpi_delete(membership=membership, kpi=found)
    messages.success(request, f"Stopped tracking {name}.")
    return redirect("kpi_list", membership.workspace.slug)


@login_required
@workspace_view("member")
def kpi_import(request: HttpRequest, kpi: uuid.UUID) -> HttpResponse:
    """Upload a CSV of measurements; answer with a preview of what importing would do."""
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.kpi_get(membership=membership, uuid=kpi)
    if not partnership_can_contribute(membership=membership, partnership=found.partnership):
        raise PermissionDenied("Only the partnership's members can import measurements.")
    form = MeasurementImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {"kpi": found, "form": form, "template": TEMPLATE, "tab": "kpis"}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            text = measurements_decode(upload.read())
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            parsed = measurements_parse(text, today=_today())
            if parsed.file_error:
                form.add_error("file", parsed.file_error)
            else:
                context["preview"] = selectors.kpi_import_preview(kpi=found, parsed=parsed)
                context["apply_form"] = MeasurementApplyForm(initial={"text": text, "mode": "all"})
                context["filename"] = upload.name
                return render(request, "goals/kpi_import.html", context)
    return render(request, "goals/kpi_import.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
@workspace_view("member")
def kpi_import_apply(request: HttpRequest, kpi: uuid.UUID) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    found = selectors.kpi_get(membership=membership, uuid=kpi)
    form = MeasurementApplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The import form was incomplete; upload the file again.")
        return redirect("kpi_import", membership.workspace.slug, found.uuid)
    try:
        result = actions.kpi_import_apply(
            membership=membership,
            kpi=found,
            text=form.cleaned_data["text"],
            valid_only=form.cleaned_data["mode"] == "valid_only",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("kpi_import", membership.workspace.slug, found.uuid)
    messages.success(
        request,
        f"Imported: {result['created']} new, {result['updated']} updated, "
        f"{result['unchanged']} unchanged"
        + (f", {result['rejected']} rows skipped." if result["rejected"] else "."),
    )
    return redirect("kpi_detail", membership.workspace.slug, found.uuid)


@login_required
@workspace_view("viewer")
def kpi_import_template(request: HttpRequest, kpi: uuid.UUID) -> HttpResponse:
    found = selectors.kpi_get(membership=request.membership, uuid=kpi)  # type: ignore[attr-defined]
    response = HttpResponse(TEMPLATE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.metric_key}-measurements.csv"'
    return response


@login_required
@workspace_view("viewer")
def kpi_rollup(request: HttpRequest) -> HttpResponse:
    rollup = selectors.kpi_rollup(membership=request.membership)  # type: ignore[attr-defined]
    return render(request, "goals/kpi_rollup.html", {"rollup": rollup, "tab": "rollup"})
