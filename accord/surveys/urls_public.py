"""Public survey pages, mounted under /survey/: answering through a one-time link, with no
sign-in (the token is the key; only its hash is stored)."""

from django.urls import path

from accord.surveys import respond_views

urlpatterns = [
    path("thanks/", respond_views.survey_public_thanks, name="survey_public_thanks"),
    path("<str:token>/", respond_views.survey_public_respond, name="survey_public_respond"),
]
