"""Every insights URL for every persona (see ssp_portal/tests/access.py): public, read-only."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from organizations.factories import OrganizationFactory
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


@pytest.fixture
def objects(municipality, finance_staff, other_staff, consultant, nco_member, other_member):
    return SimpleNamespace(
        # Organizations' public profiles.
        verified=OrganizationFactory(verified=True),
        suspended=OrganizationFactory(suspended=True),
        pending=OrganizationFactory(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, objects, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, objects, client_for, request, django_capture_on_commit_callbacks)
