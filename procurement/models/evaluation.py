"""The commission's work: declarations of interest, score sheets, awards."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from organizations.models import Organization
from procurement.models.applications import Application
from procurement.models.competitions import MONEY, CommissionMember, Competition, EvaluationCriterion


class ConflictDeclaration(models.Model):
    """A commission member's declaration, once per competition, before opening any application.

    Signed with the member's account and the time; never changed afterwards.
    """

    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.PROTECT, related_name="declarations"
    )
    member = models.OneToOneField(
        CommissionMember,
        verbose_name=_("commission member"),
        on_delete=models.PROTECT,
        related_name="declaration",
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    has_conflict = models.BooleanField(_("declares a conflict of interest"))
    statement = models.TextField(_("statement as signed"))
    declared_at = models.DateTimeField(_("signed at"), default=timezone.now)

    class Meta:
        verbose_name = _("declaration of interest")
        verbose_name_plural = _("declarations of interest")
        ordering = ["competition", "declared_at"]

    def __str__(self) -> str:
        return f"{self.member} — {self.competition.reference}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise RuntimeError("A signed declaration cannot be changed.")
        super().save(*args, **kwargs)


class ConflictedOrganization(models.Model):
    declaration = models.ForeignKey(
        ConflictDeclaration, verbose_name=_("declaration"), on_delete=models.PROTECT, related_name="conflicts"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organization"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)

    class Meta:
        verbose_name = _("declared conflict")
        verbose_name_plural = _("declared conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["declaration", "organization"], name="conflict_organization_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.reason}"


# Declared at module level so that Meta's constraints can name them; read it as ``ScoreSheet.State``.
class ScoreSheetState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("score sheet state", "Submitted")


class ScoreSheet(models.Model):
    """One member's scores of one application. A submitted sheet is locked."""

    State = ScoreSheetState

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.PROTECT, related_name="score_sheets"
    )
    member = models.ForeignKey(
        CommissionMember,
        verbose_name=_("commission member"),
        on_delete=models.PROTECT,
        related_name="score_sheets",
    )
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DRAFT)
    overall_comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["application_id", "member_id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "member"], name="score_sheet_one_per_member"),
            models.CheckConstraint(
                condition=Q(state__in=ScoreSheetState.values), name="score_sheet_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state=ScoreSheetState.DRAFT) | Q(submitted_at__isnull=False),
                name="score_sheet_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.application}"

    @property
    def is_submitted(self) -> bool:
        return self.state == self.State.SUBMITTED


class CriterionScore(models.Model):
    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(
        _("score"), max_digits=4, decimal_places=1, validators=[MinValueValidator(Decimal("0"))]
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="criterion_score_unique"),
            models.CheckConstraint(condition=Q(score__gte=0), name="criterion_score_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class Award(models.Model):
    """A grant decided by finance staff for an eligible application."""

    application = models.OneToOneField(
        Application,
        verbose_name=_("application"),
        on_delete=models.PROTECT,
        related_name="award",
        error_messages={"unique": _("This application already has an award.")},
    )
    competition = models.ForeignKey(
        Competition, verbose_name=_("competition"), on_delete=models.PROTECT, related_name="awards"
    )
    amount = models.DecimalField(
        _("awarded amount (soms)"), **MONEY, validators=[MinValueValidator(Decimal("0.01"))]
    )
    rank = models.PositiveSmallIntegerField(_("rank when awarded"))
    departure_reason = models.TextField(
        _("why the rank order was departed from"),
        blank=True,
        help_text=_("Required when a higher-ranked application is not awarded."),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["competition", "rank"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="award_amount_positive")]

    def __str__(self) -> str:
        return f"{self.application} — {self.amount}"
