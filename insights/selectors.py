"""The queries of the dashboards' staff part that are lists, not figures."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from insights.figures import Scope
from monitoring.models import PaymentTranche, Project
from monitoring.selectors import with_spent
from procurement.models import Competition

MONEY = DecimalField(max_digits=14, decimal_places=2)


def dashboard_projects(*, scope: Scope) -> QuerySet[Project]:
    """The projects of ``scope`` (by the year of their competition), each with ``paid`` (its paid
    tranches) and ``spent`` (its spending in accepted reports), summed in SQL; the latest
    agreements first. Paginate it with ``ssp_portal.paging.NarrowPaginator``."""
    paid = (
        PaymentTranche.objects.filter(project=OuterRef("pk"), paid_on__isnull=False)
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    projects = (
        Project.objects.filter(scope.competitions("award__competition__"))
        .select_related("organization", "municipality", "award__competition")
        .annotate(paid=Coalesce(Subquery(paid), Value(Decimal("0")), output_field=MONEY))
        .order_by("-contract_date", "contract_number", "pk")
    )
    return with_spent(projects)


def next_deadline(*, scope: Scope) -> datetime.datetime | None:
    """The next deadline of a competition open in the scope: when its count of applications
    becomes public, and the dashboards change with nothing written."""
    return (
        Competition.objects.open_for_submissions()
        .filter(scope.competitions())
        .order_by("deadline")
        .values_list("deadline", flat=True)
        .first()
    )
