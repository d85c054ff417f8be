from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from organizations.factories import PDF_BYTES, MunicipalityFactory, OrganizationFactory, UserFactory
from procurement import receipts
from procurement.models import (
    ActivityLine,
    Application,
    ApplicationAttachment,
    Award,
    BudgetLine,
    CommissionMember,
    Competition,
    EligibilityRequirement,
    EvaluationCriterion,
    PriorityIssue,
    RequiredDocument,
    Subscription,
)


def in_state_languages(name: str) -> tuple[factory.LazyAttribute, factory.LazyAttribute]:
    """The Kyrgyz and Russian texts of a field the test writes in English (``title=`` writes
    ``title_en``): the English marked with its language, so that each is told apart on a page."""

    def text(language: str) -> factory.LazyAttribute:
        return factory.LazyAttribute(
            lambda o: f"{getattr(o, name)} ({language})" if getattr(o, name) else getattr(o, name)
        )

    return text("ky"), text("ru")


class PriorityIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityIssue

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Priority issue {n}")
    title_ky, title_ru = in_state_languages("title")
    description = "A need found at a public hearing."
    description_ky, description_ru = in_state_languages("description")
    target_group = "Families in need"
    target_group_ky, target_group_ru = in_state_languages("target_group")
    need_source = PriorityIssue.NeedSource.PUBLIC_HEARING
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    planned_budget = Decimal("200000.00")
    state = PriorityIssue.State.APPROVED
    approved_at = factory.LazyFunction(timezone.now)

    class Params:
        draft = factory.Trait(state=PriorityIssue.State.DRAFT, approved_at=None)


class CompetitionFactory(factory.django.DjangoModelFactory):
    """A draft by default; traits give the later states with consistent dates."""

    class Meta:
        model = Competition
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    priority_issue = factory.SubFactory(
        PriorityIssueFactory, municipality=factory.SelfAttribute("..municipality")
    )
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    sequence = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: f"{o.municipality.code}-{o.year}-{o.sequence:03d}")
    title = factory.Sequence(lambda n: f"Competition {n}")
    title_ky, title_ru = in_state_languages("title")
    description = "Projects for the priority issue."
    description_ky, description_ru = in_state_languages("description")
    budget = Decimal("400000.00")
    max_grant = Decimal("200000.00")
    projects_expected = 2
    announcement_date = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=40))
    project_start = factory.LazyAttribute(lambda o: (o.deadline + datetime.timedelta(days=10)).date())
    project_end = factory.LazyAttribute(lambda o: o.project_start + datetime.timedelta(days=180))
    state = Competition.State.DRAFT

    class Params:
        published = factory.Trait(
            state=Competition.State.PUBLISHED,
            published_at=factory.LazyFunction(timezone.now),
        )
        past_deadline = factory.Trait(
            state=Competition.State.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40)),
            deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
        )
        closed = factory.Trait(
            state=Competition.State.CLOSED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40)),
            deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1)),
            closed_at=factory.LazyFunction(timezone.now),
        )
        evaluation = factory.Trait(
            state=Competition.State.EVALUATION,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40)),
            deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2)),
            evaluation_started_at=factory.LazyFunction(timezone.now),
        )
        completed = factory.Trait(
            state=Competition.State.COMPLETED,
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=60)),
            deadline=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=20)),
            completed_at=factory.LazyFunction(timezone.now),
        )
        cancelled = factory.Trait(state=Competition.State.CANCELLED, cancel_reason="Budget withdrawn.")

    @factory.post_generation
    def criteria(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """``criteria=True``: three criteria weighing 50, 30 and 20."""
        if create and extracted:
            add_criteria(self)

    @factory.post_generation
    def commission(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """``commission=True``: a chair and two members."""
        if create and extracted:
            add_commission(self)

    @factory.post_generation
    def ready(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """``ready=True``: criteria and a commission, everything publishing needs."""
        if create and extracted:
            add_criteria(self)
            add_commission(self)


def add_criteria(competition: Competition) -> None:
    for position, (name, weight) in enumerate([("Relevance", 50), ("Approach", 30), ("Budget", 20)]):
        EvaluationCriterion.objects.create(
            competition=competition,
            position=position,
            name=name,
            name_ky=f"{name} (ky)",
            name_ru=f"{name} (ru)",
            max_score=10,
            weight=weight,
        )


def add_commission(competition: Competition) -> None:
    for role in (CommissionMember.Role.CHAIR, CommissionMember.Role.MEMBER, CommissionMember.Role.MEMBER):
        CommissionMember.objects.create(competition=competition, user=UserFactory(), role=role)


class EvaluationCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvaluationCriterion

    competition = factory.SubFactory(CompetitionFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    name_ky, name_ru = in_state_languages("name")
    max_score = 10
    weight = 100


class RequiredDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequiredDocument

    competition = factory.SubFactory(CompetitionFactory)
    name = factory.Sequence(lambda n: f"Document {n}")
    name_ky, name_ru = in_state_languages("name")


class EligibilityRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EligibilityRequirement

    competition = factory.SubFactory(CompetitionFactory)
    text = factory.Sequence(lambda n: f"Requirement {n}")
    text_ky, text_ru = in_state_languages("text")


class CommissionMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommissionMember

    competition = factory.SubFactory(CompetitionFactory)
    user = factory.SubFactory(UserFactory)
    role = CommissionMember.Role.MEMBER


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)


# Applications -----------------------------------------------------------------------------------


def submitted_as(state: str) -> factory.PostGeneration:
    """A step after creation: the application is submitted (as ``submit=True`` does), then moved to
    ``state`` as screening or a withdrawal moves it."""

    def step(application: Application, create: bool, extracted, **kwargs) -> None:
        if create:
            submit_filled(application)
            Application.objects.filter(pk=application.pk).update(state=state)
            application.refresh_from_db()

    return factory.PostGeneration(step)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft by default. ``complete=True`` fills every section so that it can be submitted;
    ``submit=True`` also submits it (receipt, digest) through the service's own digest. The traits
    ``eligible``, ``ineligible`` and ``withdrawn`` submit it and leave it as screening or a
    withdrawal does."""

    class Meta:
        model = Application
        skip_postgeneration_save = True

    competition = factory.SubFactory(CompetitionFactory, published=True)
    organization = factory.SubFactory(OrganizationFactory, verified=True)

    class Params:
        # Each adds a step of its own: a trait's value never reaches a post-generation hook (``submit``).
        eligible = factory.Trait(outcome=submitted_as(Application.State.ELIGIBLE))
        ineligible = factory.Trait(outcome=submitted_as(Application.State.INELIGIBLE))
        withdrawn = factory.Trait(outcome=submitted_as(Application.State.WITHDRAWN))

    @factory.post_generation
    def complete(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            fill_application(self)

    @factory.post_generation
    def submit(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            submit_filled(self)


def fill_application(application: Application, *, amount: Decimal = Decimal("150000.00")) -> Application:
    """Every section, one activity, two budget lines adding up to ``amount``, the required files."""
    Application.objects.filter(pk=application.pk).update(
        project_title="Warm winter",
        summary="Outreach and a winter shelter.",
        problem="35 people sleep rough in winter.",
        objectives="Nobody freezes.",
        target_group="Homeless people",
        beneficiaries=35,
        expected_results="20 people sheltered.",
        requested_amount=amount,
    )
    ActivityLine.objects.create(
        application=application, position=0, title="Outreach", start_month=1, end_month=6
    )
    BudgetLine.objects.create(
        application=application,
        position=0,
        category="staff",
        description="Worker",
        unit="month",
        quantity=Decimal("6"),
        unit_cost=Decimal("10000"),
    )
    BudgetLine.objects.create(
        application=application,
        position=1,
        category="premises",
        description="Shelter",
        unit="month",
        quantity=Decimal("1"),
        unit_cost=amount - Decimal("60000"),
    )
    for document in application.competition.required_documents.all():
        ApplicationAttachmentFactory(application=application, required_document=document)
    application.refresh_from_db()
    return application


def submit_filled(application: Application) -> None:
    """Submitted as :func:`mark_submitted` does, filled first unless a budget is there already."""
    if not application.budget_lines.exists():
        fill_application(application)
    mark_submitted(application)


def mark_submitted(application: Application, *, at=None) -> Application:
    """As the service records a submission, without its clock checks (for states in the past)."""
    number = (
        Application.objects.filter(competition=application.competition, receipt_number__isnull=False).count()
        + 1
    )
    application.receipt_number = f"{application.competition.reference}-{number:04d}"
    application.submitted_at = at or timezone.now()
    application.state = Application.State.SUBMITTED
    application.digest = receipts.compute(application)
    application.save()
    return application


class ApplicationAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApplicationAttachment

    application = factory.SubFactory(ApplicationFactory)
    original_name = "charter.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = factory.LazyFunction(lambda: hashlib.sha256(PDF_BYTES).hexdigest())

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        instance = model_class(*args, **kwargs)
        instance.file_extension = "pdf"
        instance.file.save("upload", ContentFile(PDF_BYTES), save=False)
        instance.save()
        return instance


class AwardFactory(factory.django.DjangoModelFactory):
    """A grant decided for an application, which it leaves awarded; by default of a submitted
    application of a completed competition."""

    class Meta:
        model = Award

    application = factory.SubFactory(
        ApplicationFactory, competition=factory.SubFactory(CompetitionFactory, completed=True), submit=True
    )
    competition = factory.LazyAttribute(lambda o: o.application.competition)
    amount = Decimal("150000")
    rank = 1
    decided_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        application = kwargs["application"]
        Application.objects.filter(pk=application.pk).update(state=Application.State.AWARDED)
        application.state = Application.State.AWARDED
        return super()._create(model_class, *args, **kwargs)
