"""The rules about competitions: applicants, submission period, amendments, conflicts, scores.

``flags_of_competitions`` reads everything for a list of competitions at once (a fixed number of
queries, whatever their number) and applies each rule to each competition.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from insights.flags.base import Flag, threshold
from procurement.models import (
    Amendment,
    Application,
    Award,
    Competition,
    ConflictedOrganization,
    CriterionScore,
    EvaluationCriterion,
    ScoreSheet,
)
from procurement.scoring import Criterion, Ranked, rank
from procurement.selectors import SUBMITTED_STATES
from ssp_portal.formatting import format_date, format_datetime, format_number, format_soms

# The states in which the scores are the commission's record, read by the staff (and, completed, by all).
SCORED = (Competition.State.EVALUATION, Competition.State.COMPLETED)


@dataclass
class Record:
    """What the rules read of one competition."""

    competition: Competition
    amendments: list[Amendment] = field(default_factory=list)
    conflicted: set[int] = field(default_factory=set)  # organization ids
    awards: list[Award] = field(default_factory=list)
    ranking: list[Ranked] = field(default_factory=list)


def competition_flags(competition: Competition, *, public: bool = False) -> list[Flag]:
    """The flags of one competition; ``public``: as the public may see them (after completion)."""
    return flags_of_competitions(Competition.objects.filter(pk=competition.pk), public=public)


def flags_of_competitions(competitions: Iterable[Competition], *, public: bool = False) -> list[Flag]:
    """The flags of the competitions (a queryset or a list of them), in their order; drafts have none."""
    pks = [c.pk for c in competitions]
    rows = (
        Competition.objects.filter(pk__in=pks)
        .exclude(state=Competition.State.DRAFT)
        .select_related("municipality")
        .annotate(applicants=Count("applications", filter=Q(applications__state__in=SUBMITTED_STATES)))
    )
    if public:
        rows = rows.filter(state=Competition.State.COMPLETED)
    records = {c.pk: Record(c) for c in sorted(rows, key=lambda c: pks.index(c.pk))}
    if not records:
        return []
    _read(records)
    flags: list[Flag] = []
    for record in records.values():
        for rule in RULES:
            flags.extend(rule(record))
    return flags


def _read(records: dict[int, Record]) -> None:
    """Amendments, declared conflicts, awards and (for scored competitions) the rankings."""
    for amendment in Amendment.objects.filter(competition__in=records).order_by("competition", "number"):
        records[amendment.competition_id].amendments.append(amendment)
    for competition_id, organization_id in ConflictedOrganization.objects.filter(
        declaration__competition__in=records
    ).values_list("declaration__competition_id", "organization_id"):
        records[competition_id].conflicted.add(organization_id)
    for award in Award.objects.filter(competition__in=records).select_related("application__organization"):
        records[award.competition_id].awards.append(award)
    scored = [pk for pk, r in records.items() if r.competition.state in SCORED]
    if scored:
        for pk, ranking in _rankings(scored, records).items():
            records[pk].ranking = ranking


def _rankings(pks: list[int], records: dict[int, Record]) -> dict[int, list[Ranked]]:
    """Each competition's ranking as ``procurement.selectors.ranking`` computes it, read for all
    the competitions in three queries (``procurement.scoring.rank`` on the same inputs)."""
    criteria: dict[int, list[Criterion]] = defaultdict(list)
    for c in EvaluationCriterion.objects.filter(competition__in=pks).order_by(
        "competition", "position", "pk"
    ):
        criteria[c.competition_id].append(Criterion(c.pk, c.weight, c.max_score))
    applications: dict[int, list[Application]] = defaultdict(list)
    for application in (
        Application.objects.filter(competition__in=pks, state__in=Application.SCORED_STATES)
        .select_related("organization")
        .order_by("receipt_number")
    ):
        applications[application.competition_id].append(application)
    sheets: dict[int, dict[int, dict[int, Decimal]]] = defaultdict(lambda: defaultdict(dict))
    for score in CriterionScore.objects.filter(
        sheet__application__competition__in=pks, sheet__state=ScoreSheet.State.SUBMITTED
    ).values("sheet__application_id", "sheet__member_id", "criterion_id", "score"):
        sheets[score["sheet__application_id"]][score["sheet__member_id"]][score["criterion_id"]] = score[
            "score"
        ]
    return {
        pk: rank(
            applications[pk],
            criteria[pk],
            sheets,
            margin=records[pk].competition.score_spread_margin,
            submitted_at={a.pk: a.submitted_at for a in applications[pk]},
        )
        for pk in pks
    }


def _flag(competition: Competition, rule: str, title, explanation, rule_text) -> Flag:
    return Flag(
        rule, title, explanation, rule_text, url=competition.get_absolute_url(), subject=competition.reference
    )


def _local(competition: Competition, moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment, competition.zone)


def single_applicant(record: Record) -> list[Flag]:
    """Rule 1: the deadline has passed with fewer than two applications (read only once unsealed)."""
    competition = record.competition
    if (
        competition.is_sealed
        or competition.state == Competition.State.CANCELLED
        or competition.applicants >= 2
    ):
        return []
    values = {
        "reference": competition.reference,
        "date": format_date(_local(competition, competition.deadline).date()),
    }
    if competition.applicants == 1:
        title = _("Only one organization applied")
        explanation = _("%(reference)s closed on %(date)s with one application.") % values
    else:
        title = _("No organization applied")
        explanation = _("%(reference)s closed on %(date)s without any application.") % values
    rule_text = _("Raised when a competition closes with fewer than two applications.")
    return [_flag(competition, "single-applicant", title, explanation, rule_text)]


def short_period(record: Record) -> list[Flag]:
    """Rule 2: from publication to the deadline, as first published or as it stands, is shorter than
    the municipality's minimum submission period."""
    competition = record.competition
    if competition.published_at is None:
        return []
    minimum = competition.municipality.min_submission_days
    first = record.amendments[0].previous_deadline if record.amendments else competition.deadline
    periods = [first - competition.published_at, competition.deadline - competition.published_at]
    if min(periods) >= datetime.timedelta(days=minimum):
        return []
    explanation = _(
        "%(reference)s was published on %(published)s with its deadline on %(deadline)s: "
        "%(days)s days, where the municipality's minimum is %(minimum)s days."
    ) % {
        "reference": competition.reference,
        "published": format_date(_local(competition, competition.published_at).date()),
        "deadline": format_date(_local(competition, first).date()),
        "days": periods[0].days,
        "minimum": minimum,
    }
    if competition.deadline != first:
        explanation += " " + _("With its amendments the deadline is %(deadline)s: %(days)s days.") % {
            "deadline": format_date(_local(competition, competition.deadline).date()),
            "days": periods[1].days,
        }
    rule_text = _(
        "Raised when the time from publication to the deadline, as first published or as it stands, "
        "is shorter than the municipality's minimum submission period."
    )
    return [_flag(competition, "short-period", _("Short submission period"), explanation, rule_text)]


def late_amendment(record: Record) -> list[Flag]:
    """Rule 3: an amendment made within ``SSP_FLAG_AMENDMENT_DAYS`` (3) days of the deadline then in force."""
    competition, days = record.competition, threshold("AMENDMENT_DAYS", 3)
    zone = competition.zone
    flags = []
    for amendment in record.amendments:
        if amendment.previous_deadline - amendment.created_at >= datetime.timedelta(days=days):
            continue
        explanation = _(
            "Amendment %(number)s to %(reference)s was made on %(made)s; the deadline then in force "
            "was %(deadline)s."
        ) % {
            "number": amendment.number,
            "reference": competition.reference,
            "made": format_datetime(amendment.created_at, zone=zone),
            "deadline": format_datetime(amendment.previous_deadline, zone=zone),
        }
        rule_text = _(
            "Raised when an amendment is made less than %(days)s days before the deadline in force "
            "at that time."
        ) % {"days": days}
        flags.append(
            _flag(competition, "late-amendment", _("Amendment close to the deadline"), explanation, rule_text)
        )
    return flags


def conflicted_award(record: Record) -> list[Flag]:
    """Rule 4: an award to an organization a member of the commission declared a conflict of interest with."""
    competition = record.competition
    flags = []
    for award in record.awards:
        organization = award.application.organization
        if organization.pk not in record.conflicted:
            continue
        explanation = _(
            "%(organization)s was awarded %(amount)s in %(reference)s; a member of the commission "
            "declared a conflict of interest with it."
        ) % {
            "organization": organization.name,
            "amount": format_soms(award.amount),
            "reference": competition.reference,
        }
        rule_text = _(
            "Raised when an award goes to an organization that a member of the competition's commission "
            "declared a conflict of interest with."
        )
        flags.append(
            _flag(
                competition,
                "conflicted-award",
                _("Award despite a declared conflict"),
                explanation,
                rule_text,
            )
        )
    return flags


def score_spread(record: Record) -> list[Flag]:
    """Rule 5: the members' totals for an application spread above the competition's margin, as the
    ranking (``procurement.scoring.rank``) flags it."""
    competition = record.competition
    flags = []
    for row in record.ranking:
        if not row.flagged:
            continue
        explanation = _(
            "In %(reference)s the members' totals for the application of %(organization)s differ by "
            "%(spread)s points, more than the competition's margin of %(margin)s."
        ) % {
            "reference": competition.reference,
            "organization": row.application.organization.name,
            "spread": format_number(row.spread_shown),
            "margin": format_number(competition.score_spread_margin),
        }
        rule_text = _(
            "Raised when the highest and the lowest member's total for one application differ by more "
            "than the competition's margin; the ranking marks it for discussion."
        )
        flags.append(_flag(competition, "score-spread", _("Scores far apart"), explanation, rule_text))
    return flags


RULES = (single_applicant, short_period, late_amendment, conflicted_award, score_spread)
