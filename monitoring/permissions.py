"""Who may do what with projects."""

from __future__ import annotations

from monitoring.models import Project
from organizations.models import Municipality, User
from organizations.permissions import is_consultant, is_finance_staff


def can_contract(user: User, municipality: Municipality) -> bool:
    return is_finance_staff(user, municipality)


def can_view_project(user: User, project: Project) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def can_manage_project(user: User, project: Project) -> bool:
    return is_finance_staff(user, project.municipality)


def is_project_member(user: User, project: Project) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return project.organization.memberships.filter(user=user).exists()


def can_write_report(user: User, report) -> bool:
    """Only the project's organization writes its reports."""
    return is_project_member(user, report.project)


def can_review_report(user: User, report) -> bool:
    """A consultant of the municipality, or its finance staff."""
    municipality = report.project.municipality
    return is_consultant(user, municipality) or is_finance_staff(user, municipality)


def can_record_visit(user: User, project: Project) -> bool:
    return is_consultant(user, project.municipality) or is_finance_staff(user, project.municipality)
