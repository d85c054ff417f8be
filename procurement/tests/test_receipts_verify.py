"""``manage.py receipts_verify``: every receipt's digest computed again from what is stored."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from procurement import receipts
from procurement.factories import fill_application
from procurement.models import Application
from procurement.services import applications as services
from ssp_portal.tests.storage import replace_stored, stored_bytes

pytestmark = pytest.mark.django_db


def submit(competition, organization, member) -> Application:
    draft = services.application_start(competition=competition, organization=organization, by=member)
    fill_application(draft)
    return services.application_submit(application=draft, by=member)


def run() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("receipts_verify", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing() -> tuple[str, str]:
    err = StringIO()
    with pytest.raises(CommandError) as info:
        call_command("receipts_verify", stdout=StringIO(), stderr=err)
    return str(info.value), err.getvalue()


def test_every_receipt_matches_what_is_stored(submitted):
    assert run() == ("All 1 receipt(s) match the stored applications.\n", "")


def test_a_changed_byte_of_an_attachment_is_named(submitted):
    attachment = submitted.attachments.get()
    content = bytearray(stored_bytes(attachment.file))
    content[-2] ^= 0x01
    replace_stored(attachment.file, bytes(content))

    summary, report = failing()
    assert summary == "1 of 1 receipt(s) do not match the stored applications."
    assert f"Receipt {submitted.receipt_number} (application {submitted.pk})" in report
    assert f'attachment {attachment.pk} "charter.pdf" ({attachment.file.name}): its bytes changed' in report


def test_a_missing_file_is_named(submitted):
    attachment = submitted.attachments.get()
    attachment.file.storage.delete(attachment.file.name)

    _summary, report = failing()
    assert (
        f'attachment {attachment.pk} "charter.pdf" ({attachment.file.name}): the stored file is missing.'
        in report
    )


def test_a_changed_field_is_reported(submitted):
    Application.objects.filter(pk=submitted.pk).update(requested_amount=submitted.requested_amount + 1)

    _summary, report = failing()
    assert f"Receipt {submitted.receipt_number}" in report
    assert "A field or a row differs from what was submitted." in report


def test_a_withdrawn_application_keeps_its_receipt_checked(
    submitted, nco_member, other_organization, competition
):
    services.application_withdraw(application=submitted, by=nco_member)
    Application.objects.filter(pk=submitted.pk).update(summary="Rewritten after the fact.")

    _summary, report = failing()
    assert f"Receipt {submitted.receipt_number}" in report


def test_a_receipt_issued_in_kyrgyz_matches_in_russian_and_in_the_command(
    competition, organization, nco_member
):
    """The digest names the required documents in the language of the person who submitted."""
    with translation.override("ky"):
        application = submit(competition, organization, nco_member)

    with translation.override("ru"):
        assert receipts.verify(receipt_number=application.receipt_number, digest=application.digest)
    assert run()[0] == "All 1 receipt(s) match the stored applications.\n"
