"""The filters of the monitoring work lists, read from the query string."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from monitoring.models import MonitoringReport, PaymentTranche, Project
from monitoring.selectors import QUEUE_SECTIONS, at_risk
from organizations.models import Municipality, Organization
from procurement.models import Competition, PriorityIssue
from ssp_portal.filters import BootstrapFilterSet, FastSelect
from ssp_portal.languages import as_read
from ssp_portal.search import words_in


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


def _search(folded: tuple[str, ...], plain: tuple[str, ...]):
    """A filter method matching each word typed in one of the columns (``words_in``)."""

    def search(filterset, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(words_in(value, folded, plain))

    return search


class ProjectFilter(BootstrapFilterSet):
    """The municipality's projects (``selectors.projects_of_municipality``): by the organization's
    name (or the contract's number or the project's title), state, priority issue, competition, and
    only those at risk. Give it ``municipality``: its own priority issues and competitions are the
    choices."""

    q = django_filters.CharFilter(label=_("Organization or contract"), method="search")
    state = django_filters.ChoiceFilter(
        widget=FastSelect, label=_("State"), choices=Project.State.choices, empty_label=_("All")
    )
    priority_issue = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        label=_("Priority issue"),
        field_name="award__competition__priority_issue",
        queryset=PriorityIssue.objects.none(),
        empty_label=_("All"),
    )
    competition = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        label=_("Competition"),
        field_name="award__competition",
        to_field_name="reference",
        queryset=Competition.objects.none(),
        empty_label=_("All"),
    )
    at_risk = django_filters.BooleanFilter(
        label=_("Only projects at risk"), method="only_at_risk", widget=forms.CheckboxInput
    )

    search = _search(("organization__search_text",), ("contract_number", "title"))

    class Meta:
        model = Project
        fields = ["q", "state", "priority_issue", "competition", "at_risk"]

    def __init__(self, *args, municipality: Municipality | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        projects = Project.objects.filter(municipality=municipality)
        self.filters["priority_issue"].queryset = (
            PriorityIssue.objects.filter(pk__in=projects.values("award__competition__priority_issue"))
            .only("pk", "year", "title")
            .order_by("-year", as_read("title"))
        )
        # An option's label is the reference and the title: the rest of each row is not read.
        self.filters["competition"].queryset = (
            Competition.objects.filter(pk__in=projects.values("award__competition"))
            .only("pk", "reference", "title")
            .order_by("-year", "-sequence")
        )

    @property
    def form(self):
        form = super().form
        form.fields["at_risk"].widget.attrs["class"] = "form-check-input"
        return form

    def only_at_risk(self, queryset: QuerySet[Project], name: str, value: bool) -> QuerySet[Project]:
        return at_risk(queryset) if value else queryset


class TrancheFilter(BootstrapFilterSet):
    """The municipality's tranches (``selectors.tranches_of_municipality``): still to pay or paid,
    and by the organization's name or the contract's number."""

    q = django_filters.CharFilter(label=_("Organization or contract"), method="search")
    paid = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("Payment"),
        choices=[("due", _("Not paid yet")), ("paid", _("Paid"))],
        empty_label=_("All"),
        method="by_payment",
    )

    search = _search(("project__organization__search_text",), ("project__contract_number",))

    class Meta:
        model = PaymentTranche
        fields = ["q", "paid"]

    def by_payment(self, queryset: QuerySet[PaymentTranche], name: str, value: str) -> QuerySet:
        return queryset.filter(paid_on__isnull=value == "due")


class ReportsDueFilter(BootstrapFilterSet):
    """An organization member's reports to submit (``selectors.reports_due_for_member``): of one
    of their organizations, drafts or those sent back for a revision."""

    organization = django_filters.ModelChoiceFilter(
        widget=FastSelect,
        label=_("Organization"),
        field_name="project__organization",
        queryset=lambda request: Organization.objects.filter(
            memberships__user=getattr(request, "user", None)
        ).order_by("name"),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        widget=FastSelect,
        label=_("State"),
        choices=[
            (MonitoringReport.State.DRAFT, MonitoringReport.State.DRAFT.label),
            (MonitoringReport.State.REVISION_REQUESTED, MonitoringReport.State.REVISION_REQUESTED.label),
        ],
        empty_label=_("All"),
    )

    class Meta:
        model = MonitoringReport
        fields = ["organization", "state"]
