"""What the portal's filter forms share: Bootstrap's classes on every field, and a select cheap
enough for hundreds of options."""

from __future__ import annotations

import django_filters
from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join


class FastSelect(forms.Select):
    """A select whose options are written in Python, not by a template each: a municipality's
    priority issues are hundreds of options, and Django's option templates cost more than the rest
    of the page. The same HTML as ``forms.Select`` for choices without groups (which these are)."""

    def render(self, name, value, attrs=None, renderer=None):
        # Through iter(): list() would ask a ModelChoiceIterator its length, one more query.
        choices = list(iter(self.choices))
        if any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        chosen = set(self.format_value(value))
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            format_html_join("", '\n  <option value="{}"{}>{}</option>', self._options(choices, chosen)),
        )

    @staticmethod
    def _options(choices, chosen: set[str]):
        """(value, " selected" or "", label) per choice: the first chosen one is selected."""
        selected_one = False
        for option_value, label in choices:
            option = "" if option_value is None else str(option_value)
            selected = not selected_one and option in chosen
            selected_one = selected_one or selected
            yield option, " selected" if selected else "", label


class BootstrapFilterSet(django_filters.FilterSet):
    """A filter set whose fields carry Bootstrap's classes (``form-select`` or ``form-control``)."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault(
                "class", "form-select" if hasattr(field, "choices") else "form-control"
            )
        return form
