"""A visitor downloads the public list of competitions, as filtered, as CSV from the page."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import Page, expect

from organizations.factories import MunicipalityFactory
from procurement.factories import CompetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_downloads_the_filtered_list_as_csv(page: Page, live_server):
    base = live_server.url
    karakol = MunicipalityFactory(name="Karakol", slug="karakol", code="KRK")
    kept = CompetitionFactory(municipality=karakol, published=True, title="Maintaining Public Order")
    CompetitionFactory(published=True, title="Another municipality's competition")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
    page.set_viewport_size({"width": 360, "height": 800})

    page.goto(f"{base}/competitions/")
    page.get_by_label("Municipality").select_option(label="Karakol")
    page.get_by_role("button", name="Find").click()
    expect(page.get_by_test_id("competition-results")).not_to_contain_text("Another municipality")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    with page.expect_download() as download_info:
        page.get_by_test_id("export-links").get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig") as file:
        lines = list(csv.reader(io.StringIO(file.read())))
    assert lines[0][:3] == ["Reference", "Competition", "Municipality"]
    assert [line[:3] for line in lines[1:]] == [[kept.reference, "Maintaining Public Order", "Karakol"]]
