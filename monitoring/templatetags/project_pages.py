"""The public project pages of a competition's awards, for its results table (procurement's
templates load this library; they never import monitoring)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from monitoring.models import Project

register = template.Library()


@register.simple_tag
def award_projects(results: Iterable) -> dict[int, str]:
    """The page of each awarded application's project, by application id, for the rows of
    ``procurement.selectors.public_results`` (one query, whatever the number of rows)."""
    awarded = [row.application.award.pk for row in results if getattr(row.application, "award", None)]
    if not awarded:
        return {}
    return {
        application: Project(pk=pk).get_absolute_url()
        for pk, application in Project.objects.filter(award__in=awarded).values_list(
            "pk", "award__application"
        )
    }


@register.filter
def project_page(pages: dict[int, str], application_pk: int) -> str:
    """The page of the application's project in ``award_projects``'s answer, or ''."""
    return pages.get(application_pk, "")
