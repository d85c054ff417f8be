from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality
from procurement import amendments
from ssp_portal import search
from ssp_portal.languages import LANGUAGES, localized
from ssp_portal.states import Tone, toned

MONEY = {"max_digits": 14, "decimal_places": 2}
POSITIVE_MONEY = [MinValueValidator(Decimal("0.01"))]


def unique_in_each_language(fields: list[str], text: str, name: str) -> list[models.UniqueConstraint]:
    """``text`` is unique among ``fields``'s rows in each language (``text_ky``, ``text_ru``, …);
    a language a row is not written in (NULL) meets no other."""
    return [
        models.UniqueConstraint(fields=[*fields, f"{text}_{language}"], name=f"{name}_{language}")
        for language in LANGUAGES
    ]


# A model's states are declared at module level so that its Meta's constraints can name them;
# read them through the model (``PriorityIssue.State``, ``Competition.State``).
@toned(DRAFT=Tone.SECONDARY, APPROVED=Tone.SUCCESS)
class PriorityIssueState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class PriorityIssue(models.Model):
    """A social issue a municipality has decided to fund through social procurement."""

    class NeedSource(models.TextChoices):
        PUBLIC_HEARING = "public_hearing", _("Public hearing")
        NEEDS_ASSESSMENT = "needs_assessment", _("Needs assessment")
        COUNCIL_DECISION = "council_decision", _("Decision of the local council")

    State = PriorityIssueState

    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="priority_issues",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    target_group = models.CharField(_("target group"), max_length=300)
    need_source = models.CharField(_("where the need was found"), max_length=32, choices=NeedSource.choices)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    planned_budget = models.DecimalField(
        _("planned budget (soms)"), **MONEY, validators=[MinValueValidator(Decimal("0"))]
    )
    state = models.CharField(_("status"), max_length=16, choices=State.choices, default=State.DRAFT)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("priority issue")
        verbose_name_plural = _("priority issues")
        ordering = ["-year", "title"]
        constraints = [
            *unique_in_each_language(["municipality", "year"], "title", "priority_issue_unique_title"),
            models.CheckConstraint(
                condition=Q(planned_budget__gte=0), name="priority_issue_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(state__in=PriorityIssueState.values), name="priority_issue_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED


class CompetitionQuerySet(models.QuerySet):
    def with_effective_state(self, now: datetime.datetime | None = None) -> CompetitionQuerySet:
        """Annotate ``effective_state``: a published competition past its deadline is closed."""
        now = now or timezone.now()
        return self.annotate(
            effective_state=Case(
                When(
                    state=Competition.State.PUBLISHED, deadline__lte=now, then=Value(Competition.State.CLOSED)
                ),
                default=F("state"),
                output_field=models.CharField(),
            )
        )

    def public(self) -> CompetitionQuerySet:
        return self.exclude(state=Competition.State.DRAFT)

    def visible_to(self, user) -> CompetitionQuerySet:
        """What a person may see: every competition but drafts, and the drafts of the municipality
        whose finance staff or auditor they are."""
        if user.is_authenticated and user.is_active:
            reads = user.municipality_memberships.readers().values("municipality")
            return self.filter(~Q(state=Competition.State.DRAFT) | Q(municipality__in=reads))
        return self.public()

    def open_for_submissions(self, now: datetime.datetime | None = None) -> CompetitionQuerySet:
        return self.filter(state=Competition.State.PUBLISHED, deadline__gt=now or timezone.now())


@toned(
    DRAFT=Tone.SECONDARY,
    PUBLISHED=Tone.SUCCESS,
    CLOSED=Tone.WARNING,
    EVALUATION=Tone.WARNING,
    COMPLETED=Tone.PRIMARY,
    CANCELLED=Tone.DANGER,
)
class CompetitionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Open for proposals")
    CLOSED = "closed", _("Closed")
    EVALUATION = "evaluation", _("Under evaluation")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Competition(models.Model):
    """A call for proposals on a priority issue, with a budget in soms."""

    State = CompetitionState

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="competitions"
    )
    reference = models.CharField(_("reference number"), max_length=32, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("number in the year"), editable=False)
    title = models.CharField(_("title"), max_length=200)
    priority_issue = models.ForeignKey(
        PriorityIssue, verbose_name=_("priority issue"), on_delete=models.PROTECT, related_name="competitions"
    )
    description = models.TextField(_("description"))
    budget = models.DecimalField(_("total budget (soms)"), **MONEY, validators=POSITIVE_MONEY)
    max_grant = models.DecimalField(_("maximum grant per project (soms)"), **MONEY, validators=POSITIVE_MONEY)
    projects_expected = models.PositiveSmallIntegerField(
        _("number of projects expected"), default=1, validators=[MinValueValidator(1)]
    )
    announcement_date = models.DateField(_("announcement date"))
    deadline = models.DateTimeField(_("submission deadline"))
    project_start = models.DateField(_("project start"))
    project_end = models.DateField(_("project end"))
    score_spread_margin = models.DecimalField(
        _("spread that calls for discussion (points)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("20"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("When members' totals for one application differ by more, the ranking flags it."),
    )
    contact = models.CharField(
        _("contact for questions"),
        max_length=300,
        blank=True,
        help_text=_("A name, phone or e-mail address applicants may ask."),
    )

    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    evaluation_started_at = models.DateTimeField(_("evaluation started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancellation"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: The reference, titles and descriptions in every language, folded (``ssp_portal.search``),
    #: and the reference and titles alone, searched by likeness: written by ``save``. On
    #: PostgreSQL, migration 0008 indexes both (trigrams) and each language's vector (full text).
    search_text = models.TextField(_("searched text"), blank=True, default="", editable=False)
    search_title = models.TextField(_("searched title"), blank=True, default="", editable=False)

    objects = CompetitionQuerySet.as_manager()

    #: The fields ``search_text`` is made of; ``search_title`` is made of the first four.
    SEARCHED = ("reference", *localized("title"), *localized("description"))

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "sequence"], name="competition_number_unique"
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="competition_budget_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_grant__gt=0),
                name="competition_max_grant_positive",
                violation_error_message=_("The maximum grant must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(max_grant__lte=F("budget")),
                name="competition_max_grant_within_budget",
                violation_error_message=_("The maximum grant cannot be more than the total budget."),
            ),
            models.CheckConstraint(
                condition=Q(projects_expected__gte=1), name="competition_projects_expected_positive"
            ),
            models.CheckConstraint(
                condition=Q(project_end__gte=F("project_start")),
                name="competition_period_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=CompetitionState.values),
                name="competition_state_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "deadline"], name="competition_state_deadline_idx"),
            models.Index(fields=["municipality", "state"], name="competition_municipality_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def save(self, *args, **kwargs) -> None:
        self.fold_search()
        kwargs["update_fields"] = search.with_search_text(
            kwargs.get("update_fields"), (*self.SEARCHED, "title", "description"), also=("search_title",)
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("procurement:competition-detail", kwargs={"reference": self.reference})

    def fold_search(self) -> None:
        """Writes the folded search columns from the texts (``save`` does; a bulk insert calls it)."""
        texts = [getattr(self, name) for name in self.SEARCHED]
        self.search_text, self.search_title = search.folded(*texts), search.folded(*texts[:4])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.municipality.time_zone)

    def effective_state_at(self, now: datetime.datetime) -> str:
        if self.state == self.State.PUBLISHED and self.deadline <= now:
            return self.State.CLOSED
        return self.state

    @property
    def current_state(self) -> str:
        """The state as every read must see it: past its deadline, a published competition is closed."""
        annotated = getattr(self, "effective_state", None)
        return annotated or self.effective_state_at(timezone.now())

    def get_current_state_display(self) -> str:
        return str(self.State(self.current_state).label)

    @property
    def is_open(self) -> bool:
        return self.current_state == self.State.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.state == self.State.DRAFT

    @property
    def is_sealed(self) -> bool:
        """Applications stay their organizations' alone until the deadline (for ever, if cancelled before)."""
        if self.state == self.State.CANCELLED and self.cancelled_at and self.cancelled_at < self.deadline:
            return True
        return self.deadline > timezone.now()

    @property
    def project_months(self) -> int:
        """How many months the project lasts, month 1 starting on its first day: 1 April to
        30 September is 6, 15 January to 14 July is 6, 15 January to 15 July begins a 7th."""
        start, end = self.project_start, self.project_end
        months = (end.year - start.year) * 12 + end.month - start.month
        return max(1, months + (1 if end.day >= start.day else 0))

    @property
    def deadline_local(self) -> datetime.datetime:
        return timezone.localtime(self.deadline, self.zone)


class Ordered(models.Model):
    """A row of a competition shown in a set order (criteria, documents, requirements)."""

    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "pk"]


class EvaluationCriterion(Ordered):
    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what is assessed"), blank=True)
    max_score = models.PositiveSmallIntegerField(
        _("maximum score"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta(Ordered.Meta):
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        constraints = [
            *unique_in_each_language(["competition"], "name", "criterion_name_unique"),
            models.CheckConstraint(condition=Q(max_score__gte=1), name="criterion_max_score_positive"),
            models.CheckConstraint(
                condition=Q(weight__gte=1, weight__lte=100), name="criterion_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RequiredDocument(Ordered):
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="required_documents",
    )
    name = models.CharField(_("document"), max_length=200)
    description = models.CharField(_("notes"), max_length=500, blank=True)

    class Meta(Ordered.Meta):
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        constraints = [
            *unique_in_each_language(["competition"], "name", "required_document_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class EligibilityRequirement(Ordered):
    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.CASCADE,
        related_name="eligibility_requirements",
    )
    text = models.CharField(_("requirement"), max_length=500)

    class Meta(Ordered.Meta):
        verbose_name = _("eligibility requirement")
        verbose_name_plural = _("eligibility requirements")
        constraints = [
            *unique_in_each_language(["competition"], "text", "eligibility_requirement_unique"),
        ]

    def __str__(self) -> str:
        return self.text


class CommissionRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    SECRETARY = "secretary", _("Secretary")
    MEMBER = "member", _("Member")


def commission_order() -> list:
    """The chair first, then the secretary, then the members in the order they were added."""
    chair, secretary = CommissionRole.CHAIR, CommissionRole.SECRETARY
    return [
        Case(When(role=chair, then=Value(0)), When(role=secretary, then=Value(1)), default=Value(2)),
        "pk",
    ]


class CommissionMember(models.Model):
    Role = CommissionRole

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="commission"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="commission_memberships",
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("For example: deputy of the city council; representative of civil society."),
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commission member")
        verbose_name_plural = _("commission members")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "user"], name="commission_member_unique"),
            models.UniqueConstraint(
                fields=["competition"], condition=Q(role=CommissionRole.CHAIR), name="commission_one_chair"
            ),
            models.UniqueConstraint(
                fields=["competition"],
                condition=Q(role=CommissionRole.SECRETARY),
                name="commission_one_secretary",
            ),
            models.CheckConstraint(condition=Q(role__in=CommissionRole.values), name="commission_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class Amendment(models.Model):
    """A correction to a published competition's terms, shown to everyone with the competition."""

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.CASCADE, related_name="amendments"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    explanation = models.TextField(_("what changed and why"))
    changes = models.JSONField(_("changed terms"), default=dict, blank=True)
    previous_deadline = models.DateTimeField(_("deadline before"))
    new_deadline = models.DateTimeField(_("deadline after"))
    minimum_period_days = models.PositiveSmallIntegerField(
        _("minimum period kept (days)"),
        null=True,
        blank=True,
        help_text=_("Set when the deadline moved by itself so that applicants keep this many days."),
    )
    created_at = models.DateTimeField(_("made at"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["competition", "number"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "number"], name="amendment_number_unique"),
            models.CheckConstraint(
                condition=Q(new_deadline__gte=F("previous_deadline")),
                name="amendment_never_shortens_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competition.reference} amendment {self.number}"

    @property
    def deadline_extended(self) -> bool:
        return self.new_deadline > self.previous_deadline

    @property
    def changed_terms(self) -> list:
        """Each changed term, old and new (``procurement.amendments.TermChange``)."""
        return amendments.read(self.changes or {})


class Subscription(models.Model):
    """A person follows a municipality or a priority issue and hears of each new competition."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="subscriptions",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    priority_issue = models.ForeignKey(
        PriorityIssue,
        verbose_name=_("priority issue"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subscriptions",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(municipality__isnull=False, priority_issue__isnull=True)
                | Q(municipality__isnull=True, priority_issue__isnull=False),
                name="subscription_one_subject",
            ),
            models.UniqueConstraint(
                fields=["user", "municipality"],
                condition=Q(municipality__isnull=False),
                name="subscription_municipality_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "priority_issue"],
                condition=Q(priority_issue__isnull=False),
                name="subscription_issue_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.municipality or self.priority_issue}"
