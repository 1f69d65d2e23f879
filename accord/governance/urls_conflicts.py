"""Conflict register pages, mounted under /w/<workspace slug>/conflicts/."""

from django.urls import path

from accord.governance import conflict_views as views

urlpatterns = [
    path("", views.conflict_register, name="conflict_register"),
    path("new/", views.conflict_create, name="conflict_create"),
    path("from-goals/", views.conflict_from_goals, name="conflict_from_goals"),
    path("from-goals/link/", views.conflict_goal_link, name="conflict_goal_link"),
    path("<uuid:conflict>/", views.conflict_detail, name="conflict_detail"),
    path("<uuid:conflict>/edit/", views.conflict_edit, name="conflict_edit"),
    path("<uuid:conflict>/delete/", views.conflict_delete, name="conflict_delete"),
    path("<uuid:conflict>/move/", views.conflict_move, name="conflict_move"),
    path(
        "<uuid:conflict>/perspectives/",
        views.conflict_perspective_add,
        name="conflict_perspective_add",
    ),
    path(
        "<uuid:conflict>/perspectives/<uuid:conflict_perspective>/remove/",
        views.conflict_perspective_remove,
        name="conflict_perspective_remove",
    ),
    path("<uuid:conflict>/options/", views.conflict_option_add, name="conflict_option_add"),
    path(
        "<uuid:conflict>/options/<uuid:conflict_option>/remove/",
        views.conflict_option_remove,
        name="conflict_option_remove",
    ),
]
