from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality, Organization
from procurement.models import MONEY, Award


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


class Project(models.Model):
    """The grant agreement of an awarded application, followed until its end."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        TERMINATED = "terminated", _("Terminated")

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
                condition=Q(state__in=["active", "completed", "suspended", "terminated"]),
                name="project_state_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_number} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("monitoring:project-detail", kwargs={"pk": self.pk})
