"""Projects: made from awards when the grant agreement is signed, set up and followed by staff."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import permissions
from monitoring.models import Indicator, MonitoringReport, PaymentTranche, Project, ProjectBudgetLine
from organizations.models import User
from procurement.models import Award, BudgetLine, Competition
from ssp_portal.audit.services import audit_record

# Days after the end of a period by which its report is due.
REPORT_DUE_DAYS = 10


def _audit(
    project: Project, by: User | None, verb: str, at: datetime.datetime | None = None, **details
) -> None:
    audit_record(actor=by, verb=verb, target=project, scope=project.municipality, at=at, details=details)


def _require_manager(by: User, project: Project) -> None:
    if not permissions.can_manage_project(by, project):
        raise PermissionDenied


def approved_lines(award: Award) -> list[tuple[BudgetLine, Decimal]]:
    """The application's budget lines as approved: scaled down when less was awarded than
    requested, each to the tyiyn, the rounding remainder on the largest line."""
    lines = list(award.application.budget_lines.all())
    requested = sum((line.total for line in lines), Decimal("0"))
    if not lines or requested <= 0:
        return []
    if award.amount >= requested:
        return [(line, line.total) for line in lines]
    ratio = award.amount / requested
    scaled = [(line, (line.total * ratio).quantize(Decimal("0.01"), rounding=ROUND_DOWN)) for line in lines]
    remainder = award.amount - sum(amount for _line, amount in scaled)
    largest = max(range(len(scaled)), key=lambda i: scaled[i][1])
    scaled[largest] = (scaled[largest][0], scaled[largest][1] + remainder)
    return scaled


def project_create_from_award(
    *,
    award: Award,
    by: User,
    contract_number: str,
    contract_date: datetime.date,
    start_date: datetime.date,
    end_date: datetime.date,
    at: datetime.datetime | None = None,
) -> Project:
    """The grant agreement of an award: the project, with the awarded amount, begins."""
    competition = award.competition
    if not permissions.can_contract(by, competition.municipality):
        raise PermissionDenied
    now = at or timezone.now()
    if competition.state != Competition.State.COMPLETED:
        raise ValidationError(_("Projects are contracted once the competition's results are published."))
    contract_number = contract_number.strip()
    try:
        with transaction.atomic():
            project = Project(
                award=award,
                municipality=competition.municipality,
                organization=award.application.organization,
                title=award.application.project_title or competition.title,
                contract_number=contract_number,
                contract_date=contract_date,
                amount=award.amount,
                start_date=start_date,
                end_date=end_date,
                created_at=now,
                created_by=by,
            )
            project.full_clean(exclude=["award"])
            project.save()
            ProjectBudgetLine.objects.bulk_create(
                ProjectBudgetLine(
                    project=project,
                    position=i,
                    category=line.category,
                    category_label=line.get_category_display(),
                    description=line.description,
                    approved_amount=amount,
                )
                for i, (line, amount) in enumerate(approved_lines(award))
            )
            _audit(
                project,
                by,
                "project.contracted",
                now,
                contract_number=contract_number,
                amount=str(award.amount),
            )
    except IntegrityError:
        raise ValidationError(_("This award already has a project.")) from None
    return project


# Set-up: indicators, tranches, the reporting schedule ------------------------------------------------


@dataclass(frozen=True)
class IndicatorData:
    name: str
    unit: str
    kind: str
    baseline: Decimal
    target: Decimal


def project_set_indicators(
    *, project: Project, by: User, indicators: list[IndicatorData], at: datetime.datetime | None = None
) -> None:
    _require_manager(by, project)
    names = [i.name.strip().casefold() for i in indicators]
    if len(set(names)) != len(names):
        raise ValidationError(_("Each indicator must have its own name."))
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if Indicator.objects.filter(project=locked, values__isnull=False).exists():
            raise ValidationError(_("Indicators already reported on cannot be replaced."))
        locked.indicators.all().delete()
        Indicator.objects.bulk_create(
            Indicator(project=locked, position=i, **data.__dict__) for i, data in enumerate(indicators)
        )
        _audit(locked, by, "project.indicators_set", at, indicators=[i.name for i in indicators])


@dataclass(frozen=True)
class TrancheData:
    planned_date: datetime.date
    amount: Decimal
    condition_report: MonitoringReport | None = None


def project_set_tranches(
    *, project: Project, by: User, tranches: list[TrancheData], at: datetime.datetime | None = None
) -> None:
    """The payment schedule: its tranches add up to the awarded amount exactly."""
    _require_manager(by, project)
    total = sum((t.amount for t in tranches), Decimal("0"))
    if total != project.amount:
        raise ValidationError(
            _("The tranches add up to %(total)s; they must add up to the awarded amount, %(amount)s.")
            % {"total": f"{total:,.2f}", "amount": f"{project.amount:,.2f}"}
        )
    for tranche in tranches:
        if tranche.condition_report is not None and tranche.condition_report.project_id != project.pk:
            raise ValidationError(_("A tranche can only wait for a report of this project."))
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if locked.tranches.filter(paid_on__isnull=False).exists():
            raise ValidationError(_("A tranche is paid already: the schedule cannot be replaced."))
        locked.tranches.all().delete()
        PaymentTranche.objects.bulk_create(
            PaymentTranche(project=locked, number=i, **data.__dict__)
            for i, data in enumerate(tranches, start=1)
        )
        _audit(locked, by, "project.tranches_set", at, tranches=[str(t.amount) for t in tranches])


def tranche_payment_refusal(
    *, tranche: PaymentTranche, paid_on: datetime.date, at: datetime.datetime | None = None
) -> ValidationError | None:
    """Why this payment cannot be recorded, or None. A tranche that waits for a report is paid only
    once the report is accepted; a payment is never recorded in the future."""
    if tranche.is_paid:
        return ValidationError(_("This tranche is already paid."))
    report = tranche.condition_report
    if report is not None and report.state != MonitoringReport.State.ACCEPTED:
        return ValidationError(
            _("This tranche is paid after %(report)s is accepted; it is not accepted yet.")
            % {"report": f"{report.get_kind_display().lower()} {report.number}"}
        )
    if paid_on > timezone.localdate(at):
        return ValidationError({"paid_on": _("A payment cannot be recorded in the future.")})
    return None


def tranche_mark_paid(
    *, tranche: PaymentTranche, by: User, paid_on: datetime.date, at: datetime.datetime | None = None
) -> PaymentTranche:
    """Record a payment (see ``tranche_payment_refusal`` for when it is refused)."""
    _require_manager(by, tranche.project)
    with transaction.atomic():
        locked = (
            PaymentTranche.objects.select_for_update(of=("self",))
            .select_related("condition_report", "project__municipality")
            .get(pk=tranche.pk)
        )
        refusal = tranche_payment_refusal(tranche=locked, paid_on=paid_on, at=at)
        if refusal is not None:
            raise refusal
        locked.paid_on = paid_on
        locked.paid_by = by
        locked.save(update_fields=["paid_on", "paid_by"])
        _audit(
            locked.project,
            by,
            "tranche.paid",
            at,
            number=locked.number,
            amount=str(locked.amount),
            paid_on=paid_on,
        )
    return locked


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def schedule_periods(
    *,
    start: datetime.date,
    end: datetime.date,
    every_months: int | None = None,
    period_ends: list[datetime.date] | None = None,
) -> list[tuple[datetime.date, datetime.date]]:
    """Reporting periods from the start to the end of the project: every N months, or ending on
    the given dates; the last period always ends with the project."""
    if every_months:
        ends = []
        cursor = start
        while True:
            next_start = _add_months(cursor, every_months)
            if next_start > end:
                break
            ends.append(next_start - datetime.timedelta(days=1))
            cursor = next_start
    else:
        ends = sorted(set(period_ends or []))
    ends = [day for day in ends if day < end] + [end]
    periods, cursor = [], start
    for period_end in ends:
        periods.append((cursor, period_end))
        cursor = period_end + datetime.timedelta(days=1)
    return periods


def project_set_schedule(
    *,
    project: Project,
    by: User,
    every_months: int | None = None,
    period_ends: list[datetime.date] | None = None,
    due_days: int = REPORT_DUE_DAYS,
    at: datetime.datetime | None = None,
) -> list[MonitoringReport]:
    """The reporting schedule: interim reports for each period, and a final one."""
    _require_manager(by, project)
    if not every_months and not period_ends:
        raise ValidationError(_("Give a number of months between reports, or the dates their periods end."))
    for day in period_ends or []:
        if not project.start_date <= day <= project.end_date:
            raise ValidationError(
                {
                    "period_ends": _("%(date)s is outside the project (%(start)s to %(end)s).")
                    % {
                        "date": day.isoformat(),
                        "start": project.start_date.isoformat(),
                        "end": project.end_date.isoformat(),
                    }
                }
            )
    periods = schedule_periods(
        start=project.start_date, end=project.end_date, every_months=every_months, period_ends=period_ends
    )
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        if (
            locked.reports.exclude(state=MonitoringReport.State.DRAFT).exists()
            or locked.reports.filter(tranches__isnull=False).exists()
        ):
            raise ValidationError(_("Reports are under way: the schedule cannot be replaced."))
        locked.reports.all().delete()
        reports = MonitoringReport.objects.bulk_create(
            MonitoringReport(
                project=locked,
                number=i,
                kind=MonitoringReport.Kind.FINAL if i == len(periods) else MonitoringReport.Kind.INTERIM,
                period_start=period_start,
                period_end=period_end,
                due_date=period_end + datetime.timedelta(days=due_days),
            )
            for i, (period_start, period_end) in enumerate(periods, start=1)
        )
        _audit(locked, by, "project.schedule_set", at, reports=len(reports), every_months=every_months)
    return reports


# The project's state ------------------------------------------------------------------------------------

TRANSITIONS = {
    Project.State.COMPLETED: (Project.State.ACTIVE,),
    Project.State.SUSPENDED: (Project.State.ACTIVE,),
    Project.State.TERMINATED: (Project.State.ACTIVE, Project.State.SUSPENDED),
    Project.State.ACTIVE: (Project.State.SUSPENDED,),
}


def project_change_state(*, project: Project, by: User, state: str, reason: str = "") -> Project:
    """active → completed; suspended or terminated with a reason; a suspension can be lifted."""
    _require_manager(by, project)
    reason = reason.strip()
    if state in (Project.State.SUSPENDED, Project.State.TERMINATED) and not reason:
        raise ValidationError({"reason": _("Say why.")})
    with transaction.atomic():
        locked = (
            Project.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=project.pk)
        )
        if locked.state not in TRANSITIONS.get(state, ()):
            raise ValidationError(
                _("A project that is %(current)s cannot become %(new)s.")
                % {"current": locked.get_state_display().lower(), "new": Project.State(state).label.lower()}
            )
        if (
            state == Project.State.COMPLETED
            and locked.reports.exclude(state=MonitoringReport.State.ACCEPTED).exists()
        ):
            raise ValidationError(_("A project is completed once every report is accepted."))
        previous = locked.state
        locked.state = state
        locked.state_reason = reason
        locked.state_changed_at = timezone.now()
        locked.save(update_fields=["state", "state_reason", "state_changed_at"])
        _audit(locked, by, "project.state_changed", previous=previous, state=state, reason=reason)
    return locked
