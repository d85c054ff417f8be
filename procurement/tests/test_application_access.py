"""Sealing: every application URL for every role, before the deadline and after it.

Before the deadline only the organization's members see anything of its application: not
finance staff, not the municipality's auditor, not the commission, not the administrator. After
it, the municipality's finance staff and auditor (and administrators) see submitted applications;
members of other organizations never do. The auditor screens nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from organizations.factories import PDF_BYTES, OrganizationDocumentFactory
from procurement.factories import (
    ApplicationFactory,
    CommissionMemberFactory,
    CompetitionFactory,
    EligibilityRequirementFactory,
    RequiredDocumentFactory,
    fill_application,
)
from procurement.models import Application, ApplicationAttachment
from procurement.services import applications as services
from procurement.views.applications import budget_line_rows
from ssp_portal.audit.models import AuditEvent
from ssp_portal.tests.access import PERSONAS, Row, everyone, only, run_row, signed_in
from ssp_portal.tests.rows import rows_post

ROLES = [*PERSONAS, "commission_member"]


@dataclass
class Applications:
    """The organization's applications in each state, sealed and unsealed."""

    open_competition: object
    sealed: Application  # submitted, before the deadline
    draft: Application  # complete draft, before the deadline
    withdrawn: Application
    closed_competition: object
    unsealed: Application  # submitted, after the deadline
    closed_draft: Application  # never submitted, after the deadline


def snapshot(applications: Applications) -> tuple:
    rows = Application.objects.order_by("pk").values_list(
        "state", "receipt_number", "summary", "withdrawn_at", "screened_at", "requested_amount"
    )
    return list(rows), Application.objects.count(), ApplicationAttachment.objects.count()


MEMBER_ONLY = only({"nco_member": 200}, others=404)
MEMBER_ACTS = only({"nco_member": 302}, others=404)
UNSEALED_READERS = only(
    {"nco_member": 200, "finance_staff": 200, "auditor": 200, "admin_user": 200}, others=404
)
SCREENERS = only({"finance_staff": 200, "nco_member": 403, "auditor": 403, "admin_user": 403}, others=404)
# The competition's list of applications: counts only while sealed, to its staff and auditor.
LISTED = only({"finance_staff": 200, "auditor": 200}, others=403)


def section_post(applications: Applications) -> dict:
    return {"project_title": "Changed", "summary": "Changed"}


def budget_post(applications: Applications) -> dict:
    """The stored lines removed, one new line of 150,000."""
    stored = list(
        applications.draft.budget_lines.values(
            "id", "category", "description", "unit", "quantity", "unit_cost"
        )
    )
    return {
        "requested_amount": "150000",
        "cofinancing_own": "0",
        "cofinancing_other": "0",
        "cofinancing_sources": "",
        **rows_post(
            "lines",
            stored,
            [
                {
                    "category": "staff",
                    "description": "Worker",
                    "unit": "month",
                    "quantity": 15,
                    "unit_cost": 10000,
                }
            ],
            remove=[row["id"] for row in stored],
            shown=budget_line_rows(applications.draft),
        ),
    }


ROWS: dict[str, Row] = {
    # Before the deadline: sealed.
    "procurement:application-detail[sealed]": Row("get", lambda w: [w.sealed.pk], MEMBER_ONLY),
    "procurement:application-receipt[sealed]": Row("get", lambda w: [w.sealed.pk], MEMBER_ONLY),
    "procurement:attachment-download[sealed]": Row(
        "get", lambda w: [w.sealed.pk, w.sealed.attachments.first().pk], MEMBER_ONLY
    ),
    "procurement:application-detail[draft]": Row("get", lambda w: [w.draft.pk], MEMBER_ONLY),
    "procurement:application-section": Row("get", lambda w: [w.draft.pk, "project"], MEMBER_ONLY),
    "procurement:application-section[post]": Row(
        "post", lambda w: [w.draft.pk, "project"], MEMBER_ACTS, data=section_post, snapshot=snapshot
    ),
    "procurement:application-activities": Row("get", lambda w: [w.draft.pk], MEMBER_ONLY),
    "procurement:application-budget": Row("get", lambda w: [w.draft.pk], MEMBER_ONLY),
    "procurement:application-budget[post]": Row(
        "post", lambda w: [w.draft.pk], MEMBER_ACTS, data=budget_post, snapshot=snapshot
    ),
    "procurement:attachment-upload": Row(
        "post",
        lambda w: [w.draft.pk],
        MEMBER_ACTS,
        data=lambda w: {"required_document": "", "file": SimpleUploadedFile("more.pdf", PDF_BYTES)},
        snapshot=snapshot,
    ),
    "procurement:attachment-from-organization": Row(
        "post",
        lambda w: [w.draft.pk, w.document.pk],
        MEMBER_ACTS,
        data=lambda w: {f"document-{w.document.pk}-required_document": ""},
        snapshot=snapshot,
    ),
    # Another organization's document, by a guessed id: no one attaches it.
    "procurement:attachment-from-organization[other-organizations-document]": Row(
        "post",
        lambda w: [w.draft.pk, w.other_document.pk],
        only({}, others=404),
        data=lambda w: {f"document-{w.other_document.pk}-required_document": ""},
        snapshot=snapshot,
    ),
    # A submitted application is no longer changed: its members are told so, others see nothing.
    "procurement:attachment-from-organization[sealed]": Row(
        "post", lambda w: [w.sealed.pk, w.document.pk], MEMBER_ACTS, snapshot=snapshot
    ),
    "procurement:attachment-delete": Row(
        "post", lambda w: [w.draft.pk, w.draft.attachments.first().pk], MEMBER_ACTS, snapshot=snapshot
    ),
    "procurement:application-submit": Row("post", lambda w: [w.draft.pk], MEMBER_ACTS, snapshot=snapshot),
    "procurement:application-withdraw": Row("post", lambda w: [w.sealed.pk], MEMBER_ACTS, snapshot=snapshot),
    "procurement:application-new-version": Row(
        "post", lambda w: [w.withdrawn.pk], MEMBER_ACTS, snapshot=snapshot
    ),
    "procurement:application-screen[sealed]": Row(
        "get", lambda w: [w.sealed.pk], only({"nco_member": 403}, others=404)
    ),
    "procurement:competition-applications[sealed]": Row(
        "get", lambda w: [w.open_competition.reference], LISTED
    ),
    "procurement:application-start": Row(
        "post", lambda w: [w.open_competition.reference], signed_in(302), snapshot=None
    ),
    "procurement:my-applications": Row("get", lambda w: [], signed_in(200)),
    "procurement:receipt-verify": Row(
        "get", lambda w: [], everyone(200), data=lambda w: {"receipt_number": "x", "digest": "0" * 64}
    ),
    # After the deadline: finance staff of the municipality read submitted applications.
    "procurement:application-detail[unsealed]": Row("get", lambda w: [w.unsealed.pk], UNSEALED_READERS),
    "procurement:application-receipt[unsealed]": Row("get", lambda w: [w.unsealed.pk], UNSEALED_READERS),
    "procurement:attachment-download[unsealed]": Row(
        "get", lambda w: [w.unsealed.pk, w.unsealed.attachments.first().pk], UNSEALED_READERS
    ),
    "procurement:application-detail[unsubmitted-after-deadline]": Row(
        "get", lambda w: [w.closed_draft.pk], MEMBER_ONLY
    ),
    "procurement:application-screen": Row("get", lambda w: [w.unsealed.pk], SCREENERS),
    "procurement:application-screen[post]": Row(
        "post",
        lambda w: [w.unsealed.pk],
        {**SCREENERS, "finance_staff": 302},
        data=lambda w: {"decision": "eligible", "note": ""},
        snapshot=snapshot,
    ),
    "procurement:competition-applications[unsealed]": Row(
        "get", lambda w: [w.closed_competition.reference], LISTED
    ),
}


@pytest.fixture
def commission_member(applications):
    """In place of the shared persona (conftest.py): the chair of the open competition, a member of
    the closed one."""
    return applications.commission_member_user


@pytest.fixture
def applications(
    municipality,
    organization,
    nco_member,
    finance_staff,
    other_staff,
    consultant,
    other_member,
    other_organization,
):
    open_competition = CompetitionFactory(municipality=municipality, published=True)
    RequiredDocumentFactory(competition=open_competition)
    sealed = ApplicationFactory(competition=open_competition, organization=organization, submit=True)
    withdrawn_competition = CompetitionFactory(municipality=municipality, published=True)
    withdrawn = ApplicationFactory(
        competition=withdrawn_competition, organization=organization, withdrawn=True
    )
    draft_competition = CompetitionFactory(municipality=municipality, published=True)
    RequiredDocumentFactory(competition=draft_competition)
    draft = fill_application(ApplicationFactory(competition=draft_competition, organization=organization))

    closed_competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    RequiredDocumentFactory(competition=closed_competition)
    EligibilityRequirementFactory(competition=closed_competition)
    unsealed = ApplicationFactory(competition=closed_competition, organization=organization, submit=True)
    other_closed = CompetitionFactory(municipality=municipality, past_deadline=True)
    closed_draft = fill_application(ApplicationFactory(competition=other_closed, organization=organization))

    member = CommissionMemberFactory(competition=open_competition, role="chair").user
    CommissionMemberFactory(competition=closed_competition, user=member)
    applications = Applications(
        open_competition, sealed, draft, withdrawn, closed_competition, unsealed, closed_draft
    )
    applications.commission_member_user = member
    applications.document = OrganizationDocumentFactory(organization=organization)
    applications.other_document = OrganizationDocumentFactory(organization=other_organization)
    return applications


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ROLES)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, applications, client_for, request, django_capture_on_commit_callbacks):
    row = ROWS[key]
    expected = {**row.expected}
    expected.setdefault("commission_member", expected.get("no_role"))
    run_row(
        key,
        Row(row.method, row.args, expected, row.data, row.snapshot),
        persona,
        applications,
        client_for,
        request,
        django_capture_on_commit_callbacks,
    )


@pytest.mark.django_db
def test_sealed_content_appears_nowhere_for_staff_and_the_commission(
    applications, finance_staff, auditor, client_for, request
):
    """No page a finance officer, the auditor or a commission member can open shows a sealed
    application's words."""
    secret = "Warm winter"  # the project title of every one of these applications
    member = applications.commission_member_user
    for user in (finance_staff, auditor, member):
        client = client_for(user)
        for url in (
            reverse("procurement:competition-detail", args=[applications.open_competition.reference]),
            reverse("procurement:competition-applications", args=[applications.open_competition.reference]),
            reverse("procurement:staff-competitions", args=[applications.open_competition.municipality.slug]),
            reverse("procurement:my-applications"),
            reverse("home"),
        ):
            page = client.get(url).content.decode()
            assert secret not in page, (user, url)


@pytest.mark.django_db
def test_staff_see_counts_only_while_sealed(applications, finance_staff, client_for):
    response = client_for(finance_staff).get(
        reverse("procurement:competition-applications", args=[applications.open_competition.reference])
    )
    assert response.context["sealed"] is True
    assert response.context["counts"]["submitted"] == 1
    assert "page" not in response.context
    assert applications.sealed.receipt_number not in response.content.decode()


@pytest.mark.django_db
def test_the_admin_lists_no_sealed_application(applications, admin_user, client_for):
    client = client_for(admin_user)
    response = client.get(reverse("admin:procurement_application_changelist"))
    listed = {application.pk for application in response.context["cl"].result_list}
    assert listed == {applications.unsealed.pk}  # submitted, past its deadline: no draft, none sealed
    changelist = response.content.decode()
    assert applications.unsealed.receipt_number in changelist
    assert applications.sealed.receipt_number not in changelist
    sealed_page = client.get(
        reverse("admin:procurement_application_change", args=[applications.sealed.pk]), follow=True
    )
    assert "Warm winter" not in sealed_page.content.decode()
    attachments = client.get(reverse("admin:procurement_applicationattachment_changelist"))
    listed = {a.application_id for a in attachments.context["cl"].result_list}
    assert listed == {applications.unsealed.pk}
    sealed_attachment = applications.sealed.attachments.first()
    page = client.get(
        reverse("admin:procurement_applicationattachment_change", args=[sealed_attachment.pk]), follow=True
    ).content.decode()
    assert sealed_attachment.file.name not in page


@pytest.mark.django_db
def test_a_guessed_id_of_another_organizations_application_is_404(applications, other_member, client_for):
    client = client_for(other_member)
    for application in (applications.sealed, applications.unsealed, applications.draft):
        attachment = application.attachments.first()
        assert client.get(reverse("procurement:application-detail", args=[application.pk])).status_code == 404
        assert (
            client.get(
                reverse("procurement:attachment-download", args=[application.pk, attachment.pk])
            ).status_code
            == 404
        )
        assert (
            client.get(
                reverse("documents:download", args=["00000000-0000-0000-0000-000000000000"])
            ).status_code
            == 404
        )


@pytest.mark.django_db
def test_the_audit_trail_names_no_applicant(applications, finance_staff, client_for):
    """Application events stay off the municipality's timeline and name no organization."""
    services.application_withdraw(
        application=applications.sealed, by=applications.sealed.organization.memberships.first().user
    )
    page = client_for(finance_staff).get(
        reverse("procurement:staff-competitions", args=[applications.open_competition.municipality.slug])
    )
    assert "Application withdrawn" not in page.content.decode()

    event = AuditEvent.objects.get(verb="application.withdrawn")
    assert applications.sealed.organization.name not in event.target_label
