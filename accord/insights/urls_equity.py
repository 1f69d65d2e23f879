from django.urls import path

from accord.insights.equity_views import equity_detail

urlpatterns = [
    path("", equity_detail, name="equity_detail"),
]
