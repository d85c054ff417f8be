from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.factories import ProjectFactory
from monitoring.models import Project
from monitoring.services.projects import project_create_from_award
from procurement.factories import AwardFactory, CompetitionFactory

pytestmark = pytest.mark.django_db

DATES = {
    "contract_date": datetime.date(2026, 4, 1),
    "start_date": datetime.date(2026, 4, 1),
    "end_date": datetime.date(2026, 12, 31),
}


@pytest.fixture
def award(municipality, organization):
    competition = CompetitionFactory(municipality=municipality, completed=True)
    return AwardFactory(application__competition=competition, application__organization=organization)


def test_an_award_becomes_a_project_with_its_amount(award, finance_staff):
    project = project_create_from_award(
        award=award, by=finance_staff, contract_number="KRK-2026-001/1", **DATES
    )
    assert (project.amount, project.organization, project.municipality) == (
        Decimal("150000"),
        award.application.organization,
        award.competition.municipality,
    )
    assert project.state == Project.State.ACTIVE


def test_one_project_per_award_and_unique_contract_numbers(award, finance_staff, municipality, organization):
    project_create_from_award(award=award, by=finance_staff, contract_number="N-1", **DATES)
    with pytest.raises(ValidationError, match="already has a project"):
        project_create_from_award(award=award, by=finance_staff, contract_number="N-2", **DATES)
    other = AwardFactory(
        application__competition=CompetitionFactory(municipality=municipality, completed=True)
    )
    with pytest.raises(ValidationError, match="already has a contract with this number"):
        project_create_from_award(award=other, by=finance_staff, contract_number="N-1", **DATES)
    assert Project.objects.count() == 1


def test_only_after_the_results_and_by_the_municipalitys_staff(municipality, finance_staff, other_staff):
    competition = CompetitionFactory(municipality=municipality, evaluation=True)
    award = AwardFactory(application__competition=competition)
    with pytest.raises(ValidationError, match="results"):
        project_create_from_award(award=award, by=finance_staff, contract_number="N-1", **DATES)
    with pytest.raises(PermissionDenied):
        project_create_from_award(award=award, by=other_staff, contract_number="N-1", **DATES)


def test_the_period_is_checked(award, finance_staff):
    with pytest.raises(ValidationError):
        project_create_from_award(
            award=award,
            by=finance_staff,
            contract_number="N-1",
            contract_date=datetime.date(2026, 4, 1),
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 30),
        )


def test_contracting_through_the_page(award, finance_staff, client_for):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=[award.competition.municipality.slug])
    page = client.get(url)
    assert [a.pk for a, _form in page.context["to_contract"]] == [award.pk]
    prefix = f"award-{award.pk}"
    response = client.post(
        reverse("monitoring:contract", args=[award.pk]),
        {
            f"{prefix}-contract_number": "KRK-2026-001/1",
            f"{prefix}-contract_date": "2026-04-01",
            f"{prefix}-start_date": "2026-04-01",
            f"{prefix}-end_date": "2026-03-01",
        },
    )
    assert response.status_code == 400
    assert "The project cannot end before it starts." in response.content.decode()
    response = client.post(
        reverse("monitoring:contract", args=[award.pk]),
        {
            f"{prefix}-contract_number": "KRK-2026-001/1",
            f"{prefix}-contract_date": "2026-04-01",
            f"{prefix}-start_date": "2026-04-01",
            f"{prefix}-end_date": "2026-12-31",
        },
    )
    project = Project.objects.get()
    assert response["Location"] == project.get_absolute_url()
    assert "KGS\u00a0150,000" in client.get(project.get_absolute_url()).content.decode()


def test_project_list_queries_do_not_grow(municipality, finance_staff, client_for):
    client = client_for(finance_staff)
    url = reverse("monitoring:municipality-projects", args=[municipality.slug])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        return len(queries)

    def make() -> None:
        competition = CompetitionFactory(municipality=municipality, completed=True)
        ProjectFactory(award__application__competition=competition)

    make()
    count()
    few = count()
    for _ in range(6):
        make()
    assert count() == few
