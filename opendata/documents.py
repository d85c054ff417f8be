"""The auditor's bundle as a generated document: a zip built by the documents' worker."""

from __future__ import annotations

from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from opendata import permissions
from opendata.bundle import bundle_about, bundle_entries, write_bundle
from procurement.models import Competition
from ssp_portal.documents.registry import DocumentKind

BUNDLE = "auditor-bundle"


def _build(competition: Competition, output: IO[bytes], document: Any) -> None:
    write_bundle(bundle_entries(competition, document), output, about=bundle_about(competition, document))


bundle = DocumentKind(
    code=BUNDLE,
    title=_("Auditor's bundle"),
    model=Competition,
    build=_build,
    content_type="application/zip",
    extension="zip",
    can_view=permissions.can_get_bundle,
    filename=lambda competition: f"audit-{competition.reference}.zip",
)
