"""Every insights URL for every persona (see ssp_portal/tests/access.py)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from procurement.factories import CompetitionFactory
from ssp_portal.tests.access import PERSONAS, Row, everyone, run_row


@dataclass
class Insights:
    municipality: object


ROWS: dict[str, Row] = {}

# Dashboards (insights/views.py): public; the staff part shows inside the same page.
ROWS |= {
    "insights:portal-dashboard": Row("get", lambda w: [], everyone(200)),
    "insights:portal-dashboard[year]": Row(
        "get", lambda w: [], everyone(200), data=lambda w: {"year": "2026"}
    ),
    "insights:portal-dashboard[bad-year]": Row(
        "get", lambda w: [], everyone(200), data=lambda w: {"year": "x"}
    ),
    "insights:portal-dashboard[csv]": Row(
        "get", lambda w: [], everyone(200), data=lambda w: {"chart": "money-by-year", "export": "csv"}
    ),
    "insights:portal-dashboard[post]": Row("post", lambda w: [], everyone(405)),
    "insights:municipality-dashboard": Row("get", lambda w: [w.municipality.slug], everyone(200)),
    "insights:municipality-dashboard[bad-year]": Row(
        "get", lambda w: [w.municipality.slug], everyone(200), data=lambda w: {"year": "20x6"}
    ),
    "insights:municipality-dashboard[csv]": Row(
        "get",
        lambda w: [w.municipality.slug],
        everyone(200),
        data=lambda w: {"chart": "projects-by-state", "export": "csv"},
    ),
    "insights:municipality-dashboard[unknown]": Row("get", lambda w: ["nowhere"], everyone(404)),
    "insights:municipality-dashboard[post]": Row("post", lambda w: [w.municipality.slug], everyone(405)),
}


@pytest.fixture
def insights_world(municipality, finance_staff, other_staff, consultant, auditor, nco_member, other_member):
    CompetitionFactory(municipality=municipality, completed=True)
    CompetitionFactory(municipality=municipality, published=True)
    return Insights(municipality=municipality)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, insights_world, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, insights_world, client_for, request, django_capture_on_commit_callbacks)
