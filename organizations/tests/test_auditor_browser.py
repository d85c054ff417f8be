"""The demo's auditor of Karakol opens the municipality's projects in Chromium, on a phone, in
Kyrgyz: the list is there, with no form to record a grant agreement."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from organizations.models import User
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_demo_auditor_reads_the_projects_of_karakol(page: Page, live_server, settings, tmp_path):
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")
    User.objects.filter(email="auditor@karakol.example").update(language="ky")
    log_in(page, live_server.url, "auditor@karakol.example", "ssp-demo-2026")
    page.set_viewport_size({"width": 360, "height": 800})
    expect(page.get_by_test_id("auditor-home")).to_be_visible()
    page.goto(f"{live_server.url}/municipalities/karakol/projects/")
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    expect(page.get_by_test_id("read-only")).to_be_visible()
    expect(page.get_by_test_id("projects")).to_be_visible()
    expect(page.get_by_test_id("to-contract")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "auditor-projects-ky.png"), full_page=True)
