"""The open-data page as a person reads it on a phone, in Kyrgyz."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_open_data_page_reads_on_a_phone_in_kyrgyz(page: Page, live_server, municipality, tmp_path):
    page.set_viewport_size({"width": 360, "height": 800})
    page.context.add_cookies([{"name": "django_language", "value": "ky", "url": live_server.url}])
    page.goto(f"{live_server.url}/open-data/")
    expect(page.get_by_test_id("feed-releases")).to_contain_text("/ocds/release-package.json")
    # Nothing wider than the screen: the long addresses wrap.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path=tmp_path / "open-data-360-ky.png", full_page=True)
