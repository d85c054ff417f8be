"""What the open-data feeds read: published competitions and their public record, in chunks.

A feed of thousands of competitions is read a chunk at a time (``CHUNK_SIZE`` competitions, by
ascending id), each chunk in a fixed number of queries whatever its size, so that the feed's
memory stays that of one chunk while the response streams.

What is read is what the public may see at ``now``, decided here and nowhere else:

- only competitions that were published (a draft, or one cancelled before it was published, has
  no public record), of active municipalities;
- the receipts of the applications that count (number, time, digest; no content, no name) once the
  deadline has passed, never while sealed, and never for a competition cancelled before its
  deadline (``procurement.models.applications.unsealed``);
- the organizations that were scored, the awards, the grant agreements, their tranches and their
  accepted monitoring reports only once results are published (the competition is completed).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from monitoring.models import MonitoringReport, PaymentTranche, Project
from organizations.models import Municipality, Organization
from procurement.models import (
    Amendment,
    Application,
    Award,
    Competition,
    EligibilityRequirement,
    EvaluationCriterion,
    RequiredDocument,
)
from procurement.models.applications import unsealed
from procurement.selectors import SUBMITTED_STATES
from ssp_portal.audit.models import AuditEvent

#: Competitions read at once: each chunk costs ``QUERIES_PER_CHUNK`` queries.
CHUNK_SIZE = 100
QUERIES_PER_CHUNK = 11


@dataclass(frozen=True)
class Receipt:
    """A line of the receipt ledger: what proves a submission was counted, nothing of what it says."""

    number: str
    submitted_at: datetime.datetime
    digest: str


@dataclass
class CompetitionRecord:
    """One published competition and what its public record holds at the moment it was read.

    ``competition`` comes with its municipality and priority issue. ``receipts`` is empty while
    the applications are sealed; ``tenderers``, ``awards``, ``projects``, ``tranches`` and
    ``reports`` are empty until results are published.
    """

    competition: Competition
    sealed: bool
    criteria: list[EvaluationCriterion] = field(default_factory=list)
    required_documents: list[RequiredDocument] = field(default_factory=list)
    eligibility: list[EligibilityRequirement] = field(default_factory=list)
    amendments: list[Amendment] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    tenderers: list[Organization] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)  # with application.organization
    projects: dict[int, Project] = field(default_factory=dict)  # by award id
    tranches: dict[int, list[PaymentTranche]] = field(default_factory=dict)  # by project id
    reports: dict[int, list[MonitoringReport]] = field(default_factory=dict)  # accepted, by project id


@dataclass(frozen=True)
class Scope:
    """Which published competitions a feed holds: all, a municipality's, a year's, or one."""

    municipality: Municipality | None = None
    year: int | None = None
    reference: str | None = None


def ocds_municipality(*, slug: str) -> Municipality | None:
    """The active municipality a feed is filtered by (one query)."""
    return Municipality.objects.filter(slug=slug, is_active=True).first()


def _published(scope: Scope) -> QuerySet[Competition]:
    competitions = Competition.objects.exclude(state=Competition.State.DRAFT).filter(
        published_at__isnull=False, municipality__is_active=True
    )
    if scope.municipality is not None:
        competitions = competitions.filter(municipality=scope.municipality)
    if scope.year is not None:
        competitions = competitions.filter(year=scope.year)
    if scope.reference is not None:
        competitions = competitions.filter(reference=scope.reference)
    return competitions


@dataclass(frozen=True)
class Freshness:
    """What a feed's validators are made of: how many competitions it holds, the latest change
    among them and in the audit chain, and the deadlines passed (a passed deadline opens the
    ledger with no change recorded)."""

    competitions: int
    parts: tuple[object, ...]
    last_modified: datetime.datetime | None


def ocds_freshness(*, scope: Scope, now: datetime.datetime) -> Freshness:
    """The feed's freshness (two queries: an aggregate of its competitions, the audit chain's head).

    Every service that changes the public record writes an audit event, so the chain's head moves
    with each of them; the competitions' own dates also catch a change made without a service.
    """
    passed = Q(deadline__lte=now)
    row = _published(scope).aggregate(
        total=Count("pk"),
        passed=Count("pk", filter=passed),
        deadline=Max("deadline", filter=passed),
        published=Max("published_at"),
        completed=Max("completed_at"),
        cancelled=Max("cancelled_at"),
    )
    head = AuditEvent.objects.order_by("-position").values_list("position", "recorded_at").first()
    position, recorded = head or (0, None)
    moments = [row["deadline"], row["published"], row["completed"], row["cancelled"], recorded]
    known = [moment for moment in moments if moment is not None and moment <= now]
    return Freshness(
        competitions=row["total"],
        parts=(row["total"], row["passed"], *moments, position),
        last_modified=max(known) if known else None,
    )


def ocds_competitions(
    *, scope: Scope, now: datetime.datetime, chunk_size: int = CHUNK_SIZE
) -> Iterator[CompetitionRecord]:
    """Every published competition of ``scope`` with its public record at ``now``, by ascending
    id, read ``chunk_size`` at a time (``QUERIES_PER_CHUNK`` queries per chunk)."""
    competitions = _published(scope).select_related("municipality", "priority_issue").order_by("pk")
    last = 0
    while True:
        chunk = list(competitions.filter(pk__gt=last)[:chunk_size])
        if not chunk:
            return
        yield from _records(chunk, now)
        if len(chunk) < chunk_size:
            return
        last = chunk[-1].pk


def _by_competition(rows, key: str = "competition_id") -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return grouped


def _records(chunk: list[Competition], now: datetime.datetime) -> list[CompetitionRecord]:
    """The chunk's records: the competitions' terms, then what is public of their applications."""
    ids = [competition.pk for competition in chunk]
    criteria = _by_competition(EvaluationCriterion.objects.filter(competition_id__in=ids))
    documents = _by_competition(RequiredDocument.objects.filter(competition_id__in=ids))
    eligibility = _by_competition(EligibilityRequirement.objects.filter(competition_id__in=ids))
    amendments = _by_competition(Amendment.objects.filter(competition_id__in=ids).order_by("number"))
    receipts = _receipts(ids, now)
    results = _results(ids)
    records = []
    for competition in chunk:
        record = CompetitionRecord(
            competition=competition,
            sealed=_sealed(competition, now),
            criteria=criteria[competition.pk],
            required_documents=documents[competition.pk],
            eligibility=eligibility[competition.pk],
            amendments=amendments[competition.pk],
            receipts=receipts[competition.pk],
        )
        results.fill(record)
        records.append(record)
    return records


def _sealed(competition: Competition, now: datetime.datetime) -> bool:
    """As ``Competition.is_sealed``, at ``now``: before the deadline, and for ever when cancelled
    before it."""
    cancelled = competition.cancelled_at
    if competition.state == Competition.State.CANCELLED and cancelled and cancelled < competition.deadline:
        return True
    return competition.deadline > now


def _receipts(ids: list[int], now: datetime.datetime) -> dict[int, list[Receipt]]:
    """The ledgers of the chunk's unsealed competitions (one query; sealed ones have none)."""
    rows = (
        Application.objects.filter(competition_id__in=ids, state__in=SUBMITTED_STATES)
        .filter(unsealed(now))
        .order_by("competition_id", "receipt_number")
        .values_list("competition_id", "receipt_number", "submitted_at", "digest")
    )
    ledgers: dict[int, list[Receipt]] = defaultdict(list)
    for competition_id, number, submitted_at, digest in rows:
        ledgers[competition_id].append(Receipt(number, submitted_at, digest))
    return ledgers


@dataclass
class Results:
    """The chunk's published results, grouped for its records."""

    tenderers: dict[int, list[Organization]]
    awards: dict[int, list[Award]]
    projects: dict[int, Project]
    tranches: dict[int, list[PaymentTranche]]
    reports: dict[int, list[MonitoringReport]]

    def fill(self, record: CompetitionRecord) -> None:
        if record.competition.state != Competition.State.COMPLETED:
            return
        record.tenderers = self.tenderers[record.competition.pk]
        record.awards = self.awards[record.competition.pk]
        record.projects = {
            award.pk: self.projects[award.pk] for award in record.awards if award.pk in self.projects
        }
        record.tranches = {project.pk: self.tranches[project.pk] for project in record.projects.values()}
        record.reports = {project.pk: self.reports[project.pk] for project in record.projects.values()}


def _results(ids: list[int]) -> Results:
    """What completed competitions of the chunk published (five queries)."""
    completed = {"competition_id__in": ids, "competition__state": Competition.State.COMPLETED}
    of_projects = {
        "project__award__competition_id__in": ids,
        "project__award__competition__state": Competition.State.COMPLETED,
    }
    scored = (
        Application.objects.filter(**completed, state__in=Application.SCORED_STATES)
        .select_related("organization")
        .order_by("competition_id", "organization__name", "pk")
    )
    tenderers: dict[int, list[Organization]] = defaultdict(list)
    for application in scored:
        tenderers[application.competition_id].append(application.organization)
    awards = Award.objects.filter(**completed).select_related("application__organization")
    projects = Project.objects.filter(
        award__competition_id__in=ids, award__competition__state=Competition.State.COMPLETED
    )
    tranches = PaymentTranche.objects.filter(**of_projects).order_by("project_id", "number")
    reports = MonitoringReport.objects.filter(**of_projects, state=MonitoringReport.State.ACCEPTED)
    return Results(
        tenderers=tenderers,
        awards=_by_competition(awards.order_by("competition_id", "rank", "pk")),
        projects={project.award_id: project for project in projects},
        tranches=_by_competition(tranches, key="project_id"),
        reports=_by_competition(reports.order_by("project_id", "number"), key="project_id"),
    )


def open_data_municipalities() -> list[Municipality]:
    """The active municipalities, whose short names filter the feeds (one query)."""
    return list(Municipality.objects.filter(is_active=True).order_by("name").only("name", "slug"))
