"""Before the deadline no role learns who applied: not from the admin, not from receipts."""

from __future__ import annotations

import datetime

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from procurement import receipts
from procurement.factories import (
    ApplicationFactory,
    CompetitionFactory,
    fill_application,
)
from procurement.models import Application, Competition
from procurement.services import applications as services
from procurement.services.reminders import remind_unsent_drafts
from ssp_portal.audit.models import AuditEvent
from ssp_portal.notifications.models import OutgoingEmail, Reminder


def _past_the_deadline(application: Application) -> None:
    Competition.objects.filter(pk=application.competition_id).update(
        deadline=timezone.now() - datetime.timedelta(minutes=1)
    )


def test_the_admin_log_does_not_name_who_applied_before_the_deadline(admin_client, submitted, nco_member):
    assert AuditEvent.objects.filter(verb="application.submitted", actor=nco_member).exists()
    page = admin_client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert nco_member.get_full_name() not in page
    assert submitted.receipt_number not in page
    _past_the_deadline(submitted)
    page = admin_client.get(reverse("admin:audit_auditevent_changelist")).content.decode()
    assert nco_member.get_full_name() in page


def test_the_admin_e_mails_do_not_name_who_applied_before_the_deadline(admin_client, submitted, nco_member):
    assert OutgoingEmail.objects.filter(to=nco_member.email).exists()
    url = reverse("admin:notifications_outgoingemail_changelist")
    assert nco_member.email not in admin_client.get(url).content.decode()
    assert admin_client.get(url, {"q": nco_member.email}).context["cl"].result_count == 0
    _past_the_deadline(submitted)
    assert nco_member.email in admin_client.get(url).content.decode()


def test_the_admin_reminders_do_not_name_drafts_before_the_deadline(
    admin_client, municipality, organization, nco_member
):
    competition = CompetitionFactory(
        municipality=municipality,
        published=True,
        deadline=timezone.now() + datetime.timedelta(days=2, hours=1),
    )
    draft = ApplicationFactory(competition=competition, organization=organization)
    assert remind_unsent_drafts() == 1  # the one draft, its one member
    assert Reminder.objects.filter(key__contains=f"application-{draft.pk}").exists()
    page = admin_client.get(reverse("admin:notifications_reminder_changelist")).content.decode()
    assert f"application-{draft.pk}" not in page


def test_receipt_numbers_do_not_count_the_proposals(
    municipality, organization, other_organization, nco_member, other_member
):
    competition = CompetitionFactory(municipality=municipality, published=True)
    numbers = []
    for owner, member in ((organization, nco_member), (other_organization, other_member)):
        draft = fill_application(ApplicationFactory(competition=competition, organization=owner))
        numbers.append(services.application_submit(application=draft, by=member).receipt_number)
    codes = [number.removeprefix(f"{competition.reference}-") for number in numbers]
    assert all(len(code) == receipts.RECEIPT_CODE_LENGTH for code in codes)
    assert not any(code.isdigit() for code in codes)
    assert codes[0] != codes[1]


def test_the_verifier_reads_no_file_and_answers_when_a_file_is_missing(client, submitted):
    attachment = submitted.attachments.first()
    attachment.file.storage.delete(attachment.file.name)
    response = client.get(
        reverse("procurement:receipt-verify"),
        {"receipt_number": submitted.receipt_number, "digest": submitted.digest},
    )
    assert response.status_code == 200
    assert 'data-match="yes"' in response.content.decode()
    response = client.get(
        reverse("procurement:receipt-verify"), {"receipt_number": "KRK-2026-001-ABCDEF", "digest": "a" * 64}
    )
    assert 'data-match="no"' in response.content.decode()


def test_the_same_work_is_done_for_a_receipt_that_does_not_exist(submitted, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert receipts.verify(receipt_number=submitted.receipt_number, digest=submitted.digest)
    with django_assert_num_queries(1):
        assert not receipts.verify(receipt_number="KRK-2026-001-ZZZZZZ", digest=submitted.digest)


@override_settings(ACCOUNT_RATE_LIMITS={"receipt_verify": "3/m/ip", "login_failed": "10/m/ip"})
def test_the_verifier_is_rate_limited(client, submitted):
    url = reverse("procurement:receipt-verify")
    query = {"receipt_number": "KRK-2026-001-ABCDEF", "digest": "a" * 64}
    assert [client.get(url, query).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url, {"receipt_number": submitted.receipt_number, "digest": submitted.digest})
    assert refused.status_code == 429
    assert "Too many checks" in refused.content.decode()
    assert 'data-match="yes"' not in refused.content.decode()
