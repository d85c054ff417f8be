"""Who may do what with projects."""

from __future__ import annotations

from django.utils.translation import gettext as _

from monitoring.models import Project
from organizations.models import Municipality, User
from organizations.permissions import acts_for_own_organization, is_consultant, is_finance_staff


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


def own_organization_refusal(user: User, project: Project, action: str) -> str:
    """Why the person may not ``action`` ("review" its reports, "pay" its tranches) on this
    project: they are a member of its organization. Empty when they are not."""
    if not acts_for_own_organization(user, project.organization):
        return ""
    messages = {
        "review": _("You are a member of %(organization)s, so you cannot review its reports."),
        "pay": _("You are a member of %(organization)s, so you cannot record the payment of its tranches."),
    }
    return messages[action] % {"organization": project.organization.name}


def reviews_for(user: User, municipality: Municipality) -> bool:
    """Reviews the municipality's reports by role: a consultant, or finance staff."""
    return is_consultant(user, municipality) or is_finance_staff(user, municipality)


def can_review_report(user: User, report) -> bool:
    """A consultant of the municipality, or its finance staff, unless a member of the organization."""
    return reviews_for(user, report.project.municipality) and not acts_for_own_organization(
        user, report.project.organization
    )


def can_pay_tranches(user: User, project: Project) -> bool:
    """The municipality's finance staff, unless a member of the organization."""
    return can_manage_project(user, project) and not acts_for_own_organization(user, project.organization)


def can_record_visit(user: User, project: Project) -> bool:
    return is_consultant(user, project.municipality) or is_finance_staff(user, project.municipality)
