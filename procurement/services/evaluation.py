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
from procurement import permissions
from procurement.models import (
    Application,
    Award,
    CommissionMember,
    Competition,
    ConflictDeclaration,
    ConflictedOrganization,
    CriterionScore,
    ScoreSheet,
)
from ssp_portal.audit.services import audit_record
from ssp_portal.formatting import format_soms

SCORED_STATES = (Application.State.ELIGIBLE, Application.State.AWARDED, Application.State.NOT_AWARDED)
PROTOCOL = "evaluation-protocol"


def _audit(target, by, verb, at, competition, **details) -> None:
    audit_record(actor=by, verb=verb, target=target, scope=competition.municipality, at=at, details=details)


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
    if competition.effective_state_at(now) not in (Competition.State.CLOSED, Competition.State.EVALUATION):
        raise ValidationError(_("Declarations are signed after the deadline, when the applicants are known."))
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
    # A member of an applicant is conflicted with it, declared or not: it is added to the declaration.
    declared = {organization.pk for organization, _reason in conflicts}
    conflicts = list(conflicts) + [
        (organization, _("Member of the organization"))
        for organization in Organization.objects.filter(
            pk__in=applicants & own_organizations(by) - declared
        ).order_by("name")
    ]
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
        _audit(
            competition,
            by,
            "commission.declared",
            now,
            competition,
            conflicts=[organization.name for organization, _reason in conflicts],
        )
    return declaration


def conflicted_organizations(seat: CommissionMember) -> set[int]:
    """The organizations the member neither opens nor scores: those declared, and those the member
    belongs to (a member of an organization is conflicted with it whether declared or not)."""
    declaration = getattr(seat, "declaration", None)
    if declaration is None:
        return set()
    declared = set(declaration.conflicts.values_list("organization_id", flat=True))
    return declared | own_organizations(seat.user)


def own_organizations(user: User) -> set[int]:
    return set(user.organization_memberships.values_list("organization_id", flat=True))


# Score sheets ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreData:
    criterion_id: int
    score: Decimal | None
    comment: str = ""


def _scorable(application: Application, by: User, now: datetime.datetime) -> CommissionMember:
    competition = application.competition
    seat = _seat_or_denied(by, competition)
    if not hasattr(seat, "declaration"):
        raise ValidationError(_("Sign your declaration of interest first."))
    own = permissions.own_organization_refusal(by, application.organization, "score")
    if own:
        raise ValidationError(own)
    if application.organization_id in conflicted_organizations(seat):
        raise PermissionDenied
    if competition.effective_state_at(now) != Competition.State.EVALUATION:
        raise ValidationError(_("Applications are scored while the competition is under evaluation."))
    if application.state != Application.State.ELIGIBLE:
        raise ValidationError(_("Only an eligible application is scored."))
    return seat


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
        sheet, _created = ScoreSheet.objects.select_for_update().get_or_create(
            application=locked, member=seat
        )
        if sheet.is_submitted:
            raise ValidationError(_("This sheet is submitted and locked; only the chair can reopen it."))
        sheet.scores.all().delete()
        CriterionScore.objects.bulk_create(
            CriterionScore(
                sheet=sheet, criterion=criteria[item.criterion_id], score=item.score, comment=item.comment
            )
            for item in scores
            if item.score is not None
        )
        sheet.overall_comment = overall_comment
        sheet.updated_at = now
        if submit:
            sheet.state = ScoreSheet.State.SUBMITTED
            sheet.submitted_at = now
        sheet.save()
        if submit:
            _audit(locked, by, "score_sheet.submitted", now, locked.competition, member=by.get_full_name())
    return sheet


def sheet_reopen(*, sheet: ScoreSheet, by: User, reason: str) -> ScoreSheet:
    """The chair (or the competition's staff) reopens a submitted sheet for a correction, saying
    why; a member's own sheet is reopened by someone else, not by its author."""
    competition = sheet.application.competition
    if not permissions.can_reopen_sheet(by, sheet):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the sheet is reopened.")})
    with transaction.atomic():
        locked = ScoreSheet.objects.select_for_update().select_related("member__user").get(pk=sheet.pk)
        now = timezone.now()
        if competition.effective_state_at(now) != Competition.State.EVALUATION:
            raise ValidationError(_("Sheets are reopened only while the competition is under evaluation."))
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
    from procurement.selectors import ranking

    departure_reason = departure_reason.strip()
    if competition.effective_state_at(at) != Competition.State.EVALUATION:
        return ValidationError(_("Awards are decided while the competition is under evaluation.")), None
    unfinished = completion_problems(competition)
    if unfinished:
        # The ranking is final only when every sheet is in.
        return ValidationError([_("Decide the awards once the scoring is finished."), *unfinished]), None
    if Award.objects.filter(application=application).exists():
        return ValidationError(_("This application already has an award.")), None
    if application.state != Application.State.ELIGIBLE:
        return ValidationError(_("Only an eligible application can be awarded.")), None
    if amount is None or amount <= 0:
        return ValidationError({"amount": _("The amount must be more than zero.")}), None
    if amount > application.requested_amount:
        return ValidationError({"amount": _("The award cannot be more than the requested amount.")}), None
    awarded = Award.objects.filter(competition=competition).aggregate(total=Sum("amount"))["total"] or 0
    remaining = competition.budget - awarded
    if amount > remaining:
        return ValidationError(
            {
                "amount": _("This would exceed the budget: %(remaining)s of %(budget)s remain.")
                % {"remaining": format_soms(remaining), "budget": format_soms(competition.budget)}
            }
        ), None
    rows = ranking(competition=competition)
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
    competition = application.competition
    if not permissions.can_manage_competition(by, competition):
        raise PermissionDenied
    own = permissions.own_organization_refusal(by, application.organization, "award")
    if own:
        raise ValidationError(own)
    now = at or timezone.now()
    departure_reason = departure_reason.strip()
    with transaction.atomic():
        # The competition's row serialises awards: the budget check sees every committed award.
        locked_competition = (
            Competition.objects.select_for_update().select_related("municipality").get(pk=competition.pk)
        )
        locked = Application.objects.select_for_update().get(pk=application.pk)
        refusal, position = award_refusal(
            competition=locked_competition,
            application=locked,
            amount=amount,
            departure_reason=departure_reason,
            at=now,
        )
        if refusal is not None:
            raise refusal
        try:
            with transaction.atomic():
                award = Award.objects.create(
                    application=locked,
                    competition=locked_competition,
                    amount=amount,
                    rank=position,
                    departure_reason=departure_reason,
                    decided_at=now,
                    decided_by=by,
                )
        except IntegrityError:
            raise ValidationError(_("This application already has an award.")) from None
        locked.state = Application.State.AWARDED
        locked.save(update_fields=["state"])
        _audit(
            locked_competition,
            by,
            "award.granted",
            now,
            locked_competition,
            organization=locked.organization.name,
            amount=str(amount),
            rank=position,
            departure_reason=departure_reason,
        )
    return award


def award_revoke(*, award: Award, by: User) -> None:
    """Take back an award before the results are published."""
    competition = award.competition
    if not permissions.can_manage_competition(by, competition):
        raise PermissionDenied
    own = permissions.own_organization_refusal(by, award.application.organization, "award")
    if own:
        raise ValidationError(own)
    with transaction.atomic():
        locked_competition = Competition.objects.select_for_update().get(pk=competition.pk)
        now = timezone.now()
        if locked_competition.effective_state_at(now) != Competition.State.EVALUATION:
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


def completion_problems(competition: Competition) -> list[str]:
    """What stops the results from being published."""
    problems = []
    eligible = Application.objects.filter(competition=competition, state__in=SCORED_STATES)
    if Application.objects.filter(competition=competition, state=Application.State.SUBMITTED).exists():
        problems.append(_("Some applications are not screened yet."))
    unscored = eligible.exclude(score_sheets__state=ScoreSheet.State.SUBMITTED).count()
    if unscored:
        problems.append(
            _("%(count)d eligible applications have no submitted score sheet.") % {"count": unscored}
        )
    if ScoreSheet.objects.filter(application__competition=competition, state=ScoreSheet.State.DRAFT).exists():
        problems.append(_("Some score sheets are still drafts."))
    return problems


def results_notify(*, competition: Competition) -> None:
    """Tell every applicant the outcome (part of completing the competition)."""
    from ssp_portal.notifications.services import email_notify

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
    from ssp_portal.documents.services import document_request

    for language, _name in settings.LANGUAGES:
        document_request(subject=competition, kind=PROTOCOL, requested_by=by, language=language)
