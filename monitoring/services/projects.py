"""Projects: made from awards when the grant agreement is signed."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from monitoring import permissions
from monitoring.models import Project
from organizations.models import User
from procurement.models import Award, Competition
from ssp_portal.audit.services import audit_record


def project_create_from_award(
    *,
    award: Award,
    by: User,
    contract_number: str,
    contract_date: datetime.date,
    start_date: datetime.date,
    end_date: datetime.date,
    at: datetime.datetime | None = None,
) -> Project:
    """The grant agreement of an award: the project, with the awarded amount, begins."""
    competition = award.competition
    if not permissions.can_contract(by, competition.municipality):
        raise PermissionDenied
    now = at or timezone.now()
    if competition.state != Competition.State.COMPLETED:
        raise ValidationError(_("Projects are contracted once the competition's results are published."))
    contract_number = contract_number.strip()
    try:
        with transaction.atomic():
            project = Project(
                award=award,
                municipality=competition.municipality,
                organization=award.application.organization,
                title=award.application.project_title or competition.title,
                contract_number=contract_number,
                contract_date=contract_date,
                amount=award.amount,
                start_date=start_date,
                end_date=end_date,
                created_at=now,
                created_by=by,
            )
            project.full_clean(exclude=["award"])
            project.save()
            audit_record(
                actor=by,
                verb="project.contracted",
                target=project,
                scope=competition.municipality,
                at=now,
                details={"contract_number": contract_number, "amount": str(award.amount)},
            )
    except IntegrityError:
        raise ValidationError(_("This award already has a project.")) from None
    return project
