"""The checks a competition must pass before it is published, in plain words."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from procurement.models import CommissionMember, Competition

MIN_COMMISSION = 3


@dataclass(frozen=True)
class Check:
    ok: bool
    message: str


def publish_checks(competition: Competition, *, at: datetime.datetime) -> list[Check]:
    """Every publishing rule of the design, each with a sentence a finance officer understands."""
    criteria = list(competition.criteria.all())
    commission = list(competition.commission.all())
    weights = sum(c.weight for c in criteria)
    chairs = sum(1 for m in commission if m.role == CommissionMember.Role.CHAIR)
    min_days = competition.municipality.min_submission_days
    earliest_deadline = at + datetime.timedelta(days=min_days)
    return [
        Check(competition.budget > Decimal("0"), _("The total budget is more than zero.")),
        Check(
            competition.max_grant <= competition.budget,
            _("The maximum grant per project is not more than the total budget."),
        ),
        Check(
            competition.deadline >= earliest_deadline,
            ngettext(
                "The deadline is at least %(days)d day after publication.",
                "The deadline is at least %(days)d days after publication.",
                min_days,
            )
            % {"days": min_days},
        ),
        Check(competition.priority_issue.is_approved, _("The priority issue is approved.")),
        Check(bool(criteria), _("There is at least one evaluation criterion.")),
        Check(
            not criteria or weights == 100,
            _("The weights of the criteria add up to 100 (now %(sum)d).") % {"sum": weights},
        ),
        Check(
            len(commission) >= MIN_COMMISSION,
            _("The commission has at least %(min)d members (now %(count)d).")
            % {"min": MIN_COMMISSION, "count": len(commission)},
        ),
        Check(chairs == 1, _("The commission has a chair.")),
    ]


def publish_problems(competition: Competition, *, at: datetime.datetime) -> list[str]:
    return [check.message for check in publish_checks(competition, at=at) if not check.ok]
