"""A competition published in Kyrgyz and Russian, read in Chromium: each reader sees it in the
language they switch to."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from procurement.factories import CompetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def switch_to(page: Page, language: str) -> None:
    """Through the language menu of the navigation bar."""
    page.locator("a.dropdown-toggle[aria-label]").first.click()
    page.locator(f'button[name="language"][value="{language}"]').click()


def test_a_reader_switching_language_sees_the_competition_in_it(page: Page, live_server, municipality):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        title="Warm winter",
        title_ky="Жылуу кыш",
        title_ru="Тёплая зима",
        description_ky="Кышкы баш калкалоочу жай.",
        description_ru="Зимний приют.",
    )
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": "ru", "url": base}])
    page.goto(f"{base}{competition.get_absolute_url()}")
    title = page.get_by_test_id("competition-title")
    expect(title).to_have_text("Тёплая зима")
    expect(page.get_by_test_id("competition-description")).to_have_text("Зимний приют.")

    switch_to(page, "ky")

    expect(page.locator("html")).to_have_attribute("lang", "ky")
    expect(title).to_have_text("Жылуу кыш")
    expect(page.get_by_test_id("competition-description")).to_have_text("Кышкы баш калкалоочу жай.")
    expect(page.get_by_test_id("language-note")).to_have_count(0)

    switch_to(page, "en")

    expect(title).to_have_text("Warm winter")
