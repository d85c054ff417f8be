"""The procurement lists as files (``ssp_portal.exports``): the public competitions and a completed
competition's results, the staff's competitions, a competition's applications (counts only while
sealed), the ranking, the awards and a commission member's competitions.

Each list declares its columns here, beside the rows its page shows; a view asked for a file
(``?export=csv|xlsx``) hands the same rows, filtered as the page filters them and every one rather
than a page of them, to one of the ``*_file`` functions below, after the page's own permission
check. Querysets are read in chunks with their joins: a list costs the same queries at any size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality
from procurement.models import Application, Award, CommissionMember, Competition
from procurement.scoring import Ranked, rounded
from procurement.selectors import CommissionWork
from ssp_portal import exports
from ssp_portal.exports import Column


def _label(model: type, name: str) -> Any:
    """A field's name as a column header (the model's translated verbose name, capitalised)."""
    return capfirst(model._meta.get_field(name).verbose_name)


def _in_zone(competition: Competition) -> str:
    return competition.municipality.time_zone


def _award(application: Application) -> Award | None:
    """The application's award, None without one (the ranking reads it with a join)."""
    return getattr(application, "award", None)


# The public competitions, and a completed competition's results ------------------------------------

COMPETITION_COLUMNS = (
    Column(_("Reference"), lambda c: c.reference),
    Column(_("Competition"), lambda c: c.title),
    Column(_("Municipality"), lambda c: c.municipality.name),
    Column(_("Priority issue"), lambda c: c.priority_issue.title),
    Column(_("State"), lambda c: c.get_current_state_display()),
    Column(_("Budget"), lambda c: c.budget, money=True),
    Column(_("Deadline"), lambda c: c.deadline, zone=_in_zone),
)


def competitions_file(competitions: QuerySet[Competition], *, fmt: str) -> HttpResponse:
    """``competitions``: ``selectors.competition_list`` through ``filters.CompetitionFilter``."""
    return exports.response(competitions, COMPETITION_COLUMNS, fmt=fmt, name=[_("Competitions")])


RESULT_COLUMNS = (
    Column(_("Rank"), lambda r: r.rank),
    Column(_("Organization"), lambda r: r.application.organization.name),
    Column(_("Total score"), lambda r: r.mean_shown),
    Column(_("Grant"), lambda r: _award(r.application).amount if _award(r.application) else None, money=True),
)


def results_file(competition: Competition, results: Sequence[Ranked], *, fmt: str) -> HttpResponse:
    """``results``: ``selectors.public_results``, empty until the results are published."""
    return exports.response(results, RESULT_COLUMNS, fmt=fmt, name=[_("Results"), competition.reference])


# The staff's competitions -----------------------------------------------------------------------


def _unless_draft(count: str):
    """A count of applications, none for a draft (the page shows a dash)."""
    return lambda c: None if c.is_draft else getattr(c, count)


STAFF_COMPETITION_COLUMNS = (
    Column(_("Reference"), lambda c: c.reference),
    Column(_("Competition"), lambda c: c.title),
    Column(_("Priority issue"), lambda c: c.priority_issue.title),
    Column(_("Budget"), lambda c: c.budget, money=True),
    Column(_("Deadline"), lambda c: c.deadline, zone=_in_zone),
    Column(_("Drafts"), _unless_draft("draft_count")),
    Column(_("Submitted applications"), _unless_draft("submitted_count")),
    Column(_("State"), lambda c: c.get_current_state_display()),
    Column(_("Criteria"), lambda c: c.criteria_count),
    Column(_("Commission members"), lambda c: c.commission_count),
)


def staff_competitions_file(
    competitions: QuerySet[Competition], *, fmt: str, municipality: Municipality
) -> HttpResponse:
    """``competitions``: ``selectors.competition_for_staff`` through ``StaffCompetitionFilter``."""
    return exports.response(
        competitions.select_related("municipality"),
        STAFF_COMPETITION_COLUMNS,
        fmt=fmt,
        name=[_("Competitions"), municipality.name],
    )


# A competition's applications, for its staff -----------------------------------------------------

APPLICATION_COLUMNS = (
    Column(_("Receipt number"), lambda a: a.receipt_number),
    Column(_("Organization"), lambda a: a.organization.name),
    Column(_("Project"), lambda a: a.project_title),
    Column(_("Requested amount"), lambda a: a.requested_amount, money=True),
    Column(_("Submitted"), lambda a: a.submitted_at, zone=lambda a: _in_zone(a.competition)),
    Column(_("State"), lambda a: a.get_state_display()),
    Column(
        _label(Application, "ineligible_requirement"),
        lambda a: a.ineligible_requirement.text if a.ineligible_requirement else "",
    ),
)

# While sealed: the numbers the page shows, and when the seal lifts; no applicant, no content.
SEALED_COLUMNS = (
    Column(_("Deadline"), lambda r: r["deadline"], zone=lambda r: r["zone"]),
    Column(_("Drafts"), lambda r: r["drafts"]),
    Column(_("Submitted applications"), lambda r: r["submitted"]),
    Column(_("Withdrawn applications"), lambda r: r["withdrawn"]),
)


def applications_file(
    competition: Competition, applications: QuerySet[Application] | None, counts: dict, *, fmt: str
) -> HttpResponse:
    """``applications``: ``selectors.applications_for_staff`` through ``ApplicationFilter``, or None
    while the competition is sealed: then the file holds ``counts`` alone
    (``selectors.application_counts``)."""
    name = [_("Applications"), competition.reference]
    if applications is None:
        row = {"deadline": competition.deadline, "zone": _in_zone(competition), **counts}
        return exports.response([row], SEALED_COLUMNS, fmt=fmt, name=name)
    rows = applications.select_related("competition__municipality")
    return exports.response(rows, APPLICATION_COLUMNS, fmt=fmt, name=name)


# The ranking and the awards ------------------------------------------------------------------------


def _member_total(member: CommissionMember):
    return lambda r: rounded(r.member_totals.get(member.pk))


def ranking_columns(members: Iterable[CommissionMember]) -> tuple[Column, ...]:
    """The ranking's columns: one per commission member, in the order of the seats."""
    return (
        Column(_("Rank"), lambda r: r.rank),
        Column(_("Organization"), lambda r: r.application.organization.name),
        Column(_("Project"), lambda r: r.application.project_title),
        *(Column(member.user.get_full_name(), _member_total(member)) for member in members),
        Column(_("Total (mean)"), lambda r: r.mean_shown),
        Column(_("Spread"), lambda r: r.spread_shown),
        Column(_("Flagged for discussion"), lambda r: r.flagged),
    )


def ranking_file(
    competition: Competition, rows: Sequence[Ranked], members: Sequence[CommissionMember], *, fmt: str
) -> HttpResponse:
    """``rows``: ``selectors.ranking``; ``members``: the commission (``evaluation_progress``)."""
    return exports.response(
        rows, ranking_columns(members), fmt=fmt, name=[_("Ranking"), competition.reference]
    )


def _awarded(row: Ranked) -> Decimal | None:
    award = _award(row.application)
    return award.amount if award else None


AWARD_COLUMNS = (
    Column(_("Rank"), lambda r: r.rank),
    Column(_("Organization"), lambda r: r.application.organization.name),
    Column(_("Total"), lambda r: r.mean_shown),
    Column(_("Requested amount"), lambda r: r.application.requested_amount, money=True),
    Column(_("Awarded amount"), _awarded, money=True),
    Column(
        _label(Award, "departure_reason"),
        lambda r: _award(r.application).departure_reason if _award(r.application) else "",
    ),
    Column(_("State"), lambda r: r.application.get_state_display()),
)


def awards_file(competition: Competition, rows: Sequence[Ranked], *, fmt: str) -> HttpResponse:
    """``rows``: ``selectors.ranking``, each with its award."""
    return exports.response(rows, AWARD_COLUMNS, fmt=fmt, name=[_("Awards"), competition.reference])


# A commission member's competitions --------------------------------------------------------------

_STEP_TEXTS = {
    "declare": _("Sign your declaration of interest."),
    "decision": _(
        "Every member has submitted their sheets. The finance department decides the awards and "
        "publishes the results."
    ),
    "screening": _(
        "Your declaration is signed. The finance department is screening the applications; you score "
        "them once the evaluation starts."
    ),
    "preparing": _(
        "The finance department is preparing this competition. It appears here once it is published."
    ),
    "results": _("The results are published."),
    "cancelled": _("The competition was cancelled."),
}


def step_text(work: CommissionWork) -> str:
    """What is left for the member, in the words of their list's page."""
    if work.step == "score":
        return ngettext(
            "%(counter)s application is left for you to score.",
            "%(counter)s applications are left for you to score.",
            work.to_score,
        ) % {"counter": work.to_score}
    if work.step == "waiting":
        return gettext("Waiting for the other members: %(done)s of %(members)s have finished.") % {
            "done": work.members_done,
            "members": work.members,
        }
    if work.step == "accepting":
        deadline = timezone.localtime(work.competition.deadline, work.competition.zone)
        return gettext(
            "Proposals are accepted until %(deadline)s. After the deadline you sign your declaration of "
            "interest and score the eligible applications."
        ) % {"deadline": date_format(deadline, "DATETIME_FORMAT")}
    return str(_STEP_TEXTS.get(work.step, _STEP_TEXTS["cancelled"]))


COMMISSION_COLUMNS = (
    Column(_("Reference"), lambda w: w.competition.reference),
    Column(_("Competition"), lambda w: w.competition.title),
    Column(_("Municipality"), lambda w: w.competition.municipality.name),
    Column(_("Role"), lambda w: w.seat.get_role_display()),
    Column(_("State"), lambda w: w.competition.get_current_state_display()),
    Column(_("Deadline"), lambda w: w.competition.deadline, zone=lambda w: _in_zone(w.competition)),
    Column(_("Next step"), step_text),
)


def commission_file(work: Sequence[CommissionWork], *, fmt: str) -> HttpResponse:
    """``work``: ``selectors.commission_work`` of the competitions ``CommissionWorkFilter`` keeps."""
    return exports.response(work, COMMISSION_COLUMNS, fmt=fmt, name=[_("Competitions you evaluate")])
