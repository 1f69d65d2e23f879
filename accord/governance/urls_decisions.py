"""Decision log and change proposal pages, mounted under /w/<workspace slug>/decisions/."""

from django.urls import path

from accord.governance import change_views, decision_views

urlpatterns = [
    path("", decision_views.decision_list, name="decision_list"),
    path("new/", decision_views.decision_create, name="decision_create"),
    path("new/change/", change_views.change_create, name="change_create"),
    path("<uuid:decision>/", decision_views.decision_detail, name="decision_detail"),
    path("<uuid:decision>/edit/", decision_views.decision_edit, name="decision_edit"),
    path("<uuid:decision>/delete/", decision_views.decision_delete, name="decision_delete"),
    path(
        "<uuid:decision>/options/", decision_views.decision_option_add, name="decision_option_add"
    ),
    path(
        "<uuid:decision>/options/<uuid:option>/remove/",
        decision_views.decision_option_remove,
        name="decision_option_remove",
    ),
    path("<uuid:decision>/open/", decision_views.decision_open, name="decision_open"),
    path("<uuid:decision>/respond/", decision_views.decision_respond, name="decision_respond"),
    path(
        "<uuid:decision>/responses/<uuid:response>/answer/",
        decision_views.decision_answer,
        name="decision_answer",
    ),
    path("<uuid:decision>/decide/", decision_views.decision_decide, name="decision_decide"),
    path(
        "<uuid:decision>/supersede/", decision_views.decision_supersede, name="decision_supersede"
    ),
    path("<uuid:decision>/reverse/", decision_views.decision_reverse, name="decision_reverse"),
    path("<uuid:decision>/change/", change_views.change_edit, name="change_edit"),
    path(
        "<uuid:decision>/change/impacts/", change_views.change_impact_set, name="change_impact_set"
    ),
    path(
        "<uuid:decision>/change/impacts/<uuid:impact>/remove/",
        change_views.change_impact_remove,
        name="change_impact_remove",
    ),
    path("<uuid:decision>/change/concerns/", change_views.concern_raise, name="concern_raise"),
    path(
        "<uuid:decision>/change/concerns/<uuid:concern>/respond/",
        change_views.concern_respond,
        name="concern_respond",
    ),
    path(
        "<uuid:decision>/change/readiness/", change_views.readiness_submit, name="readiness_submit"
    ),
]
