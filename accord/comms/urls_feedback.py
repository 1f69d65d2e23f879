"""Feedback pages, mounted under /w/<workspace slug>/feedback/."""

from django.urls import path

from accord.comms import feedback_views as views

urlpatterns = [
    path("", views.feedback_list, name="feedback_list"),
    path("new/", views.feedback_create, name="feedback_create"),
    path("<uuid:feedback>/", views.feedback_detail, name="feedback_detail"),
    path("<uuid:feedback>/reply/", views.feedback_reply, name="feedback_reply"),
    path("<uuid:feedback>/acted-on/", views.feedback_acted_on, name="feedback_acted_on"),
    path("<uuid:feedback>/visibility/", views.feedback_visibility, name="feedback_visibility"),
    path("<uuid:feedback>/delete/", views.feedback_delete, name="feedback_delete"),
]
