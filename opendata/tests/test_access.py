"""Every open-data URL for every persona (see ssp_portal/tests/access.py): public, read-only."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from procurement.factories import CompetitionFactory
from procurement.models import Competition
from ssp_portal.tests.access import PERSONAS, Row, everyone, run_row


@dataclass
class Feeds:
    municipality: object
    open: Competition
    draft: Competition


ROWS: dict[str, Row] = {
    "opendata:index": Row("get", lambda w: [], everyone(200)),
    "opendata:ocds-release-package": Row("get", lambda w: [], everyone(200)),
    "opendata:ocds-release-package[bad-year]": Row(
        "get", lambda w: [], everyone(400), data=lambda w: {"year": "x"}
    ),
    "opendata:ocds-record-package": Row("get", lambda w: [], everyone(200)),
    "opendata:ocds-competition[open]": Row("get", lambda w: [w.open.reference], everyone(200)),
    "opendata:ocds-competition[draft]": Row("get", lambda w: [w.draft.reference], everyone(404)),
    "opendata:ocds-release-package[post]": Row("post", lambda w: [], everyone(405)),
}


@pytest.fixture
def feeds(municipality, finance_staff, other_staff, consultant, nco_member, other_member):
    return Feeds(
        municipality=municipality,
        open=CompetitionFactory(municipality=municipality, published=True),
        draft=CompetitionFactory(municipality=municipality),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, feeds, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, feeds, client_for, request, django_capture_on_commit_callbacks)
