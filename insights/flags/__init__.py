"""Red flags: patterns worth a second look, computed from what is recorded, never blocking.

Each flag says in plain words what was seen, with its figures, and the rule that raised it, so
that a reader can judge it (a single applicant may be a small field, not a fix). The rules live
in ``insights.flags.competitions`` (one competition's applicants, period, amendments, commission,
scores, awards) and ``insights.flags.municipalities`` (projects and several years); each reads
what it needs for many competitions or projects at once, so that a dashboard makes the same
queries for two competitions as for a hundred.

Sealing: a rule about applications reads only competitions whose deadline has passed, a rule
about scores only competitions under evaluation or completed, and the public sees a competition's
flags only once its results are public (``public=True``: completed competitions only).
"""

from __future__ import annotations

from insights.flags.base import Flag
from insights.flags.competitions import competition_flags, flags_of_competitions
from insights.flags.municipalities import municipality_flags, project_flags

__all__ = ["Flag", "competition_flags", "flags_of_competitions", "municipality_flags", "project_flags"]
