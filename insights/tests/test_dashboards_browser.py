"""A visitor goes from the home page to a municipality's dashboard on a phone, in Kyrgyz: the
charts fit the screen; from its list of projects they open one and see its indicators and the
tranches paid."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from insights.tests import dashboard_world
from monitoring.models import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_the_dashboard_and_its_charts_fit_a_phone(
    page: Page, live_server, municipality, other_municipality, tmp_path
):
    world = dashboard_world.build(municipality, other_municipality)
    Indicator.objects.create(
        project=world.project, name="Children in the after-school programme", unit="children", target=40
    )
    page.set_viewport_size({"width": 360, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "ky", "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    page.get_by_test_id("dashboard-links").get_by_role("link", name=municipality.name).click()

    expect(page).to_have_url(f"{live_server.url}/municipalities/{municipality.slug}/dashboard/")
    expect(page.locator("svg.ssp-chart")).to_have_count(4)
    expect(page.get_by_test_id("staff-dashboard")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    widths = page.evaluate(
        "[...document.querySelectorAll('svg.ssp-chart')].map(s => s.getBoundingClientRect().right)"
    )
    assert widths and all(right <= 360 for right in widths)
    page.screenshot(path=tmp_path / "dashboard-360-ky.png", full_page=True)

    page.get_by_test_id("public-projects").get_by_role("link", name=world.project.contract_number).click()
    expect(page).to_have_url(f"{live_server.url}/projects/{world.project.pk}/")
    expect(page.get_by_test_id("indicators")).to_contain_text("Children in the after-school programme")
    expect(page.get_by_test_id("paid-tranches")).to_contain_text("75\u00a0000")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=tmp_path / "project-360-ky.png", full_page=True)
