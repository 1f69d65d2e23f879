"""The workspace's metric catalog: list, search and filters, the workspace's own metrics and
tensions (admins only), their use by goal and KPI forms and by conflict checks, the API, and
what another workspace sees (nothing)."""

from datetime import date

import pytest

from accord.api.testing import token_client
from accord.goals import actions, selectors
from accord.goals.catalog import catalog_match, catalog_metrics
from accord.goals.conflict_check import goal_conflicts
from accord.goals.models import Goal, Kpi, MetricDefinition, WorkspaceTension
from accord.goals.tests.helpers import count_queries, goal_make, partnership_make
from accord.workspaces.models import AuditEntry

JSON = "application/json"
SHIPPED = len(selectors.catalog_load().metrics)
CATALOG = "/w/acme/goals/metrics/"

SAMPLES = {
    "key": "free_samples_shipped",
    "name": "Free samples shipped",
    "synonyms": "sample boxes, samples sent",
    "abbreviations": "FSS",
    "unit": "count",
    "good_direction": "increase",
    "category": "revenue growth",
    "function": "marketing",
    "description": "Sample boxes sent to prospects.",
}


def metric_add(tenant, **changes):
    fields = {**SAMPLES, **changes}
    return actions.metric_definition_create(membership=tenant.membership("admin"), **fields)


def samples_tension(tenant):
    """Free samples up tends to push gross margin (shipped) down."""
    return actions.tension_create(
        membership=tenant.membership("admin"),
        metric_a="free_samples_shipped",
        a_direction="increase",
        metric_b="gross_margin",
        b_direction="decrease",
        explanation="Every free sample is cost without revenue.",
    )


# --- list, search, filters ------------------------------------------------------------------


def test_catalog_lists_shipped_metrics_with_synonyms_unit_direction_and_function(acme, login):
    response = login(acme.viewer).get(CATALOG)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gross margin" in body
    assert "gross profit margin" in body
    assert "<abbr>DSO</abbr>" in body
    assert "Lower is better" in body
    assert "Finance" in body
    assert len(response.context["rows"]) == SHIPPED
    assert "Add a metric" not in body  # viewers do not see the admin's buttons


def test_search_matches_names_synonyms_and_abbreviations(acme, login):
    client = login(acme.viewer)
    by_abbreviation = client.get(CATALOG, {"q": "DSO"}).context["rows"]
    keys = [row.metric.key for row in by_abbreviation]
    assert "days_sales_outstanding" in keys
    assert "gross_margin" not in keys
    by_synonym = client.get(CATALOG, {"q": "gross profit"}).context["rows"]
    assert "gross_margin" in [row.metric.key for row in by_synonym]


def test_category_and_function_filters_narrow_the_list(acme, login):
    client = login(acme.viewer)
    people = client.get(CATALOG, {"category": "people"}).context["rows"]
    assert people
    assert {row.metric.category for row in people} == {"people"}
    finance = client.get(CATALOG, {"function": "finance", "category": "cost"}).context["rows"]
    assert finance
    assert {(r.metric.function, r.metric.category) for r in finance} == {("finance", "cost")}
    unknown = client.get(CATALOG, {"category": "vibes"}).context["filters"]
    assert unknown.category == ""


def test_filtering_with_htmx_answers_only_the_results(acme, login):
    response = login(acme.viewer).get(CATALOG, {"q": "margin"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="metric-results"' in body
    assert "<html" not in body
    assert "Gross margin" in body


def test_workspace_metrics_are_listed_and_marked_added_by_the_workspace(acme, login):
    metric_add(acme)
    client = login(acme.viewer)
    body = client.get(CATALOG).content.decode()
    assert "Free samples shipped" in body
    assert "Added by Acme Corp" in body
    own = client.get(CATALOG, {"source": "workspace"}).context["rows"]
    assert [row.metric.key for row in own] == ["free_samples_shipped"]
    shipped = client.get(CATALOG, {"source": "shipped"}).context["rows"]
    assert "free_samples_shipped" not in [row.metric.key for row in shipped]
    by_synonym = client.get(CATALOG, {"q": "sample boxes"}).context["rows"]
    assert [row.metric.key for row in by_synonym] == ["free_samples_shipped"]


def test_catalog_page_query_count_does_not_grow_with_workspace_metrics(acme, login):
    client = login(acme.admin)
    for index in range(3):
        metric_add(acme, key=f"probe_{index}", name=f"Probe {index}", synonyms="", abbreviations="")
    few, _ = count_queries(client, CATALOG)
    for index in range(3, 30):
        metric_add(acme, key=f"probe_{index}", name=f"Probe {index}", synonyms="", abbreviations="")
    many, response = count_queries(client, CATALOG)
    assert few == many
    assert len(response.context["rows"]) == SHIPPED + 30


# --- adding, editing, removing --------------------------------------------------------------


def test_admin_adds_a_metric_and_the_change_is_audited(acme, login):
    response = login(acme.admin).post(f"{CATALOG}new/", SAMPLES)
    assert response.status_code == 302
    metric = MetricDefinition.objects.get(workspace=acme.workspace)
    assert metric.synonyms == ["sample boxes", "samples sent"]
    assert metric.abbreviations == ["FSS"]
    entry = AuditEntry.objects.get(object_uuid=metric.uuid)
    assert entry.action == "create"
    assert entry.actor == acme.admin


def test_a_shipped_key_is_refused_with_a_field_error_and_the_input_kept(acme, login):
    response = login(acme.admin).post(
        f"{CATALOG}new/", {**SAMPLES, "key": "gross_margin", "name": "Our margin"}
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "already a shipped metric (Gross margin)" in errors["key"][0]
    body = response.content.decode()
    assert 'value="Our margin"' in body
    assert "sample boxes, samples sent" in body
    assert not MetricDefinition.objects.exists()


def test_a_duplicate_workspace_key_is_refused(acme, login):
    metric_add(acme)
    response = login(acme.admin).post(f"{CATALOG}new/", {**SAMPLES, "name": "Other samples"})
    assert response.status_code == 422
    assert "already has a metric" in response.context["form"].errors["key"][0]


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"category": "vibes"}, "category", "vibes is not one"),
        ({"unit": ""}, "unit", "Choose a unit"),
        ({"good_direction": ""}, "good_direction", "which way is better"),
        ({"function": ""}, "function", "usually owns"),
        ({"key": "Free-Samples"}, "key", "lower-case letters"),
        ({"name": "  "}, "name", "required"),
    ],
)
def test_bad_fields_get_messages_naming_the_field(acme, login, changes, field, words):
    response = login(acme.admin).post(f"{CATALOG}new/", {**SAMPLES, **changes})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert words in " ".join(errors[field])
    assert not MetricDefinition.objects.exists()


def test_a_phrase_of_a_shipped_metric_gets_the_catalogs_own_message(acme, login):
    response = login(acme.admin).post(
        f"{CATALOG}new/", {**SAMPLES, "key": "our_margin", "name": "Gross margin"}
    )
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == [
        "'Gross margin' already names metric 'gross_margin'; a phrase may name only one metric."
    ]
    clash = login(acme.admin).post(f"{CATALOG}new/", {**SAMPLES, "abbreviations": "DSO"})
    assert (
        "already names metric 'days_sales_outstanding'"
        in (clash.context["form"].errors["abbreviations"][0])
    )


def test_admin_edits_a_metric_and_its_key_stays(acme, login):
    metric = metric_add(acme)
    client = login(acme.admin)
    page = client.get(f"{CATALOG}free_samples_shipped/edit/")
    assert page.status_code == 200
    assert 'value="free_samples_shipped"' in page.content.decode()
    response = client.post(
        f"{CATALOG}free_samples_shipped/edit/",
        {**SAMPLES, "key": "renamed", "name": "Samples sent out", "expected_version": 1},
    )
    assert response.status_code == 302
    metric.refresh_from_db()
    assert metric.key == "free_samples_shipped"
    assert metric.name == "Samples sent out"
    assert metric.version == 2


def test_editing_with_a_stale_version_is_refused(acme, login):
    metric_add(acme)
    client = login(acme.admin)
    url = f"{CATALOG}free_samples_shipped/edit/"
    client.post(url, {**SAMPLES, "name": "First edit", "expected_version": 1})
    response = client.post(url, {**SAMPLES, "name": "Second edit", "expected_version": 1})
    assert response.status_code == 409
    assert MetricDefinition.objects.get().name == "First edit"


def test_removing_a_metric_removes_the_tensions_that_name_it(acme, login):
    metric_add(acme)
    samples_tension(acme)
    response = login(acme.admin).post(f"{CATALOG}free_samples_shipped/delete/", follow=True)
    assert response.status_code == 200
    assert "and 1 tension" in response.content.decode()
    assert not MetricDefinition.objects.exists()
    assert not WorkspaceTension.objects.exists()
    assert AuditEntry.objects.filter(action="delete").count() == 2


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_members_and_viewers_cannot_change_the_catalog(acme, login, role):
    metric_add(acme)
    tension = samples_tension(acme)
    client = login(acme.user(role))
    assert client.get(CATALOG).status_code == 200
    assert client.get(f"{CATALOG}new/").status_code == 403
    assert client.post(f"{CATALOG}new/", {**SAMPLES, "key": "other"}).status_code == 403
    assert client.post(f"{CATALOG}free_samples_shipped/edit/", SAMPLES).status_code == 403
    assert client.post(f"{CATALOG}free_samples_shipped/delete/").status_code == 403
    assert client.post(f"{CATALOG}tensions/new/", {}).status_code == 403
    assert client.post(f"{CATALOG}tensions/{tension.uuid}/delete/").status_code == 403
    assert MetricDefinition.objects.count() == 1
    assert WorkspaceTension.objects.count() == 1


def test_shipped_metrics_have_no_edit_page(acme, login):
    assert login(acme.admin).get(f"{CATALOG}gross_margin/edit/").status_code == 404


def test_another_workspace_gets_404_and_never_sees_this_workspaces_metrics(acme, globex, login):
    metric_add(acme)
    tension = samples_tension(acme)
    client = login(globex.owner)
    assert client.get(CATALOG).status_code == 404
    own = client.get("/w/globex/goals/metrics/")
    assert own.status_code == 200
    body = own.content.decode()
    assert "Free samples shipped" not in body
    assert "Acme Corp" not in body
    assert client.get("/w/globex/goals/metrics/free_samples_shipped/edit/").status_code == 404
    assert client.post("/w/globex/goals/metrics/free_samples_shipped/delete/").status_code == 404
    gone = client.post(f"/w/globex/goals/metrics/tensions/{tension.uuid}/delete/")
    assert gone.status_code == 404
    assert WorkspaceTension.objects.count() == 1
    assert catalog_metric_keys(globex) == catalog_metric_keys(None)


def catalog_metric_keys(tenant):
    workspace = tenant.workspace if tenant else None
    return {metric.key for metric in catalog_metrics(workspace=workspace)}


def test_a_stored_metric_that_no_longer_validates_is_left_out_and_named(acme, login):
    """A newer shipped catalog may claim a phrase a workspace added earlier: the page keeps
    working, leaves the entry out and says why."""
    MetricDefinition.objects.create(
        workspace=acme.workspace,
        key="old_margin",
        name="Margin",
        unit="%",
        good_direction="increase",
        category="cost",
        function="finance",
    )
    metric_add(acme)
    response = login(acme.viewer).get(CATALOG)
    assert response.status_code == 200
    assert response.context["skipped"] == (
        "'Margin' already names metric 'gross_margin'; a phrase may name only one metric.",
    )
    keys = {row.metric.key for row in response.context["rows"]}
    assert "free_samples_shipped" in keys
    assert "old_margin" not in keys


# --- tensions -------------------------------------------------------------------------------


def test_admin_adds_a_tension_through_the_form(acme, login):
    metric_add(acme)
    client = login(acme.admin)
    assert client.get(f"{CATALOG}tensions/new/").status_code == 200
    response = client.post(
        f"{CATALOG}tensions/new/",
        {
            "metric_a": "free_samples_shipped",
            "a_direction": "increase",
            "metric_b": "gross_margin",
            "b_direction": "decrease",
            "explanation": "Every free sample is cost without revenue.",
        },
    )
    assert response.status_code == 302
    tension = WorkspaceTension.objects.get()
    assert AuditEntry.objects.filter(object_uuid=tension.uuid, action="create").exists()
    body = client.get(CATALOG).content.decode()
    assert "Every free sample is cost without revenue." in body


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"metric_b": "ghost"}, "metric_b", "No metric with key “ghost”"),
        ({"metric_b": "discount_rate", "metric_a": "discount_rate"}, "metric_b", "two different"),
        ({"explanation": ""}, "explanation", "required"),
    ],
)
def test_bad_tensions_get_field_errors(acme, login, changes, field, words):
    body = {
        "metric_a": "discount_rate",
        "a_direction": "increase",
        "metric_b": "churn_rate",
        "b_direction": "increase",
        "explanation": "Bargain hunters leave first.",
        **changes,
    }
    response = login(acme.admin).post(f"{CATALOG}tensions/new/", body)
    assert response.status_code == 422
    assert words in " ".join(response.context["form"].errors[field])
    assert not WorkspaceTension.objects.exists()


def test_a_tension_the_shipped_catalog_has_gets_the_catalogs_message(acme, login):
    shipped = next(t for t in selectors.catalog_load().tensions if t.a == "discount_rate")
    response = login(acme.admin).post(
        f"{CATALOG}tensions/new/",
        {
            "metric_a": shipped.a,
            "a_direction": shipped.a_direction,
            "metric_b": shipped.b,
            "b_direction": shipped.b_direction,
            "explanation": "Said twice.",
        },
    )
    assert response.status_code == 422
    assert response.context["form"].non_field_errors() == [
        "Duplicate tension (same metrics and pattern)."
    ]


# --- the workspace catalog everywhere -------------------------------------------------------


def test_goal_and_kpi_forms_offer_the_workspaces_metrics(acme, globex, login):
    metric_add(acme)
    client = login(acme.admin)
    option = '<option value="free_samples_shipped">Free samples shipped'
    assert option in client.get("/w/acme/goals/new/").content.decode()
    assert option in client.get("/w/acme/goals/kpis/new/").content.decode()
    assert option not in login(globex.admin).get("/w/globex/goals/new/").content.decode()


def test_a_kpi_on_a_workspace_metric_takes_its_name_unit_and_direction(acme, login):
    metric_add(acme)
    partnership = partnership_make(acme)
    response = login(acme.admin).post(
        "/w/acme/goals/kpis/new/",
        {"partnership": partnership.uuid, "metric_key": "free_samples_shipped", "target": "500"},
    )
    assert response.status_code == 302
    kpi = Kpi.objects.get()
    assert (kpi.name, kpi.unit, kpi.direction, kpi.category) == (
        "Free samples shipped",
        "count",
        "increase",
        "revenue growth",
    )


def test_a_goal_on_a_workspace_metric_records_its_name(acme, login):
    metric_add(acme)
    response = login(acme.admin).post(
        "/w/acme/goals/new/",
        {
            "title": "Ship 500 free samples by June",
            "kind": "goal",
            "function": acme.sales.uuid,
            "metric_key": "free_samples_shipped",
            "direction": "increase",
            "baseline": "100",
            "target": "500",
            "start_date": "2026-01-01",
            "due_date": "2026-06-30",
            "owner": acme.alice.uuid,
            "status": "active",
            "cadence_days": "7",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Goal.objects.get().metric_name == "Free samples shipped"


def test_goal_text_matching_knows_the_workspaces_phrases(acme, globex):
    metric_add(acme)
    text = "Send 300 more sample boxes to prospects"
    matched = catalog_match(text, workspace=acme.workspace)
    assert matched is not None
    assert matched.key == "free_samples_shipped"
    assert catalog_match(text, workspace=globex.workspace) is None


def _pulling_goals(tenant):
    goal_make(
        tenant,
        title="Ship more free samples",
        function=tenant.sales,
        metric_key="free_samples_shipped",
        direction="increase",
        baseline=100,
        target=500,
    )
    goal_make(
        tenant,
        title="Keep gross margin up",
        function=tenant.finance,
        owner=tenant.bob,
        metric_key="gross_margin",
        direction="increase",
        baseline=40,
        target=45,
    )


def test_conflict_checks_use_the_workspaces_metrics_and_tensions(acme, globex):
    metric_add(acme)
    _pulling_goals(acme)
    today = date(2026, 3, 2)
    before = goal_conflicts(membership=acme.membership("viewer"), today=today)
    assert not [c for c in before.conflicts if c.kind == "tension"]
    samples_tension(acme)
    after = goal_conflicts(membership=acme.membership("viewer"), today=today)
    tensions = [c for c in after.conflicts if c.kind == "tension"]
    assert len(tensions) == 1
    assert "every free sample is cost without revenue" in tensions[0].explanation
    assert {tensions[0].a.title, tensions[0].b.title} == {
        "Ship more free samples",
        "Keep gross margin up",
    }
    # The same goals in another workspace, without the tension, raise none.
    metric_add(globex)
    _pulling_goals(globex)
    other = goal_conflicts(membership=globex.membership("viewer"), today=today)
    assert not [c for c in other.conflicts if c.kind == "tension"]


def test_the_conflicts_page_shows_a_workspace_tension(acme, login):
    metric_add(acme)
    samples_tension(acme)
    _pulling_goals(acme)
    body = login(acme.viewer).get("/w/acme/goals/conflicts/").content.decode()
    assert "every free sample is cost without revenue" in body


# --- API ------------------------------------------------------------------------------------


@pytest.fixture
def admin_api(acme):
    return token_client(acme, "admin")


def _api_metric(**changes):
    body = {
        **SAMPLES,
        "synonyms": ["sample boxes"],
        "abbreviations": ["FSS"],
    }
    body.update(changes)
    return body


def test_api_lists_shipped_and_workspace_metrics_with_filters(acme, admin_api):
    metric_add(acme)
    everything = admin_api.get("/api/v1/metrics", {"limit": 200}).json()
    assert everything["count"] == SHIPPED + 1
    own = admin_api.get("/api/v1/metrics", {"source": "workspace"}).json()
    assert [m["key"] for m in own["results"]] == ["free_samples_shipped"]
    assert own["results"][0]["source"] == "workspace"
    found = admin_api.get("/api/v1/metrics", {"q": "DSO"}).json()
    assert "days_sales_outstanding" in [m["key"] for m in found["results"]]
    assert found["count"] < 5
    finance_cost = admin_api.get("/api/v1/metrics", {"function": "finance", "category": "cost"})
    assert {(m["function"], m["category"]) for m in finance_cost.json()["results"]} == {
        ("finance", "cost")
    }
    one = admin_api.get("/api/v1/metrics/gross_margin").json()
    assert one["source"] == "shipped"
    assert one["tensions"] > 0


def test_api_admin_creates_updates_and_deletes_a_workspace_metric(acme, admin_api):
    created = admin_api.post("/api/v1/metrics", _api_metric(), content_type=JSON)
    assert created.status_code == 201, created.content
    assert created["Location"].endswith("/api/v1/metrics/free_samples_shipped")
    url = "/api/v1/metrics/free_samples_shipped"
    changed = admin_api.patch(
        url, {"name": "Samples sent out"}, content_type=JSON, headers={"If-Match": '"1"'}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "Samples sent out"
    stale = admin_api.patch(url, {"name": "Again"}, content_type=JSON, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert admin_api.delete(url).status_code == 204
    assert admin_api.get(url).status_code == 404


def test_api_refuses_bad_metrics_with_problem_documents(acme, admin_api):
    duplicate = admin_api.post(
        "/api/v1/metrics", _api_metric(key="gross_margin"), content_type=JSON
    )
    assert duplicate.status_code == 422
    problem = duplicate.json()
    assert problem["type"] == "https://accord.dev/problems/validation"
    assert problem["errors"][0]["field"] == "key"
    category = admin_api.post("/api/v1/metrics", _api_metric(category="vibes"), content_type=JSON)
    assert category.status_code == 422
    assert category.json()["errors"][0]["field"] == "category"
    shipped = admin_api.patch("/api/v1/metrics/gross_margin", {"name": "X"}, content_type=JSON)
    assert shipped.status_code == 403
    assert not MetricDefinition.objects.exists()


@pytest.mark.parametrize("role", ["member", "viewer"])
def test_api_members_and_viewers_cannot_change_the_catalog(acme, role):
    metric_add(acme)
    client = token_client(acme, role)
    assert client.get("/api/v1/metrics/free_samples_shipped").status_code == 200
    created = client.post("/api/v1/metrics", _api_metric(key="other"), content_type=JSON)
    assert created.status_code == 403
    url = "/api/v1/metrics/free_samples_shipped"
    assert client.patch(url, {"name": "X"}, content_type=JSON).status_code == 403
    assert client.delete(url).status_code == 403
    tension = {
        "a": "free_samples_shipped",
        "a_direction": "increase",
        "b": "gross_margin",
        "b_direction": "decrease",
        "explanation": "Cost without revenue.",
    }
    assert client.post("/api/v1/metric-tensions", tension, content_type=JSON).status_code == 403


def test_api_tensions_feed_conflicts(acme, admin_api):
    metric_add(acme)
    _pulling_goals(acme)
    created = admin_api.post(
        "/api/v1/metric-tensions",
        {
            "a": "free_samples_shipped",
            "a_direction": "increase",
            "b": "gross_margin",
            "b_direction": "decrease",
            "explanation": "Every free sample is cost without revenue.",
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    listed = admin_api.get("/api/v1/metric-tensions").json()
    assert [t["a"] for t in listed] == ["free_samples_shipped"]
    conflicts = admin_api.get("/api/v1/goal-conflicts").json()["conflicts"]
    assert "tension" in [c["kind"] for c in conflicts]
    assert admin_api.delete(f"/api/v1/metric-tensions/{created.json()['id']}").status_code == 204
    assert not WorkspaceTension.objects.exists()


def test_api_another_workspace_never_sees_this_workspaces_metrics(acme, globex):
    metric_add(acme)
    tension = samples_tension(acme)
    client = token_client(globex, "owner")
    assert client.get("/api/v1/metrics/free_samples_shipped").status_code == 404
    keys = [m["key"] for m in client.get("/api/v1/metrics", {"limit": 200}).json()["results"]]
    assert "free_samples_shipped" not in keys
    assert client.get("/api/v1/metric-tensions").json() == []
    assert client.delete("/api/v1/metrics/free_samples_shipped").status_code == 404
    assert client.delete(f"/api/v1/metric-tensions/{tension.uuid}").status_code == 404
    assert MetricDefinition.objects.filter(workspace=acme.workspace).count() == 1
