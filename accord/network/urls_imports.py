from django.urls import path

from accord.network.pending import pending

urlpatterns = [
    path("", pending, name="network_imports"),
]
