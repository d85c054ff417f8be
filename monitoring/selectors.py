"""Queries for the monitoring pages."""

from __future__ import annotations

from django.db.models import QuerySet

from monitoring.models import Project
from organizations.models import Municipality, User
from procurement.models import Award, Competition


def awards_to_contract(*, municipality: Municipality) -> QuerySet[Award]:
    """Awards of published results that have no grant agreement yet."""
    return (
        Award.objects.filter(
            competition__municipality=municipality,
            competition__state=Competition.State.COMPLETED,
            project__isnull=True,
        )
        .select_related("competition", "application__organization")
        .order_by("competition__reference", "rank")
    )


def projects_of_municipality(*, municipality: Municipality) -> QuerySet[Project]:
    return Project.objects.filter(municipality=municipality).select_related(
        "organization", "award__competition"
    )


def project_detail(*, user: User, pk: int) -> Project | None:
    return (
        Project.objects.visible_to(user)
        .select_related(
            "organization", "municipality", "award__competition", "award__application", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
