"""An organization reports, a consultant asks for a revision and then accepts, finance staff pay
the tranche that waited for the report, and the project summary PDF says so. In Chromium."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from monitoring.models import MonitoringReport, PaymentTranche
from monitoring.tests.contracted_project import build
from organizations.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from ssp_portal.documents.tests.conftest import pdf_text
from ssp_portal.tests.browser import log_in
from ssp_portal.tests.samples import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JPEG_BYTES = image_bytes("JPEG")


def log_out(page: Page) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()


def test_a_report_is_revised_accepted_and_its_tranche_paid(page: Page, live_server):
    base = live_server.url
    karakol = MunicipalityFactory(name="Karakol", code="KRK")
    staff = MunicipalityMembershipFactory(municipality=karakol).user
    organization = OrganizationFactory(name="Baldarga Tirek", verified=True)
    member = OrganizationMembershipFactory(organization=organization).user
    contracted = build(karakol, organization, staff)
    consultant = contracted.consultant
    report = contracted.reports[0]
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    # The organization writes the first interim report.
    log_in(page, base, member.email)
    page.goto(f"{base}/my-reports/")
    due = page.get_by_test_id("reports-due")
    expect(due.locator("a").first).to_contain_text("Interim report 1")
    # Its period ended in March: it is overdue until it is submitted.
    expect(due.locator("a").first.locator('[data-report-state="overdue"]')).to_be_visible()
    due.locator("a").first.click()

    # The whole draft is one form: a value of the wrong kind is refused beside its field, and
    # everything else typed is still there to save again.
    page.get_by_label("Activities carried out").fill("Twelve cooking classes for young mothers.")
    page.get_by_label("Results").fill("Forty women completed the course.")
    page.get_by_label("Beneficiaries reached").fill("40")
    page.get_by_label("People reached (people)").fill("40.5")
    page.get_by_label("Satisfaction (%)").fill("70")
    page.get_by_label("This period: Staff").fill("25000")
    page.get_by_label("This period: Supplies").fill("12000")
    spending = page.get_by_test_id("expenditure-form")
    # The running sums follow the amounts as they are typed.
    expect(page.get_by_test_id("spending-totals")).to_contain_text("KGS\u00a037,000")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_test_id("form-errors")).to_contain_text("The draft is not saved.")
    expect(page.locator("#indicators")).to_contain_text("People reached is counted in whole numbers.")
    expect(page.get_by_label("Activities carried out")).to_have_value(
        "Twelve cooking classes for young mothers."
    )
    expect(page.get_by_label("This period: Supplies")).to_have_value("12000")
    page.get_by_label("People reached (people)").fill("40")
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".alert-success")).to_contain_text("The draft is saved.")
    # Approved: staff 100,000, supplies 50,000; nothing spent before this report.
    expect(spending.locator('[data-line="Staff"] [data-cumulative]')).to_have_text("KGS\u00a025,000")
    expect(page.get_by_test_id("spending-totals")).to_contain_text("KGS\u00a037,000")
    report.refresh_from_db()
    assert (report.activities, report.beneficiaries_reached) == (
        "Twelve cooking classes for young mothers.",
        40,
    )
    assert sorted(report.indicator_values.values_list("value", flat=True)) == [40, 70]

    page.get_by_label("What it is").select_option(label="Photo")
    page.get_by_label("File").set_input_files(
        {"name": "class.jpg", "mimeType": "image/jpeg", "buffer": JPEG_BYTES}
    )
    page.locator("#attachment_form").get_by_role("button", name="Attach").click()
    expect(page.get_by_test_id("report-attachments")).to_contain_text("class.jpg")

    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Submitted")
    expect(page.get_by_test_id("report-state").locator('[data-report-state="overdue"]')).to_have_count(0)
    log_out(page)

    # The consultant finds it in the work list and asks for a revision of the spending.
    log_in(page, base, consultant.email)
    page.locator("#main-nav").get_by_role("link", name="Monitoring").click()
    page.get_by_test_id("to-review").get_by_role("link", name=re.compile("Interim report 1")).click()
    page.get_by_label("Ask for a revision").check()
    page.get_by_label("Comment on: Expenditure").fill("Attach the receipts for the supplies.")
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Revision requested")
    expect(page.get_by_test_id("rounds")).to_contain_text("Attach the receipts for the supplies.")
    log_out(page)

    # Finance staff cannot pay the second tranche yet: it waits for this report.
    log_in(page, base, staff.email)
    page.goto(f"{base}{contracted.project.get_absolute_url()}")
    second = page.get_by_test_id("tranches").locator('tr[data-tranche="2"]')
    second.get_by_label("Paid on").fill(timezone.localdate().isoformat())
    second.get_by_role("button", name="Mark paid").click()
    expect(page.get_by_test_id("confirmation-problems")).to_contain_text("it is not accepted yet")
    expect(page.get_by_test_id("confirmation-form")).to_have_count(0)
    assert PaymentTranche.objects.get(project=contracted.project, number=2).paid_on is None
    log_out(page)

    # The organization reads the comment, attaches a receipt, corrects the spending and resubmits.
    log_in(page, base, member.email)
    page.goto(f"{base}{report.get_absolute_url()}")
    expect(page.get_by_test_id("revision-comments")).to_contain_text("Attach the receipts for the supplies.")
    page.get_by_label("What it is").select_option(label="Receipt or invoice")
    page.get_by_label("File").set_input_files(
        {"name": "receipt.jpg", "mimeType": "image/jpeg", "buffer": JPEG_BYTES}
    )
    page.locator("#attachment_form").get_by_role("button", name="Attach").click()
    page.get_by_label("This period: Supplies").fill("11500")
    page.get_by_label("Your answer on: Expenditure").fill(
        "The receipt is attached; one purchase was counted twice."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(
        page.get_by_test_id("expenditure-form").locator('[data-line="Supplies"] [data-cumulative]')
    ).to_have_text("KGS\u00a011,500")
    page.get_by_role("button", name="Submit the report").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Submitted")
    log_out(page)

    # The consultant accepts; both rounds stay in the history.
    log_in(page, base, consultant.email)
    page.goto(f"{base}{report.get_absolute_url()}")
    page.get_by_label("Accept the report").check()
    page.get_by_role("button", name="Record the review").click()
    expect(page.get_by_test_id("report-state")).to_contain_text("Accepted")
    rounds = page.get_by_test_id("rounds")
    expect(rounds).to_contain_text("Round 1")
    expect(rounds).to_contain_text("Round 2")
    expect(rounds).to_contain_text("Revision requested")
    log_out(page)

    # Finance staff pay the tranche and prepare the project summary.
    log_in(page, base, staff.email)
    page.goto(f"{base}{contracted.project.get_absolute_url()}")
    paid_on = timezone.localdate()
    second = page.get_by_test_id("tranches").locator('tr[data-tranche="2"]')
    second.get_by_label("Paid on").fill(paid_on.isoformat())
    second.get_by_role("button", name="Mark paid").click()
    details = page.get_by_test_id("tranche-details")
    expect(details).to_contain_text(f"{paid_on.day} {paid_on.strftime('%B')} {paid_on.year}")
    expect(details).to_contain_text(contracted.project.contract_number)
    assert PaymentTranche.objects.get(project=contracted.project, number=2).paid_on is None
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_test_id("tranches").locator('tr[data-tranche="2"]')).to_contain_text("Paid")
    panel = page.locator("#document-project-summary")
    panel.get_by_role("button", name="Prepare").click()
    with page.expect_download() as download_info:
        page.locator("#document-project-summary").get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == "project-KRK-2026-001-1.pdf"
    with open(download.path(), "rb") as pdf:
        text = " ".join(pdf_text(pdf.read()).split())
    assert f"Paid {paid_on.day} {paid_on.strftime('%B')} {paid_on.year}" in text
    assert "Interim report 1" in text
    assert re.search(r"Interim report 1 .*? Accepted", text)

    report.refresh_from_db()
    assert report.state == MonitoringReport.State.ACCEPTED
    assert [r.decision for r in report.rounds.order_by("number")] == ["revision_requested", "accepted"]
    assert PaymentTranche.objects.get(project=contracted.project, number=2).paid_on == paid_on
