from __future__ import annotations

import datetime

import factory

from monitoring.models import Project
from procurement.factories import AwardFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    award = factory.SubFactory(AwardFactory)
    municipality = factory.LazyAttribute(lambda o: o.award.competition.municipality)
    organization = factory.LazyAttribute(lambda o: o.award.application.organization)
    title = "Warm winter"
    contract_number = factory.Sequence(lambda n: f"C-{n:04d}")
    contract_date = datetime.date(2026, 4, 1)
    amount = factory.LazyAttribute(lambda o: o.award.amount)
    start_date = datetime.date(2026, 4, 1)
    end_date = datetime.date(2026, 12, 31)
