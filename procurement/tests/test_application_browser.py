"""An NCO applies in Chromium: every section, budget lines, files; submits, keeps the receipt,
withdraws and submits a new version."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from organizations.factories import PASSWORD, PDF_BYTES, OrganizationMembershipFactory
from procurement.factories import CompetitionFactory, RequiredDocumentFactory
from procurement.models import Application
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def edit(page: Page, section: str) -> None:
    page.locator(f"#section-{section}").get_by_role("link", name="Edit").click()


def test_an_nco_applies_submits_withdraws_and_resubmits(page: Page, live_server):
    base = live_server.url
    membership = OrganizationMembershipFactory(
        organization__verified=True, organization__name='Public Foundation "Baldarga Tirek"'
    )
    competition = CompetitionFactory(published=True, title="Maintaining Public Order")
    RequiredDocumentFactory(competition=competition, name="Charter", position=0)
    RequiredDocumentFactory(competition=competition, name="Registration certificate", position=1)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])

    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(membership.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.goto(f"{base}{competition.get_absolute_url()}")
    page.get_by_role("button", name=re.compile("Apply for")).click()
    expect(page.get_by_test_id("problems")).to_contain_text("Attach: Charter.")

    edit(page, "project")
    page.get_by_label("Project title").fill("Warm winter: outreach to homeless people")
    page.get_by_label("Summary").fill("Night outreach and a winter shelter.")
    page.get_by_role("button", name="Save").click()
    edit(page, "problem")
    page.get_by_label("The problem and its evidence").fill("35 people sleep rough in winter.")
    page.get_by_role("button", name="Save").click()
    edit(page, "objectives")
    page.get_by_label("Objectives").fill("Nobody freezes this winter.")
    page.get_by_label("Expected results").fill("20 people sheltered.")
    page.get_by_role("button", name="Save").click()
    edit(page, "target_group")
    page.get_by_label("Target group").fill("Homeless people in Karakol")
    page.get_by_label("Number of beneficiaries").fill("35")
    page.get_by_role("button", name="Save").click()

    edit(page, "activities")
    for i, (title, start, end) in enumerate([("Night outreach", "1", "6"), ("Winter shelter", "1", "4")]):
        page.locator(f"#id_activities-{i}-title").fill(title)
        page.locator(f"#id_activities-{i}-start_month").fill(start)
        page.locator(f"#id_activities-{i}-end_month").fill(end)
    page.get_by_role("button", name="Save").click()

    edit(page, "budget")
    page.get_by_label("Requested amount (soms)").fill("150000")
    page.get_by_label("Own contribution (soms)").fill("10000")
    page.get_by_role("button", name="Add a line").click()
    for i, (category, description, unit, quantity, cost) in enumerate(
        [("staff", "Outreach worker", "month", "6", "10000"), ("premises", "Shelter", "month", "3", "30000")]
    ):
        page.locator(f"#id_lines-{i}-category").select_option(category)
        page.locator(f"#id_lines-{i}-description").fill(description)
        page.locator(f"#id_lines-{i}-unit").fill(unit)
        page.locator(f"#id_lines-{i}-quantity").fill(quantity)
        page.locator(f"#id_lines-{i}-unit_cost").fill(cost)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("budget-total")).to_have_text("KGS\u00a0150,000")

    for document in ("Charter", "Registration certificate"):
        page.get_by_label("Which document").select_option(label=document)
        page.get_by_label("File").set_input_files(
            {"name": f"{document}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )
        page.get_by_role("button", name="Attach").click()
        expect(page.get_by_test_id("attachments")).to_contain_text(f"{document}.pdf")

    expect(page.get_by_test_id("submit-panel")).to_contain_text("Everything is in place.")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_test_id("receipt-number")).to_have_text(
        re.compile(rf"^{competition.reference}-\w{{6}}$")
    )
    receipt_number = page.get_by_test_id("receipt-number").inner_text().strip()
    digest = page.get_by_test_id("digest").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    with open(download_info.value.path(), "rb") as pdf:
        text = pdf_text(pdf.read())
    assert receipt_number in text
    assert digest[:32] in text.replace("\n", "")

    # Withdraw, start a new version, submit again.
    page.get_by_role("link", name=re.compile("Application ·")).click()
    page.get_by_role("button", name="Withdraw").click()
    expect(page.get_by_test_id("application-state")).to_contain_text("Withdrawn")
    page.get_by_role("button", name="Start a new version").click()
    expect(page.get_by_test_id("application-state")).to_contain_text("Draft")
    page.get_by_role("button", name="Submit the application").click()
    expect(page.get_by_test_id("receipt-number")).to_have_text(
        re.compile(rf"^{competition.reference}-\w{{6}}$")
    )
    assert page.get_by_test_id("receipt-number").inner_text().strip() != receipt_number

    versions = list(Application.objects.order_by("version").values_list("version", "state"))
    assert versions == [(1, "withdrawn"), (2, "submitted")]
