"""The one thing insights stores: which yearly reports were asked for, the subject of their PDFs."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality


class YearlyReport(models.Model):
    """A municipality's public report on one calendar year (the year of its competitions).

    The figures are read when the PDF is rendered; the row exists so that the generated documents
    (``ssp_portal.documents``, whose subject is a model instance) have a subject to belong to. It
    is created the first time the report of a year with announced competitions is asked for.
    """

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        ordering = ["municipality", "-year"]
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="yearly_report_unique")]

    def __str__(self) -> str:
        return f"{self.municipality} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("insights:yearly-report", kwargs={"slug": self.municipality.slug, "year": self.year})
