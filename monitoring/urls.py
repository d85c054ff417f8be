from django.urls import path

from monitoring.views import projects, public, queue, reports, reviews, setup, tranches, visits

app_name = "monitoring"

ATTACHMENT = "reports/<int:pk>/attachments/<int:attachment_pk>/"

urlpatterns = [
    path(
        "municipalities/<slug:slug>/projects/", projects.municipality_projects, name="municipality-projects"
    ),
    path(
        "municipalities/<slug:slug>/tranches/", projects.municipality_tranches, name="municipality-tranches"
    ),
    path("awards/<int:pk>/contract/", projects.contract, name="contract"),
    path("projects/<int:pk>/", projects.project_detail, name="project-detail"),
    path("projects/<int:pk>/public/", public.project_public, name="project-public"),
    path(
        "projects/<int:pk>/indicators/", setup.project_rows, {"kind": "indicators"}, name="project-indicators"
    ),
    path("projects/<int:pk>/tranches/", setup.project_rows, {"kind": "tranches"}, name="project-tranches"),
    path("projects/<int:pk>/schedule/", setup.project_rows, {"kind": "reports"}, name="project-schedule"),
    path("projects/<int:pk>/schedule/fill/", setup.project_schedule_fill, name="project-schedule-fill"),
    path("projects/<int:pk>/state/<slug:state>/", projects.project_state, name="project-state"),
    path("projects/<int:pk>/tranches/<int:tranche_pk>/paid/", tranches.tranche_paid, name="tranche-paid"),
    path("projects/<int:pk>/visits/new/", visits.site_visit_create, name="visit-create"),
    path("projects/<int:pk>/visits/photos/<int:photo_pk>/", visits.visit_photo, name="visit-photo"),
    path("reports/<int:pk>/", reports.report_detail, name="report-detail"),
    path("reports/<int:pk>/save/", reports.report_save, name="report-save"),
    path("reports/<int:pk>/attachments/", reports.report_attach, name="report-attach"),
    path(ATTACHMENT, reports.report_attachment, name="report-attachment"),
    path(f"{ATTACHMENT}delete/", reports.report_detach, name="report-detach"),
    path("reports/<int:pk>/review/", reviews.report_review, name="report-review"),
    path("monitoring/", queue.reviewer_queue, name="queue"),
    path("my-reports/", queue.reports_due, name="reports-due"),
]
