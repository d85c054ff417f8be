from __future__ import annotations

import datetime
from decimal import Decimal

import factory

from monitoring.models import Project
from procurement.factories import ApplicationFactory, CompetitionFactory
from procurement.models import Application, Award


def award_for(application: Application, *, amount: Decimal = Decimal("150000"), decided_by=None) -> Award:
    from organizations.factories import UserFactory

    Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
    return Award.objects.create(
        application=application,
        competition=application.competition,
        amount=amount,
        rank=1,
        decided_by=decided_by or UserFactory(),
    )


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    award = factory.LazyFunction(
        lambda: award_for(ApplicationFactory(competition=CompetitionFactory(completed=True), submit=True))
    )
    municipality = factory.LazyAttribute(lambda o: o.award.competition.municipality)
    organization = factory.LazyAttribute(lambda o: o.award.application.organization)
    title = "Warm winter"
    contract_number = factory.Sequence(lambda n: f"C-{n:04d}")
    contract_date = datetime.date(2026, 4, 1)
    amount = factory.LazyAttribute(lambda o: o.award.amount)
    start_date = datetime.date(2026, 4, 1)
    end_date = datetime.date(2026, 12, 31)
