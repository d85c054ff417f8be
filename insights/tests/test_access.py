"""Every insights URL for every persona (see ssp_portal/tests/access.py): public, read-only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from organizations.factories import OrganizationFactory
from procurement.factories import CompetitionFactory
from ssp_portal.documents.models import Document
from ssp_portal.tests.access import PERSONAS, Row, everyone, run_row

ROWS: dict[str, Row] = {}

# Organizations' public profiles (insights/views_profiles.py): a verified or suspended organization's
# profile is anyone's to read; a pending or unknown one is not found, whoever asks.
ROWS |= {
    "insights:organization-profile[verified]": Row("get", lambda w: [w.verified.pk], everyone(200)),
    "insights:organization-profile[suspended]": Row("get", lambda w: [w.suspended.pk], everyone(200)),
    "insights:organization-profile[pending]": Row("get", lambda w: [w.pending.pk], everyone(404)),
    "insights:organization-profile[unknown]": Row("get", lambda w: [w.pending.pk + 1000], everyone(404)),
    "insights:organization-profile[post]": Row("post", lambda w: [w.verified.pk], everyone(405)),
}

# The yearly report: public; anyone asks for the first PDF of a language (then it is there to
# download), a year without announced competitions has none.
ROWS |= {
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
def objects(municipality, finance_staff, other_staff, consultant, nco_member, other_member, auditor):
    published = CompetitionFactory(municipality=municipality, published=True)
    CompetitionFactory(municipality=municipality, completed=True)
    draft = CompetitionFactory(municipality=municipality, year=published.year - 1)
    return SimpleNamespace(
        # Organizations' public profiles.
        verified=OrganizationFactory(verified=True),
        suspended=OrganizationFactory(suspended=True),
        pending=OrganizationFactory(),
        # The yearly report.
        municipality=municipality,
        year=published.year,
        draft_year=draft.year,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, objects, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, objects, client_for, request, django_capture_on_commit_callbacks)
