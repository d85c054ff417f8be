"""Fixtures shared by the audit log's tests."""

from __future__ import annotations

import pytest

from organizations.factories import OrganizationFactory
from ssp_portal.audit.services import audit_record


@pytest.fixture
def events(db):
    """Three events of one organization, the first ones of the chain."""
    organization = OrganizationFactory()
    return [
        audit_record(actor=None, verb=verb, target=organization)
        for verb in ("organization.registered", "organization.verified", "organization.suspended")
    ]
