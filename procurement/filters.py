from __future__ import annotations

from decimal import Decimal

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality
from procurement.forms.competitions import MONEY_ERRORS
from procurement.models import Application, Competition, PriorityIssue
from ssp_portal.languages import any_language, as_read
from ssp_portal.rows.forms import DecimalInput, NumberField


class BootstrapFilterSet(django_filters.FilterSet):
    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if hasattr(field, "choices") else "form-control"
            )
        return form


class AmountFilter(django_filters.NumberFilter):
    """An amount in soms as people type it (``200 000``, ``200,5``): a text input read by
    ``NumberField``, never a number input, which refuses both; a mistyped amount is refused beside
    the field and filters nothing."""

    field_class = NumberField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", DecimalInput(money=True))
        kwargs.setdefault("min_value", Decimal("0"))
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("error_messages", MONEY_ERRORS)
        super().__init__(*args, **kwargs)


class CompetitionFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        empty_label=_("All"),
    )
    priority_issue = django_filters.ModelChoiceFilter(
        label=_("Priority issue"),
        # Read per request: the order is the reader's language's.
        queryset=lambda request: (
            PriorityIssue.objects.filter(state=PriorityIssue.State.APPROVED)
            .select_related("municipality")
            .order_by("municipality__name", "-year", as_read("title"))
        ),
        empty_label=_("All"),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (value, label) for value, label in Competition.State.choices if value != Competition.State.DRAFT
        ],
        field_name="effective_state",
        empty_label=_("All"),
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=2000, max_value=2100)

    class Meta:
        model = Competition
        fields = ["q", "municipality", "priority_issue", "state", "year"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # In every language: a reader may know a competition by its name in another.
        return queryset.filter(
            any_language("title", "icontains", value)
            | Q(reference__icontains=value)
            | any_language("description", "icontains", value)
        )


class ApplicationFilter(BootstrapFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (value, label)
            for value, label in Application.State.choices
            if value not in (Application.State.DRAFT, Application.State.WITHDRAWN)
        ],
        empty_label=_("All"),
    )
    organization = django_filters.CharFilter(
        label=_("Organization"), field_name="organization__name", lookup_expr="icontains"
    )
    min_amount = AmountFilter(
        label=_("Requested from (soms)"), field_name="requested_amount", lookup_expr="gte"
    )
    max_amount = AmountFilter(
        label=_("Requested up to (soms)"), field_name="requested_amount", lookup_expr="lte"
    )

    class Meta:
        model = Application
        fields = ["state", "organization", "min_amount", "max_amount"]

    def __init__(self, *args, competition: Competition | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.competition = competition


def _search_competitions(queryset: QuerySet, value: str, prefix: str = "") -> QuerySet:
    """Competitions by reference or by title in any language."""
    value = value.strip()
    if not value:
        return queryset
    return queryset.filter(
        any_language(f"{prefix}title", "icontains", value) | Q(**{f"{prefix}reference__icontains": value})
    )


class StaffCompetitionFilter(BootstrapFilterSet):
    """A municipality's competitions, for its finance staff: drafts too, by their state as every read
    sees it, priority issue, year and words of the title or the reference."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Competition.State.choices,
        field_name="effective_state",
        empty_label=_("All"),
    )
    priority_issue = django_filters.ModelChoiceFilter(
        label=_("Priority issue"), queryset=PriorityIssue.objects.none(), empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=2000, max_value=2100)

    class Meta:
        model = Competition
        fields = ["q", "state", "priority_issue", "year"]

    def __init__(self, *args, municipality: Municipality | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The municipality's own priority issues, in the reader's language's order.
        self.filters["priority_issue"].queryset = PriorityIssue.objects.filter(
            municipality=municipality
        ).order_by("-year", as_read("title"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search_competitions(queryset, value)


class MemberApplicationFilter(BootstrapFilterSet):
    """A member's organizations' applications, by state and by the competition's reference or title
    (typed: an organization may have applied to more competitions than a list can hold)."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Application.State.choices, empty_label=_("All")
    )
    competition = django_filters.CharFilter(label=_("Competition"), method="search")

    class Meta:
        model = Application
        fields = ["state", "competition"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search_competitions(queryset, value, prefix="competition__")


class CommissionWorkFilter(BootstrapFilterSet):
    """The competitions a commission member sits on, by state and words of the title or reference."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Competition.State.choices,
        field_name="effective_state",
        empty_label=_("All"),
    )

    class Meta:
        model = Competition
        fields = ["q", "state"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search_competitions(queryset, value)
