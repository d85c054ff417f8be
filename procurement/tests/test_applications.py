"""The application's life: drafts, submission and its receipt, withdrawal, screening."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organizations.factories import PDF_BYTES, OrganizationFactory, OrganizationMembershipFactory
from procurement import receipts, rules
from procurement.documents import RECEIPT
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    EligibilityRequirementFactory,
    fill_application,
    mark_submitted,
)
from procurement.models import Application, Competition
from procurement.services import applications as services
from procurement.services import attachments as attachment_services
from ssp_portal.audit.models import AuditEvent
from ssp_portal.documents.models import Document
from ssp_portal.files import PrivateFileField
from ssp_portal.tests.storage import replace_stored, stored_bytes

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def at(moment: datetime.datetime, monkeypatch) -> None:
    """The server's clock reads ``moment``."""
    monkeypatch.setattr(timezone, "now", lambda: moment)


# Starting ---------------------------------------------------------------------------------------


def test_a_member_of_a_verified_organization_starts_one_live_application(
    competition, organization, nco_member, draft
):
    assert draft.state == Application.State.DRAFT
    again = services.application_start(competition=competition, organization=organization, by=nco_member)
    assert again.pk == draft.pk
    assert Application.objects.count() == 1
    assert list(AuditEvent.objects.for_target(draft).values_list("verb", flat=True)) == [
        "application.started"
    ]


def test_a_pending_organization_cannot_apply(competition):
    organization = OrganizationFactory()
    member = OrganizationMembershipFactory(organization=organization).user
    with pytest.raises(ValidationError, match="verified"):
        services.application_start(competition=competition, organization=organization, by=member)


def test_only_members_start_for_their_organization(competition, organization, other_member):
    with pytest.raises(PermissionDenied):
        services.application_start(competition=competition, organization=organization, by=other_member)


@pytest.mark.parametrize("state", ["draft", "past_deadline", "closed", "completed", "cancelled"])
def test_only_an_open_competition_takes_applications(municipality, organization, nco_member, state):
    competition = CompetitionFactory(municipality=municipality, **({state: True} if state != "draft" else {}))
    with pytest.raises(ValidationError, match="not accepting"):
        services.application_start(competition=competition, organization=organization, by=nco_member)


# Drafts -----------------------------------------------------------------------------------------


def test_sections_are_saved_one_at_a_time(draft, nco_member):
    services.application_save_section(
        application=draft,
        by=nco_member,
        section="project",
        data={"project_title": "Warm winter", "summary": "S"},
    )
    services.application_save_section(
        application=draft, by=nco_member, section="problem", data={"problem": "P"}
    )
    draft.refresh_from_db()
    assert (draft.project_title, draft.summary, draft.problem) == ("Warm winter", "S", "P")


def test_the_page_lists_everything_missing(draft, competition):
    problems = rules.application_problems(draft)
    assert problems == [
        "Give the project a title.",
        "Write the summary.",
        "Describe the problem and its evidence.",
        "State the objectives.",
        "Describe the target group.",
        "Describe the expected results.",
        "Give the number of beneficiaries.",
        "List at least one activity.",
        "Add the budget lines.",
        "Give the requested amount.",
        "Attach: Charter.",
    ]
    fill_application(draft)
    assert rules.application_problems(draft) == []


def test_the_requested_amount_is_at_most_the_maximum_grant_and_the_budget_adds_up(draft, nco_member):
    fill_application(draft, amount=Decimal("250000"))
    assert rules.application_problems(draft) == [
        "The maximum grant of this competition is KGS\u00a0200,000: ask for that much or less "
        "(now KGS\u00a0250,000)."
    ]
    Application.objects.filter(pk=draft.pk).update(requested_amount=Decimal("149999.99"))
    draft.refresh_from_db()
    assert rules.application_problems(draft) == [
        "The budget lines add up to KGS\u00a0250,000, but the requested amount is KGS\u00a0149,999.99: "
        "make them equal, or leave the requested amount empty to ask for the total of the lines."
    ]


def test_budget_lines_compute_their_totals(draft, nco_member):
    services.application_set_budget_lines(
        application=draft,
        by=nco_member,
        lines=[
            services.BudgetLineData("staff", "Coordinator", "month", Decimal("9"), Decimal("8000")),
            services.BudgetLineData(
                "activities", "Meals", "child-month", Decimal("360.5"), Decimal("199.99")
            ),
        ],
    )
    lines = list(draft.budget_lines.all())
    # 360.5 × 199.99 = 72 096.395: half a tyiyn rounds up.
    assert [line.total for line in lines] == [Decimal("72000.00"), Decimal("72096.40")]
    assert draft.budget_total == Decimal("144096.40")


def test_attachments_count_towards_a_limit_per_application(draft, nco_member, settings):
    settings.SSP_APPLICATION_MAX_BYTES = len(PDF_BYTES) * 2
    field = PrivateFileField()
    for _ in range(2):
        attachment_services.application_attach(
            application=draft, by=nco_member, file=field.clean(SimpleUploadedFile("a.pdf", PDF_BYTES))
        )
    with pytest.raises(ValidationError) as info:
        attachment_services.application_attach(
            application=draft, by=nco_member, file=field.clean(SimpleUploadedFile("b.pdf", PDF_BYTES))
        )
    assert "in all" in info.value.message_dict["file"][0]
    assert draft.attachments.count() == 2


# Submitting -------------------------------------------------------------------------------------


def test_submission_issues_a_receipt(draft, nco_member, competition, django_capture_on_commit_callbacks):
    fill_application(draft)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = services.application_submit(application=draft, by=nco_member)
    assert submitted.state == Application.State.SUBMITTED
    assert re.fullmatch(
        rf"{competition.reference}-[{receipts.RECEIPT_ALPHABET}]{{6}}", submitted.receipt_number
    )
    assert len(submitted.digest) == 64
    assert submitted.digest == receipts.compute(submitted)
    assert receipts.verify(receipt_number=submitted.receipt_number, digest=submitted.digest)
    # The e-mail and the PDF receipt.
    assert mail.outbox[0].to == [nco_member.email]
    assert submitted.digest in mail.outbox[0].body
    receipt = Document.objects.for_subject(submitted, RECEIPT).get()
    assert receipt.state == Document.State.READY
    event = AuditEvent.objects.for_target(submitted).get(verb="application.submitted")
    assert event.details == {"receipt": submitted.receipt_number, "digest": submitted.digest}


def test_submission_says_everything_that_is_wrong_at_once(draft, nco_member):
    with pytest.raises(ValidationError) as info:
        services.application_submit(application=draft, by=nco_member)
    assert len(info.value.messages) == 11
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT
    assert draft.receipt_number is None


def test_a_submission_one_second_before_the_deadline_is_accepted(draft, nco_member, competition, monkeypatch):
    fill_application(draft)
    at(competition.deadline - SECOND, monkeypatch)
    submitted = services.application_submit(application=draft, by=nco_member)
    assert submitted.submitted_at == competition.deadline - SECOND


def test_a_submission_one_second_after_the_deadline_is_refused(draft, nco_member, competition, monkeypatch):
    fill_application(draft)
    at(competition.deadline + SECOND, monkeypatch)
    with pytest.raises(ValidationError) as info:
        services.application_submit(application=draft, by=nco_member)
    local = timezone.localtime(competition.deadline, competition.zone)
    # Day first, in the municipality's zone: "1 December 2026, 17:00".
    written = f"{local.day} {local:%B %Y, %H:%M}"
    assert info.value.messages == [
        f"The submission deadline passed at {written}; the application was not submitted."
    ]
    draft.refresh_from_db()
    assert draft.state == Application.State.DRAFT


def test_submitting_twice_returns_the_first_receipt(draft, nco_member):
    fill_application(draft)
    first = services.application_submit(application=draft, by=nco_member)
    with pytest.raises(services.AlreadySubmittedError) as info:
        services.application_submit(application=draft, by=nco_member)
    assert info.value.application.receipt_number == first.receipt_number
    assert Application.objects.exclude(receipt_number=None).count() == 1


def test_after_the_deadline_nothing_changes(draft, nco_member, competition, monkeypatch):
    at(competition.deadline + SECOND, monkeypatch)
    with pytest.raises(ValidationError, match="deadline has passed"):
        services.application_save_section(
            application=draft, by=nco_member, section="problem", data={"problem": "x"}
        )
    with pytest.raises(ValidationError, match="deadline has passed"):
        services.application_set_activities(application=draft, by=nco_member, activities=[])


def test_submitted_applications_do_not_change(draft, nco_member):
    fill_application(draft)
    services.application_submit(application=draft, by=nco_member)
    with pytest.raises(ValidationError, match="Only a draft"):
        services.application_save_section(
            application=draft, by=nco_member, section="problem", data={"problem": "x"}
        )


# The digest -------------------------------------------------------------------------------------


def test_the_digest_recomputes_equal_and_changes_with_one_attachment_byte(draft, nco_member):
    fill_application(draft)
    submitted = services.application_submit(application=draft, by=nco_member)
    assert receipts.compute(submitted) == submitted.digest

    attachment = submitted.attachments.get()
    data = bytearray(stored_bytes(attachment.file))
    data[-3] ^= 0x01
    replace_stored(attachment.file, bytes(data))

    assert receipts.compute(submitted) != submitted.digest


def test_the_digest_changes_with_any_field_or_row(draft, nco_member):
    fill_application(draft)
    submitted = services.application_submit(application=draft, by=nco_member)
    Application.objects.filter(pk=submitted.pk).update(summary="Changed behind the portal's back")
    assert receipts.compute(Application.objects.get(pk=submitted.pk)) != submitted.digest
    Application.objects.filter(pk=submitted.pk).update(summary=submitted.summary)
    assert receipts.compute(Application.objects.get(pk=submitted.pk)) == submitted.digest
    submitted.budget_lines.filter(position=0).update(unit_cost=Decimal("10000.01"))
    assert receipts.compute(Application.objects.get(pk=submitted.pk)) != submitted.digest


def test_verification_reveals_nothing_for_unknown_receipts():
    assert receipts.verify(receipt_number="KRK-2026-001-0001", digest="0" * 64) is False
    assert receipts.verify(receipt_number="", digest="") is False


# Withdrawal and new versions ---------------------------------------------------------------------


def test_withdraw_and_submit_a_new_version(draft, nco_member, competition):
    fill_application(draft)
    first = services.application_submit(application=draft, by=nco_member)
    withdrawn = services.application_withdraw(application=first, by=nco_member)
    assert withdrawn.state == Application.State.WITHDRAWN

    second = services.application_new_version(application=withdrawn, by=nco_member)
    assert (second.version, second.previous_id, second.state) == (2, first.pk, Application.State.DRAFT)
    assert second.summary == first.summary
    assert second.budget_total == first.budget_total
    copied = second.attachments.get()
    assert copied.file.name != first.attachments.get().file.name
    assert copied.file.read() == PDF_BYTES

    resubmitted = services.application_submit(application=second, by=nco_member)
    assert resubmitted.receipt_number.startswith(f"{competition.reference}-")
    assert resubmitted.receipt_number != first.receipt_number
    # The withdrawn version keeps its files: its receipt still verifies.
    assert receipts.verify(receipt_number=first.receipt_number, digest=first.digest)
    assert receipts.verify(receipt_number=resubmitted.receipt_number, digest=resubmitted.digest)
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"application.withdrawn", "application.new_version"} <= verbs


def test_a_new_version_is_made_once(draft, nco_member):
    fill_application(draft)
    services.application_submit(application=draft, by=nco_member)
    services.application_withdraw(application=draft, by=nco_member)
    first = services.application_new_version(application=draft, by=nco_member)
    again = services.application_new_version(application=draft, by=nco_member)
    assert first.pk == again.pk


def test_no_withdrawal_after_the_deadline(draft, nco_member, competition, monkeypatch):
    fill_application(draft)
    services.application_submit(application=draft, by=nco_member)
    at(competition.deadline + SECOND, monkeypatch)
    with pytest.raises(ValidationError, match="no longer be withdrawn"):
        services.application_withdraw(application=draft, by=nco_member)


# Screening --------------------------------------------------------------------------------------


@pytest.fixture
def closed_submission(municipality, organization, nco_member):
    competition = CompetitionFactory(municipality=municipality, past_deadline=True)
    return ApplicationFactory(competition=competition, organization=organization, submit=True)


def test_screening_eligible_and_ineligible_with_a_requirement(
    closed_submission, finance_staff, organization, django_capture_on_commit_callbacks, nco_member
):
    competition = closed_submission.competition
    requirement = EligibilityRequirementFactory(competition=competition, text="No tax arrears")
    other = ApplicationFactory(competition=competition, submit=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.application_screen(application=closed_submission, by=finance_staff, eligible=True)
        services.application_screen(
            application=other,
            by=finance_staff,
            eligible=False,
            requirement=requirement,
            note="Certificate is old",
        )
    closed_submission.refresh_from_db()
    other.refresh_from_db()
    assert closed_submission.state == Application.State.ELIGIBLE
    assert (other.state, other.ineligible_requirement, other.screening_note) == (
        Application.State.INELIGIBLE,
        requirement,
        "Certificate is old",
    )
    assert [m.to for m in mail.outbox] == [[nco_member.email]]  # the other organization has no members here
    assert "eligible" in mail.outbox[0].subject


def test_ineligible_needs_a_requirement_of_this_competition(closed_submission, finance_staff):
    foreign = EligibilityRequirementFactory()
    for requirement in (None, foreign):
        with pytest.raises(ValidationError):
            services.application_screen(
                application=closed_submission, by=finance_staff, eligible=False, requirement=requirement
            )
    closed_submission.refresh_from_db()
    assert closed_submission.state == Application.State.SUBMITTED


def test_screening_waits_for_the_deadline(draft, nco_member, finance_staff):
    fill_application(draft)
    mark_submitted(draft)
    with pytest.raises(ValidationError, match="after the deadline"):
        services.application_screen(application=draft, by=finance_staff, eligible=True)


@pytest.mark.parametrize("persona", ["nco_member", "other_staff", "consultant", "admin_user"])
def test_only_the_municipalitys_staff_screen(closed_submission, persona, request):
    with pytest.raises(PermissionDenied):
        services.application_screen(
            application=closed_submission, by=request.getfixturevalue(persona), eligible=True
        )


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (datetime.date(2027, 4, 1), datetime.date(2027, 9, 30), 6),
        (datetime.date(2027, 1, 15), datetime.date(2027, 7, 14), 6),
        (datetime.date(2027, 1, 15), datetime.date(2027, 7, 15), 7),
        (datetime.date(2027, 4, 1), datetime.date(2027, 12, 31), 9),
        (datetime.date(2027, 2, 1), datetime.date(2027, 2, 10), 1),
    ],
)
def test_a_project_lasts_the_months_from_its_first_day(start, end, months):
    assert Competition(project_start=start, project_end=end).project_months == months
