"""The Karakol demo in the test database: walked through as each demo person once per module
(``demo``), or seeded for one test (``demo_data``); the administrator's client."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import translation

from organizations.models import User
from ssp_portal.tests.crawl import crawl

DEMO_PEOPLE = [
    None,  # the anonymous visitor
    "finance@karakol.example",
    "chair@karakol.example",
    "member1@karakol.example",
    "member2@karakol.example",
    "baldarga@ngo.example",
    "ulukman@ngo.example",
    "consultant@dpi.example",
    "finance@second.example",
    "auditor@karakol.example",
    "admin@ssp.example",
]


def person_id(email: str | None) -> str:
    return email.split("@")[0] + "@" + email.split("@")[1].split(".")[0] if email else "anonymous"


@dataclass
class DemoSite:
    media: object
    pages: dict[str | None, list] = field(default_factory=dict)
    broken: dict[str | None, list] = field(default_factory=dict)

    def client(self, email: str | None) -> Client:
        client = Client(raise_request_exception=False)  # a 500 is an answer to check
        if email:
            client.force_login(User.objects.get(email=email))
        return client


@contextmanager
def seeded_demo(django_db_blocker, media):
    """seed_demo in a transaction that is rolled back on leaving, with the demo's files in
    ``media``, e-mails kept in memory, a fast password hasher and a cache of its own."""
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            SSP_DEMO_ALLOWED=True,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            # Pages rendered afresh, as in every test: a page kept by an earlier module (of
            # another database's rows, in the same process) is never the one walked.
            SSP_PUBLIC_CACHE_SECONDS=0,
            CACHES={
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "demo"}
            },
        ),
        translation.override("en"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--quiet")
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo in one transaction for the module, rolled back after
    it; each test runs inside it and is rolled back to it. ``pages`` holds, per demo person,
    the pages reached from the home page by links (ssp_portal/tests/crawl.py)."""
    media = tmp_path_factory.mktemp("demo-media")
    with seeded_demo(django_db_blocker, media):
        # Pages in English, whatever language the demo people chose.
        User.objects.update(language="en")
        site = DemoSite(media=media)
        for email in DEMO_PEOPLE:
            site.broken[email] = []
            site.pages[email] = crawl(site.client(email), broken=site.broken[email])
        yield site


@pytest.fixture
def demo(demo_site, db, settings):
    """The demo site for one test (its changes are rolled back), with the demo's files."""
    settings.MEDIA_ROOT = demo_site.media
    return demo_site


@pytest.fixture
def demo_data(settings):
    """seed_demo in this test's own database, not walked: for tests that change it or drive a
    live server."""
    settings.SSP_DEMO_ALLOWED = True
    call_command("seed_demo", "--quiet")


@pytest.fixture
def admin_client(admin_user, client_for):
    """The test client, logged in as the administrator."""
    return client_for(admin_user)
