"""On a phone the report form says what each save did where the person is: the outcome of a save
or a submission at the top of the form the page returns to, the mistakes to correct brought into
view and read out, and the field marked invalid. In Chromium at 360 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from monitoring.models import MonitoringReport
from monitoring.services import reports as report_services
from monitoring.tests.contracted_project import ContractedProject, build, fill
from organizations.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
)
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def contracted(page: Page, live_server) -> ContractedProject:
    """Baldarga Tirek's project in Karakol, its reports to write; the browser reads English."""
    karakol = MunicipalityFactory(name="Karakol", code="KRK")
    staff = MunicipalityMembershipFactory(municipality=karakol).user
    organization = OrganizationFactory(name="Baldarga Tirek", verified=True)
    OrganizationMembershipFactory(organization=organization)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    return build(karakol, organization, staff)


def test_the_outcome_of_each_save_is_on_the_screen_at_360_px(page: Page, live_server, contracted):
    base = live_server.url
    report = contracted.reports[0]
    log_in(page, base, contracted.member.email)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}{report.get_absolute_url()}")

    # Submitting with nothing written: what is missing stands at the top of the form, on screen.
    page.get_by_role("button", name="Submit the report").click()
    refused = page.locator("#report-form .alert-danger").first
    expect(refused).to_contain_text("The report is not submitted yet")
    expect(refused).to_be_in_viewport()

    # A saved draft says so on screen, above the form it returned to.
    page.get_by_label("Activities carried out").fill("Twelve cooking classes for young mothers.")
    page.get_by_role("button", name="Save the draft").click()
    saved = page.locator("#report-form .alert-success")
    expect(saved).to_contain_text("The draft is saved.")
    expect(saved).to_be_in_viewport()
    expect(page.locator("main > .messages")).to_have_count(0)  # said once, in the form

    # A hurried amount: the summary of what to correct is on screen and focused, the field is
    # marked invalid, and nothing is saved.
    page.get_by_label("This period: Staff").fill("abc")
    page.get_by_role("button", name="Save the draft").click()
    summary = page.get_by_test_id("form-errors")
    expect(summary).to_contain_text("The draft is not saved.")
    expect(summary).to_be_in_viewport()
    expect(summary).to_be_focused()
    expect(page.get_by_label("This period: Staff")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("This period: Staff")).to_have_value("abc")
    assert not MonitoringReport.objects.get(pk=report.pk).expenditures.exists()


def test_a_review_without_a_decision_brings_the_decision_into_view(page: Page, live_server, contracted):
    base = live_server.url
    report = contracted.reports[0]
    fill(contracted, report)
    report_services.report_submit(report=report, by=contracted.member)
    log_in(page, base, contracted.consultant.email)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{base}{report.get_absolute_url()}")
    page.get_by_label("Comment on: Expenditure").fill("Attach the receipts for the supplies.")
    page.get_by_role("button", name="Record the review").click()
    decision = page.get_by_label("Ask for a revision")
    expect(decision).to_have_attribute("aria-invalid", "true")
    expect(page.locator("form .is-invalid").first).to_be_focused()
    expect(page.locator("form .is-invalid").first).to_be_in_viewport()
    expect(page.get_by_label("Comment on: Expenditure")).to_have_value(
        "Attach the receipts for the supplies."
    )
    assert MonitoringReport.objects.get(pk=report.pk).state == MonitoringReport.State.SUBMITTED
