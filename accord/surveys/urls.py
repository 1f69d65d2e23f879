"""Survey pages, mounted under /w/<workspace slug>/surveys/."""

from django.urls import path

from accord.surveys import views

urlpatterns = [
    path("", views.survey_home, name="survey_home"),
]
