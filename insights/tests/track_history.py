"""Past applications, projects and reports of an organization, for the track-record tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from monitoring.factories import ProjectFactory
from monitoring.models import MonitoringReport, Project, ReportRound
from organizations.factories import UserFactory
from organizations.models import Organization
from procurement.factories import ApplicationFactory, AwardFactory, CompetitionFactory
from procurement.models import Application, Competition


def past_application(
    organization: Organization,
    *,
    awarded: Decimal | None = None,
    deadline: datetime.datetime | None = None,
    municipality=None,
    title: str = "",
) -> Application:
    """An application of ``organization`` ranked in a completed competition, awarded ``awarded``
    or not awarded."""
    extra = {"municipality": municipality} if municipality else {}
    if deadline:
        extra["deadline"] = deadline
    if title:
        extra["title"] = title
    competition = CompetitionFactory(completed=True, **extra)
    application = ApplicationFactory(competition=competition, organization=organization, eligible=True)
    if awarded is None:
        Application.objects.filter(pk=application.pk).update(state=Application.State.NOT_AWARDED)
    else:
        AwardFactory(application=application, amount=awarded)
    application.refresh_from_db()
    return application


def application_in(organization: Organization, competition: Competition, **traits) -> Application:
    """An application of ``organization`` to ``competition`` (submitted unless a trait says otherwise)."""
    if not traits:
        traits = {"submit": True}
    return ApplicationFactory(competition=competition, organization=organization, **traits)


def project_of(application: Application, state: str = Project.State.ACTIVE) -> Project:
    """The grant agreement of an awarded application, in ``state``."""
    return ProjectFactory(award=application.award, state=state)


def report(project: Project, number: int, *, state: str, due_days: int = 10, rounds: tuple[str, ...] = ()):
    """A report of ``project`` due ``due_days`` from today (negative: in the past), reviewed in
    ``rounds`` (each a decision, '' for a round not reviewed yet)."""
    due = timezone.localdate() + datetime.timedelta(days=due_days)
    made = MonitoringReport.objects.create(
        project=project,
        number=number,
        period_start=due - datetime.timedelta(days=90),
        period_end=due - datetime.timedelta(days=5),
        due_date=due,
        state=state,
    )
    by = UserFactory()
    for index, decision in enumerate(rounds, start=1):
        ReportRound.objects.create(
            report=made, number=index, submitted_at=timezone.now(), submitted_by=by, decision=decision
        )
    return made
