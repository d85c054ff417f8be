from __future__ import annotations

from decimal import Decimal

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelChoiceField

from organizations.models import Municipality
from procurement.forms.competitions import MONEY_ERRORS
from procurement.models import Application, Competition, PriorityIssue
from ssp_portal.filters import BootstrapFilterSet, FastSelect
from ssp_portal.languages import as_read
from ssp_portal.rows.forms import DecimalInput, NumberField
from ssp_portal.search import TextSearch, contains_words, translated_vectors

#: A competition is found by its reference, title or description in any language, a title
#: weighing more, and by likeness to its reference or titles; migration 0008 makes the indexes.
COMPETITION_SEARCH = TextSearch(
    vectors=translated_vectors((("title", "A"), ("description", "B"))), likeness="search_title"
)


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


class IssueChoiceField(ModelChoiceField):
    """A priority issue not among the choices (one of another municipality, left in the address
    from an earlier choice) filters nothing, rather than refusing the whole search."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            return None


class PriorityIssueFilter(django_filters.ModelChoiceFilter):
    field_class = IssueChoiceField


def approved_issues(municipality_slug: str) -> QuerySet[PriorityIssue]:
    """The approved priority issues of one municipality, in the reader's language's order."""
    return (
        PriorityIssue.objects.filter(
            state=PriorityIssue.State.APPROVED,
            municipality__slug=municipality_slug,
            municipality__is_active=True,
        )
        .order_by("-year", as_read("title"))
        # An option needs its title and year alone (``PriorityIssue.__str__``).
        .only("pk", "year", "title")
    )


def with_issue_municipality(data):
    """``data`` with the municipality of its priority issue when it names an issue and no
    municipality: an address saved when the issues of every municipality were offered at once."""
    issue = (data or {}).get("priority_issue") or ""
    if not issue.isdigit() or (data or {}).get("municipality"):
        return data
    slug = (
        PriorityIssue.objects.filter(pk=issue, state=PriorityIssue.State.APPROVED)
        .values_list("municipality__slug", flat=True)
        .first()
    )
    if slug is None:
        return data
    data = data.copy()
    data["municipality"] = slug
    return data


class CompetitionFilter(BootstrapFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.filter(is_active=True).order_by("name"),
        to_field_name="slug",
        empty_label=_("All"),
        # With htmx, choosing a municipality brings its priority issues without a reload.
        widget=FastSelect(
            attrs={
                "hx-get": reverse_lazy("procurement:competition-list"),
                "hx-trigger": "change",
                "hx-include": "closest form",
                "hx-select": "#id_priority_issue",
                "hx-target": "#id_priority_issue",
                "hx-swap": "outerHTML",
            }
        ),
    )
    # The issues of the chosen municipality alone (``__init__``): a country has hundreds.
    priority_issue = PriorityIssueFilter(
        label=_("Priority issue"),
        queryset=PriorityIssue.objects.none(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (value, label) for value, label in Competition.State.choices if value != Competition.State.DRAFT
        ],
        field_name="effective_state",
        empty_label=_("All"),
        widget=FastSelect,
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=2000, max_value=2100)

    class Meta:
        model = Competition
        fields = ["q", "municipality", "priority_issue", "state", "year"]

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(with_issue_municipality(data), *args, **kwargs)
        issues = self.filters["priority_issue"]
        municipality = self.data.get("municipality")
        if municipality:
            issues.queryset = approved_issues(municipality)
        else:
            issues.extra.update(disabled=True, empty_label=_("Choose a municipality first"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # In every language: a reader may know a competition by its name in another.
        return COMPETITION_SEARCH.filter(queryset, value)


class ApplicationFilter(BootstrapFilterSet):
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=[
            (value, label)
            for value, label in Application.State.choices
            if value not in (Application.State.DRAFT, Application.State.WITHDRAWN)
        ],
        empty_label=_("All"),
        widget=FastSelect,
    )
    organization = django_filters.CharFilter(label=_("Organization"), method="organization_search")
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

    def organization_search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Applications of an organization whose name, INN or registration number holds the words."""
        return queryset.filter(contains_words(value, "organization__search_text"))


def _search_competitions(queryset: QuerySet, value: str, prefix: str = "") -> QuerySet:
    """Competitions by words of their reference, titles or descriptions in any language (the folded
    search column: correct for Cyrillic on every database)."""
    return queryset.filter(contains_words(value, f"{prefix}search_text"))


class StaffCompetitionFilter(BootstrapFilterSet):
    """A municipality's competitions, for its finance staff: drafts too, by their state as every read
    sees it, priority issue, year and words of the title or the reference."""

    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=Competition.State.choices,
        field_name="effective_state",
        empty_label=_("All"),
        widget=FastSelect,
    )
    priority_issue = django_filters.ModelChoiceFilter(
        label=_("Priority issue"),
        queryset=PriorityIssue.objects.none(),
        empty_label=_("All"),
        widget=FastSelect,
    )
    year = django_filters.NumberFilter(label=_("Year"), field_name="year", min_value=2000, max_value=2100)

    class Meta:
        model = Competition
        fields = ["q", "state", "priority_issue", "year"]

    def __init__(self, *args, municipality: Municipality | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The municipality's own priority issues, in the reader's language's order.
        self.filters["priority_issue"].queryset = (
            PriorityIssue.objects.filter(municipality=municipality)
            .order_by("-year", as_read("title"))
            # An option needs its title and year alone (``PriorityIssue.__str__``).
            .only("pk", "year", "title")
        )

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search_competitions(queryset, value)


class MemberApplicationFilter(BootstrapFilterSet):
    """A member's organizations' applications, by state and by the competition's reference or title
    (typed: an organization may have applied to more competitions than a list can hold)."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=Application.State.choices, empty_label=_("All"), widget=FastSelect
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
        widget=FastSelect,
    )

    class Meta:
        model = Competition
        fields = ["q", "state"]

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return _search_competitions(queryset, value)
