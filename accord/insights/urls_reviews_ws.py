"""The workspace's reviews overview, mounted under /w/<workspace slug>/reviews/."""

from django.urls import path

from accord.insights import review_views as views

urlpatterns = [
    path("", views.review_overview, name="review_overview"),
]
