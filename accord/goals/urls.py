"""Goal and KPI pages, mounted under /w/<workspace slug>/goals/."""

from django.urls import path

from accord.goals import catalog_views, conflict_views, views

urlpatterns = [
    path("", views.goal_list, name="goal_list"),
    path("mine/", views.my_goals, name="my_goals"),
    path("new/", views.goal_create, name="goal_create"),
    path("feedback/", views.goal_feedback, name="goal_feedback"),
    path("alignment/", views.goal_alignment, name="goal_alignment"),
    path("conflicts/", conflict_views.conflict_list, name="goal_conflicts"),
    path("metrics/", catalog_views.metric_catalog, name="metric_catalog"),
    path("metrics/new/", catalog_views.metric_create, name="metric_create"),
    path("metrics/tensions/new/", catalog_views.tension_create, name="tension_create"),
    path(
        "metrics/tensions/<uuid:tension>/delete/",
        catalog_views.tension_delete,
        name="tension_delete",
    ),
    path("metrics/<slug:key>/edit/", catalog_views.metric_edit, name="metric_edit"),
    path("metrics/<slug:key>/delete/", catalog_views.metric_delete, name="metric_delete"),
    path("settings/", catalog_views.goal_settings, name="goal_settings"),
    path("kpis/", views.kpi_list, name="kpi_list"),
    path("kpis/new/", views.kpi_create, name="kpi_create"),
    path("kpis/rollup/", views.kpi_rollup, name="kpi_rollup"),
    path("kpis/<uuid:kpi>/", views.kpi_detail, name="kpi_detail"),
    path("kpis/<uuid:kpi>/measurements/", views.measurement_add, name="measurement_add"),
    path("kpis/<uuid:kpi>/import/", views.kpi_import, name="kpi_import"),
    path("kpis/<uuid:kpi>/import/apply/", views.kpi_import_apply, name="kpi_import_apply"),
    path(
        "kpis/<uuid:kpi>/import/template.csv",
        views.kpi_import_template,
        name="kpi_import_template",
    ),
    path("kpis/<uuid:kpi>/delete/", views.kpi_delete, name="kpi_delete"),
    path("<uuid:goal>/", views.goal_detail, name="goal_detail"),
    path("<uuid:goal>/edit/", views.goal_edit, name="goal_edit"),
    path("<uuid:goal>/delete/", views.goal_delete, name="goal_delete"),
    path("<uuid:goal>/checkins/", views.checkin_create, name="checkin_create"),
    path("<uuid:goal>/checkins/<uuid:checkin>/edit/", views.checkin_edit, name="checkin_edit"),
    path(
        "<uuid:goal>/checkins/<uuid:checkin>/delete/",
        views.checkin_delete,
        name="checkin_delete",
    ),
]
