"""Public notification pages: the unsubscribe link of every email (its token is the key)."""

from django.urls import path

from accord.notifications import views

urlpatterns = [
    path("unsubscribe/<str:token>/", views.email_unsubscribe, name="email_unsubscribe"),
]
