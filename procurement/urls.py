from django.urls import path

from procurement.views import competitions, priority_issues, subscriptions

app_name = "procurement"

urlpatterns = [
    # Public
    path("competitions/", competitions.competition_list, name="competition-list"),
    path("competitions/<str:reference>/", competitions.competition_detail, name="competition-detail"),
    path("priority-issues/", priority_issues.priority_issue_list, name="priority-issue-list"),
    # Finance staff
    path(
        "municipalities/<slug:slug>/competitions/", competitions.staff_competitions, name="staff-competitions"
    ),
    path(
        "municipalities/<slug:slug>/competitions/new/",
        competitions.competition_create,
        name="competition-create",
    ),
    path("competitions/<str:reference>/edit/", competitions.competition_edit, name="competition-edit"),
    path(
        "competitions/<str:reference>/criteria/",
        competitions.competition_criteria,
        name="competition-criteria",
    ),
    path(
        "competitions/<str:reference>/documents/",
        competitions.competition_documents,
        name="competition-documents",
    ),
    path(
        "competitions/<str:reference>/eligibility/",
        competitions.competition_eligibility,
        name="competition-eligibility",
    ),
    path(
        "competitions/<str:reference>/commission/",
        competitions.competition_commission,
        name="competition-commission",
    ),
    path(
        "competitions/<str:reference>/publish/", competitions.competition_publish, name="competition-publish"
    ),
    path(
        "competitions/<str:reference>/start-evaluation/",
        competitions.competition_start_evaluation,
        name="competition-start-evaluation",
    ),
    path(
        "competitions/<str:reference>/complete/",
        competitions.competition_complete,
        name="competition-complete",
    ),
    path("competitions/<str:reference>/cancel/", competitions.competition_cancel, name="competition-cancel"),
    path("competitions/<str:reference>/amend/", competitions.competition_amend, name="competition-amend"),
    path(
        "municipalities/<slug:slug>/priority-issues/",
        priority_issues.priority_issue_manage,
        name="priority-issue-manage",
    ),
    path(
        "municipalities/<slug:slug>/priority-issues/new/",
        priority_issues.priority_issue_create,
        name="priority-issue-create",
    ),
    path("priority-issues/<int:pk>/edit/", priority_issues.priority_issue_edit, name="priority-issue-edit"),
    path(
        "priority-issues/<int:pk>/approve/",
        priority_issues.priority_issue_approve,
        name="priority-issue-approve",
    ),
    # Following
    path("following/", subscriptions.subscription_list, name="subscription-list"),
    path("following/add/", subscriptions.follow, name="follow"),
    path("following/<int:pk>/remove/", subscriptions.unfollow, name="unfollow"),
]
