"""The filters of the monitoring work lists, read from the query string."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.models import Project
from monitoring.selectors import QUEUE_SECTIONS


class WorkListFilter(django_filters.FilterSet):
    """The consultant's work list (``selectors.reviewer_queue``): the projects of one of the
    person's municipalities (by its slug; another slug lists nothing), and one section of the list
    or all three (an unknown one shows all)."""

    municipality = django_filters.CharFilter(field_name="municipality__slug")
    show = django_filters.ChoiceFilter(
        label=_("Show"),
        choices=[
            ("review", _("Reports to review")),
            ("overdue", _("Overdue reports")),
            ("risk", _("Projects at risk")),
        ],
        empty_label=_("Everything"),
        method="keep_projects",
        widget=forms.Select(attrs={"id": "q-show", "class": "form-select"}),
    )

    class Meta:
        model = Project
        fields = ["municipality", "show"]

    def keep_projects(self, queryset: QuerySet[Project], name: str, value: str) -> QuerySet[Project]:
        """The section shown filters no project: it is read by ``sections``."""
        return queryset

    @property
    def sections(self) -> tuple[str, ...]:
        """The sections of the work list to show."""
        show = self.form.cleaned_data.get("show") if self.is_valid() else None
        return (show,) if show else QUEUE_SECTIONS
