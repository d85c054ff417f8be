"""Who may do what with projects and their reports.

- Contracting, a project's set-up and its state: the municipality's finance staff.
- A project's indicators, tranches and reporting schedule change only while it is active.
- Reports are written by the project's organization, while a draft or sent back for a revision
  and while the project is active; they are reviewed by the municipality's consultants or its
  finance staff.
- Tranches are paid by the municipality's finance staff.
- No one reviews the reports or pays the tranches of an organization they are a member of.
- The municipality's auditors read its projects, tranches and reports, and change nothing.

A rule whose refusal a page shows answers with an ``Answer`` (``ssp_portal.rules``), so that the
page that hides a button and the service that refuses the action say the same thing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from monitoring.models import MonitoringReport, Project
from organizations.models import Municipality, User
from organizations.permissions import (
    acts_for_own_organization,
    is_consultant,
    is_finance_staff,
    reads_municipality,
)
from ssp_portal.rules import ALLOWED, Answer, answer, refused


def can_contract(user: User, municipality: Municipality) -> bool:
    return is_finance_staff(user, municipality)


def can_read_municipality(user: User, municipality: Municipality) -> bool:
    """The municipality's projects and tranches, as lists: its finance staff and its auditors
    (who change nothing: every rule below that allows a change leaves them out)."""
    return reads_municipality(user, municipality)


def can_view_project(user: User, project: Project) -> bool:
    return Project.objects.visible_to(user).filter(pk=project.pk).exists()


def can_manage_project(user: User, project: Project) -> bool:
    return is_finance_staff(user, project.municipality)


def is_project_member(user: User, project: Project) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return project.organization.memberships.filter(user=user).exists()


def project_setup_open(project: Project) -> Answer:
    """A project's indicators, tranches and reporting schedule change only while it is active."""
    reason = {
        Project.State.SUSPENDED: _(
            "The project is suspended: its indicators, tranches and reporting schedule cannot change."
        ),
        Project.State.TERMINATED: _(
            "The project is terminated: its indicators, tranches and reporting schedule cannot change."
        ),
        Project.State.COMPLETED: _(
            "The project is completed: its indicators, tranches and reporting schedule cannot change."
        ),
    }.get(project.state, "")
    return answer(not reason, reason)


def can_set_up_project(user: User, project: Project) -> Answer:
    """The municipality's finance staff, while the project is active."""
    if not can_manage_project(user, project):
        return refused()
    return project_setup_open(project)


def can_write_report(user: User, report: MonitoringReport) -> bool:
    """Only the project's organization writes its reports."""
    return is_project_member(user, report.project)


def report_open(report: MonitoringReport) -> Answer:
    """A report changes while it is a draft or sent back for a revision, and its project is active."""
    if not report.editable:
        return refused(_("This report is submitted; it can change only if a revision is requested."))
    if report.project.state != Project.State.ACTIVE:
        return refused(_("The project is not active."))
    return ALLOWED


def can_edit_report(user: User, report: MonitoringReport) -> Answer:
    """The project's organization, while the report is open (``report_open``)."""
    if not can_write_report(user, report):
        return refused()
    return report_open(report)


def _not_own_organization(user: User, project: Project, action: str) -> Answer:
    """Refused, with the reason, to a member of the project's organization: they may not
    ``action`` ("review" its reports, "pay" its tranches)."""
    if not acts_for_own_organization(user, project.organization):
        return ALLOWED
    reasons = {
        "review": _("You are a member of %(organization)s, so you cannot review its reports."),
        "pay": _("You are a member of %(organization)s, so you cannot record the payment of its tranches."),
    }
    return refused(reasons[action] % {"organization": project.organization.name})


def reviews_for(user: User, municipality: Municipality) -> bool:
    """Reviews the municipality's reports by role: a consultant, or finance staff."""
    return is_consultant(user, municipality) or is_finance_staff(user, municipality)


def can_review_report(user: User, report: MonitoringReport) -> Answer:
    """A consultant of the municipality, or its finance staff, unless a member of the organization
    (then with the reason)."""
    if not reviews_for(user, report.project.municipality):
        return refused()
    return _not_own_organization(user, report.project, "review")


def can_pay_tranches(user: User, project: Project) -> Answer:
    """The municipality's finance staff, unless a member of the organization (then with the reason)."""
    if not can_manage_project(user, project):
        return refused()
    return _not_own_organization(user, project, "pay")


def can_record_visit(user: User, project: Project) -> bool:
    return is_consultant(user, project.municipality) or is_finance_staff(user, project.municipality)
