"""Projects: made from awards when the grant agreement is signed, set up and followed by staff."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from monitoring import permissions
from monitoring.models import Indicator, MonitoringReport, PaymentTranche, Project, ProjectBudgetLine
from organizations.models import User
from procurement.models import Award, BudgetLine, Competition
from ssp_portal.audit.services import audit_record
from ssp_portal.formatting import format_date, format_soms
from ssp_portal.notifications.services import email_notify
from ssp_portal.public_cache import public_changed
from ssp_portal.rows.sync import sync_rows
from ssp_portal.rules import Check, missing

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
    _require_contracting(by, award.competition)
    now = at or timezone.now()
    project = _contracted_project(
        award,
        by,
        now,
        contract_number=contract_number.strip(),
        contract_date=contract_date,
        start_date=start_date,
        end_date=end_date,
    )
    try:
        with transaction.atomic():
            project.full_clean(exclude=["award"])
            project.save()
            ProjectBudgetLine.objects.bulk_create(_approved_budget(project, award))
            _audit(
                project,
                by,
                "project.contracted",
                now,
                contract_number=project.contract_number,
                amount=str(award.amount),
            )
            # The competition's results and the home page link to the new project's page.
            public_changed()
    except IntegrityError:
        raise ValidationError(_("This award already has a project.")) from None
    return project


def _require_contracting(by: User, competition: Competition) -> None:
    if not permissions.can_contract(by, competition.municipality):
        raise PermissionDenied
    if competition.state != Competition.State.COMPLETED:
        raise ValidationError(_("Projects are contracted once the competition's results are published."))


def _contracted_project(award: Award, by: User, now: datetime.datetime, **agreement: Any) -> Project:
    """The award's project as the grant agreement (number, date, period) makes it, not saved yet."""
    competition = award.competition
    return Project(
        award=award,
        municipality=competition.municipality,
        organization=award.application.organization,
        title=award.application.project_title or competition.title,
        amount=award.amount,
        created_at=now,
        created_by=by,
        **agreement,
    )


def _approved_budget(project: Project, award: Award) -> list[ProjectBudgetLine]:
    """The project's budget: the application's lines as approved (``approved_lines``)."""
    return [
        ProjectBudgetLine(
            project=project,
            position=i,
            category=line.category,
            category_label=line.get_category_display(),
            description=line.description,
            approved_amount=amount,
        )
        for i, (line, amount) in enumerate(approved_lines(award))
    ]


# Set-up: indicators, tranches, the reporting schedule ------------------------------------------------


def _require_setup_open(locked: Project) -> None:
    setup = permissions.project_setup_open(locked)
    if not setup:
        raise ValidationError(setup.reason)


def reported_indicators(project: Project) -> set[int]:
    """Indicators a report has a value of: they neither change nor are removed."""
    return set(Indicator.objects.filter(project=project, values__isnull=False).values_list("pk", flat=True))


@dataclass(frozen=True)
class IndicatorData:
    name: str
    unit: str
    kind: str
    baseline: Decimal
    target: Decimal
    id: int | None = None


def project_set_indicators(
    *, project: Project, by: User, indicators: list[IndicatorData], at: datetime.datetime | None = None
) -> bool:
    """Make the project's indicators exactly ``indicators``, in order; one already reported on
    stays as it is. False when nothing changed."""
    _require_manager(by, project)
    names = [i.name.strip().casefold() for i in indicators]
    if len(set(names)) != len(names):
        raise ValidationError(_("Give each indicator its own name."))
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_setup_open(locked)
        reported = reported_indicators(locked)
        changes = sync_rows(
            existing=locked.indicators.all(),
            rows=indicators,
            fields=("name", "unit", "kind", "baseline", "target"),
            unique=("name",),
            build=lambda values: Indicator(project=locked, **values),
            clean=lambda row: row.full_clean(
                exclude=["project"], validate_unique=False, validate_constraints=False
            ),
            locked=lambda row: row.pk in reported,
            locked_message=_("An indicator already reported on can neither change nor be removed."),
        )
        if changes:
            _audit(locked, by, "project.indicators_set", at, indicators=[i.name for i in indicators])
            public_changed()  # the public project page lists the indicators
    return bool(changes)


@dataclass(frozen=True)
class TrancheData:
    planned_date: datetime.date
    amount: Decimal
    condition_report: MonitoringReport | None = None
    id: int | None = None


def project_set_tranches(
    *, project: Project, by: User, tranches: list[TrancheData], at: datetime.datetime | None = None
) -> bool:
    """The payment schedule: its tranches add up to the awarded amount exactly; paid ones stay as
    they are. False when nothing changed."""
    _require_manager(by, project)
    total = sum((t.amount for t in tranches), Decimal("0"))
    if tranches and total != project.amount:
        raise ValidationError(
            _(
                "The tranches add up to %(total)s; change them so that they add up to the awarded amount, "
                "%(amount)s."
            )
            % {"total": format_soms(total), "amount": format_soms(project.amount)}
        )
    for tranche in tranches:
        if tranche.condition_report is not None and tranche.condition_report.project_id != project.pk:
            raise ValidationError(_("A tranche can only wait for a report of this project."))
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_setup_open(locked)
        changes = sync_rows(
            existing=locked.tranches.all(),
            rows=tranches,
            fields=("planned_date", "amount", "condition_report"),
            order_field="number",
            first=1,
            unique=("number",),
            build=lambda values: PaymentTranche(project=locked, **values),
            locked=lambda row: row.is_paid,
            locked_message=_(
                "A paid tranche keeps its number, date and amount: change or remove only the tranches "
                "that are not paid, and keep the paid ones first."
            ),
        )
        if changes:
            _audit(locked, by, "project.tranches_set", at, tranches=[str(t.amount) for t in tranches])
            public_changed()
    return bool(changes)


def tranche_payment_refusal(
    *, tranche: PaymentTranche, paid_on: datetime.date, at: datetime.datetime | None = None
) -> ValidationError | None:
    """Why this payment cannot be recorded, or None.

    - A suspended project's tranches wait until the suspension is lifted; a terminated project's
      are no longer paid.
    - A completed project's remaining tranches are still paid: the final tranche is usually paid
      once the final report is accepted, that is after the project is completed.
    - A tranche that waits for a report is paid only once the report is accepted.
    - A payment is never recorded in the future.
    """
    if tranche.is_paid:
        return ValidationError(_("This tranche is already paid."))
    state = tranche.project.state
    if state == Project.State.TERMINATED:
        return ValidationError(
            _("This project is terminated: its tranches that are not paid are no longer paid.")
        )
    if state == Project.State.SUSPENDED:
        return ValidationError(
            _("This project is suspended: tranches are paid again once the suspension is lifted.")
        )
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
    payer = permissions.can_pay_tranches(by, tranche.project)
    if not payer:
        raise ValidationError(payer.reason)
    with transaction.atomic():
        # The project is locked too: a payment and a change of the project's state wait for each other.
        locked = (
            PaymentTranche.objects.select_for_update(of=("self", "project"))
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
        public_changed()  # disbursed money: dashboards, profiles, the yearly figures
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
    _check_period_ends(project, every_months, period_ends)
    periods = schedule_periods(
        start=project.start_date, end=project.end_date, every_months=every_months, period_ends=period_ends
    )
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_setup_open(locked)
        if started_reports(locked) or locked.reports.filter(tranches__isnull=False).exists():
            raise ValidationError(
                _(
                    "Reports are under way or tranches wait for them: change the reports one by one "
                    "in the table instead."
                )
            )
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


def _check_period_ends(
    project: Project, every_months: int | None, period_ends: list[datetime.date] | None
) -> None:
    """A schedule is filled in every few months or by the dates its periods end, within the project."""
    if not every_months and not period_ends:
        raise ValidationError(_("Give a number of months between reports, or the dates their periods end."))
    for day in period_ends or []:
        if not project.start_date <= day <= project.end_date:
            raise ValidationError(
                {
                    "period_ends": _("%(date)s is outside the project (%(start)s to %(end)s).")
                    % {
                        "date": format_date(day),
                        "start": format_date(project.start_date),
                        "end": format_date(project.end_date),
                    }
                }
            )


def started_reports(project: Project) -> set[int]:
    """Reports someone has begun: submitted or reviewed once, or a draft with anything written or
    attached in it. A schedule change leaves them as they are."""
    reports = MonitoringReport.objects.filter(project=project)
    return set(
        reports.filter(
            Q(~Q(state=MonitoringReport.State.DRAFT))
            | Q(rounds__isnull=False)
            | ~Q(activities="")
            | ~Q(results="")
            | ~Q(problems="")
            | Q(beneficiaries_reached__isnull=False)
            | Q(indicator_values__isnull=False)
            | Q(expenditures__isnull=False)
            | Q(attachments__isnull=False)
        ).values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class PeriodData:
    """A report of the schedule: the end of the period it covers and its due date."""

    period_end: datetime.date
    due_date: datetime.date | None = None
    id: int | None = None


def period_problems(project: Project, periods: list[PeriodData]) -> list[tuple[int, str, str]]:
    """What is wrong with a schedule, as (row, field, message); the last report ends with the project."""
    problems = []
    previous = None
    for index, period in enumerate(periods):
        if not project.start_date <= period.period_end <= project.end_date:
            problems.append(
                (
                    index,
                    "period_end",
                    _("Choose a date within the project, from %(start)s to %(end)s.")
                    % {"start": date_format(project.start_date), "end": date_format(project.end_date)},
                )
            )
        elif previous is not None and period.period_end <= previous:
            problems.append((index, "period_end", _("Each period ends after the one before it.")))
        if period.due_date is not None and period.due_date < period.period_end:
            problems.append((index, "due_date", _("A report is due after its period ends.")))
        previous = period.period_end
    if periods and periods[-1].period_end != project.end_date:
        problems.append(
            (
                len(periods) - 1,
                "period_end",
                _("The last report is the final one: its period ends when the project ends, on %(end)s.")
                % {"end": date_format(project.end_date)},
            )
        )
    return problems


def project_set_report_periods(
    *, project: Project, by: User, periods: list[PeriodData], at: datetime.datetime | None = None
) -> bool:
    """The reports of the schedule, in order: each covers the days after the one before, the last
    is the final report; a report someone has begun keeps its place and dates. False when nothing
    changed."""
    _require_manager(by, project)
    problems = period_problems(project, periods)
    if problems:
        raise ValidationError([message for _index, _field, message in problems])
    rows = _period_rows(project, periods)
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_setup_open(locked)
        started = started_reports(locked)
        awaited = set(
            PaymentTranche.objects.filter(project=locked, condition_report__isnull=False).values_list(
                "condition_report_id", flat=True
            )
        )
        changes = sync_rows(
            existing=locked.reports.all(),
            rows=rows,
            fields=("period_start", "period_end", "due_date", "kind"),
            order_field="number",
            first=1,
            unique=("number",),
            build=lambda values: MonitoringReport(project=locked, **values),
            locked=lambda report: report.pk in started,
            locked_message=_(
                "A report that is under way keeps its number and period: change only the reports after it."
            ),
            kept=lambda report: report.pk in awaited,
            kept_message=_(
                "A tranche waits for this report: change the tranche first, then remove the report."
            ),
        )
        if changes:
            _audit(locked, by, "project.schedule_set", at, reports=len(rows))
    return bool(changes)


def _period_rows(project: Project, periods: list[PeriodData]) -> list[SimpleNamespace]:
    """The schedule's reports as rows: each starts the day after the one before ends, is due
    ``REPORT_DUE_DAYS`` after its end unless given, and the last is the final report."""
    rows = []
    start = project.start_date
    for index, period in enumerate(periods):
        rows.append(
            SimpleNamespace(
                id=period.id,
                period_start=start,
                period_end=period.period_end,
                due_date=period.due_date or period.period_end + datetime.timedelta(days=REPORT_DUE_DAYS),
                kind=MonitoringReport.Kind.FINAL
                if index == len(periods) - 1
                else MonitoringReport.Kind.INTERIM,
            )
        )
        start = period.period_end + datetime.timedelta(days=1)
    return rows


# The project's state ------------------------------------------------------------------------------------

TRANSITIONS = {
    Project.State.COMPLETED: (Project.State.ACTIVE,),
    Project.State.SUSPENDED: (Project.State.ACTIVE,),
    Project.State.TERMINATED: (Project.State.ACTIVE, Project.State.SUSPENDED),
    Project.State.ACTIVE: (Project.State.SUSPENDED,),
}
# The states a project is put in with a reason, and those it never leaves.
REASONED = (Project.State.SUSPENDED, Project.State.TERMINATED)
FINAL = (Project.State.COMPLETED, Project.State.TERMINATED)


def next_states(project: Project) -> list[str]:
    """The states the project can be put in now, in the order of ``TRANSITIONS``."""
    return [state for state, sources in TRANSITIONS.items() if project.state in sources]


@dataclass(frozen=True)
class StateChange:
    """What putting a project in ``state`` means, as the confirmation and the e-mail say it.

    ``pending``: the reports not submitted yet (a draft, or sent back for a revision), which a
    terminated project no longer expects, a suspended one does not expect until the suspension
    is lifted, and a project made active again expects by their due dates. ``unpaid``: the
    tranches not paid yet (see ``tranche_payment_refusal`` for which are still paid).
    ``recipients``: the organization's members, who are e-mailed. ``problems``: what stands in
    the way, each a check left to do; one about a report is done on the report's page (``where``).
    """

    project: Project
    state: str
    pending: list[MonitoringReport]
    unpaid: list[PaymentTranche]
    recipients: list[User]
    problems: list[Check]


def state_checks(project: Project, state: str, reports: list[MonitoringReport]) -> list[Check]:
    """What changing ``project`` to ``state`` needs: a transition of ``TRANSITIONS``, and to
    complete it, every report accepted."""
    if project.state not in TRANSITIONS.get(state, ()):
        return [
            Check(
                False,
                _("A project that is %(current)s cannot become %(new)s.")
                % {"current": project.get_state_display().lower(), "new": Project.State(state).label.lower()},
            )
        ]
    if state != Project.State.COMPLETED:
        return []
    return [
        Check(
            report.state == MonitoringReport.State.ACCEPTED,
            _("%(report)s is not accepted yet.") % {"report": f"{report.get_kind_display()} {report.number}"},
            where=report.get_absolute_url(),
        )
        for report in reports
    ]


def state_change(*, project: Project, state: str) -> StateChange:
    """What changing ``project`` to ``state`` would do now (three queries)."""
    reports = list(project.reports.order_by("number"))
    return StateChange(
        project=project,
        state=state,
        pending=[r for r in reports if r.editable],
        unpaid=list(project.tranches.filter(paid_on__isnull=True).select_related("condition_report")),
        recipients=list(
            User.objects.filter(
                organization_memberships__organization=project.organization_id, is_active=True
            ).order_by("email")
        ),
        problems=missing(state_checks(project, state, reports)),
    )


def project_change_state(*, project: Project, by: User, state: str, reason: str = "") -> Project:
    """active → completed (once every report is accepted); suspended or terminated with a reason; a
    suspension can be lifted. The organization's members are e-mailed of the change."""
    _require_manager(by, project)
    reason = reason.replace("\r\n", "\n").strip() if state in REASONED else ""
    if state in REASONED and not reason:
        raise ValidationError({"reason": reason_required_message(state)})
    with transaction.atomic():
        locked = (
            Project.objects.select_for_update(of=("self",))
            .select_related("municipality", "organization")
            .get(pk=project.pk)
        )
        change = state_change(project=locked, state=state)
        if change.problems:
            messages = [check.message for check in change.problems]
            if any(check.where for check in change.problems):
                messages.insert(0, _("A project is completed once every report is accepted."))
            raise ValidationError(messages)
        previous = locked.state
        locked.state = state
        locked.state_reason = reason
        locked.state_changed_at = timezone.now()
        locked.save(update_fields=["state", "state_reason", "state_changed_at"])
        _audit(locked, by, "project.state_changed", previous=previous, state=state, reason=reason)
        public_changed()  # projects by state: dashboards and organizations' track records
        for user in change.recipients:
            email_notify(
                user=user,
                template="monitoring/email/project_state_changed",
                context={
                    "project": locked,
                    "state": state,
                    "previous": previous,
                    "reason": reason,
                    "pending": change.pending,
                    "unpaid": change.unpaid,
                },
            )
    return locked


def reason_required_message(state: str) -> str:
    if state == Project.State.SUSPENDED:
        return _("Say why the project is suspended.")
    return _("Say why the project is terminated.")
