"""``{% competition_flags competition public=True %}``, ``{% municipality_flags municipality %}`` and
``{% project_flags municipalities %}``: the red flags (``insights.flags``) in their partial.

Sealing is decided here for the competition page: the public sees a competition's flags once its
results are public (completed), its staff and auditors once the deadline has passed.
"""

from __future__ import annotations

from collections.abc import Sequence

from django import template

from insights import flags as rules
from organizations.models import Municipality
from procurement.models import Competition

register = template.Library()

PARTIAL = "insights/partials/flags.html"


@register.inclusion_tag(PARTIAL)
def competition_flags(competition: Competition, public: bool = True) -> dict:
    """The competition's flags: public, only once completed; else only once the deadline has passed."""
    if public:
        shown = competition.state == Competition.State.COMPLETED
    else:
        shown = not competition.is_draft and not competition.is_sealed
    return {"flags": rules.competition_flags(competition, public=public) if shown else []}


@register.inclusion_tag(PARTIAL)
def municipality_flags(municipality: Municipality) -> dict:
    """Every flag of the municipality (for its finance staff and auditors)."""
    return {"flags": rules.municipality_flags(municipality)}


@register.inclusion_tag(PARTIAL)
def project_flags(municipalities: Sequence[Municipality]) -> dict:
    """The flags of the municipalities' projects and years (a consultant's work list)."""
    return {"flags": rules.project_flags(list(municipalities))}
