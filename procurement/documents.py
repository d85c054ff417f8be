"""The competition announcement, a generated PDF anyone may download once it is published."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from procurement import permissions, selectors
from procurement.models import Application, Competition
from procurement.receipts import FIELDS, FORMAT
from procurement.scoring import TIE_RULE
from ssp_portal.documents.registry import DocumentKind

ANNOUNCEMENT = "competition-announcement"
RECEIPT = "application-receipt"


def _context(competition: Competition) -> dict:
    return {
        "competition": competition,
        "municipality": competition.municipality,
        "criteria": list(competition.criteria.all()),
        "required_documents": list(competition.required_documents.all()),
        "eligibility_requirements": list(competition.eligibility_requirements.all()),
        "amendments": list(competition.amendments.order_by("number")),
    }


announcement = DocumentKind(
    code=ANNOUNCEMENT,
    title=_("Announcement"),
    model=Competition,
    template="procurement/pdf/announcement.html",
    context=_context,
    can_view=permissions.can_view_competition,
    can_request=permissions.can_read_competition,
    filename=lambda competition: f"announcement-{competition.reference}.pdf",
    public=True,
)


def _receipt_context(application: Application) -> dict:
    return {
        "application": application,
        "competition": application.competition,
        "municipality": application.competition.municipality,
        "attachments": list(application.attachments.select_related("required_document")),
        "format": FORMAT,
        "fields": FIELDS,
    }


receipt = DocumentKind(
    code=RECEIPT,
    title=_("Receipt"),
    model=Application,
    template="procurement/pdf/receipt.html",
    context=_receipt_context,
    can_view=permissions.can_view_application,
    can_request=permissions.can_edit_application,
    filename=lambda application: f"receipt-{application.receipt_number}.pdf",
)


PROTOCOL = "evaluation-protocol"


def _protocol_context(competition: Competition) -> dict:
    progress = selectors.evaluation_progress(competition=competition)
    applications = progress["applications"]
    # Until every sheet is in, a protocol is a draft: it says so on every page and holds only the
    # submitted sheets (blind scoring: a draft sheet is its member's alone).
    final = competition.state == Competition.State.COMPLETED or permissions.scoring_finished(progress)
    sheets = selectors.protocol_sheets(competition=competition)
    return {
        "is_draft": not final,
        "competition": competition,
        "municipality": competition.municipality,
        "criteria": list(competition.criteria.all()),
        "members": [row["member"] for row in progress["members"]],
        "declarations": list(progress["members"]),
        "sheet_groups": [(a, sheets.get(a.pk, [])) for a in applications],
        "rows": selectors.ranking(competition=competition),
        "awards": list(competition.awards.select_related("application__organization", "decided_by")),
        "tie_rule": TIE_RULE,
    }


protocol = DocumentKind(
    code=PROTOCOL,
    title=_("Evaluation protocol"),
    model=Competition,
    template="procurement/pdf/protocol.html",
    context=_protocol_context,
    can_view=permissions.can_view_protocol,
    can_request=permissions.can_read_competition,
    filename=lambda competition: f"protocol-{competition.reference}.pdf",
)
