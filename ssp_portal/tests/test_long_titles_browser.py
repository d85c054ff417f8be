"""A title typed without spaces (a pasted address, a long compound word) breaks inside its heading,
card, table cell or breadcrumb instead of making a 360 px phone scroll sideways."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser

from procurement.factories import ApplicationFactory, CompetitionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Социальнаяподдержкамолодежи" * 4 + "Karakol" * 2  # 122 letters, no space

WIDTH = """() => ({scroll: document.documentElement.scrollWidth, width: window.innerWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .map(el => el.tagName.toLowerCase() + '.' + el.className).slice(0, 5)})"""


def test_a_long_unbroken_title_fits_a_phone(
    browser: Browser, live_server, municipality, organization, nco_member, finance_staff
):
    assert len(TITLE) >= 120
    competition = CompetitionFactory(municipality=municipality, published=True, title=TITLE)
    competition.refresh_from_db()
    application = ApplicationFactory(competition=competition, organization=organization)
    pages = {
        None: ["/competitions/", competition.get_absolute_url()],
        finance_staff: [f"/municipalities/{municipality.slug}/competitions/", competition.get_absolute_url()],
        nco_member: ["/applications/", application.get_absolute_url()],
    }
    base = live_server.url
    problems = []
    for user, urls in pages.items():
        context = browser.new_context(viewport={"width": 360, "height": 740})
        context.add_cookies([{"name": "django_language", "value": "en", "url": base}])
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])
        page = context.new_page()
        for url in urls:
            response = page.goto(base + url)
            assert response.status == 200, url
            assert TITLE in page.content(), url
            found = page.evaluate(WIDTH)
            if found["scroll"] > 360:
                problems.append(f"{url}: {found}")
        context.close()
    assert not problems, "\n".join(problems)
