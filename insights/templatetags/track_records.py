"""The track record beside an application, for the commission and the staff after the deadline.

``{% track_records_for applications competition as records %}`` reads the records of all the
applications' organizations at once (insights/records.py: a fixed number of queries), and
``{% track_record organization competition records %}`` shows one of them as a compact panel; without
``records`` it reads the one organization's (a page of one application). Both answer nothing while
the competition is sealed: before the deadline, not even that an organization applied is shown, so a
template that forgets the page's own check cannot leak it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django import template
from django.urls import reverse

from insights import records as track
from organizations.models import Organization
from procurement.models import Application, Competition

register = template.Library()


@register.simple_tag
def track_records_for(
    applications: Iterable[Application], competition: Competition
) -> dict[int, track.TrackRecord]:
    """The records of the applications' organizations by id ({} while the competition is sealed)."""
    if competition.is_sealed:
        return {}
    return track.track_records(application.organization_id for application in applications)


@register.inclusion_tag("insights/partials/track_record.html")
def track_record(
    organization: Organization,
    competition: Competition,
    records: Mapping[int, track.TrackRecord] | None = None,
) -> dict:
    """The compact panel of ``organization``'s record (nothing while ``competition`` is sealed)."""
    if competition.is_sealed:
        return {"record": None}
    record = track.track_record(organization) if records is None else records.get(organization.pk)
    return {
        "record": record,
        "organization": organization,
        "public_profile": track.has_public_profile(organization),
    }


@register.simple_tag
def profile_url(organization: Organization) -> str:
    """The address of the organization's public profile, or '' when it has none (pending)."""
    if not track.has_public_profile(organization):
        return ""
    return reverse("insights:organization-profile", args=[organization.pk])
