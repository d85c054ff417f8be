from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Organization
from procurement.models.competitions import (
    MONEY,
    Competition,
    EligibilityRequirement,
    Ordered,
    RequiredDocument,
)
from ssp_portal.files import private_upload_to
from ssp_portal.private_files import PrivateUpload
from ssp_portal.states import Tone, toned

# The largest amount a form accepts: a billion soms, far above any municipal budget.
MAX_AMOUNT = Decimal("999999999.99")


def unsealed(now: datetime.datetime | None = None, prefix: str = "competition__") -> Q:
    """Applications whose competition's deadline has passed (and that was not cancelled before it).

    Before that, an application's content is its organization's alone.
    """
    now = now or timezone.now()
    cancelled_early = Q(
        **{f"{prefix}state": Competition.State.CANCELLED, f"{prefix}cancelled_at__lt": F(f"{prefix}deadline")}
    )
    return Q(**{f"{prefix}deadline__lte": now}) & ~cancelled_early


# Declared at module level so that Meta's constraints can name them; read it as ``Application.State``.
@toned(
    DRAFT=Tone.SECONDARY,
    SUBMITTED=Tone.SUCCESS,
    WITHDRAWN=Tone.LIGHT,
    ELIGIBLE=Tone.SUCCESS,
    INELIGIBLE=Tone.DANGER,
    AWARDED=Tone.PRIMARY,
    NOT_AWARDED=Tone.DANGER,
)
class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("application state", "Submitted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    ELIGIBLE = "eligible", _("Eligible")
    INELIGIBLE = "ineligible", _("Ineligible")
    AWARDED = "awarded", _("Awarded")
    NOT_AWARDED = "not_awarded", _("Not awarded")


class ApplicationQuerySet(models.QuerySet):
    def with_effective_competition_state(self, now: datetime.datetime | None = None) -> ApplicationQuerySet:
        """Annotate ``competition_state`` as reads see it (a passed deadline is closed)."""
        now = now or timezone.now()
        return self.annotate(
            competition_state=Case(
                When(
                    competition__state=Competition.State.PUBLISHED,
                    competition__deadline__lte=now,
                    then=Value(Competition.State.CLOSED),
                ),
                default=F("competition__state"),
                output_field=models.CharField(),
            )
        )

    def live(self) -> ApplicationQuerySet:
        return self.exclude(state=Application.State.WITHDRAWN)

    def unsealed(self, now: datetime.datetime | None = None) -> ApplicationQuerySet:
        return self.filter(unsealed(now))

    def of_member(self, user) -> ApplicationQuerySet:
        return self.filter(organization__in=Organization.objects.filter(memberships__user=user).values("pk"))

    def visible_to(self, user) -> ApplicationQuerySet:
        """The applications whose content a person may see.

        The organization's members, always. After the deadline, the finance staff and the
        auditors of the competition's municipality and administrators, for applications that
        were submitted.
        Before the deadline, no one else: the content is sealed.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        # procurement.models.evaluation imports this module.
        from procurement.models.evaluation import ConflictedOrganization

        own = Q(organization__in=Organization.objects.filter(memberships__user=user).values("pk"))
        submitted = ~Q(state__in=[Application.State.DRAFT, Application.State.WITHDRAWN])
        if user.is_superuser:
            others = Q()
        else:
            reads = user.municipality_memberships.readers().values("municipality")
            others = Q(competition__municipality__in=reads)
        # The commission: once a member has signed the declaration, the eligible applications of
        # organizations they are not conflicted with.
        declared_in = Competition.objects.filter(commission__user=user, commission__declaration__isnull=False)
        conflicted = ConflictedOrganization.objects.filter(
            declaration__member__user=user,
            declaration__competition=OuterRef("competition"),
            organization=OuterRef("organization"),
        )
        commission = (
            Q(competition__in=declared_in.values("pk"))
            & Q(state__in=Application.SCORED_STATES)
            & ~Exists(conflicted)
        )
        return self.filter(own | (others & submitted & unsealed()) | (commission & unsealed()))


class Application(models.Model):
    """An organization's proposal to a competition. Each submitted version is kept as it was."""

    State = ApplicationState
    # What the commission scores: the eligible applications, and those the awards have decided on.
    SCORED_STATES = (ApplicationState.ELIGIBLE, ApplicationState.AWARDED, ApplicationState.NOT_AWARDED)

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.PROTECT, related_name="applications"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="applications"
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)

    # The proposal's sections.
    project_title = models.CharField(_("project title"), max_length=250, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    problem = models.TextField(_("the problem and its evidence"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    target_group = models.TextField(_("target group"), blank=True)
    beneficiaries = models.PositiveIntegerField(
        _("number of beneficiaries"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    expected_results = models.TextField(_("expected results"), blank=True)
    requested_amount = models.DecimalField(
        _("requested amount (soms)"),
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    cofinancing_own = models.DecimalField(
        _("own contribution (soms)"),
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    cofinancing_other = models.DecimalField(
        _("other sources (soms)"),
        **MONEY,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    cofinancing_sources = models.CharField(_("other sources are"), max_length=500, blank=True)

    # Submission and its receipt.
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(_("SHA-256 digest"), max_length=64, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    # Screening after the deadline.
    screened_at = models.DateTimeField(_("screened at"), null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    ineligible_requirement = models.ForeignKey(
        EligibilityRequirement,
        verbose_name=_("requirement not met"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    screening_note = models.TextField(_("screening note"), blank=True)

    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "organization"],
                condition=~Q(state=ApplicationState.WITHDRAWN),
                name="application_one_live_per_organization",
                violation_error_message=_(
                    "This organization already has an application to this competition."
                ),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ApplicationState.values), name="application_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__isnull=True) | Q(requested_amount__gt=0),
                name="application_requested_positive",
            ),
            models.CheckConstraint(
                condition=Q(cofinancing_own__gte=0, cofinancing_other__gte=0),
                name="application_cofinancing_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(state=ApplicationState.DRAFT)
                | Q(submitted_at__isnull=False, receipt_number__isnull=False),
                name="application_submitted_has_receipt",
            ),
        ]
        indexes = [models.Index(fields=["competition", "state"], name="application_competition_idx")]

    def __str__(self) -> str:
        return f"{self.organization} — {self.competition.reference}"

    def get_absolute_url(self) -> str:
        return reverse("procurement:application-detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_submitted(self) -> bool:
        return self.state not in (self.State.DRAFT, self.State.WITHDRAWN)

    @property
    def budget_total(self) -> Decimal:
        return sum((line.total for line in self.budget_lines.all()), Decimal("0"))

    @property
    def cofinancing_total(self) -> Decimal:
        return self.cofinancing_own + self.cofinancing_other


class BudgetLine(Ordered):
    class Category(models.TextChoices):
        STAFF = "staff", _("Staff and fees")
        ACTIVITIES = "activities", _("Activities and events")
        EQUIPMENT = "equipment", _("Equipment and materials")
        TRAVEL = "travel", _("Transport and travel")
        PREMISES = "premises", _("Premises and utilities")
        COMMUNICATION = "communication", _("Communication and publicity")
        ADMINISTRATION = "administration", pgettext_lazy("budget category", "Administration")
        OTHER = "other", _("Other")

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    description = models.CharField(_("description"), max_length=300)
    unit = models.CharField(_("unit"), max_length=40)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000000"))],
    )
    unit_cost = models.DecimalField(
        _("unit cost (soms)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )

    class Meta(Ordered.Meta):
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0, unit_cost__gt=0), name="budget_line_positive"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def total(self) -> Decimal:
        # Half a tyiyn rounds up, as in accounting.
        return (self.quantity * self.unit_cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class ActivityLine(Ordered):
    """An activity of the project and the months (of the project period) it runs in."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="activities"
    )
    title = models.CharField(_("activity"), max_length=300)
    description = models.CharField(_("what is done"), max_length=1000, blank=True)
    start_month = models.PositiveSmallIntegerField(
        _("from month"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    end_month = models.PositiveSmallIntegerField(
        _("to month"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    class Meta(Ordered.Meta):
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_month__gte=F("start_month")), name="activity_months_ordered"
            ),
            models.CheckConstraint(condition=Q(start_month__gte=1), name="activity_start_month_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class ApplicationAttachment(PrivateUpload):
    """A file attached to an application: a document the competition requires, or another."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="attachments"
    )
    required_document = models.ForeignKey(
        RequiredDocument,
        verbose_name=_("required document"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    file = models.FileField(_("file"), upload_to=private_upload_to("application-attachments"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["required_document__position", "uploaded_at", "pk"]

    def get_absolute_url(self) -> str:
        return reverse(
            "procurement:attachment-download", kwargs={"pk": self.application_id, "attachment_pk": self.pk}
        )

    def download_name(self) -> tuple[object, ...]:
        """What its download is named after: the receipt number (in a draft, the competition's
        reference), the document the competition asks for (or "attachment"), its number."""
        application = self.application
        title = self.required_document.name if self.required_document_id else self._meta.verbose_name
        return (application.receipt_number or application.competition.reference, title, self.pk)
