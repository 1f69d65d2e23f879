"""Review pages of a partnership, mounted under
/w/<workspace slug>/partnerships/<partnership slug>/reviews/."""

from django.urls import path

from accord.insights import report_views
from accord.insights import review_views as views

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("new/", views.review_create, name="review_create"),
    path("<uuid:review>/", views.review_detail, name="review_detail"),
    path("<uuid:review>/pack/", views.review_generate, name="review_generate"),
    path("<uuid:review>/feedback/", views.review_feedback, name="review_feedback"),
    path("<uuid:review>/adjustments/", views.review_adjust, name="review_adjust"),
    path("<uuid:review>/complete/", views.review_complete, name="review_complete"),
    # The report and exports of the pack (accord/insights/report_views.py, reports area).
    path("<uuid:review>/report/", report_views.review_report, name="review_report"),
    path("<uuid:review>/report.pdf", report_views.review_report_pdf, name="review_report_pdf"),
    path("<uuid:review>/export.csv", report_views.review_export_csv, name="review_export_csv"),
    path("<uuid:review>/export.xlsx", report_views.review_export_xlsx, name="review_export_xlsx"),
]
