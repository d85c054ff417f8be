"""A state as a badge in its tone (``ssp_portal/states.py``)."""

from __future__ import annotations

from django import template
from django.db import models
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ssp_portal.states import tone

register = template.Library()


@register.simple_tag
def state_badge(choices: type[models.TextChoices], value: str, name: str = "") -> SafeString:
    """``{% state_badge application.State application.state "application-state" %}``: the badge of
    ``value``, one of ``choices``; with ``name``, its value in the ``data-<name>`` attribute too,
    for tests and scripts to find.

    Built here rather than from a template: lists show one on every row.
    """
    choice = choices(value)
    if name:
        badge = '<span class="badge text-bg-{}" data-{}="{}">{}</span>'
        return format_html(badge, tone(choice), name, choice.value, choice.label)
    return format_html('<span class="badge text-bg-{}">{}</span>', tone(choice), choice.label)
