from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Municipality, Organization
from procurement.models import MONEY, Award, BudgetLine
from ssp_portal.files import private_upload_to
from ssp_portal.private_files import PrivateFile, PrivateUpload
from ssp_portal.states import Tone, toned

MAX_AMOUNT = Decimal("999999999.99")


def local_today(zone: str, now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in a municipality's zone (a due date ends at local midnight)."""
    return timezone.localtime(now or timezone.now(), ZoneInfo(zone)).date()


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProjectQuerySet:
        """The municipality's finance staff and consultants, and the organization's members."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        municipalities = user.municipality_memberships.values("municipality")
        organizations = Organization.objects.filter(memberships__user=user).values("pk")
        return self.filter(Q(municipality__in=municipalities) | Q(organization__in=organizations))


# A model's states are declared at module level so that its Meta's constraints can name them;
# read them through the model (``Project.State``, ``MonitoringReport.State``).
@toned(ACTIVE=Tone.SUCCESS, COMPLETED=Tone.PRIMARY, SUSPENDED=Tone.DANGER, TERMINATED=Tone.DANGER)
class ProjectState(models.TextChoices):
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class Project(models.Model):
    """The grant agreement of an awarded application, followed until its end."""

    State = ProjectState

    award = models.OneToOneField(
        Award, verbose_name=_("award"), on_delete=models.PROTECT, related_name="project"
    )
    # Kept on the project for scoping and lists; always those of the award.
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="projects"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="projects"
    )
    title = models.CharField(_("project"), max_length=250)
    contract_number = models.CharField(_("contract number"), max_length=60)
    contract_date = models.DateField(_("contract date"))
    amount = models.DecimalField(
        _("awarded amount (soms)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    start_date = models.DateField(_("planned start"))
    end_date = models.DateField(_("planned end"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.ACTIVE)
    state_reason = models.TextField(_("reason"), blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-contract_date", "contract_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "contract_number"],
                name="project_contract_number_unique",
                violation_error_message=_("This municipality already has a contract with this number."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="project_amount_positive"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="project_period_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=ProjectState.values),
                name="project_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:project-detail", kwargs={"pk": self.pk})


class ProjectBudgetLine(models.Model):
    """An approved line of the project's budget, from the application's budget."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="budget_lines"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    category = models.CharField(_("category"), max_length=32)
    category_label = models.CharField(_("category as shown"), max_length=100)
    description = models.CharField(_("description"), max_length=300)
    approved_amount = models.DecimalField(
        _("approved amount (soms)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )

    class Meta:
        verbose_name = _("approved budget line")
        verbose_name_plural = _("approved budget lines")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_amount__gte=0), name="budget_line_approved_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def category_name(self) -> str:
        """The category in the reader's language; the label stored with the contract otherwise."""
        try:
            return str(BudgetLine.Category(self.category).label)
        except ValueError:
            return self.category_label


class Indicator(models.Model):
    class Kind(models.TextChoices):
        COUNT = "count", _("Whole number")
        DECIMAL = "decimal", _("Number")
        PERCENT = "percent", _("Percentage (0–100)")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="indicators"
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("indicator"), max_length=250)
    unit = models.CharField(_("unit"), max_length=60)
    kind = models.CharField(_("kind of value"), max_length=16, choices=Kind.choices, default=Kind.COUNT)
    baseline = models.DecimalField(_("baseline"), max_digits=14, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="indicator_name_unique")]

    def __str__(self) -> str:
        return self.name


class MonitoringReportQuerySet(models.QuerySet):
    def overdue(self, now: datetime.datetime | None = None) -> MonitoringReportQuerySet:
        """Never submitted and past the due date, the date read in the municipality's zone (one
        query for the zones in use). A report submitted in time and sent back for a revision is
        not overdue: the organization met its date, and the report waits for its revision."""
        past_due = Q(pk__in=[])
        zones = Municipality.objects.order_by().values_list("time_zone", flat=True).distinct()
        for zone in zones:
            past_due |= Q(project__municipality__time_zone=zone, due_date__lt=local_today(zone, now))
        return self.filter(
            past_due,
            state=MonitoringReport.State.DRAFT,
            project__state=Project.State.ACTIVE,
        )

    def visible_to(self, user) -> MonitoringReportQuerySet:
        return self.filter(project__in=Project.objects.visible_to(user).values("pk"))


@toned(DRAFT=Tone.SECONDARY, SUBMITTED=Tone.PRIMARY, REVISION_REQUESTED=Tone.WARNING, ACCEPTED=Tone.SUCCESS)
class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("report state", "Submitted")
    REVISION_REQUESTED = "revision_requested", _("Revision requested")
    ACCEPTED = "accepted", pgettext_lazy("report state", "Accepted")


class MonitoringReport(models.Model):
    """A report of the organization for one period of the project: draft → submitted →
    accepted | revision requested (and submitted again)."""

    class Kind(models.TextChoices):
        INTERIM = "interim", _("Interim report")
        FINAL = "final", _("Final report")

    State = ReportState

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reports"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.INTERIM)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=24, choices=State.choices, default=State.DRAFT)

    activities = models.TextField(_("activities carried out"), blank=True)
    results = models.TextField(_("results"), blank=True)
    beneficiaries_reached = models.PositiveIntegerField(
        _("beneficiaries reached"), null=True, blank=True, validators=[MaxValueValidator(10_000_000)]
    )
    problems = models.TextField(_("problems and how they were handled"), blank=True)
    # The narrative sections (``PUBLIC_SECTIONS``) the organization shows on the public project
    # page once the report is accepted; the rest of the report stays private.
    public_sections = models.JSONField(
        _("sections shown on the public project page"), default=list, blank=True
    )

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    objects = MonitoringReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="report_number_unique"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="report_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReportState.values),
                name="report_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.contract_number} · {self.get_kind_display()} {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:report-detail", kwargs={"pk": self.pk})

    def is_overdue_at(self, now: datetime.datetime | None = None) -> bool:
        if self.state != self.State.DRAFT:
            return False
        return local_today(self.project.municipality.time_zone, now) > self.due_date

    @property
    def is_overdue(self) -> bool:
        return self.project.state == Project.State.ACTIVE and self.is_overdue_at()

    @property
    def editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.REVISION_REQUESTED)

    @property
    def public_summary(self) -> list[tuple[str, str, object]]:
        """The sections the organization marked public that say something: their code, name and
        text (the number of people for ``beneficiaries_reached``), in the report's order."""
        return [
            (section, label, getattr(self, section))
            for section, label in PUBLIC_SECTIONS.items()
            if section in self.public_sections and getattr(self, section) not in (None, "")
        ]


# The narrative sections an organization may show on the public project page, in the report's
# order, each under the name the report form gives it.
PUBLIC_SECTIONS = {
    "activities": _("Activities carried out"),
    "results": _("Results"),
    "beneficiaries_reached": _("Beneficiaries reached"),
    "problems": _("Problems and how they were handled"),
}


class IndicatorValue(models.Model):
    report = models.ForeignKey(
        MonitoringReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="indicator_values"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(_("actual value"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="indicator_value_unique")]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"


class Expenditure(models.Model):
    """What was spent on one approved line in the report's period."""

    report = models.ForeignKey(
        MonitoringReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="expenditures"
    )
    budget_line = models.ForeignKey(
        ProjectBudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        related_name="expenditures",
    )
    amount = models.DecimalField(
        _("spent in the period (soms)"),
        **MONEY,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)],
    )
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Required when the line's spending goes above its approved amount."),
    )
    overspent = models.BooleanField(_("above the approved amount"), default=False)

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="expenditure_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="expenditure_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line}: {self.amount}"


class ReportAttachment(PrivateUpload):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        RECEIPT = "receipt", _("Receipt or invoice")
        PARTICIPANTS = "participants", _("List of participants")
        OTHER = "other", _("Other")

    report = models.ForeignKey(
        MonitoringReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("file"), upload_to=private_upload_to("report-attachments"))

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["kind", "uploaded_at", "pk"]

    def get_absolute_url(self) -> str:
        return reverse(
            "monitoring:report-attachment", kwargs={"pk": self.report_id, "attachment_pk": self.pk}
        )

    def download_name(self) -> tuple[object, ...]:
        """What its download is named after: the contract, the report, what the file is, its number."""
        report = self.report
        return (
            report.project.contract_number,
            report.get_kind_display(),
            report.number,
            self.get_kind_display(),
            self.pk,
        )


# The parts of a report a reviewer comments on.
REPORT_SECTIONS = {
    "narrative": _("Narrative"),
    "indicators": _("Indicators"),
    "expenditure": _("Expenditure"),
    "attachments": _("Attachments"),
}


class ReportRound(models.Model):
    """One submission of a report and its review: the history of the report."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REVISION_REQUESTED = "revision_requested", _("Revision requested")

    report = models.ForeignKey(
        MonitoringReport, verbose_name=_("report"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    submitted_at = models.DateTimeField(_("submitted at"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitted by")
    )
    snapshot = models.JSONField(_("content as submitted"), default=dict)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    decision = models.CharField(_("decision"), max_length=24, choices=Decision.choices, blank=True)
    comments = models.JSONField(_("comments per section"), default=dict, blank=True)
    # The organization answers the comments of a round while it revises the report; the answers
    # stay with the round once the report is submitted again.
    answers = models.JSONField(_("answers per section"), default=dict, blank=True)

    class Meta:
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_round_unique")]

    def __str__(self) -> str:
        return f"{self.report} round {self.number}"

    @property
    def section_comments(self) -> list[tuple[str, str]]:
        """The reviewer's comments under the names of the sections, in the report's order."""
        return [
            (label, self.comments[section])
            for section, label in REPORT_SECTIONS.items()
            if self.comments.get(section)
        ]

    @property
    def comments_and_answers(self) -> list[tuple[str, str, str, str]]:
        """Each commented section: its code, its name, the comment and the organization's answer."""
        return [
            (section, label, self.comments[section], self.answers.get(section, ""))
            for section, label in REPORT_SECTIONS.items()
            if self.comments.get(section)
        ]


class PaymentTranche(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tranches"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    planned_date = models.DateField(_("planned date"))
    amount = models.DecimalField(_("amount (soms)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))])
    condition_report = models.ForeignKey(
        MonitoringReport,
        verbose_name=_("paid after this report is accepted"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tranches",
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("payment tranche")
        verbose_name_plural = _("payment tranches")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="tranche_number_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.project.contract_number} tranche {self.number}"

    @property
    def is_paid(self) -> bool:
        return self.paid_on is not None


class SiteVisit(models.Model):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="site_visits"
    )
    visited_on = models.DateField(_("date of the visit"))
    visitors = models.CharField(_("who visited"), max_length=300)
    observed = models.TextField(_("what was seen"))
    findings = models.TextField(_("findings"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("site visit")
        verbose_name_plural = _("site visits")
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.project.contract_number} · {self.visited_on}"


class SiteVisitPhoto(PrivateFile):
    visit = models.ForeignKey(
        SiteVisit, verbose_name=_("site visit"), on_delete=models.CASCADE, related_name="photos"
    )
    file = models.FileField(_("file"), upload_to=private_upload_to("site-visit-photos"))

    class Meta:
        verbose_name = _("site visit photo")
        verbose_name_plural = _("site visit photos")

    def get_absolute_url(self) -> str:
        return reverse("monitoring:visit-photo", kwargs={"pk": self.visit.project_id, "photo_pk": self.pk})

    def download_name(self) -> tuple[object, ...]:
        """What its download is named after: the contract, "site visit photo", the day, its number."""
        visit = self.visit
        return (visit.project.contract_number, self._meta.verbose_name, visit.visited_on.isoformat(), self.pk)
