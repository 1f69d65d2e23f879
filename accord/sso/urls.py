from django.urls import path

from accord.sso import views

urlpatterns = [
    path("sso/", views.sso_find, name="sso_find"),
    path("sso/<slug:ws>/start/", views.sso_start, name="sso_start"),
    path("sso/<slug:ws>/complete/", views.sso_complete, name="sso_complete"),
    path("w/<slug:ws>/settings/sign-in/", views.signin_settings, name="signin_settings"),
    path("w/<slug:ws>/settings/sign-in/sso/remove/", views.sso_remove, name="sso_remove"),
]
