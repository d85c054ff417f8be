"""The awards as 360Giving grants: pure functions of the rows ``giving_selectors`` reads.

One grant per award of a competition whose results are published (``completed``); a competition
before that gives nothing, not even its number of applications (the selectors never read one).
A grant carries the standard's required fields (id, title, description, currency, amountAwarded,
awardDate, recipientOrganization, fundingOrganization) and what the portal knows besides:

- ``id``: the publisher's 360Giving prefix (``SSP_360GIVING_PREFIX``), the competition's reference
  number and the award's number, ``360G-sspportal-KRK-2025-001-7``: it stays the same from the
  award to the grant agreement and after, so that a grant is never published twice.
- ``recipientOrganization``: ``KG-INN-<INN>`` (the organization's tax number, the ``KG-INN``
  scheme of org-id.guide), its name, its state registration number as ``companyNumber`` (the
  number the register of legal entities gave it), its region; no address, phone or e-mail.
- ``fundingOrganization``: the municipality, identified by ``SSP_360GIVING_FUNDER_ID`` made from
  its ``{slug}`` or ``{code}`` (``XI-SSP-karakol``), named by its contracting authority.
- ``amountAwarded``: the award; ``amountDisbursed``: the tranches paid so far (0 before any).
- ``plannedDates``: the grant agreement's period once there is one, else the competition's.
- ``grantProgramme``: the priority issue; ``beneficiaryLocation``: the municipality, ``KG``.
- Dates are the municipality's (Asia/Bishkek): ``awardDate`` is the day of the award decision,
  ``dateModified`` the latest moment the portal knows the grant changed (results published,
  the award, the agreement and its state, the day of the last payment).

Texts the municipality writes (titles of competitions and priority issues) come in the reader's
language with the portal's fallbacks; what an NCO wrote stays in its own language.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from organizations.models import Region

CURRENCY = "KGS"
CENT = Decimal("0.01")
COUNTRY_CODE = "KG"
ORGANIZATION_SCHEME = "KG-INN"
#: The version of the 360Giving Data Standard the file follows (the package's ``version``).
STANDARD_VERSION = "1.4"
COUNTRY = _("Kyrgyz Republic")
#: Regions that are cities: an organization registered there is in that city.
CITIES = (Region.BISHKEK, Region.OSH_CITY)


@dataclass(frozen=True)
class AwardRow:
    """What one grant is made of, as ``giving_selectors.giving_rows`` reads it."""

    award_id: int
    amount: Decimal
    decided_at: datetime.datetime
    reference: str
    competition_title: str
    completed_at: datetime.datetime | None
    project_start: datetime.date
    project_end: datetime.date
    issue_id: int
    issue_title: str
    municipality_slug: str
    municipality_code: str
    municipality_name: str
    municipality_authority: str
    municipality_region: str
    time_zone: str
    organization_name: str
    organization_inn: str
    organization_registration_number: str
    organization_region: str
    application_title: str
    application_summary: str
    project_title: str | None
    project_start_date: datetime.date | None
    project_end_date: datetime.date | None
    project_created_at: datetime.datetime | None
    project_state_changed_at: datetime.datetime | None
    disbursed: Decimal
    last_paid_on: datetime.date | None


@dataclass(frozen=True)
class Publication:
    """The publisher's choices (settings) and where the file is published."""

    prefix: str
    funder_id: str
    site_url: str
    data_source: str


def grant_id(row: AwardRow, prefix: str) -> str:
    """The grant's identifier: the prefix, the competition's reference, the award's number."""
    return f"{prefix}-{row.reference}-{row.award_id}"


def organization_id(inn: str) -> str:
    """An NCO's identifier in the ``KG-INN`` scheme: its tax number."""
    return f"{ORGANIZATION_SCHEME}-{inn}"


def funder_id(template: str, *, slug: str, code: str) -> str:
    """The municipality's identifier, from the settings' template (``XI-SSP-{slug}``)."""
    return template.format(slug=slug, code=code)


def months(start: datetime.date, end: datetime.date) -> int:
    """How many months a period lasts, month 1 starting on its first day (the rule of
    ``Competition.project_months``): 1 April to 30 September is 6, 15 January to 15 July 7."""
    count = (end.year - start.year) * 12 + end.month - start.month
    return max(1, count + (1 if end.day >= start.day else 0))


def local_day(moment: datetime.datetime, zone: str) -> str:
    """The day of ``moment`` in the municipality's zone, ``YYYY-MM-DD``."""
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


def date_modified(row: AwardRow) -> datetime.datetime:
    """The latest moment the grant is known to have changed, in the municipality's zone. A
    payment is recorded by its day: the start of that day counts."""
    zone = ZoneInfo(row.time_zone)
    moments = [
        row.decided_at,
        row.completed_at,
        row.project_created_at,
        row.project_state_changed_at,
    ]
    if row.last_paid_on is not None:
        moments.append(datetime.datetime.combine(row.last_paid_on, datetime.time(), tzinfo=zone))
    return max(moment for moment in moments if moment is not None).astimezone(zone)


def recipient(row: AwardRow) -> dict[str, str]:
    """The NCO: identifier, name, registration number and where it is registered."""
    organization = {"id": organization_id(row.organization_inn), "name": row.organization_name}
    if row.organization_registration_number:
        organization["companyNumber"] = row.organization_registration_number
    region = str(Region(row.organization_region).label) if row.organization_region in Region.values else ""
    if region:
        organization["addressLocality" if row.organization_region in CITIES else "addressRegion"] = region
    organization["addressCountry"] = str(COUNTRY)
    return organization


def funder(row: AwardRow, template: str) -> dict[str, str]:
    """The municipality that funds the grant, named by its contracting authority."""
    organization = {
        "id": funder_id(template, slug=row.municipality_slug, code=row.municipality_code),
        "name": row.municipality_authority or row.municipality_name,
    }
    if row.municipality_region in Region.values:
        organization["addressRegion"] = str(Region(row.municipality_region).label)
    organization["addressCountry"] = str(COUNTRY)
    return organization


def planned_dates(row: AwardRow) -> dict[str, object]:
    """The grant agreement's period, else the period the competition announced."""
    start = row.project_start_date or row.project_start
    end = row.project_end_date or row.project_end
    return {"startDate": start.isoformat(), "endDate": end.isoformat(), "duration": months(start, end)}


def grant(row: AwardRow, publication: Publication) -> dict[str, object]:
    """One award as a 360Giving grant (money as Decimal: the serializer writes numbers)."""
    path = reverse("procurement:competition-detail", kwargs={"reference": row.reference})
    return {
        "id": grant_id(row, publication.prefix),
        "title": row.project_title or row.application_title or row.competition_title,
        "description": row.application_summary or row.competition_title,
        "currency": CURRENCY,
        "amountAwarded": row.amount,
        "amountDisbursed": Decimal(row.disbursed).quantize(CENT),
        "awardDate": local_day(row.decided_at, row.time_zone),
        "url": publication.site_url + path,
        "plannedDates": [planned_dates(row)],
        "recipientOrganization": [recipient(row)],
        "fundingOrganization": [funder(row, publication.funder_id)],
        "grantProgramme": [
            {"code": f"{row.municipality_code}-PI-{row.issue_id}", "title": row.issue_title},
        ],
        "beneficiaryLocation": [{"name": row.municipality_name, "countryCode": COUNTRY_CODE}],
        "fromOpenCall": "Yes",
        "dateModified": date_modified(row).isoformat(timespec="seconds"),
        "dataSource": publication.data_source,
    }


def package_head(
    publication: Publication, *, license_url: str, publisher: str, modified: datetime.datetime | None
) -> dict[str, object]:
    """What the package says of itself besides its grants (the 360Giving package schema)."""
    head: dict[str, object] = {
        "version": STANDARD_VERSION,
        "title": gettext("Grants of state social procurement"),
        "license": license_url,
        "publisher": {"name": publisher, "website": publication.site_url + "/"},
        "downloadURL": publication.data_source,
    }
    if modified is not None:
        head["modified"] = modified.isoformat(timespec="seconds")
    return head


#: The flat CSV: the standard's column titles and where each value is in a grant.
CSV_COLUMNS: Sequence[tuple[str, tuple[str | int, ...]]] = (
    ("Identifier", ("id",)),
    ("Title", ("title",)),
    ("Description", ("description",)),
    ("Currency", ("currency",)),
    ("Amount Awarded", ("amountAwarded",)),
    ("Amount Disbursed", ("amountDisbursed",)),
    ("Award Date", ("awardDate",)),
    ("URL", ("url",)),
    ("Planned Dates:Start Date", ("plannedDates", 0, "startDate")),
    ("Planned Dates:End Date", ("plannedDates", 0, "endDate")),
    ("Planned Dates:Duration (months)", ("plannedDates", 0, "duration")),
    ("Recipient Org:Identifier", ("recipientOrganization", 0, "id")),
    ("Recipient Org:Name", ("recipientOrganization", 0, "name")),
    ("Recipient Org:Company Number", ("recipientOrganization", 0, "companyNumber")),
    ("Recipient Org:City", ("recipientOrganization", 0, "addressLocality")),
    ("Recipient Org:County", ("recipientOrganization", 0, "addressRegion")),
    ("Recipient Org:Country", ("recipientOrganization", 0, "addressCountry")),
    ("Funding Org:Identifier", ("fundingOrganization", 0, "id")),
    ("Funding Org:Name", ("fundingOrganization", 0, "name")),
    ("Funding Org:County", ("fundingOrganization", 0, "addressRegion")),
    ("Funding Org:Country", ("fundingOrganization", 0, "addressCountry")),
    ("Grant Programme:Code", ("grantProgramme", 0, "code")),
    ("Grant Programme:Title", ("grantProgramme", 0, "title")),
    ("Beneficiary Location:Name", ("beneficiaryLocation", 0, "name")),
    ("Beneficiary Location:Country Code", ("beneficiaryLocation", 0, "countryCode")),
    ("From An Open Call?", ("fromOpenCall",)),
    ("Last Modified", ("dateModified",)),
    ("Data Source", ("dataSource",)),
)


def flat(grant: dict[str, object]) -> dict[str, object]:
    """A grant as one row of the flat CSV: column title → value (None where it has none)."""
    row: dict[str, object] = {}
    for title, path in CSV_COLUMNS:
        value: object = grant
        for step in path:
            try:
                value = value[step]  # type: ignore[index]
            except (KeyError, IndexError):
                value = None
                break
        row[title] = value
    return row
