"""How a state is shown: each choice of a state has the tone of its badge.

A tone is one of Bootstrap's contextual colours (``text-bg-success``, …). A state's
``TextChoices`` gets its tones with ``@toned`` where it is declared, and every page shows the
state through the one badge (``{% state_badge %}``, ``ssp_portal/templatetags/states.py``), so a
state has the same colour everywhere.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from django.db import models


class Tone(enum.StrEnum):
    SUCCESS = "success"
    PRIMARY = "primary"
    WARNING = "warning"
    DANGER = "danger"
    SECONDARY = "secondary"
    LIGHT = "light"


_tones: dict[type[models.TextChoices], dict[models.TextChoices, Tone]] = {}


def toned(**tones: Tone) -> Callable[[type[models.TextChoices]], type[models.TextChoices]]:
    """``@toned(DRAFT=Tone.SECONDARY, PUBLISHED=Tone.SUCCESS, …)``, a tone for each choice by its
    name: a choice left out, or a name that is no choice, fails when the module is imported."""

    def give(choices: type[models.TextChoices]) -> type[models.TextChoices]:
        if set(tones) != set(choices.names):
            raise ValueError(f"Give each choice of {choices.__name__} one tone: {', '.join(choices.names)}.")
        _tones[choices] = {choice: tones[choice.name] for choice in choices}
        return choices

    return give


def tone(choice: models.TextChoices) -> Tone:
    return _tones[type(choice)][choice]
