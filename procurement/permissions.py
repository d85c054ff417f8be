"""Who may do what with priority issues and competitions."""

from __future__ import annotations

from organizations.models import Municipality, User
from organizations.permissions import is_finance_staff
from procurement.models import Competition, PriorityIssue


def can_manage_municipality(user: User, municipality: Municipality) -> bool:
    """Plan priority issues and run competitions: the municipality's own finance staff."""
    return is_finance_staff(user, municipality)


def can_manage_competition(user: User, competition: Competition) -> bool:
    return is_finance_staff(user, competition.municipality)


def can_manage_priority_issue(user: User, issue: PriorityIssue) -> bool:
    return is_finance_staff(user, issue.municipality)


def can_view_competition(user: User, competition: Competition) -> bool:
    """Everyone sees a competition once published; its drafts only its municipality's staff."""
    return not competition.is_draft or can_manage_competition(user, competition)


def can_follow(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_apply(user: User, organization) -> bool:
    """Members of an organization apply for it (the service checks it is verified)."""
    return bool(
        user.is_authenticated and user.is_active and organization.memberships.filter(user=user).exists()
    )


def can_edit_application(user: User, application) -> bool:
    return can_apply(user, application.organization)


def can_view_application(user: User, application) -> bool:
    from procurement.models import Application

    return Application.objects.visible_to(user).filter(pk=application.pk).exists()
