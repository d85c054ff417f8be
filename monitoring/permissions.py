"""Who may do what with projects."""

from __future__ import annotations

from monitoring.models import Project
from organizations.models import Municipality, User
from organizations.permissions import is_finance_staff


def can_contract(user: User, municipality: Municipality) -> bool:
    return is_finance_staff(user, municipality)


def can_view_project(user: User, project: Project) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def can_manage_project(user: User, project: Project) -> bool:
    return is_finance_staff(user, project.municipality)
