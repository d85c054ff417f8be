"""What the seeded database is checked for once it is loaded."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, Q, Sum

from monitoring.models import MonitoringReport, PaymentTranche, Project
from organizations.models import Municipality, Organization
from procurement.models import Application, Award, Competition, PriorityIssue, ScoreSheet
from procurement.receipts import receipts_check, receipts_count
from ssp_portal.audit.models import AuditEvent
from ssp_portal.seeding.plan import Counts

# The models whose numbers are asked for, by the name of the count.
COUNTED = {
    "municipalities": Municipality,
    "organizations": Organization,
    "competitions": Competition,
    "applications": Application,
    "score_sheets": ScoreSheet,
    "projects": Project,
    "reports": MonitoringReport,
}
STATE_FIELDS = [
    (Organization, Organization.State),
    (PriorityIssue, PriorityIssue.State),
    (Competition, Competition.State),
    (Application, Application.State),
    (ScoreSheet, ScoreSheet.State),
    (Project, Project.State),
    (MonitoringReport, MonitoringReport.State),
]


@dataclass(frozen=True)
class Outcome:
    name: str
    ok: bool
    detail: str


def totals() -> dict[str, int]:
    """The rows of each counted model, and the audit log's events."""
    return {name: model.objects.count() for name, model in COUNTED.items()} | {
        "audit_events": AuditEvent.objects.count()
    }


def counts_as_asked(before: dict[str, int], counts: Counts) -> Outcome:
    added = {name: total - before[name] for name, total in totals().items()}
    asked = counts.as_dict()
    wrong = {name: (added[name], number) for name, number in asked.items() if added[name] != number}
    detail = ", ".join(f"{name} {added} (asked {number})" for name, (added, number) in wrong.items())
    return Outcome("counts as asked", not wrong, detail or ", ".join(f"{n} {added[n]}" for n in asked))


def audit_untouched(before: dict[str, int]) -> Outcome:
    """No event was added, so the audit log's hash chain is as it was."""
    added = AuditEvent.objects.count() - before["audit_events"]
    return Outcome("no audit events added", not added, f"{added} added")


def receipts_verify() -> Outcome:
    mismatches = [str(mismatch) for mismatch in receipts_check(chunk_size=2000)]
    detail = f"{len(mismatches)} of {receipts_count()} differ" + (f": {mismatches[0]}" if mismatches else "")
    return Outcome("receipts verify", not mismatches, detail)


def awards_within_budgets() -> Outcome:
    over = Competition.objects.annotate(awarded=Sum("awards__amount")).filter(awarded__gt=F("budget")).count()
    above_request = Award.objects.filter(amount__gt=F("application__requested_amount")).count()
    detail = f"{over} competitions over budget, {above_request} awards above the request"
    return Outcome("awards within budgets", not (over or above_request), detail)


def tranches_add_up() -> Outcome:
    projects = Project.objects.annotate(scheduled=Sum("tranches__amount"))
    wrong = projects.filter(Q(scheduled__isnull=True) | ~Q(scheduled=F("amount"))).count()
    return Outcome("tranches add up to project amounts", not wrong, f"{wrong} projects differ")


def every_state_present() -> Outcome:
    missing = []
    for model, choices in STATE_FIELDS:
        present = set(model.objects.order_by().values_list("state", flat=True).distinct())
        missing += [f"{model.__name__}.{value}" for value in choices.values if value not in present]
    for paid, label in ((False, "PaymentTranche.paid"), (True, "PaymentTranche.unpaid")):
        if not PaymentTranche.objects.filter(paid_on__isnull=paid).exists():
            missing.append(label)
    return Outcome("every state present", not missing, ", ".join(missing) or "all")


def searchable() -> Outcome:
    """Every competition and organization can be found by words of its title or name."""
    blank = sum(model.objects.filter(search_text="").count() for model in (Competition, Organization))
    return Outcome("competitions and organizations searchable", not blank, f"{blank} without search text")


def run(before: dict[str, int], counts: Counts) -> list[Outcome]:
    return [
        counts_as_asked(before, counts),
        receipts_verify(),
        awards_within_budgets(),
        tranches_add_up(),
        every_state_present(),
        searchable(),
        audit_untouched(before),
    ]
