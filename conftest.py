"""Fixtures shared by every app's tests: personas, service guards, the objects several apps' tests
build, the browser."""

from __future__ import annotations

import os
import socket
import uuid
from urllib.parse import urlparse

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.db import connection
from django.http import HttpRequest
from django.test.client import ClientMixin
from django.utils import translation

from monitoring.tests.contracted_project import build as build_contracted_project
from organizations.factories import (
    MunicipalityFactory,
    MunicipalityMembershipFactory,
    OrganizationFactory,
    OrganizationMembershipFactory,
    UserFactory,
)
from organizations.models import MunicipalityMembership
from procurement.factories import CommissionMemberFactory
from ssp_portal.celery import app as celery_app
from ssp_portal.tests.storage import TEST_STORAGE, S3Server

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be
# usable there (only in tests).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("SSP_CHROMIUM", "/usr/bin/chromium")
TEST_REDIS_URL = os.environ.get("SSP_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _require(reason: str) -> None:
    """Skip for lack of a service, or fail where the services are promised (CI)."""
    if os.environ.get("SSP_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (SSP_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _redis_answers(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def s3_server():
    """An S3 server (moto) with one bucket, for the whole run (ssp_portal/tests/storage.py)."""
    server = S3Server().start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_server):
    """The test's files go to the S3 bucket, below a prefix of its own; gives the prefix."""
    prefix = f"tests/{uuid.uuid4().hex}"
    settings.STORAGES = {**settings.STORAGES, "default": s3_server.storage(prefix)}
    return prefix


@pytest.fixture(autouse=True)
def _test_storage(request, _test_settings):
    """With SSP_TEST_STORAGE=s3, every test stores its files in S3 (the default: MEDIA_ROOT)."""
    if TEST_STORAGE == "s3":
        request.getfixturevalue("s3_storage")


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Assertions read English; tests about languages choose theirs.
    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    # A cache of each test's own: rate limits (failed log-ins, receipt checks) and second-factor
    # records of one test do not carry into the next.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": tmp_path.name}
    }
    # Public pages are rendered afresh (a test changes rows directly and reads the page again);
    # the tests of the public page cache keep them (``kept_public_pages``).
    settings.SSP_PUBLIC_CACHE_SECONDS = 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True, scope="session")
def _force_login_is_a_whole_log_in():
    """``client.force_login(user)`` stands for a finished log-in: the password and, for the roles
    that need one, the second factor (organizations.permissions.mfa_required). Without it every
    test of a staff page would first meet the enrolment the portal asks of staff. Tests of the
    second factor log in through the log-in form instead, as people do."""
    force_login = ClientMixin.force_login

    def force_login_with_second_factor(self, user, backend=None):
        force_login(self, user, backend)
        request = HttpRequest()
        request.session = self.session
        record_authentication(request, user, method="password", email=user.email)
        record_authentication(request, user, method="mfa", type="totp")
        request.session.save()

    # For the whole session: module fixtures (the walked demo) log in too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ClientMixin, "force_login", force_login_with_second_factor)
        yield


@pytest.fixture(autouse=True, scope="session")
def _celery_in_process():
    """Tasks run in-process in tests, unless a test starts a real worker (see ``celery_worker``)."""
    celery_app.conf.update(task_always_eager=True, task_eager_propagates=True)
    yield


@pytest.fixture
def postgresql(db):
    if connection.vendor != "postgresql":
        _require("needs PostgreSQL: set DATABASE_URL=postgres://...")


@pytest.fixture
def redis_url():
    if not _redis_answers(TEST_REDIS_URL):
        _require(f"needs Redis at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


# Personas -------------------------------------------------------------------------------


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(name="Karakol", slug="karakol", code="KRK")


@pytest.fixture
def other_municipality(db):
    return MunicipalityFactory(name="Naryn", slug="naryn", code="NRN")


@pytest.fixture
def finance_staff(municipality):
    return MunicipalityMembershipFactory(municipality=municipality, user__full_name="G. Tolumbekova").user


@pytest.fixture
def other_staff(other_municipality):
    return MunicipalityMembershipFactory(municipality=other_municipality).user


@pytest.fixture
def consultant(municipality):
    return MunicipalityMembershipFactory(municipality=municipality, consultant=True).user


@pytest.fixture
def auditor(municipality):
    """Karakol's auditor: reads everything of it once unsealed, changes nothing."""
    return MunicipalityMembershipFactory(
        municipality=municipality, role=MunicipalityMembership.Role.AUDITOR, position="Audit Chamber"
    ).user


@pytest.fixture
def organization(db):
    return OrganizationFactory(verified=True)


@pytest.fixture
def nco_member(organization):
    return OrganizationMembershipFactory(organization=organization).user


@pytest.fixture
def other_organization(db):
    return OrganizationFactory(verified=True)


@pytest.fixture
def other_member(other_organization):
    return OrganizationMembershipFactory(organization=other_organization).user


@pytest.fixture
def no_role(db):
    """Signed up and confirmed, with no organization and no appointment."""
    return UserFactory()


@pytest.fixture
def admin_user(db):
    return UserFactory(admin=True)


@pytest.fixture
def commission_member(db):
    """A member of a competition's commission (of a municipality of its own)."""
    return CommissionMemberFactory().user


@pytest.fixture
def client_for(client):
    """``client_for(user)``: the test client logged in as ``user`` (or anonymous for None)."""

    def login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def kept_public_pages(settings):
    """Public pages kept for anonymous visitors, as in production (ssp_portal/public_cache.py)."""
    settings.SSP_PUBLIC_CACHE_SECONDS = 300


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """``with on_commit():`` runs the work scheduled for after the commit (tasks) as it would be."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# What several apps' tests build ---------------------------------------------------------------


@pytest.fixture
def contracted(municipality, organization, nco_member, finance_staff):
    """A project of ``organization`` (``nco_member`` reports) under a grant agreement with its
    indicators, four quarterly reports and two tranches (monitoring/tests/contracted_project.py)."""
    return build_contracted_project(municipality, organization, finance_staff)


# Browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        _require(f"needs Chromium at {CHROMIUM} (Debian package chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }
