"""Who may take what out of the portal."""

from __future__ import annotations

from organizations.models import MunicipalityMembership, User
from procurement.models import Competition

BUNDLE_ROLES = (MunicipalityMembership.Role.STAFF, MunicipalityMembership.Role.AUDITOR)


def can_get_bundle(user: User, competition: Competition) -> bool:
    """The auditor's bundle of a competition: once it is completed (nothing is sealed then), for
    the finance staff and the auditors of its municipality."""
    if not user.is_authenticated or not user.is_active:
        return False
    if competition.state != Competition.State.COMPLETED:
        return False
    return MunicipalityMembership.objects.filter(
        user=user, municipality_id=competition.municipality_id, role__in=BUNDLE_ROLES
    ).exists()
