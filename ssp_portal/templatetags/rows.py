"""The controls of the row editor (ssp_portal/rows): one input or select per field of a row."""

from __future__ import annotations

from django import forms, template
from django.forms import BoundField
from django.utils.html import format_html, format_html_join

from ssp_portal.formatting import format_date, format_quantity, format_soms, read_number
from ssp_portal.languages import NATIVE_NAMES
from ssp_portal.rows.forms import NumberField

register = template.Library()


def _value(field: BoundField) -> str:
    value = field.field.widget.format_value(field.value())
    return "" if value is None else str(value)


def _attributes(field: BoundField, css: str) -> dict[str, str | None]:
    classes = f"{css} is-invalid" if field.errors else css
    attrs: dict[str, str | None] = {
        "name": field.html_name,
        "id": field.auto_id,
        "class": classes,
        "aria-label": str(field.label),
        "data-row-field": field.name,
    }
    if field.errors:
        attrs["aria-invalid"] = "true"
        attrs["aria-describedby"] = f"{field.auto_id}-error"
    if field.field.disabled:
        attrs["disabled"] = None
    return attrs


def _render(tag: str, attrs: dict[str, str | None], inner: str = "") -> str:
    rendered = format_html_join(
        "", ' {}="{}"', ((k, v) for k, v in attrs.items() if v is not None and k != "value")
    )
    flags = format_html_join("", " {}", ((k,) for k, v in attrs.items() if v is None))
    value = format_html(' value="{}"', attrs["value"]) if "value" in attrs else ""
    if tag == "select":
        return format_html("<select{}{}>{}</select>", rendered, flags, inner)
    return format_html("<input{}{}{}>", rendered, value, flags)


def _shown(field: BoundField) -> str:
    """A field that cannot change (a paid tranche, a member's address), written as the page
    writes such a value: a date day first, money in soms, a choice by its label."""
    value = field.value()
    if value in (None, ""):
        return "—"
    if isinstance(field.field, forms.ChoiceField):
        return str(dict(field.field.choices).get(str(value), value))
    if isinstance(field.field, forms.DateField):
        day = field.field.to_python(value) if isinstance(value, str) else value
        return format_date(day)
    if isinstance(field.field, NumberField):
        number = read_number(value)
        if number is not None:
            return (
                format_soms(number)
                if getattr(field.field.widget, "money", False)
                else format_quantity(number)
            )
    return str(value)


@register.simple_tag
def row_control(field: BoundField) -> str:
    """A row's field as an input that reads what people type and keeps what they typed; a field
    that cannot change is written as text."""
    if field.field.disabled:
        # data-value: the number the totals script counts.
        return format_html(
            '<span class="form-control-plaintext" id="{}" data-row-field="{}" data-value="{}">{}</span>',
            field.auto_id,
            field.name,
            _value(field),
            _shown(field),
        )
    widget = field.field.widget
    if isinstance(widget, forms.Select):
        value = field.value()
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if str(value) == current else "", label)
                for value, label in field.field.choices
            ),
        )
        return _render("select", _attributes(field, "form-select"), options)
    attrs = _attributes(field, "form-control")
    attrs["value"] = _value(field)
    if isinstance(field.field, NumberField):
        # Text, not type=number: "150 000" and "150000,50" are read, not silently emptied.
        attrs.update({"type": "text", "inputmode": "decimal", "autocomplete": "off"})
    elif isinstance(field.field, forms.IntegerField):
        attrs.update({"type": "number", "inputmode": "numeric", "step": "1"})
        if field.field.min_value is not None:
            attrs["min"] = str(field.field.min_value)
        if field.field.max_value is not None:
            attrs["max"] = str(field.field.max_value)
    elif isinstance(field.field, forms.DateField):
        attrs["type"] = "date"
        # The date window of the field (ssp_portal/validators.py), for the browser's date picker.
        for bound in ("min", "max"):
            if bound in widget.attrs:
                attrs[bound] = str(widget.attrs[bound])
    elif isinstance(field.field, forms.EmailField):
        attrs.update({"type": "email", "autocomplete": "off"})
    else:
        attrs["type"] = "text"
    max_length = getattr(field.field, "max_length", None)
    if max_length:
        attrs["maxlength"] = str(max_length)
    return _render("input", attrs)


@register.filter
def other_languages(field: BoundField) -> list[tuple[str, str, str]]:
    """The row's text of ``field`` in the languages not being edited, as (code, name, text):
    shown under the input so that a translator sees, say, the Russian while typing the Kyrgyz."""
    texts = (field.form.initial.get("other_languages") or {}).get(field.name) or []
    return [(code, NATIVE_NAMES.get(code, code), text) for code, text in texts]
