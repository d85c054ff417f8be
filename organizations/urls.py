from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/second-factor/postpone/", views.second_factor_postpone, name="second-factor-postpone"),
    path("organizations/register/", views.organization_register, name="organization-register"),
    path("organizations/review/", views.organization_review_list, name="organization-review-list"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization-detail"),
    path("organizations/<int:pk>/edit/", views.organization_edit, name="organization-edit"),
    path("organizations/<int:pk>/verify/", views.organization_verify, name="organization-verify"),
    path("organizations/<int:pk>/suspend/", views.organization_suspend, name="organization-suspend"),
    path(
        "organizations/<int:pk>/lift-suspension/",
        views.organization_suspension_lift,
        name="organization-lift-suspension",
    ),
    path("organizations/<int:pk>/invitations/", views.invitation_create, name="invitation-create"),
    path(
        "organizations/<int:pk>/invitations/<int:invitation_pk>/cancel/",
        views.invitation_cancel,
        name="invitation-cancel",
    ),
    path(
        "organizations/<int:pk>/members/<int:membership_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("invitations/<str:key>/", views.invitation_detail, name="invitation"),
    path("invitations/<str:key>/accept/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<str:key>/decline/", views.invitation_decline, name="invitation-decline"),
    path("invitations/<str:key>/account/", views.invitation_account, name="invitation-account"),
    path("organizations/<int:pk>/documents/upload/", views.document_upload, name="document-upload"),
    path(
        "organizations/<int:pk>/documents/<int:document_pk>/",
        views.document_download,
        name="document-download",
    ),
    path(
        "organizations/<int:pk>/documents/<int:document_pk>/delete/",
        views.document_delete,
        name="document-delete",
    ),
    path("municipalities/<slug:slug>/workspace/", views.municipality_detail, name="municipality-detail"),
]
