"""seed_bench at scale 0.01: it completes, checks itself, fills every state, refuses a second
run, and the demo people's pages answer with its data."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import translation

from monitoring.models import MonitoringReport, PaymentTranche, Project
from organizations.models import Municipality, Organization, User
from procurement.models import Application, CommissionMember, Competition, PriorityIssue, ScoreSheet
from ssp_portal.seeding import checks
from ssp_portal.seeding.plan import Counts

SCALE = "0.01"
STATE_FIELDS = [
    (Organization, Organization.State),
    (PriorityIssue, PriorityIssue.State),
    (Competition, Competition.State),
    (Application, Application.State),
    (ScoreSheet, ScoreSheet.State),
    (Project, Project.State),
    (MonitoringReport, MonitoringReport.State),
]


@pytest.fixture(scope="module")
def bench(django_db_setup, django_db_blocker, tmp_path_factory):
    """seed_bench in one transaction for the module, rolled back after it; its output."""
    media = tmp_path_factory.mktemp("bench-media")
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
            output = StringIO()
            call_command("seed_demo", "--quiet")
            before = checks.totals()
            call_command("seed_bench", "--scale", SCALE, stdout=output)
            User.objects.update(language="en")
            yield {"output": output.getvalue(), "before": before, "media": media}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(bench, db, settings):
    settings.SSP_DEMO_ALLOWED = True
    # The demo's attachments, which the receipts of its applications are checked against.
    settings.MEDIA_ROOT = bench["media"]
    return bench


def client_of(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_it_adds_the_counts_asked_and_its_checks_pass(seeded):
    asked = Counts.at(float(SCALE)).as_dict()
    added = {name: model.objects.count() - seeded["before"][name] for name, model in checks.COUNTED.items()}
    assert (
        added
        == asked
        == {
            "municipalities": 1,
            "organizations": 20,
            "competitions": 10,
            "applications": 200,
            "score_sheets": 300,
            "projects": 50,
            "reports": 300,
        }
    )
    assert "FAIL" not in seeded["output"]
    for name in (
        "counts as asked",
        "receipts verify",
        "awards within budgets",
        "tranches add up",
        "every state",
    ):
        assert f"ok   {name}" in seeded["output"]
    assert all(outcome.ok for outcome in checks.run(seeded["before"], Counts.at(float(SCALE))))


@pytest.mark.parametrize(("model", "choices"), STATE_FIELDS, ids=lambda v: getattr(v, "__name__", ""))
def test_every_state_of_each_state_field_is_present(seeded, model, choices):
    assert set(model.objects.values_list("state", flat=True)) == set(choices.values)


def test_tranches_are_paid_and_unpaid_and_add_up(seeded):
    assert PaymentTranche.objects.filter(paid_on__isnull=True).exists()
    assert PaymentTranche.objects.filter(paid_on__isnull=False).exists()
    for project in Project.objects.prefetch_related("tranches"):
        assert sum(t.amount for t in project.tranches.all()) == project.amount, project.contract_number


def test_the_demo_people_have_long_lists(seeded):
    karakol = Municipality.objects.get(code="KRK")
    assert Competition.objects.filter(municipality=karakol).count() >= 4 + 2
    assert CommissionMember.objects.filter(user__email="chair@karakol.example").count() >= 4 + 2
    member_applications = Application.objects.filter(
        organization__memberships__user__email="baldarga@ngo.example"
    )
    assert member_applications.count() >= 10
    consultant = User.objects.get(email="consultant@dpi.example")
    assert consultant.municipality_memberships.count() >= 2
    assert MonitoringReport.objects.filter(project__municipality=karakol).count() > 10


def test_a_second_run_refuses_and_adds_nothing(seeded):
    before = checks.totals()
    with pytest.raises(CommandError, match="already loaded"):
        call_command("seed_bench", "--scale", SCALE, stdout=StringIO())
    assert checks.totals() == before


def _seeded_texts(email: str, url: str) -> set[str]:
    """Texts of seeded rows one of which the page must show (none asked of the other pages)."""
    if url == "/applications/":
        applications = Application.objects.filter(organization__memberships__user__email=email)
        return set(
            applications.exclude(competition__reference__startswith="KRK-").values_list(
                "competition__reference", flat=True
            )
        )
    if url == "/monitoring/" and email == "consultant@dpi.example":
        waiting = MonitoringReport.objects.filter(
            state=MonitoringReport.State.SUBMITTED, project__municipality__memberships__user__email=email
        )
        return set(waiting.values_list("project__contract_number", flat=True))
    if url == "/competitions/":
        return set(
            Competition.objects.public().filter(reference__startswith="X").values_list("reference", flat=True)
        )
    return set()


@pytest.mark.parametrize(
    ("email", "url"),
    [
        ("baldarga@ngo.example", "/applications/"),
        ("baldarga@ngo.example", "/my-reports/"),
        ("consultant@dpi.example", "/monitoring/"),
        ("finance@karakol.example", "/"),
        ("finance@karakol.example", "/competitions/"),
        ("finance@karakol.example", "/priority-issues/"),
        ("finance@karakol.example", "/monitoring/"),
        ("chair@karakol.example", "/commission/"),
    ],
)
def test_the_demo_peoples_pages_answer_with_the_seeded_data(seeded, email, url):
    response = client_of(email).get(url)
    assert response.status_code == 200
    expected = _seeded_texts(email, url)
    if expected:
        page = response.content.decode()
        assert any(text in page for text in expected), url


def test_seeded_competitions_and_organizations_are_found_by_the_public_search(seeded):
    competition = Competition.objects.filter(state=Competition.State.PUBLISHED).order_by("-pk").first()
    organization = Organization.objects.filter(name__contains="Bench").order_by("-pk").first()
    assert checks.searchable().ok
    url = reverse("procurement:competition-list")
    by_reference = Client().get(url, {"q": competition.reference.lower()}).content.decode()
    assert competition.reference in by_reference
    by_title = Client().get(url, {"q": competition.title_ru.upper()}).context["page"]
    assert by_title.paginator.count >= 1
    assert all(competition.title_ru in found.title_ru for found in by_title.object_list)
    assert organization.inn in organization.search_text
