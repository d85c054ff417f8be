"""Two tabs, or a double click, submit the same application at once: one submission, one receipt."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from procurement import receipts
from procurement.factories import ApplicationFactory, CompetitionFactory, fill_application
from procurement.models import Application
from procurement.services import applications as services
from ssp_portal.audit.models import AuditEvent


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_make_one(postgresql, municipality, organization, nco_member, monkeypatch):
    competition = CompetitionFactory(municipality=municipality, published=True)
    application = fill_application(ApplicationFactory(competition=competition, organization=organization))
    compute = receipts.compute

    def slow_compute(app):
        # Hold the first transaction open while the second one arrives.
        time.sleep(0.5)
        return compute(app)

    monkeypatch.setattr(receipts, "compute", slow_compute)
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            start.wait()
            services.application_submit(application=Application.objects.get(pk=application.pk), by=nco_member)
            outcomes.append("submitted")
        except services.AlreadySubmittedError:
            outcomes.append("already")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(outcomes) == ["already", "submitted"]
    application.refresh_from_db()
    assert application.receipt_number.startswith(f"{competition.reference}-")
    assert Application.objects.exclude(receipt_number=None).count() == 1
    assert AuditEvent.objects.filter(verb="application.submitted").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_of_two_organizations_get_distinct_numbers(
    postgresql, municipality, monkeypatch
):
    competition = CompetitionFactory(municipality=municipality, published=True)
    applications = [fill_application(ApplicationFactory(competition=competition)) for _ in range(2)]
    members = []
    from organizations.factories import OrganizationMembershipFactory

    for application in applications:
        members.append(OrganizationMembershipFactory(organization=application.organization).user)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def submit(application, member) -> None:
        try:
            start.wait()
            services.application_submit(application=application, by=member)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(applications, members, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    numbers = set(Application.objects.values_list("receipt_number", flat=True))
    assert len(numbers) == 2
    assert all(number.startswith(f"{competition.reference}-") for number in numbers)
