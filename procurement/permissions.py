"""Who may do what with priority issues, competitions, applications and their evaluation.

Rules whose refusal a page shows answer with their reason (``ssp_portal.rules.Answer``): the page
that hides an action and the service that refuses it say the same thing. An answer with no reason
is one about which nothing may be said (the person has no seat, the organization is one they
declared a conflict with): the service refuses it with ``PermissionDenied``.

Pages get the actions a person may take from here (``application_actions``,
``competition_actions``, ``next_step``, ``screen_answers``) rather than working them out from
states. ``may_…`` rules say what a state allows (the service asks them of the row it has locked);
the others ask who the person is as well.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Municipality, Organization, User
from organizations.permissions import acts_for_own_organization, is_finance_staff, reads_municipality
from procurement import selectors
from procurement.models import (
    Application,
    CommissionMember,
    Competition,
    PriorityIssue,
    ScoreSheet,
)
from ssp_portal.rules import ALLOWED, Answer, answer, refused


def can_manage_municipality(user: User, municipality: Municipality) -> bool:
    """Plan priority issues and run competitions: the municipality's own finance staff."""
    return is_finance_staff(user, municipality)


def can_read_municipality(user: User, municipality: Municipality) -> bool:
    """Read the staff's pages of the municipality (its competitions, drafts and priority issues
    included, its applications once unsealed): its finance staff and its auditors."""
    return reads_municipality(user, municipality)


def can_manage_competition(user: User, competition: Competition) -> bool:
    return is_finance_staff(user, competition.municipality)


def can_read_competition(user: User, competition: Competition) -> bool:
    """Read what its staff read of it (under the same seals), and ask for its documents: its
    municipality's finance staff and auditors."""
    return can_read_municipality(user, competition.municipality)


def can_manage_priority_issue(user: User, issue: PriorityIssue) -> bool:
    return is_finance_staff(user, issue.municipality)


def can_view_competition(user: User, competition: Competition) -> bool:
    """Everyone sees a competition once published; its drafts only its municipality's staff and
    auditors."""
    return not competition.is_draft or can_read_competition(user, competition)


def _accepting(competition: Competition, at: datetime.datetime | None, reason: str) -> Answer:
    """While the competition accepts proposals (published, before its deadline); else ``reason``."""
    return answer(competition.effective_state_at(at or timezone.now()) == Competition.State.PUBLISHED, reason)


def may_amend(competition: Competition, *, at: datetime.datetime | None = None) -> Answer:
    """Its terms are corrected by an amendment while it is open for proposals (by its staff)."""
    return _accepting(competition, at, _("Only a competition open for proposals can be amended."))


def may_complete(competition: Competition) -> Answer:
    """Its results are published at the end of the evaluation (by its staff)."""
    evaluated = competition.state == Competition.State.EVALUATION
    return answer(evaluated, _("Only a competition under evaluation can be completed."))


def may_cancel(competition: Competition) -> Answer:
    """It can be stopped until its results are published (by its staff, saying why)."""
    stopped = competition.state in (Competition.State.COMPLETED, Competition.State.CANCELLED)
    return answer(not stopped, _("A completed or cancelled competition cannot be cancelled."))


def competition_actions(competition: Competition) -> dict[str, Answer]:
    """What its staff may do with the competition now (its page's manage panel)."""
    return {"amend": may_amend(competition), "cancel": may_cancel(competition)}


def can_follow(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_apply(user: User, organization: Organization) -> bool:
    """Members of an organization apply for it (the service checks it is verified)."""
    return bool(
        user.is_authenticated and user.is_active and organization.memberships.filter(user=user).exists()
    )


def may_apply_for(organization: Organization, own_applications: Iterable[Application]) -> bool:
    """A verified organization applies once; again only after withdrawing its application
    (``own_applications``: the person's organizations' applications to the competition)."""
    return organization.is_verified and not any(
        application.organization_id == organization.pk and application.state != Application.State.WITHDRAWN
        for application in own_applications
    )


@dataclass(frozen=True)
class NextStep:
    """What a person can do about a competition now, and if not, what happens next."""

    #: "apply", "wait" (for verification), "register" (an organization), "log_in", or None.
    step: str | None
    apply_organizations: list[Organization] = field(default_factory=list)
    #: Their organizations not verified (waiting, or suspended): why they cannot apply.
    waiting_organizations: list[Organization] = field(default_factory=list)


def next_step(
    user: User, competition: Competition, options: selectors.ApplyOptions | None, *, manager: bool
) -> NextStep:
    """Apply for each organization that may; else wait for verification; else register an
    organization, unless the person runs or judges competitions (one query then). ``options`` is
    ``selectors.apply_options`` (None when logged out)."""
    if options is None:
        return NextStep("log_in" if competition.is_open else None)
    organizations = options.organizations
    apply = [o for o in organizations if may_apply_for(o, options.own_applications)]
    waiting = [o for o in organizations if not o.is_verified]
    if not competition.is_open:
        step = None
    elif apply:
        step = "apply"
    elif waiting:
        step = "wait"
    elif organizations or manager or selectors.is_official(user=user, competition=competition):
        # People who run or judge competitions are not invited to register an organization.
        step = None
    else:
        step = "register"
    return NextStep(step, apply, waiting)


def can_edit_application(user: User, application: Application) -> bool:
    """Its organization's members (what they may change depends on its state: ``application_actions``)."""
    return can_apply(user, application.organization)


def may_change(application: Application, *, at: datetime.datetime) -> Answer:
    """Only a draft changes (and is submitted), and only while the competition accepts proposals."""
    if application.state != Application.State.DRAFT:
        return refused(_("Only a draft can be changed."))
    closed = _("The submission deadline has passed; the application can no longer change.")
    return _accepting(application.competition, at, closed)


def may_withdraw(application: Application, *, at: datetime.datetime) -> Answer:
    """A submitted application is taken back before the deadline (and may be submitted again)."""
    if application.state != Application.State.SUBMITTED:
        return refused(_("Only a submitted application can be withdrawn."))
    return _accepting(
        application.competition, at, _("After the deadline an application can no longer be withdrawn.")
    )


def can_change_application(user: User, application: Application) -> Answer:
    """Its organization's members change and submit a draft while the competition is open."""
    if not can_edit_application(user, application):
        return refused()
    return _changeable(application)


def _changeable(application: Application) -> Answer:
    """``may_change`` now, said as the pages say it."""
    change = may_change(application, at=timezone.now())
    return answer(bool(change), _("This application can no longer be changed."))


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


def _staff_answers(
    user: User, competition: Competition, applications: Iterable[Application], action: str
) -> dict[int, Answer]:
    """The competition's finance staff ``action`` ("screen", "award") each application, unless
    they are members of its organization (said why); two queries for the list."""
    if not can_manage_competition(user, competition):
        return {application.pk: refused() for application in applications}
    return _by_organization(user, applications, action)


def can_screen_application(user: User, application: Application) -> Answer:
    """Screen an application: the competition's finance staff, unless they are members of the
    applicant (said why)."""
    return _staff_answers(user, application.competition, [application], "screen")[application.pk]


def screen_answers(
    user: User, competition: Competition, applications: Iterable[Application]
) -> dict[int, Answer]:
    """Which of the competition's applications the person may screen now: a submitted one, by
    :func:`can_screen_application`; the others are screened already (two queries for the list)."""
    applications = list(applications)
    answers = _staff_answers(user, competition, applications, "screen")
    return {
        application.pk: answers[application.pk]
        if application.state == Application.State.SUBMITTED
        else refused()
        for application in applications
    }


def application_actions(user: User, application: Application) -> dict[str, Answer]:
    """What the person may do on the application's page now, each with why not where that is said:
    ``change`` (and submit) the draft, ``withdraw`` it, start a ``new_version`` of it, ``screen`` it."""
    member = can_edit_application(user, application)
    state = application.state
    return {
        "change": _changeable(application) if member else refused(),
        "withdraw": may_withdraw(application, at=timezone.now()) if member else refused(),
        "new_version": answer(
            member
            and state == Application.State.WITHDRAWN
            and application.competition.is_open
            and not hasattr(application, "next_version")
        ),
        "screen": screen_answers(user, application.competition, [application])[application.pk],
    }


def can_view_application(user: User, application: Application) -> bool:
    return Application.objects.visible_to(user).filter(pk=application.pk).exists()


# Evaluation --------------------------------------------------------------------------------------


def _under_evaluation(competition: Competition, at: datetime.datetime | None) -> bool:
    return competition.effective_state_at(at or timezone.now()) == Competition.State.EVALUATION


def commission_seat(user: User, competition: Competition) -> CommissionMember | None:
    """The person's seat on the competition's commission, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    return (
        CommissionMember.objects.filter(competition=competition, user=user)
        .select_related("declaration")
        .first()
    )


def is_commission_member(user: User) -> bool:
    """Sits on the commission of any competition, as chair or member."""
    if not user.is_authenticated or not user.is_active:
        return False
    return CommissionMember.objects.filter(user=user).exists()


def is_chair(user: User, competition: Competition, *, seat: CommissionMember | None = None) -> bool:
    """``seat`` is the person's seat when the caller has it already (it saves the query)."""
    seat = seat or commission_seat(user, competition)
    return seat is not None and seat.role == CommissionMember.Role.CHAIR


def own_organizations(user: User) -> set[int]:
    """The organizations the person is a member of: never theirs to score or award."""
    return set(user.organization_memberships.values_list("organization_id", flat=True))


def conflicted_organizations(seat: CommissionMember) -> set[int]:
    """The organizations the member neither opens nor scores: those declared, and those the member
    belongs to (a member of an organization is conflicted with it whether declared or not)."""
    declaration = getattr(seat, "declaration", None)
    if declaration is None:
        return set()
    declared = set(declaration.conflicts.values_list("organization_id", flat=True))
    return declared | own_organizations(seat.user)


def _by_organization(
    user: User, applications: Iterable[Application], action: str, *, conflicted: Collection[int] = frozenset()
) -> dict[int, Answer]:
    """For each application: refused, saying why, when the person is a member of the organization;
    refused without a word when it is one of ``conflicted``; else allowed."""
    own = own_organizations(user)
    return {
        application.pk: refused(own_organization_refusal(user, application.organization, action))
        if application.organization_id in own
        else answer(application.organization_id not in conflicted)
        for application in applications
    }


def can_follow_evaluation(user: User, competition: Competition) -> Answer:
    """Progress of the scoring (who has scored what, no numbers): the commission, the staff and
    the auditors."""
    return answer(can_read_competition(user, competition) or commission_seat(user, competition) is not None)


def can_declare(
    competition: Competition, *, seat: CommissionMember | None, at: datetime.datetime | None = None
) -> Answer:
    """A member (``seat`` is the person's seat, or None) signs their declaration of interest after
    the deadline, when the applicants are known, and before the results."""
    if seat is None:
        return refused()
    return answer(
        competition.effective_state_at(at or timezone.now())
        in (Competition.State.CLOSED, Competition.State.EVALUATION),
        _("Declarations are signed after the deadline, when the applicants are known."),
    )


def score_answers(
    user: User, seat: CommissionMember, applications: Iterable[Application]
) -> dict[int, Answer]:
    """Which of the applications the member may open and score, as far as their organizations go:
    not one of an organization the member belongs to (said why), nor one they declared a conflict
    with (nothing more to say: the application is not theirs to see)."""
    return _by_organization(user, applications, "score", conflicted=conflicted_organizations(seat))


def can_score(
    user: User,
    application: Application,
    *,
    seat: CommissionMember | None,
    at: datetime.datetime | None = None,
) -> Answer:
    """A member scores an eligible application while the competition is under evaluation, once their
    declaration is signed, unless it is their own organization's or one they are conflicted with."""
    if seat is None:
        return refused()
    if not hasattr(seat, "declaration"):
        return refused(_("Sign your declaration of interest first."))
    organization = score_answers(user, seat, [application])[application.pk]
    if not organization:
        return organization
    if not _under_evaluation(application.competition, at):
        return refused(_("Applications are scored while the competition is under evaluation."))
    return answer(
        application.state == Application.State.ELIGIBLE, _("Only an eligible application is scored.")
    )


def scoring_finished(progress: dict, seat: CommissionMember | None = None) -> bool:
    """Has every member (or ``seat`` alone) declared and submitted every sheet they can?

    ``progress`` is ``selectors.evaluation_progress``.
    """
    rows = [r for r in progress["members"] if seat is None or r["member"].pk == seat.pk]
    return bool(rows) and all(
        row["declaration"] is not None
        and all(cell in (ScoreSheet.State.SUBMITTED, "conflict") for cell in row["cells"])
        for row in rows
    )


def can_see_scores(
    user: User,
    competition: Competition,
    progress: dict | None = None,
    *,
    seat: CommissionMember | None = None,
) -> Answer:
    """Blind scoring: the ranking and the members' scores are seen by the competition's staff and
    auditors, and by a member once their own sheets are all in (or the competition is completed)."""
    if can_read_competition(user, competition):
        return ALLOWED
    seat = seat or commission_seat(user, competition)
    if seat is None:
        return refused()
    if competition.state == Competition.State.COMPLETED:
        return ALLOWED
    if progress is None:
        progress = selectors.evaluation_progress(competition=competition)
    return answer(
        scoring_finished(progress, seat),
        _("The ranking opens to you once you have submitted all your score sheets."),
    )


def can_view_protocol(user: User, competition: Competition) -> Answer:
    """The protocol holds every score and comment: under the same rule as the ranking."""
    return can_see_scores(user, competition)


def can_edit_sheet(sheet: ScoreSheet | None) -> Answer:
    """A member's sheet (None: not begun) is theirs to change until it is submitted; then it is locked."""
    return answer(
        sheet is None or not sheet.is_submitted,
        _("This sheet is submitted and locked; only the chair can reopen it."),
    )


def can_see_others_scores(own_sheet: ScoreSheet | None) -> Answer:
    """Blind scoring: a member sees the others' sheets of an application once their own is submitted."""
    return answer(
        own_sheet is not None and own_sheet.is_submitted,
        _("You see the other members' scores once you have submitted your own sheet."),
    )


def can_reopen_sheets(
    user: User, competition: Competition, *, seat: CommissionMember | None = None
) -> Answer:
    """The chair, or the competition's staff, reopen submitted sheets (never their own: see
    :func:`reopenable_sheets`)."""
    return answer(is_chair(user, competition, seat=seat) or can_manage_competition(user, competition))


def reopenable_sheets(
    user: User,
    competition: Competition,
    sheets: Iterable[ScoreSheet],
    *,
    seat: CommissionMember | None = None,
) -> list[ScoreSheet]:
    """Of the competition's ``sheets``, those the person may reopen: none of their own."""
    if not can_reopen_sheets(user, competition, seat=seat):
        return []
    return [sheet for sheet in sheets if sheet.member.user_id != user.pk]


def can_reopen_sheet(user: User, sheet: ScoreSheet) -> Answer:
    """The chair, or the competition's staff, reopen a submitted sheet; never its own author."""
    return answer(bool(reopenable_sheets(user, sheet.application.competition, [sheet])))


def reopening_open(competition: Competition, *, at: datetime.datetime | None = None) -> Answer:
    """Sheets are reopened while the scoring goes on: under evaluation."""
    return answer(
        _under_evaluation(competition, at),
        _("Sheets are reopened only while the competition is under evaluation."),
    )


def award_answers(
    user: User, competition: Competition, applications: Iterable[Application]
) -> dict[int, Answer]:
    """:func:`can_award` for each of the competition's applications, in two queries."""
    return _staff_answers(user, competition, applications, "award")


def can_award(user: User, application: Application) -> Answer:
    """Decide an application's award, or take it back: the competition's finance staff, unless they
    are members of the applicant."""
    return award_answers(user, application.competition, [application])[application.pk]


def awards_open(competition: Competition, *, at: datetime.datetime | None = None) -> Answer:
    """Awards are decided, and taken back, while the competition is under evaluation."""
    return answer(
        _under_evaluation(competition, at), _("Awards are decided while the competition is under evaluation.")
    )
