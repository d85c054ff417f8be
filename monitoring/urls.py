from django.urls import path

from monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("municipalities/<slug:slug>/projects/", views.municipality_projects, name="municipality-projects"),
    path("awards/<int:pk>/contract/", views.contract, name="contract"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
]
