from django.urls import path

from accord.insights import portfolio_views

urlpatterns = [
    path("", portfolio_views.portfolio, name="portfolio"),
    path("kpis/", portfolio_views.portfolio_kpis, name="portfolio_kpis"),
    path(
        "functions/<uuid:function>/",
        portfolio_views.portfolio_function,
        name="portfolio_function",
    ),
]
