"""Priority issues: what a municipality has decided to fund."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from organizations.models import Municipality, User
from procurement import permissions
from procurement.models import PriorityIssue
from ssp_portal.audit.services import audit_record
from ssp_portal.languages import localized
from ssp_portal.public_cache import public_changed

#: The texts in each language (``title_ky``…; ``title`` is the page's language), and the terms.
TEXTS = ("title", "description", "target_group")
TEXT_COLUMNS = frozenset(column for name in TEXTS for column in localized(name))
FIELDS = (
    *[column for name in TEXTS for column in (name, *localized(name))],
    "need_source",
    "year",
    "planned_budget",
)


def _value(data: dict[str, Any], name: str) -> Any:
    """A text left empty in a language is not written in it (NULL)."""
    return None if data[name] == "" and name in TEXT_COLUMNS else data[name]


def _same(stored: Any, wanted: Any) -> bool:
    return stored == wanted or (stored in ("", None) and wanted in ("", None))


def priority_issue_create(*, municipality: Municipality, by: User, data: dict[str, Any]) -> PriorityIssue:
    if not permissions.can_manage_municipality(by, municipality):
        raise PermissionDenied
    with transaction.atomic():
        issue = PriorityIssue(
            municipality=municipality, **{name: _value(data, name) for name in FIELDS if name in data}
        )
        issue.full_clean()
        issue.save()
        audit_record(actor=by, verb="priority_issue.created", target=issue, scope=municipality)
    return issue


def priority_issue_update(*, issue: PriorityIssue, by: User, data: dict[str, Any]) -> PriorityIssue:
    if not permissions.can_manage_priority_issue(by, issue):
        raise PermissionDenied
    with transaction.atomic():
        locked = PriorityIssue.objects.select_for_update().get(pk=issue.pk)
        changed = [name for name in FIELDS if name in data and not _same(getattr(locked, name), data[name])]
        for name in changed:
            setattr(locked, name, _value(data, name))
        if changed:
            locked.full_clean()
            locked.save(update_fields=changed)
            audit_record(
                actor=by,
                verb="priority_issue.updated",
                target=locked,
                scope=locked.municipality,
                details={"fields": changed},
            )
            public_changed()
    return locked


def priority_issue_approve(*, issue: PriorityIssue, by: User) -> PriorityIssue:
    """Approved issues are public, and competitions can be announced on them."""
    if not permissions.can_manage_priority_issue(by, issue):
        raise PermissionDenied
    with transaction.atomic():
        locked = PriorityIssue.objects.select_for_update().select_related("municipality").get(pk=issue.pk)
        if locked.is_approved:
            raise ValidationError(_("This priority issue is already approved."))
        locked.state = PriorityIssue.State.APPROVED
        locked.approved_at = timezone.now()
        locked.save(update_fields=["state", "approved_at"])
        audit_record(actor=by, verb="priority_issue.approved", target=locked, scope=locked.municipality)
        public_changed()
    return locked
