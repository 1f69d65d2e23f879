from django.templatetags.static import static
from django.urls import path
from django.views.generic.base import RedirectView

from accord.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", RedirectView.as_view(url=static("accord/favicon.svg"), permanent=True)),
    path("w/<slug:ws>/", views.dashboard, name="dashboard"),
]
