"""The filters of the 360Giving files: ``?municipality=<slug>&year=<yyyy>``, both optional."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from organizations.models import Municipality

FIRST_YEAR, LAST_YEAR = 2000, 2100
YEAR_MESSAGE = _("Give the year as four digits, from 2000 to 2100.")


class GrantFilterForm(forms.Form):
    """Turns the query into a municipality (by its short name) and a competition year."""

    municipality = forms.ModelChoiceField(
        queryset=Municipality.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": _("No municipality has the short name “%(value)s”.")},
    )
    year = forms.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        error_messages={"invalid": YEAR_MESSAGE, "min_value": YEAR_MESSAGE, "max_value": YEAR_MESSAGE},
    )

    def query(self) -> dict[str, str]:
        """The valid filters as they are written in an address (for the package's own URL)."""
        municipality, year = self.cleaned_data["municipality"], self.cleaned_data["year"]
        query = {"municipality": municipality.slug if municipality else "", "year": str(year or "")}
        return {name: value for name, value in query.items() if value}
