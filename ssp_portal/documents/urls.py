from django.urls import path

from ssp_portal.documents import views

app_name = "documents"

urlpatterns = [
    path("request/<slug:kind>/<str:subject_id>/", views.request_document, name="request"),
    path("<uuid:pk>/status/", views.document_status, name="status"),
    path("<uuid:pk>/download/", views.download_document, name="download"),
]
