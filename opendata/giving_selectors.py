"""The rows the 360Giving grants are made of (``opendata/giving.py``), read in a fixed number of
queries whatever their number: one for the rows, read in chunks so that memory stays flat, and
two small aggregates that tell whether anything in them changed (the file's validators).

Only awards of competitions whose results are published (``completed``) are read: an award
decided during the evaluation, and every application of an open or closed competition, stay out.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Max, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from monitoring.models import PaymentTranche
from opendata.giving import AwardRow
from organizations.models import Municipality
from procurement.models import Award, Competition
from ssp_portal.languages import as_read

CHUNK_SIZE = 2000

#: AwardRow's fields and the columns they are read from.
COLUMNS = {
    "award_id": "pk",
    "amount": "amount",
    "decided_at": "decided_at",
    "reference": "competition__reference",
    "competition_title": "competition_title",
    "completed_at": "competition__completed_at",
    "project_start": "competition__project_start",
    "project_end": "competition__project_end",
    "issue_id": "competition__priority_issue_id",
    "issue_title": "issue_title",
    "municipality_slug": "competition__municipality__slug",
    "municipality_code": "competition__municipality__code",
    "municipality_name": "competition__municipality__name",
    "municipality_authority": "competition__municipality__authority",
    "municipality_region": "competition__municipality__region",
    "time_zone": "competition__municipality__time_zone",
    "organization_name": "application__organization__name",
    "organization_inn": "application__organization__inn",
    "organization_registration_number": "application__organization__registration_number",
    "organization_region": "application__organization__region",
    "application_title": "application__project_title",
    "application_summary": "application__summary",
    "project_title": "project__title",
    "project_start_date": "project__start_date",
    "project_end_date": "project__end_date",
    "project_created_at": "project__created_at",
    "project_state_changed_at": "project__state_changed_at",
    "disbursed": "disbursed",
    "last_paid_on": "last_paid_on",
}


def giving_awards(*, municipality: Municipality | None = None, year: int | None = None) -> QuerySet[Award]:
    """The awards of completed competitions, of one municipality and one competition year
    (the year of its reference number) when they are given."""
    awards = Award.objects.filter(competition__state=Competition.State.COMPLETED)
    if municipality is not None:
        awards = awards.filter(competition__municipality=municipality)
    if year is not None:
        awards = awards.filter(competition__year=year)
    return awards


def giving_rows(*, municipality: Municipality | None = None, year: int | None = None) -> Iterator[AwardRow]:
    """The grants' rows, by municipality, competition and rank (one query, read in chunks).

    The competition's and the priority issue's titles are those of the current language, with
    the portal's fallbacks; the amount disbursed is the sum of the tranches paid.
    """
    paid = PaymentTranche.objects.filter(project__award=OuterRef("pk"), paid_on__isnull=False).order_by()
    money = DecimalField(max_digits=14, decimal_places=2)
    rows = (
        giving_awards(municipality=municipality, year=year)
        .annotate(
            competition_title=as_read("competition__title"),
            issue_title=as_read("competition__priority_issue__title"),
            disbursed=Coalesce(
                Subquery(paid.values("project").annotate(total=Sum("amount")).values("total")[:1]),
                Value(Decimal("0")),
                output_field=money,
            ),
            last_paid_on=Subquery(paid.order_by("-paid_on").values("paid_on")[:1]),
        )
        .order_by("competition__municipality__slug", "competition__reference", "rank", "pk")
        .values(*COLUMNS.values())
    )
    # Built now, read when iterated: the titles are those of the language current at the call.
    return (
        AwardRow(**{field: values[column] for field, column in COLUMNS.items()})
        for values in rows.iterator(chunk_size=CHUNK_SIZE)
    )


@dataclass(frozen=True)
class Fingerprint:
    """What changes whenever a grant of the file does (its rows, amounts, moments, payments)."""

    awards: tuple
    payments: tuple


def giving_fingerprint(*, municipality: Municipality | None = None, year: int | None = None) -> Fingerprint:
    """The file's fingerprint, in two aggregate queries."""
    awards = giving_awards(municipality=municipality, year=year)
    summary = awards.aggregate(
        count=Count("pk"),
        last=Max("pk"),
        amount=Sum("amount"),
        decided=Max("decided_at"),
        completed=Max("competition__completed_at"),
        contracted=Max("project__created_at"),
        changed=Max("project__state_changed_at"),
    )
    payments = PaymentTranche.objects.filter(
        project__award__in=awards.values("pk"), paid_on__isnull=False
    ).aggregate(count=Count("pk"), amount=Sum("amount"), last=Max("paid_on"))
    return Fingerprint(awards=tuple(summary.values()), payments=tuple(payments.values()))
