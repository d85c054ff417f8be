"""Who may do what with priority issues and competitions."""

from __future__ import annotations

from django.utils.translation import gettext as _

from organizations.models import Municipality, Organization, User
from organizations.permissions import acts_for_own_organization, is_finance_staff
from procurement.models import Competition, PriorityIssue


def can_manage_municipality(user: User, municipality: Municipality) -> bool:
    """Plan priority issues and run competitions: the municipality's own finance staff."""
    return is_finance_staff(user, municipality)


def can_manage_competition(user: User, competition: Competition) -> bool:
    return is_finance_staff(user, competition.municipality)


def can_manage_priority_issue(user: User, issue: PriorityIssue) -> bool:
    return is_finance_staff(user, issue.municipality)


def can_view_competition(user: User, competition: Competition) -> bool:
    """Everyone sees a competition once published; its drafts only its municipality's staff."""
    return not competition.is_draft or can_manage_competition(user, competition)


def can_follow(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_apply(user: User, organization) -> bool:
    """Members of an organization apply for it (the service checks it is verified)."""
    return bool(
        user.is_authenticated and user.is_active and organization.memberships.filter(user=user).exists()
    )


def can_edit_application(user: User, application) -> bool:
    return can_apply(user, application.organization)


def own_organization_refusal(user: User, organization: Organization, action: str) -> str:
    """Why the person may not ``action`` ("screen", "score", "award") this organization's
    application: they are its member. Empty when they are not."""
    if not acts_for_own_organization(user, organization):
        return ""
    messages = {
        "screen": _("You are a member of %(organization)s, so you cannot screen its application."),
        "score": _("You are a member of %(organization)s, so you cannot score its application."),
        "award": _("You are a member of %(organization)s, so you cannot decide its award."),
    }
    return messages[action] % {"organization": organization.name}


def can_screen_application(user: User, application) -> bool:
    """The competition's finance staff, unless they are members of the applicant."""
    return can_manage_competition(user, application.competition) and not acts_for_own_organization(
        user, application.organization
    )


def can_award(user: User, application) -> bool:
    """The competition's finance staff, unless they are members of the applicant."""
    return can_manage_competition(user, application.competition) and not acts_for_own_organization(
        user, application.organization
    )


def can_view_application(user: User, application) -> bool:
    from procurement.models import Application

    return Application.objects.visible_to(user).filter(pk=application.pk).exists()


# Evaluation --------------------------------------------------------------------------------------


def commission_seat(user: User, competition: Competition):
    """The person's seat on the competition's commission, or None."""
    from procurement.models import CommissionMember

    if not user.is_authenticated or not user.is_active:
        return None
    return (
        CommissionMember.objects.filter(competition=competition, user=user)
        .select_related("declaration")
        .first()
    )


def is_commission_member(user: User) -> bool:
    """Sits on the commission of any competition, as chair or member."""
    from procurement.models import CommissionMember

    if not user.is_authenticated or not user.is_active:
        return False
    return CommissionMember.objects.filter(user=user).exists()


def is_chair(user: User, competition: Competition) -> bool:
    seat = commission_seat(user, competition)
    return seat is not None and seat.role == "chair"


def can_follow_evaluation(user: User, competition: Competition) -> bool:
    """Progress of the scoring (who has scored what, no numbers): the commission and the staff."""
    return can_manage_competition(user, competition) or commission_seat(user, competition) is not None


def scoring_finished(progress: dict, seat=None) -> bool:
    """Has every member (or ``seat`` alone) declared and submitted every sheet they can?

    ``progress`` is ``selectors.evaluation_progress``.
    """
    rows = [r for r in progress["members"] if seat is None or r["member"].pk == seat.pk]
    return bool(rows) and all(
        row["declaration"] is not None and all(cell in ("submitted", "conflict") for cell in row["cells"])
        for row in rows
    )


def can_see_scores(user: User, competition: Competition, progress: dict | None = None) -> bool:
    """Blind scoring: the ranking and the members' scores are seen by the competition's staff, and by
    a member once their own sheets are all in (or the competition is completed)."""
    if can_manage_competition(user, competition):
        return True
    seat = commission_seat(user, competition)
    if seat is None:
        return False
    if competition.state == Competition.State.COMPLETED:
        return True
    if progress is None:
        from procurement.selectors import evaluation_progress

        progress = evaluation_progress(competition=competition)
    return scoring_finished(progress, seat)


def can_view_protocol(user: User, competition: Competition) -> bool:
    """The protocol holds every score and comment: under the same rule as the ranking."""
    return can_see_scores(user, competition)


def can_reopen_sheet(user: User, sheet) -> bool:
    """The chair, or the competition's staff, reopen a submitted sheet; never its own author."""
    competition = sheet.application.competition
    if sheet.member.user_id == user.pk:
        return False
    return is_chair(user, competition) or can_manage_competition(user, competition)
