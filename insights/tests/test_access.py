"""Every insights URL for every persona (see ssp_portal/tests/access.py): public figures."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from procurement.factories import CompetitionFactory
from ssp_portal.documents.models import Document
from ssp_portal.tests.access import PERSONAS, Row, everyone, run_row


@dataclass
class Insights:
    municipality: object
    year: int
    draft_year: int


ROWS: dict[str, Row] = {
    # The yearly report: public; anyone asks for the first PDF of a language (then it is there to
    # download), a year without announced competitions has none.
    "insights:yearly-report": Row("get", lambda w: [w.municipality.slug, w.year], everyone(200)),
    "insights:yearly-report[no-competitions]": Row(
        "get", lambda w: [w.municipality.slug, w.year + 5], everyone(404)
    ),
    "insights:yearly-report[drafts-only]": Row(
        "get",
        lambda w: [w.municipality.slug, w.draft_year],
        everyone(404),
        snapshot=lambda w: Document.objects.count(),
    ),
    "insights:yearly-report[prepare]": Row(
        "post", lambda w: [w.municipality.slug, w.year], everyone(302), data=lambda w: {"language": "en"}
    ),
    "insights:yearly-report[prepare-drafts-only]": Row(
        "post",
        lambda w: [w.municipality.slug, w.draft_year],
        everyone(404),
        data=lambda w: {"language": "en"},
        snapshot=lambda w: Document.objects.count(),
    ),
    "insights:yearly-report[put]": Row("put", lambda w: [w.municipality.slug, w.year], everyone(405)),
}


@pytest.fixture
def insights(municipality, finance_staff, other_staff, consultant, nco_member, other_member, auditor):
    published = CompetitionFactory(municipality=municipality, published=True)
    draft = CompetitionFactory(municipality=municipality, year=published.year - 1)
    return Insights(municipality=municipality, year=published.year, draft_year=draft.year)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, insights, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, insights, client_for, request, django_capture_on_commit_callbacks)
