"""A visitor who is not logged in opens a project of the Karakol demo from the home page: its
indicators, the tranches paid, the chart of spending and the public summary of its accepted
report; on a 360 px phone neither the page nor the chart scrolls sideways. In Chromium."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from monitoring.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(settings):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")


def test_a_visitor_opens_a_project_from_the_home_page(page: Page, live_server, demo):
    base = live_server.url
    project = Project.objects.select_related("organization").order_by("contract_number").first()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{base}/")
    page.get_by_test_id("latest-projects").get_by_role("link", name=project.title).click()

    expect(page).to_have_url(f"{base}{project.get_absolute_url()}")
    expect(page.get_by_role("heading", name=project.title)).to_be_visible()
    expect(page.get_by_test_id("project-organization")).to_contain_text(project.organization.name)
    indicators = page.get_by_test_id("indicators")
    for indicator in project.indicators.all():
        expect(indicators).to_contain_text(indicator.name)
    paid = page.get_by_test_id("paid-tranches")
    expect(paid.locator("tbody tr")).to_have_count(project.tranches.filter(paid_on__isnull=False).count())
    expect(paid).to_contain_text("Total paid")
    # The accepted report shows the sections its organization made public, not its problems.
    summary = page.get_by_test_id("public-report")
    expect(summary.first).to_contain_text("The activities of the period went as planned")
    expect(page.locator("main")).not_to_contain_text("Winter heating cost more than planned")
    chart = page.locator("#chart-spending svg")
    expect(chart).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = chart.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
