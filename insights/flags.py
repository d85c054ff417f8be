"""Red flags: patterns worth a second look, computed from what is recorded, never blocking.

Each flag says in plain words what was seen, with its figures, and the rule that raised it, so
that a reader can judge it (a single applicant may be a small field, not a fix). The rules and
their thresholds are listed in ``RULES``; ``competition_flags`` and ``municipality_flags`` apply
them. Finance staff, auditors and consultants see them on their dashboards; the public sees a
competition's once its results are public.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Flag:
    """One raised rule: ``rule`` is its code (``RULES``), ``title`` what was seen in a few words,
    ``explanation`` the figures behind it, ``rule_text`` the rule in plain words; ``url`` where
    to look (a competition, a project), if there is a page for it."""

    rule: str
    title: str | Promise
    explanation: str | Promise
    rule_text: str | Promise
    url: str = ""


def competition_flags(competition) -> list[Flag]:
    """The flags of one competition (its applicants, period, amendments, commission, scores,
    awards)."""
    return []


def municipality_flags(municipality) -> list[Flag]:
    """The flags of a municipality: every competition's, every project's (tranches, overdue
    reports) and those over several years (one organization winning most of the money)."""
    return []
