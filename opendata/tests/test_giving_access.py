"""Every 360Giving URL for every persona (see ssp_portal/tests/access.py): public, like the results."""

from __future__ import annotations

import pytest

from procurement.factories import AwardFactory, CompetitionFactory
from ssp_portal.tests.access import PERSONAS, Row, everyone, run_row

ROWS: dict[str, Row] = {
    "opendata:giving-grants-json": Row("get", lambda w: [], everyone(200)),
    "opendata:giving-grants-csv": Row("get", lambda w: [], everyone(200)),
}


@pytest.fixture
def published(municipality, finance_staff, other_staff, consultant, nco_member, other_member):
    """An award of a completed competition."""
    return AwardFactory(
        application__competition=CompetitionFactory(municipality=municipality, completed=True)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, published, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, published, client_for, request, django_capture_on_commit_callbacks)
