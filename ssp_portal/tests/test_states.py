from __future__ import annotations

import pytest
from django.db import models
from django.template import Context, Template

from monitoring.models import Project
from organizations.models import Organization
from procurement.models import Application, Competition
from ssp_portal.states import Tone, tone, toned


def badge(source: str, **context) -> str:
    return Template("{% load states %}" + source).render(Context(context)).strip()


def test_a_badge_shows_the_label_in_the_tone_of_its_choice():
    html = badge('{% state_badge State "ineligible" "application-state" %}', State=Application.State)

    assert html == '<span class="badge text-bg-danger" data-application-state="ineligible">Ineligible</span>'


def test_a_badge_names_its_value_only_when_asked():
    assert badge("{% state_badge State value %}", State=Project.State, value="active") == (
        '<span class="badge text-bg-success">Active</span>'
    )


def test_every_choice_of_a_shown_state_has_a_tone():
    for choices in (Competition.State, Application.State, Organization.State, Project.State):
        assert {tone(choice) for choice in choices} <= set(Tone)


def test_a_state_without_a_tone_for_each_choice_is_refused():
    class Half(models.TextChoices):
        ONE = "one", "One"
        TWO = "two", "Two"

    with pytest.raises(ValueError, match="ONE, TWO"):
        toned(ONE=Tone.SUCCESS)(Half)
    with pytest.raises(ValueError):
        toned(ONE=Tone.SUCCESS, TWO=Tone.DANGER, THREE=Tone.LIGHT)(Half)
