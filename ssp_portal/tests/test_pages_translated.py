"""Every page a demo person reaches, in Kyrgyz and in Russian, shows none of the portal's English.

The Karakol demo is seeded once for the module; each demo person (and the anonymous visitor) is
walked from the home page by links (ssp_portal/tests/crawl.py), with their profile set to the
language, and every text node and read attribute is compared with the English sources of the
catalog (ssp_portal/tests/catalogs.py). What people typed (names, titles) is theirs and not checked.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from ssp_portal.tests.catalogs import LANGUAGES, english_left
from ssp_portal.tests.conftest import DEMO_PEOPLE, DemoSite, person_id, seeded_demo
from ssp_portal.tests.crawl import crawl, describe

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker, tmp_path_factory):
    """language → person → pages, in one rolled-back transaction."""
    from organizations.models import User

    media = tmp_path_factory.mktemp("demo-media")
    with seeded_demo(django_db_blocker, media):
        site = DemoSite(media=media)
        result: dict[str, dict] = {}
        for language in LANGUAGES:
            User.objects.update(language=language)
            result[language] = {}
            for email in DEMO_PEOPLE:
                client = site.client(email)
                client.cookies["django_language"] = language
                with translation.override(language):
                    result[language][email] = [
                        (describe(page.url), page.html) for page in crawl(client, max_pages=150, per_name=3)
                    ]
        yield result


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("email", DEMO_PEOPLE, ids=person_id)
def test_no_english_is_left_on_the_pages(walked, language, email):
    pages = walked[language][email]
    assert len(pages) >= 3, "the walk reached too few pages"
    leaks = {}
    for name, html in pages:
        assert f'<html lang="{language}"' in html, f"{name} is not in {language}"
        found = english_left(html, language)
        if found:
            leaks[name] = sorted(set(found))
    assert leaks == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_name_that_is_also_an_english_word_is_the_persons_own(client, language):
    """A first name such as April or May is what the person typed, not a month left in English."""
    from organizations.factories import UserFactory

    user = UserFactory(full_name="April Flores", language=language)
    client.force_login(user)
    client.cookies["django_language"] = language
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert english_left(html, language) == []
    assert 'data-testid="account-menu" data-typed>April</a>' in html
