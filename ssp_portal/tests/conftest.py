"""The Karakol demo in the test database, walked through as each demo person, once per module."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone, translation

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
        from organizations.models import User

        client = Client(raise_request_exception=False)  # a 500 is an answer to check
        if email:
            client.force_login(User.objects.get(email=email))
        return client


def add_a_draft_competition() -> None:
    """The demo has no draft; finance staff edit a draft's rows (criteria, documents,
    eligibility, commission), so one is added as they would prepare it."""
    from organizations.models import Municipality, User
    from procurement import demo
    from procurement.models import PriorityIssue
    from procurement.services import competitions as services
    from procurement.services.commission import MemberData, commission_set

    karakol = Municipality.objects.get(code="KRK")
    finance = User.objects.get(email="finance@karakol.example")
    today = timezone.localdate()
    competition = services.competition_create(
        municipality=karakol,
        by=finance,
        data={
            "title": "Support for elderly people living alone",
            "priority_issue": PriorityIssue.objects.filter(municipality=karakol).first(),
            "description": "Home visits and help with shopping, medicines and heating.",
            "budget": Decimal("150000.00"),
            "max_grant": Decimal("150000.00"),
            "projects_expected": 1,
            "announcement_date": today + datetime.timedelta(days=5),
            "deadline": timezone.make_aware(
                datetime.datetime.combine(today + datetime.timedelta(days=45), datetime.time(17))
            ),
            "project_start": today + datetime.timedelta(days=60),
            "project_end": today + datetime.timedelta(days=240),
            "contact": "Finance Department, Karakol Mayor's Office",
        },
    )
    criteria = [
        services.CriterionData(c.name, c.description, c.max_score, weight)
        for c, weight in zip(demo.CRITERIA[:4], [35, 30, 20, 15], strict=True)
    ]
    services.competition_set_criteria(competition=competition, by=finance, criteria=criteria)
    services.competition_set_eligibility(competition=competition, by=finance, requirements=demo.ELIGIBILITY)
    services.competition_set_required_documents(
        competition=competition, by=finance, documents=demo.DOCUMENTS[:3]
    )
    commission_set(
        competition=competition,
        by=finance,
        members=[MemberData(*member) for member in demo.COMMISSION],
    )


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_demo (and a draft competition) in one transaction for the module, rolled back after
    it; each test runs inside it and is rolled back to it. ``pages`` holds, per demo person,
    the pages reached from the home page by links (ssp_portal/tests/crawl.py)."""
    from organizations.models import User
    from ssp_portal.tests.crawl import crawl

    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=media,
            SSP_DEMO_ALLOWED=True,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        translation.override("en"),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", "--quiet")
            add_a_draft_competition()
            # Pages in English, whatever language the demo people chose.
            User.objects.update(language="en")
            site = DemoSite(media=media)
            for email in DEMO_PEOPLE:
                site.broken[email] = []
                site.pages[email] = crawl(site.client(email), broken=site.broken[email])
            yield site
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(demo_site, db, settings):
    """The demo site for one test (its changes are rolled back), with the demo's files."""
    settings.MEDIA_ROOT = demo_site.media
    return demo_site
