"""The workspace's reports, mounted under /w/<workspace slug>/reports/."""

from django.urls import path

from accord.insights import report_views as views

urlpatterns = [
    path("quarterly/", views.quarterly_report, name="quarterly_report"),
    path("quarterly.pdf", views.quarterly_report_pdf, name="quarterly_report_pdf"),
]
