"""Who sees what of the dashboards: everyone the public figures; the people who read a
municipality's work (its finance staff, auditors and consultants) and the administrators the
staff's part (reports' timeliness, red flags, the projects' table)."""

from __future__ import annotations

from organizations.models import Municipality, User
from organizations.permissions import is_administrator
from organizations.selectors import Roles


def sees_staff_dashboard(user: User, roles: Roles, municipality: Municipality | None) -> bool:
    """The staff's part of a municipality's dashboard (of the portal's: administrators only).
    ``roles`` are the person's, already read for the page's navigation: no query."""
    if is_administrator(user):
        return True
    if municipality is None:
        return False
    return municipality in (*roles.staff_of, *roles.auditor_of, *roles.consultant_of)
