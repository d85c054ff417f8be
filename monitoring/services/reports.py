"""Monitoring reports: the organization writes and submits; a consultant or finance staff review.

Every submission is a round kept with what was submitted and what the reviewer said. Accepted
reports never change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import permissions
from monitoring.models import (
    REPORT_SECTIONS,
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    Project,
    ReportAttachment,
    ReportRound,
)
from monitoring.spending import spend_for_report
from organizations.models import User
from ssp_portal.audit.services import audit_record
from ssp_portal.files import FileType, display_name
from ssp_portal.formatting import format_soms
from ssp_portal.notifications.services import email_notify

NARRATIVE = ("activities", "results", "beneficiaries_reached", "problems")
SECTIONS = REPORT_SECTIONS


def _audit(
    report: MonitoringReport, by: User | None, verb: str, at: datetime.datetime, **details: Any
) -> None:
    audit_record(
        actor=by, verb=verb, target=report, scope=report.project.municipality, at=at, details=details
    )


def _lock(report: MonitoringReport) -> MonitoringReport:
    return (
        MonitoringReport.objects.select_for_update(of=("self",))
        .select_related("project__municipality")
        .get(pk=report.pk)
    )


def _writable(report: MonitoringReport, by: User) -> MonitoringReport:
    if not permissions.can_write_report(by, report):
        raise PermissionDenied
    locked = _lock(report)
    if not locked.editable:
        raise ValidationError(_("This report is submitted; it can change only if a revision is requested."))
    if locked.project.state != Project.State.ACTIVE:
        raise ValidationError(_("The project is not active."))
    return locked


def _touch(locked: MonitoringReport, now: datetime.datetime) -> None:
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])


def report_save_narrative(
    *, report: MonitoringReport, by: User, data: dict[str, Any], at: datetime.datetime | None = None
) -> MonitoringReport:
    now = at or timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        for name in NARRATIVE:
            if name in data:
                setattr(locked, name, data[name])
        locked.updated_at = now
        locked.full_clean(exclude=["project"], validate_constraints=False)
        locked.save(update_fields=[*NARRATIVE, "updated_at"])
    return locked


def indicator_value(indicator: Indicator, raw: Any) -> Decimal:
    """An indicator's value in its kind: a whole number, a number, or a percentage."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(name)s: enter a number.") % {"name": indicator.name}) from None
    if not value.is_finite() or value < 0:
        raise ValidationError(_("%(name)s: enter a number of 0 or more.") % {"name": indicator.name})
    if indicator.kind == Indicator.Kind.COUNT and value != value.to_integral_value():
        raise ValidationError(_("%(name)s is counted in whole numbers.") % {"name": indicator.name})
    if indicator.kind == Indicator.Kind.PERCENT and value > 100:
        raise ValidationError(_("%(name)s is a percentage: at most 100.") % {"name": indicator.name})
    if value.as_tuple().exponent < -2 or value >= Decimal("1e12"):
        raise ValidationError(
            _("%(name)s: at most two decimals and twelve digits.") % {"name": indicator.name}
        )
    return value


def report_set_indicator_values(
    *, report: MonitoringReport, by: User, values: dict[int, Any], at: datetime.datetime | None = None
) -> None:
    """The actual value of each indicator; a blank value is removed (drafts may be partial)."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        indicators = {i.pk: i for i in locked.project.indicators.all()}
        clean = {}
        for indicator_id, raw in values.items():
            indicator = indicators.get(indicator_id)
            if indicator is None:
                raise ValidationError(_("That indicator is not one of this project's."))
            if raw not in (None, ""):
                clean[indicator_id] = indicator_value(indicator, raw)
        locked.indicator_values.all().delete()
        IndicatorValue.objects.bulk_create(
            IndicatorValue(report=locked, indicator_id=indicator_id, value=value)
            for indicator_id, value in clean.items()
        )
        _touch(locked, now)


@dataclass(frozen=True)
class ExpenditureData:
    budget_line_id: int
    amount: Decimal
    explanation: str = ""


def report_set_expenditures(
    *,
    report: MonitoringReport,
    by: User,
    expenditures: list[ExpenditureData],
    at: datetime.datetime | None = None,
) -> None:
    """Spending per approved line in the period. Going above a line's approved amount, counting
    earlier reports, is accepted only with an explanation, and the line is flagged to the reviewer."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        lines = {line.pk for line in locked.project.budget_lines.all()}
        amounts = {}
        for item in expenditures:
            if item.budget_line_id not in lines:
                raise ValidationError(_("That budget line is not one of this project's."))
            if item.amount is None or item.amount < 0:
                raise ValidationError(_("Spending cannot be negative."))
            amounts[item.budget_line_id] = item.amount
        explanations = {item.budget_line_id: item.explanation.strip() for item in expenditures}
        errors = []
        rows = spend_for_report(locked, amounts)
        for row in rows:
            if row.overspent and not explanations.get(row.line.pk):
                errors.append(
                    _("%(line)s: spending reaches %(total)s of %(approved)s approved; explain why.")
                    % {
                        "line": row.line.description,
                        "total": format_soms(row.cumulative),
                        "approved": format_soms(row.line.approved_amount),
                    }
                )
        if errors:
            raise ValidationError(errors)
        locked.expenditures.all().delete()
        Expenditure.objects.bulk_create(
            Expenditure(
                report=locked,
                budget_line=row.line,
                amount=row.in_period,
                explanation=explanations.get(row.line.pk, ""),
                overspent=row.overspent,
            )
            for row in rows
            if row.line.pk in amounts
        )
        _touch(locked, now)


def report_attach(*, report: MonitoringReport, by: User, kind: str, file: UploadedFile) -> ReportAttachment:
    detected: FileType | None = getattr(file, "detected_type", None)
    if detected is None:
        raise ValueError("Upload the file through PrivateFileField, which checks its content.")
    now = timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        attachment = ReportAttachment(
            report=locked,
            kind=kind,
            original_name=display_name(file.name),
            content_type=detected.content_type,
            size=file.size,
            uploaded_by=by,
            uploaded_at=now,
        )
        attachment.file_extension = detected.extension
        attachment.file.save("upload", file, save=False)
        attachment.save()
        _touch(locked, now)
    return attachment


def report_detach(*, attachment: ReportAttachment, by: User) -> None:
    now = timezone.now()
    with transaction.atomic():
        locked = _writable(attachment.report, by)
        storage, name = attachment.file.storage, attachment.file.name
        attachment.delete()
        _touch(locked, now)
        transaction.on_commit(lambda: storage.delete(name))


def report_problems(report: MonitoringReport) -> list[str]:
    """What stops the report from being submitted."""
    problems = []
    if not report.activities.strip():
        problems.append(_("Describe the activities carried out."))
    if not report.results.strip():
        problems.append(_("Describe the results."))
    if report.beneficiaries_reached is None:
        problems.append(_("Give the number of beneficiaries reached."))
    reported = {v.indicator_id for v in report.indicator_values.all()}
    for indicator in report.project.indicators.all():
        if indicator.pk not in reported:
            problems.append(_("Give the value of the indicator “%(name)s”.") % {"name": indicator.name})
    if report.project.budget_lines.exists() and not report.expenditures.exists():
        problems.append(_("Enter the spending of the period (0 where nothing was spent)."))
    return problems


def _snapshot(report: MonitoringReport) -> dict[str, Any]:
    return {
        "narrative": {name: str(getattr(report, name) or "") for name in NARRATIVE},
        "indicators": {
            v.indicator.name: str(v.value) for v in report.indicator_values.select_related("indicator")
        },
        "expenditure": [
            {
                "line": e.budget_line.description,
                "amount": str(e.amount),
                "explanation": e.explanation,
                "overspent": e.overspent,
            }
            for e in report.expenditures.select_related("budget_line").order_by("budget_line__position")
        ],
        "attachments": [a.original_name for a in report.attachments.all()],
    }


def report_submit(
    *, report: MonitoringReport, by: User, at: datetime.datetime | None = None
) -> MonitoringReport:
    """Submit for review; a new round of the history begins."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        problems = report_problems(locked)
        if problems:
            raise ValidationError(problems)
        number = locked.rounds.count() + 1
        ReportRound.objects.create(
            report=locked, number=number, submitted_at=now, submitted_by=by, snapshot=_snapshot(locked)
        )
        locked.state = MonitoringReport.State.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["state", "submitted_at"])
        _audit(locked, by, "report.submitted", now, round=number)
    return locked


def report_review(
    *,
    report: MonitoringReport,
    by: User,
    accept: bool,
    comments: dict[str, str],
    at: datetime.datetime | None = None,
) -> MonitoringReport:
    """Accept the report, or ask for a revision with comments per section."""
    if not permissions.can_review_report(by, report):
        raise PermissionDenied
    comments = {
        section: text.strip() for section, text in comments.items() if section in SECTIONS and text.strip()
    }
    if not accept and not comments:
        raise ValidationError(_("Say what must change: comment at least one section."))
    now = at or timezone.now()
    with transaction.atomic():
        locked = _lock(report)
        if locked.state != MonitoringReport.State.SUBMITTED:
            raise ValidationError(_("Only a submitted report is reviewed."))
        current = locked.rounds.select_for_update().order_by("-number").first()
        current.reviewed_at = now
        current.reviewer = by
        current.decision = (
            ReportRound.Decision.ACCEPTED if accept else ReportRound.Decision.REVISION_REQUESTED
        )
        current.comments = comments
        current.save(update_fields=["reviewed_at", "reviewer", "decision", "comments"])
        locked.state = (
            MonitoringReport.State.ACCEPTED if accept else MonitoringReport.State.REVISION_REQUESTED
        )
        locked.accepted_at = now if accept else None
        locked.save(update_fields=["state", "accepted_at"])
        _audit(
            locked,
            by,
            "report.accepted" if accept else "report.revision_requested",
            now,
            round=current.number,
        )
        for membership in locked.project.organization.memberships.select_related("user"):
            email_notify(
                user=membership.user,
                template="monitoring/email/report_reviewed",
                context={
                    "report": locked,
                    "round": current,
                    "project": locked.project,
                    "comments": [(SECTIONS[section], text) for section, text in comments.items()],
                },
            )
    return locked


def site_visit_record(
    *,
    project: Project,
    by: User,
    data: dict[str, Any],
    photos: list[UploadedFile],
    at: datetime.datetime | None = None,
):
    """A consultant's visit to the project, with what was seen and found, and photos."""
    from monitoring.models import SiteVisit, SiteVisitPhoto

    if not permissions.can_record_visit(by, project):
        raise PermissionDenied
    if data["visited_on"] > timezone.localdate(at):
        raise ValidationError({"visited_on": _("A visit cannot be recorded before it happens.")})
    with transaction.atomic():
        visit = SiteVisit.objects.create(
            project=project, recorded_by=by, recorded_at=at or timezone.now(), **data
        )
        for upload in photos:
            detected: FileType = upload.detected_type
            photo = SiteVisitPhoto(
                visit=visit,
                original_name=display_name(upload.name),
                content_type=detected.content_type,
                size=upload.size,
            )
            photo.file_extension = detected.extension
            photo.file.save("upload", upload, save=False)
            photo.save()
        audit_record(
            actor=by,
            verb="project.site_visit",
            target=project,
            scope=project.municipality,
            at=at,
            details={"visited_on": data["visited_on"]},
        )
    return visit
