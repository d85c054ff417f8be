"""The rules about a municipality's projects and years: one organization winning most of the
money, tranches paid before their condition, reports long overdue.

Each reads every municipality given at once (a fixed number of queries, whatever their number
and size): the consultant's work list passes all of the consultant's municipalities.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from insights.flags.base import Flag, threshold
from insights.flags.competitions import flags_of_competitions
from monitoring.models import MonitoringReport, PaymentTranche, local_today
from organizations.models import Municipality
from procurement.models import Award, Competition
from ssp_portal.formatting import format_date, format_percent, format_soms


def municipality_flags(municipality: Municipality) -> list[Flag]:
    """The flags of a municipality: every competition's, the projects' (tranches, overdue reports)
    and those over several years (one organization winning most of the money)."""
    competitions = Competition.objects.filter(municipality=municipality).order_by("-deadline", "-pk")
    return flags_of_competitions(competitions) + project_flags([municipality])


def project_flags(municipalities: Sequence[Municipality]) -> list[Flag]:
    """The flags of the municipalities' projects and years (rules 6, 7 and 8), as a consultant's
    work list shows them."""
    if not municipalities:
        return []
    return dominant_winners(municipalities) + early_tranches(municipalities) + overdue_reports(municipalities)


def dominant_winners(
    municipalities: Sequence[Municipality], now: datetime.datetime | None = None
) -> list[Flag]:
    """Rule 6: one organization received more than ``SSP_FLAG_DOMINANT_SHARE`` (50) % of what a
    municipality awarded in competitions completed in the last ``SSP_FLAG_DOMINANT_YEARS`` (3)
    calendar years, when at least ``SSP_FLAG_DOMINANT_COMPETITIONS`` (2) were completed then."""
    share, years = threshold("DOMINANT_SHARE", 50), threshold("DOMINANT_YEARS", 3)
    least = threshold("DOMINANT_COMPETITIONS", 2)
    last = {m.pk: local_today(m.time_zone, now).year for m in municipalities}
    since = {pk: year - years + 1 for pk, year in last.items()}
    awards = (
        Award.objects.filter(
            competition__municipality__in=municipalities,
            competition__state=Competition.State.COMPLETED,
            competition__completed_at__gte=(now or timezone.now()) - datetime.timedelta(days=366 * years + 1),
        )
        .select_related("competition__municipality", "application__organization")
        .order_by("competition__municipality", "pk")
    )
    totals: dict[int, Decimal] = defaultdict(Decimal)
    competitions: dict[int, set[int]] = defaultdict(set)
    won: dict[tuple[int, int], list[Award]] = defaultdict(list)
    for award in awards:
        municipality = award.competition.municipality
        if (
            timezone.localtime(award.competition.completed_at, ZoneInfo(municipality.time_zone)).year
            < since[municipality.pk]
        ):
            continue
        totals[municipality.pk] += award.amount
        competitions[municipality.pk].add(award.competition_id)
        won[(municipality.pk, award.application.organization_id)].append(award)
    flags = []
    for (municipality_pk, _organization), awarded in won.items():
        amount, total = sum((a.amount for a in awarded), Decimal("0")), totals[municipality_pk]
        if len(competitions[municipality_pk]) < least or amount * 100 <= total * share:
            continue
        flags.append(
            _dominant_flag(
                awarded,
                total,
                len(competitions[municipality_pk]),
                (since[municipality_pk], last[municipality_pk]),
                (share, years, least),
            )
        )
    return flags


def _dominant_flag(
    awarded: list[Award],
    total: Decimal,
    competitions: int,
    window: tuple[int, int],
    limits: tuple[int, int, int],
) -> Flag:
    """Rule 6's flag for one organization's ``awarded`` awards out of the municipality's ``total``
    in ``competitions`` competitions completed in the years ``window`` (first, last)."""
    share, years, least = limits
    amount = sum((a.amount for a in awarded), Decimal("0"))
    municipality = awarded[0].competition.municipality
    organization = awarded[0].application.organization
    explanation = _(
        "%(organization)s received %(amount)s of the %(total)s that %(municipality)s awarded in "
        "%(first)s–%(last)s (%(share)s), in %(won)s of %(competitions)s competitions."
    ) % {
        "organization": organization.name,
        "amount": format_soms(amount),
        "total": format_soms(total),
        "municipality": municipality.name,
        "first": window[0],
        "last": window[1],
        "share": format_percent((amount * 100 / total).quantize(Decimal("1"))),
        "won": len({a.competition_id for a in awarded}),
        "competitions": competitions,
    }
    rule_text = _(
        "Raised when one organization received more than %(share)s of what a municipality awarded in "
        "the last %(years)s calendar years, when at least %(least)s competitions were completed in that time."
    ) % {"share": format_percent(share), "years": years, "least": least}
    return Flag(
        "dominant-winner",
        _("One organization wins most of the money"),
        explanation,
        rule_text,
        url=organization.get_absolute_url(),
        subject=organization.name,
    )


def early_tranches(municipalities: Sequence[Municipality]) -> list[Flag]:
    """Rule 7: a tranche tied to a report's acceptance paid before the report was accepted (or
    while it is not)."""
    tranches = (
        PaymentTranche.objects.filter(
            project__municipality__in=municipalities, paid_on__isnull=False, condition_report__isnull=False
        )
        .select_related("project__municipality", "condition_report")
        .order_by("project__contract_number", "number")
    )
    flags = []
    for tranche in tranches:
        report, project = tranche.condition_report, tranche.project
        zone = ZoneInfo(project.municipality.time_zone)
        accepted = timezone.localtime(report.accepted_at, zone).date() if report.accepted_at else None
        if accepted is not None and tranche.paid_on >= accepted:
            continue
        values = {
            "number": tranche.number,
            "contract": project.contract_number,
            "paid": format_date(tranche.paid_on),
            "report": report.number,
            "accepted": format_date(accepted),
        }
        if accepted is None:
            explanation = (
                _(
                    "Tranche %(number)s of %(contract)s was paid on %(paid)s; report %(report)s, its "
                    "condition, has not been accepted."
                )
                % values
            )
        else:
            explanation = (
                _(
                    "Tranche %(number)s of %(contract)s was paid on %(paid)s; report %(report)s, its "
                    "condition, was accepted on %(accepted)s."
                )
                % values
            )
        rule_text = _(
            "Raised when a tranche tied to a report's acceptance is paid before the report is accepted."
        )
        flags.append(
            Flag(
                "early-tranche",
                _("Tranche paid before its condition"),
                explanation,
                rule_text,
                url=project.get_absolute_url(),
                subject=project.contract_number,
            )
        )
    return flags


def overdue_reports(
    municipalities: Sequence[Municipality], now: datetime.datetime | None = None
) -> list[Flag]:
    """Rule 8: reports overdue (monitoring's rule, in the municipality's zone) by more than
    ``SSP_FLAG_OVERDUE_DAYS`` (30) days."""
    days = threshold("OVERDUE_DAYS", 30)
    now = now or timezone.now()
    reports = (
        MonitoringReport.objects.overdue(now - datetime.timedelta(days=days))
        .filter(project__municipality__in=municipalities)
        .select_related("project__municipality")
        .order_by("due_date", "pk")
    )
    flags = []
    for report in reports:
        project = report.project
        explanation = _(
            "Report %(report)s of %(contract)s was due on %(due)s and has not been submitted: "
            "%(days)s days late."
        ) % {
            "report": report.number,
            "contract": project.contract_number,
            "due": format_date(report.due_date),
            "days": (local_today(project.municipality.time_zone, now) - report.due_date).days,
        }
        rule_text = _("Raised when a report is overdue by more than %(days)s days.") % {"days": days}
        flags.append(
            Flag(
                "overdue-report",
                _("Report long overdue"),
                explanation,
                rule_text,
                url=project.get_absolute_url(),
                subject=project.contract_number,
            )
        )
    return flags
