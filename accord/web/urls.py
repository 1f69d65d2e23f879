from django.urls import path

from accord.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("w/<slug:ws>/", views.dashboard, name="dashboard"),
]
