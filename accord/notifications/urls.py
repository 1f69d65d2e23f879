"""Notification pages of a workspace: the inbox, preferences, and (admins) webhooks and the
delivery log."""

from django.urls import path

from accord.notifications import views

urlpatterns = [
    path("", views.notification_inbox, name="notification_inbox"),
    path("read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("<uuid:notification>/read/", views.notification_read, name="notification_read"),
    path("<uuid:notification>/open/", views.notification_open, name="notification_open"),
    path("preferences/", views.notification_preferences, name="notification_preferences"),
    path("webhooks/", views.webhook_list, name="webhook_list"),
    path("webhooks/new/", views.webhook_create, name="webhook_create"),
    path("webhooks/<uuid:webhook>/", views.webhook_edit, name="webhook_edit"),
    path("webhooks/<uuid:webhook>/delete/", views.webhook_delete, name="webhook_delete"),
    path("webhooks/<uuid:webhook>/test/", views.webhook_test, name="webhook_test"),
    path(
        "webhooks/<uuid:webhook>/secret/",
        views.webhook_secret_rotate,
        name="webhook_secret_rotate",
    ),
    path("deliveries/", views.delivery_log, name="delivery_log"),
    path("deliveries/<uuid:delivery>/retry/", views.delivery_retry, name="delivery_retry"),
]
