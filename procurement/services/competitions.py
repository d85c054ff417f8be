"""The competition's life cycle: draft → published → closed → evaluation → completed | cancelled.

Every function checks the transition, locks the row, records who and when, writes an audit event
and schedules follow-up work once the transaction commits.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Required, TypedDict, Unpack

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from organizations.models import Municipality, User
from procurement import amendments, permissions
from procurement.amendments import AmendmentPlan, amendment_plan
from procurement.documents import ANNOUNCEMENT
from procurement.models import (
    Amendment,
    Application,
    Competition,
    EligibilityRequirement,
    EvaluationCriterion,
    RequiredDocument,
)
from procurement.rules import publish_problems
from procurement.selectors import amendment_recipients
from procurement.services.evaluation import completion_problems, protocol_request, results_notify
from ssp_portal.audit.services import audit_record
from ssp_portal.celery import send_when_possible
from ssp_portal.documents.services import document_request
from ssp_portal.languages import current_language, localized
from ssp_portal.notifications.services import email_notify
from ssp_portal.public_cache import public_changed
from ssp_portal.rows.sync import sync_rows

#: A competition's terms; its texts in each language (``title_ky``…), or ``title`` for the
#: page's language.
TERMS = (
    "title",
    *localized("title"),
    "priority_issue",
    "description",
    *localized("description"),
    "budget",
    "max_grant",
    "projects_expected",
    "announcement_date",
    "deadline",
    "project_start",
    "project_end",
    "contact",
    "score_spread_margin",
)
TEXT_COLUMNS = frozenset([*localized("title"), *localized("description")])


def _require_manager(by: User, municipality: Municipality) -> None:
    if not permissions.can_manage_municipality(by, municipality):
        raise PermissionDenied


def _lock(competition: Competition) -> Competition:
    return (
        Competition.objects.select_for_update()
        .select_related("municipality", "priority_issue")
        .get(pk=competition.pk)
    )


def _audit(
    competition: Competition, by: User | None, verb: str, at: datetime.datetime, **details: Any
) -> None:
    audit_record(
        actor=by, verb=verb, target=competition, scope=competition.municipality, at=at, details=details
    )


def _check_terms(competition: Competition) -> None:
    """The model's own validation, plus rules that span fields."""
    competition.full_clean(exclude=["reference", "year", "sequence"])
    if competition.priority_issue.municipality_id != competition.municipality_id:
        raise ValidationError({"priority_issue": _("Choose a priority issue of this municipality.")})


def _same(stored: Any, wanted: Any) -> bool:
    """A text not written is the same whether stored as NULL or empty."""
    return stored == wanted or (stored in ("", None) and wanted in ("", None))


def _texts(data: dict[str, Any]) -> dict[str, Any]:
    """The terms of ``data``, a text left empty in a language stored as NULL (not written)."""
    return {name: _text(name, data[name]) for name in TERMS if name in data}


def _text(name: str, value: Any) -> Any:
    """A language's text left empty is NULL: not written in that language."""
    return None if value == "" and name in TEXT_COLUMNS else value


def competition_create(
    *, municipality: Municipality, by: User, data: dict[str, Any], at: datetime.datetime | None = None
) -> Competition:
    """A draft with the next reference number of the municipality and year (e.g. KRK-2026-003)."""
    _require_manager(by, municipality)
    at = at or timezone.now()
    with transaction.atomic():
        # Numbers are given one at a time per municipality.
        Municipality.objects.select_for_update().get(pk=municipality.pk)
        year = data["announcement_date"].year
        last = Competition.objects.filter(municipality=municipality, year=year).aggregate(n=Max("sequence"))[
            "n"
        ]
        sequence = (last or 0) + 1
        competition = Competition(
            municipality=municipality,
            year=year,
            sequence=sequence,
            reference=f"{municipality.code}-{year}-{sequence:03d}",
            created_by=by,
            created_at=at,
            **_texts(data),
        )
        _check_terms(competition)
        competition.save()
        _audit(competition, by, "competition.created", at)
    return competition


def competition_update(*, competition: Competition, by: User, data: dict[str, Any]) -> Competition:
    """Change a draft's terms. Published terms change only through an amendment."""
    _require_manager(by, competition.municipality)
    with transaction.atomic():
        locked = _lock(competition)
        if locked.state != Competition.State.DRAFT:
            raise ValidationError(
                _("Only a draft can be edited; correct a published competition with an amendment.")
            )
        changed = [name for name in TERMS if name in data and not _same(getattr(locked, name), data[name])]
        for name in changed:
            setattr(locked, name, _text(name, data[name]))
        if changed:
            _check_terms(locked)
            locked.save(update_fields=changed)
            _audit(locked, by, "competition.updated", timezone.now(), fields=changed)
    return locked


@dataclass(frozen=True)
class CriterionData:
    name: str
    description: str
    max_score: int
    weight: int
    id: int | None = None


@dataclass(frozen=True)
class DocumentData:
    name: str
    description: str = ""
    id: int | None = None


@dataclass(frozen=True)
class RequirementData:
    text: str
    id: int | None = None


@dataclass(frozen=True)
class RowList:
    """One list of a draft's rows: terms applicants read, fixed once the competition is published.

    Its ``texts`` are written one language at a time, the first naming each row (unique in each
    language); the ``shared`` fields are the same in every language."""

    model: type[Model]
    texts: tuple[str, ...]
    #: The refusal of two rows with the same name.
    duplicate: str
    #: The audit event's verb, and its detail that lists the rows' names.
    audit: tuple[str, str]
    shared: tuple[str, ...] = ()

    @property
    def what(self) -> str:
        """The list in a sentence: "The evaluation criteria of a published competition…"."""
        return self.model._meta.verbose_name_plural

    @property
    def key(self) -> str:
        return self.texts[0]


CRITERIA = RowList(
    EvaluationCriterion,
    texts=("name", "description"),
    shared=("max_score", "weight"),
    duplicate=gettext_lazy("Give each criterion its own name."),
    audit=("competition.criteria_set", "criteria"),
)
DOCUMENTS = RowList(
    RequiredDocument,
    texts=("name", "description"),
    duplicate=gettext_lazy("List each document once."),
    audit=("competition.documents_set", "documents"),
)
REQUIREMENTS = RowList(
    EligibilityRequirement,
    texts=("text",),
    duplicate=gettext_lazy("List each requirement once."),
    audit=("competition.eligibility_set", "requirements"),
)


def competition_rows_refusal(competition: Competition, what: str) -> str:
    """Why a list of the competition's rows (``what``: its criteria, documents, requirements)
    cannot change, or "": they are the terms applicants saw, fixed once it is published (an
    amendment changes only the terms of ``procurement.amendments.AMENDABLE``)."""
    if competition.state != Competition.State.DRAFT:
        return _("The %(what)s of a published competition cannot change.") % {"what": what}
    return ""


def _require_draft(competition: Competition, what: str) -> None:
    refusal = competition_rows_refusal(competition, what)
    if refusal:
        raise ValidationError(refusal)


class _InLanguage:
    """A row as ``sync_rows`` reads it: its texts as the columns of ``language`` (``name`` →
    ``name_ky``), a text left empty as NULL (not written in that language)."""

    def __init__(self, row: Any, texts: tuple[str, ...], language: str) -> None:
        self._row, self._texts, self._language = row, texts, language

    def __getattr__(self, name: str) -> Any:
        base, _sep, language = name.rpartition("_")
        if base in self._texts and language == self._language:
            return (getattr(self._row, base) or "").strip() or None
        return getattr(self._row, name)


def _set_rows(
    kind: RowList,
    *,
    competition: Competition,
    by: User,
    rows: list[Any],
    language: str | None = None,
    at: datetime.datetime | None = None,
) -> bool:
    """Make one list of a draft's rows exactly ``rows``, in order, their texts written in
    ``language`` (the page's by default); the other languages' texts of each row stay as they
    are. False, with nothing written, when the list is so already."""
    _require_manager(by, competition.municipality)
    language = _checked_language(language or current_language())
    keys = [(getattr(row, kind.key) or "").strip().casefold() for row in rows]
    written = [key for key in keys if key]
    if len(set(written)) != len(written):
        raise ValidationError(kind.duplicate)
    with transaction.atomic():
        locked = _lock(competition)
        _require_draft(locked, kind.what)
        changes = sync_rows(
            existing=kind.model.objects.filter(competition=locked),
            rows=[_InLanguage(row, kind.texts, language) for row in rows],
            fields=(*[f"{name}_{language}" for name in kind.texts], *kind.shared),
            unique=(f"{kind.key}_{language}",),
            build=lambda values: kind.model(competition=locked, **values),
            clean=lambda row: row.full_clean(
                exclude=["competition"], validate_unique=False, validate_constraints=False
            ),
        )
        if changes:
            verb, detail = kind.audit
            names = [getattr(row, kind.key) for row in rows]
            _audit(locked, by, verb, at or timezone.now(), language=language, **{detail: names})
    return bool(changes)


def _checked_language(language: str) -> str:
    if language not in settings.MODELTRANSLATION_LANGUAGES:
        raise ValidationError(_("Choose one of the portal's languages."))
    return language


class RowsOptions(TypedDict, total=False):
    """Who sets a list of a draft's rows, in which language (the page's by default), and when."""

    competition: Required[Competition]
    by: Required[User]
    language: str | None
    at: datetime.datetime | None


def competition_set_criteria(*, criteria: list[CriterionData], **options: Unpack[RowsOptions]) -> bool:
    """Make the evaluation criteria of a draft exactly ``criteria``, in order, their names and
    descriptions in ``language``; False if nothing changed."""
    if criteria and sum(c.weight for c in criteria) != 100:
        raise ValidationError(_("Change the weights so that they add up to 100."))
    return _set_rows(CRITERIA, rows=criteria, **options)


def competition_set_required_documents(
    *, documents: list[DocumentData], **options: Unpack[RowsOptions]
) -> bool:
    """Make the list of documents applicants attach exactly ``documents``, in order."""
    return _set_rows(DOCUMENTS, rows=documents, **options)


def competition_set_eligibility(
    *, requirements: list[RequirementData], **options: Unpack[RowsOptions]
) -> bool:
    """Make the eligibility requirements of a draft exactly ``requirements``, in order."""
    return _set_rows(REQUIREMENTS, rows=requirements, **options)


def _announce(competition: Competition, by: User | None) -> None:
    """Prepare the announcement PDF in every language of the portal."""
    for language, _name in settings.LANGUAGES:
        document_request(subject=competition, kind=ANNOUNCEMENT, requested_by=by, language=language)


def announcement_date_at_publication(competition: Competition, *, at: datetime.datetime) -> datetime.date:
    """The announcement date once published at ``at``: never later than the day of publication."""
    return min(competition.announcement_date, timezone.localdate(at, competition.zone))


def competition_publish(
    *, competition: Competition, by: User, at: datetime.datetime | None = None
) -> Competition:
    """Open the competition for proposals, once every publishing check passes.

    It is announced when it is published: an announcement date later than the day of publication
    (in the municipality's zone) becomes that day.
    """
    _require_manager(by, competition.municipality)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(competition)
        if locked.state != Competition.State.DRAFT:
            raise ValidationError(_("Only a draft can be published."))
        problems = publish_problems(locked, at=at)
        if problems:
            raise ValidationError(problems)
        details: dict[str, Any] = {"deadline": locked.deadline.isoformat()}
        announced = announcement_date_at_publication(locked, at=at)
        if announced != locked.announcement_date:
            details["announcement_date"] = [locked.announcement_date.isoformat(), announced.isoformat()]
            locked.announcement_date = announced
        locked.state = Competition.State.PUBLISHED
        locked.published_at = at
        locked.save(update_fields=["state", "published_at", "announcement_date"])
        _audit(locked, by, "competition.published", at, **details)
        public_changed()
        _announce(locked, by)
        # procurement.tasks imports this module (to close competitions): imported here, once it is loaded.
        from procurement.tasks import notify_followers

        transaction.on_commit(lambda: send_when_possible(notify_followers, locked.pk))
    return locked


def competition_close(*, competition: Competition, at: datetime.datetime | None = None) -> bool:
    """Record that the deadline has passed (the system does this). False if there was nothing to do."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(competition)
        if locked.state != Competition.State.PUBLISHED or locked.deadline > at:
            return False
        _close(locked, at)
    return True


def _close(locked: Competition, at: datetime.datetime) -> None:
    locked.state = Competition.State.CLOSED
    locked.closed_at = at
    locked.save(update_fields=["state", "closed_at"])
    _audit(locked, None, "competition.closed", at, deadline=locked.deadline.isoformat())
    public_changed()


def competition_start_evaluation(
    *, competition: Competition, by: User, at: datetime.datetime | None = None
) -> Competition:
    """After the deadline, the commission's work begins."""
    _require_manager(by, competition.municipality)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(competition)
        if locked.effective_state_at(at) != Competition.State.CLOSED:
            raise ValidationError(_("Evaluation starts only after the submission deadline has passed."))
        if locked.state == Competition.State.PUBLISHED:
            _close(locked, at)
        locked.state = Competition.State.EVALUATION
        locked.evaluation_started_at = at
        locked.save(update_fields=["state", "evaluation_started_at"])
        _audit(locked, by, "competition.evaluation_started", at)
        public_changed()
    return locked


def competition_complete(
    *, competition: Competition, by: User, at: datetime.datetime | None = None
) -> Competition:
    """Publish the results: eligible applications without an award are not awarded, every
    applicant is told, the evaluation protocol is prepared."""
    _require_manager(by, competition.municipality)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock(competition)
        completable = permissions.may_complete(locked)
        if not completable:
            raise ValidationError(completable.reason)
        problems = completion_problems(locked)
        if problems:
            raise ValidationError(problems)
        not_awarded = Application.objects.filter(competition=locked, state=Application.State.ELIGIBLE).update(
            state=Application.State.NOT_AWARDED
        )
        locked.state = Competition.State.COMPLETED
        locked.completed_at = at
        locked.save(update_fields=["state", "completed_at"])
        _audit(locked, by, "competition.completed", at, not_awarded=not_awarded)
        public_changed()
        results_notify(competition=locked)
        protocol_request(competition=locked, by=by)
    return locked


def competition_cancel(
    *, competition: Competition, by: User, reason: str, at: datetime.datetime | None = None
) -> Competition:
    """Stop a competition before its results, saying why."""
    _require_manager(by, competition.municipality)
    at = at or timezone.now()
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the competition is cancelled.")})
    with transaction.atomic():
        locked = _lock(competition)
        cancellable = permissions.may_cancel(locked)
        if not cancellable:
            raise ValidationError(cancellable.reason)
        previous = locked.state
        locked.state = Competition.State.CANCELLED
        locked.cancelled_at = at
        locked.cancel_reason = reason
        locked.save(update_fields=["state", "cancelled_at", "cancel_reason"])
        _audit(locked, by, "competition.cancelled", at, reason=reason, previous_state=previous)
        public_changed()
        _cancel_notify(locked)
    return locked


def _cancel_notify(competition: Competition) -> None:
    """Tell the members of every organization with an application (drafts too) why it stops."""
    applications = (
        Application.objects.filter(competition=competition)
        .exclude(state=Application.State.WITHDRAWN)
        .select_related("organization")
        .prefetch_related("organization__memberships__user")
    )
    for application in applications:
        for membership in application.organization.memberships.all():
            email_notify(
                user=membership.user,
                template="procurement/email/competition_cancelled",
                context={"application": application, "competition": competition},
            )


class TermsChangedError(ValidationError):
    """The terms were amended by someone else after the amendment's form was opened."""

    def __init__(self, *, opened_after: int | None) -> None:
        super().__init__(
            _(
                "The terms changed after you opened this form: someone else published an amendment. "
                "Nothing of yours was published."
            ),
            code="terms_changed",
        )
        self.opened_after = opened_after


def competition_amend(
    *,
    competition: Competition,
    by: User,
    explanation: str | Mapping[str, str],
    changes: dict[str, Any],
    opened: str = "",
    at: datetime.datetime | None = None,
) -> Amendment:
    """Correct a published competition's terms (the rules: ``procurement.amendments``).

    ``opened`` is the version of the terms the person amended (``amendments.terms_version``); when
    they have changed since, nothing is done (``TermsChangedError``). The amendment records each changed
    term old and new; the members of the organizations with a live application and the
    competition's followers are e-mailed once.
    """
    _require_manager(by, competition.municipality)
    at = at or timezone.now()
    texts = _explanations(explanation)
    with transaction.atomic():
        locked = _lock(competition)
        amendable = permissions.may_amend(locked, at=at)
        if not amendable:
            raise ValidationError(amendable.reason)
        last = locked.amendments.aggregate(n=Max("number"))["n"] or 0
        if opened and opened != amendments.terms_version(locked, last_amendment=last):
            raise TermsChangedError(opened_after=amendments.version_amendment(opened))
        plan = _checked_plan(locked, changes, at=at)
        amendment = _record_amendment(locked, by=by, plan=plan, texts=texts, number=last + 1, at=at)
        public_changed()
        _announce(locked, by)
        _amendment_notify(locked, amendment)
    return amendment


def _explanations(explanation: str | Mapping[str, str]) -> dict[str, str]:
    """The explanation in each language it is written in; a text alone is the page's language."""
    texts = explanation if isinstance(explanation, Mapping) else {current_language(): explanation}
    texts = {language: (text or "").strip() for language, text in texts.items()}
    for language in texts:
        _checked_language(language)
    if not any(texts.values()):
        raise ValidationError({"explanation": _("Say what changed and why; applicants read this.")})
    return texts


def _checked_plan(locked: Competition, changes: dict[str, Any], *, at: datetime.datetime) -> AmendmentPlan:
    plan = amendment_plan(locked, changes, at=at)
    if not plan.changed:
        raise ValidationError(_("Nothing in the terms changed: change a term, or go back."))
    if plan.chosen_deadline and plan.chosen_deadline < plan.previous_deadline:
        raise ValidationError({"deadline": _("An amendment can extend the deadline, never shorten it.")})
    return plan


def _record_amendment(
    locked: Competition,
    *,
    by: User,
    plan: AmendmentPlan,
    texts: dict[str, str],
    number: int,
    at: datetime.datetime,
) -> Amendment:
    """The new terms saved, and the amendment that records each change, with its audit event."""
    values = plan.values()
    for name, value in values.items():
        setattr(locked, name, _text(name, value))
    _check_terms(locked)
    locked.save(update_fields=sorted(values))
    diff = amendments.record(plan.changes)
    amendment = Amendment.objects.create(
        competition=locked,
        number=number,
        **{f"explanation_{language}": text or None for language, text in texts.items()},
        changes=diff,
        previous_deadline=plan.previous_deadline,
        new_deadline=locked.deadline,
        minimum_period_days=plan.minimum_days if plan.moved_for_minimum else None,
        created_at=at,
        created_by=by,
    )
    moved = plan.moved_for_minimum
    _audit(
        locked,
        by,
        "competition.amended",
        at,
        number=number,
        changes=diff,
        deadline_extended_for_minimum_period=moved,
    )
    return amendment


def _amendment_notify(competition: Competition, amendment: Amendment) -> None:
    """E-mail each person concerned once: members of organizations with a live application
    (drafts and submitted), and followers of the municipality or the priority issue."""
    for recipient in amendment_recipients(competition=competition):
        email_notify(
            user=recipient.user,
            template="procurement/email/competition_amended",
            context={
                "competition": competition,
                "amendment": amendment,
                "changes": amendment.changed_terms,
                "organizations": recipient.organizations,
            },
        )
