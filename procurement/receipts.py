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

Changing any field, row or a single byte of an attachment changes the digest. The receipt page
shows this description; ``verify`` recomputes the digest and answers only whether it matches.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from procurement.models import Application
from ssp_portal.files import open_stored_file

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


def verify(*, receipt_number: str, digest: str) -> bool:
    """Does the stored application with this receipt still produce this digest?

    Answers only yes or no: an unknown receipt number is simply no match.
    """
    receipt_number, digest = receipt_number.strip(), digest.strip().lower()
    application = (
        Application.objects.select_related("competition", "organization")
        .filter(receipt_number=receipt_number)
        .first()
    )
    if application is None or len(digest) != 64:
        return False
    return hmac.compare_digest(compute(application), digest)
