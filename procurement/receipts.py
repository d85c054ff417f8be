"""The submission receipt's digest: SHA-256 over a canonical form of what was submitted.

The canonical form (format ``ssp-application-v1``) is a JSON object, serialised with keys in
sorted order, no spaces, UTF-8, numbers written as text with two decimals:

- ``format``, ``receipt_number``, ``competition`` (its reference), ``organization_inn``,
  ``version`` and ``submitted_at`` (UTC, ISO 8601, microseconds);
- ``fields``: each section field of the proposal by name;
- ``activities`` and ``budget_lines``: the rows in their order on the form;
- ``attachments``: for each file, in the order of the required documents and then of upload,
  its display name, the required document it answers (or ""), its size and the SHA-256 of its
  bytes, computed again from the stored file.

The required document is named in the language of the person who submitted (the format does
not record which), so a digest is checked against the names in each of the portal's languages.

Changing any field, row or a single byte of an attachment changes the digest. The receipt page
shows this description. ``verify`` compares a digest with the one recorded at submission, in the
same time whether or not the receipt exists, so that it tells nothing but match or no match;
``receipts_check`` (``manage.py receipts_verify``) computes every receipt's digest again and says
which file or field no longer matches.

Receipt numbers are the competition's reference and a random code (``KRK-2026-001-7QX4MP``):
they do not count the proposals, which stay sealed until the deadline.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation

from procurement.models import Application
from ssp_portal.files import StoredFileMissingError, open_stored_file

FORMAT = "ssp-application-v1"
FIELDS = (
    "project_title",
    "summary",
    "problem",
    "objectives",
    "target_group",
    "beneficiaries",
    "expected_results",
    "requested_amount",
    "cofinancing_own",
    "cofinancing_other",
    "cofinancing_sources",
)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def file_sha256(chunks: Iterable[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _stored_sha256(attachment) -> str:
    with open_stored_file(attachment.file) as stored:
        return file_sha256(iter(lambda: stored.read(1024 * 1024), b""))


def canonical(application: Application) -> bytes:
    """The bytes the digest is taken over, read from the database and the stored files."""
    document = {
        "format": FORMAT,
        "receipt_number": application.receipt_number or "",
        "competition": application.competition.reference,
        "organization_inn": application.organization.inn,
        "version": application.version,
        "submitted_at": application.submitted_at.isoformat(timespec="microseconds")
        if application.submitted_at
        else "",
        "fields": {name: _text(getattr(application, name)) for name in FIELDS},
        "activities": [
            {
                "title": row.title,
                "description": row.description,
                "start_month": _text(row.start_month),
                "end_month": _text(row.end_month),
            }
            for row in application.activities.all()
        ],
        "budget_lines": [
            {
                "category": row.category,
                "description": row.description,
                "unit": row.unit,
                "quantity": _text(row.quantity),
                "unit_cost": _text(row.unit_cost),
            }
            for row in application.budget_lines.all()
        ],
        "attachments": [
            {
                "name": attachment.original_name,
                "required_document": attachment.required_document.name
                if attachment.required_document
                else "",
                "size": _text(attachment.size),
                "sha256": _stored_sha256(attachment),
            }
            for attachment in application.attachments.select_related("required_document")
        ],
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute(application: Application) -> str:
    return hashlib.sha256(canonical(application)).hexdigest()


def matches(application: Application, digest: str) -> bool:
    """Does the stored application give ``digest``, with its required documents named in the
    reader's language or any other of the portal's?"""
    languages = [
        translation.get_language() or settings.LANGUAGE_CODE,
        *(code for code, _ in settings.LANGUAGES),
    ]
    for language in dict.fromkeys(languages):
        with translation.override(language):
            if hmac.compare_digest(compute(application), digest):
                return True
    return False


# Letters and digits that cannot be mistaken for one another when read from paper.
RECEIPT_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RECEIPT_CODE_LENGTH = 6
# Compared when no receipt has the number, so that an unknown number takes as long as a known one.
_NO_RECEIPT = "0" * 64


def new_receipt_number(reference: str) -> str:
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_CODE_LENGTH))
    return f"{reference}-{code}"


def verify(*, receipt_number: str, digest: str) -> bool:
    """Was this receipt issued with this digest? Answers only yes or no.

    One indexed lookup and one constant-time comparison whether or not the receipt exists: no file
    is read, so the time of the answer does not tell whether there is such a receipt.
    """
    receipt_number, digest = receipt_number.strip(), digest.strip().lower()
    stored = (
        Application.objects.filter(receipt_number=receipt_number).values_list("digest", flat=True).first()
    )
    known = bool(stored) and len(digest) == 64
    matches = hmac.compare_digest((stored or _NO_RECEIPT).encode(), digest.encode().ljust(64, b"-")[:64])
    return known and matches


@dataclass(frozen=True)
class ReceiptMismatch:
    application_id: int
    receipt_number: str
    problems: list[str]

    def __str__(self) -> str:
        return f"Receipt {self.receipt_number} (application {self.application_id}): " + " ".join(
            self.problems
        )


def _attachment_problems(application: Application) -> list[str]:
    """Which stored files no longer have the bytes that were uploaded."""
    problems = []
    for attachment in application.attachments.all():
        name = f'attachment {attachment.pk} "{attachment.original_name}" ({attachment.file.name})'
        try:
            sha256 = _stored_sha256(attachment)
        except StoredFileMissingError:
            problems.append(f"{name}: the stored file is missing.")
            continue
        if sha256 != attachment.sha256:
            problems.append(f"{name}: its bytes changed (SHA-256 {sha256}, uploaded as {attachment.sha256}).")
    return problems


def _with_receipts():
    return Application.objects.exclude(receipt_number=None)


def receipts_count() -> int:
    return _with_receipts().count()


def receipts_check(*, chunk_size: int = 100) -> Iterator[ReceiptMismatch]:
    """Recompute the digest of every application that was submitted (withdrawn and screened ones
    too: their receipts stand) against the one on its receipt.

    Yields a ``ReceiptMismatch`` for each that differs, naming the attachments whose bytes
    changed (or that are missing) when there are any.
    """
    applications = (
        _with_receipts()
        .select_related("competition", "organization")
        .prefetch_related("activities", "budget_lines")
        .order_by("pk")
    )
    for application in applications.iterator(chunk_size=chunk_size):
        try:
            if matches(application, application.digest):
                continue
            digest = compute(application)
        except StoredFileMissingError:
            digest = None
        problems = [
            "The digest computed again does not match the receipt's"
            + (f" ({digest}, the receipt says {application.digest})." if digest else ".")
        ]
        problems += _attachment_problems(application) or ["A field or a row differs from what was submitted."]
        yield ReceiptMismatch(application.pk, application.receipt_number, problems)
