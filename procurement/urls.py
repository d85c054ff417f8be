from django.urls import path

from procurement.views import (
    applications,
    competition_changes,
    competition_rows,
    competitions,
    evaluation,
    priority_issues,
    subscriptions,
)

app_name = "procurement"

urlpatterns = [
    # Public
    path("competitions/", competitions.competition_list, name="competition-list"),
    path("competitions/<str:reference>/", competitions.competition_detail, name="competition-detail"),
    path(
        "competitions/<str:reference>/receipts/",
        competitions.competition_receipts,
        name="competition-receipts",
    ),
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
        competition_rows.competition_criteria,
        name="competition-criteria",
    ),
    path(
        "competitions/<str:reference>/documents/",
        competition_rows.competition_documents,
        name="competition-documents",
    ),
    path(
        "competitions/<str:reference>/eligibility/",
        competition_rows.competition_eligibility,
        name="competition-eligibility",
    ),
    path(
        "competitions/<str:reference>/commission/",
        competition_rows.competition_commission,
        name="competition-commission",
    ),
    path(
        "competitions/<str:reference>/publish/",
        competition_changes.competition_publish,
        name="competition-publish",
    ),
    path(
        "competitions/<str:reference>/start-evaluation/",
        competition_changes.competition_start_evaluation,
        name="competition-start-evaluation",
    ),
    path(
        "competitions/<str:reference>/complete/",
        competition_changes.competition_complete,
        name="competition-complete",
    ),
    path(
        "competitions/<str:reference>/cancel/",
        competition_changes.competition_cancel,
        name="competition-cancel",
    ),
    path(
        "competitions/<str:reference>/amend/", competition_changes.competition_amend, name="competition-amend"
    ),
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
    # Applications
    path("competitions/<str:reference>/apply/", applications.application_start, name="application-start"),
    path(
        "competitions/<str:reference>/applications/",
        applications.competition_applications,
        name="competition-applications",
    ),
    path("applications/", applications.my_applications, name="my-applications"),
    path("applications/<int:pk>/", applications.application_detail, name="application-detail"),
    path(
        "applications/<int:pk>/sections/<slug:section>/",
        applications.application_section,
        name="application-section",
    ),
    path(
        "applications/<int:pk>/activities/",
        applications.application_activities,
        name="application-activities",
    ),
    path("applications/<int:pk>/budget/", applications.application_budget, name="application-budget"),
    path("applications/<int:pk>/attachments/", applications.attachment_upload, name="attachment-upload"),
    path(
        "applications/<int:pk>/attachments/from-organization/<int:document_pk>/",
        applications.attachment_from_organization,
        name="attachment-from-organization",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        applications.attachment_download,
        name="attachment-download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/delete/",
        applications.attachment_delete,
        name="attachment-delete",
    ),
    path("applications/<int:pk>/submit/", applications.application_submit, name="application-submit"),
    path("applications/<int:pk>/withdraw/", applications.application_withdraw, name="application-withdraw"),
    path(
        "applications/<int:pk>/new-version/",
        applications.application_new_version,
        name="application-new-version",
    ),
    path("applications/<int:pk>/receipt/", applications.application_receipt, name="application-receipt"),
    path("applications/<int:pk>/screen/", applications.application_screen, name="application-screen"),
    path("receipts/verify/", applications.receipt_verify, name="receipt-verify"),
    # Evaluation and award
    path("commission/", evaluation.commission_home, name="commission-home"),
    path("competitions/<str:reference>/evaluation/", evaluation.evaluation_overview, name="evaluation"),
    path("competitions/<str:reference>/declaration/", evaluation.declaration, name="declaration"),
    path("competitions/<str:reference>/ranking/", evaluation.ranking, name="ranking"),
    path("competitions/<str:reference>/awards/", evaluation.awards, name="awards"),
    path("applications/<int:pk>/score/", evaluation.score_sheet, name="score-sheet"),
    path("applications/<int:pk>/award/", evaluation.award_grant, name="award-grant"),
    path("awards/<int:pk>/revoke/", evaluation.award_revoke, name="award-revoke"),
    path("score-sheets/<int:pk>/reopen/", evaluation.sheet_reopen, name="sheet-reopen"),
    # Following
    path("following/", subscriptions.subscription_list, name="subscription-list"),
    path("following/add/", subscriptions.follow, name="follow"),
    path("following/<int:pk>/remove/", subscriptions.unfollow, name="unfollow"),
]
