"""Meeting pages, mounted under /w/<workspace slug>/meetings/."""

from django.urls import path

from accord.comms import meeting_views as views

urlpatterns = [
    path("", views.meeting_list, name="meeting_list"),
    path("new/", views.meeting_create, name="meeting_create"),
    path("calendar/", views.meeting_calendar, name="meeting_calendar"),
    path(
        "cadences/<uuid:cadence>/schedule/",
        views.meeting_cadence_schedule,
        name="meeting_cadence_schedule",
    ),
    path("<uuid:meeting>/", views.meeting_detail, name="meeting_detail"),
    path("<uuid:meeting>/edit/", views.meeting_edit, name="meeting_edit"),
    path("<uuid:meeting>/delete/", views.meeting_delete, name="meeting_delete"),
    path("<uuid:meeting>/status/", views.meeting_status, name="meeting_status"),
    path("<uuid:meeting>/notes/", views.meeting_notes, name="meeting_notes"),
    path("<uuid:meeting>/attendance/", views.meeting_attendance, name="meeting_attendance"),
    path("<uuid:meeting>/agenda/", views.meeting_agenda_add, name="meeting_agenda_add"),
    path(
        "<uuid:meeting>/agenda/<uuid:agenda_item>/move/",
        views.meeting_agenda_move,
        name="meeting_agenda_move",
    ),
    path(
        "<uuid:meeting>/agenda/<uuid:agenda_item>/remove/",
        views.meeting_agenda_remove,
        name="meeting_agenda_remove",
    ),
    path("<uuid:meeting>/tally/", views.meeting_tally, name="meeting_tally"),
    path(
        "<uuid:meeting>/decisions/",
        views.meeting_decision_capture,
        name="meeting_decision_capture",
    ),
    path("<uuid:meeting>/actions/", views.meeting_action_capture, name="meeting_action_capture"),
    path("<uuid:meeting>/ics/", views.meeting_ics, name="meeting_ics"),
]
