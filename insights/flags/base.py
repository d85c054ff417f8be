"""The flag itself and the thresholds of the rules (settings ``SSP_FLAG_*``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.functional import Promise


@dataclass(frozen=True)
class Flag:
    """One raised rule: ``rule`` is its code, ``title`` what was seen in a few words,
    ``explanation`` the figures behind it, ``rule_text`` the rule in plain words; ``url`` where
    to look (a competition, a project), if there is a page for it; ``subject`` what it is about
    (a competition's reference, a contract number, an organization's name)."""

    rule: str
    title: str | Promise
    explanation: str | Promise
    rule_text: str | Promise
    url: str = ""
    subject: str = ""


def threshold(name: str, default: int) -> int:
    """A rule's threshold: the setting ``SSP_FLAG_<name>``, else its default."""
    return int(getattr(settings, f"SSP_FLAG_{name}", default))
