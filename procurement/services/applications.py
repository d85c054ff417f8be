"""An application's life: draft → submitted → (withdrawn | eligible | ineligible).

Drafts are saved section by section. Submission checks everything at once, on the server, inside
the transaction that records it, and issues a receipt with the digest of what was submitted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from organizations.models import Organization, User
from procurement import permissions, receipts, rules
from procurement.documents import RECEIPT
from procurement.models import (
    ActivityLine,
    Application,
    ApplicationAttachment,
    BudgetLine,
    Competition,
    EligibilityRequirement,
)
from ssp_portal.audit.services import audit_record
from ssp_portal.documents.services import document_request
from ssp_portal.files import open_stored_file
from ssp_portal.notifications.services import email_notify
from ssp_portal.rows.sync import sync_rows
from ssp_portal.rules import missing, refusal
from ssp_portal.versions import version_of

SECTION_FIELDS = {
    "project": ("project_title", "summary"),
    "problem": ("problem",),
    "objectives": ("objectives", "expected_results"),
    "target_group": ("target_group", "beneficiaries"),
    "budget": ("requested_amount", "cofinancing_own", "cofinancing_other", "cofinancing_sources"),
}


SECTION_STALE = gettext_lazy(
    "Someone saved this part of the application after you opened it. Your text is kept below but "
    "not saved: reload the page to see theirs, then make your changes again."
)


class AlreadySubmittedError(Exception):
    """The application was submitted already (a double click, a second tab): nothing to do."""

    def __init__(self, application: Application) -> None:
        super().__init__(application.receipt_number)
        self.application = application


def audit(
    application: Application, by: User | None, verb: str, at: datetime.datetime, **details: Any
) -> None:
    # Sealed proposals: the event names neither the organization nor any content, and it stays off
    # the municipality's timeline; the application's own page shows it to those who may see it.
    audit_record(
        actor=by,
        verb=verb,
        target=application,
        at=at,
        details=details,
        label=f"Application {application.pk} ({application.competition.reference})",
    )


def lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("competition__municipality", "organization")
        .get(pk=application.pk)
    )


def require_member(by: User, application: Application) -> None:
    if not permissions.can_edit_application(by, application):
        raise PermissionDenied


def require_editable(locked: Application, now: datetime.datetime) -> None:
    change = permissions.may_change(locked, at=now)
    if not change:
        raise ValidationError(change.reason)


def touch(locked: Application, now: datetime.datetime) -> None:
    locked.updated_at = now
    locked.save(update_fields=["updated_at"])


# Starting -------------------------------------------------------------------------------------


def application_start(
    *, competition: Competition, organization: Organization, by: User, at: datetime.datetime | None = None
) -> Application:
    """A draft for a verified organization, or its live application if it has one already."""
    if not permissions.can_apply(by, organization):
        raise PermissionDenied
    now = at or timezone.now()
    if not organization.is_verified:
        raise ValidationError(_("Only a verified organization can apply."))
    if competition.effective_state_at(now) != Competition.State.PUBLISHED:
        raise ValidationError(_("This competition is not accepting proposals."))
    existing = Application.objects.live().filter(competition=competition, organization=organization).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            application = Application.objects.create(
                competition=competition,
                organization=organization,
                created_by=by,
                created_at=now,
                updated_at=now,
            )
            audit(application, by, "application.started", now)
    except IntegrityError:  # the same start from another tab got there first
        return Application.objects.live().get(competition=competition, organization=organization)
    return application


# Saving sections --------------------------------------------------------------------------------


def section_version(application: Application, section: str) -> str:
    """The version of one section's stored fields, carried by its form (``ssp_portal.versions``)."""
    return version_of({name: getattr(application, name) for name in SECTION_FIELDS[section]})


def application_save_section(
    *,
    application: Application,
    by: User,
    section: str,
    data: dict[str, Any],
    version: str | None = None,
) -> bool:
    """Save one section's fields of a draft; False (and nothing written) when none changed.

    ``version`` is the section's version as the form showed it: when someone saved the section
    since, the save is refused and nothing is written."""
    require_member(by, application)
    fields = SECTION_FIELDS[section]
    now = timezone.now()
    with transaction.atomic():
        locked = lock(application)
        require_editable(locked, now)
        if version and version != section_version(locked, section):
            raise ValidationError({NON_FIELD_ERRORS: [SECTION_STALE]})
        changed = [name for name in fields if name in data and getattr(locked, name) != data[name]]
        if not changed:
            return False
        for name in changed:
            setattr(locked, name, data[name])
        locked.updated_at = now
        locked.full_clean(exclude=["competition", "organization", "previous"], validate_constraints=False)
        locked.save(update_fields=[*changed, "updated_at"])
    return True


@dataclass(frozen=True)
class ActivityData:
    title: str
    description: str
    start_month: int
    end_month: int
    id: int | None = None


@dataclass(frozen=True)
class BudgetLineData:
    category: str
    description: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal
    id: int | None = None

    @property
    def total(self) -> Decimal:
        return BudgetLine(quantity=self.quantity, unit_cost=self.unit_cost).total


def application_set_activities(*, application: Application, by: User, activities: list[ActivityData]) -> bool:
    """Make the activities exactly ``activities``, in order, within the project period."""
    require_member(by, application)
    months = application.competition.project_months
    for activity in activities:
        if max(activity.start_month, activity.end_month) > months:
            raise ValidationError(
                ngettext(
                    "%(activity)s: the project lasts %(months)d month; choose month 1.",
                    "%(activity)s: the project lasts %(months)d months; choose months from 1 to %(months)d.",
                    months,
                )
                % {"activity": activity.title, "months": months}
            )
    now = timezone.now()
    with transaction.atomic():
        locked = lock(application)
        require_editable(locked, now)
        changes = sync_rows(
            existing=locked.activities.all(),
            rows=activities,
            fields=("title", "description", "start_month", "end_month"),
            build=lambda values: ActivityLine(application=locked, **values),
            clean=lambda row: row.full_clean(exclude=["application"], validate_constraints=False),
        )
        if changes:
            touch(locked, now)
    return bool(changes)


def application_set_budget_lines(*, application: Application, by: User, lines: list[BudgetLineData]) -> bool:
    """Make the budget lines exactly ``lines``, in order."""
    require_member(by, application)
    now = timezone.now()
    with transaction.atomic():
        locked = lock(application)
        require_editable(locked, now)
        changes = sync_rows(
            existing=locked.budget_lines.all(),
            rows=lines,
            fields=("category", "description", "unit", "quantity", "unit_cost"),
            build=lambda values: BudgetLine(application=locked, **values),
            clean=lambda row: row.full_clean(exclude=["application"], validate_constraints=False),
        )
        if changes:
            touch(locked, now)
    return bool(changes)


def application_save_budget(
    *,
    application: Application,
    by: User,
    amounts: dict[str, Any],
    lines: list[BudgetLineData],
    version: str | None = None,
) -> bool:
    """The amounts and the budget lines, saved together: the requested amount is at most the maximum
    grant and the lines add up to it (an empty requested amount asks for the lines' total)."""
    amounts = dict(amounts)
    if amounts.get("requested_amount") is None and lines:
        amounts["requested_amount"] = sum((line.total for line in lines), Decimal("0"))
    checks = rules.budget_checks(
        competition=application.competition, requested=amounts.get("requested_amount"), lines=lines
    )
    left = missing(checks)
    if left:
        raise ValidationError({"requested_amount": left[0].message})
    with transaction.atomic():
        section = application_save_section(
            application=application, by=by, section="budget", data=amounts, version=version
        )
        rows = application_set_budget_lines(application=application, by=by, lines=lines)
    return section or rows


# Submitting -------------------------------------------------------------------------------------


def application_submit(
    *,
    application: Application,
    by: User,
    arrived_at: datetime.datetime | None = None,
    at: datetime.datetime | None = None,
) -> Application:
    """Submit a draft: everything is checked at once, the deadline by the server clock.

    A submission counts by ``arrived_at``, the moment its request reached the server (pages pass
    what ssp_portal.middleware.ArrivalMiddleware recorded before anything waited): one that arrived
    before the deadline is accepted even when the work of submitting ends a moment after it.
    Without it the time is now. ``at`` records a submission of the past (when loading records);
    pages never pass it.

    Raises AlreadySubmittedError when the application was submitted a moment ago (another tab, a
    double click); the caller shows that receipt.
    """
    require_member(by, application)
    now = at or timezone.now()
    arrived = at or min(arrived_at or now, now)
    with transaction.atomic():
        # Only this application's row is locked: submissions of other organizations go on at once.
        locked = lock(application)
        _check_submission(locked, arrived=arrived)
        _submit(locked, by=by, arrived=arrived, now=now)
    return locked


def _check_submission(locked: Application, *, arrived: datetime.datetime) -> None:
    if locked.is_submitted:
        raise AlreadySubmittedError(locked)
    if locked.state != Application.State.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    checks = [rules.deadline_check(locked.competition, arrived=arrived), *rules.submission_checks(locked)]
    refused = refusal(checks)
    if refused:
        raise refused


def _submit(locked: Application, *, by: User, arrived: datetime.datetime, now: datetime.datetime) -> None:
    """Record the submission with its receipt, and prepare the receipt's PDF and the e-mails."""
    locked.submitted_at = arrived
    locked.submitted_by = by
    locked.state = Application.State.SUBMITTED
    _give_receipt_number(locked)
    audit(locked, by, "application.submitted", now, receipt=locked.receipt_number, digest=locked.digest)
    document_request(
        subject=locked, kind=RECEIPT, requested_by=by, language=by.language or settings.LANGUAGE_CODE
    )
    _tell_members(locked, "procurement/email/application_submitted")


def _tell_members(application: Application, template: str) -> None:
    for member in application.organization.memberships.select_related("user"):
        email_notify(
            user=member.user,
            template=template,
            context={"application": application, "competition": application.competition},
            about=application,
        )


def _give_receipt_number(application: Application) -> None:
    """A random receipt number (procurement/receipts.py); a clash, once in millions, draws again."""
    for _attempt in range(10):
        application.receipt_number = receipts.new_receipt_number(application.competition.reference)
        application.digest = receipts.compute(application)
        try:
            with transaction.atomic():
                application.save(
                    update_fields=["receipt_number", "submitted_at", "submitted_by", "state", "digest"]
                )
        except IntegrityError:
            if Application.objects.filter(receipt_number=application.receipt_number).exists():
                continue
            raise
        return
    raise RuntimeError("No free receipt number was found.")


def application_withdraw(*, application: Application, by: User) -> Application:
    """Before the deadline the organization may take its application back (and submit again)."""
    require_member(by, application)
    with transaction.atomic():
        locked = lock(application)
        now = timezone.now()
        withdraw = permissions.may_withdraw(locked, at=now)
        if not withdraw:
            raise ValidationError(withdraw.reason)
        locked.state = Application.State.WITHDRAWN
        locked.withdrawn_at = now
        locked.save(update_fields=["state", "withdrawn_at"])
        audit(locked, by, "application.withdrawn", now, receipt=locked.receipt_number)
    return locked


def application_new_version(*, application: Application, by: User) -> Application:
    """A new draft copied from a withdrawn application; the withdrawn one stays as submitted."""
    require_member(by, application)
    with transaction.atomic():
        locked = lock(application)
        now = timezone.now()
        if locked.state != Application.State.WITHDRAWN:
            raise ValidationError(_("Only a withdrawn application can be started again."))
        if hasattr(locked, "next_version"):
            return locked.next_version
        if locked.competition.effective_state_at(now) != Competition.State.PUBLISHED:
            raise ValidationError(_("The submission deadline has passed."))
        if (
            Application.objects.live()
            .filter(competition=locked.competition, organization=locked.organization)
            .exists()
        ):
            raise ValidationError(_("This organization already has an application to this competition."))
        copy = _copy_application(locked, by=by, now=now)
        audit(copy, by, "application.new_version", now, previous=locked.receipt_number)
    return copy


def _copy_application(locked: Application, *, by: User, now: datetime.datetime) -> Application:
    """The next version of ``locked``: its sections, activities, budget lines and attachments."""
    copy = Application.objects.create(
        competition=locked.competition,
        organization=locked.organization,
        version=locked.version + 1,
        previous=locked,
        created_by=by,
        created_at=now,
        updated_at=now,
        **{name: getattr(locked, name) for fields in SECTION_FIELDS.values() for name in fields},
    )
    ActivityLine.objects.bulk_create(_copies(locked.activities.all(), application=copy))
    BudgetLine.objects.bulk_create(_copies(locked.budget_lines.all(), application=copy))
    for attachment in locked.attachments.all():
        _copy_attachment(attachment, to=copy)
    return copy


def _copies(rows: Iterable[Model], **changed: Any) -> list[Model]:
    """Unsaved copies of ``rows``: every field as it is but the primary key and ``changed``."""
    return [
        type(row)(
            **{
                field.attname: getattr(row, field.attname)
                for field in row._meta.concrete_fields
                if not field.primary_key and field.name not in changed
            },
            **changed,
        )
        for row in rows
    ]


def _copy_attachment(attachment: ApplicationAttachment, *, to: Application) -> ApplicationAttachment:
    # A copy of the bytes: the withdrawn version keeps its own files, so its receipt still verifies.
    (duplicate,) = _copies([attachment], application=to)
    duplicate.file_extension = attachment.file.name.rsplit(".", 1)[-1]
    with open_stored_file(attachment.file) as source:
        duplicate.file.save("upload", ContentFile(source.read()), save=False)
    duplicate.save()
    return duplicate


# Screening --------------------------------------------------------------------------------------


def application_screen(
    *,
    application: Application,
    by: User,
    eligible: bool,
    requirement: EligibilityRequirement | None = None,
    note: str = "",
    at: datetime.datetime | None = None,
) -> Application:
    """After the deadline finance staff decide: eligible, or ineligible with the requirement not met."""
    if not permissions.can_manage_competition(by, application.competition):
        raise PermissionDenied
    screen = permissions.can_screen_application(by, application)
    if not screen:
        raise ValidationError(screen.reason)
    with transaction.atomic():
        locked = lock(application)
        now = at or timezone.now()
        _check_screening(locked, now=now, eligible=eligible, requirement=requirement)
        _record_screening(locked, by=by, now=now, requirement=None if eligible else requirement, note=note)
    return locked


def _check_screening(
    locked: Application, *, now: datetime.datetime, eligible: bool, requirement: EligibilityRequirement | None
) -> None:
    if locked.competition.effective_state_at(now) not in (
        Competition.State.CLOSED,
        Competition.State.EVALUATION,
    ):
        raise ValidationError(_("Applications are screened after the deadline, before the results."))
    if locked.state != Application.State.SUBMITTED:
        raise ValidationError(_("This application has been screened already."))
    if not eligible and (requirement is None or requirement.competition_id != locked.competition_id):
        raise ValidationError({"requirement": _("Choose the requirement the application does not meet.")})


def _record_screening(
    locked: Application,
    *,
    by: User,
    now: datetime.datetime,
    requirement: EligibilityRequirement | None,
    note: str,
) -> None:
    """Eligible when no requirement is unmet; the organization's members are told."""
    locked.state = Application.State.INELIGIBLE if requirement else Application.State.ELIGIBLE
    locked.ineligible_requirement = requirement
    locked.screening_note = note.strip()
    locked.screened_at = now
    locked.screened_by = by
    locked.save(
        update_fields=["state", "ineligible_requirement", "screening_note", "screened_at", "screened_by"]
    )
    unmet = requirement.text if requirement else ""
    audit(locked, by, "application.screened", now, outcome=locked.state, requirement=unmet)
    _tell_members(locked, "procurement/email/application_screened")
