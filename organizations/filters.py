from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from organizations.models import Organization, Region
from ssp_portal.search import TextSearch, Vector

#: An organization is found by part of its name, INN or registration number, and on PostgreSQL
#: by the words of its name too (the vector migration 0006 indexes).
ORGANIZATION_SEARCH = TextSearch(vectors=(Vector("russian", (("name", "A"),)),))


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    state = django_filters.ChoiceFilter(
        label=_("Verification"), choices=Organization.State.choices, empty_label=_("All")
    )
    region = django_filters.ChoiceFilter(label=_("Region"), choices=Region.choices, empty_label=_("All"))
    legal_form = django_filters.ChoiceFilter(
        label=_("Legal form"), choices=Organization.LegalForm.choices, empty_label=_("All")
    )

    class Meta:
        model = Organization
        fields = ["q", "state", "region", "legal_form"]

    def __init__(self, data=None, *args, **kwargs):
        # Links saved before the field was named ``state`` say ``verification_status``.
        if data is not None and "state" not in data and "verification_status" in data:
            data = data.copy()
            data["state"] = data["verification_status"]
        super().__init__(data, *args, **kwargs)

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            css = "form-select" if hasattr(field, "choices") else "form-control"
            field.widget.attrs.setdefault("class", css)
        return form

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return ORGANIZATION_SEARCH.filter(queryset, value)
