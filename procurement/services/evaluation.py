"""The commission's work and the award: declarations, score sheets, ranking, awards.

Declarations are signed once and never change. A member opens and scores only after declaring,
never an application of an organization they are conflicted with. A submitted sheet is locked;
only the chair reopens it. Awards stay within the budget, checked with the competition locked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Organization, User
from procurement import permissions, selectors
from procurement.documents import PROTOCOL
from procurement.models import (
    Application,
    Award,
    CommissionMember,
    Competition,
    ConflictDeclaration,
    ConflictedOrganization,
    CriterionScore,
    EvaluationCriterion,
    ScoreSheet,
)
from procurement.permissions import own_organizations
from ssp_portal.audit.services import audit_record
from ssp_portal.documents.services import document_request
from ssp_portal.formatting import format_soms
from ssp_portal.notifications.services import email_notify
from ssp_portal.rules import Answer, Check, missing, refusal


def _audit(target, by, verb, at, competition, **details) -> None:
    audit_record(actor=by, verb=verb, target=target, scope=competition.municipality, at=at, details=details)


def _require(answer: Answer) -> None:
    """A refused permission as the service's refusal: its reason, or, when nothing may be said, 403."""
    if not answer:
        if not answer.reason:
            raise PermissionDenied
        raise ValidationError(answer.reason)


def _seat_or_denied(user: User, competition: Competition) -> CommissionMember:
    seat = permissions.commission_seat(user, competition)
    if seat is None:
        raise PermissionDenied
    return seat


# Declarations ------------------------------------------------------------------------------------


def declaration_statement(
    *, user: User, competition: Competition, conflicts: list[tuple[Organization, str]]
) -> str:
    """The words the member signs."""
    if not conflicts:
        return _(
            "I, %(name)s, member of the commission of competition %(reference)s “%(title)s”, declare that I "
            "have no conflict of interest with any organization that applied to it."
        ) % {"name": user.get_full_name(), "reference": competition.reference, "title": competition.title}
    names = "; ".join(f"{organization.name} ({reason})" for organization, reason in conflicts)
    return _(
        "I, %(name)s, member of the commission of competition %(reference)s “%(title)s”, declare a conflict "
        "of interest with: %(names)s. I will neither open nor score their applications."
    ) % {
        "name": user.get_full_name(),
        "reference": competition.reference,
        "title": competition.title,
        "names": names,
    }


def _declared_conflicts(
    competition: Competition, by: User, conflicts: list[tuple[Organization, str]]
) -> list[tuple[Organization, str]]:
    """The conflicts as declared, each with an applicant and a reason, and those the member has
    without declaring them: a member of an applicant is conflicted with it, declared or not."""
    applicants = set(
        Application.objects.filter(competition=competition)
        .exclude(state__in=[Application.State.DRAFT, Application.State.WITHDRAWN])
        .values_list("organization_id", flat=True)
    )
    for organization, reason in conflicts:
        if organization.pk not in applicants:
            raise ValidationError(
                _("%(name)s did not apply to this competition.") % {"name": organization.name}
            )
        if not reason.strip():
            raise ValidationError(_("Give a short reason for each conflict."))
    declared = {organization.pk for organization, _reason in conflicts}
    return list(conflicts) + [
        (organization, _("Member of the organization"))
        for organization in Organization.objects.filter(
            pk__in=applicants & own_organizations(by) - declared
        ).order_by("name")
    ]


def declaration_sign(
    *,
    competition: Competition,
    by: User,
    conflicts: list[tuple[Organization, str]],
    at: datetime.datetime | None = None,
) -> ConflictDeclaration:
    """Sign, once, that one has no conflict of interest, or with which applicants one has."""
    seat = _seat_or_denied(by, competition)
    now = at or timezone.now()
    _require(permissions.can_declare(competition, seat=seat, at=now))
    conflicts = _declared_conflicts(competition, by, conflicts)
    with transaction.atomic():
        if ConflictDeclaration.objects.select_for_update().filter(member=seat).exists():
            raise ValidationError(_("You have already signed your declaration; it cannot be changed."))
        declaration = ConflictDeclaration.objects.create(
            competition=competition,
            member=seat,
            signed_by=by,
            has_conflict=bool(conflicts),
            statement=declaration_statement(user=by, competition=competition, conflicts=conflicts),
            declared_at=now,
        )
        ConflictedOrganization.objects.bulk_create(
            ConflictedOrganization(declaration=declaration, organization=organization, reason=reason.strip())
            for organization, reason in conflicts
        )
        names = [organization.name for organization, _reason in conflicts]
        _audit(competition, by, "commission.declared", now, competition, conflicts=names)
    return declaration


# Score sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreData:
    criterion_id: int
    score: Decimal | None
    comment: str = ""


def _scorable(application: Application, by: User, now: datetime.datetime) -> CommissionMember:
    seat = permissions.commission_seat(by, application.competition)
    _require(permissions.can_score(by, application, seat=seat, at=now))
    return seat


def _checked_scores(
    criteria: dict[int, EvaluationCriterion], scores: list[ScoreData], *, submit: bool
) -> None:
    """Each score within its criterion's range; every criterion scored before the sheet is submitted."""
    errors = []
    for item in scores:
        criterion = criteria.get(item.criterion_id)
        if criterion is None:
            raise ValidationError(_("That criterion is not one of this competition's."))
        if item.score is not None and not (0 <= item.score <= criterion.max_score):
            errors.append(
                _("%(criterion)s: the score must be between 0 and %(max)d.")
                % {"criterion": criterion.name, "max": criterion.max_score}
            )
    given = {item.criterion_id for item in scores if item.score is not None}
    if submit and given != set(criteria):
        errors.append(_("Score every criterion before submitting the sheet."))
    if errors:
        raise ValidationError(errors)


def _sheet_write(
    sheet: ScoreSheet,
    criteria: dict[int, EvaluationCriterion],
    scores: list[ScoreData],
    *,
    overall_comment: str,
    submit: bool,
    at: datetime.datetime,
) -> None:
    sheet.scores.all().delete()
    CriterionScore.objects.bulk_create(
        CriterionScore(
            sheet=sheet, criterion=criteria[item.criterion_id], score=item.score, comment=item.comment
        )
        for item in scores
        if item.score is not None
    )
    sheet.overall_comment = overall_comment
    sheet.updated_at = at
    if submit:
        sheet.state = ScoreSheet.State.SUBMITTED
        sheet.submitted_at = at
    sheet.save()


def sheet_save(
    *,
    application: Application,
    by: User,
    scores: list[ScoreData],
    overall_comment: str,
    submit: bool,
    at: datetime.datetime | None = None,
) -> ScoreSheet:
    """Save a member's sheet as a draft, or submit it (then it is locked)."""
    now = at or timezone.now()
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("competition__municipality")
            .get(pk=application.pk)
        )
        seat = _scorable(locked, by, now)
        criteria = {c.pk: c for c in locked.competition.criteria.all()}
        _checked_scores(criteria, scores, submit=submit)
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
            application=locked, member=seat
        )
        _require(permissions.can_edit_sheet(sheet))
        _sheet_write(sheet, criteria, scores, overall_comment=overall_comment, submit=submit, at=now)
        if submit:
            _audit(locked, by, "score_sheet.submitted", now, locked.competition, member=by.get_full_name())
    return sheet


def sheet_reopen(*, sheet: ScoreSheet, by: User, reason: str) -> ScoreSheet:
    """The chair (or the competition's staff) reopens a submitted sheet for a correction, saying
    why; a member's own sheet is reopened by someone else, not by its author."""
    competition = sheet.application.competition
    _require(permissions.can_reopen_sheet(by, sheet))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the sheet is reopened.")})
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().select_related("member__user").get(pk=sheet.pk)
        now = timezone.now()
        _require(permissions.reopening_open(competition, at=now))
        if not locked.is_submitted:
            raise ValidationError(_("This sheet is not submitted."))
        locked.state = ScoreSheet.State.DRAFT
        locked.submitted_at = None
        locked.save(update_fields=["state", "submitted_at"])
        _audit(
            locked.application,
            by,
            "score_sheet.reopened",
            now,
            competition,
            member=locked.member.user.get_full_name(),
            reason=reason,
        )
    return locked


# Awards ------------------------------------------------------------------------------------------


def awarded_total(competition: Competition) -> Decimal:
    """What the competition's awards add up to."""
    return Award.objects.filter(competition=competition).aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _standing_refusal(
    competition: Competition, application: Application, at: datetime.datetime
) -> ValidationError | None:
    """What stands in the way of an award whatever its amount."""
    window = permissions.awards_open(competition, at=at)
    if not window:
        return ValidationError(window.reason)
    unfinished = refusal(completion_checks(competition))
    if unfinished is not None:
        # The ranking is final only when every sheet is in.
        return ValidationError([_("Decide the awards once the scoring is finished."), *unfinished.messages])
    if Award.objects.filter(application=application).exists():
        return ValidationError(_("This application already has an award."))
    if application.state != Application.State.ELIGIBLE:
        return ValidationError(_("Only an eligible application can be awarded."))
    return None


def _amount_refusal(
    competition: Competition, application: Application, amount: Decimal | None
) -> ValidationError | None:
    """More than zero, at most the request, within what is left of the budget."""
    if amount is None or amount <= 0:
        return ValidationError({"amount": _("The amount must be more than zero.")})
    if amount > application.requested_amount:
        return ValidationError({"amount": _("The award cannot be more than the requested amount.")})
    remaining = competition.budget - awarded_total(competition)
    if amount > remaining:
        return ValidationError(
            {
                "amount": _("This would exceed the budget: %(remaining)s of %(budget)s remain.")
                % {"remaining": format_soms(remaining), "budget": format_soms(competition.budget)}
            }
        )
    return None


def _order_refusal(
    competition: Competition, application: Application, departure_reason: str
) -> tuple[ValidationError | None, int | None]:
    """The application's rank, and a reason when higher-ranked eligible applications are left out."""
    rows = selectors.ranking(competition=competition)
    position = next((row.rank for row in rows if row.application.pk == application.pk), None)
    if position is None:
        return ValidationError(_("No one has scored this application yet.")), None
    skipped = [
        row
        for row in rows
        if row.rank is not None
        and row.rank < position
        and row.application.state == Application.State.ELIGIBLE
    ]
    if skipped and not departure_reason:
        return ValidationError(
            {
                "departure_reason": _(
                    "Higher-ranked applications are not awarded (%(names)s): "
                    "say why the order is departed from."
                )
                % {"names": ", ".join(row.application.organization.name for row in skipped)}
            }
        ), None
    return None, position


def award_refusal(
    *,
    competition: Competition,
    application: Application,
    amount: Decimal | None,
    departure_reason: str,
    at: datetime.datetime,
) -> tuple[ValidationError | None, int | None]:
    """Why this award cannot be made, or (None, the application's rank) when it can.

    The service asks this with the competition locked; the confirmation page asks it first, so
    that a person confirms only an award that can be made.
    """
    standing = _standing_refusal(competition, application, at)
    if standing is not None:
        return standing, None
    money = _amount_refusal(competition, application, amount)
    if money is not None:
        return money, None
    return _order_refusal(competition, application, departure_reason.strip())


def _award_record(award: Award) -> Award:
    """The award saved, its application awarded, and the event in the competition's history."""
    application, competition = award.application, award.competition
    try:
        with transaction.atomic():
            award.save(force_insert=True)
    except IntegrityError:
        raise ValidationError(_("This application already has an award.")) from None
    application.state = Application.State.AWARDED
    application.save(update_fields=["state"])
    _audit(
        competition,
        award.decided_by,
        "award.granted",
        award.decided_at,
        competition,
        organization=application.organization.name,
        amount=str(award.amount),
        rank=award.rank,
        departure_reason=award.departure_reason,
    )
    return award


def _award_checked(
    application: Application, *, amount: Decimal, departure_reason: str, at: datetime.datetime
) -> tuple[Application, Competition, int]:
    """The application and its competition locked, and the application's rank, once the award is
    found possible (else its refusal is raised)."""
    # The competition's row serialises awards: the budget check sees every committed award.
    competition = (
        Competition.objects.select_for_update()
        .select_related("municipality")
        .get(pk=application.competition_id)
    )
    locked = Application.objects.select_for_update().get(pk=application.pk)
    refused, position = award_refusal(
        competition=competition, application=locked, amount=amount, departure_reason=departure_reason, at=at
    )
    if refused is not None:
        raise refused
    return locked, competition, position


def award_grant(
    *,
    application: Application,
    by: User,
    amount: Decimal,
    departure_reason: str = "",
    at: datetime.datetime | None = None,
) -> Award:
    """Award an eligible application; the awards of a competition never exceed its budget.

    A higher-ranked application left without an award needs a reason for departing from the order.
    """
    _require(permissions.can_award(by, application))
    now = at or timezone.now()
    departure_reason = departure_reason.strip()
    with transaction.atomic():
        locked, competition, position = _award_checked(
            application, amount=amount, departure_reason=departure_reason, at=now
        )
        return _award_record(
            Award(
                application=locked,
                competition=competition,
                amount=amount,
                rank=position,
                departure_reason=departure_reason,
                decided_at=now,
                decided_by=by,
            )
        )


def award_revoke(*, award: Award, by: User) -> None:
    """Take back an award before the results are published."""
    competition = award.competition
    _require(permissions.award_answers(by, competition, [award.application])[award.application_id])
    with transaction.atomic():
        locked_competition = Competition.objects.select_for_update().get(pk=competition.pk)
        now = timezone.now()
        if not permissions.awards_open(locked_competition, at=now):
            raise ValidationError(_("Awards change only while the competition is under evaluation."))
        application = Application.objects.select_for_update().get(pk=award.application_id)
        award.delete()
        application.state = Application.State.ELIGIBLE
        application.save(update_fields=["state"])
        _audit(
            locked_competition,
            by,
            "award.revoked",
            now,
            locked_competition,
            organization=application.organization.name,
        )


# Completion --------------------------------------------------------------------------------------


def completion_checks(competition: Competition) -> list[Check]:
    """The scoring is finished, so that the ranking is the commission's result: the awards are
    decided, and the results published, only once every check is done.

    - Every application is screened.
    - Every eligible application has a submitted score sheet (an application every member is
      conflicted with has none, and holds the results too).
    - No score sheet is left a draft.
    - Every member has signed their declaration and submitted a sheet for each eligible application
      they are not conflicted with (``permissions.scoring_finished``, the rule by which the
      protocol stops being a draft).

    Each check is said as what is left to do; the awards page shows those left, and the services
    refuse with them.
    """
    scored = Application.objects.filter(competition=competition, state__in=Application.SCORED_STATES)
    unscreened = Application.objects.filter(competition=competition, state=Application.State.SUBMITTED)
    unscored = scored.exclude(score_sheets__state=ScoreSheet.State.SUBMITTED).count()
    drafts = ScoreSheet.objects.filter(application__competition=competition, state=ScoreSheet.State.DRAFT)
    progress = selectors.evaluation_progress(competition=competition)
    unfinished = [
        row["member"]
        for row in progress["members"]
        if not permissions.scoring_finished(progress, row["member"])
    ]
    names = ", ".join(member.user.get_full_name() for member in unfinished)
    return [
        Check(not unscreened.exists(), _("Some applications are not screened yet.")),
        Check(
            not unscored,
            _("%(count)d eligible applications have no submitted score sheet.") % {"count": unscored},
        ),
        Check(not drafts.exists(), _("Some score sheets are still drafts.")),
        Check(
            not unfinished,
            _("Members who have not yet submitted every score sheet: %(names)s.") % {"names": names},
        ),
    ]


def completion_problems(competition: Competition) -> list[str]:
    """What stops the awards and the results, in the words of :func:`completion_checks`."""
    return [check.message for check in missing(completion_checks(competition))]


def results_notify(*, competition: Competition) -> None:
    """Tell every applicant the outcome (part of completing the competition)."""
    applications = (
        Application.objects.filter(competition=competition)
        .exclude(state__in=[Application.State.DRAFT, Application.State.WITHDRAWN])
        .select_related("organization", "award")
        .prefetch_related("organization__memberships__user")
    )
    for application in applications:
        for membership in application.organization.memberships.all():
            email_notify(
                user=membership.user,
                template="procurement/email/results",
                context={"application": application, "competition": competition},
            )


def protocol_request(*, competition: Competition, by: User | None) -> None:
    for language, _name in settings.LANGUAGES:
        document_request(subject=competition, kind=PROTOCOL, requested_by=by, language=language)
