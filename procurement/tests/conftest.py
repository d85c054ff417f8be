"""Fixtures shared by procurement's tests: an open competition and an application to it, a
competition under evaluation, finance staff's client."""

from __future__ import annotations

import pytest

from procurement.factories import CompetitionFactory, RequiredDocumentFactory, fill_application
from procurement.services import applications as application_services
from procurement.tests.competition_in_evaluation import build as build_competition_in_evaluation


@pytest.fixture
def competition(municipality):
    """A competition of the municipality open for proposals, which asks for a charter."""
    competition = CompetitionFactory(municipality=municipality, published=True)
    RequiredDocumentFactory(competition=competition, name="Charter")
    return competition


@pytest.fixture
def draft(competition, organization, nco_member):
    """The organization's application to ``competition``, started by ``nco_member`` and empty."""
    return application_services.application_start(
        competition=competition, organization=organization, by=nco_member
    )


@pytest.fixture
def submitted(draft, nco_member):
    """``draft`` filled in and submitted by ``nco_member``, with its receipt."""
    return application_services.application_submit(application=fill_application(draft), by=nco_member)


@pytest.fixture
def evaluation(municipality):
    """A competition under evaluation: criteria, a commission of three, three eligible applications,
    an ineligible and a withdrawn one (procurement/tests/competition_in_evaluation.py)."""
    return build_competition_in_evaluation(municipality)


@pytest.fixture
def staff_client(finance_staff, client_for):
    """The test client, logged in as finance staff of the municipality."""
    return client_for(finance_staff)
