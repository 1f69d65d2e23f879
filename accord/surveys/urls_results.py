"""Survey results pages, mounted under /w/<workspace slug>/surveys/results/."""

from django.urls import path

from accord.surveys import results_views as views

urlpatterns = [
    path("", views.results_rollup, name="survey_results"),
    path("export.csv", views.results_rollup_export, name="survey_results_export"),
    path("methods/", views.results_methods, name="survey_results_methods"),
    path(
        "partnerships/<slug:partnership>/",
        views.results_partnership,
        name="survey_results_partnership",
    ),
    path("cycles/<uuid:cycle>/", views.results_cycle, name="survey_results_cycle"),
    path(
        "cycles/<uuid:cycle>/export.csv",
        views.results_cycle_export,
        name="survey_results_cycle_export",
    ),
]
