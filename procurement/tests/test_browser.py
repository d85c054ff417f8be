"""Finance staff announce a competition in Chromium; a visitor finds it and downloads the announcement."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from organizations.factories import PASSWORD, MunicipalityMembershipFactory
from procurement.factories import PriorityIssueFactory
from procurement.models import Competition
from ssp_portal.documents.tests.conftest import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_publish_a_competition_that_a_visitor_finds_and_downloads(page: Page, live_server):
    base = live_server.url
    membership = MunicipalityMembershipFactory(
        municipality__name="Karakol", municipality__slug="karakol", municipality__code="KRK"
    )
    staff, karakol = membership.user, membership.municipality
    PriorityIssueFactory(municipality=karakol, title="Work with homeless people")
    PriorityIssueFactory(title="Another municipality's issue")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    today = timezone.localdate()
    deadline = today + datetime.timedelta(days=40)

    # Finance staff draft the competition.
    page.goto(f"{base}/accounts/login/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.locator("#main-nav").get_by_role("link", name="Karakol").click()
    page.get_by_role("link", name="New competition").click()
    page.get_by_label("Title").fill("Maintaining Public Order")
    page.get_by_label("Priority issue").select_option(label=f"Work with homeless people ({today.year})")
    page.get_by_label("Description").fill("Outreach, winter shelter and a way back to work.")
    page.get_by_label("Total budget (soms)").fill("200000")
    page.get_by_label("Maximum grant per project (soms)").fill("200000")
    page.get_by_label("Number of projects expected").fill("1")
    page.get_by_label("Announcement date").fill(today.isoformat())
    page.get_by_label("Submission deadline").fill(f"{deadline.isoformat()}T17:00")
    page.get_by_label("Project start").fill((deadline + datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Project end").fill((deadline + datetime.timedelta(days=190)).isoformat())
    page.get_by_role("button", name="Save the draft").click()
    reference = f"KRK-{today.year}-001"
    expect(page.get_by_text(reference).first).to_be_visible()
    expect(page.get_by_test_id("publish-checks")).to_contain_text(
        "There is at least one evaluation criterion."
    )

    # Criteria: two rows are there, a third is added.
    page.get_by_test_id("manage-panel").get_by_role("link", name="Criteria").click()
    page.get_by_role("button", name="Add a criterion").click()
    for i, (name, weight) in enumerate([("Relevance", "50"), ("Approach", "30"), ("Budget", "20")]):
        page.locator(f"#id_criteria-{i}-name").fill(name)
        page.locator(f"#id_criteria-{i}-max_score").fill("10")
        page.locator(f"#id_criteria-{i}-weight").fill(weight)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("criteria")).to_contain_text("Approach")

    # The commission: a chair and two members, invited by e-mail.
    page.get_by_test_id("manage-panel").get_by_role("link", name="Commission").click()
    for i, (email, name, role) in enumerate(
        [
            ("chair@karakol.example", "Nurlan Asanov", "chair"),
            ("member1@karakol.example", "Aigul Mamytova", "member"),
            ("member2@karakol.example", "Bakyt Toktosunov", "member"),
        ]
    ):
        page.locator(f"#id_commission-{i}-email").fill(email)
        page.locator(f"#id_commission-{i}-full_name").fill(name)
        page.locator(f"#id_commission-{i}-role").select_option(role)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("commission")).to_contain_text("Nurlan Asanov")

    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_test_id("competition-state")).to_contain_text("Open for proposals")
    assert Competition.objects.get().state == Competition.State.PUBLISHED
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Log out").click()

    # A visitor finds it through the filters.
    page.goto(f"{base}/competitions/")
    page.get_by_label("Municipality").select_option(label="Karakol")
    page.get_by_label("State").select_option(label="Open for proposals")
    page.get_by_label("Search").fill("public order")
    page.get_by_role("button", name="Find").click()
    results = page.get_by_test_id("competition-results")
    expect(results).to_contain_text("Maintaining Public Order")
    results.get_by_role("link").first.click()
    expect(page.get_by_test_id("deadline")).to_contain_text("17:00")
    expect(page.get_by_test_id("budget")).to_have_text("KGS\u00a0200,000")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download").click()
    download = download_info.value
    assert download.suggested_filename == f"announcement-{reference}.pdf"
    with open(download.path(), "rb") as pdf:
        text = pdf_text(pdf.read())
    assert reference in text
    assert "Maintaining Public Order" in text
    assert "Relevance" in text
