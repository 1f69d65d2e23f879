"""Public calendar feeds, mounted under /calendar/: the secret token in the URL is the only
credential (calendar clients cannot sign in)."""

from django.urls import path

from accord.comms import meeting_views as views

urlpatterns = [
    path("<str:feed_token>.ics", views.calendar_feed, name="calendar_feed"),
]
