"""An organization's track record, computed from the rows and shown only from what is public.

What the record counts, and why:

- **Past applications** are those the public results of a competition list: its results are
  published (the competition is completed) and the application was ranked (eligible, then awarded
  or not). An application of a competition still open, closed or under evaluation never counts:
  its content, and even that it exists, is sealed or not yet decided. Withdrawn, ineligible and
  draft applications are not in any public result, so they are not counted either.
- **Awards** are the grants of those applications (count and sum); **projects** are the grant
  agreements made from them, by state.
- **Reports accepted on first submission**: of the reports whose first review round has been
  decided, the share whose first round was accepted (a report still in its first review is not
  counted yet).
- **Reports overdue now**: the monitoring rule (``MonitoringReport.objects.overdue``): never submitted,
  past the due date in the municipality's zone, of an active project.

``track_records`` answers for many organizations in a fixed number of queries (a list of
applications reads them all at once); ``track_record`` for one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from monitoring.models import MonitoringReport, Project, ReportRound
from organizations.models import Organization
from procurement.models import Application, Competition

ZERO = Decimal("0")


@dataclass(frozen=True)
class TrackRecord:
    """The figures of one organization (all zero for one with no public past)."""

    organization_id: int
    applications: int = 0
    awards: int = 0
    awarded: Decimal = ZERO
    projects: dict[str, int] = field(default_factory=dict)
    reports_reviewed: int = 0
    reports_accepted_first: int = 0
    reports_overdue: int = 0

    @property
    def projects_total(self) -> int:
        return sum(self.projects.values())

    @property
    def projects_completed(self) -> int:
        return self.projects.get(Project.State.COMPLETED, 0)

    @property
    def first_time_share(self) -> int | None:
        """Percent of the reviewed reports accepted on their first submission (None: none reviewed)."""
        if not self.reports_reviewed:
            return None
        return round(100 * self.reports_accepted_first / self.reports_reviewed)

    @property
    def empty(self) -> bool:
        """Nothing public yet: no past application, no project."""
        return not self.applications and not self.projects_total


def public_organizations() -> QuerySet[Organization]:
    """The organizations with a public profile: verified ones, and verified ones now suspended
    (the profile says so). One still pending verification has none: the portal vouches for
    nothing about it yet."""
    return Organization.objects.filter(
        Q(state=Organization.State.VERIFIED)
        | Q(state=Organization.State.SUSPENDED, suspended_from=Organization.State.VERIFIED)
    )


def has_public_profile(organization: Organization) -> bool:
    """What ``public_organizations`` answers, for a row already read."""
    return organization.is_verified or (
        organization.is_suspended and organization.suspended_from == Organization.State.VERIFIED
    )


def public_applications() -> QuerySet[Application]:
    """The applications the published results of competitions list (see the module's docstring)."""
    return Application.objects.filter(
        competition__state=Competition.State.COMPLETED, state__in=Application.SCORED_STATES
    )


def _public_projects() -> QuerySet[Project]:
    return Project.objects.filter(award__competition__state=Competition.State.COMPLETED)


def track_records(organization_ids: Iterable[int], *, now=None) -> dict[int, TrackRecord]:
    """The record of each organization, by id (five queries whatever their number; none for none)."""
    ids = sorted(set(organization_ids))
    if not ids:
        return {}
    figures: dict[int, dict] = {pk: {"projects": {}} for pk in ids}
    for row in (
        public_applications()
        .filter(organization__in=ids)
        .values("organization")
        .order_by()
        .annotate(applications=Count("pk"), awards=Count("award"), awarded=Sum("award__amount"))
    ):
        figures[row["organization"]].update(
            applications=row["applications"], awards=row["awards"], awarded=row["awarded"] or ZERO
        )
    for row in (
        _public_projects()
        .filter(organization__in=ids)
        .values("organization", "state")
        .order_by()
        .annotate(count=Count("pk"))
    ):
        figures[row["organization"]]["projects"][row["state"]] = row["count"]
    for row in _first_rounds(ids):
        figures[row["organization"]].update(
            reports_reviewed=row["reviewed"], reports_accepted_first=row["accepted"]
        )
    for row in _overdue(ids, now):
        figures[row["organization"]]["reports_overdue"] = row["count"]
    return {pk: TrackRecord(organization_id=pk, **values) for pk, values in figures.items()}


def _first_rounds(ids: list[int]) -> QuerySet:
    """Per organization: reports whose first round is decided, and those it accepted."""
    return (
        ReportRound.objects.filter(
            number=1,
            report__project__in=_public_projects().filter(organization__in=ids).values("pk"),
        )
        .exclude(decision="")
        .values(organization=F("report__project__organization"))
        .order_by()
        .annotate(
            reviewed=Count("pk"),
            accepted=Count("pk", filter=Q(decision=ReportRound.Decision.ACCEPTED)),
        )
    )


def _overdue(ids: list[int], now) -> QuerySet:
    """Per organization: its reports overdue now, by the monitoring rule (two queries)."""
    return (
        MonitoringReport.objects.overdue(now)
        .filter(project__in=_public_projects().filter(organization__in=ids).values("pk"))
        .values(organization=F("project__organization"))
        .order_by()
        .annotate(count=Count("pk"))
    )


def track_record(organization: Organization, *, now=None) -> TrackRecord:
    """The record of one organization."""
    return track_records([organization.pk], now=now)[organization.pk]


def past_applications(organization: Organization) -> QuerySet[Application]:
    """The organization's past applications, newest competition first, with what a row shows."""
    return (
        public_applications()
        .filter(organization=organization)
        .select_related("competition__municipality", "award")
        .order_by("-competition__deadline", "-pk")
    )


@dataclass(frozen=True)
class Year:
    year: int
    applications: int
    awards: int
    awarded: Decimal


def by_year(organization: Organization) -> list[Year]:
    """Applications, awards and awarded amounts per year of the competition's deadline (in the
    municipality's zone), oldest first (one query)."""
    applications: Counter[int] = Counter()
    awards: Counter[int] = Counter()
    awarded: dict[int, Decimal] = {}
    for deadline, zone, amount in (
        public_applications()
        .filter(organization=organization)
        .values_list("competition__deadline", "competition__municipality__time_zone", "award__amount")
        .order_by()
    ):
        year = timezone.localtime(deadline, ZoneInfo(zone)).year
        applications[year] += 1
        awarded.setdefault(year, ZERO)
        if amount is not None:
            awards[year] += 1
            awarded[year] += amount
    return [Year(year, applications[year], awards[year], awarded[year]) for year in sorted(applications)]
