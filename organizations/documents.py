"""The organization's registration card, a generated PDF."""

from __future__ import annotations

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from organizations import permissions
from organizations.models import Organization
from ssp_portal.documents.registry import DocumentKind

REGISTRATION_CARD = "organization-card"


def _context(organization: Organization) -> dict:
    return {
        "organization": organization,
        "members": [m.user for m in organization.memberships.select_related("user").order_by("created_at")],
        "documents": list(organization.documents.all()),
    }


def _filename(organization: Organization) -> str:
    return f"registration-card-{slugify(organization.name, allow_unicode=False) or organization.pk}.pdf"


registration_card = DocumentKind(
    code=REGISTRATION_CARD,
    title=_("Registration card"),
    model=Organization,
    template="organizations/pdf/registration_card.html",
    context=_context,
    can_view=permissions.can_view_organization,
    filename=_filename,
)
