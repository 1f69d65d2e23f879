"""Survey pages, mounted under /w/<workspace slug>/surveys/ (results live under
/w/<workspace slug>/surveys/results/, see urls_results)."""

from django.urls import path

from accord.surveys import cycle_views, instrument_views, respond_views, views

urlpatterns = [
    path("", views.survey_home, name="survey_home"),
    path("cycles/new/", cycle_views.cycle_create, name="survey_cycle_create"),
    path("cycles/<uuid:cycle>/", cycle_views.cycle_detail, name="survey_cycle_detail"),
    path("cycles/<uuid:cycle>/edit/", cycle_views.cycle_edit, name="survey_cycle_edit"),
    path("cycles/<uuid:cycle>/open/", cycle_views.cycle_open, name="survey_cycle_open"),
    path("cycles/<uuid:cycle>/close/", cycle_views.cycle_close, name="survey_cycle_close"),
    path("cycles/<uuid:cycle>/delete/", cycle_views.cycle_delete, name="survey_cycle_delete"),
    path("cycles/<uuid:cycle>/respond/", respond_views.survey_respond, name="survey_respond"),
    path("instruments/", instrument_views.instrument_list, name="survey_instrument_list"),
    path("instruments/new/", instrument_views.instrument_create, name="survey_instrument_create"),
    path(
        "instruments/<uuid:instrument>/",
        instrument_views.instrument_detail,
        name="survey_instrument_detail",
    ),
    path(
        "instruments/<uuid:instrument>/edit/",
        instrument_views.instrument_edit,
        name="survey_instrument_edit",
    ),
    path(
        "instruments/<uuid:instrument>/copy/",
        instrument_views.instrument_copy,
        name="survey_instrument_copy",
    ),
    path(
        "instruments/<uuid:instrument>/archive/",
        instrument_views.instrument_archive,
        name="survey_instrument_archive",
    ),
]
