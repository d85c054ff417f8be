"""Each dashboard makes the same number of queries at 10 projects and at 1,000 (the rows made in
bulk, as they would be after years of competitions)."""

from __future__ import annotations

import copy
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import PaymentTranche, Project
from organizations.factories import OrganizationFactory, UserFactory
from organizations.models import Organization
from procurement.factories import ApplicationFactory, CompetitionFactory
from procurement.models import Application, Award

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 1)


def _clones(row, count: int, start: int, **changes) -> list:
    """``count`` unsaved copies of ``row``, each changed by ``changes`` (callables of the index)."""
    made = []
    for index in range(start, start + count):
        one = copy.copy(row)
        one.pk = one.id = None
        for name, value in changes.items():
            setattr(one, name, value(index))
        made.append(one)
    return made


def add_projects(municipality, count: int, start: int) -> None:
    """``count`` projects of a completed competition, each with its organization, application,
    award and one paid tranche: five bulk inserts."""
    competition = CompetitionFactory(municipality=municipality, completed=True, budget=Decimal("1000000000"))
    application = ApplicationFactory(competition=competition, submit=True)
    organizations = Organization.objects.bulk_create(
        _clones(
            OrganizationFactory.build(),
            count,
            start,
            name=lambda i: f"Organization {i}",
            registration_number=lambda i: f"BULK-{i}",
            inn=lambda i: f"{i:014d}",
        )
    )
    applications = Application.objects.bulk_create(
        [
            _clones(
                application,
                1,
                start + index,
                organization=lambda i, o=organization: o,
                receipt_number=lambda i: f"BULK-R-{i}",
            )[0]
            for index, organization in enumerate(organizations)
        ]
    )
    decided_by = UserFactory()
    awards = Award.objects.bulk_create(
        Award(application=one, competition=competition, amount=Decimal("1000"), rank=1, decided_by=decided_by)
        for one in applications
    )
    projects = Project.objects.bulk_create(
        Project(
            award=award,
            municipality=municipality,
            organization=award.application.organization,
            title="Project",
            contract_number=f"BULK-{start + index}",
            contract_date=DAY,
            amount=award.amount,
            start_date=DAY,
            end_date=DAY + datetime.timedelta(days=200),
        )
        for index, award in enumerate(awards)
    )
    PaymentTranche.objects.bulk_create(
        PaymentTranche(project=one, number=1, planned_date=DAY, amount=Decimal("500"), paid_on=DAY)
        for one in projects
    )


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["anonymous", "finance_staff", "consultant"])
@pytest.mark.parametrize("url", ["municipality", "portal"])
def test_queries_do_not_grow_with_the_projects(client_for, request, municipality, persona, url):
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    address = (
        reverse("insights:municipality-dashboard", args=[municipality.slug])
        if url == "municipality"
        else reverse("insights:portal-dashboard")
    )
    add_projects(municipality, 10, 0)
    client.get(address)  # the session and the language, read once
    few = queries(client, address)
    add_projects(municipality, 990, 10)
    assert Project.objects.count() == 1000
    assert queries(client, address) == few
