"""Finance staff download their projects list as XLSX from the page, in Chromium, and the file
holds what the page shows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from monitoring.tests.contracted_project import build
from organizations.factories import MunicipalityFactory, MunicipalityMembershipFactory, OrganizationFactory
from ssp_portal.tests.browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_projects_list_downloads_as_xlsx(page: Page, live_server):
    base = live_server.url
    karakol = MunicipalityFactory(name="Karakol", slug="karakol", code="KRK")
    staff = MunicipalityMembershipFactory(municipality=karakol).user
    build(karakol, OrganizationFactory(name="Baldarga Tirek", verified=True), staff, contract="KRK-1")
    build(karakol, OrganizationFactory(name="Ulukman Daryger", verified=True), staff, contract="KRK-2")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    log_in(page, base, staff.email)

    page.goto(f"{base}/municipalities/karakol/projects/?q=Baldarga")
    expect(page.get_by_test_id("projects").locator("tbody tr")).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_test_id("export-links").get_by_role("link", name="Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(header, rows[0], strict=True))
    assert len(rows) == 1, "the page's filter holds in the file"
    assert (row["Contract number"], row["Organization"]) == ("KRK-1", "Baldarga Tirek")
    assert row["Awarded amount"] == 150000 and isinstance(row["Awarded amount"], int | float)
