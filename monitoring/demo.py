"""Karakol's two projects: the grant agreements of the two awards, from April to December."""

from __future__ import annotations

import datetime

from django.db import transaction

from monitoring.models import Project
from monitoring.services.projects import project_create_from_award
from organizations.demo import DemoWorld
from procurement.demo import ProcurementWorld


@transaction.atomic
def seed(world: DemoWorld, procurement: ProcurementWorld) -> list[Project]:
    finance = world.users["finance@karakol.example"]
    projects = []
    for competition in (procurement.children, procurement.women):
        for award in competition.awards.select_related("competition", "application__organization"):
            project = Project.objects.filter(award=award).first()
            if project is None:
                signed = competition.completed_at + datetime.timedelta(days=5)
                project = project_create_from_award(
                    award=award,
                    by=finance,
                    contract_number=f"{competition.reference}/{award.rank}",
                    contract_date=signed.date(),
                    start_date=competition.project_start,
                    end_date=competition.project_end,
                    at=signed,
                )
            projects.append(project)
    return projects
