"""An organization suspended before suspensions remembered their earlier status returns, once
lifted, to the status its suspension event records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ssp_portal.audit.services import audit_record

BEFORE = [("organizations", "0002_organization_invitations")]
AFTER = [("organizations", "0004_suspension_constraints")]
OTHERS = [("audit", "0003_audit_event_scope"), ("contenttypes", "0002_remove_content_type_name")]


@pytest.fixture
def back_to_the_latest():
    """Later tests find the schema of today's models."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_the_latest")
def test_suspensions_made_earlier_return_to_the_status_their_event_records():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state([*BEFORE, *OTHERS]).apps
    Organization = old.get_model("organizations", "Organization")
    AuditEvent = old.get_model("audit", "AuditEvent")
    ContentType = old.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="organizations", model="organization")

    def organization(n: int, status: str, reason: str = "Charter expired."):
        return Organization.objects.create(
            name=f"Organization {n}",
            legal_form="public_foundation",
            registration_number=f"{n:06d}-3301-ОФ",
            inn=f"0010120150000{n}",
            registration_date="2015-01-01",
            region="issyk_kul",
            address="Karakol",
            phone="+996555000000",
            email=f"office{n}@ngo.example",
            head_name="Head",
            mission="Mission",
            verification_status=status,
            status_reason=reason,
        )

    was_verified = organization(1, "suspended")
    # Through the service: the event takes its place in the audit chain, as it did then.
    audit_record(
        actor=None,
        verb="organization.suspended",
        target=was_verified,
        details={"from": "verified", "to": "suspended", "reason": "Charter expired."},
    )
    assert AuditEvent.objects.filter(target_type=content_type, target_id=str(was_verified.pk)).exists()
    unknown = organization(2, "suspended", reason="")
    verified = organization(3, "verified", reason="")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("organizations", "Organization")
    rows = dict(new.objects.values_list("pk", "suspended_from"))
    assert rows == {was_verified.pk: "verified", unknown.pk: "pending", verified.pk: ""}
    assert new.objects.get(pk=unknown.pk).status_reason == "No reason was recorded."
