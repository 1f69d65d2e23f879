"""Goals, check-ins, KPIs, measurements, alignment and SMART coaching over the API.

Reads need any role; writes need member or above plus the goal rules of
accord.goals.permissions (403 otherwise). Members-only partnerships' goals and KPIs are 404
for callers who cannot see the partnership.
"""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status

from accord.api.auth import membership_of, role_require
from accord.api.concurrency import etag_set, if_match_check, version_check
from accord.api.problems import Problem
from accord.api.schemas import AuditEntryOut, Page, PageParams, UUIDPath, paginate
from accord.goals import actions, selectors
from accord.goals.models import Goal, GoalSettings, Kpi, MetricDefinition, WorkspaceTension
from accord.goals.rows import MeasurementRow
from accord.goals.schemas import (
    AlignmentOut,
    CheckInCreate,
    CheckInOut,
    CheckInUpdate,
    GoalCreate,
    GoalFilters,
    GoalOut,
    GoalProgressOut,
    GoalSettingsIn,
    GoalSettingsOut,
    GoalUpdate,
    KpiCreate,
    KpiFilters,
    KpiOut,
    KpiUpdate,
    MeasurementBulk,
    MeasurementOut,
    MetricCreate,
    MetricFilters,
    MetricOut,
    MetricUpdate,
    RollupOut,
    SmartIn,
    TensionCreate,
    TensionOut,
    UpsertResult,
    progress_dict,
)
from accord.metrics.catalog import catalog_load
from accord.org.models import Function, Person
from accord.partnerships.selectors import partnership_visible_list
from accord.workspaces.access import object_get
from accord.workspaces.models import Membership
from accord.workspaces.selectors import audit_list

router = Router()


def _today() -> date:
    return timezone.localdate()


def _missing(field: str, noun: str, value: Any) -> ValidationError:
    return ValidationError({field: f"No {noun} with id {value} in this workspace."})


def _goal_references(membership: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    """Swap ids for records of this workspace (and of the caller's reach), every error at once."""
    workspace = membership.workspace
    resolved = dict(fields)
    errors: dict[str, list[str]] = {}

    def one(field: str, source: Any, noun: str) -> None:
        if field not in resolved or resolved[field] is None:
            return
        try:
            resolved[field] = object_get(source, workspace=workspace, uuid=resolved[field])
        except Http404:
            errors[field] = [str(_missing(field, noun, resolved[field]).message_dict[field][0])]

    def many(field: str, source: Any, noun: str) -> None:
        if field not in resolved or resolved[field] is None:
            return
        ids = [str(value) for value in resolved[field]]
        found = list(source.filter(workspace=workspace, uuid__in=ids))
        if len(found) != len(set(ids)):
            known = {str(item.uuid) for item in found}
            unknown = next(value for value in ids if value not in known)
            errors[field] = [f"No {noun} with id {unknown} in this workspace."]
        resolved[field] = found

    visible_goals = selectors.goal_visible(membership=membership)
    one("partnership", partnership_visible_list(membership=membership), "partnership")
    one("function", Function, "function")
    one("owner", Person, "person")
    one("parent", visible_goals, "goal")
    many("supports", visible_goals, "goal")
    many("contributing_functions", Function.objects.all(), "function")
    if errors:
        raise ValidationError(errors)
    return resolved


def _goal_get(membership: Membership, goal_id: Any) -> Goal:
    goal = selectors.goal_get(membership=membership, uuid=goal_id)
    bands = selectors.status_bands(membership.workspace)
    goal.summary = selectors.goal_summaries([goal], today=_today(), bands=bands)[goal.pk]  # type: ignore[attr-defined]
    return goal


def _page_of_list(request: HttpRequest, rows: list[Any], page: PageParams) -> dict[str, Any]:
    count = len(rows)
    query = request.GET.copy()

    def url(offset: int) -> str:
        query["offset"], query["limit"] = str(offset), str(page.limit)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "count": count,
        "next": url(page.offset + page.limit) if page.offset + page.limit < count else None,
        "previous": url(max(page.offset - page.limit, 0)) if page.offset > 0 else None,
        "results": rows[page.offset : page.offset + page.limit],
    }


# --- goals ----------------------------------------------------------------------------------


@router.get("/goals", response=Page[GoalOut], tags=["goals"])
def list_goals(
    request: HttpRequest, filters: Query[GoalFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """List the goals you can see, with today's progress and status.

    `health` and `at_risk` filter on the computed status; the others on stored fields.
    """
    membership = membership_of(request)
    rows = selectors.goal_row_pages(
        membership=membership,
        filters=selectors.GoalFilters(
            owner=str(filters.owner) if filters.owner else None,
            function=str(filters.function) if filters.function else None,
            partnership=str(filters.partnership) if filters.partnership else None,
            status=filters.status,
            health=filters.health,
            at_risk=filters.at_risk,
            kind=filters.kind,
            q=filters.q.strip(),
            mine=filters.mine,
        ),
        today=_today(),
        prefetch=[Prefetch("supports", queryset=Goal.objects.only("uuid", "title", "kind"))],
    )
    listed = _page_of_list(request, rows, page)  # type: ignore[arg-type]
    for row in listed["results"]:
        row.goal.summary = row.summary
    listed["results"] = [row.goal for row in listed["results"]]
    return listed


@router.get("/goals/{goal_id}", response=GoalOut, tags=["goals"])
def get_goal(request: HttpRequest, goal_id: UUIDPath, response: HttpResponse) -> Goal:
    """One goal with today's summary. The ETag header carries its version."""
    goal = _goal_get(membership_of(request), goal_id)
    etag_set(response, goal.version)
    return goal


@router.post("/goals", response={201: GoalOut}, tags=["goals"])
def create_goal(request: HttpRequest, payload: GoalCreate, response: HttpResponse) -> Status[Goal]:
    """Create a goal in a partnership or a function (members of it, managers, admins)."""
    membership = role_require(request, "member")
    fields = _goal_references(membership, payload.model_dump())
    created = actions.goal_create(membership=membership, **fields)
    goal = _goal_get(membership, created.uuid)
    etag_set(response, goal.version)
    response["Location"] = reverse("api:get_goal", args=[goal.uuid])
    return Status(201, goal)


@router.patch("/goals/{goal_id}", response=GoalOut, tags=["goals"])
def update_goal(
    request: HttpRequest, goal_id: UUIDPath, payload: GoalUpdate, response: HttpResponse
) -> Goal:
    """Change a goal. Only the fields sent change; lists sent replace the links.

    Guard with If-Match (412) or a body `version` (409).
    """
    membership = role_require(request, "member")
    goal = selectors.goal_get(membership=membership, uuid=goal_id)
    if_match_check(request, goal.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, goal.version)
    changes = _goal_references(membership, changes)
    actions.goal_update(membership=membership, goal=goal, expected_version=expected, **changes)
    goal = _goal_get(membership, goal.uuid)
    etag_set(response, goal.version)
    return goal


@router.delete("/goals/{goal_id}", response={204: None}, tags=["goals"])
def delete_goal(request: HttpRequest, goal_id: UUIDPath) -> Status[None]:
    """Delete a goal with its key results and check-ins."""
    membership = role_require(request, "member")
    goal = selectors.goal_get(membership=membership, uuid=goal_id)
    if_match_check(request, goal.version)
    actions.goal_delete(membership=membership, goal=goal)
    return Status(204, None)


@router.get("/goals/{goal_id}/progress", response=GoalProgressOut, tags=["goals"])
def goal_progress(request: HttpRequest, goal_id: UUIDPath) -> dict[str, Any]:
    """Progress, expected progress, status, staleness and the forecast to the due date."""
    membership = membership_of(request)
    goal = selectors.goal_get(membership=membership, uuid=goal_id)
    today = _today()
    bands = selectors.status_bands(membership.workspace)
    if goal.kind == Goal.Kind.OBJECTIVE:
        summary = selectors.goal_summaries([goal], today=today, bands=bands)[goal.pk]
    else:
        points = [(c.date, c.value) for c in reversed(list(selectors.checkin_list(goal=goal)))]
        summary = selectors.goal_summary_compute(
            goal, points, today=today, forecast=True, bands=bands
        )
    body = progress_dict(summary)
    forecast = summary.forecast
    body["forecast"] = (
        None
        if forecast is None
        else {
            "method": forecast.method,
            "due": forecast.due,
            "value": forecast.value,
            "low": forecast.low,
            "high": forecast.high,
            "level": forecast.level,
            "probability": forecast.probability,
            "projected_date": forecast.projected_date,
            "n_points": forecast.n_points,
            "reasons": list(forecast.reasons),
        }
    )
    return body


@router.get("/goals/{goal_id}/history", response=Page[AuditEntryOut], tags=["goals"])
def goal_history(
    request: HttpRequest, goal_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """Every recorded change to a goal, newest first."""
    membership = membership_of(request)
    goal = selectors.goal_get(membership=membership, uuid=goal_id)
    entries = audit_list(workspace=membership.workspace, instance=goal).select_related("actor")
    return paginate(request, entries, page)


# --- check-ins ------------------------------------------------------------------------------


@router.get("/goals/{goal_id}/checkins", response=Page[CheckInOut], tags=["check-ins"])
def list_checkins(
    request: HttpRequest, goal_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """A goal's check-ins, newest first."""
    goal = selectors.goal_get(membership=membership_of(request), uuid=goal_id)
    return paginate(request, selectors.checkin_list(goal=goal).select_related("goal"), page)


@router.post("/goals/{goal_id}/checkins", response={201: CheckInOut}, tags=["check-ins"])
def create_checkin(
    request: HttpRequest, goal_id: UUIDPath, payload: CheckInCreate, response: HttpResponse
) -> Status[Any]:
    """Record a value on a goal: a number, a date (default today), a confidence and a note."""
    membership = role_require(request, "member")
    goal = selectors.goal_get(membership=membership, uuid=goal_id)
    checkin = actions.checkin_create(
        membership=membership,
        goal=goal,
        value=payload.value,
        date=payload.date,
        confidence=payload.confidence,
        note=payload.note,
    )
    etag_set(response, checkin.version)
    return Status(201, checkin)


@router.patch("/checkins/{checkin_id}", response=CheckInOut, tags=["check-ins"])
def update_checkin(
    request: HttpRequest, checkin_id: UUIDPath, payload: CheckInUpdate, response: HttpResponse
) -> Any:
    """Correct a check-in; the audit log keeps the old values. If-Match (412) / version (409)."""
    membership = role_require(request, "member")
    checkin = selectors.checkin_get(membership=membership, uuid=checkin_id)
    if_match_check(request, checkin.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, checkin.version)
    actions.checkin_update(
        membership=membership, checkin=checkin, expected_version=expected, **changes
    )
    etag_set(response, checkin.version)
    return checkin


@router.delete("/checkins/{checkin_id}", response={204: None}, tags=["check-ins"])
def delete_checkin(request: HttpRequest, checkin_id: UUIDPath) -> Status[None]:
    membership = role_require(request, "member")
    checkin = selectors.checkin_get(membership=membership, uuid=checkin_id)
    if_match_check(request, checkin.version)
    actions.checkin_delete(membership=membership, checkin=checkin)
    return Status(204, None)


# --- KPIs -----------------------------------------------------------------------------------


@router.get("/kpis", response=Page[KpiOut], tags=["kpis"])
def list_kpis(
    request: HttpRequest, filters: Query[KpiFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """KPIs of the partnerships you can see, with the latest measurement."""
    rows = selectors.kpi_list(
        membership=membership_of(request),
        partnership=str(filters.partnership) if filters.partnership else None,
    )
    return paginate(request, rows, page)


@router.get("/kpis/rollup", response=list[RollupOut], tags=["kpis"])
def kpi_rollup(request: HttpRequest) -> list[dict[str, Any]]:
    """Per category, across visible partnerships: KPIs whose latest value meets the target."""
    return [
        {**vars(c), "share": c.share}
        for c in selectors.kpi_rollup(membership=membership_of(request))
    ]


@router.get("/kpis/{kpi_id}", response=KpiOut, tags=["kpis"])
def get_kpi(request: HttpRequest, kpi_id: UUIDPath, response: HttpResponse) -> Kpi:
    kpi = selectors.kpi_get(membership=membership_of(request), uuid=kpi_id)
    etag_set(response, kpi.version)
    return kpi


@router.post("/kpis", response={201: KpiOut}, tags=["kpis"])
def create_kpi(request: HttpRequest, payload: KpiCreate, response: HttpResponse) -> Status[Kpi]:
    """Track a catalog metric for a partnership (its lead, sponsor or an admin)."""
    membership = role_require(request, "member")
    fields = payload.model_dump()
    try:
        partnership = object_get(
            partnership_visible_list(membership=membership),
            workspace=membership.workspace,
            uuid=fields.pop("partnership"),
        )
    except Http404:
        raise ValidationError(
            {"partnership": f"No partnership with id {payload.partnership} in this workspace."}
        ) from None
    fields = {k: v for k, v in fields.items() if v not in ("", None)}
    created = actions.kpi_create(membership=membership, partnership=partnership, **fields)
    kpi = selectors.kpi_get(membership=membership, uuid=created.uuid)
    etag_set(response, kpi.version)
    response["Location"] = reverse("api:get_kpi", args=[kpi.uuid])
    return Status(201, kpi)


@router.patch("/kpis/{kpi_id}", response=KpiOut, tags=["kpis"])
def update_kpi(
    request: HttpRequest, kpi_id: UUIDPath, payload: KpiUpdate, response: HttpResponse
) -> Kpi:
    membership = role_require(request, "member")
    kpi = selectors.kpi_get(membership=membership, uuid=kpi_id)
    if_match_check(request, kpi.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, kpi.version)
    actions.kpi_update(membership=membership, kpi=kpi, expected_version=expected, **changes)
    kpi = selectors.kpi_get(membership=membership, uuid=kpi.uuid)
    etag_set(response, kpi.version)
    return kpi


@router.delete("/kpis/{kpi_id}", response={204: None}, tags=["kpis"])
def delete_kpi(request: HttpRequest, kpi_id: UUIDPath) -> Status[None]:
    membership = role_require(request, "member")
    kpi = selectors.kpi_get(membership=membership, uuid=kpi_id)
    if_match_check(request, kpi.version)
    actions.kpi_delete(membership=membership, kpi=kpi)
    return Status(204, None)


@router.get("/kpis/{kpi_id}/measurements", response=Page[MeasurementOut], tags=["kpis"])
def list_measurements(
    request: HttpRequest, kpi_id: UUIDPath, page: Query[PageParams]
) -> dict[str, Any]:
    """A KPI's measurements in date order."""
    kpi = selectors.kpi_get(membership=membership_of(request), uuid=kpi_id)
    return paginate(request, selectors.measurement_list(kpi=kpi), page)


@router.post("/kpis/{kpi_id}/measurements", response=UpsertResult, tags=["kpis"])
def push_measurements(
    request: HttpRequest, kpi_id: UUIDPath, payload: MeasurementBulk
) -> dict[str, int]:
    """Add or replace measurements by date. Idempotent: sending the same body twice changes
    nothing the second time (all rows counted as unchanged)."""
    membership = role_require(request, "member")
    kpi = selectors.kpi_get(membership=membership, uuid=kpi_id)
    rows = [MeasurementRow(date=m.date, value=m.value, note=m.note) for m in payload.measurements]
    return actions.measurement_upsert_many(membership=membership, kpi=kpi, rows=rows, source="api")


# --- alignment and SMART --------------------------------------------------------------------


def _node(node: selectors.AlignmentNode) -> dict[str, Any]:
    return {
        "id": node.goal.uuid,
        "title": node.goal.title,
        "kind": node.goal.kind,
        "status": node.summary.health,
        "progress": node.summary.progress,
        "functions": [f.name for f in node.functions],
        "key_results": [_node(child) for child in node.key_results],
        "supporters": [_node(child) for child in node.supporters],
    }


@router.get("/alignment", response=AlignmentOut, tags=["goals"])
def alignment(request: HttpRequest) -> dict[str, Any]:
    """Partnership goals → key results → supporting goals, and function goals aligned to
    nothing."""
    tree = selectors.alignment_tree(membership=membership_of(request), today=_today())
    return {
        "partnerships": [
            {
                "partnership": {"id": group.partnership.uuid, "name": group.partnership.name},
                "goals": [_node(root) for root in group.roots],
            }
            for group in tree.groups
        ],
        "unaligned": [_node(node) for node in tree.unaligned],
    }


@router.post("/smart", response=dict[str, Any], tags=["goals"])
def smart(request: HttpRequest, payload: SmartIn) -> Any:
    """Assess a goal's text against SMART, criterion by criterion, with evidence.

    The same JSON as `accord smart --json`. Free text has no in-app links, so "relevant"
    looks for a stated purpose.
    """
    membership_of(request)
    from accord.goals.smart import smart_available, smart_json

    if not smart_available():
        raise Problem("server-error", "The SMART assessor is not installed on this server.")
    return smart_json(payload.text, today=payload.today or _today())


# --- the metric catalog and goal settings ---------------------------------------------------


def _metric_out(row: selectors.MetricRow) -> dict[str, Any]:
    metric = row.metric
    return {
        "key": metric.key,
        "name": metric.name,
        "synonyms": list(metric.synonyms),
        "abbreviations": list(metric.abbreviations),
        "unit": metric.unit,
        "good_direction": metric.good_direction,
        "category": metric.category,
        "function": metric.function,
        "description": metric.description,
        "source": "shipped" if metric.source == "shipped" else "workspace",
        "tensions": row.tensions,
    }


def _metric_row(membership: Membership, key: str) -> selectors.MetricRow:
    catalog = selectors.workspace_catalog(membership.workspace)
    metric = catalog.metric_get(key)
    if metric is None:
        raise Http404(f"No metric with key {key} in the catalog or this workspace.")
    return selectors.MetricRow(metric, len(catalog.tensions_of(key)))


def _workspace_metric(membership: Membership, key: str) -> MetricDefinition:
    if catalog_load().metric_get(key) is not None:
        raise PermissionDenied(
            f"“{key}” is a shipped metric and cannot be changed; add your own metric instead."
        )
    return selectors.metric_definition_get(workspace=membership.workspace, key=key)


@router.get("/metrics", response=Page[MetricOut], tags=["metric catalog"])
def list_metrics(
    request: HttpRequest, filters: Query[MetricFilters], page: Query[PageParams]
) -> dict[str, Any]:
    """The metric catalog: shipped metrics and the workspace's own, by name.

    `q` matches words in the key, name, synonyms, abbreviations or description.
    """
    rows = selectors.metric_list(
        workspace=membership_of(request).workspace,
        filters=selectors.MetricFilters(
            q=filters.q.strip(),
            category=filters.category,
            function=filters.function,
            source=filters.source,
        ),
    )
    return _page_of_list(request, [_metric_out(row) for row in rows], page)


@router.get("/metrics/{key}", response=MetricOut, tags=["metric catalog"])
def get_metric(request: HttpRequest, key: str) -> dict[str, Any]:
    return _metric_out(_metric_row(membership_of(request), key))


@router.post("/metrics", response={201: MetricOut}, tags=["metric catalog"])
def create_metric(
    request: HttpRequest, payload: MetricCreate, response: HttpResponse
) -> Status[dict[str, Any]]:
    """Add a metric to the workspace's catalog (admins). Validated like a catalog file: the
    key and every phrase must be new to the shipped catalog and the workspace."""
    membership = role_require(request, "admin")
    created = actions.metric_definition_create(membership=membership, **payload.model_dump())
    etag_set(response, created.version)
    response["Location"] = reverse("api:get_metric", args=[created.key])
    return Status(201, _metric_out(_metric_row(membership, created.key)))


@router.patch("/metrics/{key}", response=MetricOut, tags=["metric catalog"])
def update_metric(
    request: HttpRequest, key: str, payload: MetricUpdate, response: HttpResponse
) -> dict[str, Any]:
    """Change a workspace metric (admins); its key stays. Shipped metrics answer 403."""
    membership = role_require(request, "admin")
    metric = _workspace_metric(membership, key)
    if_match_check(request, metric.version)
    changes = payload.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    version_check(expected, metric.version)
    actions.metric_definition_update(
        membership=membership, metric=metric, expected_version=expected, **changes
    )
    etag_set(response, metric.version)
    return _metric_out(_metric_row(membership, key))


@router.delete("/metrics/{key}", response={204: None}, tags=["metric catalog"])
def delete_metric(request: HttpRequest, key: str) -> Status[None]:
    """Remove a workspace metric and the workspace tensions that name it (admins)."""
    membership = role_require(request, "admin")
    metric = _workspace_metric(membership, key)
    if_match_check(request, metric.version)
    actions.metric_definition_delete(membership=membership, metric=metric)
    return Status(204, None)


@router.get("/metric-tensions", response=list[TensionOut], tags=["metric catalog"])
def list_tensions(request: HttpRequest) -> list[WorkspaceTension]:
    """The workspace's own tensions (the shipped ones are in docs/catalog.md)."""
    return list(selectors.workspace_catalog_get(membership_of(request).workspace).tensions)


@router.post("/metric-tensions", response={201: TensionOut}, tags=["metric catalog"])
def create_tension(request: HttpRequest, payload: TensionCreate) -> Status[WorkspaceTension]:
    """Record that pushing metric `a` one way tends to push metric `b` the harmful way."""
    membership = role_require(request, "admin")
    fields = payload.model_dump()
    created = actions.tension_create(
        membership=membership,
        metric_a=fields.pop("a"),
        metric_b=fields.pop("b"),
        **fields,
    )
    return Status(201, created)


@router.delete("/metric-tensions/{tension_id}", response={204: None}, tags=["metric catalog"])
def delete_tension(request: HttpRequest, tension_id: UUIDPath) -> Status[None]:
    membership = role_require(request, "admin")
    tension = selectors.tension_get(workspace=membership.workspace, uuid=tension_id)
    actions.tension_delete(membership=membership, tension=tension)
    return Status(204, None)


@router.get("/goal-settings", response=GoalSettingsOut, tags=["goals"])
def get_goal_settings(request: HttpRequest, response: HttpResponse) -> GoalSettings:
    """The status bands on pace (progress ÷ expected progress)."""
    settings = selectors.goal_settings_get(membership_of(request).workspace)
    etag_set(response, settings.version)
    return settings


@router.put("/goal-settings", response=GoalSettingsOut, tags=["goals"])
def put_goal_settings(
    request: HttpRequest, payload: GoalSettingsIn, response: HttpResponse
) -> GoalSettings:
    """Set the status bands (admins): 0 < at_risk < on_track ≤ 1. If-Match (412) / version."""
    membership = role_require(request, "admin")
    current = selectors.goal_settings_get(membership.workspace)
    if current.pk:
        if_match_check(request, current.version)
        version_check(payload.version, current.version)
    settings = actions.goal_settings_update(
        membership=membership,
        on_track=payload.on_track,
        at_risk=payload.at_risk,
        expected_version=payload.version if current.pk else None,
    )
    etag_set(response, settings.version)
    return settings
