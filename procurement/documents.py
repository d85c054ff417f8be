"""The competition announcement, a generated PDF anyone may download once it is published."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from procurement import permissions
from procurement.models import Competition
from ssp_portal.documents.registry import DocumentKind

ANNOUNCEMENT = "competition-announcement"


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
    can_request=permissions.can_manage_competition,
    filename=lambda competition: f"announcement-{competition.reference}.pdf",
    public=True,
)
