"""The portal speaks the language of its reader, in Chromium: a browser that asks for Kyrgyz gets
Kyrgyz, and a switch to Russian holds across pages and through logging in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from organizations.demo import DEMO_PASSWORD
from organizations.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kyrgyz_browser_then_russian_through_log_in(browser: Browser, live_server, demo_data):
    User.objects.filter(email="baldarga@ngo.example").update(language="ky")
    context = browser.new_context(locale="ky-KG", extra_http_headers={"Accept-Language": "ky-KG,ky;q=0.9"})
    page = context.new_page()

    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "ky")
    expect(page.get_by_role("link", name="Кирүү").first).to_be_visible()

    # The switcher names each language in its own name.
    page.get_by_role("button", name="Тил").click()
    names = page.locator("form[action$='/i18n/setlang/'] button").all_inner_texts()
    assert [n.strip() for n in names] == ["Кыргызча", "Русский", "English"]
    page.get_by_role("button", name="Русский").click()
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    page.goto(live_server.url + "/competitions/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")

    page.get_by_role("link", name="Войти").first.click()
    page.locator("input[name=login]").fill("baldarga@ngo.example")
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.get_by_test_id("account-menu")).to_be_visible()
    assert User.objects.get(email="baldarga@ngo.example").language == "ru"

    page.goto(live_server.url + "/applications/")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    context.close()
