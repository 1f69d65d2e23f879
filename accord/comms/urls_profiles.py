"""Workspace communication pages mounted under /w/<workspace slug>/communication/: function
profiles, the channel advisor and the cadence adherence overview."""

from django.urls import path

from accord.comms import plan_views, profile_views

urlpatterns = [
    path("profiles/", profile_views.profile_list, name="profile_list"),
    path("profiles/<uuid:function>/", profile_views.profile_detail, name="profile_detail"),
    path("profiles/<uuid:function>/edit/", profile_views.profile_edit, name="profile_edit"),
    path("profiles/<uuid:function>/review/", profile_views.profile_review, name="profile_review"),
    path(
        "profiles/<uuid:function>/priorities/",
        profile_views.priority_add,
        name="priority_add",
    ),
    path(
        "profiles/<uuid:function>/priorities/<uuid:priority>/edit/",
        profile_views.priority_edit,
        name="priority_edit",
    ),
    path(
        "profiles/<uuid:function>/priorities/<uuid:priority>/move/",
        profile_views.priority_move,
        name="priority_move",
    ),
    path(
        "profiles/<uuid:function>/priorities/<uuid:priority>/delete/",
        profile_views.priority_delete,
        name="priority_delete",
    ),
    path("advisor/", plan_views.channel_advisor, name="channel_advisor"),
    path("adherence/", plan_views.comm_adherence, name="comm_adherence"),
]
