"""Finance staff prepare and download the auditor's bundle from the completed competition's page,
on a phone-sized screen in Kyrgyz. In Chromium."""

from __future__ import annotations

import zipfile

import pytest
from playwright.sync_api import Page, expect

from opendata.bundle import MANIFEST
from organizations.factories import MunicipalityFactory, MunicipalityMembershipFactory
from procurement.factories import ApplicationAttachmentFactory, AwardFactory
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_prepare_and_download_the_bundle(page: Page, live_server, tmp_path):
    base = live_server.url
    karakol = MunicipalityFactory(name="Karakol", code="KRK")
    staff = MunicipalityMembershipFactory(municipality=karakol).user
    award = AwardFactory(application__competition__municipality=karakol)
    ApplicationAttachmentFactory(application=award.application)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    log_in(page, base, staff.email)  # at the desktop width, where the account menu shows
    page.set_viewport_size({"width": 360, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "ky", "url": base}])
    page.goto(f"{base}{award.competition.get_absolute_url()}")
    panel = page.get_by_test_id("auditor-bundle")
    panel.locator("button[type=submit]").click()
    panel = page.get_by_test_id("auditor-bundle")
    expect(panel.locator('[data-document-state="ready"]')).to_be_visible()
    panel.scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "bundle-ky-360.png"), full_page=False)
    with page.expect_download() as download:
        panel.locator("a.btn-primary").click()
    path = download.value.path()
    with zipfile.ZipFile(path) as archive:
        assert MANIFEST in archive.namelist()
