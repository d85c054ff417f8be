"""Every monitoring URL for every persona."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from monitoring.factories import ProjectFactory, award_for
from monitoring.models import Project
from procurement.factories import ApplicationFactory, CompetitionFactory
from ssp_portal.tests.access import PERSONAS, Row, only, run_row


@dataclass
class World:
    municipality: object
    award: object
    project: Project


def projects(world: World) -> list:
    return list(Project.objects.values_list("pk", "contract_number"))


ROWS: dict[str, Row] = {
    "monitoring:municipality-projects": Row(
        "get", lambda w: [w.municipality.slug], only({"finance_staff": 200}, others=404)
    ),
    "monitoring:contract": Row(
        "post",
        lambda w: [w.award.pk],
        only({"finance_staff": 302}, others=404),
        data=lambda w: {
            f"award-{w.award.pk}-contract_number": "NEW-1",
            f"award-{w.award.pk}-contract_date": "2026-04-01",
            f"award-{w.award.pk}-start_date": "2026-04-01",
            f"award-{w.award.pk}-end_date": "2026-12-31",
        },
        snapshot=projects,
    ),
    "monitoring:project-detail": Row(
        "get",
        lambda w: [w.project.pk],
        only({"finance_staff": 200, "consultant": 200, "nco_member": 200, "admin_user": 200}, others=404),
    ),
}


@pytest.fixture
def world(municipality, organization, nco_member, finance_staff, other_staff, consultant, other_member):
    competition = CompetitionFactory(municipality=municipality, completed=True)
    project = ProjectFactory(
        award=award_for(ApplicationFactory(competition=competition, organization=organization, submit=True))
    )
    award = award_for(ApplicationFactory(competition=competition, submit=True))
    return World(municipality, award, project)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("key", sorted(ROWS))
def test_access(key, persona, world, client_for, request, django_capture_on_commit_callbacks):
    run_row(key, ROWS[key], persona, world, client_for, request, django_capture_on_commit_callbacks)
