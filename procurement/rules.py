"""What is missing before a competition is published, and before an application is submitted.

Each is one list of ``ssp_portal.rules.Check``. Before publishing, one list serves the
competition's page (its publishing checklist), the confirmation page and the service that refuses
to publish. Each check is either done, said as a fact ("3 criteria"), or left
to do, said as what to do ("Add at least one evaluation criterion"), with ``where`` naming the page
on which it is done. A check that depends on another is never done while the other is not: weights
cannot add up to 100 without criteria.

- The total budget is more than zero, and the maximum grant is at most the budget.
- The deadline is at least the municipality's minimum submission period after publication.
- The priority issue is approved.
- There is at least one criterion, and the criteria's weights add up to 100.
- The commission has at least three members, and a chair.
- The title, the description and every criterion, document and requirement are written in both
  state languages, Kyrgyz and Russian (English is optional).

Before submitting, one list serves the application's page ("Still missing before you can
submit"), the organization's home page and the service that refuses to submit. The page lists
only what is left, so each check is said as what to do, with ``where`` naming the section of the
application in which it is done:

- Every section is written: title, summary, problem, objectives, target group, expected results,
  and the number of beneficiaries; at least one activity and the budget lines.
- The requested amount is given, is at most the maximum grant and, once within it, equals the
  total of the budget lines.
- Every document the competition asks for is attached.
- The submission arrived before the deadline (checked by the service alone, by the moment the
  request reached the server).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from procurement.models import Application, CommissionMember, Competition
from ssp_portal.formatting import format_datetime, format_soms
from ssp_portal.languages import LANGUAGES, STATE_LANGUAGES, missing_languages, text_in
from ssp_portal.rules import Check, missing
from ssp_portal.templatetags.portal import soms

MIN_COMMISSION = 3

# The pages where a check is done (the view turns them into links).
EDIT = "edit"
CRITERIA = "criteria"
COMMISSION = "commission"
PRIORITY_ISSUE = "priority-issue"
DOCUMENTS = "documents"
ELIGIBILITY = "eligibility"


def _when(moment: datetime.datetime, competition: Competition) -> str:
    return formats.date_format(timezone.localtime(moment, competition.zone), "DATETIME_FORMAT")


def _next_minute(moment: datetime.datetime) -> datetime.datetime:
    """The first whole minute not before ``moment``: the earliest deadline a form can take."""
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + datetime.timedelta(minutes=1)


def _money_checks(competition: Competition) -> list[Check]:
    budget, max_grant = competition.budget, competition.max_grant
    return [
        Check(True, _("Total budget %(budget)s") % {"budget": soms(budget)}, EDIT)
        if budget > Decimal("0")
        else Check(False, _("Set a total budget of more than zero"), EDIT),
        Check(True, _("At most %(max_grant)s per project") % {"max_grant": soms(max_grant)}, EDIT)
        if max_grant <= budget
        else Check(
            False,
            _("Lower the maximum grant to at most the total budget (now %(max_grant)s of %(budget)s)")
            % {"max_grant": soms(max_grant), "budget": soms(budget)},
            EDIT,
        ),
    ]


def _deadline_check(competition: Competition, at: datetime.datetime) -> Check:
    min_days = competition.municipality.min_submission_days
    earliest = at + datetime.timedelta(days=min_days)
    if competition.deadline >= earliest:
        left = (competition.deadline - at).days
        return Check(
            True,
            ngettext(
                "Applicants have %(left)d day until the deadline (at least %(min)d)",
                "Applicants have %(left)d days until the deadline (at least %(min)d)",
                left,
            )
            % {"left": left, "min": min_days},
            EDIT,
        )
    return Check(
        False,
        ngettext(
            "Move the deadline to at least %(days)d day after today (%(earliest)s or later)",
            "Move the deadline to at least %(days)d days after today (%(earliest)s or later)",
            min_days,
        )
        % {"days": min_days, "earliest": _when(_next_minute(earliest), competition)},
        EDIT,
    )


def _criteria_checks(competition: Competition) -> list[Check]:
    criteria = list(competition.criteria.all())
    weights = sum(c.weight for c in criteria)
    if not criteria:
        return [
            Check(False, _("Add at least one evaluation criterion"), CRITERIA),
            Check(False, _("Give the criteria weights that add up to 100"), CRITERIA),
        ]
    count = ngettext("%(count)d evaluation criterion", "%(count)d evaluation criteria", len(criteria)) % {
        "count": len(criteria)
    }
    return [
        Check(True, count, CRITERIA),
        Check(True, _("Their weights add up to 100"), CRITERIA)
        if weights == 100
        else Check(False, _("Make the weights add up to 100 (now %(sum)d)") % {"sum": weights}, CRITERIA),
    ]


def _commission_checks(competition: Competition) -> list[Check]:
    commission = list(competition.commission.all())
    chairs = [m for m in commission if m.role == CommissionMember.Role.CHAIR]
    size = (
        Check(
            True,
            ngettext("%(count)d commission member", "%(count)d commission members", len(commission))
            % {"count": len(commission)},
            COMMISSION,
        )
        if len(commission) >= MIN_COMMISSION
        else Check(
            False,
            _("Appoint at least %(min)d commission members (now %(count)d)")
            % {"min": MIN_COMMISSION, "count": len(commission)},
            COMMISSION,
        )
    )
    # The database allows one chair at most.
    chair = (
        Check(True, _("Chair: %(name)s") % {"name": chairs[0].user.get_full_name()}, COMMISSION)
        if chairs
        else Check(False, _("Appoint a chair of the commission"), COMMISSION)
    )
    return [size, chair]


def _missing_text() -> dict[tuple[str, str], str]:
    return {
        ("title", "ky"): _("Write the Kyrgyz title"),
        ("title", "ru"): _("Write the Russian title"),
        ("description", "ky"): _("Write the Kyrgyz description"),
        ("description", "ru"): _("Write the Russian description"),
    }


def _missing_rows() -> dict[tuple[str, str], str]:
    return {
        (CRITERIA, "ky"): _("Criteria without Kyrgyz text: %(names)s"),
        (CRITERIA, "ru"): _("Criteria without Russian text: %(names)s"),
        (DOCUMENTS, "ky"): _("Documents without Kyrgyz text: %(names)s"),
        (DOCUMENTS, "ru"): _("Documents without Russian text: %(names)s"),
        (ELIGIBILITY, "ky"): _("Requirements without Kyrgyz text: %(names)s"),
        (ELIGIBILITY, "ru"): _("Requirements without Russian text: %(names)s"),
    }


def _written_in(row, texts: tuple[str, ...], language: str) -> bool:
    """The row has its name in ``language``, and its notes too when they are written at all."""
    first, *notes = texts
    return bool(text_in(row, first, language)) and all(
        text_in(row, name, language) or not any(text_in(row, name, code) for code in LANGUAGES)
        for name in notes
    )


def _language_checks(competition: Competition) -> list[Check]:
    """Everything applicants read, in Kyrgyz and in Russian."""
    checks = [
        Check(False, _missing_text()[(name, language)], EDIT)
        for name in ("title", "description")
        for language in missing_languages(competition, name)
    ]
    rows = {
        CRITERIA: (list(competition.criteria.all()), ("name", "description")),
        DOCUMENTS: (list(competition.required_documents.all()), ("name", "description")),
        ELIGIBILITY: (list(competition.eligibility_requirements.all()), ("text",)),
    }
    for where, (objects, texts) in rows.items():
        for language in STATE_LANGUAGES:
            lacking = [str(row) for row in objects if not _written_in(row, texts, language)]
            if lacking:
                names = "; ".join(f"«{name}»" for name in lacking)
                checks.append(
                    Check(False, _missing_rows()[(where, language)] % {"names": names}, where, language)
                )
    return checks or [Check(True, _("Written in Kyrgyz and Russian"), EDIT)]


def publish_checks(competition: Competition, *, at: datetime.datetime) -> list[Check]:
    """Every publishing rule of the design, each with a sentence a finance officer understands."""
    issue = competition.priority_issue
    return [
        *_money_checks(competition),
        _deadline_check(competition, at),
        Check(True, _("The priority issue “%(title)s” is approved") % {"title": issue.title}, PRIORITY_ISSUE)
        if issue.is_approved
        else Check(
            False, _("Approve the priority issue “%(title)s”") % {"title": issue.title}, PRIORITY_ISSUE
        ),
        *_criteria_checks(competition),
        *_commission_checks(competition),
        *_language_checks(competition),
    ]


def publish_problems(competition: Competition, *, at: datetime.datetime) -> list[str]:
    """What is left to do before publishing, in the same words as the checklist."""
    return [check.message for check in missing(publish_checks(competition, at=at))]


# Before an application is submitted -----------------------------------------------------------

# The sections of the application (its page's ``#section-…``) where a check is done.
PROJECT = "project"
PROBLEM = "problem"
OBJECTIVES = "objectives"
TARGET_GROUP = "target_group"
ACTIVITIES = "activities"
BUDGET = "budget"
ATTACHMENTS = "attachments"


def _written_checks(application: Application) -> list[Check]:
    def written(name: str) -> bool:
        return bool(str(getattr(application, name) or "").strip())

    return [
        Check(written("project_title"), _("Give the project a title."), PROJECT),
        Check(written("summary"), _("Write the summary."), PROJECT),
        Check(written("problem"), _("Describe the problem and its evidence."), PROBLEM),
        Check(written("objectives"), _("State the objectives."), OBJECTIVES),
        Check(written("target_group"), _("Describe the target group."), TARGET_GROUP),
        Check(written("expected_results"), _("Describe the expected results."), OBJECTIVES),
        Check(bool(application.beneficiaries), _("Give the number of beneficiaries."), TARGET_GROUP),
    ]


def max_grant_check(*, competition: Competition, requested: Decimal | None) -> Check:
    """The requested amount (when given) is at most the competition's maximum grant."""
    return Check(
        requested is None or requested <= competition.max_grant,
        _("The maximum grant of this competition is %(max)s: ask for that much or less (now %(requested)s).")
        % {"max": format_soms(competition.max_grant), "requested": format_soms(requested)},
        BUDGET,
    )


def budget_checks(*, competition: Competition, requested: Decimal | None, lines: list) -> list[Check]:
    """The requested amount is within the maximum grant; once it is, the lines add up to it (when
    both are given)."""
    within = max_grant_check(competition=competition, requested=requested)
    if not within.ok:
        return [within]
    total = sum((line.total for line in lines), Decimal("0"))
    adds_up = Check(
        requested is None or not lines or total == requested,
        _(
            "The budget lines add up to %(total)s, but the requested amount is %(requested)s: make them "
            "equal, or leave the requested amount empty to ask for the total of the lines."
        )
        % {"total": format_soms(total), "requested": format_soms(requested)},
        BUDGET,
    )
    return [within, adds_up]


def submission_checks(application: Application) -> list[Check]:
    """Everything a submission needs but its deadline, each said as what to do."""
    competition = application.competition
    lines = list(application.budget_lines.all())
    requested = application.requested_amount
    attached = {a.required_document_id for a in application.attachments.all()}
    return [
        *_written_checks(application),
        Check(bool(list(application.activities.all())), _("List at least one activity."), ACTIVITIES),
        Check(bool(lines), _("Add the budget lines."), BUDGET),
        Check(bool(requested), _("Give the requested amount."), BUDGET),
        *(budget_checks(competition=competition, requested=requested, lines=lines) if requested else []),
        *(
            Check(
                document.pk in attached, _("Attach: %(document)s.") % {"document": document.name}, ATTACHMENTS
            )
            for document in competition.required_documents.all()
        ),
    ]


def application_problems(application: Application) -> list[str]:
    """What is left to do before submitting, in plain words (the deadline is checked apart)."""
    return [check.message for check in missing(submission_checks(application))]


def deadline_check(competition: Competition, *, arrived: datetime.datetime) -> Check:
    """A submission counts by the moment it arrived: before the deadline, while the competition
    is published, or closed by the deadline task while the request waited."""
    open_states = (Competition.State.PUBLISHED, Competition.State.CLOSED)
    return Check(
        arrived < competition.deadline and competition.state in open_states,
        _("The submission deadline passed at %(time)s; the application was not submitted.")
        % {"time": format_datetime(competition.deadline, zone=competition.zone)},
    )
