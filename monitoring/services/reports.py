"""Monitoring reports: the organization writes and submits; a consultant or finance staff review.

Every submission is a round kept with what was submitted and what the reviewer said. Accepted
reports never change.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitoring import permissions
from monitoring.models import (
    MAX_AMOUNT,
    PUBLIC_SECTIONS,
    REPORT_SECTIONS,
    Expenditure,
    Indicator,
    IndicatorValue,
    MonitoringReport,
    Project,
    ReportAttachment,
    ReportRound,
    SiteVisit,
    SiteVisitPhoto,
)
from monitoring.spending import LineSpend, spend_for_report
from organizations.models import MunicipalityMembership, User
from ssp_portal.audit.services import audit_record
from ssp_portal.files import CheckedUpload
from ssp_portal.formatting import format_quantity, format_soms, read_number, typed_number
from ssp_portal.notifications.services import email_notify
from ssp_portal.private_files import discard, store
from ssp_portal.public_cache import public_changed
from ssp_portal.rules import Check, missing, refusal
from ssp_portal.versions import version_of

NARRATIVE = ("activities", "results", "beneficiaries_reached", "problems")
ANSWER_LENGTH = 3000
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
    open_ = permissions.report_open(locked)
    if not open_:
        raise ValidationError(open_.reason)
    return locked


def _touch(locked: MonitoringReport, now: datetime.datetime) -> None:
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])


def indicator_value(indicator: Indicator, raw: Any) -> Decimal:
    """An indicator's value in its kind: a whole number, a number, or a percentage."""
    text = str(typed_number(str(raw)))
    if "," in text:
        raise ValidationError(
            _("%(name)s: write the number without separators, for example 1500 or 12.5.")
            % {"name": indicator.name}
        )
    value = read_number(text)
    if value is None:
        # Digits and a point only: no words, no exponents (1e3).
        raise ValidationError(_("%(name)s: enter a number.") % {"name": indicator.name})
    if value < 0:
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


@dataclass(frozen=True)
class Spending:
    """What the organization entered for one approved line: an amount (None: left empty, which
    is not 0) and, where the line goes over its approved amount, why."""

    amount: Decimal | None
    explanation: str = ""


@dataclass(frozen=True)
class ReportDraft:
    """A report's draft as the organization entered it. A part left out (None) stays as it is.

    ``values``: indicator id → the value as typed (empty removes it); ``spending``: budget line
    id → :class:`Spending`; ``answers``: section → the answer to the reviewer's comment on it.
    """

    narrative: dict[str, Any] | None = None
    values: dict[int, Any] | None = None
    spending: dict[int, Spending] | None = None
    answers: dict[str, str] | None = None
    #: The narrative sections marked "Show on the public project page" (``PUBLIC_SECTIONS``).
    public: list[str] | None = None
    #: The draft's version as the form showed it (``report_draft_version``); None: not checked.
    version: str | None = None


DRAFT_STALE = gettext_lazy(
    "Someone saved this report after you opened it. Your text is kept below but not saved: reload "
    "the page to see theirs, then make your changes again."
)


def report_draft_version(report: MonitoringReport, answering: ReportRound | None = None) -> str:
    """The version of what the draft form shows of a report (narrative, indicator values,
    spending, answers to ``answering``'s comments), carried by the form (``ssp_portal.versions``)."""
    return version_of(
        {
            "narrative": {name: getattr(report, name) for name in NARRATIVE},
            "public": report.public_sections,
            "values": sorted([v.indicator_id, v.value] for v in report.indicator_values.all()),
            "spending": sorted(
                [e.budget_line_id, e.amount, e.explanation] for e in report.expenditures.all()
            ),
            "answers": answering.answers if answering is not None else {},
        }
    )


def _text(value: Any) -> str:
    """Text as stored: browsers send line breaks as CR LF, the report keeps LF."""
    return str(value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _refuse(errors: dict[str, list], message: str) -> None:
    """A refusal that belongs to no one field."""
    errors.setdefault(NON_FIELD_ERRORS, []).append(message)


def latest_round(report: MonitoringReport) -> ReportRound | None:
    """The report's latest round (from its prefetched rounds when a page loaded them)."""
    return max(report.rounds.all(), key=lambda r: r.number, default=None)


def answerable_round(report: MonitoringReport, latest: ReportRound | None = None) -> ReportRound | None:
    """The round whose comments the organization answers: the latest, when it asked for a revision."""
    latest = latest or latest_round(report)
    if (
        report.state == MonitoringReport.State.REVISION_REQUESTED
        and latest is not None
        and latest.decision == ReportRound.Decision.REVISION_REQUESTED
    ):
        return latest
    return None


def _draft_narrative(locked: MonitoringReport, narrative: dict[str, Any], errors: dict) -> list[str]:
    """Set the narrative fields that differ on ``locked``; the names of those that changed."""
    changed = []
    for name in NARRATIVE:
        if name not in narrative:
            continue
        new = narrative[name]
        if name != "beneficiaries_reached":
            new = _text(new)
        elif new in ("", None):
            new = None
        if getattr(locked, name) != new:
            setattr(locked, name, new)
            changed.append(name)
    try:
        locked.clean_fields(exclude=[f.name for f in locked._meta.fields if f.name not in changed])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    return changed


def _draft_public(locked: MonitoringReport, public: list[str] | None) -> list[str]:
    """Set the sections marked public on ``locked`` when they differ (kept in the order of
    ``PUBLIC_SECTIONS``; unknown names are dropped); ``["public_sections"]`` if they changed."""
    if public is None:
        return []
    marked = [section for section in PUBLIC_SECTIONS if section in public]
    if marked == locked.public_sections:
        return []
    locked.public_sections = marked
    return ["public_sections"]


def _draft_values(locked: MonitoringReport, values: dict[int, Any], errors: dict) -> tuple[list, list, list]:
    """Indicator values to create, update and delete."""
    indicators = {i.pk: i for i in locked.project.indicators.all()}
    stored = {v.indicator_id: v for v in locked.indicator_values.all()}
    create, update, delete = [], [], []
    for indicator_id, raw in values.items():
        indicator = indicators.get(indicator_id)
        if indicator is None:
            _refuse(errors, _("That indicator is not one of this project's."))
            continue
        own = stored.get(indicator_id)
        if raw in (None, "") or (isinstance(raw, str) and not raw.strip()):
            if own is not None:
                delete.append(own)
            continue
        try:
            value = indicator_value(indicator, raw)
        except ValidationError as exc:
            errors[f"value_{indicator_id}"] = exc.messages
            continue
        if own is None:
            create.append(IndicatorValue(report=locked, indicator=indicator, value=value))
        elif own.value != value:
            own.value = value
            update.append(own)
    return create, update, delete


def overspending_message(row: LineSpend) -> str:
    """What a line that goes above its approved amount without an explanation is told."""
    return _("%(line)s: spending reaches %(total)s of %(approved)s approved; explain why.") % {
        "line": row.line.description,
        "total": format_soms(row.cumulative),
        "approved": format_soms(row.line.approved_amount),
    }


def _draft_spending(
    locked: MonitoringReport, spending: dict[int, Spending], errors: dict
) -> tuple[list, list, list]:
    """Expenditures to create, update and delete. Spending that takes a line above its approved
    amount, counting earlier reports, is accepted only with an explanation (a period that adds
    nothing to a line already over needs none: ``LineSpend.needs_explanation``); a line over its
    approved amount is flagged to the reviewer."""
    lines = {line.pk for line in locked.project.budget_lines.all()}
    for line_id in spending:
        if line_id not in lines:
            _refuse(errors, _("That budget line is not one of this project's."))
    spending = {line_id: entry for line_id, entry in spending.items() if line_id in lines}
    for line_id, entry in spending.items():
        error = _amount_error(entry)
        if error:
            errors[f"amount_{line_id}"] = [error]
    if any(key.startswith("amount_") for key in errors):
        return [], [], []
    stored = {e.budget_line_id: e for e in locked.expenditures.all()}
    rows = spend_for_report(locked, {line_id: entry.amount for line_id, entry in spending.items()})
    create, update, delete = [], [], []
    for row in rows:
        entry = spending.get(row.line.pk)
        if entry is None:
            continue
        own = stored.get(row.line.pk)
        explanation = _text(entry.explanation)
        if entry.amount is None:
            if own is not None:
                delete.append(own)
        elif row.needs_explanation and not explanation:
            errors[f"explanation_{row.line.pk}"] = [overspending_message(row)]
        elif own is None:
            create.append(_expenditure(locked, row, entry.amount, explanation))
        elif (own.amount, own.explanation, own.overspent) != (entry.amount, explanation, row.overspent):
            own.amount, own.explanation, own.overspent = entry.amount, explanation, row.overspent
            update.append(own)
    return create, update, delete


def _amount_error(entry: Spending) -> str:
    """What is wrong with the amount entered for a line, or ""."""
    amount = entry.amount
    if amount is None:
        if _text(entry.explanation):
            # An explanation without its amount would be lost: ask for the amount.
            return _("Enter the amount (0 if nothing was spent) that this explanation is for.")
    elif not amount.is_finite() or amount < 0:
        return _("The amount cannot be negative.")
    elif amount > MAX_AMOUNT or amount.as_tuple().exponent < -2:
        return _("Enter an amount in soms, for example 150000 or 150000.50.")
    return ""


def _expenditure(locked: MonitoringReport, row: LineSpend, amount: Decimal, explanation: str) -> Expenditure:
    return Expenditure(
        report=locked, budget_line=row.line, amount=amount, explanation=explanation, overspent=row.overspent
    )


def _draft_answers(current: ReportRound | None, answers: dict[str, str], errors: dict) -> ReportRound | None:
    """``current`` (the round being answered) with its answers changed, or None when they are
    as they were."""
    answers = {section: _text(text) for section, text in answers.items()}
    commented = current.comments if current else {}
    if any(text and section not in commented for section, text in answers.items()):
        _refuse(errors, _("There is no comment of the reviewer to answer here."))
        return None
    for section, text in answers.items():
        if len(text) > ANSWER_LENGTH:
            errors[f"answer_{section}"] = [
                _("Keep the answer under %(count)s characters.") % {"count": format_quantity(ANSWER_LENGTH)}
            ]
    if current is None or errors:
        return None
    merged = dict(current.answers)
    for section, text in answers.items():
        if text:
            merged[section] = text
        else:
            merged.pop(section, None)
    if merged == current.answers:
        return None
    current.answers = merged
    return current


def report_save_draft(
    *, report: MonitoringReport, by: User, draft: ReportDraft, at: datetime.datetime | None = None
) -> list[str]:
    """Save the organization's draft of a report in one go: narrative, indicator values, spending
    and answers to the reviewer's comments.

    Everything is checked first; if anything is wrong nothing is saved and the error names the
    field (``activities``, ``value_<indicator>``, ``amount_<line>``, ``explanation_<line>``,
    ``answer_<section>``). Only what differs from the stored report is written; a draft saved
    unchanged writes nothing and records no event. Returns the sections that changed.
    """
    now = at or timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        if draft.version and draft.version != report_draft_version(locked, answerable_round(locked)):
            raise ValidationError({NON_FIELD_ERRORS: [DRAFT_STALE]})
        changes = _draft_changes(locked, draft)
        changed = _write_draft(changes)
        if not changed:
            return []
        locked.updated_at = now
        locked.save(update_fields=[*changes.narrative, "updated_at"])
        _audit(locked, by, "report.draft_saved", now, sections=changed)
    return changed


@dataclass(frozen=True)
class _DraftChanges:
    """What a draft changes: the narrative fields set on the report, indicator values and
    expenditures to create, update and delete, and the round whose answers changed."""

    narrative: list[str]
    values: tuple[list, list, list]
    spending: tuple[list, list, list]
    answered: ReportRound | None


def _draft_changes(locked: MonitoringReport, draft: ReportDraft) -> _DraftChanges:
    """Everything the draft changes, checked; refused with every error beside its field."""
    errors: dict[str, list] = {}
    narrative = _draft_narrative(locked, draft.narrative or {}, errors) + _draft_public(locked, draft.public)
    values = _draft_values(locked, draft.values or {}, errors)
    spending = _draft_spending(locked, draft.spending or {}, errors)
    answered = None
    if draft.answers is not None:
        current = locked.rounds.select_for_update().order_by("-number").first()
        answerable = answerable_round(locked, latest=current)
        answered = _draft_answers(answerable, draft.answers, errors)
    if errors:
        raise ValidationError(errors)
    return _DraftChanges(narrative=narrative, values=values, spending=spending, answered=answered)


def _write_draft(changes: _DraftChanges) -> list[str]:
    """Write what changed (the narrative is saved with the report); the sections that changed."""
    changed = []
    if changes.narrative:
        changed.append("narrative")
    if any(changes.values):
        create, update, delete = changes.values
        IndicatorValue.objects.filter(pk__in=[v.pk for v in delete]).delete()
        IndicatorValue.objects.bulk_update(update, ["value"])
        IndicatorValue.objects.bulk_create(create)
        changed.append("indicators")
    if any(changes.spending):
        create, update, delete = changes.spending
        Expenditure.objects.filter(pk__in=[e.pk for e in delete]).delete()
        Expenditure.objects.bulk_update(update, ["amount", "explanation", "overspent"])
        Expenditure.objects.bulk_create(create)
        changed.append("expenditure")
    if changes.answered is not None:
        changes.answered.save(update_fields=["answers"])
        changed.append("answers")
    return changed


def report_attach(*, report: MonitoringReport, by: User, kind: str, file: CheckedUpload) -> ReportAttachment:
    now = timezone.now()
    with transaction.atomic():
        locked = _writable(report, by)
        attachment = store(ReportAttachment(report=locked, kind=kind, uploaded_by=by, uploaded_at=now), file)
        _touch(locked, now)
    return attachment


def report_detach(*, attachment: ReportAttachment, by: User) -> None:
    now = timezone.now()
    with transaction.atomic():
        locked = _writable(attachment.report, by)
        discard(attachment)
        _touch(locked, now)


def report_checks(report: MonitoringReport) -> list[Check]:
    """What a report needs before it is submitted, each check said as what to do and named by the
    field of the draft form where it is done: the narrative, a value for every indicator, the
    spending on every approved line (0 where nothing was spent), and an answer to every comment
    of the reviewer when a revision was requested."""
    reported = {v.indicator_id for v in report.indicator_values.all()}
    return [
        Check(bool(report.activities.strip()), _("Describe the activities carried out."), "activities"),
        Check(bool(report.results.strip()), _("Describe the results."), "results"),
        Check(
            report.beneficiaries_reached is not None,
            _("Give the number of beneficiaries reached."),
            "beneficiaries_reached",
        ),
        *(
            Check(
                indicator.pk in reported,
                _("Give the value of the indicator “%(name)s”.") % {"name": indicator.name},
                f"value_{indicator.pk}",
            )
            for indicator in report.project.indicators.all()
        ),
        *_spending_checks(report),
        *_answer_checks(report),
    ]


def _spending_checks(report: MonitoringReport) -> list[Check]:
    spent = {e.budget_line_id for e in report.expenditures.all()}
    lines = list(report.project.budget_lines.all())
    if lines and not spent:
        return [Check(False, _("Enter the spending of the period (0 where nothing was spent)."))]
    return [
        Check(
            line.pk in spent,
            _("Enter the spending on “%(line)s” (0 where nothing was spent).") % {"line": line.description},
            f"amount_{line.pk}",
        )
        for line in lines
    ]


def _answer_checks(report: MonitoringReport) -> list[Check]:
    answering = answerable_round(report)
    return [
        Check(
            bool(answer),
            _("Answer the reviewer's comment on “%(section)s”.") % {"section": label},
            f"answer_{section}",
        )
        for section, label, _comment, answer in (answering.comments_and_answers if answering else [])
    ]


def report_problems(report: MonitoringReport) -> list[str]:
    """What stops the report from being submitted (``report_checks`` left to do)."""
    return [check.message for check in missing(report_checks(report))]


def _snapshot(report: MonitoringReport) -> dict[str, Any]:
    """What a round submitted, kept as it was: the narrative, indicator values by indicator name
    (names are unique in a project and fixed once reported on), spending per approved line and
    the attachments' names. monitoring/changes.py compares two of them."""
    return {
        "narrative": {name: str(getattr(report, name) or "") for name in NARRATIVE},
        "indicators": {
            v.indicator.name: str(v.value) for v in report.indicator_values.select_related("indicator")
        },
        "expenditure": [
            {
                "line_id": e.budget_line_id,
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
        problems = refusal(report_checks(locked))
        if problems is not None:
            raise problems
        previous = locked.rounds.select_related("reviewer").order_by("-number").first()
        number = previous.number + 1 if previous else 1
        current = ReportRound.objects.create(
            report=locked, number=number, submitted_at=now, submitted_by=by, snapshot=_snapshot(locked)
        )
        locked.state = MonitoringReport.State.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["state", "submitted_at"])
        _audit(locked, by, "report.submitted", now, round=number)
        for reviewer in report_reviewers(report=locked, previous=previous):
            email_notify(
                user=reviewer,
                template="monitoring/email/report_arrived",
                context={
                    "report": locked,
                    "project": locked.project,
                    "round": current,
                    "previous": previous,
                },
            )
    return locked


def report_save_and_submit(
    *, report: MonitoringReport, by: User, draft: ReportDraft, at: datetime.datetime | None = None
) -> tuple[list[str], list[str]]:
    """Save the draft as typed, then submit the report if nothing is missing: the "Submit the
    report" button of the draft form, so that what was typed is never dropped on the way.

    Invalid input saves and submits nothing (``report_save_draft`` raises). A valid draft is
    saved even when the submission is refused, and the refusal is returned: (the sections that
    changed, what is still missing); nothing missing means the report is submitted.
    """
    changed = report_save_draft(report=report, by=by, draft=draft, at=at)
    try:
        report_submit(report=report, by=by, at=at)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        return changed, exc.messages
    return changed, []


def report_reviewers(*, report: MonitoringReport, previous: ReportRound | None) -> list[User]:
    """Who is told that a report arrived: the reviewer of the previous round when the report comes
    back from a revision (if they still review for the municipality); otherwise the
    municipality's consultants, or its finance staff when it has none."""
    reviewer = previous.reviewer if previous is not None else None
    if reviewer is not None and permissions.can_review_report(reviewer, report):
        return [reviewer]
    memberships = MunicipalityMembership.objects.filter(
        municipality=report.project.municipality_id, user__is_active=True
    ).select_related("user")
    # Members of the organization do not review its reports, so they are not told of them.
    own = set(report.project.organization.memberships.values_list("user_id", flat=True))
    memberships = [m for m in memberships if m.user_id not in own]
    consultants = [m.user for m in memberships if m.role == MunicipalityMembership.Role.CONSULTANT]
    return consultants or [m.user for m in memberships if m.role == MunicipalityMembership.Role.STAFF]


def report_review(
    *,
    report: MonitoringReport,
    by: User,
    accept: bool,
    comments: dict[str, str],
    at: datetime.datetime | None = None,
) -> MonitoringReport:
    """Accept the report, or ask for a revision with comments per section."""
    comments = _review_comments(report, by, accept, comments)
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
        verb = "report.accepted" if accept else "report.revision_requested"
        _audit(locked, by, verb, now, round=current.number)
        public_changed()  # reported spending and first-round acceptance are public figures
        _tell_reviewed(locked, current)
    return locked


def _review_comments(
    report: MonitoringReport, by: User, accept: bool, comments: dict[str, str]
) -> dict[str, str]:
    """The review's comments as kept, per section; refused when the person may not review the
    report, or asks for a revision without a comment."""
    if not permissions.reviews_for(by, report.project.municipality):
        raise PermissionDenied
    reviewer = permissions.can_review_report(by, report)
    if not reviewer:
        raise ValidationError(reviewer.reason)
    comments = {
        section: text.strip() for section, text in comments.items() if section in SECTIONS and text.strip()
    }
    if not accept and not comments:
        raise ValidationError(_("Say what must change: comment at least one section."))
    return comments


def _tell_reviewed(locked: MonitoringReport, current: ReportRound) -> None:
    """E-mail the organization's members the decision and the comments of the round."""
    context = {
        "report": locked,
        "round": current,
        "project": locked.project,
        "comments": [(SECTIONS[section], text) for section, text in current.comments.items()],
    }
    for membership in locked.project.organization.memberships.select_related("user"):
        email_notify(user=membership.user, template="monitoring/email/report_reviewed", context=context)


def site_visit_record(
    *,
    project: Project,
    by: User,
    data: dict[str, Any],
    photos: list[CheckedUpload],
    at: datetime.datetime | None = None,
) -> SiteVisit:
    """A consultant's visit to the project, with what was seen and found, and photos."""
    if not permissions.can_record_visit(by, project):
        raise PermissionDenied
    if data["visited_on"] > timezone.localdate(at):
        raise ValidationError({"visited_on": _("A visit cannot be recorded before it happens.")})
    with transaction.atomic():
        visit = SiteVisit.objects.create(
            project=project, recorded_by=by, recorded_at=at or timezone.now(), **data
        )
        for upload in photos:
            store(SiteVisitPhoto(visit=visit), upload)
        audit_record(
            actor=by,
            verb="project.site_visit",
            target=project,
            scope=project.municipality,
            at=at,
            details={"visited_on": data["visited_on"]},
        )
    return visit
