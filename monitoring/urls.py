from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("municipalities/<slug:slug>/projects/", views.municipality_projects, name="municipality-projects"),
    path("awards/<int:pk>/contract/", views.contract, name="contract"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/indicators/", views.project_indicators, name="project-indicators"),
    path("projects/<int:pk>/tranches/", views.project_tranches, name="project-tranches"),
    path("projects/<int:pk>/schedule/", views.project_schedule, name="project-schedule"),
    path("projects/<int:pk>/schedule/fill/", views.project_schedule_fill, name="project-schedule-fill"),
    path("projects/<int:pk>/state/<slug:state>/", views.project_state, name="project-state"),
    path("projects/<int:pk>/tranches/<int:tranche_pk>/paid/", views.tranche_paid, name="tranche-paid"),
    path("projects/<int:pk>/visits/new/", views.site_visit_create, name="visit-create"),
    path("projects/<int:pk>/visits/photos/<int:photo_pk>/", views.visit_photo, name="visit-photo"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/save/", views.report_save, name="report-save"),
    path("reports/<int:pk>/attachments/", views.report_attach, name="report-attach"),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/", views.report_attachment, name="report-attachment"
    ),
    path(
        "reports/<int:pk>/attachments/<int:attachment_pk>/delete/", views.report_detach, name="report-detach"
    ),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("monitoring/", views.reviewer_queue, name="queue"),
    path("my-reports/", views.reports_due, name="reports-due"),
]
