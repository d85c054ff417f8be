"""A state as a badge in its tone (``ssp_portal/states.py``)."""

from __future__ import annotations

from django import template
from django.db import models

from ssp_portal.states import tone

register = template.Library()


@register.inclusion_tag("partials/state_badge.html")
def state_badge(choices: type[models.TextChoices], value: str, name: str = "") -> dict:
    """``{% state_badge application.State application.state "application-state" %}``: the badge of
    ``value``, one of ``choices``; with ``name``, its value in the ``data-<name>`` attribute too,
    for tests and scripts to find."""
    choice = choices(value)
    return {"choice": choice, "tone": tone(choice), "name": name}
