"""The audit log's public pages: everyone may read them."""

from __future__ import annotations

import datetime

import pytest

from ssp_portal.audit.models import PublishedHead
from ssp_portal.tests.access import PERSONAS, Row, everyone, run_row

ROWS: dict[str, Row] = {
    "audit:chain": Row("get", lambda w: [], everyone(200)),
    "audit:chain-json": Row("get", lambda w: [], everyone(200)),
}


@pytest.fixture
def published_head(db):
    return PublishedHead.objects.create(
        date=datetime.date(2026, 11, 26), last_event_id=1, count=1, hash="a" * 64
    )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, published_head, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, published_head, client_for, request, django_capture_on_commit_callbacks)
